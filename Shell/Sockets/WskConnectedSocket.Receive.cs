using System;
using System.Collections.Generic;
using Wsk.Core;

namespace Wsk.Shell;

/// <summary>
/// The incoming stream has exactly one reader at a time, so data is never split between two readers and indications
/// never overlap. The reader serves, in this order: a posted WskReceive (its buffer is read into directly; data kept
/// back from an indication is copied in first — a receive IRP wins over the callback); else the receive callback
/// (through the socket's own buffer); else, with only the disconnect callback enabled, a peek that notices the end of
/// the stream without consuming data. The transport's flow control does the rest: while a callback runs, or while
/// indications are stopped, nothing more is read, so the peer is held back instead of memory growing.
/// </summary>
public sealed partial class WskConnectedSocket
{
    private const int IndicationBufferSize = 16 * 1024;
    // The incoming stream's state lives apart and is created on first use: a socket that never receives (and the connect
    // path that creates every socket) pays nothing for it.
    private ReceiveState? _receiveState;

    private ReceiveState Receiving => _receiveState ??= new ReceiveState();

    /// <summary>
    /// WskReceive: completes with the bytes that arrived (at least one), or with the full buffer under WSK_FLAG_WAITALL;
    /// STATUS_SUCCESS with 0 bytes means the peer shut down gracefully. Any other flag (WSK_FLAG_DRAIN included) answers
    /// STATUS_NOT_SUPPORTED. A zero-length receive completes at once and lets stopped indications resume. The buffer
    /// belongs to the socket until the IRP completes; <c>IoStatus.Information</c> is the byte count (a <see cref="long"/>).
    /// </summary>
    public NtStatus WskReceive(WskBuf buffer, uint flags, Irp irp)
    {
        using var call = VerifiedCall.Enter(this, nameof(WskReceive));
        var submitted = Begin(irp, new SocketCommand(SocketCommandKind.Receive, flags, true, buffer.IsWellFormed), out var decided);
        if (decided.Kind == SocketEventKind.Refused) return Refuse(submitted, decided.Status);
        var io = new SocketIo(this, submitted, SocketIoKind.Receive, buffer, flags);
        lock (_gate)
        {
            io.ReaderId = ++Receiving.LastId;
            (Receiving.Receives ??= new()).Add(io);
        }
        Drive(ReaderCommand.Post(io.ReaderId, buffer.Length, io.WaitAll));
        if (io.IsDone) return io.Irp.IoStatus.Status;
        io.Irp.SetCancelRoutine(io); // runs at once if the IRP was cancelled meanwhile
        return NtStatus.Pending;
    }

    /// <summary>
    /// WskRelease: hands back an indication the client kept by returning STATUS_PENDING from its receive callback.
    /// Releasing anything else, or twice, is a contract violation (CallingRule.OutOfOrder), as is a release after close.
    /// </summary>
    /// <exception cref="WskContractViolationException">The indication is not one the client holds, or the socket was closed.</exception>
    public NtStatus WskRelease(DataIndication indication)
    {
        ArgumentNullException.ThrowIfNull(indication);
        EnsureOpen(nameof(WskRelease));
        lock (_gate)
        {
            if (Receiving.Kept is not null && Receiving.Kept.Remove(indication)) return NtStatus.Success;
        }
        return CallGate.Refuse(_registration, CallingRule.OutOfOrder, nameof(WskRelease), Irql.PassiveLevel, null, this, null);
    }

    /// <summary>Indications the client kept and has not released yet.</summary>
    public int KeptIndications
    {
        get { lock (_gate) return Receiving.Kept?.Count ?? 0; }
    }

