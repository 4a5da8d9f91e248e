using System.Collections.Generic;
using System.Collections.Immutable;

namespace Wsk.Core;

// ---- state ----

/// <summary>One posted WskReceive while the reader holds it.</summary>
/// <param name="Id">The shell's name for the receive (unique per socket).</param>
/// <param name="Length">The buffer's length.</param>
/// <param name="Transferred">Bytes already moved into the buffer (a WAITALL receive fills it over several reads).</param>
/// <param name="WaitAll">WSK_FLAG_WAITALL: complete only with a full buffer (or at the stream's end, a reset or a cancel).</param>
/// <param name="CancelAsked">IoCancelIrp was called while a transport read into this receive was starting or running.</param>
public readonly record struct PostedReceive(long Id, int Length, int Transferred, bool WaitAll, bool CancelAsked = false)
{
    /// <summary>Room left in the buffer.</summary>
    public int Remaining => Length - Transferred;
}

/// <summary>Where the one reader of the incoming stream is.</summary>
public enum ReaderPhase : byte
{
    /// <summary>Nothing running: the next <see cref="ReaderCommandKind.Pump"/> may start something.</summary>
    Idle,
    /// <summary>A transport read was decided and the shell is starting it: there is nothing to cancel at the transport yet.</summary>
    Starting,
    /// <summary>The transport read exists and has not answered: a cancel reaches it through the transport.</summary>
    InTransport,
    /// <summary>The client's receive callback has data in hand and has not answered.</summary>
    Indicating,
}

/// <summary>What the reader's current read fills.</summary>
public enum ReadTarget : byte
{
    /// <summary>No read.</summary>
    None,
    /// <summary>A posted receive's buffer, at its <see cref="PostedReceive.Transferred"/> offset.</summary>
    Receive,
    /// <summary>The socket's own buffer, to be handed to the receive callback.</summary>
    Indication,
    /// <summary>A one-byte look without consuming, to notice the stream's end for the disconnect callback.</summary>
    Peek,
}

/// <summary>
/// The reader's state: the posted receives in order, the read in progress, the bytes kept back from an indication, and
/// what is known of the stream. Every field is a fact; the shell keeps only buffers and handles beside it.
/// </summary>
/// <param name="Queue">Posted receives not yet completed, oldest first; the oldest is the one served.</param>
/// <param name="Phase">Where the reader is.</param>
/// <param name="Target">What the current read fills.</param>
/// <param name="TargetId">For <see cref="ReadTarget.Receive"/>: the receive read into.</param>
/// <param name="ReadNumber">Numbers the reads, so a late "the read is pending" for an earlier read is recognised.</param>
/// <param name="Retained">Bytes an indication left with the provider; the next receive gets them before anything else.</param>
/// <param name="IndicationsStopped">A callback did not take all its data: no indication until a receive completes.</param>
/// <param name="PeekBlocked">The peek saw data waiting: no peek until a receive is posted or completes.</param>
/// <param name="EndOfStream">The peer's FIN was read.</param>
/// <param name="Reset">The peer reset the connection.</param>
/// <param name="DisconnectIndicated">The disconnect callback was (or was to be) told; it is told once.</param>
/// <param name="Closed">WskCloseSocket ran: nothing more is read or indicated.</param>
/// <param name="Aborted">An abortive WskDisconnect ran: nothing more is read.</param>
public sealed record ReaderState(
    ImmutableArray<PostedReceive> Queue,
    ReaderPhase Phase,
    ReadTarget Target,
    long TargetId,
    int ReadNumber,
    int Retained,
    bool IndicationsStopped,
    bool PeekBlocked,
    bool EndOfStream,
    bool Reset,
    bool DisconnectIndicated,
    bool Closed,
    bool Aborted)
{
    /// <summary>Whether the transport may still have bytes for us.</summary>
    public bool CanRead => !EndOfStream && !Reset && !Aborted;

    /// <summary>The posted receive <paramref name="id"/>, if still held.</summary>
    public PostedReceive? Find(long id)
    {
        foreach (var r in Queue)
            if (r.Id == id) return r;
        return null;
    }
}

// ---- commands ----

