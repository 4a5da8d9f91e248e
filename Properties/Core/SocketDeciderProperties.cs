using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Numerics;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Wsk.Core;
using Step = Wsk.Properties.Core.FoldStep<Wsk.Core.SocketCommand, Wsk.Core.SocketState, Wsk.Core.SocketEvent>;

namespace Wsk.Properties.Core;

/// <summary>
/// The socket decider folded over random command sequences, checked against a model written from the connected-socket
/// rules (CloseCompletesPending, CloseIsAbortiveUnlessDisconnected, CallingRule SocketClosed): each call reads only its
/// own flag (WskSend NODELAY 0x2, WskReceive WAITALL 0x2, WskDisconnect ABORTIVE 0x1), an unsupported flag is
/// STATUS_NOT_SUPPORTED, a bad WSK_BUF or an abortive disconnect with a buffer is STATUS_INVALID_PARAMETER; after our
/// disconnect no send, after our abort no I/O; the peer's FIN leaves sending open; close is abortive unless the socket
/// was disconnected both ways; nothing but transport facts after close.
/// </summary>
public class SocketDeciderProperties
{
    /// <summary>Folds <paramref name="commands"/> from <see cref="SocketDecider.Initial"/>.</summary>
    public static List<Step> Fold(IEnumerable<SocketCommand> commands) =>
        DeciderFold.Run<SocketCommand, SocketState, SocketEvent>(SocketDecider.Initial, SocketDecider.Decide, SocketDecider.Evolve, commands);

    // ------------------------------------------------------------------ the contract model

    /// <summary>What the contract says about the socket so far, tracked from the commands alone.</summary>
    private sealed class Model
    {
        public bool OurGraceful, OurFinSent, OurAbort, PeerFin, PeerReset, Closed;

        public bool SendShut => OurGraceful || OurAbort;
        public bool ReceiveShut => PeerFin || PeerReset || OurAbort;
    }

    /// <summary>An expected decision: the kind, the exact status (null: any NT_ERROR status) for a refusal, and the path name.</summary>
    private readonly record struct Expected(SocketEventKind Kind, NtStatus? Status, CallingRule Rule, string Path);

    // Literal values from ntstatus.h so that the model does not lean on the library's constants.
    private static readonly NtStatus StatusNotSupported = NtStatus.FromUInt32(0xC00000BB);
    private static readonly NtStatus StatusInvalidParameter = NtStatus.FromUInt32(0xC000000D);

    private const uint SendSupported = 0x2;       // WSK_FLAG_NODELAY
    private const uint ReceiveSupported = 0x2;    // WSK_FLAG_WAITALL
    private const uint DisconnectSupported = 0x1; // WSK_FLAG_ABORTIVE

    private static Expected Refused(NtStatus? status, string path) => new(SocketEventKind.Refused, status, CallingRule.None, path);

