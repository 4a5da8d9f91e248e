using System.Collections.Generic;
using LanguageExt;
using static LanguageExt.Prelude;

namespace Wsk.Core;

/// <summary>
/// WskSocket's parameters for a connection socket (the first step of the three-step path, wsk-contract §1): the socket is
/// created unbound, its options may be set, then WskBind and WskConnect follow.
/// </summary>
/// <param name="Client">The captured client.</param>
/// <param name="AddressFamily">AF_INET (2) or AF_INET6 (23).</param>
/// <param name="SocketType">SOCK_STREAM.</param>
/// <param name="Protocol">IPPROTO_TCP.</param>
/// <param name="Flags">The category: WSK_FLAG_CONNECTION_SOCKET (2) is the one this library offers.</param>
/// <param name="SocketContext">Handed to every event callback.</param>
/// <param name="Dispatch">The client's connection callbacks, or null.</param>
/// <param name="OwningProcess">Whose security context binds use; null = the calling process.</param>
/// <param name="OwningThread">A thread whose token binds use, or null.</param>
/// <param name="SecurityDescriptor">A cached SD for the socket's address, or null (not shareable).</param>
public sealed record SocketRequest(
    ClientId Client,
    ushort AddressFamily,
    ushort SocketType = SocketTypes.Stream,
    uint Protocol = Protocols.Tcp,
    uint Flags = (uint)SocketCategory.Connection,
    object? SocketContext = null,
    ConnectionDispatch? Dispatch = null,
    ProcessId? OwningProcess = null,
    ThreadId? OwningThread = null,
    SecurityDescriptorHandle? SecurityDescriptor = null);

/// <summary>
/// The rules WskSocket, WskBind and WskConnect can break, in precedence order (parameter order, then the socket's state):
/// the call returns the status of the first rule broken; validation lists them all.
/// </summary>
public enum SocketRule
{
    /// <summary>Flags selects a category other than WSK_FLAG_CONNECTION_SOCKET (this library offers connection sockets only).</summary>
    CategoryNotSupported,
    /// <summary>AddressFamily is neither AF_INET nor AF_INET6.</summary>
    FamilyNotSupported,
    /// <summary>(SocketType, Protocol) is not STREAM+TCP.</summary>
    TransportNotConnectionOriented,
    /// <summary>SecurityDescriptor is not a live cached SD of this client.</summary>
    SecurityDescriptorNotCached,
    /// <summary>The address is NULL.</summary>
    AddressMissing,
    /// <summary>The address is shorter than its family's structure.</summary>
    AddressTruncated,
    /// <summary>The address is not the socket's SOCKADDR type.</summary>
    AddressFamilyMismatch,
    /// <summary>WskConnect to a wildcard address or port 0.</summary>
    RemoteAddressNotConnectable,
    /// <summary>Flags of WskBind / WskConnect is not 0.</summary>
    FlagsNotZero,
    /// <summary>WskBind on a socket that already has an address.</summary>
    AlreadyBound,
    /// <summary>WskConnect on a socket that was never bound.</summary>
    NotBound,
    /// <summary>WskConnect while an earlier WskConnect of the socket is pending.</summary>
    ConnectInProgress,
    /// <summary>WskConnect on a connected socket.</summary>
    AlreadyConnected,
    /// <summary>A call after the socket's WskConnect failed: only WskCloseSocket remains.</summary>
    NoLongerFunctional,
}

/// <summary>One broken socket rule.</summary>
/// <param name="Rule">Which rule.</param>
/// <param name="Detail">What was wrong, for people.</param>
public sealed record SocketViolation(SocketRule Rule, string Detail)
{
    /// <summary>The status this violation maps to.</summary>
    public NtStatus Status => SocketRules.StatusOf(Rule);

    /// <inheritdoc/>
    public override string ToString() => $"{Rule}: {Detail} ⇒ {Status}";
}