/// <summary>What can happen to the reader.</summary>
public enum ReaderCommandKind : byte
{
    /// <summary>WskReceive was accepted: a receive joins the queue.</summary>
    Post,
    /// <summary>IoCancelIrp on a posted receive.</summary>
    Cancel,
    /// <summary>The shell asks what the reader does next (with the event facts it needs).</summary>
    Pump,
    /// <summary>The transport read decided by <see cref="ReaderEventKind.ReadStarted"/> now exists and has not answered.</summary>
    ReadPending,
    /// <summary>The current transport read answered (inside the call or later).</summary>
    ReadAnswered,
    /// <summary>The receive callback answered an indication (or could not run).</summary>
    IndicationAnswered,
    /// <summary>WskCloseSocket: every posted receive ends with STATUS_CANCELLED, the read in progress is cancelled.</summary>
    Close,
    /// <summary>Abortive WskDisconnect: as close for the receives; the socket stays open.</summary>
    Abort,
}

/// <summary>A command to the reader.</summary>
/// <param name="Kind">Which command.</param>
/// <param name="Id">Post, Cancel: the receive.</param>
/// <param name="Length">Post: the buffer's length. ReadAnswered and IndicationAnswered: the bytes read or indicated.</param>
/// <param name="WaitAll">Post: WSK_FLAG_WAITALL.</param>
/// <param name="Status">ReadAnswered: the transport's status.</param>
/// <param name="ReadNumber">ReadPending: which read.</param>
/// <param name="ReceiveEnabled">Pump: the receive callback may be indicated. IndicationAnswered: the callback ran.</param>
/// <param name="DisconnectEnabled">Pump: the disconnect callback is enabled.</param>
/// <param name="Action">IndicationAnswered: what the client's answer means.</param>
/// <param name="Consumed">IndicationAnswered: bytes the client took.</param>
public readonly record struct ReaderCommand(
    ReaderCommandKind Kind,
    long Id = 0,
    int Length = 0,
    bool WaitAll = false,
    NtStatus Status = default,
    int ReadNumber = 0,
    bool ReceiveEnabled = false,
    bool DisconnectEnabled = false,
    IndicationAction Action = IndicationAction.Consumed,
    long Consumed = 0)
{
    /// <summary>A receive of <paramref name="length"/> bytes was posted.</summary>
    public static ReaderCommand Post(long id, int length, bool waitAll) => new(ReaderCommandKind.Post, id, length, waitAll);

    /// <summary>IoCancelIrp on receive <paramref name="id"/>.</summary>
    public static ReaderCommand Cancel(long id) => new(ReaderCommandKind.Cancel, id);

    /// <summary>What next, with the callbacks enabled now.</summary>
    public static ReaderCommand Pump(bool receiveEnabled, bool disconnectEnabled) =>
        new(ReaderCommandKind.Pump, ReceiveEnabled: receiveEnabled, DisconnectEnabled: disconnectEnabled);

    /// <summary>Read <paramref name="readNumber"/> is in the transport.</summary>
    public static ReaderCommand ReadPending(int readNumber) => new(ReaderCommandKind.ReadPending, ReadNumber: readNumber);

    /// <summary>The current read answered <paramref name="status"/> with <paramref name="bytes"/> bytes.</summary>
    public static ReaderCommand ReadAnswered(NtStatus status, int bytes) => new(ReaderCommandKind.ReadAnswered, Length: bytes, Status: status);

    /// <summary>The callback answered the indication of <paramref name="bytes"/> bytes (<paramref name="ran"/> false: it could not run).</summary>
    public static ReaderCommand IndicationAnswered(bool ran, IndicationOutcome outcome, int bytes) =>
        new(ReaderCommandKind.IndicationAnswered, Length: bytes, ReceiveEnabled: ran, Action: outcome.Action, Consumed: outcome.Consumed);

    /// <summary>WskCloseSocket.</summary>
    public static ReaderCommand Close => new(ReaderCommandKind.Close);

    /// <summary>Abortive WskDisconnect.</summary>
    public static ReaderCommand Abort => new(ReaderCommandKind.Abort);
}

// ---- events ----

