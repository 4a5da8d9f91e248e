using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Wsk.Core;
using Wsk.Shell;
using Wsk.Shell.Simulation;
using Wsk.Properties.Shell.DataPath;
using Xunit;

namespace Wsk.Properties.Shell.Simulation;

/// <summary>The simulated network's own promises: determinism, the faults it scripts, and the data path through it.</summary>
public sealed class SimulatedNetworkProperties
{
    private static IReadOnlyList<string> Run(int seed)
    {
        var rig = new SimulatedRig(seed, jitterMilliseconds: 50);
        rig.Network.ScriptNextConnect(FaultScript.PendingFor(TimeSpan.FromMilliseconds(30)));
        rig.Network.ScriptNextConnect(FaultScript.BlackHoleWith(3));
        rig.Network.ScriptNextConnect(FaultScript.PendingFor(TimeSpan.FromMilliseconds(30), ConnectFault.Refuse));
        var irps = new[] { rig.Connect(), rig.Connect(), rig.Connect() };
        rig.Time.AdvanceBy(TimeSpan.FromSeconds(10));
        irps[0].IoStatus.Socket!.WskCloseSocket(new Irp());
        return rig.Network.Trace;
    }

    [Property(MaxTest = 20)]
    public Property The_same_seed_and_script_give_the_same_trace() =>
        Prop.ForAll(Gen.Choose(0, 1000).ToArbitrary(), seed => Run(seed).SequenceEqual(Run(seed)).Label(string.Join("\n", Run(seed))));

    [Fact]
    public void A_black_hole_times_out_after_its_retry_budget_in_virtual_time_and_waits_forever_without_one()
    {
        var rig = new SimulatedRig();
        rig.Network.ScriptNextConnect(FaultScript.BlackHoleWith(3)); // 1 + 2 + 4 s of SYN retransmissions
        rig.Network.ScriptNextConnect(FaultScript.BlackHoleWith(null));
        var timed = rig.Connect();
        var forever = rig.Connect();
        rig.Time.AdvanceBy(TimeSpan.FromSeconds(6.9));
        Assert.False(timed.IsCompleted);
        rig.Time.AdvanceBy(TimeSpan.FromSeconds(0.2));
        Assert.Equal(NtStatus.IoTimeout, timed.IoStatus.Status);
        rig.Time.AdvanceBy(TimeSpan.FromDays(1));
        Assert.False(forever.IsCompleted);
        forever.Cancel();
        Assert.Equal(NtStatus.Cancelled, forever.IoStatus.Status);
    }

    [Theory]
    [InlineData(ConnectFault.Refuse, 0xC0000236u)]
    [InlineData(ConnectFault.NetworkUnreachable, 0xC000023Cu)]
    [InlineData(ConnectFault.HostUnreachable, 0xC000023Du)]
    [InlineData(ConnectFault.AddressInUse, 0xC000020Au)]
    public void Each_fault_completes_with_its_status_inline_and_pending(ConnectFault fault, uint status)
    {
        var rig = new SimulatedRig();
        rig.Network.ScriptNextConnect(new FaultScript(fault));
        var inline = rig.Connect();
        Assert.Equal(NtStatus.FromUInt32(status), inline.IoStatus.Status);
        rig.Network.ScriptNextConnect(FaultScript.PendingFor(TimeSpan.FromSeconds(1), fault));
        var later = rig.Connect();
        rig.Time.AdvanceBy(TimeSpan.FromSeconds(2));
        Assert.Equal(NtStatus.FromUInt32(status), later.IoStatus.Status);
        Assert.Equal(0, rig.Network.OpenConnections);
    }

    [Fact]
    public void A_local_port_is_taken_while_its_connection_lives_and_given_back_when_a_connect_fails_or_it_closes()
    {
        var rig = new SimulatedRig();
        var local = SockAddrIn.Loopback(4000);
        Irp ConnectFrom()
        {
            var irp = new Irp();
            rig.Npi.Dispatch.WskSocketConnect(ConnectRequest.Tcp(rig.Npi.Client.Id, SimulatedRig.Server) with { LocalAddress = local }, irp);
            return irp;
        }

        rig.Network.ScriptNextConnect(new FaultScript(ConnectFault.Refuse));
        Assert.Equal(NtStatus.ConnectionRefused, ConnectFrom().IoStatus.Status);
        var first = ConnectFrom();
        Assert.Equal(NtStatus.Success, first.IoStatus.Status);
        Assert.Equal(NtStatus.AddressAlreadyExists, ConnectFrom().IoStatus.Status);
        first.IoStatus.Socket!.WskCloseSocket(new Irp());
        var again = ConnectFrom();
        Assert.Equal(NtStatus.Success, again.IoStatus.Status);
        again.IoStatus.Socket!.WskCloseSocket(new Irp());
    }

