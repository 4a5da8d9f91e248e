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
                sent += await Socket.SendAsync(data[sent..], SocketFlags.None, cancel).ConfigureAwait(false);
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
            int n = await Socket.ReceiveAsync(buffer, flags, cancel).ConfigureAwait(false);
            return (NtStatus.Success, n);
        }
        catch (Exception e) { return (StatusOf(e), 0); }
    }

    private static NtStatus StatusOf(Exception e) => e switch
    {
        SocketException s => ToStatus(s.SocketErrorCode),
        OperationCanceledException or ObjectDisposedException => NtStatus.Cancelled,
        _ => NtStatus.Unsuccessful,
    };

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
