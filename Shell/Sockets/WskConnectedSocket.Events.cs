using System;
using System.Collections.Generic;
using Wsk.Core;

namespace Wsk.Shell;

public sealed partial class WskConnectedSocket
{
    private List<SocketIo>? _disables;

    /// <summary>
    /// WskControlSocket for what a connected socket takes here: SO_WSK_EVENT_CALLBACK (WskSetOption, level SOL_SOCKET)
    /// with a <see cref="EventCallbackControl"/>. Enable any OR of WSK_EVENT_RECEIVE, WSK_EVENT_DISCONNECT and
    /// WSK_EVENT_SEND_BACKLOG whose callbacks the dispatch provides; disable one event per call with WSK_EVENT_DISABLE.
    /// A disable while that event's callback runs answers STATUS_PENDING with an IRP (it completes when the callback
    /// returns) and STATUS_EVENT_PENDING without one. Other requests answer STATUS_NOT_SUPPORTED; a malformed one
    /// STATUS_INVALID_PARAMETER. The IRP is optional; when given it completes with the returned status (or later).
    /// </summary>
    public NtStatus WskControlSocket(WskControlSocketType requestType, uint controlCode, uint level, object? input,
        Irp? irp)
    {
        using var call = VerifiedCall.Enter(this, nameof(WskControlSocket));
        CallGate.EnterSocketCall(_registration, nameof(WskControlSocket), this, !IsClosed, irp, irpRequired: false,
            submit: false);
        bool eventCallback = requestType == WskControlSocketType.SetOption && level == SocketOptionCodes.SolSocket
                             && controlCode == SocketOptionCodes.WskEventCallback;
        if (!eventCallback) return Answer(irp, NtStatus.NotSupported);
        if (input is not EventCallbackControl control) return Answer(irp, NtStatus.InvalidParameter);

        EventControlDecision decision;
        SocketIo? waiting = null;
        uint newlyEnabled;
        lock (_gate)
        {
            if (_state.Closed) // a close on another thread won the race since the gate looked
                CallGate.Refuse(_registration, CallingRule.SocketClosed, nameof(WskControlSocket), Irql.PassiveLevel,
                    irp, this, null);
            decision = EventCallbackDecider.Decide(new(control.EventMask, irp is not null), _events);
            newlyEnabled = decision.Next is { } next ? next.Enabled & ~_events.Enabled : 0;
            _events = EventCallbackDecider.Evolve(_events, decision);
            if (decision.Status.IsPending)
            {
                CallGate.Submit(_registration, nameof(WskControlSocket), irp!, this);
                waiting = new SocketIo(this, irp!, SocketIoKind.EventDisable) { WaitForEvent = decision.WaitFor };
                (_disables ??= new()).Add(waiting);
            }
        }
        if (waiting is not null)
        {
            irp!.SetCancelRoutine(waiting);
            return NtStatus.Pending;
        }
        Answer(irp, decision.Status);
        if ((newlyEnabled & WskEvents.SendBacklog) != 0)
            TryInvoke(WskEvents.SendBacklog, null, _connection.IdealSendBacklog, out _, out _);
        if ((newlyEnabled & (WskEvents.Receive | WskEvents.Disconnect)) != 0) PumpReceives();
        return decision.Status;
    }

    /// <summary>Enables <paramref name="eventMask"/> (the IRP-free SO_WSK_EVENT_CALLBACK form).</summary>
    public NtStatus EnableEventCallbacks(uint eventMask) => SetEventCallback(eventMask, null);

    /// <summary>Disables one event (the SO_WSK_EVENT_CALLBACK form with WSK_EVENT_DISABLE).</summary>
    public NtStatus DisableEventCallback(uint @event, Irp? irp = null) =>
        SetEventCallback(@event | WskEvents.Disable, irp);

    private NtStatus SetEventCallback(uint eventMask, Irp? irp) =>
        WskControlSocket(WskControlSocketType.SetOption, SocketOptionCodes.WskEventCallback,
            SocketOptionCodes.SolSocket, new EventCallbackControl(Guid.Empty, eventMask), irp);

