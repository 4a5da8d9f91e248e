using System;
using System.Collections.Generic;
using System.Linq;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Wsk.Core;
using Step = Wsk.Properties.Core.FoldStep<Wsk.Core.ConnectCommand, Wsk.Core.ConnectState, Wsk.Core.ConnectEvent>;

namespace Wsk.Properties.Core;

/// <summary>
/// The connect decider folded over call-shaped and random command sequences, checked against the IRP contract
/// (CompletesOnce, PendingCompletesLater: PENDING ⇒ one final completion, ReturnedIsCompleted: a non-PENDING return ⇒
/// already completed with that status, SuccessHandsOverSocket and FailureLeavesNoSocket: a socket iff success,
/// CancelCompletesOnce).
/// </summary>
public class ConnectDeciderProperties
{
    /// <summary>Folds <paramref name="commands"/> from <see cref="ConnectDecider.Initial"/>.</summary>
    public static List<Step> Fold(IEnumerable<ConnectCommand> commands) =>
        DeciderFold.Run<ConnectCommand, ConnectState, ConnectEvent>(ConnectDecider.Initial, ConnectDecider.Decide, ConnectDecider.Evolve, commands);

    private static string Show(ConnectCommand c) => c.Kind switch
    {
        ConnectCommandKind.Submit => $"Submit({c.Status.Name ?? c.Status.ToString()})",
        ConnectCommandKind.TransportCompleted =>
            $"Transport({c.Status.Name ?? c.Status.ToString()}, {(c.HasSocket ? "socket" : "no socket")}{(c.Inline ? ", inline" : "")})",
        _ => c.Kind.ToString(),
    };

    private static string Show(ConnectEvent e) => e.Kind switch
    {
        ConnectEventKind.Violation => $"Violation({e.Rule})",
        ConnectEventKind.Rejected or ConnectEventKind.Completed or ConnectEventKind.Returned =>
            $"{e.Kind}({e.Status.Name ?? e.Status.ToString()}{(e.HasSocket ? ", socket" : "")})",
        _ => e.Kind.ToString(),
    };

    private static string Trace(List<Step> steps) => string.Join(" | ", steps.Select(s => $"{Show(s.Command)} → {Show(s.Event)}"));

    private static List<Step> Completions(List<Step> steps) => steps.Where(s => ConnectDecider.CompletesIrp(s.Event)).ToList();

    /// <summary>
    /// One label per sequence for the path it took (FsCheck tabulates label combinations, so one label keeps the table
    /// readable): how the IRP completed (rejected / SUCCESS / error / STATUS_TIMEOUT / repaired answer / not at all) and
    /// what the call returned (PENDING, the final status, or not yet).
    /// </summary>
    private static string PathLabel(List<Step> steps)
    {
        var completion = Completions(steps).FirstOrDefault();
        var returned = steps.FirstOrDefault(s => s.Event.Kind == ConnectEventKind.Returned);
        bool completed = completion.Event.Kind != ConnectEventKind.None;
        var e = completion.Event;
        string how = !completed ? "no completion"
            : e.Kind == ConnectEventKind.Rejected ? (e.Rule == CallingRule.None ? "rejected" : "rejected, PENDING outcome repaired")
            : e.Rule == CallingRule.TransportResultInconsistent ? "completed, inconsistent answer repaired"
            : e.Rule == CallingRule.IrpCompletedWithPending ? "completed, PENDING answer repaired"
            : e.Status == NtStatus.Success ? "completed SUCCESS"
            : e.Status.IsError ? "completed with an error"
            : "completed " + (e.Status.Name ?? e.Status.ToString());
        string ret = returned.Event.Kind != ConnectEventKind.Returned ? "not returned"
            : returned.Event.Status.IsPending
                ? (completed && completion.Index < returned.Index ? "returned PENDING after completion" : "returned PENDING")
                : "returned final";
        return how + " · " + ret;
    }

    private static Property ClassifyPaths(Property p, List<Step> steps) => p.Collect(PathLabel(steps));

    [Property(MaxTest = 500)]
    public Property AtMostOneCompletionAndNeverPending() =>
        Prop.ForAll(CoreArb.ConnectCommands(), commands =>
        {
            var steps = Fold(commands);
            var completions = Completions(steps);
            var p = (completions.Count <= 1).Label($"{completions.Count} completions: {Trace(steps)}")
                .And(completions.All(s => !s.Event.Status.IsPending).Label($"a completion carried PENDING: {Trace(steps)}"))
                .And((steps.Count(s => s.Event.Kind == ConnectEventKind.Returned) <= 1).Label($"returned more than once: {Trace(steps)}"));
            return ClassifyPaths(p, steps);
        });