    [Fact]
    public void A_reset_mid_stream_fails_the_pending_receive_and_later_sends()
    {
        var rig = new SimulatedRig();
        var (socket, peer) = rig.Pair(new FaultScript(ResetAfterBytes: 10));
        var receive = new Irp();
        Assert.Equal(NtStatus.Pending, socket.WskReceive(WskBuf.Of(new byte[8]), 0, receive));
        Assert.Equal(NtStatus.Success, socket.WskSend(WskBuf.Of(new byte[10]), 0, new Irp()));
        Assert.Equal(NtStatus.ConnectionReset, receive.IoStatus.Status);
        Assert.Equal(NtStatus.ConnectionReset, socket.WskSend(WskBuf.Of(new byte[1]), 0, new Irp()));
        Assert.Equal(10, peer.TotalReceived);
        socket.WskCloseSocket(new Irp());
    }

    [Fact]
    public void A_slow_reader_holds_the_sender_at_its_window()
    {
        var rig = new SimulatedRig();
        var (socket, peer) = rig.Pair(new FaultScript(ReceiveWindow: 100));
        var first = new Irp();
        var second = new Irp();
        Assert.Equal(NtStatus.Pending, socket.WskSend(WskBuf.Of(new byte[150]), 0, first));
        Assert.Equal(NtStatus.Pending, socket.WskSend(WskBuf.Of(new byte[60]), 0, second));
        Assert.Equal(100, peer.Buffered);
        Assert.Equal(100, peer.Read().Length);
        Assert.Equal(150L, first.IoStatus.Information);
        Assert.False(second.IsCompleted); // the first's last 50 bytes and 50 of the second's 60 fill the window again
        peer.Read();
        Assert.Equal(60L, second.IoStatus.Information);
        socket.WskCloseSocket(new Irp());
        Assert.True(peer.SawReset); // closed before both directions ended: abortive (rule CloseIsAbortiveUnlessDisconnected)
    }

    [Property(MaxTest = 100)]
    public Property Bytes_arrive_once_in_order_both_ways_through_any_window() =>
        Prop.ForAll(
            (from window in Gen.Choose(1, 300)
             from sends in Gen.ListOf(Gen.Choose(1, 200))
             from writes in Gen.ListOf(Gen.Choose(1, 200))
             from receive in Gen.Choose(1, 120)
             select (window, sends.ToArray(), writes.ToArray(), receive)).ToArbitrary(),
            plan =>
            {
                var (window, sends, writes, receiveSize) = plan;
                var rig = new SimulatedRig();
                var (socket, peer) = rig.Pair(new FaultScript(ReceiveWindow: window));
                var random = new Random(window);
                var outgoing = new byte[sends.Sum()];
                var incoming = new byte[writes.Sum()];
                random.NextBytes(outgoing);
                random.NextBytes(incoming);
                var irps = new List<Irp>();
                int at = 0;
                foreach (var n in sends)
                {
                    var irp = new Irp();
                    socket.WskSend(new WskBuf(outgoing, at, n), 0, irp);
                    irps.Add(irp);
                    at += n;
                }
                var disconnect = new Irp();
                socket.WskDisconnect(null, 0, disconnect);
                var peerGot = new MemoryStream();
                while (peerGot.Length < outgoing.Length) peerGot.Write(peer.Read(window));
                at = 0;
                foreach (var n in writes) { peer.Write(incoming.AsSpan(at, n)); at += n; }
                peer.Shutdown();
                var got = new MemoryStream();
                while (true)
                {
                    var buffer = new byte[receiveSize];
                    var irp = new Irp();
                    socket.WskReceive(WskBuf.Of(buffer), 0, irp);
                    long n = (long)irp.IoStatus.Information!;
                    if (n == 0) break;
                    got.Write(buffer, 0, (int)n);
                }
                socket.WskCloseSocket(new Irp());
                bool sendsOnce = irps.All(i => i.CompletionCount == 1 && i.IoStatus.Status == NtStatus.Success);
                return (sendsOnce && disconnect.IoStatus.Status == NtStatus.Success && peer.SawFin && !peer.SawReset
                        && peerGot.ToArray().AsSpan().SequenceEqual(outgoing) && got.ToArray().AsSpan().SequenceEqual(incoming)
                        && rig.Network.OpenConnections == 0)
                    .Label($"window {window}: peer got {peerGot.Length}/{outgoing.Length}, we got {got.Length}/{incoming.Length}, " +
                           $"FIN {peer.SawFin}, reset {peer.SawReset}")
                    .Classify(sends.Sum() > window, "sends held back by the window")
                    .Classify(irps.Any(i => i.SubmissionCount == 1 && i.IoStatus.Status == NtStatus.Success), "some sends completed")
                    .Collect(sends.Length == 0 ? "no send" : sends.Length < 5 ? "1-4 sends" : "5+ sends");
            });

