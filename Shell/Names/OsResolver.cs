using System;
using System.Collections.Generic;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using Wsk.Core;

namespace Wsk.Shell;

/// <summary>
/// The operating system's resolver through <see cref="Dns"/>: <c>Dns.GetHostAddressesAsync(name, family, token)</c>
/// for one family at a time, <c>Dns.GetHostEntryAsync(address text, token)</c> for a reverse lookup, so a cancel
/// reaches the lookup itself. Every lookup answers later, through its sink. HostNotFound and NoData are
/// STATUS_NOT_FOUND, TryAgain STATUS_IO_TIMEOUT, a cancelled lookup STATUS_CANCELLED, and any other socket error
/// goes through the OS error table.
/// </summary>
public sealed class OsResolver : IWskResolver
{
    /// <summary>The one instance the registrations over the real OS use.</summary>
    public static OsResolver Shared { get; } = new();

    /// <inheritdoc/>
    public AddressLookup LookUpAddresses(string name, ushort family, IAddressLookupSink sink)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(sink);
        var wanted = family == AddressFamilies.Inet6 ? AddressFamily.InterNetworkV6 : AddressFamily.InterNetwork;
        var cancel = new CancelSource();
        _ = Run(Dns.GetHostAddressesAsync(name, wanted, cancel.Token), cancel, sink, family);
        return AddressLookup.Later(cancel);
    }

    /// <inheritdoc/>
    public NameLookup LookUpName(SockAddr address, INameLookupSink sink)
    {
        ArgumentNullException.ThrowIfNull(address);
        ArgumentNullException.ThrowIfNull(sink);
        var cancel = new CancelSource();
        var text = NameShaping.NumericText(address);
        _ = Run(Dns.GetHostEntryAsync(text, cancel.Token), cancel, sink, text);
        return NameLookup.Later(cancel);
    }

    /// <summary>The status of a failed lookup.</summary>
    internal static NtStatus StatusOf(Exception e) => e switch
    {
        OperationCanceledException => NtStatus.Cancelled,
        SocketException { SocketErrorCode: SocketError.HostNotFound or SocketError.NoData } => NtStatus.NotFound,
        SocketException { SocketErrorCode: SocketError.TryAgain } => NtStatus.IoTimeout,
        SocketException s => OsErrorTable.ToNtStatus((OsError)s.SocketErrorCode),
        ArgumentException => NtStatus.InvalidParameter,
        _ => NtStatus.Unsuccessful,
    };

    private static async Task Run(Task<IPAddress[]> lookup, CancelSource cancel, IAddressLookupSink sink, ushort family)
    {
        NtStatus status;
        var found = new List<SockAddr>();
        try
        {
            foreach (var ip in await lookup.ConfigureAwait(false))
                if (SockAddr.From(ip, 0) is { } a && a.Family == family) found.Add(a);
            status = found.Count > 0 ? NtStatus.Success : NtStatus.NotFound;
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or ArgumentException)
        {
            status = StatusOf(e);
            found.Clear();
        }
        cancel.Dispose();
        sink.OnAddresses(status, found);
    }

    private static async Task Run(Task<IPHostEntry> lookup, CancelSource cancel, INameLookupSink sink, string text)
    {
        NtStatus status;
        string? name = null;
        try
        {
            var entry = await lookup.ConfigureAwait(false);
            name = string.IsNullOrEmpty(entry.HostName) || entry.HostName == text ? null : entry.HostName;
            status = name is null ? NtStatus.NotFound : NtStatus.Success;
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or ArgumentException)
        {
            status = StatusOf(e);
        }
        cancel.Dispose();
        sink.OnName(status, name);
    }

    private sealed class CancelSource : CancellationTokenSource, ITransportCancel
    {
        void ITransportCancel.Cancel()
        {
            try { Cancel(); }
            catch (ObjectDisposedException) { } // the lookup answered already
        }
    }
}
