using System;
using System.Buffers;
using System.IO;
using System.IO.Pipelines;
using System.Threading;
using System.Threading.Tasks;
using Wsk.Core;

namespace Wsk.Shell;

/// <summary>
/// An <see cref="IDuplexPipe"/> over a connected <see cref="WskConnectedSocket"/>: a receive loop fills <see
/// cref="Input"/> (one WskReceive at a time straight into the pipe's memory) and a send loop drains <see
/// cref="Output"/> (one WskSend per segment, in place). Backpressure both ways (rule PipeBackpressure): the receive
/// loop posts no receive while the unread input is at the pipe's pause threshold, so a reader that stops holds the peer
/// back through TCP's window; a writer's <c>FlushAsync</c> waits while the unsent output is at its threshold.
/// </summary>
/// <remarks>
/// The peer's graceful shutdown completes <see cref="Input"/> (a read then sees <c>IsCompleted</c>); a receive failure
/// completes it with an <see cref="IOException"/>. Completing <see cref="Output"/> sends what is left, then ends the
/// outgoing stream (a graceful WskDisconnect). A send failure completes the output's reader with an <see
/// cref="IOException"/>, which the writer's next flush throws. Disposing closes the socket (rule PipeDisposeCloses).
/// </remarks>
public sealed class WskDuplexPipe : IDuplexPipe, IDisposable, IAsyncDisposable
{
    private readonly WskConnectedSocket _socket;
    private readonly Pipe _input;
    private readonly Pipe _output;
    private readonly int _minimumReceive;
    private readonly Irp _receiveIrp = new();
    private readonly Irp _sendIrp = new();
    // Held around each call the loops make and while dispose begins: once disposed, no loop makes another call on the
    // socket (a call on a closed socket would be a calling-contract breach the verifier reports).
    private readonly object _calls = new();
    private bool _disposed;

    /// <summary>
    /// A pipe over <paramref name="socket"/>, which it owns from now on; its loops start at once.
    /// </summary>
    /// <param name="socket">A connected socket.</param>
    /// <param name="input">Options of the input pipe (its pause threshold bounds unread input), or the
    /// defaults.</param>
    /// <param name="output">Options of the output pipe (its pause threshold bounds unsent output), or the
    /// defaults.</param>
    /// <param name="minimumReceiveSize">The least room each receive asks of the input pipe (default 4 KiB).</param>
    /// <exception cref="ArgumentNullException"><paramref name="socket"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="minimumReceiveSize"/> is not positive.</exception>
    public WskDuplexPipe(WskConnectedSocket socket, PipeOptions? input = null, PipeOptions? output = null,
        int minimumReceiveSize = 4096)
    {
        ArgumentNullException.ThrowIfNull(socket);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(minimumReceiveSize);
        _socket = socket;
        _input = new Pipe(input ?? PipeOptions.Default);
        _output = new Pipe(output ?? PipeOptions.Default);
        _minimumReceive = minimumReceiveSize;
        Receiving = Task.Run(ReceiveLoop);
        Sending = Task.Run(SendLoop);
    }

    /// <summary>What the peer sent, in order; completed at the peer's graceful shutdown.</summary>
    public PipeReader Input => _input.Reader;

    /// <summary>What goes to the peer; complete it to end the outgoing stream after the bytes written.</summary>
    public PipeWriter Output => _output.Writer;

    /// <summary>The socket under the pipe.</summary>
    public WskConnectedSocket Socket => _socket;

    /// <summary>The receive loop: ends at the end of the stream, on a failure, or when the input's reader
    /// completes.</summary>
    public Task Receiving { get; }

    /// <summary>The send loop: ends after the graceful disconnect that follows a completed output, or on a
    /// failure.</summary>
    public Task Sending { get; }

    private bool IsDisposed
    {
        get { lock (_calls) return _disposed; }
    }