/// <summary>The three-step path's model decisions as data. README's table is checked against this.</summary>
public static class SocketRules
{
    /// <summary>Every rule in precedence order with its status and why.</summary>
    public static IReadOnlyList<(SocketRule Rule, NtStatus Status, string Why)> Table { get; } = new[]
    {
        (SocketRule.CategoryNotSupported, NtStatus.NotSupported, "only WSK_FLAG_CONNECTION_SOCKET (2) sockets are offered by this library"),
        (SocketRule.FamilyNotSupported, NtStatus.NotSupported, "only AF_INET (2) and AF_INET6 (23) are offered"),
        (SocketRule.TransportNotConnectionOriented, NtStatus.NotSupported, "a connection socket needs SOCK_STREAM with IPPROTO_TCP"),
        (SocketRule.SecurityDescriptorNotCached, NtStatus.InvalidParameter, "only a live WSK_CACHE_SD handle of this client may be passed"),
        (SocketRule.AddressMissing, NtStatus.InvalidParameter, "a required pointer is NULL"),
        (SocketRule.AddressTruncated, NtStatus.InvalidParameter, "fewer bytes than the family's SOCKADDR structure"),
        (SocketRule.AddressFamilyMismatch, NtStatus.InvalidParameter, "the address must be the SOCKADDR type of the socket's family"),
        (SocketRule.RemoteAddressNotConnectable, NtStatus.InvalidAddress, "a wildcard address or port 0 names no peer"),
        (SocketRule.FlagsNotZero, NtStatus.InvalidParameter, "reserved, must be 0"),
        (SocketRule.AlreadyBound, NtStatus.AddressAlreadyAssociated, "a socket is bound once"),
        (SocketRule.NotBound, NtStatus.InvalidDeviceState, "WskConnect needs a prior WskBind"),
        (SocketRule.ConnectInProgress, NtStatus.InvalidDeviceState, "one WskConnect at a time"),
        (SocketRule.AlreadyConnected, NtStatus.ConnectionActive, "the socket is connected already"),
        (SocketRule.NoLongerFunctional, NtStatus.FileForcedClosed, "a failed WskConnect leaves the socket unusable; close it"),
    };

    private static readonly RuleTable<SocketRule> Rules = new(Table);

    /// <summary>The status of one rule.</summary>
    public static NtStatus StatusOf(SocketRule rule) => Rules.StatusOf(rule);

    /// <summary>
    /// The one status a rejected call returns: the status of the violation with the highest precedence
    /// (lowest <see cref="SocketRule"/> value); STATUS_SUCCESS for none.
    /// </summary>
    public static NtStatus StatusFor(IEnumerable<SocketViolation> violations) => Rules.StatusFor(System.Linq.Enumerable.Select(violations, static v => v.Rule));
}

/// <summary>
/// Pure validation of the three calls. Each parameter is judged on its own and failures accumulate (tuple
/// <c>Apply</c>), as for WskSocketConnect; the socket's state is judged alongside, as one more "parameter".
/// </summary>
public static class SocketValidation
{
    /// <summary>WskSocket.</summary>
    public static Validation<SocketViolation, SocketRequest> ValidateSocket(SocketRequest request, SecurityDescriptorLookup isCachedSd) =>
        (Category(request.Flags), Family(request.AddressFamily), Transport(request.SocketType, request.Protocol), Sd(request, isCachedSd))
        .Apply((_, _, _, _) => request);

    /// <summary>WskBind of a socket of <paramref name="family"/> in <paramref name="phase"/>.</summary>
    public static Validation<SocketViolation, SockAddr> ValidateBind(ushort family, SockAddr? local, uint flags, SocketPhase phase) =>
        (Address(family, local, "LocalAddress"), Flags(flags), Phase(phase, bind: true))
        .Apply((address, _, _) => address);