    [Property(MaxTest = 500)]
    public Property PendingReturnMeansAFinalCompletion() =>
        Prop.ForAll(CoreArb.ConnectCommands(), commands =>
        {
            var steps = Fold(commands);
            var returned = steps.Where(s => s.Event.Kind == ConnectEventKind.Returned && s.Event.Status.IsPending).ToList();
            var completions = Completions(steps);
            var p = (returned.Count == 0 || completions.All(c => !c.Event.Status.IsPending))
                .Label($"PENDING return with a PENDING completion: {Trace(steps)}")
                // PENDING is returned only while the IRP is still owned by the provider or was completed outside the call.
                .And(returned.All(r => r.Before.Phase == ConnectPhase.Connecting
                                       || (r.Before.Phase == ConnectPhase.Completed && !r.Before.CompletedInline))
                    .Label($"PENDING returned though the IRP was completed inline or rejected: {Trace(steps)}"));
            return ClassifyPaths(p, steps);
        });

    [Property(MaxTest = 500)]
    public Property FinalReturnMeansAnEarlierCompletionWithThatStatus() =>
        Prop.ForAll(CoreArb.ConnectCommands(), commands =>
        {
            var steps = Fold(commands);
            var finals = steps.Where(s => s.Event.Kind == ConnectEventKind.Returned && !s.Event.Status.IsPending).ToList();
            var completions = Completions(steps);
            var p = finals.All(r => completions.Any(c => c.Index < r.Index && c.Event.Status == r.Event.Status))
                .Label($"a final status was returned before the IRP completed with it: {Trace(steps)}")
                .And(finals.All(r => r.Event.Status != NtStatus.Success || completions.Any(c => c.Index < r.Index && c.Event.HasSocket))
                    .Label($"SUCCESS returned without a socket handed over: {Trace(steps)}"));
            return ClassifyPaths(p, steps);
        });

    [Property(MaxTest = 500)]
    public Property SocketIffSuccess() =>
        Prop.ForAll(CoreArb.ConnectCommands(), commands =>
        {
            var steps = Fold(commands);
            var answers = steps.Where(s => s.Command.Kind == ConnectCommandKind.TransportCompleted && s.Before.Phase == ConnectPhase.Connecting).ToList();
            var p = steps.Where(s => s.Event.Kind == ConnectEventKind.Completed)
                    .All(s => (s.Event.Status == NtStatus.Success) == s.Event.HasSocket)
                    .Label($"Completed SUCCESS ⇔ socket broken: {Trace(steps)}")
                .And(steps.Where(s => s.Event.Kind == ConnectEventKind.Rejected).All(s => !s.Event.HasSocket && s.Event.Status.IsError)
                    .Label($"a rejection carried a socket or a non-error status: {Trace(steps)}"))
                // A transport answer that breaks the transport's contract still completes the IRP once, as a failure with
                // no socket, and the event names the rule that was broken (the shell records it and closes the stray socket).
                .And(answers.All(s => ExpectedCompletion(s.Command) is var x
                        && s.Event.Kind == ConnectEventKind.Completed && s.Event.Rule == x.Rule && s.Event.HasSocket == x.Socket
                        && (x.Rule == CallingRule.None
                            ? s.Event.Status == s.Command.Status
                            : s.Event.Status.IsError && (!s.Command.Status.IsError || s.Event.Status == s.Command.Status)))
                    .Label($"a transport answer while connecting was not completed as the contract says: {Trace(steps)}"));
            return ClassifyPaths(p, steps);
        });

    /// <summary>
    /// What the first transport answer while connecting must complete with: a consistent final answer as it is; PENDING
    /// (not final), another NT_SUCCESS status than SUCCESS (a caller testing NT_SUCCESS would look for a socket), or a
    /// socket/status mismatch repaired to a failure without a socket, naming the broken rule.
    /// </summary>
    private static (CallingRule Rule, bool Socket) ExpectedCompletion(ConnectCommand answer) =>
        answer.Status.IsPending ? (CallingRule.IrpCompletedWithPending, false)
        : answer.Status.IsSuccess && answer.Status != NtStatus.Success ? (CallingRule.TransportResultInconsistent, false)
        : (answer.Status == NtStatus.Success) != answer.HasSocket ? (CallingRule.TransportResultInconsistent, false)
        : (CallingRule.None, answer.HasSocket);

