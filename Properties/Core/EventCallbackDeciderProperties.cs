using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Wsk.Core;

namespace Wsk.Properties.Core;

/// <summary>
/// SO_WSK_EVENT_CALLBACK against a model written from the event-callback rules (CallbacksStartDisabled,
/// EnableOrsConnectionEvents, DisableOneEvent, DisableWhileRunningWaits): enable takes a non-zero OR of the connection
/// events (SEND_BACKLOG 0x10, RECEIVE 0x40, DISCONNECT 0x80) whose callbacks the client gave; disable takes exactly one
/// of them with WSK_EVENT_DISABLE 0x80000000 and not a static one; a disable answers SUCCESS when no callback of that
/// event runs, STATUS_PENDING (with an IRP) or STATUS_EVENT_PENDING 0x40000013 (without) when one does; either way no
/// new callback of it starts. New sockets have only their static events enabled.
/// </summary>
public class EventCallbackDeciderProperties
{
    // Literal values from wsk.h / ntstatus.h so that the model does not lean on the library's constants.
    private const uint SendBacklog = 0x10, Receive = 0x40, Disconnect = 0x80, DisableBit = 0x8000_0000;
    private static readonly uint[] Connection = { SendBacklog, Receive, Disconnect };
    private static readonly NtStatus StatusSuccess = NtStatus.FromUInt32(0x0000_0000);
    private static readonly NtStatus StatusPending = NtStatus.FromUInt32(0x0000_0103);
    private static readonly NtStatus StatusEventPending = NtStatus.FromUInt32(0x4000_0013);
    private static readonly NtStatus StatusInvalidParameter = NtStatus.FromUInt32(0xC000_000D);

    /// <summary>What the model expects of one control request.</summary>
    /// <param name="Status">The status.</param>
    /// <param name="Accepted">Whether the state changes (a refusal changes nothing and has no next state).</param>
    /// <param name="Enabled">The enabled events after it (when accepted).</param>
    /// <param name="WaitFor">The event whose running callback must return first (0 unless PENDING/EVENT_PENDING).</param>
    /// <param name="Path">The rule that decided.</param>
    private readonly record struct Expected(NtStatus Status, bool Accepted, uint Enabled, uint WaitFor, string Path);

    private static bool IsSubset(uint part, uint whole) => (part & ~whole) == 0;

    private static bool Has(uint mask, uint @event) => (mask & @event) == @event;

    /// <summary>The contract's answer to EventMask <paramref name="mask"/> on a socket whose events are as given.</summary>
    private static Expected Oracle(uint available, uint enabled, uint statics, uint inFlight, uint mask, bool irp)
    {
        static Expected Refuse(string path) => new(StatusInvalidParameter, false, 0, 0, path);
        uint connectionMask = SendBacklog | Receive | Disconnect;
        if (!Has(mask, DisableBit))
        {
            if (mask == 0) return Refuse("enable nothing");
            if (!IsSubset(mask, connectionMask)) return Refuse("enable a non-connection bit");
            if (!IsSubset(mask, available)) return Refuse("enable an event without a callback");
            return new Expected(StatusSuccess, true, enabled | mask, 0, mask == connectionMask ? "enable all three" : "enable");
        }
        uint target = mask & ~DisableBit;
        if (target == 0) return Refuse("disable nothing");
        if (!Connection.Contains(target))
            return Refuse(Connection.Count(e => Has(target, e)) >= 2 ? "disable several events" : "disable a non-connection bit");
        if (Has(statics, target)) return Refuse("disable a static event");
        uint after = enabled & ~target;
        if (!Has(inFlight, target)) return new Expected(StatusSuccess, true, after, 0, Has(enabled, target) ? "disable idle" : "disable, not enabled");
        return irp
            ? new Expected(StatusPending, true, after, target, "disable in flight, IRP")
            : new Expected(StatusEventPending, true, after, target, "disable in flight, no IRP");
    }

    private static string Hex(uint v) => "0x" + v.ToString("X", CultureInfo.InvariantCulture);

    private static string Show(EventState s) =>
        $"(available {Hex(s.Available)}, enabled {Hex(s.Enabled)}, static {Hex(s.Static)}, in flight {Hex(s.InFlight)})";

    private static string Show(EventControlDecision d) =>
        $"{d.Status.Name ?? d.Status.ToString()}{(d.Next is { } n ? " → " + Show(n) : ", no change")}"
        + $"{(d.WaitFor != 0 ? ", wait for " + Hex(d.WaitFor) : "")}";

