using System;
using System.Buffers;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using Wsk.Core;

namespace Wsk.Shell;

/// <summary>
/// A <see cref="Stream"/> over a connected <see cref="WskConnectedSocket"/>, for everything that takes one
/// (<c>SslStream</c>, <c>SocketsHttpHandler.ConnectCallback</c>, protocol libraries): each read is one WskReceive, each
/// write one WskSend of the caller's memory, in place. It keeps one IRP per direction and reuses it, so a read or a
/// write that completes inside the call allocates nothing here (rules StreamReadIsOneReceive, StreamWriteIsOneSend).
/// </summary>
/// <remarks>
/// <para>
/// As <c>NetworkStream</c>: one read and one write may run at the same time; a second read (or write) while one is in
/// progress throws <see cref="NotSupportedException"/>. A read returns at least one byte, or 0 once the peer shut down
/// gracefully (and every read after that returns 0 too); a read into an empty buffer returns 0 at once. Cancelling a
/// call's token cancels that call's IRP: the call throws <see cref="OperationCanceledException"/>, unless the IRP
/// completed with data first, which is then returned (rule StreamCancelLosesNoData). A failure status throws <see
/// cref="IOException"/> with the status in a <see cref="WskStatusException"/> as its inner exception.
/// </para>
/// <para>
/// <see cref="Stream.Dispose()"/> ends the outgoing stream (a graceful WskDisconnect: our end goes after every byte
/// written) and closes the socket, when the stream owns it (rule StreamDisposeCloses); <see cref="DisposeAsync"/> lets
/// that disconnect run for up to <see cref="WskConnectedSocket.DefaultDisconnectTimeout"/> first, as the socket's own
/// <c>DisposeAsync</c> does. The close is graceful when the peer's end has arrived too; otherwise it resets the
/// connection, and bytes the kernel had not sent yet go with the reset: to be sure the peer has them, read until a read
/// returns 0 before disposing.
/// </para>
/// </remarks>
public sealed partial class WskStream : Stream
{
    private readonly WskConnectedSocket _socket;
    private readonly bool _ownsSocket;
    private readonly StreamCall _read;
    private readonly StreamCall _write;
    private int _disposed;

    /// <summary>A stream over <paramref name="socket"/>; disposing it closes the socket when <paramref
    /// name="ownsSocket"/>.</summary> <param name="socket">A connected socket the stream reads and writes
    /// through.</param> <param name="ownsSocket">True (the default): the stream's dispose closes the socket.</param>
    /// <exception cref="ArgumentNullException"><paramref name="socket"/> is null.</exception>
    public WskStream(WskConnectedSocket socket, bool ownsSocket = true)
    {
        ArgumentNullException.ThrowIfNull(socket);
        _socket = socket;
        _ownsSocket = ownsSocket;
        _read = new StreamCall(this, "receive");
        _write = new StreamCall(this, "send");
    }

    /// <summary>The socket the stream reads and writes through.</summary>
    public WskConnectedSocket Socket => _socket;

    private bool IsDisposed => Volatile.Read(ref _disposed) != 0;

    /// <summary>A disposed stream, or a socket its owner closed under it, takes no more calls.</summary>
    private void EnsureUsable()
    {
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        if (_socket.IsClosed)
            throw new ObjectDisposedException(_socket.ToString(), "the socket under this stream is closed");
    }

    /// <summary>True until the stream is disposed.</summary>
    public override bool CanRead => !IsDisposed;

    /// <summary>True until the stream is disposed.</summary>
    public override bool CanWrite => !IsDisposed;

    /// <summary>False: a connection cannot seek.</summary>
    public override bool CanSeek => false;

    /// <summary>Not supported: a connection has no length.</summary>
    /// <exception cref="NotSupportedException">Always.</exception>
    public override long Length => throw new NotSupportedException("a connection has no length");