    private static Expected Predict(SocketCommand c, Model m)
    {
        bool peerFact = c.Kind is SocketCommandKind.PeerShutdown or SocketCommandKind.PeerReset or SocketCommandKind.DisconnectFinished;
        if (m.Closed && !peerFact) return new Expected(SocketEventKind.Violation, null, CallingRule.SocketClosed, "call after close");
        switch (c.Kind)
        {
            case SocketCommandKind.Send:
                if ((c.Flags & ~SendSupported) != 0) return Refused(StatusNotSupported, "send: unsupported flag");
                if (!c.HasBuffer || !c.BufferWellFormed) return Refused(StatusInvalidParameter, "send: bad buffer");
                if (m.SendShut) return Refused(null, "send after our disconnect");
                if (m.PeerReset) return Refused(null, "send after reset");
                return new Expected(SocketEventKind.Accepted, null, CallingRule.None, m.PeerFin ? "send after the peer's FIN" : "send");
            case SocketCommandKind.Receive:
                if ((c.Flags & ~ReceiveSupported) != 0) return Refused(StatusNotSupported, "receive: unsupported flag");
                if (!c.HasBuffer || !c.BufferWellFormed) return Refused(StatusInvalidParameter, "receive: bad buffer");
                if (m.OurAbort) return Refused(null, "receive after abort");
                return new Expected(SocketEventKind.Accepted, null, CallingRule.None,
                    m.PeerReset ? "receive after reset" : m.PeerFin ? "receive after FIN" : m.OurGraceful ? "receive after our FIN" : "receive");
            case SocketCommandKind.Disconnect:
                bool abortive = (c.Flags & WskFlagsAbortive) != 0;
                if ((c.Flags & ~DisconnectSupported) != 0) return Refused(StatusNotSupported, "disconnect: unsupported flag");
                if (abortive && c.HasBuffer) return Refused(StatusInvalidParameter, "abortive disconnect with a buffer");
                if (c.HasBuffer && !c.BufferWellFormed) return Refused(StatusInvalidParameter, "disconnect: bad buffer");
                if (abortive)
                    return m.OurAbort || m.PeerReset ? Refused(null, "abort when already reset")
                        : new Expected(SocketEventKind.AbortStarted, null, CallingRule.None, m.OurGraceful ? "abort after our FIN" : "abort");
                return m.OurGraceful || m.OurAbort || m.PeerReset ? Refused(null, "graceful disconnect again or after reset")
                    : new Expected(SocketEventKind.ShutdownStarted, null, CallingRule.None,
                        m.PeerFin ? "graceful disconnect after FIN" : "graceful disconnect");
            case SocketCommandKind.DisconnectFinished:
                return m.OurGraceful && !m.OurFinSent && !m.OurAbort && !m.Closed
                    ? new Expected(SocketEventKind.ShutdownFinished, null, CallingRule.None, "our FIN sent")
                    : new Expected(SocketEventKind.None, null, CallingRule.None, "no graceful disconnect to finish");
            case SocketCommandKind.PeerShutdown:
                return m.ReceiveShut ? new Expected(SocketEventKind.None, null, CallingRule.None, "FIN, stream already ended")
                    : new Expected(SocketEventKind.PeerShutDown, null, CallingRule.None, m.Closed ? "FIN after close" : "FIN");
            case SocketCommandKind.PeerReset:
                return m.PeerReset ? new Expected(SocketEventKind.None, null, CallingRule.None, "reset again")
                    : new Expected(SocketEventKind.PeerReset, null, CallingRule.None, m.Closed ? "reset after close" : "reset");
            default:
                bool graceful = m.OurFinSent && m.PeerFin && !m.PeerReset && !m.OurAbort;
                return new Expected(graceful ? SocketEventKind.ClosedGracefully : SocketEventKind.ClosedAbortively, null, CallingRule.None,
                    graceful ? "close graceful" : "close abortive");
        }
    }

    private const uint WskFlagsAbortive = 0x1;

    private static void Apply(Model m, SocketCommand c, Expected x)
    {
        switch (x.Kind)
        {
            case SocketEventKind.ShutdownStarted: m.OurGraceful = true; break;
            case SocketEventKind.ShutdownFinished: m.OurFinSent = true; break;
            case SocketEventKind.AbortStarted: m.OurAbort = true; break;
            case SocketEventKind.ClosedGracefully or SocketEventKind.ClosedAbortively: m.Closed = true; break;
        }
        if (c.Kind == SocketCommandKind.PeerShutdown) m.PeerFin = true;
        if (c.Kind == SocketCommandKind.PeerReset) m.PeerReset = true;
    }

    /// <summary>The model's prediction for every step of <paramref name="commands"/>.</summary>
    private static List<Expected> Predictions(IEnumerable<SocketCommand> commands)
    {
        var m = new Model();
        var list = new List<Expected>();
        foreach (var c in commands)
        {
            var x = Predict(c, m);
            Apply(m, c, x);
            list.Add(x);
        }
        return list;
    }

    // ------------------------------------------------------------------ printing

    private static string Hex(uint v) => "0x" + v.ToString("X", CultureInfo.InvariantCulture);

