using LanguageExt;
using static LanguageExt.Prelude;
using SocketViolation = Wsk.Core.RuleViolation<Wsk.Core.SocketRule>;

namespace Wsk.Core;

/// <summary>
/// Pure validation of the three calls, in the manner of <see cref="ConnectValidation"/> (every failure
/// listed, facts rather than lookups); the socket's state is judged alongside, as one more "parameter".
/// </summary>
public static class SocketValidation
{
    private static RuleTable<SocketRule> Rules => SocketRules.Table;

    /// <summary>WskSocket; <paramref name="securityDescriptorCached"/> is the shell's answer for the request's
    /// SD.</summary>
    public static Validation<SocketViolation, SocketRequest> ValidateSocket(
        SocketRequest request, bool securityDescriptorCached) =>
        (Category(request.Flags), Family(request.AddressFamily), Transport(request.SocketType, request.Protocol),
         Sd(request, securityDescriptorCached))
        .Apply(static (_, _, _, valid) => valid);

    /// <summary>WskBind of a socket of <paramref name="family"/> in <paramref name="phase"/>.</summary>
    public static Validation<SocketViolation, SockAddr> ValidateBind(
        ushort family, SockAddrArgument local, uint flags, SocketPhase phase) =>
        (Address(family, local, "LocalAddress"), Flags(flags), Phase(phase, bind: true))
        .Apply(static (address, _, _) => address);

    /// <summary>WskConnect of a socket of <paramref name="family"/> in <paramref name="phase"/>.</summary>
    public static Validation<SocketViolation, SockAddr> ValidateConnect(
        ushort family, SockAddrArgument remote, uint flags, SocketPhase phase) =>
        (Address(family, remote, "RemoteAddress").Bind(Connectable), Flags(flags), Phase(phase, bind: false))
        .Apply(static (address, _, _) => address);

    private static Validation<SocketViolation, Unit> Ok => Success<SocketViolation, Unit>(unit);

    private static Validation<SocketViolation, Unit> Category(uint flags) =>
        flags == (uint)SocketCategory.Connection
            ? Ok
            : Rules.Fail<Unit>(SocketRule.CategoryNotSupported, $"Flags 0x{flags:X}");

    private static Validation<SocketViolation, Unit> Family(ushort family) =>
        TransportCatalogue.IsSupportedFamily(family)
            ? Ok
            : Rules.Fail<Unit>(SocketRule.FamilyNotSupported, $"AddressFamily {family}");

    private static Validation<SocketViolation, Unit> Transport(ushort type, uint protocol) =>
        TransportCatalogue.Accepts(SocketCategory.Connection, type, protocol)
            ? Ok
            : Rules.Fail<Unit>(SocketRule.TransportNotConnectionOriented,
                $"SocketType {type} with Protocol {protocol}");

    // The request is the success value of its last check, so the combining function captures nothing.
    private static Validation<SocketViolation, SocketRequest> Sd(SocketRequest r, bool securityDescriptorCached) =>
        r.SecurityDescriptor is not { } sd || securityDescriptorCached
            ? Success<SocketViolation, SocketRequest>(r)
            : Rules.Fail<SocketRequest>(SocketRule.SecurityDescriptorNotCached,
                $"SecurityDescriptor {sd.Value} is not a live cached SD of client {r.Client.Value}");

    private static Validation<SocketViolation, SockAddr> Address(
        ushort family, SockAddrArgument argument, string name) =>
        argument switch
        {
            { Address: { } address } when address.Family == family => Success<SocketViolation, SockAddr>(address),
            { Kind: SockAddrArgumentKind.Null } => Rules.Fail<SockAddr>(SocketRule.AddressMissing, $"{name} is NULL"),
            { Kind: SockAddrArgumentKind.Truncated } =>
                Rules.Fail<SockAddr>(SocketRule.AddressTruncated, $"{name} has {argument.Length} bytes"),
            _ => Rules.Fail<SockAddr>(SocketRule.AddressFamilyMismatch,
                $"{name} family {argument.Family}, socket family {family}"),
        };

    private static Validation<SocketViolation, SockAddr> Connectable(SockAddr remote) =>
        remote.IsConnectable
            ? Success<SocketViolation, SockAddr>(remote)
            : Rules.Fail<SockAddr>(SocketRule.RemoteAddressNotConnectable, $"RemoteAddress {remote}");

    private static Validation<SocketViolation, Unit> Flags(uint flags) =>
        flags == 0 ? Ok : Rules.Fail<Unit>(SocketRule.FlagsNotZero, $"Flags 0x{flags:X}");

    private static Validation<SocketViolation, Unit> Phase(SocketPhase phase, bool bind) => (phase, bind) switch
    {
        (SocketPhase.Failed, _) => Rules.Fail<Unit>(SocketRule.NoLongerFunctional, "an earlier WskConnect failed"),
        (SocketPhase.Created, true) or (SocketPhase.Bound, false) => Ok,
        (_, true) => Rules.Fail<Unit>(SocketRule.AlreadyBound, $"the socket is {phase}"),
        (SocketPhase.Created, false) =>
            Rules.Fail<Unit>(SocketRule.NotBound, "WskBind has not succeeded on this socket"),
        (SocketPhase.Connecting, false) => Rules.Fail<Unit>(SocketRule.ConnectInProgress, "a WskConnect is pending"),
        _ => Rules.Fail<Unit>(SocketRule.AlreadyConnected, $"the socket is {phase}"),
    };
}
