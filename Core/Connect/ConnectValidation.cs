using LanguageExt;
using static LanguageExt.Prelude;

namespace Wsk.Core;

/// <summary>Answers whether <paramref name="handle"/> is a live SD cached by <paramref name="client"/>.</summary>
/// <param name="client">The client making the call.</param>
/// <param name="handle">The SD handle passed in the request.</param>
public delegate bool SecurityDescriptorLookup(ClientId client, SecurityDescriptorHandle handle);

/// <summary>
/// Pure validation of a WskSocketConnect request. Every parameter is checked independently and the failures are
/// accumulated with the tuple <c>Apply</c> (a LINQ query over <see cref="Validation{FAIL,SUCCESS}"/> would stop at
/// the first failure), so a rejection lists every violation the request contains.
/// </summary>
public static class ConnectValidation
{
    /// <summary>Validates <paramref name="request"/>; <paramref name="isCachedSd"/> is consulted only when an SD is given.</summary>
    public static Validation<ConnectViolation, ValidConnect> Validate(ConnectRequest request, SecurityDescriptorLookup isCachedSd) =>
        ValidateAddresses(request, isCachedSd).Map(a => new ValidConnect(a.Local.Family, a.Local, a.Remote, request));

    /// <summary>
    /// The same validation, answering only the two usable addresses: the form the provider's connect path uses, because
    /// its combining function captures nothing and so allocates nothing per call.
    /// </summary>
    public static Validation<ConnectViolation, (SockAddr Local, SockAddr Remote)> ValidateAddresses(ConnectRequest request, SecurityDescriptorLookup isCachedSd) =>
        (Transport(request), Local(request.LocalAddress), Remote(request.LocalAddress, request.RemoteAddress),
         Flags(request.Flags), Sd(request, isCachedSd))
        .Apply(static (_, local, remote, _, _) => (local, remote));

    private static Validation<ConnectViolation, Unit> Transport(ConnectRequest r) =>
        TransportCatalogue.Accepts(SocketCategory.Connection, r.SocketType, r.Protocol)
            ? Success<ConnectViolation, Unit>(unit)
            : Fail<ConnectViolation, Unit>(new ConnectViolation(ConnectRule.TransportNotConnectionOriented,
                $"SocketType {r.SocketType} with Protocol {r.Protocol}; a connection socket needs SOCK_STREAM (1) with IPPROTO_TCP (6)"));

    private static Validation<ConnectViolation, SockAddr> Local(SockAddr? local) => local switch
    {
        null => Fail<ConnectViolation, SockAddr>(new ConnectViolation(ConnectRule.LocalAddressMissing, "LocalAddress is NULL")),
        SockAddrTruncated t => Fail<ConnectViolation, SockAddr>(new ConnectViolation(ConnectRule.LocalAddressTruncated,
            $"LocalAddress has {t.Length} bytes")),
        SockAddrUnsupported u => Fail<ConnectViolation, SockAddr>(new ConnectViolation(ConnectRule.LocalFamilyNotSupported,
            $"LocalAddress family {u.Family}")),
        _ => Success<ConnectViolation, SockAddr>(local),
    };

    private static Validation<ConnectViolation, SockAddr> Remote(SockAddr? local, SockAddr? remote) => remote switch
    {
        null => Fail<ConnectViolation, SockAddr>(new ConnectViolation(ConnectRule.RemoteAddressMissing, "RemoteAddress is NULL")),
        SockAddrTruncated t => Fail<ConnectViolation, SockAddr>(new ConnectViolation(ConnectRule.RemoteAddressTruncated,
            $"RemoteAddress has {t.Length} bytes")),
        // A family the provider does not offer can never match the socket's family, whatever LocalAddress is.
        SockAddrUnsupported u => Fail<ConnectViolation, SockAddr>(new ConnectViolation(ConnectRule.RemoteFamilyMismatch,
            $"RemoteAddress family {u.Family} is not offered")),
        // The socket's family comes from LocalAddress (wsk-contract §1); a remote of the other family is a mismatch.
        // It is judged only against a local address that is itself usable: otherwise the local rule already reports it.
        _ when local is SockAddrIn or SockAddrIn6 && remote.Family != local.Family =>
            Fail<ConnectViolation, SockAddr>(new ConnectViolation(ConnectRule.RemoteFamilyMismatch,
                $"RemoteAddress family {remote.Family}, LocalAddress family {local.Family}")),
        SockAddrIn v4 when v4.IsWildcard || v4.Port == 0 => NotConnectable(remote),
        SockAddrIn6 v6 when v6.IsWildcard || v6.Port == 0 => NotConnectable(remote),
        _ => Success<ConnectViolation, SockAddr>(remote),
    };

    private static Validation<ConnectViolation, SockAddr> NotConnectable(SockAddr remote) =>
        Fail<ConnectViolation, SockAddr>(new ConnectViolation(ConnectRule.RemoteAddressNotConnectable, $"RemoteAddress {remote}"));

    private static Validation<ConnectViolation, Unit> Flags(uint flags) =>
        flags == 0
            ? Success<ConnectViolation, Unit>(unit)
            : Fail<ConnectViolation, Unit>(new ConnectViolation(ConnectRule.FlagsNotZero, $"Flags 0x{flags:X}"));

    private static Validation<ConnectViolation, Unit> Sd(ConnectRequest r, SecurityDescriptorLookup isCachedSd) =>
        r.SecurityDescriptor is not { } sd || isCachedSd(r.Client, sd)
            ? Success<ConnectViolation, Unit>(unit)
            : Fail<ConnectViolation, Unit>(new ConnectViolation(ConnectRule.SecurityDescriptorNotCached,
                $"SecurityDescriptor {sd.Value} is not a live cached SD of client {r.Client.Value}"));
}