    private static string Show(SocketCommand c) => c.Kind switch
    {
        SocketCommandKind.Send or SocketCommandKind.Receive =>
            $"{c.Kind}({Hex(c.Flags)}{(c.HasBuffer ? "" : ", no buffer")}{(c.BufferWellFormed ? "" : ", bad buffer")})",
        SocketCommandKind.Disconnect =>
            $"Disconnect({Hex(c.Flags)}{(c.HasBuffer ? c.BufferWellFormed ? ", buffer" : ", bad buffer" : "")})",
        _ => c.Kind.ToString(),
    };

    private static string Show(SocketEvent e) => e.Kind switch
    {
        SocketEventKind.Refused => $"Refused({e.Status.Name ?? e.Status.ToString()})",
        SocketEventKind.Violation => $"Violation({e.Rule})",
        _ => e.Kind.ToString(),
    };

    private static string Trace(List<Step> steps) =>
        steps.Count == 0 ? "(no commands)" : string.Join(" | ", steps.Select(s => $"{s.Index}:{Show(s.Command)} → {Show(s.Event)}"));

    /// <summary>Whether a Close command came before each step (a close is never refused, so this is read off the commands).</summary>
    private static bool[] ClosedBefore(List<Step> steps)
    {
        var result = new bool[steps.Count];
        bool closed = false;
        for (int i = 0; i < steps.Count; i++)
        {
            result[i] = closed;
            if (steps[i].Command.Kind == SocketCommandKind.Close) closed = true;
        }
        return result;
    }

    private static string CloseLabel(List<Step> steps) =>
        steps.FirstOrDefault(s => s.Command.Kind == SocketCommandKind.Close) is { Command.Kind: SocketCommandKind.Close } c
            ? (c.Event.Kind == SocketEventKind.ClosedGracefully ? "closed gracefully" : "closed abortively")
            : "not closed";

    // ------------------------------------------------------------------ properties

    /// <summary>Every step against the contract model: the decision, the status, the rule and the state it leaves.</summary>
    [Property(MaxTest = 1000)]
    public Property FollowsTheContractModel() =>
        Prop.ForAll(SocketArb.Commands(), commands =>
        {
            var steps = Fold(commands);
            var expected = Predictions(commands);
            var m = new Model();
            var failures = new List<string>();
            foreach (var s in steps)
            {
                var x = expected[s.Index];
                Apply(m, s.Command, x);
                bool statusOk = x.Kind != SocketEventKind.Refused
                    || (x.Status is { } st ? s.Event.Status == st : s.Event.Status.IsError);
                if (s.Event.Kind != x.Kind || !statusOk || s.Event.Rule != x.Rule)
                    failures.Add($"step {s.Index} ({x.Path}): got {Show(s.Event)}/{s.Event.Rule}, expected {x.Kind}"
                                 + $"{(x.Status is { } xs ? "(" + xs + ")" : x.Kind == SocketEventKind.Refused ? "(an error)" : "")}/{x.Rule}");
                var want = new SocketState(m.SendShut, m.ReceiveShut, m.PeerReset, m.OurAbort, m.Closed, m.OurFinSent);
                if (s.After != want) failures.Add($"step {s.Index}: state {s.After}, expected {want}");
                if (failures.Count > 0) break;
            }
            var paths = expected.Select(x => x.Path).ToHashSet();
            return (failures.Count == 0).Label(string.Join("; ", failures) + " in " + Trace(steps))
                .Classify(paths.Contains("send after the peer's FIN"), "half-open send")
                .Classify(paths.Contains("abort after our FIN"), "abort after graceful")
                .Collect(CloseLabel(steps));
        });

