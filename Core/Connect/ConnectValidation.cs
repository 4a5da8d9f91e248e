using LanguageExt;
using static LanguageExt.Prelude;
using ConnectViolation = Wsk.Core.RuleViolation<Wsk.Core.ConnectRule>;

namespace Wsk.Core;

/// <summary>
/// Pure validation of a WskSocketConnect request. Every parameter is checked independently and the failures are
/// accumulated with the tuple <c>Apply</c> (a LINQ query over <see cref="Validation{FAIL,SUCCESS}"/> would stop at
/// the first failure), so a rejection lists every violation the request contains. It judges facts, not callbacks:
/// whether the request's SD is cached is looked up by the shell before the call.
/// </summary>
public static class ConnectValidation
{
    private static RuleTable<ConnectRule> Rules => ConnectRules.Table;

    /// <summary>
    /// Validates <paramref name="request"/>. <paramref name="securityDescriptorCached"/> says whether the request's
    /// SecurityDescriptor is a live SD cached by its client; it is ignored when the request gives none.
    /// </summary>
    public static Validation<ConnectViolation, ValidConnect> Validate(
        ConnectRequest request, bool securityDescriptorCached) =>
        ValidateAddresses(request, securityDescriptorCached)
            .Map(a => new ValidConnect(a.Local.Family, a.Local, a.Remote, request));

    /// <summary>
    /// The same validation, answering only the two usable addresses: the form the provider's connect path uses,
    /// because its combining function captures nothing and so allocates nothing per call.
    /// </summary>
    public static Validation<ConnectViolation, (SockAddr Local, SockAddr Remote)> ValidateAddresses(
        ConnectRequest request, bool securityDescriptorCached) =>
        (Transport(request), Local(request.LocalAddress), Remote(request.LocalAddress, request.RemoteAddress),
         Flags(request.Flags), Sd(request, securityDescriptorCached))
        .Apply(static (_, local, remote, _, _) => (local, remote));

    private static Validation<ConnectViolation, Unit> Transport(ConnectRequest r) =>
        TransportCatalogue.Accepts(SocketCategory.Connection, r.SocketType, r.Protocol)
            ? Success<ConnectViolation, Unit>(unit)
            : Rules.Fail<Unit>(ConnectRule.TransportNotConnectionOriented,
                $"SocketType {r.SocketType} with Protocol {r.Protocol}; "
                + "a connection socket needs SOCK_STREAM (1) with IPPROTO_TCP (6)");

    private static Validation<ConnectViolation, SockAddr> Local(SockAddrArgument local) =>
        local.Address is { } address ? Success<ConnectViolation, SockAddr>(address) : LocalFault(local);

    private static Validation<ConnectViolation, SockAddr> LocalFault(SockAddrArgument local) => local.Kind switch
    {
        SockAddrArgumentKind.Truncated =>
            Rules.Fail<SockAddr>(ConnectRule.LocalAddressTruncated, $"LocalAddress has {local.Length} bytes"),
        SockAddrArgumentKind.FamilyNotOffered =>
            Rules.Fail<SockAddr>(ConnectRule.LocalFamilyNotSupported, $"LocalAddress family {local.Family}"),
        _ => Rules.Fail<SockAddr>(ConnectRule.LocalAddressMissing, "LocalAddress is NULL"),
    };

    private static Validation<ConnectViolation, SockAddr> Remote(SockAddrArgument local, SockAddrArgument remote) =>
        remote.Address switch
        {
            null => RemoteFault(remote),
            // FamilyFromLocalAddress: a remote of the other family is a mismatch. It is judged only against a local
            // address that is itself usable: otherwise the local rule already reports it.
            { } address when local.Address is { } bind && address.Family != bind.Family =>
                Rules.Fail<SockAddr>(ConnectRule.RemoteFamilyMismatch,
                    $"RemoteAddress family {address.Family}, LocalAddress family {bind.Family}"),
            { IsConnectable: false } address =>
                Rules.Fail<SockAddr>(ConnectRule.RemoteAddressNotConnectable, $"RemoteAddress {address}"),
            { } address => Success<ConnectViolation, SockAddr>(address),
        };

    private static Validation<ConnectViolation, SockAddr> RemoteFault(SockAddrArgument remote) => remote.Kind switch
    {
        SockAddrArgumentKind.Truncated =>
            Rules.Fail<SockAddr>(ConnectRule.RemoteAddressTruncated, $"RemoteAddress has {remote.Length} bytes"),
        // A family the provider does not offer can never match the socket's family, whatever LocalAddress is.
        SockAddrArgumentKind.FamilyNotOffered => Rules.Fail<SockAddr>(ConnectRule.RemoteFamilyMismatch,
            $"RemoteAddress family {remote.Family} is not offered"),
        _ => Rules.Fail<SockAddr>(ConnectRule.RemoteAddressMissing, "RemoteAddress is NULL"),
    };

    private static Validation<ConnectViolation, Unit> Flags(uint flags) =>
        flags == 0
            ? Success<ConnectViolation, Unit>(unit)
            : Rules.Fail<Unit>(ConnectRule.FlagsNotZero, $"Flags 0x{flags:X}");

    private static Validation<ConnectViolation, Unit> Sd(ConnectRequest r, bool securityDescriptorCached) =>
        r.SecurityDescriptor is not { } sd || securityDescriptorCached
            ? Success<ConnectViolation, Unit>(unit)
            : Rules.Fail<Unit>(ConnectRule.SecurityDescriptorNotCached,
                $"SecurityDescriptor {sd.Value} is not a live cached SD of client {r.Client.Value}");
}
