using System.Collections.Generic;
using Wsk.Core;

namespace Wsk.Shell;

/// <summary>
/// WskCloseSocket (CloseCompletesPending, CloseIsAbortiveUnlessDisconnected, CloseNeverFails): every pending operation
/// is taken from the socket and completed, the running callbacks are waited for, then the transport socket goes.
/// </summary>
public sealed partial class WskConnectedSocket
{
    /// <summary>
    /// WskCloseSocket: cancels and completes every pending IRP of the socket with STATUS_CANCELLED, waits for callbacks
    /// in flight, releases the transport socket (abortively unless it is already disconnected both ways), then
    /// completes <paramref name="irp"/> with STATUS_SUCCESS. Never fails. Returns STATUS_PENDING when a callback is
    /// still running (the IRP completes when it returns, so close may be called from a callback). A second close, or
    /// any call after it, is a contract violation. No IRP returns STATUS_INVALID_PARAMETER and leaves the socket open.
    /// </summary>
    /// <exception cref="WskContractViolationException">A second close, or an IRP still in use.</exception>
    public NtStatus WskCloseSocket(Irp? irp) => Close(irp, ifOpen: false)!.Value;

    /// <summary>
    /// WskCloseSocket, or with <paramref name="ifOpen"/> (the dispose path) nothing at all, and null, when the socket
    /// is already closed: decided under the socket's lock, so a dispose never closes twice.
    /// </summary>
    private NtStatus? Close(Irp? irp, bool ifOpen)
    {
        _registration.Verifier?.OnClosing(this);
        var close = Begin(irp, new SocketCommand(SocketCommandKind.Close), out var decided, ifOpen);
        if (decided.Kind == SocketEventKind.Refused) return decided.Status; // refused by the gate: nothing submitted
        if (close is null) return null; // already closed, and the caller asked only if open
        List<SocketIo> pending;
        ITransportCancel? cancelRead;
        bool waitForCallbacks;
        lock (_gate)
        {
            _closeAbortive = decided.Kind == SocketEventKind.ClosedAbortively;
            _closing = new SocketIo(this, close, SocketIoKind.Close);
            pending = TakeAllPending(close: true, out cancelRead);
            waitForCallbacks = _events.InFlight != 0;
        }
        cancelRead?.Cancel();
        CancelAll(pending);
        if (waitForCallbacks) return NtStatus.Pending; // the last callback to return finishes the close
        FinishClose();
        return NtStatus.Success;
    }

    /// <summary>Releases the transport socket and completes the close IRP, once no callback runs any more.</summary>
    private void FinishClose()
    {
        SocketIo? close;
        lock (_gate)
        {
            close = _closing;
            _closing = null;
        }
        if (close is null) return;
        _connection.Close(_closeAbortive);
        _registration.SocketClosed();
        _registration.Verifier?.OnSocketClosed(this);
        close.TryComplete(NtStatus.Success, null);
    }

    /// <summary>
    /// Called with the lock held by close and abortive disconnect: every operation still pending, removed from the
    /// socket (the reader's receives as the reader decides: STATUS_CANCELLED), and the transport read to cancel, if
    /// any.
    /// </summary>
    private List<SocketIo> TakeAllPending(bool close, out ITransportCancel? cancelRead)
    {
        var all = new List<SocketIo>();
        cancelRead = null;
        if (_receiveState is { } rx)
        {
            var events = ReceiveReaderDecider.Decide(close ? ReaderCommand.Close : ReaderCommand.Abort, rx.Reader);
            rx.Reader = ReceiveReaderDecider.Apply(rx.Reader, events);
            foreach (var e in events)
            {
                if (e.Kind == ReaderEventKind.TransportCancelAsked) cancelRead = rx.ReaderCancel;
                if (e.Kind != ReaderEventKind.Completed) continue;
                var io = rx.ReceiveOf(e.Id);
                rx.Receives!.Remove(io);
                io.Transferred = e.Bytes;
                all.Add(io);
            }
        }
        if (_sends is not null)
        {
            all.AddRange(_sends);
            _sends.Clear();
        }
        if (_disconnecting is not null) all.Add(_disconnecting);
        _disconnecting = null;
        if (_disables is not null)
        {
            all.AddRange(_disables);
            _disables.Clear();
        }
        return all;
    }

    /// <summary>Completes every operation with STATUS_CANCELLED and stops its transport I/O.</summary>
    private static void CancelAll(List<SocketIo> operations)
    {
        foreach (var io in operations)
        {
            io.Pending?.Cancel();
            io.TryCompleteWithBytes(NtStatus.Cancelled);
        }
    }
}