    /// <summary>Every failure of <paramref name="d"/> against <paramref name="x"/> for a request on <paramref name="s"/>.</summary>
    private static IEnumerable<string> Compare(EventState s, uint mask, bool irp, EventControlDecision d, Expected x)
    {
        string what = $"Control({Hex(mask)}{(irp ? ", irp" : "")}) on {Show(s)} [{x.Path}] gave {Show(d)}";
        if (d.Status != x.Status) yield return $"{what}: status, expected {x.Status}";
        if (!x.Accepted)
        {
            if (d.Next is not null) yield return $"{what}: a refusal changed the state";
            if (d.WaitFor != 0) yield return $"{what}: a refusal waits for an event";
            yield break;
        }
        if (d.Next is not { } n)
        {
            yield return $"{what}: accepted without a next state";
            yield break;
        }
        if (n.Enabled != x.Enabled) yield return $"{what}: enabled {Hex(n.Enabled)}, expected {Hex(x.Enabled)}";
        if (n.Available != s.Available || n.Static != s.Static || n.InFlight != s.InFlight)
            yield return $"{what}: available/static/in-flight changed";
        if (d.WaitFor != x.WaitFor) yield return $"{what}: WaitFor {Hex(d.WaitFor)}, expected {Hex(x.WaitFor)}";
        if (Has(mask, DisableBit) && EventCallbackDecider.MayIndicate(mask & ~DisableBit, n))
            yield return $"{what}: the disabled event may still indicate";
        if (!Has(mask, DisableBit) && Connection.Where(e => Has(mask, e)).Any(e => !EventCallbackDecider.MayIndicate(e, n)))
            yield return $"{what}: an enabled event may not indicate";
    }

    /// <summary>One control request on any reachable event state, against the contract's table.</summary>
    [Property(MaxTest = 2000)]
    public Property ControlFollowsTheContract() =>
        Prop.ForAll(SocketArb.ControlCases(), c =>
        {
            var (s, mask, irp) = c;
            var d = EventCallbackDecider.Decide(new(mask, irp), s);
            var x = Oracle(s.Available, s.Enabled, s.Static, s.InFlight, mask, irp);
            var failures = Compare(s, mask, irp, d, x).ToList();
            return (failures.Count == 0).Label(string.Join("; ", failures)).Collect(x.Path);
        });

    /// <summary>
    /// A new socket's callbacks are disabled unless static (rule CallbacksStartDisabled): Initial enables exactly
    /// the events that are both static and available, has nothing in flight, and keeps the available events it was
    /// given.
    /// </summary>
    [Property(MaxTest = 500)]
    public Property NewSocketEnablesExactlyStaticAndAvailable() =>
        Prop.ForAll(
            (from available in SocketGen.AvailableEvents
             from st in Gen.Frequency((4, SocketGen.StaticMask), (1, CoreGen.AnyUInt32))
             select (available, st)).ToArbitrary(),
            c =>
            {
                var s = EventCallbackDecider.Initial(c.available, c.st);
                var failures = new List<string>();
                foreach (var e in Connection)
                {
                    bool want = Has(c.available, e) && Has(c.st, e);
                    if (EventCallbackDecider.MayIndicate(e, s) != want)
                        failures.Add($"MayIndicate({Hex(e)}) {!want}, expected {want}");
                    // A static event cannot be disabled; a non-static one can (it is not in flight on a new socket).
                    var d = EventCallbackDecider.Decide(new(e | DisableBit, false), s);
                    // (Static without a callback: the event can never run, so either answer is defensible.)
                    bool staticNoCallback = Has(c.st, e) && !Has(c.available, e);
                    bool ok = want ? d.Status == StatusInvalidParameter && d.Next is null
                        : d.Status == StatusSuccess || (staticNoCallback && d.Status == StatusInvalidParameter);
                    if (!ok) failures.Add($"disable {Hex(e)} gave {Show(d)}, expected {(want ? "INVALID_PARAMETER" : "SUCCESS")}");
                }
                if (s.InFlight != 0) failures.Add("something in flight");
                if (s.Available != c.available) failures.Add("available changed");
                uint enabledConnection = s.Enabled & (SendBacklog | Receive | Disconnect);
                string label = enabledConnection == 0 ? "nothing enabled"
                    : enabledConnection == c.available ? "every available event static" : "some events static";
                return (failures.Count == 0).Label($"Initial({Hex(c.available)}, {Hex(c.st)}) = {Show(s)}: {string.Join("; ", failures)}")
                    .Classify((c.st & ~c.available & (SendBacklog | Receive | Disconnect)) != 0, "static without a callback")
                    .Classify((c.st & ~(SendBacklog | Receive | Disconnect)) != 0, "static of other categories")
                    .Collect(label);
            });