/// <summary>What the reader decided; the shell does what each says, in order.</summary>
public enum ReaderEventKind : byte
{
    /// <summary>A receive joined the queue.</summary>
    Queued,
    /// <summary>Copy the first <c>Bytes</c> kept-back bytes into receive <c>Id</c> at its Transferred offset.</summary>
    RetainedCopied,
    /// <summary>Receive <c>Id</c> leaves the queue: complete its IRP with <c>Status</c> and <c>Bytes</c> (its total).</summary>
    Completed,
    /// <summary>Start transport read number <c>ReadNumber</c> into <c>Target</c> (a receive's buffer at <c>Offset</c>).</summary>
    ReadStarted,
    /// <summary>The read is in the transport.</summary>
    ReadInTransport,
    /// <summary>A cancel of receive <c>Id</c> arrived while its read was starting or running: its read is its last.</summary>
    CancelRemembered,
    /// <summary>Cancel the transport read in progress (it still answers once).</summary>
    TransportCancelAsked,
    /// <summary>The current read answered with <c>Status</c> and <c>Bytes</c>; the reader is free (unless it indicates).</summary>
    ReadFinished,
    /// <summary>The incoming stream ended: the peer's FIN, or a reset when <c>Abortive</c>.</summary>
    StreamEnded,
    /// <summary>Hand the first <c>Bytes</c> bytes of the socket's buffer to the receive callback.</summary>
    DataIndicated,
    /// <summary>Hand the <c>Bytes</c> kept-back bytes to the receive callback.</summary>
    RetainedIndicated,
    /// <summary>The callback answered: keep back the indicated bytes from <c>Offset</c> on (<c>Bytes</c> of them; 0: none).</summary>
    IndicationEnded,
    /// <summary>Tell the client the stream ended (the disconnect callback; a reset with <c>Abortive</c>).</summary>
    DisconnectIndicated,
    /// <summary>Close or abort: no more reads.</summary>
    Stopped,
}

/// <summary>One event of the reader.</summary>
/// <param name="Kind">Which event.</param>
/// <param name="Id">The receive it concerns.</param>
/// <param name="Status">Completed, ReadFinished: the status.</param>
/// <param name="Bytes">A byte count (see each kind).</param>
/// <param name="Target">ReadStarted: what the read fills.</param>
/// <param name="Offset">ReadStarted: where in the receive's buffer; IndicationEnded: where the kept-back bytes start.</param>
/// <param name="ReadNumber">ReadStarted: the read's number.</param>
/// <param name="Flag">Completed: the completion lets stopped indications resume. StreamEnded, DisconnectIndicated: abortive.
/// Stopped: it was a close. IndicationEnded: indications stop.</param>
public readonly record struct ReaderEvent(
    ReaderEventKind Kind,
    long Id = 0,
    NtStatus Status = default,
    int Bytes = 0,
    ReadTarget Target = ReadTarget.None,
    int Offset = 0,
    int ReadNumber = 0,
    bool Flag = false);

// ---- the decider ----

/// <summary>
/// The one reader of a connected socket's incoming stream, as a decider. It serves, in this order: the oldest posted
/// receive (bytes kept back from an indication first: a receive IRP wins over the callback); else the receive callback;
/// else, with only the disconnect callback enabled, a peek that notices the end of the stream without consuming data.
/// Each race the shell meets is a command here, so a property reaches every transition: a cancel before the read
/// starts, while it starts (nothing to cancel at the transport yet: the cancel is remembered and reaches the read when it
/// exists), while it runs, and after it answered; close and abort at any of those points.
/// </summary>
/// <remarks>
/// ReceiveCompletesOnce: a receive leaves the queue through exactly one <see cref="ReaderEventKind.Completed"/>.
/// CancelEndsReceive: a cancelled receive completes with STATUS_CANCELLED, or STATUS_SUCCESS with the bytes it really
/// got, and no read starts into it after the cancel. Decide returns a list because a command may end several receives
/// (close) or both complete one and tell the client the stream ended.
/// </remarks>
public static class ReceiveReaderDecider
{
    private static readonly IReadOnlyList<ReaderEvent> Nothing = System.Array.Empty<ReaderEvent>();