    [Property(MaxTest = 100)]
    public Property Close_with_N_pending_IRPs_completes_N_plus_one_and_no_callback_follows() =>
        Prop.ForAll(
            ClosePlans.Upto(maxSends: 3),
            plan =>
            {
                var rig = new SimulatedRig();
                int callbacks = 0;
                var dispatch = new ConnectionDispatch(
                    ReceiveEvent: (object? _, uint _, DataIndication? _, long indicated, out long accepted) =>
                    {
                        callbacks++;
                        accepted = indicated;
                        return NtStatus.Success;
                    },
                    DisconnectEvent: (_, _) => { callbacks++; return NtStatus.Success; });
                rig.Network.ScriptNextConnect(new FaultScript(ReceiveWindow: 16)); // a peer that reads nothing holds the sends back
                var connect = new Irp();
                rig.Npi.Dispatch.WskSocketConnect(ConnectRequest.Tcp(rig.Npi.Client.Id, SimulatedRig.Server) with { Dispatch = dispatch }, connect);
                var ours = connect.IoStatus.Socket!;
                rig.Listener.TryAccept(out var peer);
                ours.EnableEventCallbacks(plan.events == 0 ? WskEvents.Disconnect : plan.events);
                var pending = new List<(string What, Irp Irp, NtStatus Returned)>();
                for (int i = 0; i < plan.receives; i++)
                {
                    var irp = new Irp();
                    pending.Add(("receive", irp, ours.WskReceive(WskBuf.Of(new byte[64]), 0, irp)));
                }
                for (int i = 0; i < plan.sends; i++) { var irp = new Irp(); pending.Add(("send", irp, ours.WskSend(WskBuf.Of(new byte[100]), 0, irp))); }
                if (plan.disconnect) { var irp = new Irp(); pending.Add(("graceful disconnect", irp, ours.WskDisconnect(null, 0, irp))); }

                var close = new Irp();
                var closeReturned = ours.WskCloseSocket(close);
                int callbacksAtClose = callbacks;
                bool wrote = peer.Write(new byte[] { 1, 2, 3 }); // after the close: must reach nobody
                peer.Shutdown();

                bool once = pending.All(p => p.Irp.CompletionCount == 1 && p.Irp.Violations.Count == 0)
                            && close.CompletionCount == 1 && close.IoStatus.Status == NtStatus.Success;
                bool cancelled = pending.Where(p => p.Returned.IsPending).All(p => p.Irp.IoStatus.Status == NtStatus.Cancelled);
                return (once && cancelled && closeReturned == NtStatus.Success && callbacks == callbacksAtClose && !wrote && peer.SawReset
                        && rig.Registration.OpenSockets == 0 && rig.Network.OpenConnections == 0)
                    .Label($"{plan}: " +
                           $"[{string.Join(", ",
                               pending.Select(p => $"{p.What} {p.Returned.Name}→{p.Irp.IoStatus.Status.Name}×{p.Irp.CompletionCount}"))}], " +
                           $"close {closeReturned.Name}×{close.CompletionCount}, callbacks after close {callbacks - callbacksAtClose}, reset {peer.SawReset}")
                    .Collect($"{pending.Count(p => p.Returned.IsPending) + 1} IRPs completed by close");
            });

    [Property(MaxTest = 100)]
    public Property Every_byte_reaches_the_receive_callback_once_in_order_and_the_disconnect_comes_last() =>
        Prop.ForAll(Gen.ListOf(Gen.Choose(1, 300)).ToArbitrary(), writes =>
        {
            var rig = new SimulatedRig();
            var got = new MemoryStream();
            var events = new List<string>();
            var dispatch = new ConnectionDispatch(
                ReceiveEvent: (object? _, uint _, DataIndication? indication, long indicated, out long accepted) =>
                {
                    for (var d = indication; d is not null; d = d.Next) got.Write(d.Buffer.Span);
                    events.Add(indication is null ? "reset" : "data");
                    accepted = indicated;
                    return NtStatus.Success;
                },
                DisconnectEvent: (_, flags) => { events.Add($"disconnect {flags}"); return NtStatus.Success; });
            var connect = new Irp();
            rig.Npi.Dispatch.WskSocketConnect(ConnectRequest.Tcp(rig.Npi.Client.Id, SimulatedRig.Server) with { Dispatch = dispatch }, connect);
            var ours = connect.IoStatus.Socket!;
            rig.Listener.TryAccept(out var peer);
            ours.EnableEventCallbacks(WskEvents.Receive | WskEvents.Disconnect);
            var sent = new MemoryStream();
            var random = new Random(writes.Count);
            foreach (var n in writes)
            {
                var chunk = new byte[n];
                random.NextBytes(chunk);
                peer.Write(chunk);
                sent.Write(chunk);
            }
            peer.Shutdown();
            ours.WskCloseSocket(new Irp());
            return (got.ToArray().AsSpan().SequenceEqual(sent.ToArray()) && events.Count > 0 && events[^1] == "disconnect 0"
                    && events.Count(e => e.StartsWith("disconnect", StringComparison.Ordinal)) == 1)
                .Label($"got {got.Length}/{sent.Length} B, events [{string.Join(", ", events)}]")
                .Collect(writes.Count == 0 ? "FIN only" : writes.Count < 5 ? "1-4 writes" : "5+ writes");
        });
}
