using System;
using System.Collections.Generic;
using System.Linq;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Wsk.Core;
using Xunit;

namespace Wsk.Properties.Core;

/// <summary>
/// The receive reader's decider, driven by a byte-level environment: a peer that sends, shuts down or resets; a
/// transport that answers each read truthfully (data it has, the FIN, a reset, STATUS_CANCELLED only once asked to
/// cancel) inside the call or later; a client that posts, cancels, answers indications in every way, closes and aborts.
/// Each run is a list of choices, so FsCheck shrinks a failure to the few steps that matter.
/// Checked: ReceiveCompletesOnce (every posted receive completes exactly once, by the end), CancelEndsReceive (after a
/// cancel the receive ends without more data: STATUS_CANCELLED or the bytes it really got; no read starts into it), and
/// bytes delivered once and in order (what the client got, then what is still kept back, is exactly what was read).
/// </summary>
public class ReceiveReaderDeciderProperties
{
    private static readonly NtStatus[] ResetStatuses = { NtStatus.ConnectionReset, NtStatus.ConnectionAborted };

    private static Gen<int[]> Choices => Gen.Choose(10, 160).SelectMany(n => Gen.ArrayOf(Gen.Choose(0, 9999), n));

    [Property(MaxTest = 1500)]
    public Property Every_receive_completes_once_and_bytes_arrive_once_in_order() =>
        Prop.ForAll(Choices.ToArbitrary(), choices =>
        {
            var run = new Run(choices);
            run.Play();
            run.Finish();
            var failures = run.Failures;
            return (failures.Count == 0)
                .Label(failures.Count == 0 ? "ok" : string.Join("\n", failures.Take(5)) + "\n--- trace ---\n" + string.Join("\n", run.Trace.TakeLast(60)))
                .Classify(run.Seen.Contains("cancel while starting"), "cancel while the read was starting")
                .Classify(run.Seen.Contains("cancel while in transport"), "cancel while the read was in the transport")
                .Classify(run.Seen.Contains("cancel while queued"), "cancel of a queued receive")
                .Classify(run.Seen.Contains("cancel after completion"), "cancel after completion")
                .Classify(run.Seen.Contains("close while starting"), "close while a read was starting")
                .Classify(run.Seen.Contains("stale read pending"), "the read answered before it was known pending")
                .Classify(run.Seen.Contains("indication kept back"), "an indication left bytes with the provider")
                .Classify(run.Seen.Contains("retained copied"), "kept-back bytes copied into a receive")
                .Classify(run.Seen.Contains("disconnect indicated"), "disconnect indicated");
        });

    /// <summary>Every transition the decider has is taken by some run (so the properties above reach all of it).</summary>
    [Fact]
    public void Runs_reach_every_event_kind()
    {
        {
            var seen = new HashSet<ReaderEventKind>();
            var paths = new HashSet<string>();
            var random = new Random(7);
            for (int i = 0; i < 400; i++)
            {
                var run = new Run(Enumerable.Range(0, 120).Select(_ => random.Next(10000)).ToArray());
                run.Play();
                run.Finish();
                seen.UnionWith(run.Kinds);
                paths.UnionWith(run.Seen);
            }
            var missing = Enum.GetValues<ReaderEventKind>().Where(k => !seen.Contains(k)).ToList();
            string[] wanted = { "cancel while starting", "cancel while in transport", "cancel while queued", "close while starting", "stale read pending" };
            var missingPaths = wanted.Where(w => !paths.Contains(w)).ToList();
            Assert.True(missing.Count == 0 && missingPaths.Count == 0,
                $"events never seen: {string.Join(", ", missing)}; paths never seen: {string.Join(", ", missingPaths)}");
        }
    }