    /// <summary>A new socket's reader: nothing posted, nothing read.</summary>
    public static readonly ReaderState Initial = new(ImmutableArray<PostedReceive>.Empty, ReaderPhase.Idle, ReadTarget.None,
        0, 0, 0, false, false, false, false, false, false, false);

    /// <summary>What a command makes the reader do in a state.</summary>
    public static IReadOnlyList<ReaderEvent> Decide(ReaderCommand command, ReaderState state) => command.Kind switch
    {
        ReaderCommandKind.Post => state.Closed || state.Find(command.Id) is not null
            ? Nothing
            : One(new ReaderEvent(ReaderEventKind.Queued, command.Id, Bytes: command.Length, Flag: command.WaitAll)),
        ReaderCommandKind.Cancel => DecideCancel(command.Id, state),
        ReaderCommandKind.Pump => DecidePump(command, state),
        ReaderCommandKind.ReadPending => command.ReadNumber != state.ReadNumber || state.Phase != ReaderPhase.Starting
            ? Nothing // that read already answered
            : ReadCancelWanted(state)
                ? new[] { new ReaderEvent(ReaderEventKind.ReadInTransport), new ReaderEvent(ReaderEventKind.TransportCancelAsked) }
                : One(new ReaderEvent(ReaderEventKind.ReadInTransport)),
        ReaderCommandKind.ReadAnswered => DecideAnswer(command.Status, command.Length, state),
        ReaderCommandKind.IndicationAnswered => state.Phase != ReaderPhase.Indicating ? Nothing : One(IndicationEnded(command)),
        ReaderCommandKind.Close or ReaderCommandKind.Abort => DecideStop(command.Kind == ReaderCommandKind.Close, state),
        _ => Nothing,
    };

    /// <summary>Folds one event into the state.</summary>
    public static ReaderState Evolve(ReaderState state, ReaderEvent e) => e.Kind switch
    {
        ReaderEventKind.Queued => state with
        {
            Queue = state.Queue.Add(new PostedReceive(e.Id, e.Bytes, 0, e.Flag)),
            PeekBlocked = false, // a new receive may take the data the peek saw
        },
        ReaderEventKind.RetainedCopied => state with
        {
            Queue = Update(state.Queue, e.Id, r => r with { Transferred = r.Transferred + e.Bytes }),
            Retained = state.Retained - e.Bytes,
        },
        ReaderEventKind.Completed => state with
        {
            Queue = Remove(state.Queue, e.Id),
            IndicationsStopped = state.IndicationsStopped && !e.Flag,
            PeekBlocked = state.PeekBlocked && !e.Flag,
        },
        ReaderEventKind.ReadStarted => state with
        {
            Phase = ReaderPhase.Starting,
            Target = e.Target,
            TargetId = e.Id,
            ReadNumber = e.ReadNumber,
        },
        ReaderEventKind.ReadInTransport => state with { Phase = ReaderPhase.InTransport },
        ReaderEventKind.CancelRemembered => state with { Queue = Update(state.Queue, e.Id, r => r with { CancelAsked = true }) },
        ReaderEventKind.ReadFinished => state with
        {
            Phase = ReaderPhase.Idle,
            Target = ReadTarget.None,
            TargetId = 0,
            Queue = state.Target == ReadTarget.Receive && e.Status == NtStatus.Success
                ? Update(state.Queue, state.TargetId, r => r with { Transferred = r.Transferred + e.Bytes })
                : state.Queue,
            PeekBlocked = state.PeekBlocked || (state.Target == ReadTarget.Peek && e.Status == NtStatus.Success && e.Bytes > 0),
        },
        ReaderEventKind.StreamEnded => e.Flag ? state with { Reset = true } : state with { EndOfStream = true },
        ReaderEventKind.DataIndicated => state with { Phase = ReaderPhase.Indicating },
        ReaderEventKind.RetainedIndicated => state with { Phase = ReaderPhase.Indicating, Retained = 0 },
        ReaderEventKind.IndicationEnded => state with
        {
            Phase = ReaderPhase.Idle,
            Retained = e.Bytes,
            IndicationsStopped = state.IndicationsStopped || e.Flag,
        },
        ReaderEventKind.DisconnectIndicated => state with { DisconnectIndicated = true },
        ReaderEventKind.Stopped => e.Flag ? state with { Closed = true } : state with { Aborted = true },
        _ => state,
    };