    // ------------------------------------------------------------------ sequences

    /// <summary>One step of a simulated socket life.</summary>
    private readonly record struct SimStep(int Index, EventOp Op, EventState Before, EventControlDecision? Decision, bool Started, EventState After);

    /// <summary>
    /// Runs the scenario: controls go to the decider; a callback starts only when MayIndicate says so (then it is in flight
    /// until its end); the state is the decider's own.
    /// </summary>
    private static List<SimStep> Run(EventScenario sc)
    {
        var state = EventCallbackDecider.Initial(sc.Available, sc.StaticMask);
        var steps = new List<SimStep>();
        int i = 0;
        foreach (var op in sc.Ops)
        {
            var before = state;
            EventControlDecision? decision = null;
            bool started = false;
            switch (op.Kind)
            {
                case EventOpKind.Control:
                    var d = EventCallbackDecider.Decide(new(op.Mask, op.HasIrp), state);
                    decision = d;
                    if (d.Next is { } n) state = n;
                    break;
                case EventOpKind.CallbackStart:
                    started = EventCallbackDecider.MayIndicate(op.Mask, state);
                    if (started) state = state with { InFlight = state.InFlight | op.Mask };
                    break;
                default:
                    state = state with { InFlight = state.InFlight & ~op.Mask };
                    break;
            }
            steps.Add(new SimStep(i++, op, before, decision, started, state));
        }
        return steps;
    }

    private static string Trace(EventScenario sc, List<SimStep> steps) =>
        $"available {Hex(sc.Available)}, static {Hex(sc.StaticMask)}: "
        + string.Join(" | ", steps.Select(s => s.Op + (s.Decision is { } d ? " → " + (d.Status.Name ?? d.Status.ToString())
                                                                             : s.Op.Kind == EventOpKind.CallbackStart
                                                                                 ? (s.Started ? " → started" : " → not started") : "")));

    /// <summary>
    /// A whole socket life against the model: the model keeps its own enabled and in-flight sets (starting from static ∩
    /// available), predicts every control answer, and says which callbacks may start.
    /// </summary>
    [Property(MaxTest = 1000)]
    public Property SocketLifeFollowsTheModel() =>
        Prop.ForAll(SocketArb.EventScenarios(), sc =>
        {
            var steps = Run(sc);
            uint connection = SendBacklog | Receive | Disconnect;
            uint statics = sc.StaticMask & sc.Available & connection;
            uint enabled = statics, inFlight = 0;
            var failures = new List<string>();
            var paths = new SortedSet<string>(StringComparer.Ordinal);
            foreach (var s in steps)
            {
                var op = s.Op;
                switch (op.Kind)
                {
                    case EventOpKind.Control:
                        var x = Oracle(sc.Available, enabled, statics, inFlight, op.Mask, op.HasIrp);
                        paths.Add(x.Path);
                        failures.AddRange(Compare(s.Before, op.Mask, op.HasIrp, s.Decision!.Value, x).Select(f => $"step {s.Index}: {f}"));
                        if (x.Accepted) enabled = x.Enabled;
                        break;
                    case EventOpKind.CallbackStart:
                        bool may = Has(enabled, op.Mask);
                        if (s.Started != may)
                            failures.Add($"step {s.Index}: callback {Hex(op.Mask)} {(s.Started ? "started" : "did not start")}, enabled {Hex(enabled)}");
                        if (may) inFlight |= op.Mask;
                        paths.Add(may ? "callback ran" : "callback held back");
                        break;
                    default:
                        inFlight &= ~op.Mask;
                        break;
                }
                if (s.After.Enabled != enabled || s.After.InFlight != inFlight)
                    failures.Add($"step {s.Index}: state {Show(s.After)}, model enabled {Hex(enabled)}, in flight {Hex(inFlight)}");
                if (failures.Count > 0) break;
            }
            var p = (failures.Count == 0).Label(string.Join("; ", failures) + " in " + Trace(sc, steps));
            return p.Classify(paths.Contains("disable in flight, IRP"), "PENDING disable")
                .Classify(paths.Contains("disable in flight, no IRP"), "EVENT_PENDING disable")
                .Classify(paths.Contains("disable a static event"), "static disable refused")
                .Classify(paths.Contains("callback held back"), "callback held back")
                .Collect(steps.Count(s => s.Decision is { Next: not null })
                    switch { 0 => "no accepted control", 1 => "1 accepted control", _ => "several accepted controls" });
        });

