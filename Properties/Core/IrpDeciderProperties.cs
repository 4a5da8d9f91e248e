using System;
using System.Collections.Generic;
using System.Linq;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Wsk.Core;
using Step = Wsk.Properties.Core.FoldStep<Wsk.Core.IrpCommand, Wsk.Core.IrpState, Wsk.Core.IrpEvent>;

namespace Wsk.Properties.Core;

/// <summary>The IRP decider folded over random command sequences (rules CompletesOnce, CancelCompletesOnce).</summary>
public class IrpDeciderProperties
{
    /// <summary>Folds <paramref name="commands"/> from <see cref="IrpDecider.Initial"/>.</summary>
    public static List<Step> Fold(IEnumerable<IrpCommand> commands) =>
        DeciderFold.Run<IrpCommand, IrpState, IrpEvent>(IrpDecider.Initial, IrpDecider.Decide, IrpDecider.Evolve, commands);

    private static string Trace(List<Step> steps) =>
        string.Join(" | ", steps.Select(s => $"{s.Command.Kind}{(s.Command.Kind == IrpCommandKind.Complete ? "(" + s.Command.Status + ")" : "")}"
                                             + $" → {s.Event.Kind}{(s.Event.Kind == IrpEventKind.Violation ? ":" + s.Event.Rule : "")}"));

    /// <summary>One label per sequence (FsCheck tabulates label combinations): how many uses, and whether a use saw a second Complete.</summary>
    private static Property ClassifyTrace(Property p, List<Step> steps)
    {
        int uses = steps.Count(s => s.Event.Kind == IrpEventKind.Submitted);
        bool twice = steps.Any(s => s.Event.Kind == IrpEventKind.Violation && s.Event.Rule == CallingRule.IrpCompletedTwice);
        return p.Collect((uses switch { 0 => "never submitted", 1 => "1 use", _ => "reused" }) + (twice ? ", completed twice attempted" : ""));
    }

    [Property(MaxTest = 500)]
    public Property AtMostOneCompletionPerSubmission() =>
        Prop.ForAll(CoreArb.IrpCommands(), commands =>
        {
            var steps = Fold(commands);
            // Split the event stream at each Submitted; every segment (one use of the IRP) has at most one Completed.
            var perUse = new List<int>();
            int before = 0;
            foreach (var s in steps)
            {
                if (s.Event.Kind == IrpEventKind.Submitted) perUse.Add(0);
                else if (s.Event.Kind == IrpEventKind.Completed)
                {
                    if (perUse.Count == 0) before++;
                    else perUse[^1]++;
                }
            }
            var p = (before == 0).Label($"completed before any submit: {Trace(steps)}")
                .And(perUse.All(n => n <= 1).Label($"completions per use [{string.Join(", ", perUse)}]: {Trace(steps)}"));
            return ClassifyTrace(p, steps);
        });

    [Property(MaxTest = 500)]
    public Property SecondCompleteIsAViolationNeverACompletion() =>
        Prop.ForAll(CoreArb.IrpCommands(), commands =>
        {
            var steps = Fold(commands);
            var failures = new List<string>();
            bool completedThisUse = false;
            for (int i = 0; i < steps.Count; i++)
            {
                var s = steps[i];
                if (s.Event.Kind == IrpEventKind.Submitted) completedThisUse = false;
                if (s.Command.Kind == IrpCommandKind.Complete && completedThisUse
                    && !(s.Event.Kind == IrpEventKind.Violation && s.Event.Rule == CallingRule.IrpCompletedTwice))
                    failures.Add($"step {i}: Complete after completion gave {s.Event.Kind}/{s.Event.Rule}");
                if (s.Event.Kind == IrpEventKind.Completed) completedThisUse = true;
            }
            return ClassifyTrace((failures.Count == 0).Label(string.Join("; ", failures) + " in " + Trace(steps)), steps);
        });

    [Property(MaxTest = 500)]
    public Property CompletingWithPendingIsAViolation() =>
        Prop.ForAll(CoreArb.IrpCommands(), commands =>
        {
            var steps = Fold(commands);
            var bad = steps.Where(s => s.Command.Kind == IrpCommandKind.Complete && s.Command.Status.IsPending).ToList();
            var p = bad.All(s => s.Event.Kind == IrpEventKind.Violation).Label($"Complete(PENDING) produced a non-violation: {Trace(steps)}")
                .And(bad.Where(s => s.Before.Phase == IrpPhase.InProgress)
                        .All(s => s.Event.Rule == CallingRule.IrpCompletedWithPending)
                        .Label("in progress ⇒ IrpCompletedWithPending"))
                .And(steps.Where(s => s.Event.Kind == IrpEventKind.Completed).All(s => !s.Event.Status.IsPending)
                        .Label("no completion carries PENDING"))
                .And(steps.Where(s => s.Event.Kind == IrpEventKind.Completed).All(s => s.Event.Status == s.Command.Status)
                        .Label("a completion carries the command's status"));
            return p.Classify(bad.Any(s => s.Before.Phase == IrpPhase.InProgress), "Complete(PENDING) while in progress")
                .Classify(bad.Count > 0, "some Complete(PENDING)");
        });

