using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Wsk.Core;
using Wsk.Shell;
using Xunit;

namespace Wsk.Properties.Shell;

/// <summary>
/// The CAS guard of <see cref="Irp"/>: whatever order and number of completions, cancels and submits arrive, from however
/// many threads, each use completes exactly once, the routine runs once per use, and every refused completion is recorded.
/// </summary>
public sealed class IrpGuardProperties
{
    private static readonly NtStatus[] Statuses =
        { NtStatus.Success, NtStatus.ConnectionRefused, NtStatus.Cancelled, NtStatus.IoTimeout, NtStatus.Pending };

    [Property(MaxTest = 200)]
    public Property Racing_completions_complete_each_use_once_and_record_the_rest() =>
        Prop.ForAll(
            (from completers in Gen.Choose(1, 6)
             from statuses in Gen.ArrayOf(Gen.Elements(Statuses), completers)
             from cancels in Gen.Choose(0, 3)
             select (statuses, cancels)).ToArbitrary(),
            input =>
            {
                var (statuses, cancels) = input;
                var irp = new Irp();
                int routine = 0;
                irp.SetCompletionRoutine((_, _) => { Interlocked.Increment(ref routine); return NtStatus.MoreProcessingRequired; });
                irp.Submit();
                using var start = new Barrier(statuses.Length + cancels);
                var accepted = new int[statuses.Length];
                var threads = statuses.Select((s, i) => new Thread(() => { start.SignalAndWait(); accepted[i] = irp.IoCompleteRequest(s) ? 1 : 0; }))
                    .Concat(Enumerable.Range(0, cancels).Select(_ => new Thread(() => { start.SignalAndWait(); irp.Cancel(); })))
                    .ToArray();
                foreach (var t in threads) t.Start();
                foreach (var t in threads) t.Join();
                int finals = statuses.Count(s => !s.IsPending);
                bool once = finals == 0
                    ? irp.CompletionCount == 0 && routine == 0 && irp.IsPending
                    : irp.CompletionCount == 1 && routine == 1 && accepted.Sum() == 1 && !irp.IoStatus.Status.IsPending;
                bool recorded = irp.Violations.Count == statuses.Length - accepted.Sum();
                bool rules = irp.Violations.All(v => v.Rule is CallingRule.IrpCompletedTwice or CallingRule.IrpCompletedWithPending);
                return (once && recorded && rules)
                    .Label($"[{string.Join(", ", statuses.Select(s => s.Name))}] + {cancels} cancels: completions {irp.CompletionCount}, " +
                           $"routine {routine}, accepted {accepted.Sum()}, violations {irp.Violations.Count}")
                    .Classify(finals == 0, "only PENDING offered: stays pending")
                    .Classify(statuses.Length > 1, "racing completers")
                    .Collect($"{statuses.Length} completers");
            });

    [Property(MaxTest = 100)]
    public Property An_IRP_is_reusable_after_completion_and_each_use_completes_once() =>
        Prop.ForAll(Gen.ArrayOf(Gen.Elements(Statuses.Where(s => !s.IsPending).ToArray())).ToArbitrary(), statuses =>
        {
            var irp = new Irp();
            bool ok = true;
            foreach (var s in statuses)
            {
                irp.Submit();
                ok &= irp.IoCompleteRequest(s) && irp.IoStatus.Status == s && irp.IsCompleted;
                ok &= irp.WaitAsync().IsCompletedSuccessfully && irp.WaitAsync().Result.Status == s;
            }
            return (ok && irp.CompletionCount == statuses.Length && irp.SubmissionCount == statuses.Length && irp.Violations.Count == 0)
                .Label($"{statuses.Length} uses: completions {irp.CompletionCount}, violations {irp.Violations.Count}")
                .Collect(statuses.Length switch { 0 => "never used", 1 => "one use", _ => "reused" });
        });

    [Fact]
    public void Submitting_an_IRP_still_in_use_is_a_contract_violation()
    {
        var irp = new Irp();
        irp.Submit();
        var e = Assert.Throws<WskContractViolationException>(() => irp.Submit());
        Assert.Equal(CallingRule.IrpInUse, e.Rule);
        Assert.Equal(1, irp.SubmissionCount);
        Assert.True(irp.IoCompleteRequest(NtStatus.Success));
        Assert.False(irp.IoCompleteRequest(NtStatus.Success));
        Assert.Equal(CallingRule.IrpCompletedTwice, Assert.Single(irp.Violations).Rule);
    }