    /// <summary>The lost-cancel scenario, step by step: a cancel while the read into the receive is being started.</summary>
    [Fact]
    public void A_cancel_while_the_read_starts_reaches_the_read_once_it_exists()
    {
        {
            var s = ReceiveReaderDecider.Initial;
            s = Step(s, ReaderCommand.Post(1, 16, false), out _);
            s = Step(s, ReaderCommand.Pump(false, false), out var started);
            s = Step(s, ReaderCommand.Cancel(1), out var onCancel);        // the transport read does not exist yet
            s = Step(s, ReaderCommand.ReadPending(s.ReadNumber), out var onPending);
            s = Step(s, ReaderCommand.ReadAnswered(NtStatus.Cancelled, 0), out var onAnswer);
            var completed = onAnswer.Single(e => e.Kind == ReaderEventKind.Completed);
            Assert.True(started.Single().Kind == ReaderEventKind.ReadStarted
                    && onCancel.Select(e => e.Kind).SequenceEqual(new[] { ReaderEventKind.CancelRemembered })
                    && onPending.Select(e => e.Kind).SequenceEqual(new[] { ReaderEventKind.ReadInTransport, ReaderEventKind.TransportCancelAsked })
                    && completed.Id == 1 && completed.Status == NtStatus.Cancelled && completed.Bytes == 0 && s.Queue.IsEmpty,
                $"{Show(started)} / {Show(onCancel)} / {Show(onPending)} / {Show(onAnswer)}");
        }
    }

    /// <summary>A WAITALL receive cancelled between two reads ends at once with the bytes it has.</summary>
    [Fact]
    public void A_WAITALL_receive_cancelled_between_reads_ends_with_its_bytes()
    {
        {
            var s = ReceiveReaderDecider.Initial;
            s = Step(s, ReaderCommand.Post(1, 100, true), out _);
            s = Step(s, ReaderCommand.Pump(false, false), out _);
            s = Step(s, ReaderCommand.ReadPending(s.ReadNumber), out _);
            s = Step(s, ReaderCommand.ReadAnswered(NtStatus.Success, 3), out var answered); // 3 of 100: not satisfied
            s = Step(s, ReaderCommand.Cancel(1), out var onCancel);
            var completed = onCancel.SingleOrDefault(e => e.Kind == ReaderEventKind.Completed);
            Assert.True(answered.All(e => e.Kind != ReaderEventKind.Completed) && completed.Id == 1 && completed.Status == NtStatus.Success
                    && completed.Bytes == 3 && s.Queue.IsEmpty, $"{Show(answered)} / {Show(onCancel)}");
        }
    }

    private static ReaderState Step(ReaderState s, ReaderCommand c, out IReadOnlyList<ReaderEvent> events)
    {
        events = ReceiveReaderDecider.Decide(c, s);
        return ReceiveReaderDecider.Apply(s, events);
    }

    private static string Show(IReadOnlyList<ReaderEvent> events) => string.Join(",", events.Select(e => e.Kind));

    /// <summary>One run: the decider's state, and the world around it with real bytes.</summary>
    private sealed class Run
    {
        private readonly int[] _choices;
        private int _at;
        private ReaderState _s = ReceiveReaderDecider.Initial;
        private long _lastId;
        private byte _nextByte;
        private readonly Queue<byte> _inTransport = new();     // sent by the peer, not yet read
        private readonly List<byte> _read = new();              // everything the transport handed the reader, in order
        private readonly List<byte> _delivered = new();         // what the client got, in the order it got it
        private readonly Dictionary<long, List<byte>> _buffers = new();
        private readonly Dictionary<long, (int Length, bool WaitAll)> _posted = new();
        private readonly Dictionary<long, int> _completions = new();
        private readonly HashSet<long> _cancelled = new();
        private List<byte> _retained = new();
        private List<byte> _indicating = new();
        private bool _peerFin, _peerReset, _transportCancelAsked, _readPendingKnown;
        private int _disconnects;
        private bool _receiveEnabled, _disconnectEnabled;

        public Run(int[] choices) => _choices = choices;

        public List<string> Failures { get; } = new();
        public List<string> Trace { get; } = new();
        public HashSet<string> Seen { get; } = new();
        public HashSet<ReaderEventKind> Kinds { get; } = new();

        private int Pick(int n) => n <= 1 ? 0 : _choices[_at++ % _choices.Length] % n;

        public void Play()
        {
            _receiveEnabled = _choices.Length > 0 && _choices[0] % 3 == 0;
            _disconnectEnabled = _choices.Length > 1 && _choices[1] % 2 == 0;
            int steps = _choices.Length;
            for (int i = 0; i < steps && !_s.Closed; i++) Act(Pick(12));
        }

