using System;
using System.Threading;
using System.Threading.Tasks;
using Wsk.Core;

namespace Wsk.Shell;

/// <summary>
/// The .NET face of the socket's end: <see cref="Dispose"/> is WskCloseSocket, <see cref="DisposeAsync()"/> a bounded
/// graceful WskDisconnect and then WskCloseSocket. Both go through the same call gate as the calls they make, and both
/// do nothing once the socket is closed (by the client's own WskCloseSocket or an earlier dispose).
/// </summary>
public sealed partial class WskConnectedSocket : IDisposable, IAsyncDisposable
{
    /// <summary>
    /// How long <see cref="DisposeAsync()"/> lets a graceful disconnect run (pending sends finishing, then the FIN)
    /// before it closes anyway: 5 seconds, on the provider's <see cref="WskProvider.Time"/>. A peer that never reads
    /// holds a graceful disconnect forever; the close that follows resets it.
    /// </summary>
    public static readonly TimeSpan DefaultDisconnectTimeout = TimeSpan.FromSeconds(5);

    /// <summary>The socket whose callback this thread runs, if any: a dispose there must not wait for it.</summary>
    [ThreadStatic] private static WskConnectedSocket? t_callbackOf;

    /// <summary>
    /// WskCloseSocket and a wait for its IRP: pending IRPs complete with STATUS_CANCELLED and the connection is reset
    /// unless it is already disconnected both ways (rules CloseCompletesPending, CloseIsAbortiveUnlessDisconnected).
    /// Returns once no callback of the socket runs any more, except when called from one of its own callbacks (the
    /// close then finishes as that callback returns). Does nothing when the socket is already closed.
    /// </summary>
    /// <exception cref="WskContractViolationException">
    /// Only for a breach of the calling contract by a close made at the same time on another thread.
    /// </exception>
    public void Dispose()
    {
        if (IsClosed) return; // closed already (CallingRule.SocketClosed does not apply: a dispose is no second call)
        var close = new Irp();
        if (Close(close, ifOpen: true) is { IsPending: true } && t_callbackOf != this)
            close.WaitAsync().AsTask().GetAwaiter().GetResult();
    }

    /// <summary>
    /// A graceful WskDisconnect (pending sends finish, then the FIN) for at most
    /// <see cref="DefaultDisconnectTimeout"/>, then WskCloseSocket, awaited. Does nothing when the socket is already
    /// closed.
    /// </summary>
    public ValueTask DisposeAsync() => DisposeAsync(DefaultDisconnectTimeout);

    /// <summary>
    /// A graceful WskDisconnect for at most <paramref name="disconnectTimeout"/> (on the provider's
    /// <see cref="WskProvider.Time"/>; <see cref="Timeout.InfiniteTimeSpan"/> for no limit) or until
    /// <paramref name="cancellationToken"/> is cancelled, then WskCloseSocket, awaited. A disconnect that could not
    /// finish is completed with STATUS_CANCELLED by the close, which then resets the connection; one that finished
    /// leaves a graceful close when the peer's FIN has arrived too (rule CloseIsAbortiveUnlessDisconnected). A
    /// disconnect the socket refuses (already disconnected or reset) goes straight to the close. Does nothing when the
    /// socket is already closed.
    /// </summary>
    /// <param name="disconnectTimeout">The limit for the graceful part.</param>
    /// <param name="cancellationToken">Ends the graceful part early; the close still happens.</param>
    /// <exception cref="ArgumentOutOfRangeException">A negative timeout other than infinite.</exception>
    public async ValueTask DisposeAsync(TimeSpan disconnectTimeout, CancellationToken cancellationToken = default)
    {
        IrpWaits.CheckLimit(disconnectTimeout, nameof(disconnectTimeout));
        if (IsClosed) return;
        if (!cancellationToken.IsCancellationRequested && disconnectTimeout != TimeSpan.Zero)
        {
            var disconnect = new Irp();
            if (WskDisconnect(null, 0, disconnect).IsPending)
                await IrpWaits.Within(disconnect, disconnectTimeout, _registration.Provider.Time, cancellationToken)
                    .ConfigureAwait(false);
        }
        var close = new Irp();
        if (Close(close, ifOpen: true) is { IsPending: true })
            await close.WaitAsync().ConfigureAwait(false);
    }
}
