using System;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using Wsk.Core;

namespace Wsk.Shell;

/// <summary>
/// The data path every connected transport socket over System.Net.Sockets shares: sends and receives go through the
/// runtime's own cached SocketAsyncEventArgs (the ValueTask overloads, the only ones a single operation can be
/// cancelled through); an operation the OS finished inside the call answers inline, the rest through the sink.
/// </summary>
internal abstract class StreamConnection : ITransportConnection
{
    private int _closed;
    private ReceiveForwarder? _receiveForwarder; // on the first receive that waits: the connect path pays nothing

    protected StreamConnection(Socket socket) => Socket = socket;

    /// <summary>The connected socket.</summary>
    protected Socket Socket { get; }

    /// <summary>True once <see cref="Close"/> ran.</summary>
    protected bool IsClosed => Volatile.Read(ref _closed) != 0;

    public abstract NtStatus GetLocalAddress(out SockAddr? address);

    public abstract NtStatus GetRemoteAddress(out SockAddr? address);

    public abstract NtStatus Abort();

    public long IdealSendBacklog => IsClosed ? 0 : Socket.SendBufferSize;

    public TransportIoResult Send(ReadOnlyMemory<byte> data, ITransportIoSink sink)
    {
        var cancel = new IoCancel();
        int sent = 0;
        // A stream send completes once every byte is handed to the kernel; loop anyway, the contract needs all of them.
        // Inline while the OS takes the bytes inside the call; from the first send that waits, one async method.
        while (sent < data.Length)
        {
            ValueTask<int> send;
            try { send = Socket.SendAsync(data[sent..], SocketFlags.None, cancel.Token); }
            catch (Exception e) { return Done(cancel, StatusOf(e), sent); }
            if (!send.IsCompleted)
            {
                SendRest(send, data, sent, cancel, sink);
                return TransportIoResult.Later(cancel);
            }
            var (status, bytes) = ResultOf(send);
            sent += bytes;
            if (!status.IsSuccess) return Done(cancel, status, sent);
        }
        return Done(cancel, NtStatus.Success, sent);
    }

    public TransportIoResult Receive(Memory<byte> buffer, TransportReceiveMode mode, ITransportIoSink sink)
    {
        var cancel = new IoCancel();
        var flags = mode == TransportReceiveMode.Peek ? SocketFlags.Peek : SocketFlags.None;
        ValueTask<int> receive;
        try { receive = Socket.ReceiveAsync(buffer, flags, cancel.Token); }
        catch (Exception e) { return Done(cancel, StatusOf(e), 0); }
        if (!receive.IsCompleted)
        {
            var forwarder = _receiveForwarder ??= new ReceiveForwarder();
            if (!forwarder.TryForward(receive, cancel, sink)) ForwardReceive(receive, cancel, sink);
            return TransportIoResult.Later(cancel);
        }
        var (status, bytes) = ResultOf(receive);
        return Done(cancel, status, bytes);
    }

    public NtStatus Shutdown()
    {
        try
        {
            Socket.Shutdown(SocketShutdown.Send);
            return NtStatus.Success;
        }
        catch (SocketException e) { return ToStatus(e.SocketErrorCode); }
        catch (ObjectDisposedException) { return NtStatus.InvalidConnection; }
    }

    public void Close(bool abortive)
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0) return;
        Release(abortive);
    }

    /// <summary>Releases the socket, once: a reset first when <paramref name="abortive"/>.</summary>
    protected abstract void Release(bool abortive);

    /// <summary>SocketError values are Winsock numbers: the model's OS errors, mapped by the one table.</summary>
    internal static NtStatus ToStatus(SocketError error) => OsErrorTable.ToNtStatus((OsError)(int)error);

    // The I/O is started and, when the OS finished it inside the call, answered here, with no async method: an async
    // method that suspends allocates its box, and a receive through one (plus the forwarder's own) cost two per call.
    // Measured on a 64-byte WskReceive that waits: 137 B of the method's box saved, the forwarder's box remains.

    private static TransportIoResult Done(IoCancel cancel, NtStatus status, int bytes)
    {
        cancel.Dispose();
        return TransportIoResult.Done(status, bytes);
    }

    private static (NtStatus, int) ResultOf(ValueTask<int> io)
    {
        try { return (NtStatus.Success, io.GetAwaiter().GetResult()); }
        catch (Exception e) { return (StatusOf(e), 0); }
    }

    private static async void ForwardReceive(ValueTask<int> receive, IoCancel cancel, ITransportIoSink sink)
    {
        NtStatus status = NtStatus.Success;
        int bytes = 0;
        try { bytes = await receive.ConfigureAwait(false); }
        catch (Exception e) { status = StatusOf(e); } // never throws: every failure is a status
        cancel.Dispose();
        sink.OnIoCompleted(status, bytes);
    }

    private async void SendRest(ValueTask<int> pending, ReadOnlyMemory<byte> data, int sent, IoCancel cancel,
        ITransportIoSink sink)
    {
        NtStatus status = NtStatus.Success;
        try
        {
            sent += await pending.ConfigureAwait(false);
            while (sent < data.Length)
                sent += await Socket.SendAsync(data[sent..], SocketFlags.None, cancel.Token).ConfigureAwait(false);
        }
        catch (Exception e) { status = StatusOf(e); }
        cancel.Dispose();
        sink.OnIoCompleted(status, sent);
    }

    private static NtStatus StatusOf(Exception e) => e switch
    {
        SocketException s => ToStatus(s.SocketErrorCode),
        OperationCanceledException or ObjectDisposedException => NtStatus.Cancelled,
        _ => NtStatus.Unsuccessful,
    };

    /// <summary>
    /// Hands a waiting receive's answer to its sink without an async method's box (153 B per receive that waits,
    /// measured on loopback): the connection's reader runs one read at a time, so one reusable forwarder serves them
    /// all. Should a second receive wait while it is busy, that one is forwarded by an async method as before.
    /// </summary>
    private sealed class ReceiveForwarder
    {
        private readonly Action _onCompleted;
        private ValueTask<int> _receive;
        private IoCancel? _cancel;
        private ITransportIoSink? _sink;
        private int _busy;

        public ReceiveForwarder() => _onCompleted = OnCompleted;

        public bool TryForward(ValueTask<int> receive, IoCancel cancel, ITransportIoSink sink)
        {
            if (Interlocked.Exchange(ref _busy, 1) != 0) return false;
            _receive = receive;
            _cancel = cancel;
            _sink = sink;
            // OnCompleted, not UnsafeOnCompleted: the answer runs in the caller's execution context, as an await would.
            receive.ConfigureAwait(false).GetAwaiter().OnCompleted(_onCompleted);
            return true;
        }

        private void OnCompleted()
        {
            // Taken and freed before the sink runs: the sink may start the next read, which may wait here again.
            var receive = _receive;
            var cancel = _cancel!;
            var sink = _sink!;
            _receive = default;
            _cancel = null;
            _sink = null;
            var (status, bytes) = ResultOf(receive);
            Volatile.Write(ref _busy, 0);
            cancel.Dispose();
            sink.OnIoCompleted(status, bytes);
        }
    }

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