        /// <summary>Close, then let the world settle without new data: every receive must have completed once.</summary>
        public void Finish()
        {
            if (!_s.Closed) Do(ReaderCommand.Close);
            Settle();
            foreach (var id in _posted.Keys)
            {
                int n = _completions.GetValueOrDefault(id);
                if (n != 1) Failures.Add($"receive {id} completed {n} times by the end");
            }
            if (!ReceiveReaderDecider.IsTerminal(_s)) Failures.Add($"not terminal after close: {_s.Phase}, {_s.Queue.Length} queued");
            var expected = _read.Take(_read.Count - _retained.Count).ToList();
            if (!_delivered.SequenceEqual(expected) || !_read.Skip(expected.Count).SequenceEqual(_retained))
                Failures.Add($"bytes: read [{string.Join(",", _read)}], delivered [{string.Join(",", _delivered)}], kept back [{string.Join(",", _retained)}]");
            if (_disconnects > 1) Failures.Add($"disconnect indicated {_disconnects} times");
        }

        private void Act(int what)
        {
            switch (what)
            {
                case 0 or 1:
                    long id = ++_lastId;
                    int length = new[] { 0, 1, 2, 5, 16 }[Pick(5)];
                    bool waitAll = Pick(3) == 0;
                    _posted[id] = (length, waitAll);
                    _buffers[id] = new List<byte>();
                    Do(ReaderCommand.Post(id, length, waitAll));
                    break;
                case 2:
                    if (_lastId == 0) break;
                    long victim = 1 + Pick((int)_lastId);
                    Seen.Add(_s.Find(victim) is null ? "cancel after completion"
                        : _s.Target == ReadTarget.Receive && _s.TargetId == victim && _s.Phase == ReaderPhase.Starting ? "cancel while starting"
                        : _s.Target == ReadTarget.Receive && _s.TargetId == victim && _s.Phase == ReaderPhase.InTransport ? "cancel while in transport"
                        : "cancel while queued");
                    bool live = _s.Find(victim) is not null;
                    Do(ReaderCommand.Cancel(victim));
                    if (live) CheckCancelEnds(victim);
                    break;
                case 3 or 4:
                    Do(ReaderCommand.Pump(_receiveEnabled, _disconnectEnabled));
                    break;
                case 5:
                    int k = 1 + Pick(4);
                    for (int i = 0; i < k && !_peerFin && !_peerReset; i++) _inTransport.Enqueue(_nextByte++);
                    break;
                case 6:
                    if (Pick(4) == 0) _peerReset = true; else _peerFin = true;
                    break;
                case 7 or 8:
                    AnswerRead(allowStay: true);
                    break;
                case 9:
                    if (_s.Phase == ReaderPhase.Starting && !_readPendingKnown) Do(ReaderCommand.ReadPending(_s.ReadNumber));
                    else if (Pick(2) == 0)
                    {
                        Seen.Add("stale read pending");
                        Do(ReaderCommand.ReadPending(_s.ReadNumber - 1));
                    }
                    break;
                case 10:
                    AnswerIndication();
                    break;
                case 11:
                    int which = Pick(6);
                    if (which == 0)
                    {
                        if (_s.Phase == ReaderPhase.Starting) Seen.Add("close while starting");
                        Do(ReaderCommand.Close);
                    }
                    else if (which == 1) Do(ReaderCommand.Abort);
                    else if (which == 2) _receiveEnabled = !_receiveEnabled;
                    else _disconnectEnabled = !_disconnectEnabled;
                    break;
            }
        }

        /// <summary>A transport answer for the read in progress, when one is possible.</summary>
        private void AnswerRead(bool allowStay)
        {
            if (_s.Phase is not (ReaderPhase.Starting or ReaderPhase.InTransport)) return;
            var options = new List<(NtStatus Status, int Bytes)>();
            int capacity = _s.Target switch
            {
                ReadTarget.Receive => _s.Find(_s.TargetId)?.Remaining ?? _posted[_s.TargetId].Length,
                ReadTarget.Indication => 16 * 1024,
                _ => 1,
            };
            if (_inTransport.Count > 0 && capacity > 0) options.Add((NtStatus.Success, 1 + Pick(Math.Min(capacity, _inTransport.Count))));
            else if (_peerReset) options.Add((ResetStatuses[Pick(ResetStatuses.Length)], 0));
            else if (_peerFin) options.Add((NtStatus.Success, 0));
            if (_transportCancelAsked) options.Add((NtStatus.Cancelled, 0));
            if (options.Count == 0) return; // the read waits
            var (status, bytes) = options[Pick(options.Count)];
            var data = new List<byte>();
            if (status == NtStatus.Success && bytes > 0)
            {
                if (_s.Target == ReadTarget.Peek) bytes = 1; // a peek looks, it takes nothing
                else for (int i = 0; i < bytes; i++) data.Add(_inTransport.Dequeue());
            }
            Answered(status, bytes, data);
        }

