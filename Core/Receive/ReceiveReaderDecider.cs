using System;
using System.Collections.Generic;
using System.Collections.Immutable;

namespace Wsk.Core;

// Commands and events are flat structs with a Kind enum, kept so to allocate nothing; short docs share a line.

// ---- state ----
/// <summary>
/// A posted WskReceive: <c>Id</c> (unique per socket); <c>Transferred</c> of <c>Length</c> bytes in (<c>WaitAll</c>:
/// complete only full, or at the end); <c>CancelAsked</c>: IoCancelIrp came while a read into it ran.</summary>
public readonly record struct PostedReceive(
    long Id, int Length, int Transferred, bool WaitAll, bool CancelAsked = false)
{
    /** <summary>Room left in the buffer.</summary> */ public int Remaining => Length - Transferred;
}

/// <summary>Where the one reader of the incoming stream is.</summary>
public enum ReaderPhase : byte
{
    /** <summary>Nothing running: the next <see cref="ReaderCommandKind.Pump"/> may start something.</summary> */ Idle,
    /** <summary>A read was decided and the shell is starting it: nothing to cancel yet.</summary> */ Starting,
    /** <summary>The read is in the transport, unanswered: a cancel reaches it there.</summary> */ InTransport,
    /** <summary>The client's receive callback has data in hand and has not answered.</summary> */ Indicating,
}

/// <summary>What the reader's current read fills.</summary>
public enum ReadTarget : byte
{
    /** <summary>No read.</summary> */ None,
    /** <summary>A posted receive's buffer, at its <see cref="PostedReceive.Transferred"/> offset.</summary> */ Receive,
    /** <summary>The socket's own buffer, to be handed to the receive callback.</summary> */ Indication,
    /** <summary>A one-byte look, not consuming: it notices the end for the disconnect callback.</summary> */ Peek,
}

/// <summary>
/// The reader's state, all facts (the shell keeps only buffers beside it): the <c>Queue</c> of receives, the one served
/// first; the read in progress (<c>Phase</c>, <c>Target</c>, <c>TargetId</c>, and <c>ReadNumber</c>, so a late
/// ReadPending is recognised); <c>Retained</c> bytes an indication left, the next receive's first;
/// <c>IndicationsStopped</c> until a receive completes; <c>PeekBlocked</c> (the peek saw data) until one is posted or
/// completes; the peer's FIN or reset (<c>EndOfStream</c>, <c>Reset</c>), told once (<c>DisconnectIndicated</c>);
/// WskCloseSocket or an abortive WskDisconnect ran (<c>Closed</c>, <c>Aborted</c>): nothing more is read.
/// </summary>
public readonly record struct ReaderState(
    ImmutableArray<PostedReceive> Queue, ReaderPhase Phase, ReadTarget Target, long TargetId, int ReadNumber,
    int Retained, bool IndicationsStopped, bool PeekBlocked, bool EndOfStream, bool Reset, bool DisconnectIndicated,
    bool Closed, bool Aborted)
{
    /// <summary>Whether the transport may still have bytes for us.</summary>
    public bool CanRead => !EndOfStream && !Reset && !Aborted;
    /// <summary>The posted receive <paramref name="id"/>, if still held.</summary>
    public PostedReceive? Find(long id) => IndexOf(id) is var i and >= 0 ? Queue[i] : null;
    internal int IndexOf(long id)
    {
        for (int i = 0; i < Queue.Length; i++)
            if (Queue[i].Id == id) return i;
        return -1;
    }
}

// ---- commands ----
/// <summary>What can happen to the reader.</summary>
public enum ReaderCommandKind : byte
{
    /** <summary>WskReceive was accepted: a receive joins the queue.</summary> */ Post,
    /** <summary>IoCancelIrp on a posted receive.</summary> */ Cancel,
    /** <summary>The shell asks what the reader does next (with the event facts it needs).</summary> */ Pump,
    /** <summary>The read that ReadStarted decided is in the transport.</summary> */ ReadPending,
    /** <summary>The current transport read answered (inside the call or later).</summary> */ ReadAnswered,
    /** <summary>The receive callback answered an indication (or could not run).</summary> */ IndicationAnswered,
    /** <summary>WskCloseSocket: every receive ends CANCELLED, the running read is cancelled.</summary> */ Close,
    /** <summary>Abortive WskDisconnect: as close for the receives; the socket stays open.</summary> */ Abort,
}