    /// <summary>Not supported: a connection has no position.</summary>
    /// <exception cref="NotSupportedException">Always.</exception>
    public override long Position
    {
        get => throw new NotSupportedException("a connection has no position");
        set => throw new NotSupportedException("a connection has no position");
    }

    /// <summary>
    /// Reads what has arrived (at least one byte) into <paramref name="buffer"/>: one WskReceive. Returns 0 once the
    /// peer shut down gracefully, and at once for an empty buffer.
    /// </summary>
    /// <exception cref="OperationCanceledException">The token was cancelled before data arrived.</exception>
    /// <exception cref="IOException">The receive failed (a reset, for one); the inner exception holds the
    /// status.</exception>
    /// <exception cref="ObjectDisposedException">The stream was disposed.</exception>
    /// <exception cref="NotSupportedException">Another read is in progress.</exception>
    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        EnsureUsable();
        if (cancellationToken.IsCancellationRequested) return ValueTask.FromCanceled<int>(cancellationToken);
        if (buffer.Length == 0) return new ValueTask<int>(0);
        _read.Enter("read");
        NtStatus returned;
        try { returned = _socket.WskReceive(WskBuf.Of(buffer), 0, _read.Irp); }
        catch
        {
            _read.Exit();
            throw;
        }
        if (returned.IsPending) return new ValueTask<int>(_read, _read.AwaitPending(cancellationToken));
        _read.Exit();
        return new ValueTask<int>((int)Outcome(_read.Irp, returned, cancellationToken, "receive"));
    }

    /// <summary>
    /// Writes every byte of <paramref name="buffer"/>: one WskSend of the caller's memory, which the socket holds until
    /// the write completes. An empty buffer writes nothing.
    /// </summary>
    /// <exception cref="OperationCanceledException">The token was cancelled before the bytes were handed
    /// over.</exception>
    /// <exception cref="IOException">The send failed; the inner exception holds the status.</exception>
    /// <exception cref="ObjectDisposedException">The stream was disposed.</exception>
    /// <exception cref="NotSupportedException">Another write is in progress.</exception>
    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        EnsureUsable();
        if (cancellationToken.IsCancellationRequested) return ValueTask.FromCanceled(cancellationToken);
        if (buffer.Length == 0) return ValueTask.CompletedTask;
        _write.Enter("write");
        NtStatus returned;
        try { returned = _socket.WskSend(WskBuf.Of(buffer), 0, _write.Irp); }
        catch
        {
            _write.Exit();
            throw;
        }
        if (returned.IsPending) return new ValueTask(_write, _write.AwaitPending(cancellationToken));
        _write.Exit();
        Outcome(_write.Irp, returned, cancellationToken, "send");
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc cref="ReadAsync(Memory{byte}, CancellationToken)"/>
    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        ValidateBufferArguments(buffer, offset, count);
        return ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
    }

    /// <inheritdoc cref="WriteAsync(ReadOnlyMemory{byte}, CancellationToken)"/>
    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        ValidateBufferArguments(buffer, offset, count);
        return WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
    }

    /// <summary>Reads as <see cref="ReadAsync(Memory{byte}, CancellationToken)"/> does, blocking the thread.</summary>
    public override int Read(byte[] buffer, int offset, int count)
    {
        ValidateBufferArguments(buffer, offset, count);
        var read = ReadAsync(buffer.AsMemory(offset, count));
        return read.IsCompleted ? read.Result : read.AsTask().GetAwaiter().GetResult();
    }

    /// <summary>Reads into a span through a pooled array (a pending receive cannot hold a span).</summary>
    public override int Read(Span<byte> buffer)
    {
        byte[] rented = ArrayPool<byte>.Shared.Rent(buffer.Length);
        try
        {
            int n = Read(rented, 0, buffer.Length);
            rented.AsSpan(0, n).CopyTo(buffer);
            return n;
        }
        finally { ArrayPool<byte>.Shared.Return(rented); }
    }

    /// <summary>Writes as <see cref="WriteAsync(ReadOnlyMemory{byte}, CancellationToken)"/> does, blocking the
    /// thread.</summary>
    public override void Write(byte[] buffer, int offset, int count)
    {
        ValidateBufferArguments(buffer, offset, count);
        var write = WriteAsync(buffer.AsMemory(offset, count));
        if (!write.IsCompleted) write.AsTask().GetAwaiter().GetResult();
        else write.GetAwaiter().GetResult();
    }

    /// <summary>Writes a span through a pooled array (a pending send cannot hold a span).</summary>
    public override void Write(ReadOnlySpan<byte> buffer)
    {
        byte[] rented = ArrayPool<byte>.Shared.Rent(buffer.Length);
        try
        {
            buffer.CopyTo(rented);
            Write(rented, 0, buffer.Length);
        }
        finally { ArrayPool<byte>.Shared.Return(rented); }
    }

    /// <summary>Nothing to do: a write completes once its bytes are handed to the transport.</summary>
    public override void Flush() { }

    /// <summary>Completed: a write completes once its bytes are handed to the transport.</summary>
    public override Task FlushAsync(CancellationToken cancellationToken) =>
        cancellationToken.IsCancellationRequested ? Task.FromCanceled(cancellationToken) : Task.CompletedTask;

    /// <summary>Not supported: a connection cannot seek.</summary>
    /// <exception cref="NotSupportedException">Always.</exception>
    public override long Seek(long offset, SeekOrigin origin) =>
        throw new NotSupportedException("a connection cannot seek");

    /// <summary>Not supported: a connection has no length.</summary>
    /// <exception cref="NotSupportedException">Always.</exception>
    public override void SetLength(long value) => throw new NotSupportedException("a connection has no length");

    /// <summary>
    /// Marks the stream disposed; when it owns the socket, ends the outgoing stream gracefully (the FIN after every
    /// byte written) and closes the socket (WskCloseSocket, which cancels a read still pending).
    /// </summary>
    protected override void Dispose(bool disposing)
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0 || !disposing || !_ownsSocket) return;
        if (!_socket.IsClosed)
        {
            try { _socket.WskDisconnect(null, 0, new Irp()); }
            catch (WskContractViolationException) { } // closed meanwhile by its owner: the verifier has the finding
        }
        _socket.Dispose();
    }

    /// <summary>
    /// Marks the stream disposed; when it owns the socket, disposes it asynchronously: a bounded graceful disconnect,
    /// then the close (<see cref="WskConnectedSocket.DisposeAsync()"/>).
    /// </summary>
    public override ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0 || !_ownsSocket) return ValueTask.CompletedTask;
        return _socket.DisposeAsync();
    }

    /// <summary>Which socket the stream is over: <c>WskStream over WskConnectedSocket 127.0.0.1:40112 ->
    /// …</c>.</summary>
    public override string ToString() => $"{nameof(WskStream)} over {_socket}";

    /// <summary>The bytes a completed call moved, or the exception its status stands for.</summary>
    internal long Outcome(Irp irp, NtStatus returned, CancellationToken cancellationToken, string call)
    {
        var status = irp.IoStatus.Status;
        long bytes = irp.IoStatus.Information is long n ? n : 0;
        if (status.IsSuccess) return bytes;
        if (status == NtStatus.Cancelled)
        {
            cancellationToken.ThrowIfCancellationRequested();
            ObjectDisposedException.ThrowIf(IsDisposed, this);
        }
        throw Failure(call, _socket, irp.IoStatus, returned);
    }

    /// <summary>
    /// The exception a failed call of the stream or the pipe stands for: an <see cref="IOException"/> holding the
    /// status
    /// and the whole completion in a <see cref="WskStatusException"/>.
    /// </summary>
    internal static IOException Failure(string call, WskConnectedSocket socket, IoStatus io, NtStatus returned) =>
        new($"the {call} on {socket} completed with {io.Status}",
            new WskStatusException(new IoCompletion(io.Status, io.Information is long n ? n : 0, returned)));
}
