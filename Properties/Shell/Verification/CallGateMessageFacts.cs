using System;
using Wsk.Core;
using Wsk.Shell;
using Xunit;

namespace Wsk.Properties.Shell.Verification;

/// <summary>
/// The call gate's bug checks tell the caller what it did: the message names the rule, the call, and the fact that broke
/// it (the IRQL it was called at, the close, the earlier owner or the completion routine, the indication not held). And a
/// client is live only for the registration it came from.
/// </summary>
public sealed class CallGateMessageFacts
{
    private static readonly SockAddrIn Remote = SockAddrIn.Loopback((ushort)Script.InlineSuccess);

    private sealed class World
    {
        public World()
        {
            WskRegistration.WskRegister(new WskClientNpi(null, new WskClientDispatch()), new ScriptedTransport(), out var registration);
            Registration = registration;
            registration.WskCaptureProviderNpi(WskWait.NoWait, out var npi);
            Npi = npi!;
            var irp = new Irp();
            Assert.Equal(NtStatus.Success, Npi.Dispatch.WskSocketConnect(ConnectRequest.Tcp(Npi.Client.Id, Remote), irp));
            Socket = irp.IoStatus.Socket!;
        }

        public WskRegistration Registration { get; }
        public WskProviderNpi Npi { get; }
        public WskConnectedSocket Socket { get; }
    }

    private static void Names(WskContractViolationException e, CallingRule rule, string text)
    {
        Assert.Equal(rule, e.Rule);
        Assert.StartsWith($"WSK contract violation ({rule}): ", e.Message, StringComparison.Ordinal);
        Assert.Contains(text, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_call_above_dispatch_level_names_the_call_and_the_IRQL_it_was_made_at()
    {
        var w = new World();
        var irp = new Irp();
        var e = Assert.Throws<WskContractViolationException>(() =>
            w.Npi.Dispatch.WskSocketConnect(ConnectRequest.Tcp(w.Npi.Client.Id, Remote), irp, Irql.DeviceLevel));
        Names(e, CallingRule.IrqlAboveDispatch, "WskSocketConnect requires IRQL <= DISPATCH_LEVEL (called at DeviceLevel)");
        Assert.Equal(0, irp.SubmissionCount);
    }

    [Fact]
    public void A_call_after_close_names_the_close_and_the_call()
    {
        var w = new World();
        w.Socket.WskCloseSocket(new Irp());
        var e = Assert.Throws<WskContractViolationException>(() => w.Socket.WskSend(WskBuf.Of(new byte[1]), 0, new Irp()));
        Names(e, CallingRule.SocketClosed, "the socket was closed; no call may follow WskCloseSocket (WskSend)");
    }

    [Fact]
    public void An_IRP_owned_by_an_earlier_call_is_named_so()
    {
        var w = new World();
        var busy = new Irp();
        Assert.Equal(NtStatus.Pending, w.Socket.WskReceive(WskBuf.Of(new byte[4]), 0, busy));
        var e = Assert.Throws<WskContractViolationException>(() => w.Socket.WskSend(WskBuf.Of(new byte[1]), 0, busy));
        Names(e, CallingRule.IrpInUse, "WskSend was given an IRP still owned by an earlier call");
        busy.Cancel();
        w.Socket.WskCloseSocket(new Irp());
    }

    [Fact]
    public void An_IRP_reused_inside_its_own_completion_routine_is_named_so()
    {
        var w = new World();
        var irp = new Irp();
        WskContractViolationException? inside = null;
        irp.SetCompletionRoutine((i, _) =>
        {
            inside = Assert.Throws<WskContractViolationException>(() => w.Socket.WskGetRemoteAddress(i));
            return NtStatus.MoreProcessingRequired;
        });
        Assert.Equal(NtStatus.Success, w.Socket.WskGetLocalAddress(irp));
        Names(inside!, CallingRule.IrpInUse, "WskGetRemoteAddress was given an IRP from inside its own completion routine");
        Assert.True(irp.IsCompleted);
    }

    [Fact]
    public void Releasing_an_indication_not_held_names_what_was_given()
    {
        var w = new World();
        var e = Assert.Throws<WskContractViolationException>(() => w.Socket.WskRelease(new DataIndication(new byte[] { 1 }, null)));
        Names(e, CallingRule.OutOfOrder, "WskRelease was given something the client does not hold");
    }

    [Fact]
    public void A_client_of_another_registration_is_not_live_here()
    {
        var here = new World();
        var there = new World();
        var irp = new Irp();
        var status = here.Npi.Dispatch.WskSocketConnect(there.Npi.Client, SocketTypes.Stream, Protocols.Tcp,
            SockAddrCodec.Encode(SockAddrIn.Any()),
            SockAddrCodec.Encode(Remote),
            0, null, null, null, null, null, irp, Irql.PassiveLevel);
        Assert.Equal(NtStatus.InvalidHandle, status);
        Assert.Equal(0, irp.SubmissionCount);
        // Its own registration still takes it.
        var own = new Irp();
        Assert.Equal(NtStatus.Success, there.Npi.Dispatch.WskSocketConnect(ConnectRequest.Tcp(there.Npi.Client.Id, Remote), own));
    }
}