    /// <summary>
    /// A flag the call does not read is STATUS_NOT_SUPPORTED, whatever else is wrong and whatever the connection's state
    /// (until close): WskSend supports only NODELAY 0x2, WskReceive only WAITALL 0x2, WskDisconnect only ABORTIVE 0x1. And a
    /// call whose flags are all supported is never refused with NOT_SUPPORTED.
    /// </summary>
    [Property(MaxTest = 500)]
    public Property UnsupportedFlagsAreNotSupported() =>
        Prop.ForAll(SocketArb.Commands(), commands =>
        {
            var steps = Fold(commands);
            var closed = ClosedBefore(steps);
            var calls = steps
                .Where(s => !closed[s.Index] && s.Command.Kind is SocketCommandKind.Send or SocketCommandKind.Receive or SocketCommandKind.Disconnect)
                .ToList();
            static uint Supported(SocketCommandKind k) => k switch
            {
                SocketCommandKind.Send => 0x2u,
                SocketCommandKind.Receive => 0x2u,
                _ => 0x1u,
            };
            var bad = calls.Where(s => (s.Command.Flags & ~Supported(s.Command.Kind)) != 0).ToList();
            var good = calls.Where(s => (s.Command.Flags & ~Supported(s.Command.Kind)) == 0).ToList();
            var p = bad.All(s => s.Event.Kind == SocketEventKind.Refused && s.Event.Status == StatusNotSupported && s.After == s.Before)
                    .Label($"an unsupported flag was not refused with NOT_SUPPORTED: {Trace(steps)}")
                .And(good.All(s => !(s.Event.Kind == SocketEventKind.Refused && s.Event.Status == StatusNotSupported))
                    .Label($"supported flags refused with NOT_SUPPORTED: {Trace(steps)}"));
            return p.Classify(bad.Any(s => s.Command.Kind == SocketCommandKind.Send && (s.Command.Flags & 0x1) != 0), "send with OOB")
                .Classify(bad.Any(s => s.Command.Kind == SocketCommandKind.Receive && (s.Command.Flags & 0x4) != 0), "receive with DRAIN")
                .Classify(bad.Any(s => s.Command.Kind == SocketCommandKind.Disconnect && (s.Command.Flags & 0x1) != 0), "abortive + other bit")
                .Classify(bad.Any(s => s.Before.SendShutdown || s.Before.Reset), "unsupported flag on a shut socket")
                .Collect(bad.Count == 0 ? "no unsupported flag" : "some unsupported flag");
        });

    /// <summary>
    /// A malformed WSK_BUF is STATUS_INVALID_PARAMETER when the flags are fine (disconnect's buffer only counts when given),
    /// and so is an abortive disconnect with a buffer (the contract: "Buffer must be NULL"), whatever the state.
    /// </summary>
    [Property(MaxTest = 500)]
    public Property BadBuffersAreInvalidParameter() =>
        Prop.ForAll(SocketArb.Commands(), commands =>
        {
            var steps = Fold(commands);
            var closed = ClosedBefore(steps);
            var open = steps.Where(s => !closed[s.Index]).ToList();
            var badSend = open.Where(s => s.Command.Kind == SocketCommandKind.Send && (s.Command.Flags & ~0x2u) == 0 && !s.Command.BufferWellFormed);
            var badReceive = open.Where(s => s.Command.Kind == SocketCommandKind.Receive && (s.Command.Flags & ~0x2u) == 0 && !s.Command.BufferWellFormed);
            var disc = open.Where(s => s.Command.Kind == SocketCommandKind.Disconnect && (s.Command.Flags & ~0x1u) == 0).ToList();
            var abortiveWithBuffer = disc.Where(s => s.Command.Flags == 0x1 && s.Command.HasBuffer).ToList();
            var badDisc = disc.Where(s => s.Command.HasBuffer && !s.Command.BufferWellFormed).ToList();
            var noBufferDisc = disc.Where(s => !s.Command.HasBuffer).ToList();
            var invalid = badSend.Concat(badReceive).Concat(abortiveWithBuffer).Concat(badDisc).ToList();
            var p = invalid.All(s => s.Event.Kind == SocketEventKind.Refused && s.Event.Status == StatusInvalidParameter && s.After == s.Before)
                    .Label($"a bad buffer (or an abortive disconnect with one) was not INVALID_PARAMETER: {Trace(steps)}")
                // Without a buffer, disconnect's BufferWellFormed means nothing.
                .And(noBufferDisc.All(s => !(s.Event.Kind == SocketEventKind.Refused && s.Event.Status == StatusInvalidParameter))
                    .Label($"a disconnect without a buffer was INVALID_PARAMETER: {Trace(steps)}"));
            return p.Classify(abortiveWithBuffer.Any(s => s.Command.BufferWellFormed), "abortive with a good buffer")
                .Classify(badDisc.Any(s => s.Command.Flags == 0), "graceful with a bad buffer")
                .Classify(noBufferDisc.Any(s => !s.Command.BufferWellFormed), "no buffer, 'bad' flag ignored")
                .Collect(invalid.Count == 0 ? "no bad buffer" : "some bad buffer");
        });

