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
public sealed partial class WskSocket
{
    private const int IndicationBufferSize = 16 * 1024;
    // The incoming stream's state lives apart and is created on first use: a socket that never receives (and the connect
    // path that creates every socket) pays nothing for it.
    private ReceiveState? _receiveState;

    private ReceiveState Rx => _receiveState ??= new ReceiveState();

    private enum ReaderKind : byte
    {
        Idle,
        Irp,
        Indication,
        Peek,
    }

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
            (Rx.Receives ??= new()).AddLast(io);
            Rx.PeekBlocked = false;
        }
        PumpReceives();
        if (io.IsDone) return io.Irp.IoStatus.Status;
        io.Irp.SetCancelRoutine(io);
        return NtStatus.Pending;
    }

    /// <summary>
    /// WskRelease: hands back an indication the client kept by returning STATUS_PENDING from its receive callback.
    /// Releasing anything else, or twice, is a contract violation.
    /// </summary>
    public NtStatus WskRelease(DataIndication indication)
    {
        ArgumentNullException.ThrowIfNull(indication);
        lock (_gate)
        {
            if (Rx.Kept is not null && Rx.Kept.Remove(indication)) return NtStatus.Success;
        }
        throw new WskContractViolationException(CallingRule.OutOfOrder, "this data indication is not one the client kept");
    }

    /// <summary>Indications the client kept and has not released yet.</summary>
    public int KeptIndications
    {
        get { lock (_gate) return Rx.Kept?.Count ?? 0; }
    }

    /// <summary>Runs the reader until it must wait for the transport, or has nothing to do.</summary>
    private void PumpReceives()
    {
        while (true)
        {
            SocketIo? finished = null;
            NtStatus finishedStatus = default;
            ReaderKind start = ReaderKind.Idle;
            Memory<byte> target = default;
            SocketIo? irpTarget = null;
            ReadOnlyMemory<byte> keptBack = default;
            int generation;
            lock (_gate)
            {
                if (_state.Closed || Rx.Reader != ReaderKind.Idle) return;
                generation = Rx.ReaderGeneration;
                if (Rx.Receives?.First is { } first)
                {
                    var head = first.Value;
                    if (!Rx.Retained.IsEmpty && head.Remaining > 0)
                    {
                        int n = Math.Min(Rx.Retained.Length, head.Remaining);
                        Rx.Retained.Span[..n].CopyTo(head.Buffer.Memory.Span[head.Transferred..]);
                        head.Transferred += n;
                        Rx.Retained = Rx.Retained[n..];
                        if (!head.WaitAll || head.Remaining == 0) (finished, finishedStatus) = (TakeHead(), NtStatus.Success);
                        else continue;
                    }
                    else if (head.Remaining == 0 || Rx.EndOfStream || _state.Aborted)
                        (finished, finishedStatus) = (TakeHead(), NtStatus.Success);
                    else if (Rx.Reset)
                        (finished, finishedStatus) = (TakeHead(), head.Transferred > 0 ? NtStatus.Success : NtStatus.ConnectionReset);
                    else
                        (start, target, irpTarget) = (ReaderKind.Irp, head.Buffer.Memory[head.Transferred..], head);
                }
                else if (!Rx.IndicationsStopped && !Rx.Retained.IsEmpty && (_events.Enabled & WskEvents.Receive) != 0)
                {
                    // Indications resumed with bytes still kept back: they are indicated first, so nothing overtakes them.
                    keptBack = Rx.Retained;
                    Rx.Retained = default;
                    Rx.Reader = ReaderKind.Indication;
                }
                else if (CanRead && !Rx.IndicationsStopped && (_events.Enabled & WskEvents.Receive) != 0)
                    (start, target) = (ReaderKind.Indication, Rx.IndicationBuffer ??= new byte[IndicationBufferSize]);
                else if (CanRead && !Rx.PeekBlocked && Rx.Retained.IsEmpty && (_events.Enabled & WskEvents.Disconnect) != 0)
                    (start, target) = (ReaderKind.Peek, Rx.PeekByte ??= new byte[1]);
                else
                    return;

                if (finished is null && keptBack.IsEmpty)
                {
                    Rx.Reader = start;
                    Rx.ReaderIo = irpTarget;
                }
            }

            if (!keptBack.IsEmpty)
            {
                Indicate(keptBack);
                continue;
            }

            if (finished is not null)
            {
                finished.TryCompleteWithBytes(finishedStatus);
                continue;
            }

            ITransportIoSink sink = irpTarget is null ? ReaderSinkOf() : irpTarget;
            var result = _connection.Receive(target, start == ReaderKind.Peek ? TransportReceiveMode.Peek : TransportReceiveMode.Some, sink);
            if (result.Status.IsPending)
            {
                lock (_gate)
                {
                    if (Rx.ReaderGeneration == generation && Rx.Reader == start)
                    {
                        Rx.ReaderCancel = result.Pending;
                        if (irpTarget is not null) irpTarget.Pending = result.Pending;
                    }
                }
                if (irpTarget is not null && IsClosed) result.Pending?.Cancel();
                return;
            }
            ReaderAnswered(start, irpTarget, result.Status, result.Bytes);
        }
    }

    private bool CanRead => !Rx.EndOfStream && !Rx.Reset && !_state.Aborted;

    /// <summary>The transport answered the reader: account for it, complete or indicate, and report the stream's end.</summary>
    private void ReaderAnswered(ReaderKind kind, SocketIo? io, NtStatus status, int bytes)
    {
        bool indicateData = false, indicateEnd = false, indicateReset = false;
        SocketIo? finished = null;
        NtStatus finishedStatus = default;
        lock (_gate)
        {
            Rx.Reader = ReaderKind.Idle;
            Rx.ReaderIo = null;
            Rx.ReaderCancel = null;
            Rx.ReaderGeneration++;
            bool cancelled = status == NtStatus.Cancelled;
            if (status == NtStatus.Success && bytes == 0) // no read is ever started into an empty buffer: 0 is the FIN
            {
                Rx.EndOfStream = true;
                _state = SocketDecider.Evolve(_state, SocketDecider.Decide(new SocketCommand(SocketCommandKind.PeerShutdown), _state));
                indicateEnd = !Rx.DisconnectIndicated;
            }
            else if (status == NtStatus.ConnectionReset)
            {
                Rx.Reset = true;
                _state = SocketDecider.Evolve(_state, SocketDecider.Decide(new SocketCommand(SocketCommandKind.PeerReset), _state));
                indicateReset = !Rx.DisconnectIndicated;
            }

            switch (kind)
            {
                case ReaderKind.Irp:
                    if (status == NtStatus.Success) io!.Transferred += bytes;
                    bool satisfied = status != NtStatus.Success || bytes == 0 || !io!.WaitAll || io.Remaining == 0;
                    if (satisfied && !io!.IsDone)
                    {
                        Rx.Receives!.Remove(io);
                        finished = io;
                        finishedStatus = io.Transferred > 0 ? NtStatus.Success : status;
                        // A completed receive lets stopped indications resume (wsk-contract §4).
                        Rx.IndicationsStopped = false;
                        Rx.PeekBlocked = false;
                    }
                    break;
                case ReaderKind.Indication:
                    indicateData = status == NtStatus.Success && bytes > 0 && !_state.Closed;
                    // The reader stays busy until the client has answered: a receive posted from inside the callback
                    // must not read past the bytes being indicated, or it would overtake the bytes kept back.
                    if (indicateData) Rx.Reader = ReaderKind.Indication;
                    break;
                case ReaderKind.Peek:
                    if (status == NtStatus.Success && bytes > 0) Rx.PeekBlocked = true; // data waits for the client's receive
                    break;
            }
            if (cancelled || _state.Closed || _state.Aborted) indicateEnd = indicateReset = false;
        }

        finished?.TryCompleteWithBytes(finishedStatus);
        if (indicateData) Indicate(Rx.IndicationBuffer.AsMemory(0, bytes));
        if (indicateEnd || indicateReset) IndicateDisconnect(indicateReset);
    }

    /// <summary>Hands <paramref name="data"/> to the client's receive callback, applies its answer, then frees the reader.</summary>
    private void Indicate(ReadOnlyMemory<byte> data)
    {
        try
        {
            IndicateCore(data);
        }
        finally
        {
            lock (_gate) Rx.Reader = ReaderKind.Idle;
        }
    }

    private void IndicateCore(ReadOnlyMemory<byte> data)
    {
        int bytes = data.Length;
        var indication = new DataIndication(data, null);
        if (!TryInvoke(WskEvents.Receive, indication, bytes, out var returned, out long accepted))
        {
            // Disabled while the data was on its way: keep it for the next WskReceive.
            lock (_gate)
            {
                Rx.Retained = data;
                Rx.IndicationBuffer = null;
                Rx.IndicationsStopped = true;
            }
            return;
        }

        var outcome = IndicationDecider.Decide(returned, bytes, accepted);
        lock (_gate)
        {
            switch (outcome.Action)
            {
                case IndicationAction.KeptByClient:
                    (Rx.Kept ??= new(ReferenceEqualityComparer.Instance)).Add(indication);
                    Rx.IndicationBuffer = null; // the client owns these bytes until WskRelease
                    break;
                case IndicationAction.PartlyConsumed or IndicationAction.NotAccepted:
                    Rx.Retained = indication.Buffer[(int)outcome.Consumed..];
                    Rx.IndicationBuffer = null;
                    Rx.IndicationsStopped = true;
                    break;
            }
        }
    }

    /// <summary>Tells the client the stream ended: gracefully (flags 0) or by a reset (WSK_FLAG_ABORTIVE).</summary>
    private void IndicateDisconnect(bool abortive)
    {
        lock (_gate)
        {
            if (Rx.DisconnectIndicated) return;
            Rx.DisconnectIndicated = true;
        }
        if (!TryInvoke(WskEvents.Disconnect, null, abortive ? WskFlags.Abortive : 0, out _, out _) && abortive)
        {
            // No disconnect callback: a receive callback learns that the socket is dead from a NULL indication.
            TryInvoke(WskEvents.Receive, null, 0, out _, out _);
        }
    }

    private SocketIo TakeHead()
    {
        var head = Rx.Receives!.First!.Value;
        Rx.Receives.RemoveFirst();
        Rx.IndicationsStopped = false;
        return head;
    }

    /// <summary>Called with the lock held: every operation still pending, removed from the socket; the reader stopped.</summary>
    private List<SocketIo> TakeAllPending()
    {
        var all = new List<SocketIo>();
        if (_receiveState?.Receives is { } receives)
        {
            all.AddRange(receives);
            receives.Clear();
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
        _receiveState?.ReaderCancel?.Cancel();
        return all;
    }

    private ReaderSink ReaderSinkOf()
    {
        lock (_gate) return Rx.ReaderSink ??= new ReaderSink(this);
    }

    /// <summary>The reader's sink for indication and peek reads (IRP reads answer through their own operation).</summary>
    private sealed class ReaderSink(WskSocket socket) : ITransportIoSink
    {
        public void OnIoCompleted(NtStatus status, int bytes) => socket.ReaderAnsweredLater(status, bytes);
    }

    private void ReaderAnsweredLater(NtStatus status, int bytes)
    {
        ReaderKind kind;
        lock (_gate) kind = Rx.Reader;
        ReaderAnswered(kind, null, status, bytes);
        PumpReceives();
    }

    /// <summary>The reader's state; every field is read and written under the socket's lock.</summary>
    private sealed class ReceiveState
    {
        public LinkedList<SocketIo>? Receives;
        public HashSet<DataIndication>? Kept;
        public ReaderSink? ReaderSink;
        public ReaderKind Reader;
        public SocketIo? ReaderIo;
        public ITransportCancel? ReaderCancel;
        public int ReaderGeneration;
        public byte[]? IndicationBuffer;
        public byte[]? PeekByte;
        public ReadOnlyMemory<byte> Retained;
        public bool IndicationsStopped;
        public bool PeekBlocked;
        public bool EndOfStream;
        public bool Reset;
        public bool DisconnectIndicated;
    }
}
