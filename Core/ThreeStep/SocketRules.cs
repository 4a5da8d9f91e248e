namespace Wsk.Core;

/// <summary>
/// The rules WskSocket, WskBind and WskConnect can break, in precedence order (parameter order, then the socket's
/// state): the call returns the status of the first rule broken; validation lists them all.
/// </summary>
public enum SocketRule
{
    /// <summary>
    /// Flags selects a category other than WSK_FLAG_CONNECTION_SOCKET (this library offers connection sockets only).
    /// </summary>
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

/// <summary>
/// The three-step path's model decisions as data. README's table is checked against this; a violation is
/// <see cref="RuleViolation{TRule}"/> of <see cref="SocketRule"/>, made by <see cref="Table"/>.
/// </summary>
public static class SocketRules
{
    /// <summary>Every rule in precedence order with its status and why.</summary>
    public static RuleTable<SocketRule> Table { get; } = new(new[]
    {
        (SocketRule.CategoryNotSupported, NtStatus.NotSupported,
            "only WSK_FLAG_CONNECTION_SOCKET (2) sockets are offered by this library"),
        (SocketRule.FamilyNotSupported, NtStatus.NotSupported, "only AF_INET (2) and AF_INET6 (23) are offered"),
        (SocketRule.TransportNotConnectionOriented, NtStatus.NotSupported,
            "a connection socket needs SOCK_STREAM with IPPROTO_TCP"),
        (SocketRule.SecurityDescriptorNotCached, NtStatus.InvalidParameter,
            "only a live WSK_CACHE_SD handle of this client may be passed"),
        (SocketRule.AddressMissing, NtStatus.InvalidParameter, "a required pointer is NULL"),
        (SocketRule.AddressTruncated, NtStatus.InvalidParameter, "fewer bytes than the family's SOCKADDR structure"),
        (SocketRule.AddressFamilyMismatch, NtStatus.InvalidParameter,
            "the address must be the SOCKADDR type of the socket's family"),
        (SocketRule.RemoteAddressNotConnectable, NtStatus.InvalidAddress, "a wildcard address or port 0 names no peer"),
        (SocketRule.FlagsNotZero, NtStatus.InvalidParameter, "reserved, must be 0"),
        (SocketRule.AlreadyBound, NtStatus.AddressAlreadyAssociated, "a socket is bound once"),
        (SocketRule.NotBound, NtStatus.InvalidDeviceState, "WskConnect needs a prior WskBind"),
        (SocketRule.ConnectInProgress, NtStatus.InvalidDeviceState, "one WskConnect at a time"),
        (SocketRule.AlreadyConnected, NtStatus.ConnectionActive, "the socket is connected already"),
        (SocketRule.NoLongerFunctional, NtStatus.FileForcedClosed,
            "a failed WskConnect leaves the socket unusable; close it"),
    });
}
