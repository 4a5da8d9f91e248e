using System.Linq;
using Wsk.Core;
using Wsk.Shell;
using Xunit;

namespace Wsk.Properties.Shell.Verification;

/// <summary>
/// The verifier's "a completion routine waits" rule holds only inside a completion routine: once the routine returned,
/// the thread that delivered it may wait for any IRP, and the routine itself may look at its own IRP or a completed one.
/// </summary>
public sealed class VerifierDeliveryFacts
{
    private static readonly SockAddrIn Inline = SockAddrIn.Loopback((ushort)Script.InlineSuccess);
    private static readonly SockAddrIn Later = SockAddrIn.Loopback((ushort)Script.PendingSuccess);

    [Fact]
    public void After_a_completion_routine_returned_its_thread_may_wait_for_another_IRP()
    {
        var transport = new ScriptedTransport();
        WskRegistration.WskRegister(new WskClientNpi(null, new WskClientDispatch()), transport, out var registration);
        var verifier = new WskVerifier();
        verifier.Attach(registration);
        registration.WskCaptureProviderNpi(WskWait.NoWait, out var npi);
        var client = npi!.Client.Id;

        var done = new Irp();
        var completedEarlier = new Irp();
        Assert.Equal(NtStatus.Success, npi.Dispatch.WskSocketConnect(ConnectRequest.Tcp(client, Inline), completedEarlier));
        bool routineRan = false;
        done.SetCompletionRoutine((i, _) =>
        {
            routineRan = true;
            _ = i.WaitAsync(); // its own IRP
            _ = completedEarlier.WaitAsync(); // one that completed already
            return NtStatus.MoreProcessingRequired;
        });
        // Completed inline: its routine is delivered on this thread, under the verifier.
        Assert.Equal(NtStatus.Success, npi.Dispatch.WskSocketConnect(ConnectRequest.Tcp(client, Inline), done));
        Assert.True(routineRan);

        var pending = new Irp();
        Assert.Equal(NtStatus.Pending, npi.Dispatch.WskSocketConnect(ConnectRequest.Tcp(client, Later), pending));
        _ = pending.WaitAsync(); // outside any completion routine: an ordinary wait
        Assert.DoesNotContain(verifier.Findings, f => f.Rule == VerifierRule.CompletionRoutineWaits);
        Assert.Empty(verifier.Findings);

        pending.Cancel();
        transport.SettleAll();
        foreach (var irp in new[] { done, completedEarlier, pending }.Where(i => i.IoStatus.Socket is not null))
            irp.IoStatus.Socket!.WskCloseSocket(new Irp());
    }
}
