using System;
using System.Threading;
using System.Threading.Tasks;

namespace Wsk.Shell;

/// <summary>
/// The .NET face of the three-step socket's end: WskCloseSocket, awaited. Once WskConnect handed over a
/// <see cref="WskConnectedSocket"/>, disposing this socket disposes that one (they are one socket).
/// </summary>
public sealed partial class WskUnconnectedSocket : IDisposable, IAsyncDisposable
{
    private int _disposing;

    /// <summary>
    /// WskCloseSocket and a wait for its IRP (a pending WskConnect is cancelled and completes first); on a connected
    /// socket, <see cref="WskConnectedSocket.Dispose"/>. Does nothing when the socket is already closed (by the
    /// client's WskCloseSocket or an earlier dispose).
    /// </summary>
    public void Dispose()
    {
        if (_connected is { } connected)
        {
            connected.Dispose();
            return;
        }
        if (CloseForDispose() is { } close) close.WaitAsync().AsTask().GetAwaiter().GetResult();
    }

    /// <summary>
    /// WskCloseSocket, awaited; on a connected socket, <see cref="WskConnectedSocket.DisposeAsync()"/> (a bounded
    /// graceful disconnect first). Does nothing when the socket is already closed.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (_connected is { } connected)
        {
            await connected.DisposeAsync().ConfigureAwait(false);
            return;
        }
        if (CloseForDispose() is { } close) await close.WaitAsync().ConfigureAwait(false);
    }

    /// <summary>The close IRP to wait for, or null when there is nothing to wait for (closed, or done).</summary>
    private Irp? CloseForDispose()
    {
        if (IsClosed || Interlocked.Exchange(ref _disposing, 1) != 0) return null;
        if (IsClosed) return null;
        var close = new Irp();
        return WskCloseSocket(close).IsPending ? close : null;
    }
}
