using System.Collections.Generic;

namespace Wsk.Core;

/// <summary>
/// The operating-system errors a transport can report, numbered as Winsock numbers them (the same numbers
/// .NET's <c>SocketError</c> uses), so a shell can convert a <c>SocketError</c> by a cast and a Linux errno through one
/// small table.
/// </summary>
public enum OsError
{
    /// <summary>No error.</summary>
    Success = 0,
    /// <summary>Cancelled by the caller (ECANCELED; .NET OperationAborted).</summary>
    OperationAborted = 995,
    /// <summary>EACCES / EPERM.</summary>
    AccessDenied = 10013,
    /// <summary>EINVAL.</summary>
    InvalidArgument = 10022,
    /// <summary>EAFNOSUPPORT.</summary>
    AddressFamilyNotSupported = 10047,
    /// <summary>EADDRINUSE.</summary>
    AddressAlreadyInUse = 10048,
    /// <summary>EADDRNOTAVAIL.</summary>
    AddressNotAvailable = 10049,
    /// <summary>ENETDOWN.</summary>
    NetworkDown = 10050,
    /// <summary>ENETUNREACH.</summary>
    NetworkUnreachable = 10051,
    /// <summary>ECONNABORTED.</summary>
    ConnectionAborted = 10053,
    /// <summary>ECONNRESET / EPIPE.</summary>
    ConnectionReset = 10054,
    /// <summary>ENOBUFS / ENOMEM.</summary>
    NoBufferSpaceAvailable = 10055,
    /// <summary>EISCONN.</summary>
    IsConnected = 10056,
    /// <summary>ENOTCONN.</summary>
    NotConnected = 10057,
    /// <summary>ETIMEDOUT.</summary>
    TimedOut = 10060,
    /// <summary>ECONNREFUSED.</summary>
    ConnectionRefused = 10061,
    /// <summary>EHOSTDOWN.</summary>
    HostDown = 10064,
    /// <summary>EHOSTUNREACH.</summary>
    HostUnreachable = 10065,
}

/// <summary>
/// OS error → NTSTATUS, one table (rule ConnectFailuresFromOs). Where WSK documents a code it wins over
/// Wine's mapping: a bind conflict is STATUS_ADDRESS_ALREADY_EXISTS, not STATUS_SHARING_VIOLATION. Anything not listed
/// is STATUS_UNSUCCESSFUL.
/// </summary>
public static class OsErrorTable
{
    /// <summary>The mapping, one row per error.</summary>
    public static IReadOnlyList<(OsError Error, NtStatus Status)> Rows { get; } = new[]
    {
        (OsError.Success, NtStatus.Success),
        (OsError.ConnectionRefused, NtStatus.ConnectionRefused),
        (OsError.TimedOut, NtStatus.IoTimeout),
        (OsError.NetworkUnreachable, NtStatus.NetworkUnreachable),
        (OsError.HostUnreachable, NtStatus.HostUnreachable),
        (OsError.AddressAlreadyInUse, NtStatus.AddressAlreadyExists),
        (OsError.AddressNotAvailable, NtStatus.InvalidAddressComponent),
        (OsError.OperationAborted, NtStatus.Cancelled),
        (OsError.ConnectionAborted, NtStatus.Cancelled),
        (OsError.ConnectionReset, NtStatus.ConnectionReset),
        (OsError.AccessDenied, NtStatus.AccessDenied),
        (OsError.NoBufferSpaceAvailable, NtStatus.InsufficientResources),
        (OsError.AddressFamilyNotSupported, NtStatus.NotSupported),
        (OsError.InvalidArgument, NtStatus.InvalidParameter),
        (OsError.NetworkDown, NtStatus.NetworkBusy),
        (OsError.HostDown, NtStatus.HostDown),
        (OsError.IsConnected, NtStatus.ConnectionActive),
        (OsError.NotConnected, NtStatus.InvalidConnection),
    };

    private static readonly Dictionary<OsError, NtStatus> Index = BuildIndex();

    private static Dictionary<OsError, NtStatus> BuildIndex()
    {
        var index = new Dictionary<OsError, NtStatus>(Rows.Count);
        foreach (var (error, status) in Rows) index.Add(error, status);
        return index;
    }

    /// <summary>The status for <paramref name="error"/>; STATUS_UNSUCCESSFUL for anything the table does not
    /// name.</summary>
    public static NtStatus ToNtStatus(OsError error) =>
        Index.TryGetValue(error, out var status) ? status : NtStatus.Unsuccessful;
}