/// <summary>A command, built by the factories (byte counts are in <c>Length</c>; "it ran" in ReceiveEnabled).</summary>
public readonly record struct ReaderCommand(
    ReaderCommandKind Kind, long Id = 0, int Length = 0, bool WaitAll = false, NtStatus Status = default,
    int ReadNumber = 0, bool ReceiveEnabled = false, bool DisconnectEnabled = false,
    IndicationAction Action = IndicationAction.Consumed, long Consumed = 0)
{
    /// <summary>Receive <paramref name="id"/> of <paramref name="length"/> bytes was posted.</summary>
    public static ReaderCommand Post(long id, int length, bool waitAll) => new(ReaderCommandKind.Post, id, length,
        waitAll);
    /// <summary>IoCancelIrp on receive <paramref name="id"/>.</summary>
    public static ReaderCommand Cancel(long id) => new(ReaderCommandKind.Cancel, id);
    /// <summary>What next, with the receive and disconnect callbacks enabled or not.</summary>
    public static ReaderCommand Pump(bool receiveEnabled, bool disconnectEnabled) =>
        new(ReaderCommandKind.Pump, ReceiveEnabled: receiveEnabled, DisconnectEnabled: disconnectEnabled);
    /// <summary>Read <paramref name="readNumber"/> is in the transport.</summary>
    public static ReaderCommand ReadPending(int readNumber) =>
        new(ReaderCommandKind.ReadPending, ReadNumber: readNumber);
    /// <summary>The current read answered <paramref name="status"/> with <paramref name="bytes"/> bytes.</summary>
    public static ReaderCommand ReadAnswered(NtStatus status, int bytes) =>
        new(ReaderCommandKind.ReadAnswered, Length: bytes, Status: status);
    /// <summary>The callback (if it <paramref name="ran"/>) answered the indication of <c>bytes</c>.</summary>
    public static ReaderCommand IndicationAnswered(bool ran, IndicationOutcome outcome, int bytes) => new(
        ReaderCommandKind.IndicationAnswered, Length: bytes, ReceiveEnabled: ran, Action: outcome.Action,
        Consumed: outcome.Consumed);
    /** <summary>WskCloseSocket.</summary> */ public static ReaderCommand Close => new(ReaderCommandKind.Close);
    /** <summary>Abortive WskDisconnect.</summary> */ public static ReaderCommand Abort => new(ReaderCommandKind.Abort);
}

// ---- events ----
/// <summary>What the reader decided; the shell does what each says, in order.</summary>
public enum ReaderEventKind : byte
{
    /** <summary>A receive joined the queue.</summary> */ Queued,
    /** <summary>Copy <c>Bytes</c> kept-back bytes into receive <c>Id</c>, after its bytes.</summary> */ RetainedCopied,
    /** <summary>Receive <c>Id</c> completes (<c>Status</c>, <c>Bytes</c>; <c>Flag</c>: resume).</summary> */ Completed,
    /** <summary>Start read <c>ReadNumber</c> into <c>Target</c> (<c>Id</c>, <c>Offset</c>).</summary> */ ReadStarted,
    /** <summary>The read is in the transport.</summary> */ ReadInTransport,
    /** <summary>Receive <c>Id</c> was cancelled during its read: that read is its last.</summary> */ CancelRemembered,
    /** <summary>Cancel the transport read in progress (it still answers once).</summary> */ TransportCancelAsked,
    /** <summary>The read answered <c>Status</c> with <c>Bytes</c>; the reader is free.</summary> */ ReadFinished,
    /** <summary>The incoming stream ended: the peer's FIN, or a reset when <c>Flag</c>.</summary> */ StreamEnded,
    /** <summary>Hand <c>Bytes</c> bytes of the socket's buffer to the callback.</summary> */ DataIndicated,
    /** <summary>Hand the <c>Bytes</c> kept-back bytes to the receive callback.</summary> */ RetainedIndicated,
    /** <summary>Keep back <c>Bytes</c> from <c>Offset</c>; <c>Flag</c>: stop indicating.</summary> */ IndicationEnded,
    /** <summary>Tell the disconnect callback the stream ended (reset: <c>Flag</c>).</summary> */ DisconnectIndicated,
    /** <summary>Close (<c>Flag</c>) or abort: no more reads.</summary> */ Stopped,
}