    private async Task ReceiveLoop()
    {
        var writer = _input.Writer;
        Exception? error = null;
        try
        {
            while (true)
            {
                var memory = writer.GetMemory(_minimumReceive);
                NtStatus returned;
                lock (_calls)
                {
                    if (_disposed) break;
                    returned = _socket.WskReceive(WskBuf.Of(memory), 0, _receiveIrp);
                }
                var io = returned.IsPending
                    ? await _receiveIrp.WaitAsync().ConfigureAwait(false)
                    : _receiveIrp.IoStatus;
                if (!io.Status.IsSuccess)
                {
                    if (!IsDisposed) error = WskStream.Failure("receive", _socket, io, returned);
                    break;
                }
                int bytes = (int)(io.Information is long n ? n : 0);
                if (bytes == 0) break; // the peer's FIN: the input completes
                writer.Advance(bytes);
                var flushed = await writer.FlushAsync().ConfigureAwait(false); // waits at the pause threshold
                if (flushed.IsCompleted || flushed.IsCanceled) break; // the reader is done with the input
            }
        }
        catch (Exception e)
        {
            if (!IsDisposed) error = e; // the socket was closed under the pipe by someone else, or worse
        }
        await writer.CompleteAsync(error).ConfigureAwait(false);
    }

    private async Task SendLoop()
    {
        var reader = _output.Reader;
        Exception? error = null;
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync().ConfigureAwait(false);
                var buffer = result.Buffer;
                foreach (var segment in buffer)
                {
                    NtStatus returned;
                    lock (_calls)
                    {
                        if (_disposed) return;
                        returned = _socket.WskSend(WskBuf.Of(segment), 0, _sendIrp);
                    }
                    var io = returned.IsPending ? await _sendIrp.WaitAsync().ConfigureAwait(false) : _sendIrp.IoStatus;
                    if (!io.Status.IsSuccess)
                    {
                        error = IsDisposed ? null : WskStream.Failure("send", _socket, io, returned);
                        return;
                    }
                }
                reader.AdvanceTo(buffer.End);
                if (result.IsCompleted || result.IsCanceled) break;
            }
            // The writer completed and everything it wrote is sent: the FIN follows it.
            var disconnect = new Irp();
            NtStatus disconnecting;
            lock (_calls)
            {
                if (_disposed || _socket.IsClosed) return;
                disconnecting = _socket.WskDisconnect(null, 0, disconnect);
            }
            if (disconnecting.IsPending) await disconnect.WaitAsync().ConfigureAwait(false);
        }
        catch (Exception e)
        {
            if (!IsDisposed) error = e;
        }
        finally
        {
            await reader.CompleteAsync(error).ConfigureAwait(false);
        }
    }

    /// <summary>Closes the socket at once (WskCloseSocket: pending calls cancelled) and waits for both loops.</summary>
    public void Dispose()
    {
        if (!BeginDispose()) return;
        _socket.Dispose();
        Task.WaitAll(Receiving, Sending);
    }

    /// <summary>
    /// Lets the send loop finish what was written and end the outgoing stream gracefully (within
    /// <see cref="WskConnectedSocket.DefaultDisconnectTimeout"/>), then closes the socket and waits for both loops.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (IsDisposed) return;
        await _output.Writer.CompleteAsync().ConfigureAwait(false);
        await IrpWaits.Within(Sending, WskConnectedSocket.DefaultDisconnectTimeout, _socket.Time, default)
            .ConfigureAwait(false);
        if (!BeginDispose()) return;
        await _socket.DisposeAsync(TimeSpan.Zero).ConfigureAwait(false);
        await Task.WhenAll(Receiving, Sending).ConfigureAwait(false);
    }

    /// <summary>Marks the pipe disposed and stops both loops' waits on the pipes; false when already done.</summary>
    private bool BeginDispose()
    {
        lock (_calls)
        {
            if (_disposed) return false;
            _disposed = true;
        }
        _output.Reader.CancelPendingRead();
        _input.Writer.CancelPendingFlush();
        return true;
    }

    /// <summary>Which socket the pipe is over.</summary>
    public override string ToString() => $"{nameof(WskDuplexPipe)} over {_socket}";
}
