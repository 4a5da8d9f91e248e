using System;
using System.Linq;
using System.Reactive.Linq;
using System.Threading;
using System.Threading.Tasks;
using Wsk.Core;
using Wsk.Shell;
using Wsk.Shell.Simulation;
using Xunit;

namespace Wsk.Properties.Shell.Disposal;

/// <summary>
/// Disposal of the connected and the three-step socket on the simulated network: Dispose is WskCloseSocket (rule
/// CloseIsAbortiveUnlessDisconnected), DisposeAsync a bounded graceful disconnect first; both once, and nothing after the client's own close.
/// </summary>
public sealed class SocketDisposalFacts
{
    [Fact]
    public void Dispose_closes_abortively_once_and_a_second_dispose_does_nothing()
    {
        var rig = new DisposalRig();
        var (socket, peer) = rig.Pair();
        var receive = new Irp();
        Assert.Equal(NtStatus.Pending, socket.WskReceive(WskBuf.Of(new byte[8]), 0, receive));
        socket.Dispose();
        Assert.True(socket.IsClosed);
        Assert.Equal(NtStatus.Cancelled, receive.IoStatus.Status); // rule CloseCompletesPending
        Assert.True(peer.SawReset);
        Assert.Equal(0, rig.Registration.OpenSockets);
        socket.Dispose();
        Assert.Equal(0, rig.Registration.OpenSockets); // not closed twice: the count did not go below zero
        Assert.Empty(rig.Verifier.Findings);
        Assert.True(rig.Finish());
        Assert.Empty(rig.Verifier.Verify());
    }

    [Fact]
    public async Task Dispose_and_DisposeAsync_after_the_clients_own_close_leave_no_finding_and_close_nothing_again()
    {
        var rig = new DisposalRig();
        var (socket, _) = rig.Pair();
        var (other, _) = rig.Pair();
        Assert.Equal(NtStatus.Success, socket.WskCloseSocket(new Irp()));
        Assert.Equal(NtStatus.Success, other.WskCloseSocket(new Irp()));
        socket.Dispose();
        await other.DisposeAsync();
        Assert.Equal(0, rig.Registration.OpenSockets);
        Assert.Empty(rig.Verifier.Findings);
        Assert.True(rig.Finish());
        Assert.Empty(rig.Verifier.Verify());
    }

    [Fact]
    public void A_call_after_dispose_is_still_a_call_after_close_for_the_verifier()
    {
        var rig = new DisposalRig();
        var (socket, _) = rig.Pair();
        socket.Dispose();
        var e = Assert.Throws<WskContractViolationException>(() => socket.WskSend(WskBuf.Of(new byte[1]), 0, new Irp()));
        Assert.Equal(CallingRule.SocketClosed, e.Rule);
        var finding = Assert.Single(rig.Verifier.Findings);
        Assert.Equal((VerifierRule.CallAfterClose, rig.Verifier.NameOf(socket)), (finding.Rule, finding.Object));
        Assert.Throws<WskContractViolationException>(() => socket.WskCloseSocket(new Irp()));
        Assert.Equal(2, rig.Verifier.Findings.Count); // an explicit close after dispose is a second close
    }

    [Fact]
    public async Task DisposeAsync_sends_the_FIN_after_pending_sends_and_closes_gracefully_when_the_peer_has_ended_too()
    {
        var rig = new DisposalRig();
        var (socket, peer) = rig.Pair();
        peer.Shutdown();
        var end = new Irp();
        Assert.Equal(NtStatus.Success, socket.WskReceive(WskBuf.Of(new byte[8]), 0, end));
        Assert.Equal(0L, end.IoStatus.Information); // the peer's FIN (rule ZeroByteReceiveIsGracefulClose)
        var send = new Irp();
        var data = Bytes(3); // 1, 2, 3, built at run time (the Coyote rewrite breaks constant array initialisers)
        socket.WskSend(WskBuf.Of(data), 0, send);
        var disposed = socket.DisposeAsync().AsTask();
        DisposalRig.Within2s(disposed);
        Assert.Equal(3L, send.IoStatus.Information);
        Assert.Equal(data, peer.Read());
        Assert.True(peer.SawFin);
        Assert.False(peer.SawReset); // disconnected both ways: graceful (rule CloseIsAbortiveUnlessDisconnected)
        Assert.True(socket.IsClosed);
        Assert.True(rig.Finish());
        Assert.Empty(rig.Verifier.Verify());
    }