    /// <summary>
    /// Runs the reader: decides <paramref name="command"/> with <see cref="ReceiveReaderDecider"/>, does what its events say,
    /// and goes on with what follows (the transport's answer, the callback's answer, or the next step) until the reader
    /// must wait for the transport or has nothing to do. Decisions are taken under the socket's lock; transport calls,
    /// completions and callbacks run outside it.
    /// </summary>
    private void Drive(ReaderCommand command, ITransportCancel? pendingRead = null)
    {
        while (true)
        {
            IReadOnlyList<ReaderEvent> events;
            List<SocketIo>? finished = null;
            ITransportCancel? cancelRead = null;
            ReadOnlyMemory<byte> indicate = default;
            ReaderEvent? start = null;
            SocketIo? startInto = null;
            bool wasPump = command.Kind == ReaderCommandKind.Pump;
            lock (_gate)
            {
                var rx = Receiving;
                if (wasPump)
                    command = ReaderCommand.Pump((_events.Enabled & WskEvents.Receive) != 0, (_events.Enabled & WskEvents.Disconnect) != 0);
                events = ReceiveReaderDecider.Decide(command, rx.Reader);
                rx.Reader = ReceiveReaderDecider.Apply(rx.Reader, events);
                foreach (var e in events)
                {
                    switch (e.Kind)
                    {
                        case ReaderEventKind.RetainedCopied:
                            var into = rx.ReceiveOf(e.Id);
                            rx.Retained.Span[..e.Bytes].CopyTo(into.Buffer.Memory.Span[into.Transferred..]);
                            into.Transferred += e.Bytes;
                            rx.Retained = rx.Retained[e.Bytes..];
                            break;
                        case ReaderEventKind.Completed:
                            var done = rx.ReceiveOf(e.Id);
                            rx.Receives!.Remove(done);
                            done.Transferred = e.Bytes;
                            done.FinalStatus = e.Status;
                            (finished ??= new List<SocketIo>(1)).Add(done);
                            break;
                        case ReaderEventKind.ReadStarted:
                            start = e;
                            startInto = e.Target == ReadTarget.Receive ? rx.ReceiveOf(e.Id) : null;
                            break;
                        case ReaderEventKind.ReadInTransport:
                            rx.ReaderCancel = pendingRead;
                            break;
                        case ReaderEventKind.TransportCancelAsked:
                            cancelRead = rx.ReaderCancel;
                            break;
                        case ReaderEventKind.ReadFinished:
                            rx.ReaderCancel = null;
                            if (rx.ReadInto is { } target && e.Status == NtStatus.Success) target.Transferred += e.Bytes;
                            rx.ReadInto = null;
                            break;
                        case ReaderEventKind.StreamEnded:
                            var peer = new SocketCommand(e.Flag ? SocketCommandKind.PeerReset : SocketCommandKind.PeerShutdown);
                            _state = SocketDecider.Evolve(_state, SocketDecider.Decide(peer, _state));
                            break;
                        case ReaderEventKind.DataIndicated:
                            indicate = rx.Indicating = rx.IndicationBuffer.AsMemory(0, e.Bytes);
                            break;
                        case ReaderEventKind.RetainedIndicated:
                            indicate = rx.Indicating = rx.Retained;
                            rx.Retained = default;
                            break;
                        case ReaderEventKind.IndicationEnded:
                            if (e.Bytes > 0)
                            {
                                rx.Retained = rx.Indicating.Slice(e.Offset, e.Bytes);
                                rx.IndicationBuffer = null; // the kept-back bytes live in it now
                            }
                            rx.Indicating = default;
                            break;
                        case ReaderEventKind.DisconnectIndicated:
                        case ReaderEventKind.Queued:
                        case ReaderEventKind.CancelRemembered:
                        case ReaderEventKind.Stopped:
                            break;
                    }
                }
                if (start is not null) rx.ReadInto = startInto;
            }

            cancelRead?.Cancel();
            if (finished is not null)
                foreach (var io in finished) io.TryCompleteWithBytes(io.FinalStatus);

            ReaderCommand? next = null;
            foreach (var e in events)
            {
                switch (e.Kind)
                {
                    case ReaderEventKind.ReadStarted:
                        next = StartRead(e, startInto, out pendingRead);
                        break;
                    case ReaderEventKind.DataIndicated or ReaderEventKind.RetainedIndicated:
                        next = Indicate(indicate);
                        break;
                    case ReaderEventKind.DisconnectIndicated:
                        IndicateDisconnect(e.Flag);
                        break;
                }
            }
            if (next is { } follow) command = follow;
            else if (wasPump && events.Count == 0) return;
            else command = new ReaderCommand(ReaderCommandKind.Pump);
        }
    }

    /// <summary>Starts the transport read the reader decided; the answer, when inside the call, is the next command.</summary>
    private ReaderCommand? StartRead(ReaderEvent read, SocketIo? into, out ITransportCancel? pending)
    {
        Memory<byte> target;
        ITransportIoSink sink;
        lock (_gate)
        {
            switch (read.Target)
            {
                case ReadTarget.Receive:
                    target = into!.Buffer.Memory[read.Offset..];
                    sink = into;
                    break;
                case ReadTarget.Indication:
                    target = Receiving.IndicationBuffer ??= new byte[IndicationBufferSize];
                    sink = Receiving.ReaderSink ??= new ReaderSink(this);
                    break;
                default:
                    target = Receiving.PeekByte ??= new byte[1];
                    sink = Receiving.ReaderSink ??= new ReaderSink(this);
                    break;
            }
        }
        var mode = read.Target == ReadTarget.Peek ? TransportReceiveMode.Peek : TransportReceiveMode.Some;
        var result = _connection.Receive(target, mode, sink);
        pending = result.Pending;
        // Pending: the read exists now, and a cancel asked meanwhile reaches it through ReadPending.
        return result.Status.IsPending ? ReaderCommand.ReadPending(read.ReadNumber) : ReaderCommand.ReadAnswered(result.Status, result.Bytes);
    }

