using System;
using System.Linq;
using System.Reactive.Concurrency;
using Wsk.Core;
using Wsk.Shell;
using Wsk.Shell.Simulation;
using Wsk.Properties.Shell.Simulation;
using Xunit;

namespace Wsk.Properties.Shell.Verification;

/// <summary>The verifier catches each caller mistake it promises to, names the rule and the object, and stays quiet on a clean run.</summary>
public sealed class VerifierFacts
{
    private static readonly SockAddrIn Hole = new(0xC000_0209, 80);

    private sealed class Rig
    {
        private readonly SimulatedRig _rig;

        public Rig(bool throwOnBugCheck = false)
        {
            Verifier = new WskVerifier { ThrowOnBugCheck = throwOnBugCheck };
            _rig = new SimulatedRig(seed: 7, verifier: Verifier);
            _rig.Network.ScriptHost(Hole, FaultScript.BlackHoleWith(retryBudget: null));
        }

        public WskVerifier Verifier { get; }
        public WskProviderNpi Npi => _rig.Npi;

        public NtStatus Connect(Irp irp, SockAddr remote, SecurityDescriptorHandle? sd = null) => _rig.Connect(irp, remote, sd);

        public WskConnectedSocket Connected()
        {
            var irp = new Irp();
            Assert.Equal(NtStatus.Success, Connect(irp, SimulatedRig.Server));
            return irp.IoStatus.Socket!;
        }

        public void Finish() => _rig.Finish();
    }

    /// <summary>The one finding there is, which must be of <paramref name="rule"/>.</summary>
    private static VerifierFinding Single(WskVerifier verifier, VerifierRule rule)
    {
        var finding = Assert.Single(verifier.Findings);
        Assert.Equal(rule, finding.Rule);
        return finding;
    }

    [Fact]
    public void A_clean_run_has_no_findings()
    {
        var rig = new Rig();
        var socket = rig.Connected();
        var pending = new Irp();
        Assert.Equal(NtStatus.Pending, rig.Connect(pending, Hole));
        pending.Cancel();
        Assert.Equal(NtStatus.Cancelled, pending.IoStatus.Status);
        socket.WskCloseSocket(new Irp());
        rig.Finish();
        Assert.Empty(rig.Verifier.Verify());
    }

    [Fact]
    public void An_IRP_reused_while_pending_is_reported_by_name()
    {
        var rig = new Rig();
        var irp = new Irp();
        Assert.Equal(NtStatus.Pending, rig.Connect(irp, Hole));
        Assert.Throws<WskContractViolationException>(() => rig.Connect(irp, SimulatedRig.Server));
        var finding = Single(rig.Verifier, VerifierRule.IrpReusedWhilePending);
        Assert.Equal(rig.Verifier.NameOf(irp), finding.Object);
        irp.Cancel();
    }

    [Fact]
    public void A_call_after_close_is_reported_and_with_ThrowOnBugCheck_throws_the_verifier_exception()
    {
        var rig = new Rig();
        var socket = rig.Connected();
        socket.WskCloseSocket(new Irp());
        Assert.Throws<WskContractViolationException>(() => socket.WskSend(WskBuf.Of(new byte[1]), 0, new Irp()));
        Assert.Equal(VerifierRule.CallAfterClose, Assert.Single(rig.Verifier.Findings).Rule);

        var strict = new Rig(throwOnBugCheck: true);
        var other = strict.Connected();
        other.WskCloseSocket(new Irp());
        var e = Assert.Throws<WskVerifierException>(() => other.WskCloseSocket(new Irp()));
        Assert.Equal(VerifierRule.CallAfterClose, e.Finding.Rule);
        Assert.Equal(strict.Verifier.NameOf(other), e.Finding.Object);
    }

    [Fact]
    public void A_second_completion_is_a_finding_and_never_delivered()
    {
        var rig = new Rig();
        var irp = new Irp();
        rig.Connect(irp, SimulatedRig.Server);
        irp.IoStatus.Socket!.WskCloseSocket(new Irp());
        Assert.False(irp.IoCompleteRequest(NtStatus.Success)); // the planted double completion
        var finding = Single(rig.Verifier, VerifierRule.IrpCompletedTwice);
        Assert.Equal(1, irp.CompletionCount);
    }

    [Fact]
    public void A_security_descriptor_released_before_its_connect_completed_is_reported()
    {
        var rig = new Rig();
        var sd = rig.Npi.Client.CacheSecurityDescriptor(new SecurityDescriptor(new ProcessId(1), Array.Empty<ProcessId>()));
        var irp = new Irp();
        Assert.Equal(NtStatus.Pending, rig.Connect(irp, Hole, sd));
        // The provider refuses the release (a contract violation at the call); the verifier has recorded it all the same.
        Assert.Equal(CallingRule.SecurityDescriptorInUse,
            Assert.Throws<WskContractViolationException>(() => rig.Npi.Client.ReleaseSecurityDescriptor(sd)).Rule);
        var finding = Single(rig.Verifier, VerifierRule.SecurityDescriptorReleasedWhileInUse);
        Assert.Contains(rig.Verifier.NameOf(irp), finding.Detail);
        irp.Cancel();
    }