    /// <summary>WskConnect of a socket of <paramref name="family"/> in <paramref name="phase"/>.</summary>
    public static Validation<SocketViolation, SockAddr> ValidateConnect(ushort family, SockAddr? remote, uint flags, SocketPhase phase) =>
        (Address(family, remote, "RemoteAddress").Bind(Connectable), Flags(flags), Phase(phase, bind: false))
        .Apply((address, _, _) => address);

    private static Validation<SocketViolation, Unit> Ok => Success<SocketViolation, Unit>(unit);

    private static Validation<SocketViolation, Unit> Fail(SocketRule rule, string detail) =>
        Fail<SocketViolation, Unit>(new SocketViolation(rule, detail));

    private static Validation<SocketViolation, Unit> Category(uint flags) =>
        flags == (uint)SocketCategory.Connection ? Ok : Fail(SocketRule.CategoryNotSupported, $"Flags 0x{flags:X}");

    private static Validation<SocketViolation, Unit> Family(ushort family) =>
        TransportCatalogue.IsSupportedFamily(family) ? Ok : Fail(SocketRule.FamilyNotSupported, $"AddressFamily {family}");

    private static Validation<SocketViolation, Unit> Transport(ushort type, uint protocol) =>
        TransportCatalogue.Accepts(SocketCategory.Connection, type, protocol)
            ? Ok
            : Fail(SocketRule.TransportNotConnectionOriented, $"SocketType {type} with Protocol {protocol}");

    private static Validation<SocketViolation, Unit> Sd(SocketRequest r, SecurityDescriptorLookup isCachedSd) =>
        r.SecurityDescriptor is not { } sd || isCachedSd(r.Client, sd)
            ? Ok
            : Fail(SocketRule.SecurityDescriptorNotCached, $"SecurityDescriptor {sd.Value} is not a live cached SD of client {r.Client.Value}");

    private static Validation<SocketViolation, SockAddr> Address(ushort family, SockAddr? address, string name) => address switch
    {
        null => Fail<SocketViolation, SockAddr>(new SocketViolation(SocketRule.AddressMissing, $"{name} is NULL")),
        SockAddrTruncated t => Fail<SocketViolation, SockAddr>(new SocketViolation(SocketRule.AddressTruncated, $"{name} has {t.Length} bytes")),
        _ when address is not (SockAddrIn or SockAddrIn6) || address.Family != family =>
            Fail<SocketViolation, SockAddr>(new SocketViolation(SocketRule.AddressFamilyMismatch, $"{name} family {address.Family}, socket family {family}")),
        _ => Success<SocketViolation, SockAddr>(address),
    };

    private static Validation<SocketViolation, SockAddr> Connectable(SockAddr remote) =>
        AddressSharing.IsWildcard(remote) || AddressSharing.PortOf(remote) == 0
            ? Fail<SocketViolation, SockAddr>(new SocketViolation(SocketRule.RemoteAddressNotConnectable, $"RemoteAddress {remote}"))
            : Success<SocketViolation, SockAddr>(remote);

    private static Validation<SocketViolation, Unit> Flags(uint flags) =>
        flags == 0 ? Ok : Fail(SocketRule.FlagsNotZero, $"Flags 0x{flags:X}");

    private static Validation<SocketViolation, Unit> Phase(SocketPhase phase, bool bind) => (phase, bind) switch
    {
        (SocketPhase.Failed, _) => Fail(SocketRule.NoLongerFunctional, "an earlier WskConnect failed"),
        (SocketPhase.Created, true) or (SocketPhase.Bound, false) => Ok,
        (_, true) => Fail(SocketRule.AlreadyBound, $"the socket is {phase}"),
        (SocketPhase.Created, false) => Fail(SocketRule.NotBound, "WskBind has not succeeded on this socket"),
        (SocketPhase.Connecting, false) => Fail(SocketRule.ConnectInProgress, "a WskConnect is pending"),
        _ => Fail(SocketRule.AlreadyConnected, $"the socket is {phase}"),
    };
}