/// <summary>One event of the reader: each <see cref="ReaderEventKind"/> says which fields it uses.</summary>
public readonly record struct ReaderEvent(
    ReaderEventKind Kind, long Id = 0, NtStatus Status = default, int Bytes = 0, ReadTarget Target = ReadTarget.None,
    int Offset = 0, int ReadNumber = 0, bool Flag = false);

// ---- the decider ----
/// <summary>
/// The one reader of a connected socket's incoming stream. It serves the oldest receive (kept-back bytes first), else
/// the receive callback, else (only the disconnect callback enabled) a peek for the stream's end. Each race is a
/// command, so properties reach every transition. CompletesOnce: a receive completes once. CancelReachesReceive: a
/// cancelled receive completes CANCELLED, or SUCCESS with its bytes, and no read starts into it after.
/// </summary>
public static class ReceiveReaderDecider
{
    private static ReaderEvents Nothing => ReaderEvents.None;

    /// <summary>A new socket's reader: nothing posted, nothing read.</summary>
    public static readonly ReaderState Initial = new(ImmutableArray<PostedReceive>.Empty, ReaderPhase.Idle,
        ReadTarget.None, 0, 0, 0, false, false, false, false, false, false, false);

    /// <summary>What a command makes the reader do (a list: close may end several receives).</summary>
    public static ReaderEvents Decide(ReaderCommand command, ReaderState state) => command.Kind switch
    {
        ReaderCommandKind.Post => state.Closed || state.Find(command.Id) is not null ? Nothing
            : One(new(ReaderEventKind.Queued, command.Id, Bytes: command.Length, Flag: command.WaitAll)),
        ReaderCommandKind.Cancel => DecideCancel(command.Id, state),
        ReaderCommandKind.Pump => DecidePump(command, state),
        ReaderCommandKind.ReadPending => command.ReadNumber != state.ReadNumber || state.Phase != ReaderPhase.Starting
            ? Nothing // that read already answered
            : ReadCancelWanted(state) ? ReaderEvents.Of(new(ReaderEventKind.ReadInTransport), CancelRead)
            : One(new(ReaderEventKind.ReadInTransport)),
        ReaderCommandKind.ReadAnswered => DecideAnswer(command.Status, command.Length, state),
        ReaderCommandKind.IndicationAnswered =>
            state.Phase != ReaderPhase.Indicating ? Nothing : One(IndicationEnded(command)),
        ReaderCommandKind.Close => DecideStop(true, state),
        ReaderCommandKind.Abort => DecideStop(false, state),
        _ => Nothing,
    };

    /// <summary>Folds one event into the state.</summary>
    public static ReaderState Evolve(ReaderState state, ReaderEvent e) => e.Kind switch
    {
        // A new receive may take the data the peek saw.
        ReaderEventKind.Queued =>
            state with { Queue = state.Queue.Add(new(e.Id, e.Bytes, 0, e.Flag)), PeekBlocked = false },
        ReaderEventKind.RetainedCopied =>
            state with { Queue = ReaderQueue.Fill(state, e.Id, e.Bytes), Retained = state.Retained - e.Bytes },
        ReaderEventKind.Completed => state with { Queue = ReaderQueue.Remove(state, e.Id),
            IndicationsStopped = state.IndicationsStopped && !e.Flag, PeekBlocked = state.PeekBlocked && !e.Flag },
        ReaderEventKind.ReadStarted => state with { Phase = ReaderPhase.Starting, Target = e.Target,
            TargetId = e.Id, ReadNumber = e.ReadNumber },
        ReaderEventKind.ReadInTransport => state with { Phase = ReaderPhase.InTransport },
        ReaderEventKind.CancelRemembered => state.IndexOf(e.Id) is var i and >= 0
            ? state with { Queue = state.Queue.SetItem(i, state.Queue[i] with { CancelAsked = true }) }
            : state,
        ReaderEventKind.ReadFinished => state with { Phase = ReaderPhase.Idle, Target = default, TargetId = 0,
            Queue = state.Target == ReadTarget.Receive && Ok(e)
                ? ReaderQueue.Fill(state, state.TargetId, e.Bytes) : state.Queue,
            PeekBlocked = state.PeekBlocked || (state.Target == ReadTarget.Peek && Ok(e) && e.Bytes > 0) },
        ReaderEventKind.StreamEnded => e.Flag ? state with { Reset = true } : state with { EndOfStream = true },
        ReaderEventKind.DataIndicated => state with { Phase = ReaderPhase.Indicating },
        ReaderEventKind.RetainedIndicated => state with { Phase = ReaderPhase.Indicating, Retained = 0 },
        ReaderEventKind.IndicationEnded => state with { Phase = ReaderPhase.Idle, Retained = e.Bytes,
            IndicationsStopped = state.IndicationsStopped || e.Flag },
        ReaderEventKind.DisconnectIndicated => state with { DisconnectIndicated = true },
        ReaderEventKind.Stopped => e.Flag ? state with { Closed = true } : state with { Aborted = true },
        _ => state,
    };