    [Fact]
    public void What_is_left_open_at_the_end_is_listed_object_by_object()
    {
        var rig = new Rig();
        var leaked = rig.Connected();
        var lost = new Irp();
        rig.Connect(lost, Hole);
        var findings = rig.Verifier.Verify();
        Assert.Equal(
            new[] { VerifierRule.SocketLeaked, VerifierRule.CaptureNotReleased, VerifierRule.RegistrationNotDeregistered, VerifierRule.IrpNeverCompleted },
            findings.Select(f => f.Rule).ToArray());
        Assert.Equal(rig.Verifier.NameOf(leaked), findings[0].Object);
        Assert.Equal(rig.Verifier.NameOf(lost), findings[3].Object);
        lost.Cancel();
        leaked.WskCloseSocket(new Irp());
        rig.Finish();
        Assert.Empty(rig.Verifier.Verify());
    }

    [Fact]
    public void A_completion_routine_that_waits_for_another_pending_IRP_is_reported()
    {
        var rig = new Rig();
        var blackHoled = new Irp();
        rig.Connect(blackHoled, Hole);
        var irp = new Irp();
        irp.SetCompletionRoutine((_, _) =>
        {
            _ = blackHoled.WaitAsync(); // in the kernel: KeWaitForSingleObject on another WSK completion inside a completion routine
            return NtStatus.MoreProcessingRequired;
        });
        rig.Connect(irp, SimulatedRig.Server);
        var finding = Single(rig.Verifier, VerifierRule.CompletionRoutineWaits);
        Assert.Equal(rig.Verifier.NameOf(irp), finding.Object);
        blackHoled.Cancel();
    }

    [Fact]
    public async System.Threading.Tasks.Task A_close_while_another_thread_is_inside_a_call_on_the_socket_is_reported()
    {
        var verifier = new WskVerifier();
        var rig = new SimulatedRig(verifier: verifier);
        using var inCallback = new System.Threading.ManualResetEventSlim();
        using var release = new System.Threading.ManualResetEventSlim();
        // The send-backlog callback runs inside the enabling WskControlSocket call: holding it keeps that call running.
        var dispatch = new ConnectionDispatch(SendBacklogEvent: (_, _) =>
        {
            inCallback.Set();
            release.Wait(TimeSpan.FromSeconds(10));
            return NtStatus.Success;
        });
        var irp = new Irp();
        rig.Npi.Dispatch.WskSocketConnect(ConnectRequest.Tcp(rig.Npi.Client.Id, SimulatedRig.Server) with { Dispatch = dispatch }, irp);
        var socket = irp.IoStatus.Socket!;
        var enabling = System.Threading.Tasks.Task.Run(() => socket.EnableEventCallbacks(WskEvents.SendBacklog));
        Assert.True(inCallback.Wait(TimeSpan.FromSeconds(10)));
        var close = new Irp();
        Assert.Equal(NtStatus.Pending, socket.WskCloseSocket(close)); // waits for the callback in flight
        release.Set();
        await enabling.WaitAsync(TimeSpan.FromSeconds(10));
        var finding = Single(verifier, VerifierRule.CloseOverlapsCall);
        Assert.Equal(verifier.NameOf(socket), finding.Object);
        Assert.Contains("WskControlSocket", finding.Detail);
        await close.WaitAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public void A_global_verifier_watches_registrations_made_while_it_is_attached()
    {
        var verifier = new WskVerifier();
        var network = new SimulatedNetwork(new HistoricalScheduler());
        network.Listen(SimulatedRig.Server);
        WskProviderNpi? npi;
        using (verifier.AttachGlobally())
        {
            WskRegistration.WskRegister(new WskClientNpi(null, new WskClientDispatch()), network, out var registration);
            registration.WskCaptureProviderNpi(WskWait.NoWait, out npi);
            registration.WskReleaseProviderNpi(npi!);
            Assert.Throws<WskContractViolationException>(() => registration.WskReleaseProviderNpi(npi!));
        }
        // Other tests may register while this one is attached: judge only this test's client.
        var ours = verifier.Findings.Where(f => f.Object == verifier.NameOf(npi!.Client)).ToArray();
        Assert.Equal(VerifierRule.ClientUsedAfterRelease, Assert.Single(ours).Rule);
        Assert.Contains(verifier.Verify(), f => f.Rule == VerifierRule.RegistrationNotDeregistered);
    }
}