    [Property(MaxTest = 500)]
    public Property SubmitWhileInProgressIsIrpInUse() =>
        Prop.ForAll(CoreArb.IrpCommands(), commands =>
        {
            var steps = Fold(commands);
            var submits = steps.Where(s => s.Command.Kind == IrpCommandKind.Submit).ToList();
            var p = submits.All(s => s.Before.Phase == IrpPhase.InProgress
                    ? s.Event.Kind == IrpEventKind.Violation && s.Event.Rule == CallingRule.IrpInUse && s.After == s.Before
                    : s.Event.Kind == IrpEventKind.Submitted && s.After == new IrpState(IrpPhase.InProgress, false))
                .Label($"submit handling: {Trace(steps)}");
            return p.Classify(submits.Any(s => s.Before.Phase == IrpPhase.InProgress), "submit while in progress")
                .Classify(submits.Any(s => s.Before.Phase == IrpPhase.Completed), "submit to reuse a completed IRP");
        });

    [Property(MaxTest = 500)]
    public Property StateFollowsTheModel() =>
        Prop.ForAll(CoreArb.IrpCommands(), commands =>
        {
            // A model written from the IRP rules: phase and cancel flag, and what each command must produce.
            var phase = IrpPhase.Idle;
            bool cancel = false;
            var steps = Fold(commands);
            for (int i = 0; i < steps.Count; i++)
            {
                var s = steps[i];
                var c = s.Command;
                (IrpEventKind kind, CallingRule rule) expected = c.Kind switch
                {
                    IrpCommandKind.Submit => phase == IrpPhase.InProgress ? (IrpEventKind.Violation, CallingRule.IrpInUse) : (IrpEventKind.Submitted, default),
                    IrpCommandKind.Cancel => phase == IrpPhase.InProgress && !cancel ? (IrpEventKind.CancelRequested, default) : (IrpEventKind.None, default),
                    _ => phase switch
                    {
                        IrpPhase.InProgress when c.Status.IsPending => (IrpEventKind.Violation, CallingRule.IrpCompletedWithPending),
                        IrpPhase.InProgress => (IrpEventKind.Completed, default),
                        IrpPhase.Completed => (IrpEventKind.Violation, CallingRule.IrpCompletedTwice),
                        _ => (IrpEventKind.Violation, CallingRule.IrpCompletedWhileIdle),
                    },
                };
                if (s.Event.Kind != expected.kind || (expected.kind == IrpEventKind.Violation && s.Event.Rule != expected.rule))
                    return false.Label($"step {i}: {c.Kind} in {phase}/cancel {cancel} gave {s.Event.Kind}/{s.Event.Rule}, "
                                       + $"expected {expected.kind}/{expected.rule}");
                switch (expected.kind)
                {
                    case IrpEventKind.Submitted: phase = IrpPhase.InProgress; cancel = false; break;
                    case IrpEventKind.CancelRequested: cancel = true; break;
                    case IrpEventKind.Completed: phase = IrpPhase.Completed; break;
                }
                if (s.After != new IrpState(phase, cancel))
                    return false.Label($"step {i}: state {s.After}, model {phase}/cancel {cancel}");
                if (IrpDecider.IsIdle(s.After) != (phase != IrpPhase.InProgress))
                    return false.Label($"step {i}: IsIdle");
            }
            var hit = steps.Where(s => s.Event.Kind != IrpEventKind.None)
                .Select(s => s.Event.Kind == IrpEventKind.Violation ? s.Event.Rule.ToString() : s.Event.Kind.ToString())
                .Distinct().Count();
            // 7 outcomes exist: Submitted, CancelRequested, Completed and the 4 violations (IrpInUse, CompletedWithPending,
            // CompletedTwice, CompletedWhileIdle).
            return true.ToProperty()
                .Classify(steps.Any(s => s.Event.Kind == IrpEventKind.Completed && s.After.CancelRequested), "completed after cancel (flag kept)")
                .Collect($"{hit} of 7 outcomes in one sequence");
        });

    [Property(MaxTest = 500)]
    public Property StatePacksIntoAnIntLosslessly() =>
        Prop.ForAll(
            Gen.OneOf(
                from ph in Gen.Elements(IrpPhase.Idle, IrpPhase.InProgress, IrpPhase.Completed)
                from c in Gen.Elements(false, true)
                select new IrpState(ph, c),
                CoreArb.IrpCommands().Generator.Select(cs => Fold(cs).Select(s => s.After).LastOrDefault(IrpDecider.Initial)),
                from ph in Gen.Choose(0, 255)
                from c in Gen.Elements(false, true)
                select new IrpState((IrpPhase)ph, c)).ToArbitrary(),
            Gen.Elements(IrpPhase.Idle, IrpPhase.InProgress, IrpPhase.Completed)
                .SelectMany(ph => Gen.Elements(false, true).Select(c => new IrpState(ph, c))).ToArbitrary(),
            (s, other) =>
            {
                int packed = s.ToInt32();
                return (IrpState.FromInt32(packed) == s).Label($"{s} packed 0x{packed:X} unpacked {IrpState.FromInt32(packed)}")
                    .And(((packed == other.ToInt32()) == (s == other)).Label($"packing is injective: {s} vs {other}"))
                    .And((IrpState.FromInt32(IrpDecider.Initial.ToInt32()) == IrpDecider.Initial).Label("initial"))
                    .Classify(Enum.IsDefined(s.Phase), "defined phase")
                    .Classify(s.CancelRequested, "cancel flag set")
                    .Collect(Enum.IsDefined(s.Phase) ? s.Phase.ToString() : "undefined phase");
            });
}