        private void Answered(NtStatus status, int bytes, List<byte> data)
        {
            var target = _s.Target;
            long targetId = _s.TargetId;
            bool intoLive = target == ReadTarget.Receive && _s.Find(targetId) is not null;
            if (intoLive) _buffers[targetId].AddRange(data); // the bytes land in the buffer before the decider hears of them
            var events = Do(ReaderCommand.ReadAnswered(status, bytes));
            if (target == ReadTarget.Receive && intoLive)
            {
                _read.AddRange(data);
                _delivered.AddRange(data);
            }
            else if (target == ReadTarget.Indication && events.Any(e => e.Kind == ReaderEventKind.DataIndicated))
            {
                _read.AddRange(data);
                _indicating = data;
            }
            else if (data.Count > 0 && !_s.Closed && !_s.Aborted)
                Failures.Add($"{data.Count} bytes read into {target} {targetId} went nowhere, and the socket was neither closed nor aborted");
        }

        private void AnswerIndication()
        {
            if (_s.Phase != ReaderPhase.Indicating) return;
            int bytes = _indicating.Count;
            bool ran = Pick(5) != 0;
            var returned = new[] { NtStatus.Success, NtStatus.Pending, NtStatus.DataNotAccepted }[Pick(3)];
            long accepted = Pick(3) switch { 0 => 0, 1 => bytes, _ => Pick(bytes + 1) };
            var outcome = IndicationDecider.Decide(new(returned, bytes, accepted));
            var events = Do(ReaderCommand.IndicationAnswered(ran, outcome, bytes));
            var ended = events.Single(e => e.Kind == ReaderEventKind.IndicationEnded);
            // What the client took is delivered; the rest is kept back, ahead of anything read later.
            int taken = ended.Bytes > 0 ? ended.Offset : bytes;
            _delivered.AddRange(_indicating.Take(taken));
            if (ended.Bytes > 0)
            {
                Seen.Add("indication kept back");
                if (ended.Offset + ended.Bytes != bytes) Failures.Add($"kept back {ended.Bytes} from {ended.Offset} of {bytes}");
                _retained = _indicating.Skip(ended.Offset).Take(ended.Bytes).ToList();
            }
            _indicating = new List<byte>();
        }

        /// <summary>CancelEndsReceive, as liveness: from here, with no new data at all, the receive completes.</summary>
        private void CheckCancelEnds(long id)
        {
            var s = _s;
            bool cancelAsked = _transportCancelAsked;
            for (int i = 0; i < 20 && s.Find(id) is not null; i++)
            {
                ReaderCommand c = s.Phase switch
                {
                    ReaderPhase.Starting => ReaderCommand.ReadPending(s.ReadNumber),
                    ReaderPhase.InTransport when cancelAsked => ReaderCommand.ReadAnswered(NtStatus.Cancelled, 0),
                    ReaderPhase.Indicating => ReaderCommand.IndicationAnswered(true,
                        new IndicationOutcome(IndicationAction.Consumed, _indicating.Count, false), _indicating.Count),
                    _ => ReaderCommand.Pump(false, false),
                };
                var events = ReceiveReaderDecider.Decide(c, s);
                if (events.Any(e => e.Kind == ReaderEventKind.TransportCancelAsked)) cancelAsked = true;
                if (events.Any(e => e.Kind == ReaderEventKind.ReadStarted && e.Id == id && e.Target == ReadTarget.Receive))
                    Failures.Add($"a read started into receive {id} after its cancel");
                s = ReceiveReaderDecider.Apply(s, events);
            }
            if (s.Find(id) is not null) Failures.Add($"receive {id} still pending after its cancel with no more data (phase {s.Phase})");
        }