    [Property(MaxTest = 500)]
    public Property CancelAfterCompletionDoesNothing() =>
        Prop.ForAll(CoreArb.ConnectCommands(), commands =>
        {
            var steps = Fold(commands);
            var cancels = steps.Where(s => s.Command.Kind == ConnectCommandKind.Cancel).ToList();
            var p = cancels.Where(s => s.Before.Phase is ConnectPhase.Completed or ConnectPhase.Rejected)
                    .All(s => s.Event.Kind == ConnectEventKind.None && s.After == s.Before)
                    .Label($"cancel after completion did something: {Trace(steps)}")
                .And(cancels.All(s => s.Event.Kind == (s.Before.Phase == ConnectPhase.Connecting && !s.Before.CancelRequested
                        ? ConnectEventKind.CancelRequested : ConnectEventKind.None))
                    .Label($"cancel requested only once, and only while connecting: {Trace(steps)}"));
            var kinds = cancels.Select(s => s.Before.Phase switch
                {
                    ConnectPhase.Idle => "before submit",
                    ConnectPhase.Connecting => s.Before.CancelRequested ? "again while connecting" : "while connecting",
                    _ => "after completion",
                }).Distinct().OrderBy(k => k, StringComparer.Ordinal);
            return p.Collect(cancels.Count == 0 ? "no cancel" : "cancel " + string.Join(" + ", kinds));
        });

    /// <summary>
    /// The whole call against a model written from the contract: the first Submit decides; a rejection completes at once
    /// (a PENDING "outcome" is rejected as a failure all the same); otherwise the first transport answer completes, whatever
    /// it says (the cancel does not pre-empt it: the transport "decides the result"; a broken answer is repaired into a
    /// failure); everything else completes nothing. So once the transport has answered there is exactly one completion.
    /// </summary>
    [Property(MaxTest = 500)]
    public Property ExactlyOneCompletionOnceTheTransportAnswered() =>
        Prop.ForAll(CoreArb.ConnectCommands(), commands =>
        {
            var steps = Fold(commands);
            var cmds = commands.ToList();
            int submitAt = cmds.FindIndex(c => c.Kind == ConnectCommandKind.Submit);
            int expectedAt = -1;
            ConnectEventKind expectedKind = ConnectEventKind.None;
            if (submitAt >= 0)
            {
                if (cmds[submitAt].Status != NtStatus.Success) (expectedAt, expectedKind) = (submitAt, ConnectEventKind.Rejected);
                else
                {
                    expectedAt = cmds.FindIndex(submitAt + 1, c => c.Kind == ConnectCommandKind.TransportCompleted);
                    expectedKind = expectedAt >= 0 ? ConnectEventKind.Completed : ConnectEventKind.None;
                }
            }
            var completions = Completions(steps);
            var p = (expectedAt >= 0
                    ? completions.Count == 1 && completions[0].Index == expectedAt && completions[0].Event.Kind == expectedKind
                    : completions.Count == 0)
                .Label($"completions at [{string.Join(", ", completions.Select(c => c.Index + ":" + Show(c.Event)))}], expected "
                       + $"{(expectedAt >= 0 ? expectedAt + ":" + expectedKind : "none")}: {Trace(steps)}");
            if (expectedKind == ConnectEventKind.Rejected && completions.Count == 1)
            {
                var submitted = cmds[submitAt].Status;
                var e = completions[0].Event;
                p = p.And((submitted.IsPending ? e.Status.IsError && e.Rule == CallingRule.IrpCompletedWithPending
                        : submitted.IsSuccess ? e.Status.IsError && e.Rule == CallingRule.TransportResultInconsistent
                        : e.Status == submitted && e.Rule == CallingRule.None)
                    .Label($"rejected with {Show(e)}/{e.Rule} for Submit({submitted})"));
            }
            if (expectedKind == ConnectEventKind.Completed && completions.Count == 1)
            {
                var answer = cmds[expectedAt];
                var x = ExpectedCompletion(answer);
                var e = completions[0].Event;
                p = p.And((e.Rule == x.Rule && e.HasSocket == x.Socket && !e.Status.IsPending
                           && (x.Rule != CallingRule.None || e.Status == answer.Status))
                    .Label($"completed {Show(e)}/{e.Rule} for {Show(answer)}"))
                    .And((e.Inline == answer.Inline).Label("inline flag carried"));
            }
            bool consistent = expectedKind == ConnectEventKind.Completed && ExpectedCompletion(cmds[expectedAt]).Rule == CallingRule.None;
            return ClassifyPaths(p, steps).Classify(consistent, "transport answered consistently");
        });

