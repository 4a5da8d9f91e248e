using System;
using System.Reactive.Concurrency;
using System.Threading;
using System.Threading.Tasks;
using Wsk.Core;

namespace Wsk.Shell;

/// <summary>Reactive and awaitable forms of a connected socket's calls.</summary>
public static class WskSocketReactive
{
    /// <summary>
    /// A cold observable of one WskSend per subscription; dispose before completion cancels the IRP. The completion
    /// is delivered on <paramref name="scheduler"/>, or without one where the IRP completed (inside <c>Subscribe</c>
    /// when the send finished inside the call).
    /// </summary>
    public static IObservable<IoCompletion> SendObservable(this WskConnectedSocket socket, WskBuf buffer,
        uint flags = 0, IScheduler? scheduler = null) =>
        Io(socket, irp => socket.WskSend(buffer, flags, irp), scheduler);

    /// <summary>A cold observable of one WskSend of <paramref name="data"/>, sent in place (not copied).</summary>
    public static IObservable<IoCompletion> SendObservable(this WskConnectedSocket socket, ReadOnlyMemory<byte> data,
        uint flags = 0, IScheduler? scheduler = null) => SendObservable(socket, WskBuf.Of(data), flags, scheduler);

    /// <summary>
    /// A cold observable of one WskReceive per subscription; dispose before completion cancels the IRP. The
    /// completion is delivered as
    /// <see cref="SendObservable(WskConnectedSocket, WskBuf, uint, IScheduler?)"/> delivers it.
    /// </summary>
    public static IObservable<IoCompletion> ReceiveObservable(this WskConnectedSocket socket, WskBuf buffer,
        uint flags = 0, IScheduler? scheduler = null) =>
        Io(socket, irp => socket.WskReceive(buffer, flags, irp), scheduler);

    /// <summary>
    /// Awaitable WskSend; cancelling the token cancels the IRP (STATUS_CANCELLED, or the real result).
    /// </summary>
    public static ValueTask<IoCompletion> SendAsync(this WskConnectedSocket socket, WskBuf buffer, uint flags = 0,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(socket);
        return Await(irp => socket.WskSend(buffer, flags, irp), cancellationToken);
    }

    /// <summary>
    /// Awaitable WskSend of <paramref name="data"/>, sent in place (not copied): the memory belongs to the socket until
    /// the send completes.
    /// </summary>
    public static ValueTask<IoCompletion> SendAsync(this WskConnectedSocket socket, ReadOnlyMemory<byte> data,
        uint flags = 0, CancellationToken cancellationToken = default) =>
        SendAsync(socket, WskBuf.Of(data), flags, cancellationToken);

    /// <summary>Awaitable WskReceive; 0 bytes with STATUS_SUCCESS means the peer shut down gracefully.</summary>
    public static ValueTask<IoCompletion> ReceiveAsync(this WskConnectedSocket socket, WskBuf buffer, uint flags = 0,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(socket);
        return Await(irp => socket.WskReceive(buffer, flags, irp), cancellationToken);
    }

    /// <summary>Awaitable WskDisconnect (graceful with an optional final buffer, or WSK_FLAG_ABORTIVE).</summary>
    public static ValueTask<IoCompletion> DisconnectAsync(this WskConnectedSocket socket, WskBuf? finalBuffer = null,
        uint flags = 0, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(socket);
        return Await(irp => socket.WskDisconnect(finalBuffer, flags, irp), cancellationToken);
    }

    /// <summary>Awaitable WskCloseSocket (never fails).</summary>
    public static ValueTask<IoCompletion> CloseAsync(this WskConnectedSocket socket)
    {
        ArgumentNullException.ThrowIfNull(socket);
        return Await(socket.WskCloseSocket, default);
    }

