using System;
using System.Collections.Generic;
using System.Globalization;

namespace Wsk.Core;

/// <summary>
/// An NTSTATUS: a 32-bit code made of severity (bits 31-30), customer bit (29), facility (27-16) and code
/// (15-0). A value type so that statuses travel through the hot path without allocating.
/// </summary>
/// <remarks>
/// NtStatusLayout: test with <see cref="IsSuccess"/> (NT_SUCCESS), never with <c>== Success</c> alone; and
/// because NT_SUCCESS(STATUS_PENDING) is true (rule PendingIsSuccess), a caller that must tell "done" from "queued"
/// tests <see cref="IsPending"/> explicitly.
/// </remarks>
public readonly record struct NtStatus(int Value)
{
    /// <summary>The severity field (0 success, 1 informational, 2 warning, 3 error).</summary>
    public NtSeverity Severity => (NtSeverity)((uint)Value >> 30);

    /// <summary>True when the customer bit (29) is set.</summary>
    public bool IsCustomer => (Value & 0x2000_0000) != 0;

    /// <summary>The facility field (bits 27-16).</summary>
    public int Facility => (Value >> 16) & 0x0FFF;

    /// <summary>The code field (bits 15-0).</summary>
    public int Code => Value & 0xFFFF;

    /// <summary>NT_SUCCESS: severity success or informational. True for STATUS_PENDING and STATUS_TIMEOUT
    /// too.</summary>
    public bool IsSuccess => Value >= 0;

    /// <summary>NT_INFORMATION.</summary>
    public bool IsInformation => Severity == NtSeverity.Informational;

    /// <summary>NT_WARNING.</summary>
    public bool IsWarning => Severity == NtSeverity.Warning;

    /// <summary>NT_ERROR.</summary>
    public bool IsError => Severity == NtSeverity.Error;

    /// <summary>True only for STATUS_PENDING: the operation was queued and its IRP completes later.</summary>
    public bool IsPending => Value == Pending.Value;

    /// <summary>The symbolic name, when this status is one the library names; otherwise null.</summary>
    public string? Name => NtStatusNames.TryGet(this);

    /// <summary>Formats as <c>STATUS_CONNECTION_REFUSED (0xC0000236)</c>, or just the hex for an unnamed
    /// code.</summary>
    public override string ToString()
    {
        var hex = "0x" + ((uint)Value).ToString("X8", CultureInfo.InvariantCulture);
        return Name is { } name ? $"{name} ({hex})" : hex;
    }

    /// <summary>Builds a status from its unsigned 32-bit form, as NTSTATUS values are written in headers.</summary>
    public static NtStatus FromUInt32(uint value) => new(unchecked((int)value));

// Each constant is the documented code of the same name (ntstatus.h); the names are the docs.
#pragma warning disable CS1591
    public static readonly NtStatus Success = FromUInt32(0x00000000);
    public static readonly NtStatus Timeout = FromUInt32(0x00000102);
    public static readonly NtStatus Pending = FromUInt32(0x00000103);
    public static readonly NtStatus EventPending = FromUInt32(0x40000013);
    public static readonly NtStatus BufferOverflow = FromUInt32(0x80000005);
    public static readonly NtStatus Unsuccessful = FromUInt32(0xC0000001);
    public static readonly NtStatus NotImplemented = FromUInt32(0xC0000002);
    public static readonly NtStatus InvalidHandle = FromUInt32(0xC0000008);
    public static readonly NtStatus InvalidParameter = FromUInt32(0xC000000D);
    public static readonly NtStatus MoreProcessingRequired = FromUInt32(0xC0000016);
    public static readonly NtStatus AccessDenied = FromUInt32(0xC0000022);
    public static readonly NtStatus SharingViolation = FromUInt32(0xC0000043);
    public static readonly NtStatus InsufficientResources = FromUInt32(0xC000009A);
    public static readonly NtStatus DeviceNotReady = FromUInt32(0xC00000A3);
    public static readonly NtStatus IoTimeout = FromUInt32(0xC00000B5);
    public static readonly NtStatus FileForcedClosed = FromUInt32(0xC00000B6);
    public static readonly NtStatus NotSupported = FromUInt32(0xC00000BB);
    public static readonly NtStatus NetworkBusy = FromUInt32(0xC00000BF);
    public static readonly NtStatus RequestNotAccepted = FromUInt32(0xC00000D0);
    public static readonly NtStatus Cancelled = FromUInt32(0xC0000120);
    public static readonly NtStatus InvalidConnection = FromUInt32(0xC0000140);
    public static readonly NtStatus InvalidAddress = FromUInt32(0xC0000141);
    public static readonly NtStatus InvalidDeviceState = FromUInt32(0xC0000184);
    public static readonly NtStatus InvalidAddressComponent = FromUInt32(0xC0000207);
    public static readonly NtStatus NotFound = FromUInt32(0xC0000225);
    public static readonly NtStatus AddressAlreadyExists = FromUInt32(0xC000020A);
    public static readonly NtStatus ConnectionDisconnected = FromUInt32(0xC000020C);
    public static readonly NtStatus ConnectionReset = FromUInt32(0xC000020D);
    public static readonly NtStatus DataNotAccepted = FromUInt32(0xC000021B);
    public static readonly NtStatus ConnectionRefused = FromUInt32(0xC0000236);
    public static readonly NtStatus GracefulDisconnect = FromUInt32(0xC0000237);
    public static readonly NtStatus AddressAlreadyAssociated = FromUInt32(0xC0000238);
    public static readonly NtStatus ConnectionActive = FromUInt32(0xC000023B);
    public static readonly NtStatus NetworkUnreachable = FromUInt32(0xC000023C);
    public static readonly NtStatus HostUnreachable = FromUInt32(0xC000023D);
    public static readonly NtStatus ProtocolUnreachable = FromUInt32(0xC000023E);
    public static readonly NtStatus PortUnreachable = FromUInt32(0xC000023F);
    public static readonly NtStatus ConnectionAborted = FromUInt32(0xC0000241);
    public static readonly NtStatus NoMatch = FromUInt32(0xC0000272);
    public static readonly NtStatus NoInterface = FromUInt32(0xC00002B9);
    public static readonly NtStatus HostDown = FromUInt32(0xC0000350);
#pragma warning restore CS1591
}

