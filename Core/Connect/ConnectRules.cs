using System.Collections.Generic;

namespace Wsk.Core;

/// <summary>
/// The rules a WskSocketConnect request can break, declared in precedence order: when a request breaks several,
/// the call returns the status of the first one here. The order follows the parameter list of the C signature, so a
/// reader can predict the status by reading the call left to right.
/// </summary>
public enum ConnectRule
{
    /// <summary>(SocketType, Protocol) is not STREAM+TCP, the only connection-oriented transport (wsk-contract §2).</summary>
    TransportNotConnectionOriented,
    /// <summary>LocalAddress is NULL.</summary>
    LocalAddressMissing,
    /// <summary>LocalAddress is shorter than the structure of its family.</summary>
    LocalAddressTruncated,
    /// <summary>LocalAddress's family is neither AF_INET nor AF_INET6.</summary>
    LocalFamilyNotSupported,
    /// <summary>RemoteAddress is NULL.</summary>
    RemoteAddressMissing,
    /// <summary>RemoteAddress is shorter than the structure of its family.</summary>
    RemoteAddressTruncated,
    /// <summary>RemoteAddress is not the same SOCKADDR type as LocalAddress (wsk-contract §0.7).</summary>
    RemoteFamilyMismatch,
    /// <summary>RemoteAddress is the wildcard address or port 0: nothing can be connected to there.</summary>
    RemoteAddressNotConnectable,
    /// <summary>Flags is not 0 (reserved, wsk-contract §0.6).</summary>
    FlagsNotZero,
    /// <summary>SecurityDescriptor is not a live cached SD of this client (wsk-contract §0.13).</summary>
    SecurityDescriptorNotCached,
}

/// <summary>One broken rule, with the parameter it concerns in words.</summary>
/// <param name="Rule">Which rule.</param>
/// <param name="Detail">What was wrong, for people.</param>
public sealed record ConnectViolation(ConnectRule Rule, string Detail)
{
    /// <summary>The status this violation maps to.</summary>
    public NtStatus Status => ConnectRules.StatusOf(Rule);

    /// <inheritdoc/>
    public override string ToString() => $"{Rule}: {Detail} ⇒ {Status}";
}

/// <summary>The model decisions as data: each rule, its status and its reason. README's table is checked against this.</summary>
public static class ConnectRules
{
    /// <summary>Every rule in precedence order with the status it returns and why that status.</summary>
    public static IReadOnlyList<(ConnectRule Rule, NtStatus Status, string Why)> Table { get; } = new[]
    {
        (ConnectRule.TransportNotConnectionOriented, NtStatus.NotSupported, "DGRAM and RAW are real transports but not connection-oriented; other types/protocols do not exist"),
        (ConnectRule.LocalAddressMissing, NtStatus.InvalidParameter, "a required pointer is NULL"),
        (ConnectRule.LocalAddressTruncated, NtStatus.InvalidParameter, "the bytes are shorter than SOCKADDR_IN (16) or SOCKADDR_IN6 (28)"),
        (ConnectRule.LocalFamilyNotSupported, NtStatus.NotSupported, "only AF_INET (2) and AF_INET6 (23) are offered"),
        (ConnectRule.RemoteAddressMissing, NtStatus.InvalidParameter, "a required pointer is NULL"),
        (ConnectRule.RemoteAddressTruncated, NtStatus.InvalidParameter, "the bytes are shorter than their family's structure"),
        (ConnectRule.RemoteFamilyMismatch, NtStatus.InvalidParameter, "the socket's family comes from LocalAddress; RemoteAddress must match it"),
        (ConnectRule.RemoteAddressNotConnectable, NtStatus.InvalidAddress, "a wildcard address or port 0 names no peer (WSAEADDRNOTAVAIL)"),
        (ConnectRule.FlagsNotZero, NtStatus.InvalidParameter, "reserved; WskConnectEx documents this status for the same mistake"),
        (ConnectRule.SecurityDescriptorNotCached, NtStatus.InvalidParameter, "only WSK_CACHE_SD output of this client, not yet released, may be passed"),
    };

    private static readonly RuleTable<ConnectRule> Rules = new(Table);

    /// <summary>The status of one rule.</summary>
    public static NtStatus StatusOf(ConnectRule rule) => Rules.StatusOf(rule);

    /// <summary>
    /// The one status a rejected call returns: the status of the violation with the highest precedence
    /// (lowest <see cref="ConnectRule"/> value); STATUS_SUCCESS for none.
    /// </summary>
    public static NtStatus StatusFor(IEnumerable<ConnectViolation> violations) => Rules.StatusFor(System.Linq.Enumerable.Select(violations, static v => v.Rule));
}
