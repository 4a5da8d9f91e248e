namespace Wsk.Core;

/// <summary>
/// The rules a WskSocketConnect request can break, declared in precedence order: when a request breaks several,
/// the call returns the status of the first one here. The order follows the parameter list of the C signature, so a
/// reader can predict the status by reading the call left to right.
/// </summary>
public enum ConnectRule
{
    /// <summary>(SocketType, Protocol) is not STREAM+TCP, the only connection-oriented transport.</summary>
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
    /// <summary>RemoteAddress is not the same SOCKADDR type as LocalAddress (rule FamilyFromLocalAddress).</summary>
    RemoteFamilyMismatch,
    /// <summary>RemoteAddress is the wildcard address or port 0: nothing can be connected to there.</summary>
    RemoteAddressNotConnectable,
    /// <summary>Flags is not 0 (reserved).</summary>
    FlagsNotZero,
    /// <summary>SecurityDescriptor is not a live cached SD of this client.</summary>
    SecurityDescriptorNotCached,
}

/// <summary>
/// The model decisions as data: each rule, its status and its reason. README's table is checked against this; a
/// violation is <see cref="RuleViolation{TRule}"/> of <see cref="ConnectRule"/>, made by <see cref="Table"/>.
/// </summary>
public static class ConnectRules
{
    /// <summary>Every rule in precedence order with the status it returns and why that status.</summary>
    public static RuleTable<ConnectRule> Table { get; } = new(new[]
    {
        (ConnectRule.TransportNotConnectionOriented, NtStatus.NotSupported,
            "DGRAM and RAW are real transports but not connection-oriented; other types/protocols do not exist"),
        (ConnectRule.LocalAddressMissing, NtStatus.InvalidParameter, "a required pointer is NULL"),
        (ConnectRule.LocalAddressTruncated, NtStatus.InvalidParameter,
            "the bytes are shorter than SOCKADDR_IN (16) or SOCKADDR_IN6 (28)"),
        (ConnectRule.LocalFamilyNotSupported, NtStatus.NotSupported, "only AF_INET (2) and AF_INET6 (23) are offered"),
        (ConnectRule.RemoteAddressMissing, NtStatus.InvalidParameter, "a required pointer is NULL"),
        (ConnectRule.RemoteAddressTruncated, NtStatus.InvalidParameter,
            "the bytes are shorter than their family's structure"),
        (ConnectRule.RemoteFamilyMismatch, NtStatus.InvalidParameter,
            "the socket's family comes from LocalAddress; RemoteAddress must match it"),
        (ConnectRule.RemoteAddressNotConnectable, NtStatus.InvalidAddress,
            "a wildcard address or port 0 names no peer (WSAEADDRNOTAVAIL)"),
        (ConnectRule.FlagsNotZero, NtStatus.InvalidParameter,
            "reserved; WskConnectEx documents this status for the same mistake"),
        (ConnectRule.SecurityDescriptorNotCached, NtStatus.InvalidParameter,
            "only WSK_CACHE_SD output of this client, not yet released, may be passed"),
    });
}