    /// <summary>
    /// Once our disconnect (graceful or abortive) has gone ahead no send is accepted; once our abort has gone ahead no receive
    /// is accepted; the peer's FIN alone stops no send and no receive is stopped by a graceful disconnect of ours.
    /// </summary>
    [Property(MaxTest = 500)]
    public Property ShutDirectionsStayShut() =>
        Prop.ForAll(SocketArb.Commands(), commands =>
        {
            var steps = Fold(commands);
            var failures = new List<string>();
            bool ourFin = false, ourAbort = false, peerFin = false, peerReset = false;
            var closed = ClosedBefore(steps);
            var labels = new SortedSet<string>(StringComparer.Ordinal);
            foreach (var s in steps)
            {
                var c = s.Command;
                bool accepted = s.Event.Kind == SocketEventKind.Accepted;
                if (c.Kind == SocketCommandKind.Send && (ourFin || ourAbort))
                {
                    labels.Add("send after our disconnect");
                    if (accepted) failures.Add($"step {s.Index}: send accepted after our disconnect");
                }
                if (c.Kind == SocketCommandKind.Receive && ourAbort)
                {
                    labels.Add("receive after abort");
                    if (accepted) failures.Add($"step {s.Index}: receive accepted after abort");
                }
                // The other half stays usable: a clean call is accepted.
                bool clean = c.BufferWellFormed && (c.Flags & ~0x2u) == 0 && !closed[s.Index];
                if (clean && c.Kind == SocketCommandKind.Receive && ourFin && !ourAbort)
                {
                    labels.Add("receive after our FIN");
                    if (!accepted) failures.Add($"step {s.Index}: receive refused after our graceful disconnect");
                }
                if (clean && c.Kind == SocketCommandKind.Send && peerFin && !ourFin && !ourAbort && !peerReset)
                {
                    labels.Add("send after the peer's FIN");
                    if (!accepted) failures.Add($"step {s.Index}: send refused after the peer's FIN only");
                }
                if (s.Event.Kind == SocketEventKind.ShutdownStarted) ourFin = true;
                if (s.Event.Kind == SocketEventKind.AbortStarted) ourAbort = true;
                if (c.Kind == SocketCommandKind.PeerShutdown) peerFin = true;
                if (c.Kind == SocketCommandKind.PeerReset) peerReset = true;
            }
            return (failures.Count == 0).Label(string.Join("; ", failures) + " in " + Trace(steps))
                .Collect(labels.Count == 0 ? "no call on a half-shut socket" : string.Join(" + ", labels));
        });

    /// <summary>
    /// After WskCloseSocket every call (send, receive, disconnect, a second close) is Violation(SocketClosed) and changes
    /// nothing; the transport's facts (the peer's FIN or reset, a disconnect finishing) are still taken.
    /// </summary>
    [Property(MaxTest = 500)]
    public Property NothingButPeerFactsAfterClose() =>
        Prop.ForAll(SocketArb.Commands(), commands =>
        {
            var steps = Fold(commands);
            var closed = ClosedBefore(steps);
            var after = steps.Where(s => closed[s.Index]).ToList();
            var calls = after.Where(s => s.Command.Kind is not (SocketCommandKind.PeerShutdown or SocketCommandKind.PeerReset
                or SocketCommandKind.DisconnectFinished)).ToList();
            var facts = after.Except(calls).ToList();
            var p = calls.All(s => s.Event.Kind == SocketEventKind.Violation && s.Event.Rule == CallingRule.SocketClosed && s.After == s.Before)
                    .Label($"a call after close was not Violation(SocketClosed), or changed the state: {Trace(steps)}")
                .And(facts.All(s => s.Event.Kind is not (SocketEventKind.Violation or SocketEventKind.Refused) && s.After.Closed)
                    .Label($"a transport fact after close was refused, or reopened the socket: {Trace(steps)}"))
                .And(steps.Where(s => !closed[s.Index]).All(s => s.Event.Kind != SocketEventKind.Violation && !s.Before.Closed)
                    .Label($"a violation (or a closed state) before any close: {Trace(steps)}"));
            var kinds = calls.Select(s => s.Command.Kind.ToString()).Distinct().OrderBy(k => k, StringComparer.Ordinal);
            return p.Classify(facts.Count > 0, "peer fact after close")
                .Collect(calls.Count == 0 ? "no call after close" : "after close: " + string.Join("+", kinds));
        });