    /// <summary>Lets the reader start whatever it can now (after a callback was enabled).</summary>
    private void PumpReceives() => Drive(new ReaderCommand(ReaderCommandKind.Pump));

    /// <summary>The transport answered the reader's read later, on its own thread.</summary>
    private void ReadAnsweredLater(NtStatus status, int bytes) => Drive(ReaderCommand.ReadAnswered(status, bytes));

    /// <summary>Hands <paramref name="data"/> to the client's receive callback; its answer is the reader's next command.</summary>
    private ReaderCommand Indicate(ReadOnlyMemory<byte> data)
    {
        var indication = new DataIndication(data, null);
        bool ran;
        NtStatus returned;
        long accepted;
        try
        {
            ran = TryInvoke(WskEvents.Receive, indication, data.Length, out returned, out accepted);
        }
        catch
        {
            // A callback that throws took nothing; the reader is freed so the socket can still be closed.
            lock (_gate) Receiving.Reader = ReceiveReaderDecider.Apply(Receiving.Reader,
                ReceiveReaderDecider.Decide(ReaderCommand.IndicationAnswered(true, new IndicationOutcome(IndicationAction.Consumed, data.Length, true), data.Length), Receiving.Reader));
            throw;
        }
        if (!ran) return ReaderCommand.IndicationAnswered(false, default, data.Length);
        var outcome = IndicationDecider.Decide(returned, data.Length, accepted);
        if (outcome.Action == IndicationAction.KeptByClient)
        {
            lock (_gate)
            {
                (Receiving.Kept ??= new(ReferenceEqualityComparer.Instance)).Add(indication);
                Receiving.IndicationBuffer = null; // the client owns these bytes until WskRelease
            }
        }
        return ReaderCommand.IndicationAnswered(true, outcome, data.Length);
    }

    /// <summary>Tells the client the stream ended: gracefully (flags 0) or by a reset (WSK_FLAG_ABORTIVE).</summary>
    private void IndicateDisconnect(bool abortive)
    {
        if (!TryInvoke(WskEvents.Disconnect, null, abortive ? WskFlags.Abortive : 0, out _, out _) && abortive)
        {
            // No disconnect callback: a receive callback learns that the socket is dead from a NULL indication.
            TryInvoke(WskEvents.Receive, null, 0, out _, out _);
        }
    }

    /// <summary>
    /// Called with the lock held by close and abortive disconnect: every operation still pending, removed from the socket
    /// (the reader's receives as the reader decides: STATUS_CANCELLED), and the transport read to cancel, if any.
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

    /// <summary>IoCancelIrp on a pending receive: the reader decides (complete now, or end its read).</summary>
    private void CancelReceive(SocketIo io) => Drive(ReaderCommand.Cancel(io.ReaderId));

    /// <summary>The reader's sink for indication and peek reads (receive reads answer through their own operation).</summary>
    private sealed class ReaderSink(WskConnectedSocket socket) : ITransportIoSink
    {
        public void OnIoCompleted(NtStatus status, int bytes) => socket.ReadAnsweredLater(status, bytes);
    }

    /// <summary>The reader's state and the buffers beside it; every field is read and written under the socket's lock.</summary>
    private sealed class ReceiveState
    {
        public ReaderState Reader = ReceiveReaderDecider.Initial;
        public List<SocketIo>? Receives;
        public long LastId;
        public SocketIo? ReadInto;
        public HashSet<DataIndication>? Kept;
        public ReaderSink? ReaderSink;
        public ITransportCancel? ReaderCancel;
        public byte[]? IndicationBuffer;
        public byte[]? PeekByte;
        public ReadOnlyMemory<byte> Retained;
        public ReadOnlyMemory<byte> Indicating;

        public SocketIo ReceiveOf(long id)
        {
            foreach (var io in Receives!)
                if (io.ReaderId == id) return io;
            throw new InvalidOperationException($"the reader named receive {id}, which the socket does not hold");
        }
    }
}
