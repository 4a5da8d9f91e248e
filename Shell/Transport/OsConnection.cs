using System;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using Wsk.Core;

namespace Wsk.Shell;

/// <summary>
/// A connected OS socket. Addresses come from getsockname/getpeername, never from what was asked. I/O goes through
/// .NET's own socket engine; an operation the OS finished inside the call answers inline, the rest through the sink.
/// </summary>
internal sealed class OsConnection : ITransportConnection
{
    private readonly OsTransport _transport;
    private readonly Socket _socket;
    private readonly int _fd;
    private int _closed;

    /// <summary>Wraps a connected socket that <paramref name="transport"/> already counts as open.</summary>
    public OsConnection(OsTransport transport, Socket socket)
    {
        _transport = transport;
        _socket = socket;
        _fd = (int)socket.Handle;
    }

    public NtStatus GetLocalAddress(out SockAddr? address) => AddressStatus(LinuxSockets.GetSockName(_fd, out address));

    public NtStatus GetRemoteAddress(out SockAddr? address) =>
        AddressStatus(LinuxSockets.GetPeerName(_fd, out address));

    public long IdealSendBacklog => Volatile.Read(ref _closed) != 0 ? 0 : _socket.SendBufferSize;

    public TransportIoResult Send(ReadOnlyMemory<byte> data, ITransportIoSink sink)
    {
        var cancel = new IoCancel();
        return Settle(SendAll(data, cancel.Token), cancel, sink);
    }

    public TransportIoResult Receive(Memory<byte> buffer, TransportReceiveMode mode, ITransportIoSink sink)
    {
        var cancel = new IoCancel();
        return Settle(ReceiveSome(buffer, mode, cancel.Token), cancel, sink);
    }

    public NtStatus Shutdown()
    {
        try
        {
            _socket.Shutdown(SocketShutdown.Send);
            return NtStatus.Success;
        }
        catch (SocketException e) { return OsTransport.ToStatus(e.SocketErrorCode); }
        catch (ObjectDisposedException) { return NtStatus.InvalidConnection; }
    }

    public NtStatus Abort()
    {
        if (Volatile.Read(ref _closed) != 0) return NtStatus.InvalidConnection;
        int errno = LinuxSockets.Disconnect(_fd);
        return errno == 0 ? NtStatus.Success : OsErrorTable.ToNtStatus(LinuxSockets.ToOsError(errno));
    }

    public void Close(bool abortive)
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0) return;
        if (abortive) LinuxSockets.SetAbortiveClose(_fd);
        _socket.Dispose();
        _transport.Released();
    }

    /// <summary>
    /// An operation the OS finished inside the call answers inline; otherwise its sink hears it later.
    /// </summary>
    private static TransportIoResult Settle(ValueTask<(NtStatus Status, int Bytes)> io, IoCancel cancel,
        ITransportIoSink sink)
    {
        if (io.IsCompleted)
        {
            var (status, bytes) = io.Result;
            cancel.Dispose();
            return TransportIoResult.Done(status, bytes);
        }
        Forward(io, cancel, sink);
        return TransportIoResult.Later(cancel);
    }

    private static async void Forward(ValueTask<(NtStatus Status, int Bytes)> io, IoCancel cancel,
        ITransportIoSink sink)
    {
        // Never throws: the I/O methods turn every failure into a status.
        var (status, bytes) = await io.ConfigureAwait(false);
        cancel.Dispose();
        sink.OnIoCompleted(status, bytes);
    }

    private async ValueTask<(NtStatus, int)> SendAll(ReadOnlyMemory<byte> data, CancellationToken cancel)
    {
        int sent = 0;
        try
        {
            // A stream send completes once every byte is handed to the kernel; loop anyway, the contract needs all of
            // them.
            while (sent < data.Length)
                sent += await _socket.SendAsync(data[sent..], SocketFlags.None, cancel).ConfigureAwait(false);
            return (NtStatus.Success, sent);
        }
        catch (Exception e) { return (StatusOf(e), sent); }
    }

    private async ValueTask<(NtStatus, int)> ReceiveSome(Memory<byte> buffer, TransportReceiveMode mode,
        CancellationToken cancel)
    {
        try
        {
            var flags = mode == TransportReceiveMode.Peek ? SocketFlags.Peek : SocketFlags.None;
            int n = await _socket.ReceiveAsync(buffer, flags, cancel)
                .ConfigureAwait(false);
            return (NtStatus.Success, n);
        }
        catch (Exception e) { return (StatusOf(e), 0); }
    }

    private NtStatus StatusOf(Exception e) => e switch
    {
        SocketException s => OsTransport.ToStatus(s.SocketErrorCode),
        OperationCanceledException or ObjectDisposedException => NtStatus.Cancelled,
        _ => NtStatus.Unsuccessful,
    };

    private NtStatus AddressStatus(int errno) =>
        Volatile.Read(ref _closed) != 0 ? NtStatus.InvalidDeviceState
        : errno == 0 ? NtStatus.Success
        : errno == 107 ? NtStatus.InvalidDeviceState // ENOTCONN: not connected (any more)
        : OsErrorTable.ToNtStatus(LinuxSockets.ToOsError(errno));

    /// <summary>The cancel handle of one pending I/O.</summary>
    private sealed class IoCancel : CancellationTokenSource, ITransportCancel
    {
        void ITransportCancel.Cancel()
        {
            try { Cancel(); }
            catch (ObjectDisposedException) { } // the I/O already answered
        }
    }
}