    /// <summary>True when nothing more can happen: closed, every receive ended, no read or callback running.</summary>
    public static bool IsTerminal(ReaderState state) =>
        state.Closed && state.Queue.IsEmpty && state.Phase is ReaderPhase.Idle;

    /// <summary>Folds every event of one decision, in order (the shell's step after each Decide).</summary>
    public static ReaderState Apply(ReaderState state, IReadOnlyList<ReaderEvent> events)
    {
        for (int i = 0; i < events.Count; i++) state = Evolve(state, events[i]);
        return state;
    }

    /** <summary>The same fold over one decision's events, unboxed.</summary> */
    public static ReaderState Apply(ReaderState state, in ReaderEvents events)
    {
        for (int i = 0; i < events.Count; i++) state = Evolve(state, events[i]);
        return state;
    }

    private static ReaderEvents DecideCancel(long id, ReaderState state)
    {
        if (state.Find(id) is not { } r) return Nothing; // already completed: the cancel lost the race
        bool reading = state.Target == ReadTarget.Receive && state.TargetId == id
                       && state.Phase is ReaderPhase.Starting or ReaderPhase.InTransport;
        if (!reading) return One(Ended(r, NtStatus.Cancelled));
        if (r.CancelAsked) return Nothing;
        // Starting: the read does not exist yet, so the cancel is remembered and ReadPending passes it on.
        var remembered = new ReaderEvent(ReaderEventKind.CancelRemembered, id);
        return state.Phase == ReaderPhase.Starting ? One(remembered) : ReaderEvents.Of(remembered, CancelRead);
    }
    private static ReaderEvents DecidePump(ReaderCommand command, ReaderState state)
    {
        if (state.Closed || state.Phase != ReaderPhase.Idle) return Nothing;
        int next = state.ReadNumber + 1;
        if (state.Queue.IsEmpty)
        {
            bool indicate = !state.IndicationsStopped && command.ReceiveEnabled;
            if (indicate && state.Retained > 0) // nothing overtakes kept-back bytes
                return One(new(ReaderEventKind.RetainedIndicated, Bytes: state.Retained));
            if (indicate && state.CanRead) return One(Read(ReadTarget.Indication, next));
            return state.CanRead && !state.PeekBlocked && state.Retained == 0 && command.DisconnectEnabled
                ? One(Read(ReadTarget.Peek, next))
                : Nothing;
        }
        var head = state.Queue[0];
        if (state.Retained > 0 && head.Remaining > 0)
        {
            int n = Math.Min(state.Retained, head.Remaining);
            var copied = new ReaderEvent(ReaderEventKind.RetainedCopied, head.Id, Bytes: n);
            return !head.WaitAll || head.Remaining == n
                ? ReaderEvents.Of(copied, Completed(head.Id, NtStatus.Success, head.Transferred + n, resume: true))
                : One(copied);
        }
        if (head.Remaining == 0 || state.EndOfStream || state.Aborted)
            return One(Completed(head.Id, NtStatus.Success, head.Transferred, resume: true));
        if (state.Reset) return One(Ended(head, NtStatus.ConnectionReset, resume: true));
        return One(Read(ReadTarget.Receive, next) with { Id = head.Id, Offset = head.Transferred,
            Bytes = head.Remaining });
    }
    private static ReaderEvents DecideAnswer(NtStatus status, int bytes, ReaderState state)
    {
        if (state.Phase is not (ReaderPhase.Starting or ReaderPhase.InTransport)) return Nothing; // no read is running
        var events = ReaderEvents.Of(new ReaderEvent(ReaderEventKind.ReadFinished, Status: status, Bytes: bytes));
        // No read is ever started into an empty buffer, so 0 bytes with success is the peer's FIN.
        bool fin = status == NtStatus.Success && bytes == 0 && !state.EndOfStream;
        bool reset = status == NtStatus.ConnectionReset && !state.Reset;
        if (fin || reset) events = events.Add(new ReaderEvent(ReaderEventKind.StreamEnded, Flag: reset));
        if (state.Target == ReadTarget.Receive && state.Find(state.TargetId) is { } r)
        {
            // WaitAllFillsOrSaysWhy: a WAITALL receive completes full, or at the end, a failure or its cancel.
            int transferred = r.Transferred + (status == NtStatus.Success ? bytes : 0);
            if (status != NtStatus.Success || bytes == 0 || !r.WaitAll || transferred == r.Length || r.CancelAsked)
                events = events.Add(Completed(r.Id, transferred > 0 ? NtStatus.Success : status, transferred, true));
        }
        else if (state.Target == ReadTarget.Indication && status == NtStatus.Success && bytes > 0 && !state.Closed)
            events = events.Add(new ReaderEvent(ReaderEventKind.DataIndicated, Bytes: bytes));
        if ((fin || reset) && !state.DisconnectIndicated && !state.Closed && !state.Aborted)
            events = events.Add(new ReaderEvent(ReaderEventKind.DisconnectIndicated, Flag: reset));
        return events;
    }
    /// <summary>Kept back: the rest of a partial take; none if consumed or kept; all if refused or not run.</summary>
    private static ReaderEvent IndicationEnded(ReaderCommand a) =>
        a.ReceiveEnabled && a.Action == IndicationAction.PartlyConsumed
        ? new(ReaderEventKind.IndicationEnded, Bytes: a.Length - (int)a.Consumed, Offset: (int)a.Consumed, Flag: true)
        : a.ReceiveEnabled && a.Action != IndicationAction.NotAccepted
        ? new(ReaderEventKind.IndicationEnded)
        : new(ReaderEventKind.IndicationEnded, Bytes: a.Length, Flag: true);
    private static ReaderEvents DecideStop(bool close, ReaderState state)
    {
        if (state.Closed || (!close && state.Aborted)) return Nothing;
        var events = ReaderEvents.Of(new ReaderEvent(ReaderEventKind.Stopped, Flag: close));
        // Close and abort cancel what is pending (CANCELLED, with its bytes); ReadPending cancels a starting read.
        foreach (var r in state.Queue) events = events.Add(Completed(r.Id, NtStatus.Cancelled, r.Transferred));
        if (state.Phase == ReaderPhase.InTransport) events = events.Add(CancelRead);
        return events;
    }
    private static bool ReadCancelWanted(ReaderState state) => state.Closed || state.Aborted
        || (state.Target == ReadTarget.Receive && (state.Find(state.TargetId) is not { } r || r.CancelAsked));
    private static ReaderEvent Read(ReadTarget target, int number) =>
        new(ReaderEventKind.ReadStarted, Target: target, ReadNumber: number);
    private static ReaderEvent Completed(long id, NtStatus status, int bytes, bool resume = false) =>
        new(ReaderEventKind.Completed, id, status, bytes, Flag: resume);
    /// <summary>Receive <paramref name="r"/> ends: SUCCESS with its bytes, or <paramref name="none"/>.</summary>
    private static ReaderEvent Ended(PostedReceive r, NtStatus none, bool resume = false) =>
        Completed(r.Id, r.Transferred > 0 ? NtStatus.Success : none, r.Transferred, resume);
    private static ReaderEvents One(ReaderEvent e) => ReaderEvents.Of(e);
    private static bool Ok(ReaderEvent e) => e.Status == NtStatus.Success;
    private static ReaderEvent CancelRead => new(ReaderEventKind.TransportCancelAsked);
}