    /// <summary>
    /// Close is graceful exactly when both directions were shut before it, ours by a graceful disconnect that went ahead and
    /// the peer's by its FIN, and nothing was reset or aborted; otherwise it is abortive (rule
    /// CloseIsAbortiveUnlessDisconnected).
    /// </summary>
    [Property(MaxTest = 1000)]
    public Property CloseIsGracefulExactlyWhenDisconnectedBothWays() =>
        Prop.ForAll(SocketArb.Commands(), commands =>
        {
            var steps = Fold(commands);
            var close = steps.FirstOrDefault(s => s.Command.Kind == SocketCommandKind.Close);
            if (close.Command.Kind != SocketCommandKind.Close)
                return true.ToProperty().Collect("no close");
            var before = steps.Take(close.Index).ToList();
            // Ours is shut only once the graceful disconnect finished (its FIN sent), not when it merely started.
            bool ourGraceful = before.Any(s => s.Command.Kind == SocketCommandKind.Disconnect && s.Command.Flags == 0
                                               && s.Event.Kind == SocketEventKind.ShutdownStarted)
                               && before.Any(s => s.Event.Kind == SocketEventKind.ShutdownFinished);
            bool ourAbort = before.Any(s => s.Command.Kind == SocketCommandKind.Disconnect && s.Command.Flags == 0x1
                                            && s.Event.Kind == SocketEventKind.AbortStarted);
            bool fin = before.Any(s => s.Command.Kind == SocketCommandKind.PeerShutdown);
            bool reset = before.Any(s => s.Command.Kind == SocketCommandKind.PeerReset);
            bool graceful = ourGraceful && fin && !reset && !ourAbort;
            var want = graceful ? SocketEventKind.ClosedGracefully : SocketEventKind.ClosedAbortively;
            string why = graceful ? "both ways shut"
                : reset ? "peer reset" : ourAbort ? "we aborted" : !ourGraceful && !fin ? "open both ways"
                : !ourGraceful ? "only the peer's FIN" : "only our FIN";
            return (close.Event.Kind == want && close.After.Closed)
                .Label($"close gave {Show(close.Event)}, expected {want} ({why}): {Trace(steps)}")
                .Collect(why);
        });

    /// <summary>
    /// The state's flags only ever go from false to true, and only events that say so change the state: refusals,
    /// acceptances, violations and no-ops leave it as it was.
    /// </summary>
    [Property(MaxTest = 500)]
    public Property StateIsMonotone() =>
        Prop.ForAll(SocketArb.Commands(), commands =>
        {
            var steps = Fold(commands);
            static bool[] Bits(SocketState s) => new[] { s.SendShutdown, s.ReceiveShutdown, s.Reset, s.Aborted, s.Closed };
            var regress = steps.Where(s => Bits(s.Before).Zip(Bits(s.After), (b, a) => b && !a).Any(x => x)).ToList();
            var inert = steps.Where(s => s.Event.Kind is SocketEventKind.None or SocketEventKind.Accepted or SocketEventKind.Refused
                                         or SocketEventKind.Violation).ToList();
            var p = (regress.Count == 0).Label($"a flag went back to false at {string.Join(",", regress.Select(s => s.Index))}: {Trace(steps)}")
                .And(inert.All(s => s.After == s.Before).Label($"a refusal/acceptance/violation/no-op changed the state: {Trace(steps)}"))
                .And(steps.Where(s => s.After != s.Before).All(s => s.Event.Kind is not (SocketEventKind.None or SocketEventKind.Accepted
                        or SocketEventKind.Refused or SocketEventKind.Violation))
                    .Label("only state events change the state"));
            int set = steps.Count == 0 ? 0 : Bits(steps[^1].After).Count(b => b);
            return p.Collect($"{set} of 5 flags set at the end");
        });