    /// <summary>
    /// True when nothing more can happen: the socket was closed, every receive ended, and no read or callback is running.
    /// </summary>
    public static bool IsTerminal(ReaderState state) =>
        state.Closed && state.Queue.IsEmpty && state.Phase is ReaderPhase.Idle;

    /// <summary>Folds every event of one decision, in order (what the shell does after each <see cref="Decide"/>).</summary>
    public static ReaderState Apply(ReaderState state, IReadOnlyList<ReaderEvent> events)
    {
        foreach (var e in events) state = Evolve(state, e);
        return state;
    }

    private static IReadOnlyList<ReaderEvent> DecideCancel(long id, ReaderState state)
    {
        if (state.Find(id) is not { } receive) return Nothing; // already completed: the cancel lost the race
        bool reading = state.Target == ReadTarget.Receive && state.TargetId == id
                       && state.Phase is ReaderPhase.Starting or ReaderPhase.InTransport;
        if (!reading)
            return One(new ReaderEvent(ReaderEventKind.Completed, id, receive.Transferred > 0 ? NtStatus.Success : NtStatus.Cancelled,
                receive.Transferred));
        if (receive.CancelAsked) return Nothing;
        // Starting: the read does not exist yet, so the cancel is remembered and ReadPending passes it on.
        return state.Phase == ReaderPhase.Starting
            ? One(new ReaderEvent(ReaderEventKind.CancelRemembered, id))
            : new[] { new ReaderEvent(ReaderEventKind.CancelRemembered, id), new ReaderEvent(ReaderEventKind.TransportCancelAsked) };
    }

    private static IReadOnlyList<ReaderEvent> DecidePump(ReaderCommand command, ReaderState state)
    {
        if (state.Closed || state.Phase != ReaderPhase.Idle) return Nothing;
        if (!state.Queue.IsEmpty)
        {
            var head = state.Queue[0];
            if (state.Retained > 0 && head.Remaining > 0)
            {
                int n = System.Math.Min(state.Retained, head.Remaining);
                var copied = new ReaderEvent(ReaderEventKind.RetainedCopied, head.Id, Bytes: n);
                return !head.WaitAll || head.Remaining == n
                    ? new[] { copied, new ReaderEvent(ReaderEventKind.Completed, head.Id, NtStatus.Success, head.Transferred + n, Flag: true) }
                    : One(copied);
            }
            if (head.Remaining == 0 || state.EndOfStream || state.Aborted)
                return One(new ReaderEvent(ReaderEventKind.Completed, head.Id, NtStatus.Success, head.Transferred, Flag: true));
            if (state.Reset)
                return One(new ReaderEvent(ReaderEventKind.Completed, head.Id,
                    head.Transferred > 0 ? NtStatus.Success : NtStatus.ConnectionReset, head.Transferred, Flag: true));
            return One(new ReaderEvent(ReaderEventKind.ReadStarted, head.Id, Target: ReadTarget.Receive, Offset: head.Transferred,
                Bytes: head.Remaining, ReadNumber: state.ReadNumber + 1));
        }
        if (!state.IndicationsStopped && state.Retained > 0 && command.ReceiveEnabled)
            return One(new ReaderEvent(ReaderEventKind.RetainedIndicated, Bytes: state.Retained)); // nothing overtakes kept-back bytes
        if (state.CanRead && !state.IndicationsStopped && command.ReceiveEnabled)
            return One(new ReaderEvent(ReaderEventKind.ReadStarted, Target: ReadTarget.Indication, ReadNumber: state.ReadNumber + 1));
        if (state.CanRead && !state.PeekBlocked && state.Retained == 0 && command.DisconnectEnabled)
            return One(new ReaderEvent(ReaderEventKind.ReadStarted, Target: ReadTarget.Peek, ReadNumber: state.ReadNumber + 1));
        return Nothing;
    }