/// <summary>The two-bit severity of an NTSTATUS.</summary>
public enum NtSeverity
{
    /// <summary>0: success.</summary>
    Success = 0,
    /// <summary>1: informational (still NT_SUCCESS).</summary>
    Informational = 1,
    /// <summary>2: warning.</summary>
    Warning = 2,
    /// <summary>3: error.</summary>
    Error = 3,
}

/// <summary>The names of the statuses the library uses, for printing. Data, not logic: one row per constant.</summary>
public static class NtStatusNames
{
    /// <summary>Every named status, in header order.</summary>
    public static IReadOnlyList<(NtStatus Status, string Name)> All { get; } = new (NtStatus, string)[]
    {
        (NtStatus.Success, "STATUS_SUCCESS"),
        (NtStatus.Timeout, "STATUS_TIMEOUT"),
        (NtStatus.Pending, "STATUS_PENDING"),
        (NtStatus.EventPending, "STATUS_EVENT_PENDING"),
        (NtStatus.BufferOverflow, "STATUS_BUFFER_OVERFLOW"),
        (NtStatus.Unsuccessful, "STATUS_UNSUCCESSFUL"),
        (NtStatus.NotImplemented, "STATUS_NOT_IMPLEMENTED"),
        (NtStatus.InvalidHandle, "STATUS_INVALID_HANDLE"),
        (NtStatus.InvalidParameter, "STATUS_INVALID_PARAMETER"),
        (NtStatus.MoreProcessingRequired, "STATUS_MORE_PROCESSING_REQUIRED"),
        (NtStatus.AccessDenied, "STATUS_ACCESS_DENIED"),
        (NtStatus.SharingViolation, "STATUS_SHARING_VIOLATION"),
        (NtStatus.InsufficientResources, "STATUS_INSUFFICIENT_RESOURCES"),
        (NtStatus.DeviceNotReady, "STATUS_DEVICE_NOT_READY"),
        (NtStatus.IoTimeout, "STATUS_IO_TIMEOUT"),
        (NtStatus.FileForcedClosed, "STATUS_FILE_FORCED_CLOSED"),
        (NtStatus.NotSupported, "STATUS_NOT_SUPPORTED"),
        (NtStatus.NetworkBusy, "STATUS_NETWORK_BUSY"),
        (NtStatus.RequestNotAccepted, "STATUS_REQUEST_NOT_ACCEPTED"),
        (NtStatus.Cancelled, "STATUS_CANCELLED"),
        (NtStatus.InvalidConnection, "STATUS_INVALID_CONNECTION"),
        (NtStatus.InvalidAddress, "STATUS_INVALID_ADDRESS"),
        (NtStatus.InvalidDeviceState, "STATUS_INVALID_DEVICE_STATE"),
        (NtStatus.InvalidAddressComponent, "STATUS_INVALID_ADDRESS_COMPONENT"),
        (NtStatus.NotFound, "STATUS_NOT_FOUND"),
        (NtStatus.AddressAlreadyExists, "STATUS_ADDRESS_ALREADY_EXISTS"),
        (NtStatus.ConnectionDisconnected, "STATUS_CONNECTION_DISCONNECTED"),
        (NtStatus.ConnectionReset, "STATUS_CONNECTION_RESET"),
        (NtStatus.DataNotAccepted, "STATUS_DATA_NOT_ACCEPTED"),
        (NtStatus.ConnectionRefused, "STATUS_CONNECTION_REFUSED"),
        (NtStatus.GracefulDisconnect, "STATUS_GRACEFUL_DISCONNECT"),
        (NtStatus.AddressAlreadyAssociated, "STATUS_ADDRESS_ALREADY_ASSOCIATED"),
        (NtStatus.ConnectionActive, "STATUS_CONNECTION_ACTIVE"),
        (NtStatus.NetworkUnreachable, "STATUS_NETWORK_UNREACHABLE"),
        (NtStatus.HostUnreachable, "STATUS_HOST_UNREACHABLE"),
        (NtStatus.ProtocolUnreachable, "STATUS_PROTOCOL_UNREACHABLE"),
        (NtStatus.PortUnreachable, "STATUS_PORT_UNREACHABLE"),
        (NtStatus.ConnectionAborted, "STATUS_CONNECTION_ABORTED"),
        (NtStatus.NoMatch, "STATUS_NO_MATCH"),
        (NtStatus.NoInterface, "STATUS_NOINTERFACE"),
        (NtStatus.HostDown, "STATUS_HOST_DOWN"),
    };

    private static readonly Dictionary<int, string> ByValue = BuildIndex();

    private static Dictionary<int, string> BuildIndex()
    {
        var index = new Dictionary<int, string>(All.Count);
        foreach (var (status, name) in All) index.Add(status.Value, name);
        return index;
    }

    /// <summary>The name of <paramref name="status"/>, or null when it is not one of <see cref="All"/>.</summary>
    public static string? TryGet(NtStatus status) => ByValue.TryGetValue(status.Value, out var name) ? name : null;
}