    /// <summary>
    /// The socket's events while subscribed: enables the callbacks for <paramref name="eventMask"/> on subscribe
    /// (routing them to the observer instead of the client's dispatch) and disables them on dispose. Data comes as
    /// copies, in order, and before the graceful <see cref="Disconnected"/>, after which the stream completes.
    /// </summary>
    /// <remarks>
    /// Flow control: <c>OnNext</c> runs on the socket's reader, and nothing more is read until it returns, so a slow
    /// subscriber holds the peer back through TCP's own window instead of making memory grow. A subscriber that moves
    /// the events to another scheduler (<c>ObserveOn</c>) takes over that queue and its bound.
    /// </remarks>
    public static IObservable<WskSocketEvent> Events(this WskConnectedSocket socket,
        uint eventMask = WskEvents.ConnectionEvents)
    {
        ArgumentNullException.ThrowIfNull(socket);
        return new SocketEventStream(socket, eventMask);
    }

    private static IObservable<IoCompletion> Io(WskConnectedSocket socket, Func<Irp, NtStatus> call,
        IScheduler? scheduler)
    {
        ArgumentNullException.ThrowIfNull(socket);
        return new IrpObservable<Func<Irp, NtStatus>, IoCompletion>(call, static (c, irp) => c(irp),
            IoCompletion.From, null, scheduler);
    }

    private static async ValueTask<IoCompletion> Await(Func<Irp, NtStatus> call, CancellationToken cancellationToken)
    {
        var irp = new Irp();
        var returned = call(irp);
        if (returned.IsPending) await IrpWaits.UntilCompleted(irp, cancellationToken).ConfigureAwait(false);
        return IoCompletion.From(irp, returned);
    }

    private sealed class SocketEventStream(WskConnectedSocket socket, uint eventMask) : IObservable<WskSocketEvent>
    {
        public IDisposable Subscribe(IObserver<WskSocketEvent> observer)
        {
            ArgumentNullException.ThrowIfNull(observer);
            int done = 0;
            var dispatch = new ConnectionDispatch(
                ReceiveEvent: (object? _, uint _, DataIndication? indication, long _, out long accepted) =>
                {
                    accepted = 0;
                    for (var d = indication; d is not null; d = d.Next)
                        observer.OnNext(new DataReceived(d.Buffer.ToArray()));
                    if (indication is null && Interlocked.Exchange(ref done, 1) == 0)
                    {
                        observer.OnNext(new Disconnected(Abortive: true));
                        observer.OnCompleted();
                    }
                    return NtStatus.Success;
                },
                DisconnectEvent: (_, flags) =>
                {
                    if (Interlocked.Exchange(ref done, 1) == 0)
                    {
                        observer.OnNext(new Disconnected((flags & WskFlags.Abortive) != 0));
                        observer.OnCompleted();
                    }
                    return NtStatus.Success;
                },
                SendBacklogEvent: (_, size) =>
                {
                    observer.OnNext(new SendBacklogChanged(size));
                    return NtStatus.Success;
                });
            IDisposable detach;
            try
            {
                detach = socket.AttachDispatch(dispatch);
                var status = socket.EnableEventCallbacks(eventMask);
                if (!status.IsSuccess)
                {
                    detach.Dispose();
                    observer.OnError(new WskContractViolationException(CallingRule.OutOfOrder,
                        $"enabling events 0x{eventMask:X} answered {status}"));
                    return new Unsubscribe(null, 0, null);
                }
            }
            catch (WskContractViolationException e)
            {
                observer.OnError(e);
                return new Unsubscribe(null, 0, null);
            }
            return new Unsubscribe(socket, eventMask, detach);
        }
    }

    private sealed class Unsubscribe(WskConnectedSocket? socket, uint eventMask, IDisposable? detach) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) != 0 || socket is null) return;
            if (!socket.IsClosed)
            {
                foreach (var e in new[] { WskEvents.Receive, WskEvents.Disconnect, WskEvents.SendBacklog })
                {
                    if ((eventMask & e) == 0) continue;
                    try { socket.DisableEventCallback(e); }
                    catch (WskContractViolationException) { return; } // closed meanwhile: nothing left to disable
                }
            }
            detach?.Dispose();
        }
    }
}