    /// <summary>
    /// After any accepted disable (SUCCESS, PENDING or EVENT_PENDING) no callback of that event starts until an accepted
    /// enable names it again, and a PENDING/EVENT_PENDING disable waits for exactly the running event.
    /// </summary>
    [Property(MaxTest = 1000)]
    public Property NoCallbackStartsAfterAnAcceptedDisable() =>
        Prop.ForAll(SocketArb.EventScenarios(), sc =>
        {
            var steps = Run(sc);
            uint disabled = 0;
            var failures = new List<string>();
            int heldBack = 0;
            foreach (var s in steps)
            {
                var op = s.Op;
                if (op.Kind == EventOpKind.Control && s.Decision is { Next: not null } d)
                {
                    if (Has(op.Mask, DisableBit))
                    {
                        uint target = op.Mask & ~DisableBit;
                        disabled |= target;
                        bool pending = d.Status == StatusPending || d.Status == StatusEventPending;
                        if (pending != Has(s.Before.InFlight, target) || (pending && d.WaitFor != target))
                            failures.Add($"step {s.Index}: disable of {Hex(target)} answered {Show(d)} with in flight {Hex(s.Before.InFlight)}");
                        if (pending && (d.Status == StatusPending) != op.HasIrp)
                            failures.Add($"step {s.Index}: {d.Status} for a disable {(op.HasIrp ? "with" : "without")} an IRP");
                    }
                    else disabled &= ~op.Mask;
                }
                if (op.Kind == EventOpKind.CallbackStart && Has(disabled, op.Mask))
                {
                    heldBack++;
                    if (s.Started) failures.Add($"step {s.Index}: a callback of disabled {Hex(op.Mask)} started");
                }
                if (Connection.Where(e => Has(disabled, e)).Any(e => EventCallbackDecider.MayIndicate(e, s.After)))
                    failures.Add($"step {s.Index}: a disabled event may indicate in {Show(s.After)}");
            }
            return (failures.Count == 0).Label(string.Join("; ", failures) + " in " + Trace(sc, steps))
                .Collect(disabled == 0 ? "nothing disabled" : heldBack == 0 ? "disabled, no callback tried" : "disabled, callback held back");
        });

    /// <summary>
    /// Static events (WSK_SET_STATIC_EVENT_CALLBACKS, with a callback) stay enabled whatever the client asks: every disable of
    /// one is INVALID_PARAMETER and changes nothing, and their callbacks may always start.
    /// </summary>
    [Property(MaxTest = 500)]
    public Property StaticEventsStayEnabled() =>
        Prop.ForAll(SocketArb.EventScenarios(), sc =>
        {
            var steps = Run(sc);
            uint statics = sc.StaticMask & sc.Available & (SendBacklog | Receive | Disconnect);
            var failures = new List<string>();
            int attempts = 0;
            foreach (var s in steps)
            {
                if (Connection.Where(e => Has(statics, e)).Any(e => !EventCallbackDecider.MayIndicate(e, s.After)))
                    failures.Add($"step {s.Index}: a static event was disabled: {Show(s.After)}");
                if (s.Op.Kind == EventOpKind.Control && Has(s.Op.Mask, DisableBit) && Connection.Contains(s.Op.Mask & ~DisableBit)
                    && Has(statics, s.Op.Mask & ~DisableBit))
                {
                    attempts++;
                    if (s.Decision is not { Next: null } d || d.Status != StatusInvalidParameter)
                        failures.Add($"step {s.Index}: disabling static {Hex(s.Op.Mask & ~DisableBit)} gave {Show(s.Decision!.Value)}");
                }
            }
            return (failures.Count == 0).Label(string.Join("; ", failures) + " in " + Trace(sc, steps))
                .Collect(statics == 0 ? "no static event" : attempts == 0 ? "static, never disabled" : "static, disable refused");
        });
}