        /// <summary>Closes down: answers what runs (cancelled reads answer CANCELLED) until nothing changes.</summary>
        private void Settle()
        {
            for (int i = 0; i < 50; i++)
            {
                if (_s.Phase == ReaderPhase.Starting && !_readPendingKnown) Do(ReaderCommand.ReadPending(_s.ReadNumber));
                else if (_s.Phase is ReaderPhase.Starting or ReaderPhase.InTransport)
                {
                    if (!_transportCancelAsked) { Failures.Add("after close, a read runs that nobody asked to cancel"); return; }
                    Answered(NtStatus.Cancelled, 0, new List<byte>());
                }
                else if (_s.Phase == ReaderPhase.Indicating) AnswerIndication();
                else return;
            }
        }

        private IReadOnlyList<ReaderEvent> Do(ReaderCommand c)
        {
            var before = _s;
            var events = ReceiveReaderDecider.Decide(c, before);
            _s = ReceiveReaderDecider.Apply(before, events);
            Trace.Add($"{c.Kind}({(c.Kind is ReaderCommandKind.Post or ReaderCommandKind.Cancel ? c.Id
                                   : c.Kind == ReaderCommandKind.ReadAnswered ? $"{c.Status.Name},{c.Length}" : "")}) "
                      + $"in {before.Phase}/{before.Target}{before.TargetId} ⇒ {Show(events)}");
            foreach (var e in events)
            {
                Kinds.Add(e.Kind);
                switch (e.Kind)
                {
                    case ReaderEventKind.Completed:
                        _completions[e.Id] = _completions.GetValueOrDefault(e.Id) + 1;
                        if (_completions[e.Id] > 1) Failures.Add($"receive {e.Id} completed twice");
                        var (length, waitAll) = _posted[e.Id];
                        if (e.Bytes != _buffers[e.Id].Count) Failures.Add($"receive {e.Id} completed with {e.Bytes} bytes but holds {_buffers[e.Id].Count}");
                        if (e.Status == NtStatus.Success && waitAll && e.Bytes < length && !(before.EndOfStream || before.Reset || before.Aborted
                                || _s.EndOfStream || _s.Reset || _cancelled.Contains(e.Id) || c.Kind == ReaderCommandKind.Cancel
                                || (c.Kind == ReaderCommandKind.ReadAnswered && c.Status != NtStatus.Success)))
                            Failures.Add($"WAITALL receive {e.Id} completed with {e.Bytes} of {length} bytes and no reason");
                        if (c.Kind == ReaderCommandKind.Cancel
                            && !(e.Status == NtStatus.Cancelled && e.Bytes == 0 || e.Status == NtStatus.Success && e.Bytes > 0))
                            Failures.Add($"cancelled receive {e.Id} completed {e.Status.Name} with {e.Bytes} bytes");
                        break;
                    case ReaderEventKind.CancelRemembered:
                        _cancelled.Add(e.Id);
                        break;
                    case ReaderEventKind.RetainedCopied:
                        Seen.Add("retained copied");
                        var moved = _retained.Take(e.Bytes).ToList();
                        if (moved.Count != e.Bytes) Failures.Add($"copied {e.Bytes} kept-back bytes of {_retained.Count}");
                        _buffers[e.Id].AddRange(moved);
                        _delivered.AddRange(moved);
                        _retained = _retained.Skip(e.Bytes).ToList();
                        break;
                    case ReaderEventKind.RetainedIndicated:
                        if (!before.Queue.IsEmpty) Failures.Add("kept-back bytes indicated while a receive waits for them");
                        _indicating = _retained;
                        _retained = new List<byte>();
                        break;
                    case ReaderEventKind.ReadStarted:
                        _transportCancelAsked = false;
                        _readPendingKnown = false;
                        if (before.Phase != ReaderPhase.Idle) Failures.Add("a read started while the reader was busy");
                        if (e.Target == ReadTarget.Receive && _cancelled.Contains(e.Id)) Failures.Add($"a read started into cancelled receive {e.Id}");
                        break;
                    case ReaderEventKind.ReadInTransport:
                        _readPendingKnown = true;
                        break;
                    case ReaderEventKind.TransportCancelAsked:
                        _transportCancelAsked = true;
                        break;
                    case ReaderEventKind.DisconnectIndicated:
                        Seen.Add("disconnect indicated");
                        _disconnects++;
                        break;
                }
            }
            return events;
        }
    }
}