    [Fact]
    public void DisposeAsync_of_a_socket_whose_peer_never_reads_gives_up_at_its_limit_in_virtual_time_and_resets()
    {
        var rig = new DisposalRig();
        var (socket, peer) = rig.Pair(new FaultScript(ReceiveWindow: 100));
        var send = new Irp();
        Assert.Equal(NtStatus.Pending, socket.WskSend(WskBuf.Of(new byte[1000]), 0, send)); // the peer never reads: it never finishes
        var disposed = socket.DisposeAsync().AsTask();
        rig.Time.Advance(WskConnectedSocket.DefaultDisconnectTimeout - TimeSpan.FromMilliseconds(1));
        Assert.False(DisposalRig.EndsWithin(disposed, 50));
        Assert.False(socket.IsClosed);
        Assert.False(peer.SawFin);
        rig.Time.Advance(TimeSpan.FromMilliseconds(1));
        DisposalRig.Within2s(disposed);
        Assert.True(socket.IsClosed);
        Assert.Equal(NtStatus.Cancelled, send.IoStatus.Status);
        Assert.True(peer.SawReset);
        Assert.True(rig.Finish());
        Assert.Empty(rig.Verifier.Verify()); // the disconnect IRP completed too (no IrpNeverCompleted)
    }

    [Fact]
    public async Task DisposeAsync_with_a_cancelled_token_or_a_zero_limit_closes_at_once_and_a_negative_limit_is_refused()
    {
        var rig = new DisposalRig();
        var (first, _) = rig.Pair(new FaultScript(ReceiveWindow: 10));
        var (second, _) = rig.Pair(new FaultScript(ReceiveWindow: 10));
        first.WskSend(WskBuf.Of(new byte[100]), 0, new Irp());
        second.WskSend(WskBuf.Of(new byte[100]), 0, new Irp());
        DisposalRig.Within2s(first.DisposeAsync(Timeout.InfiniteTimeSpan, new CancellationToken(canceled: true)).AsTask());
        DisposalRig.Within2s(second.DisposeAsync(TimeSpan.Zero).AsTask());
        Assert.True(first.IsClosed && second.IsClosed);
        var (third, _) = rig.Pair();
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => third.DisposeAsync(TimeSpan.FromSeconds(-2)).AsTask());
        Assert.False(third.IsClosed);
        third.Dispose();
        Assert.True(rig.Finish());
        Assert.Empty(rig.Verifier.Verify());
    }

    [Fact]
    public void Dispose_from_the_sockets_own_event_callback_returns_and_the_close_finishes_as_the_callback_returns()
    {
        var rig = new DisposalRig();
        var (socket, peer) = rig.Pair();
        bool closedInside = true;
        using var events = socket.Events(WskEvents.Receive | WskEvents.Disconnect).Subscribe(e =>
        {
            socket.Dispose(); // would wait for itself if Dispose waited here
            closedInside = rig.Registration.OpenSockets == 0;
        });
        var wrote = Task.Run(() => peer.Write(Bytes(1)));
        DisposalRig.Within2s(wrote);
        Assert.False(closedInside); // the close waited for the callback (rule CloseCompletesPending)
        Assert.True(socket.IsClosed);
        Assert.Equal(0, rig.Registration.OpenSockets);
        Assert.True(rig.Finish());
        Assert.Empty(rig.Verifier.Findings);
    }

    [Fact]
    public async Task The_three_step_socket_disposes_once_before_connect_and_as_its_connected_socket_after()
    {
        var rig = new DisposalRig();
        var unbound = rig.Unconnected();
        unbound.Dispose();
        Assert.True(unbound.IsClosed);
        unbound.Dispose();
        await unbound.DisposeAsync();

        var closed = rig.Unconnected();
        Assert.Equal(NtStatus.Success, closed.WskCloseSocket(new Irp()));
        await closed.DisposeAsync(); // after the client's own close: nothing

        var connecting = rig.Unconnected();
        Assert.Equal(NtStatus.Success, connecting.WskBind(SockAddrIn.Any(), 0, new Irp()));
        var connect = new Irp();
        Assert.Equal(NtStatus.Success, connecting.WskConnect(DisposalRig.Server, 0, connect));
        Assert.True(rig.Listener.TryAccept(out var peer));
        await using (connecting)
        {
            Assert.False(connect.IoStatus.Socket!.IsClosed);
        }
        Assert.True(connect.IoStatus.Socket!.IsClosed);
        connect.IoStatus.Socket!.Dispose(); // the same socket: closed already
        Assert.True(peer.SawFin || peer.SawReset);
        Assert.Equal(0, rig.Registration.OpenSockets);
        Assert.Empty(rig.Verifier.Findings);
        Assert.True(rig.Finish());
        Assert.Empty(rig.Verifier.Verify());
    }

    /// <summary>1, 2, …, n.</summary>
    internal static byte[] Bytes(int n) => Enumerable.Range(1, n).Select(i => (byte)i).ToArray();
}
