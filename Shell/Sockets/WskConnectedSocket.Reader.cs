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
    // The incoming stream's state lives apart and is created on first use: a socket that never receives (and the
    // connect path that creates every socket) pays nothing for it.
    private ReceiveState? _receiveState;

    private ReceiveState Receiving => _receiveState ??= new ReceiveState();

    /// <summary>
    /// Runs the reader: decides <paramref name="command"/> with <see cref="ReceiveReaderDecider"/>, does what its
    /// events say, and goes on with what follows (the transport's answer, the callback's answer, or the next step)
    /// until the reader must wait for the transport or has nothing to do. Decisions are taken under the socket's lock;
    /// transport calls, completions and callbacks run outside it.
    /// </summary>
    private void Drive(ReaderCommand command, ITransportCancel? pendingRead = null)
    {
        while (true)
        {
            ReaderEvents events;
            SocketIo? finishedFirst = null; // nearly always the only one: no list for it
            List<SocketIo>? finishedMore = null;
            ITransportCancel? cancelRead = null;
            ReadOnlyMemory<byte> indicate = default;
            ReaderEvent? start = null;
            SocketIo? startInto = null;
            bool wasPump = command.Kind == ReaderCommandKind.Pump;
            lock (_gate)
            {
                var rx = Receiving;
                if (wasPump)
                    command = ReaderCommand.Pump((_events.Enabled & WskEvents.Receive) != 0,
                        (_events.Enabled & WskEvents.Disconnect) != 0);
                events = ReceiveReaderDecider.Decide(command, rx.Reader);
                rx.Reader = ReceiveReaderDecider.Apply(rx.Reader, events);
                // Indexed, not foreach: the events are a value, and its enumerator would be boxed.
                for (int i = 0; i < events.Count; i++)
                {
                    var e = events[i];
                    switch (e.Kind)
                    {
                        case ReaderEventKind.RetainedCopied:
                            var into = rx.ReceiveOf(e.Id);
                            rx.Retained.Span[..e.Bytes].CopyTo(into.Memory.Span[into.Transferred..]);
                            into.Transferred += e.Bytes;
                            rx.Retained = rx.Retained[e.Bytes..];
                            break;
                        case ReaderEventKind.Completed:
                            var done = rx.ReceiveOf(e.Id);
                            rx.Receives!.Remove(done);
                            done.Transferred = e.Bytes;
                            done.FinalStatus = e.Status;
                            if (finishedFirst is null) finishedFirst = done;
                            else (finishedMore ??= new List<SocketIo>()).Add(done);
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
                            if (rx.ReadInto is { } target && e.Status == NtStatus.Success)
                                target.Transferred += e.Bytes;
                            rx.ReadInto = null;
                            break;
                        case ReaderEventKind.StreamEnded:
                            var peer = new SocketCommand(
                                e.Flag ? SocketCommandKind.PeerReset : SocketCommandKind.PeerShutdown);
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
            finishedFirst?.TryCompleteWithBytes(finishedFirst.FinalStatus);
            if (finishedMore is not null)
                foreach (var io in finishedMore) io.TryCompleteWithBytes(io.FinalStatus);

            ReaderCommand? next = null;
            for (int i = 0; i < events.Count; i++)
            {
                var e = events[i];
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

    /// <summary>
    /// Starts the transport read the reader decided; the answer, when inside the call, is the next command.
    /// </summary>
    private ReaderCommand? StartRead(ReaderEvent read, SocketIo? into, out ITransportCancel? pending)
    {
        Memory<byte> target;
        ITransportIoSink sink;
        lock (_gate)
        {
            switch (read.Target)
            {
                case ReadTarget.Receive:
                    target = into!.Memory[read.Offset..];
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
        return result.Status.IsPending
            ? ReaderCommand.ReadPending(read.ReadNumber)
            : ReaderCommand.ReadAnswered(result.Status, result.Bytes);
    }

    /// <summary>Lets the reader start whatever it can now (after a callback was enabled).</summary>
    private void PumpReceives() => Drive(new ReaderCommand(ReaderCommandKind.Pump));

    /// <summary>The transport answered the reader's read later, on its own thread.</summary>
    private void ReadAnsweredLater(NtStatus status, int bytes) => Drive(ReaderCommand.ReadAnswered(status, bytes));

    /// <summary>
    /// The reader's sink for indication and peek reads (receive reads answer through their own operation).
    /// </summary>
    private sealed class ReaderSink(WskConnectedSocket socket) : ITransportIoSink
    {
        public void OnIoCompleted(NtStatus status, int bytes) => socket.ReadAnsweredLater(status, bytes);
    }
}