    /// <summary>What the call returns, against the same model: PENDING unless the IRP was rejected or completed inline first.</summary>
    [Property(MaxTest = 500)]
    public Property ReturnFollowsTheModel() =>
        Prop.ForAll(CoreArb.ConnectCommands(), commands =>
        {
            var steps = Fold(commands);
            var failures = new List<string>();
            bool submitted = false, returned = false;
            ConnectEvent? completion = null;
            foreach (var s in steps)
            {
                if (s.Command.Kind == ConnectCommandKind.Return)
                {
                    if (!submitted || returned)
                    {
                        if (!(s.Event.Kind == ConnectEventKind.Violation && s.Event.Rule == CallingRule.OutOfOrder))
                            failures.Add($"step {s.Index}: Return {(returned ? "twice" : "before submit")} gave {Show(s.Event)}");
                    }
                    else
                    {
                        var expected = completion is { } c && (c.Kind == ConnectEventKind.Rejected || c.Inline) ? c.Status : NtStatus.Pending;
                        if (s.Event.Kind != ConnectEventKind.Returned || s.Event.Status != expected)
                            failures.Add($"step {s.Index}: returned {Show(s.Event)}, expected {expected}");
                        returned = true;
                    }
                }
                if (s.Event.Kind == ConnectEventKind.Started || s.Event.Kind == ConnectEventKind.Rejected) submitted = true;
                if (ConnectDecider.CompletesIrp(s.Event)) completion = s.Event;
                if (s.Event.Kind == ConnectEventKind.Violation && s.After != s.Before) failures.Add($"step {s.Index}: a violation changed the state");
                if (ConnectDecider.IsTerminal(s.After) != (returned && completion is not null))
                    failures.Add($"step {s.Index}: IsTerminal {ConnectDecider.IsTerminal(s.After)}");
            }
            return ClassifyPaths((failures.Count == 0).Label(string.Join("; ", failures) + " in " + Trace(steps)), steps);
        });

    [Property(MaxTest = 300)]
    public Property SubmitOnlyOnce() =>
        Prop.ForAll(CoreArb.ConnectCommands(), commands =>
        {
            var steps = Fold(commands);
            var submits = steps.Where(s => s.Command.Kind == ConnectCommandKind.Submit).ToList();
            var p = submits.Skip(1).All(s => s.Event.Kind == ConnectEventKind.Violation && s.Event.Rule == CallingRule.OutOfOrder)
                    .Label($"a second submit was accepted: {Trace(steps)}")
                .And(submits.Take(1).All(s => s.Event.Kind == (s.Command.Status == NtStatus.Success ? ConnectEventKind.Started : ConnectEventKind.Rejected)))
                    .Label($"the first submit: {Trace(steps)}")
                .And(steps.Where(s => s.Before.Phase == ConnectPhase.Idle && s.Command.Kind == ConnectCommandKind.TransportCompleted)
                    .All(s => s.Event.Kind == ConnectEventKind.Violation && s.Event.Rule == CallingRule.OutOfOrder)
                    .Label($"a transport answer before submit was accepted: {Trace(steps)}"))
                .And(steps.Where(s => s.Before.Phase is ConnectPhase.Completed or ConnectPhase.Rejected
                                      && s.Command.Kind == ConnectCommandKind.TransportCompleted)
                    .All(s => s.Event.Kind == ConnectEventKind.Violation && s.Event.Rule == CallingRule.IrpCompletedTwice)
                    .Label($"a second transport answer was not refused as a second completion: {Trace(steps)}"));
            return p.Classify(submits.Count >= 2, "submitted twice")
                .Classify(steps.Any(s => s.Before.Phase is ConnectPhase.Completed or ConnectPhase.Rejected
                                         && s.Command.Kind == ConnectCommandKind.TransportCompleted), "answered after completion");
        });

    /// <summary>
    /// A caller tests a WskSocketConnect result with NT_SUCCESS (rule PendingIsSuccess), so every status the IRP
    /// completes with, or the call returns, that passes NT_SUCCESS and is not PENDING must be STATUS_SUCCESS with a
    /// socket handed over (SuccessHandsOverSocket, FailureLeavesNoSocket). Odd NT_SUCCESS codes (STATUS_TIMEOUT,
    /// STATUS_EVENT_PENDING, informational codes) from the validation outcome or the transport must be turned into
    /// failures. (This property found the decider comparing with <c>== NtStatus.Success</c> only.)
    /// </summary>
    [Property(MaxTest = 500)]
    public Property NtSuccessCompletionAlwaysCarriesASocket() =>
        Prop.ForAll(CoreArb.ConnectCommandsWithOddSuccess(), commands =>
        {
            var steps = Fold(commands);
            var completions = Completions(steps);
            var returns = steps.Where(s => s.Event.Kind == ConnectEventKind.Returned && !s.Event.Status.IsPending).ToList();
            var p = completions.All(c => !c.Event.Status.IsSuccess || (c.Event.Status == NtStatus.Success && c.Event.HasSocket))
                    .Label($"an IRP completed with an NT_SUCCESS status but no socket: {Trace(steps)}")
                .And(returns.All(r => !r.Event.Status.IsSuccess || r.Event.Status == NtStatus.Success)
                    .Label($"the call returned an NT_SUCCESS status other than SUCCESS: {Trace(steps)}"));
            return ClassifyPaths(p, steps);
        });
}