    private static IReadOnlyList<ReaderEvent> DecideAnswer(NtStatus status, int bytes, ReaderState state)
    {
        if (state.Phase is not (ReaderPhase.Starting or ReaderPhase.InTransport)) return Nothing; // no read is running
        var events = new List<ReaderEvent>(4) { new(ReaderEventKind.ReadFinished, Status: status, Bytes: bytes) };
        // No read is ever started into an empty buffer, so 0 bytes with success is the peer's FIN.
        bool fin = status == NtStatus.Success && bytes == 0 && !state.EndOfStream;
        bool reset = status == NtStatus.ConnectionReset && !state.Reset;
        if (fin || reset) events.Add(new ReaderEvent(ReaderEventKind.StreamEnded, Flag: reset));
        switch (state.Target)
        {
            case ReadTarget.Receive when state.Find(state.TargetId) is { } receive:
                int transferred = receive.Transferred + (status == NtStatus.Success ? bytes : 0);
                bool satisfied = status != NtStatus.Success || bytes == 0 || !receive.WaitAll || transferred == receive.Length || receive.CancelAsked;
                if (satisfied)
                    events.Add(new ReaderEvent(ReaderEventKind.Completed, receive.Id, transferred > 0 ? NtStatus.Success : status,
                        transferred, Flag: true));
                break;
            case ReadTarget.Indication when status == NtStatus.Success && bytes > 0 && !state.Closed:
                events.Add(new ReaderEvent(ReaderEventKind.DataIndicated, Bytes: bytes));
                break;
        }
        if ((fin || reset) && !state.DisconnectIndicated && !state.Closed && !state.Aborted)
            events.Add(new ReaderEvent(ReaderEventKind.DisconnectIndicated, Flag: reset));
        return events;
    }

    private static ReaderEvent IndicationEnded(ReaderCommand answer)
    {
        int bytes = answer.Length;
        if (!answer.ReceiveEnabled) // disabled (or closed) while the data was on its way: keep it all for a receive
            return new ReaderEvent(ReaderEventKind.IndicationEnded, Offset: 0, Bytes: bytes, Flag: true);
        return answer.Action switch
        {
            IndicationAction.PartlyConsumed => new ReaderEvent(ReaderEventKind.IndicationEnded, Offset: (int)answer.Consumed,
                Bytes: bytes - (int)answer.Consumed, Flag: true),
            IndicationAction.NotAccepted => new ReaderEvent(ReaderEventKind.IndicationEnded, Offset: 0, Bytes: bytes, Flag: true),
            _ => new ReaderEvent(ReaderEventKind.IndicationEnded), // consumed, or kept by the client until WskRelease
        };
    }

    private static IReadOnlyList<ReaderEvent> DecideStop(bool close, ReaderState state)
    {
        if (state.Closed || (!close && state.Aborted)) return Nothing;
        var events = new List<ReaderEvent>(state.Queue.Length + 2) { new(ReaderEventKind.Stopped, Flag: close) };
        // Close and abort cancel what is pending: STATUS_CANCELLED, with the bytes already moved as Information.
        foreach (var r in state.Queue) events.Add(new ReaderEvent(ReaderEventKind.Completed, r.Id, NtStatus.Cancelled, r.Transferred));
        // A read still starting is cancelled by ReadPending (the state is closed or aborted by then).
        if (state.Phase == ReaderPhase.InTransport) events.Add(new ReaderEvent(ReaderEventKind.TransportCancelAsked));
        return events;
    }

    private static bool ReadCancelWanted(ReaderState state) =>
        state.Closed || state.Aborted
        || (state.Target == ReadTarget.Receive && (state.Find(state.TargetId) is not { } r || r.CancelAsked));

    private static IReadOnlyList<ReaderEvent> One(ReaderEvent e) => new[] { e };

    private static ImmutableArray<PostedReceive> Update(ImmutableArray<PostedReceive> queue, long id, System.Func<PostedReceive, PostedReceive> change)
    {
        for (int i = 0; i < queue.Length; i++)
            if (queue[i].Id == id) return queue.SetItem(i, change(queue[i]));
        return queue;
    }

    private static ImmutableArray<PostedReceive> Remove(ImmutableArray<PostedReceive> queue, long id)
    {
        for (int i = 0; i < queue.Length; i++)
            if (queue[i].Id == id) return queue.RemoveAt(i);
        return queue;
    }
}