    /// <summary>
    /// WskSend's and WskReceive's WSK_BUF is not optional (only WskDisconnect's is optional), so a
    /// send or receive without one is refused with STATUS_INVALID_PARAMETER before anything else but the flags.
    /// </summary>
    [Property(MaxTest = 300)]
    public Property SendAndReceiveNeedABuffer() =>
        Prop.ForAll(
            Arb.From(
                from kind in Gen.Elements(SocketCommandKind.Send, SocketCommandKind.Receive)
                from flags in Gen.Elements(0u, 0x2u)
                from wellFormed in Gen.Elements(true, false)
                from prefix in Gen.Choose(0, 6).SelectMany(n => Gen.ArrayOf(SocketGen.OpenCommand, n))
                select (Prefix: prefix, Call: new SocketCommand(kind, flags, false, wellFormed)),
                c => CoreGen.ShrinkArray(c.Prefix).Select(p => (p, c.Call))),
            c =>
            {
                var steps = Fold(c.Prefix.Append(c.Call));
                var last = steps[^1];
                return (last.Event.Kind == SocketEventKind.Refused && last.Event.Status == StatusInvalidParameter)
                    .Label($"{Show(last.Command)} without a buffer gave {Show(last.Event)} in state {last.Before}")
                    .Collect($"{last.Command.Kind}{(last.Command.BufferWellFormed ? " (flagged well formed)" : "")}");
            });

    // ------------------------------------------------------------------ WSK_BUF

    /// <summary>
    /// WskBuf.IsWellFormed says whether the described bytes [Offset, Offset+Length) lie inside the buffer (the MDL's window,
    /// not the array behind it), computed here without any fixed-width arithmetic; and the BCL agrees: exactly the
    /// well-formed ones can be sliced, and the slice has Length bytes starting Offset bytes into the window.
    /// </summary>
    [Property(MaxTest = 2000)]
    public Property WskBufWellFormedMatchesTheOracle() =>
        Prop.ForAll(SocketArb.BufShapes(), shape =>
        {
            var buf = shape.ToWskBuf();
            BigInteger off = shape.Offset, len = shape.Length, size = shape.BufferLength;
            bool oracle = off >= 0 && len >= 0 && off + len <= size;
            bool sliceable;
            int sliceLength = -1;
            bool sameBytes = true;
            try
            {
                var slice = buf.Memory;
                sliceable = true;
                sliceLength = slice.Length;
                if (slice.Length > 0)
                {
                    buf.Buffer.Span[shape.Offset] = 0xA5;
                    sameBytes = slice.Span[0] == 0xA5;
                }
            }
            catch (ArgumentOutOfRangeException)
            {
                sliceable = false;
            }
            bool intOverflow = (long)shape.Offset + shape.Length > int.MaxValue;
            string kind = oracle
                ? (shape.Length == 0 ? "well formed, empty"
                   : (long)shape.Offset + shape.Length == shape.BufferLength ? "well formed, to the end"
                   : "well formed, inside")
                : shape.Offset < 0 ? "negative offset"
                : shape.Length < 0 ? "negative length"
                : intOverflow ? "offset+length overflows int"
                : shape.Offset > shape.BufferLength ? "offset past the end"
                : "length past the end";
            return (buf.IsWellFormed == oracle).Label($"IsWellFormed {buf.IsWellFormed}, oracle {oracle}: {shape}")
                .And((sliceable == oracle).Label($"Memory slicing {(sliceable ? "worked" : "threw")}, oracle {oracle}: {shape}"))
                .And((!oracle || (sliceLength == shape.Length && sameBytes)).Label($"slice of {sliceLength} bytes or wrong start: {shape}"))
                .And(WskBuf.Of(buf.Buffer).IsWellFormed.Label("WskBuf.Of is always well formed"))
                .Classify(shape.Slack > 0, "window inside a larger array")
                .Collect(kind);
        });
}