    [Fact]
    public async Task A_waiter_is_released_by_a_completion_on_another_thread()
    {
        var irp = new Irp();
        irp.Submit();
        var wait = irp.WaitAsync().AsTask();
        Assert.False(wait.IsCompleted);
        await Task.Run(() => irp.IoCompleteRequest(NtStatus.ConnectionRefused));
        Assert.Equal(NtStatus.ConnectionRefused, (await wait.WaitAsync(TimeSpan.FromSeconds(10))).Status);
    }

    [Fact]
    public void A_transport_that_answers_twice_costs_one_completion_a_recorded_violation_and_no_socket()
    {
        using var world = new ScriptedWorld();
        var irp = new Irp();
        var request = new ConnectRequest(world.Client, SocketTypes.Stream, Protocols.Tcp, SockAddrIn.Any(),
            SockAddrIn.Loopback((ushort)Script.PendingDoubleAnswer));
        Assert.Equal(NtStatus.Pending, world.Dispatch.WskSocketConnect(request, irp));
        world.Settle();
        Assert.Equal(1, irp.CompletionCount);
        Assert.Equal(NtStatus.Success, irp.IoStatus.Status);
        Assert.Equal(CallingRule.IrpCompletedTwice, Assert.Single(irp.Violations).Rule);
        Assert.Equal(1, world.Transport.OpenConnections); // the second answer's socket was closed at once
        irp.IoStatus.Socket!.WskCloseSocket(new Irp());
        Assert.Equal(0, world.Transport.OpenConnections);
        Assert.Equal(0, world.Registration.OpenSockets);
    }

    /// <summary>
    /// An owner that reuses its IRP the moment it sees it free (IsPending false, or IsCompleted true) while the last
    /// completion arrives on another thread must get a clean second use: in progress, not completed, no stale result.
    /// </summary>
    [Property(MaxTest = 30)]
    public Property Reusing_an_IRP_the_moment_it_is_free_never_shows_a_stale_completion() =>
        Prop.ForAll(Gen.Elements("IsPending turned false", "IsCompleted turned true").ToArbitrary(), signal =>
        {
            var transport = new AnswerOnceTransport();
            WskRegistration.WskRegister(new WskClientNpi(null, new WskClientDispatch()), transport, out var registration);
            registration.WskCaptureProviderNpi(0, out var npi);
            var request = ConnectRequest.Tcp(npi!.Client.Id, SockAddrIn.Loopback(80));
            int stale = 0;
            const int Tries = 200;
            for (int i = 0; i < Tries; i++)
            {
                var irp = new Irp();
                transport.AnswerNext = true; // first use: refused from a pool thread
                npi.Dispatch.WskSocketConnect(request, irp);
                var spin = new SpinWait();
                while (signal.StartsWith("IsPending", StringComparison.Ordinal) ? irp.IsPending : !irp.IsCompleted) spin.SpinOnce();
                transport.AnswerNext = false; // second use: never answered
                npi.Dispatch.WskSocketConnect(request, irp);
                Thread.SpinWait(500);
                if (!irp.IsPending || irp.IsCompleted || irp.WaitAsync().IsCompleted || irp.IoStatus.Status != default(NtStatus)) stale++;
            }
            return (stale == 0).Label($"{stale} of {Tries} second uses showed the first use's completion").Collect(signal);
        });

    /// <summary>Answers a connect (refused, from a pool thread) only when told to; otherwise leaves it pending for ever.</summary>
    private sealed class AnswerOnceTransport : ITransport, ITransportCancel
    {
        public volatile bool AnswerNext;
        public int OpenConnections => 0;
        public void Cancel() { }

        public TransportConnectResult Connect(ushort family, SockAddr localAddress, SockAddr remoteAddress, ITransportConnectSink sink)
        {
            if (AnswerNext) ThreadPool.UnsafeQueueUserWorkItem(static s => s.OnConnectCompleted(NtStatus.ConnectionRefused, null), sink, false);
            return TransportConnectResult.Later(this);
        }
    }
}
