using System;
using System.Threading;
using Wsk.Core;
using Wsk.Shell;
using Xunit;

namespace Wsk.Properties.Shell;

// The waiters read here have completed already (asserted first) or must throw: nothing blocks.
#pragma warning disable xUnit1031

/// <summary>
/// One <see cref="Irp"/> over several uses: each use has its own waiter, its own cancel routine and its own result; a
/// refused completion is kept with the status it tried to deliver; a breach throws with a message naming its rule.
/// </summary>
public sealed class IrpReuseFacts
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    [Fact]
    public void A_waiting_continuation_never_runs_inside_the_call_that_completes_the_IRP()
    {
        var irp = new Irp();
        irp.Submit();
        var inCompletingCall = new ThreadLocal<bool>();
        bool? ranInside = null;
        using var ran = new ManualResetEventSlim();
        // Completed from a fresh thread with no synchronization context: an inline continuation would run on it, inside the call.
        var awaiter = irp.WaitAsync().GetAwaiter();
        awaiter.OnCompleted(() => { ranInside = inCompletingCall.Value; ran.Set(); });
        var completer = new Thread(() =>
        {
            inCompletingCall.Value = true;
            irp.IoCompleteRequest(NtStatus.Success);
            inCompletingCall.Value = false;
        });
        completer.Start();
        Assert.True(completer.Join(Bound));
        Assert.True(ran.Wait(Bound));
        Assert.False(ranInside);
        Assert.Equal(NtStatus.Success, awaiter.GetResult().Status);
    }

    [Fact]
    public void A_waiter_taken_for_an_earlier_use_is_refused_once_the_IRP_is_reused()
    {
        var irp = new Irp();
        irp.Submit();
        var first = irp.WaitAsync();
        Assert.True(irp.IoCompleteRequest(NtStatus.ConnectionRefused, "first"));
        irp.Submit();
        // The first use's waiter carries the first use's token: it may not read the second use's result.
        Assert.Throws<InvalidOperationException>(() => first.GetAwaiter().GetResult());
        var second = irp.WaitAsync();
        Assert.False(second.IsCompleted);
        Assert.Equal(default, irp.IoStatus);
        Assert.True(irp.IoCompleteRequest(NtStatus.IoTimeout, "second"));
        Assert.True(second.IsCompletedSuccessfully);
        Assert.Equal(new IoStatus(NtStatus.IoTimeout, "second"), second.Result);
    }

    [Fact]
    public void A_rejected_calls_violations_come_back_from_that_call_and_the_next_use_of_its_IRP_has_none()
    {
        WskRegistration.WskRegister(new WskClientNpi(null, new WskClientDispatch()), new ScriptedTransport(), out var registration);
        registration.WskCaptureProviderNpi(WskWait.NoWait, out var npi);
        var request = ConnectRequest.Tcp(npi!.Client.Id, SockAddrIn.Loopback((ushort)Script.InlineRefused));
        var irp = new Irp();
        Assert.Equal(NtStatus.InvalidParameter, npi.Dispatch.WskSocketConnect(request with { Flags = 2 }, irp, out var first));
        Assert.Equal(ConnectRule.FlagsNotZero, Assert.Single(first).Rule);
        Assert.Equal(NtStatus.ConnectionRefused, npi.Dispatch.WskSocketConnect(request, irp, out var second));
        Assert.Empty(second);
        Assert.Equal(2, irp.CompletionCount);

        var socketIrp = new Irp();
        Assert.Equal(NtStatus.NotSupported, npi.Dispatch.WskSocket(new SocketRequest(npi.Client.Id, AddressFamily: 99), socketIrp, out var socketRules));
        Assert.Equal(SocketRule.FamilyNotSupported, Assert.Single(socketRules).Rule);
        registration.WskReleaseProviderNpi(npi);
        registration.WskDeregister();
    }

    [Fact]
    public void Each_use_starts_clean_no_result_no_completion_yet()
    {
        var irp = new Irp();
        Assert.False(irp.IsPending);
        Assert.False(irp.IsCompleted);
        irp.Submit();
        Assert.True(irp.IoCompleteRequest(NtStatus.InvalidParameter, 7));
        Assert.True(irp.IsCompleted);
        Assert.Equal(new IoStatus(NtStatus.InvalidParameter, 7), irp.IoStatus);

        irp.Submit();
        Assert.Equal(default, irp.IoStatus);
        Assert.True(irp.IsPending);
        Assert.False(irp.IsCompleted);
        Assert.False(irp.WaitAsync().IsCompleted);
        Assert.Equal(2, irp.SubmissionCount);
        Assert.Equal(1, irp.CompletionCount);
    }

    [Fact]
    public void The_completion_routine_sees_the_final_status_before_the_IRP_is_free_and_before_the_waiter_is_released()
    {
        var irp = new Irp();
        object context = new();
        bool pendingInside = false, completedInside = true, deliveringInside = false, waiterDoneInside = true;
        IoStatus seen = default;
        object? seenContext = null;
        WskContractViolationException? resubmit = null;
        irp.SetCompletionRoutine((i, c) =>
        {
            seen = i.IoStatus;
            seenContext = c;
            pendingInside = i.IsPending;
            completedInside = i.IsCompleted;
            deliveringInside = i.IsDelivering;
            waiterDoneInside = i.WaitAsync().IsCompleted;
            resubmit = Assert.Throws<WskContractViolationException>(() => i.Submit());
            return NtStatus.MoreProcessingRequired;
        }, context);
        irp.Submit();
        var wait = irp.WaitAsync();
        Assert.True(irp.IoCompleteRequest(NtStatus.Cancelled, "info"));

        Assert.Equal(new IoStatus(NtStatus.Cancelled, "info"), seen);
        Assert.Same(context, seenContext);
        Assert.True(pendingInside);
        Assert.False(completedInside);
        Assert.True(deliveringInside);
        Assert.False(waiterDoneInside);
        Assert.Equal(CallingRule.IrpInUse, resubmit!.Rule);
        Assert.False(irp.IsDelivering);
        Assert.False(irp.IsPending);
        Assert.True(irp.IsCompleted);
        Assert.True(wait.IsCompletedSuccessfully);
        Assert.Equal(1, irp.SubmissionCount);
    }

    [Fact]
    public void The_completion_routine_cannot_change_while_the_IRP_is_in_progress_and_the_message_names_the_rule()
    {
        var irp = new Irp();
        int first = 0, second = 0;
        irp.SetCompletionRoutine((_, _) => { first++; return NtStatus.MoreProcessingRequired; });
        irp.Submit();
        var e = Assert.Throws<WskContractViolationException>(() =>
            irp.SetCompletionRoutine((_, _) => { second++; return NtStatus.MoreProcessingRequired; }));
        Assert.Equal(CallingRule.IrpInUse, e.Rule);
        Assert.Contains(nameof(CallingRule.IrpInUse), e.Message, StringComparison.Ordinal);
        Assert.Contains("completion routine", e.Message, StringComparison.Ordinal);
        irp.IoCompleteRequest(NtStatus.Success);
        Assert.Equal((1, 0), (first, second));

        // Free again: the routine may change, and the next use runs the new one only.
        irp.SetCompletionRoutine((_, _) => { second++; return NtStatus.MoreProcessingRequired; });
        irp.Submit();
        irp.IoCompleteRequest(NtStatus.Success);
        Assert.Equal((1, 1), (first, second));
    }

    [Fact]
    public void Submitting_an_IRP_in_use_throws_a_message_that_names_the_rule_and_the_earlier_owner()
    {
        var irp = new Irp();
        irp.Submit();
        var e = Assert.Throws<WskContractViolationException>(() => irp.Submit());
        Assert.Equal(CallingRule.IrpInUse, e.Rule);
        Assert.Contains(nameof(CallingRule.IrpInUse), e.Message, StringComparison.Ordinal);
        Assert.Contains("earlier call", e.Message, StringComparison.Ordinal);
        Assert.False(irp.TrySubmit());
        Assert.Equal(1, irp.SubmissionCount);
    }

    [Fact]
    public void A_refused_completion_is_recorded_with_its_rule_the_status_it_carried_and_who_attempted_it()
    {
        var irp = new Irp();
        Assert.False(irp.IoCompleteRequest(NtStatus.ConnectionReset, 1));
        irp.Submit();
        Assert.False(irp.IoCompleteRequest(NtStatus.Pending));
        Assert.True(irp.IsPending);
        Assert.True(irp.IoCompleteRequest(NtStatus.Success, 2));
        Assert.False(irp.IoCompleteRequest(NtStatus.IoTimeout, 3));

        Assert.Collection(irp.Violations,
            v => Assert.Equal((CallingRule.IrpCompletedWhileIdle, NtStatus.ConnectionReset), (v.Rule, v.AttemptedStatus)),
            v => Assert.Equal((CallingRule.IrpCompletedWithPending, NtStatus.Pending), (v.Rule, v.AttemptedStatus)),
            v => Assert.Equal((CallingRule.IrpCompletedTwice, NtStatus.IoTimeout), (v.Rule, v.AttemptedStatus)));
        Assert.All(irp.Violations, v => Assert.Contains("IoCompleteRequest", v.Detail, StringComparison.Ordinal));
        // The refused completions delivered nothing: the accepted one stands.
        Assert.Equal(new IoStatus(NtStatus.Success, 2), irp.IoStatus);
        Assert.Equal(1, irp.CompletionCount);
    }

    [Fact]
    public void A_cancel_runs_the_routine_of_the_current_use_once_and_only_while_in_progress()
    {
        var irp = new Irp();
        var routine = new CountingCancel();
        Assert.False(irp.Cancel()); // nobody owns it
        irp.Submit();
        irp.SetCancelRoutine(routine);
        Assert.Equal(0, routine.Runs);
        Assert.False(irp.IsCancelRequested);
        Assert.True(irp.Cancel());
        Assert.True(irp.IsCancelRequested);
        Assert.Equal(1, routine.Runs);
        Assert.Same(irp, routine.LastIrp);
        Assert.False(irp.Cancel()); // already cancelled: the routine is not run again
        Assert.Equal(1, routine.Runs);
        Assert.True(irp.IoCompleteRequest(NtStatus.Cancelled));
        Assert.False(irp.Cancel()); // completed
        Assert.Equal(1, routine.Runs);

        // The next use starts without the Cancel flag and without a routine.
        irp.Submit();
        Assert.False(irp.IsCancelRequested);
        Assert.True(irp.Cancel());
        Assert.Equal(1, routine.Runs);
    }

    [Fact]
    public void A_cancel_routine_installed_after_the_cancel_runs_at_once_and_one_installed_after_completion_never_runs()
    {
        var irp = new Irp();
        var late = new CountingCancel();
        irp.Submit();
        Assert.True(irp.Cancel());
        irp.SetCancelRoutine(late);
        Assert.Equal(1, late.Runs);

        var irp2 = new Irp();
        var notCancelled = new CountingCancel();
        irp2.Submit();
        irp2.SetCancelRoutine(notCancelled);
        Assert.Equal(0, notCancelled.Runs);
        irp2.IoCompleteRequest(NtStatus.Success);

        var afterCompletion = new CountingCancel();
        irp2.SetCancelRoutine(afterCompletion);
        irp2.Submit();
        Assert.True(irp2.Cancel());
        Assert.Equal(0, afterCompletion.Runs);
        Assert.Equal(0, notCancelled.Runs);
    }

    [Fact]
    public void A_completion_withdraws_the_cancel_routine_of_its_use()
    {
        var irp = new Irp();
        var routine = new CountingCancel();
        irp.Submit();
        irp.SetCancelRoutine(routine);
        // The routine itself completes the IRP (as a provider's does): it must not run a second time for this use.
        routine.OnRun = i => i.IoCompleteRequest(NtStatus.Cancelled);
        Assert.True(irp.Cancel());
        Assert.Equal(1, routine.Runs);
        Assert.Equal(NtStatus.Cancelled, irp.IoStatus.Status);
        Assert.Empty(irp.Violations);
    }

    [Fact]
    public void The_final_status_of_a_fresh_call_is_the_returned_one_only_when_nothing_was_submitted()
    {
        var irp = new Irp();
        Assert.Equal(NtStatus.InvalidParameter, irp.FinalStatusOfFreshCall(NtStatus.InvalidParameter));
        Assert.True(irp.RefusedBeforeSubmission(NtStatus.InvalidParameter));
        Assert.False(irp.RefusedBeforeSubmission(NtStatus.Pending));
        irp.Submit();
        irp.IoCompleteRequest(NtStatus.ConnectionRefused);
        Assert.Equal(NtStatus.ConnectionRefused, irp.FinalStatusOfFreshCall(NtStatus.Pending));
        Assert.Equal(NtStatus.ConnectionRefused, irp.FinalStatusOfFreshCall(NtStatus.Success));
        Assert.False(irp.RefusedBeforeSubmission(NtStatus.ConnectionRefused));
    }

    private sealed class CountingCancel : IIrpCancelRoutine
    {
        public int Runs;
        public Irp? LastIrp;
        public Action<Irp>? OnRun;

        public void OnCancel(Irp irp)
        {
            Runs++;
            LastIrp = irp;
            OnRun?.Invoke(irp);
        }
    }
}