    /// <summary>
    /// Routes the socket's callbacks to <paramref name="dispatch"/> instead of the client's dispatch until the returned
    /// handle is disposed (used by the reactive event stream).
    /// </summary>
    internal IDisposable AttachDispatch(ConnectionDispatch dispatch)
    {
        lock (_gate)
        {
            if (!ReferenceEquals(_dispatch, _clientDispatch))
                throw new WskContractViolationException(CallingRule.OutOfOrder,
                    "another observer already receives this socket's events");
            _dispatch = dispatch;
            _events = _events with { Available = Available(dispatch) };
        }
        return new Detach(this, dispatch);
    }

    private sealed class Detach(WskConnectedSocket socket, ConnectionDispatch dispatch) : IDisposable
    {
        public void Dispose()
        {
            lock (socket._gate)
            {
                if (!ReferenceEquals(socket._dispatch, dispatch)) return;
                socket._dispatch = socket._clientDispatch;
                socket._events = socket._events with { Available = Available(socket._clientDispatch) };
            }
        }
    }

    /// <summary>
    /// Runs one callback if its event is enabled and the socket is not closed, marking it in flight meanwhile so that a
    /// disable can wait for it and close can finish after it. Returns false when the callback may not run.
    /// </summary>
    private bool TryInvoke(uint @event, DataIndication? indication, long figure, out NtStatus returned,
        out long accepted)
    {
        ConnectionDispatch? dispatch;
        lock (_gate)
        {
            returned = default;
            accepted = 0;
            if (_state.Closed || !EventCallbackDecider.MayIndicate(@event, _events)) return false;
            _events = _events with { InFlight = _events.InFlight | @event };
            dispatch = _dispatch;
        }
        var outer = t_callbackOf;
        t_callbackOf = this;
        try
        {
            returned = @event switch
            {
                WskEvents.Receive => dispatch!.ReceiveEvent!(SocketContext, 0, indication, figure, out accepted),
                WskEvents.Disconnect => dispatch!.DisconnectEvent!(SocketContext, (uint)figure),
                _ => dispatch!.SendBacklogEvent!(SocketContext, figure),
            };
        }
        finally
        {
            t_callbackOf = outer;
            CallbackReturned(@event);
        }
        return true;
    }

    /// <summary>
    /// A callback returned: complete the disables that waited for it, and a close that waited for all of them.
    /// </summary>
    private void CallbackReturned(uint @event)
    {
        List<SocketIo>? released = null;
        bool finishClose;
        lock (_gate)
        {
            _events = _events with { InFlight = _events.InFlight & ~@event };
            for (int i = (_disables?.Count ?? 0) - 1; i >= 0; i--)
            {
                if (_disables![i].WaitForEvent != @event) continue;
                (released ??= new List<SocketIo>()).Add(_disables[i]);
                _disables.RemoveAt(i);
            }
            finishClose = _closing is not null && _events.InFlight == 0;
        }
        if (released is not null)
            foreach (var io in released) io.TryComplete(NtStatus.Success, null);
        if (finishClose) FinishClose();
    }

    /// <summary>The transport answered an operation's I/O.</summary>
    internal void OnIoCompleted(SocketIo io, NtStatus status, int bytes)
    {
        if (io.Kind == SocketIoKind.Send)
        {
            FinishSend(io, status, bytes);
            return;
        }
        Drive(ReaderCommand.ReadAnswered(status, bytes));
    }

    /// <summary>IoCancelIrp on one of the socket's pending IRPs.</summary>
    internal void OnIrpCancelled(SocketIo io)
    {
        if (io.Kind == SocketIoKind.Receive)
        {
            CancelReceive(io);
            return;
        }
        bool completeNow;
        lock (_gate)
        {
            completeNow = io.Kind switch
            {
                SocketIoKind.Disconnect => ReferenceEquals(_disconnecting, io) && (_disconnecting = null) is null,
                SocketIoKind.EventDisable => _disables is not null && _disables.Remove(io),
                _ => false,
            };
        }
        if (completeNow) io.TryCompleteWithBytes(io.Transferred > 0 ? NtStatus.Success : NtStatus.Cancelled);
        else io.Pending?.Cancel();
    }

    /// <summary>
    /// Completes WskControlSocket's optional IRP inside the call: submitted through the gate (the verifier sees it),
    /// then completed.
    /// </summary>
    private NtStatus Answer(Irp? irp, NtStatus status)
    {
        if (irp is not null)
        {
            CallGate.Submit(_registration, nameof(WskControlSocket), irp, this);
            irp.IoCompleteRequest(status);
        }
        return status;
    }
}
