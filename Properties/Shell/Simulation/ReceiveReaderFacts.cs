using System;
using System.Collections.Generic;
using System.Linq;
using Wsk.Core;
using Wsk.Shell;
using Wsk.Shell.Simulation;
using Xunit;

namespace Wsk.Properties.Shell.Simulation;

/// <summary>
/// The receive reader's interpreter on the simulated network, where a peer's write is read inline: a posted WskReceive
/// wins over the callback, kept-back bytes come first and exactly once, a kept indication's bytes stay the client's, a
/// cancelled receive gives its place to the next reader, and the end of the stream reaches the client the way its
/// enabled callbacks ask.
/// </summary>
public sealed class ReceiveReaderFacts
{
    /// <summary>A receive callback that answers by a script (accepted bytes, or -1 to keep) and records what it saw.</summary>
    private sealed class Client
    {
        public readonly List<byte[]> Indicated = new();
        public readonly List<DataIndication> Kept = new();
        public readonly List<string> Events = new();
        public Func<int, long, long> Accept = (_, indicated) => indicated; // (indication number, indicated) -> accepted; -1 keeps
        public Func<int, bool> Throws = _ => false;

        public ConnectionDispatch Dispatch(bool receive = true, bool disconnect = true) => new(
            ReceiveEvent: receive ? OnReceive : null,
            DisconnectEvent: disconnect ? (_, flags) => { Events.Add($"disconnect {flags}"); return NtStatus.Success; } : null);

        private NtStatus OnReceive(object? context, uint flags, DataIndication? indication, long indicated, out long accepted)
        {
            accepted = 0;
            if (indication is null)
            {
                Events.Add("null indication");
                return NtStatus.Success;
            }
            int n = Indicated.Count;
            var bytes = new List<byte>();
            for (var d = indication; d is not null; d = d.Next) bytes.AddRange(d.Buffer.ToArray());
            Indicated.Add(bytes.ToArray());
            Events.Add($"data {indicated}");
            if (Throws(n)) throw new InvalidOperationException("the client's callback failed");
            long answer = Accept(n, indicated);
            if (answer < 0)
            {
                Kept.Add(indication);
                return NtStatus.Pending;
            }
            accepted = answer;
            return answer == 0 ? NtStatus.DataNotAccepted : NtStatus.Success;
        }
    }

    /// <summary>
    /// The bytes of the digits of <paramref name="digits"/> ("123" is 1, 2, 3). Built at run time: constant array
    /// initialisers would add RVA data to this assembly, which the Coyote rewrite does not keep aligned for other code's spans.
    /// </summary>
    private static byte[] Bytes(string digits) => digits.Select(c => (byte)(c - '0')).ToArray();

    private static (SimulatedRig Rig, WskConnectedSocket Socket, SimulatedPeer Peer) Pair(ConnectionDispatch dispatch)
    {
        var rig = new SimulatedRig();
        var connect = new Irp();
        Assert.Equal(NtStatus.Success,
            rig.Npi.Dispatch.WskSocketConnect(ConnectRequest.Tcp(rig.Npi.Client.Id, SimulatedRig.Server) with { Dispatch = dispatch }, connect));
        Assert.True(rig.Listener.TryAccept(out var peer));
        return (rig, connect.IoStatus.Socket!, peer);
    }

    private static (NtStatus Returned, Irp Irp, byte[] Buffer) Receive(WskConnectedSocket socket, int length, uint flags = 0)
    {
        var buffer = new byte[length];
        var irp = new Irp();
        return (socket.WskReceive(WskBuf.Of(buffer), flags, irp), irp, buffer);
    }

    private static byte[] Got((NtStatus Returned, Irp Irp, byte[] Buffer) r)
    {
        Assert.True(r.Irp.IsCompleted);
        Assert.Equal(NtStatus.Success, r.Irp.IoStatus.Status);
        return r.Buffer.AsSpan(0, (int)(long)r.Irp.IoStatus.Information!).ToArray();
    }

    [Fact]
    public void A_posted_receive_wins_over_the_receive_callback()
    {
        var client = new Client();
        var (_, socket, peer) = Pair(client.Dispatch());
        // Posted while the reader is idle: the reader serves it before it starts an indication read.
        var r = Receive(socket, 8);
        Assert.Equal(NtStatus.Pending, r.Returned);
        Assert.Equal(NtStatus.Success, socket.EnableEventCallbacks(WskEvents.Receive));
        peer.Write(Bytes("123"));
        Assert.True(r.Irp.IsCompleted, $"receive {r.Irp.IoStatus}, indicated [{string.Join(" | ", client.Indicated.Select(i => string.Join(",", i)))}]");
        Assert.Equal(Bytes("123"), Got(r));
        Assert.Empty(client.Indicated);
        // With no receive posted, the next bytes go to the callback.
        peer.Write(Bytes("45"));
        Assert.Equal(Bytes("45"), Assert.Single(client.Indicated));
        socket.WskCloseSocket(new Irp());
    }

    [Fact]
    public void Receives_are_served_in_the_order_they_were_posted_each_with_its_own_bytes()
    {
        var (_, socket, peer) = Pair(new Client().Dispatch());
        var first = Receive(socket, 2, WskFlags.WaitAll);
        var second = Receive(socket, 3);
        Assert.Equal((NtStatus.Pending, NtStatus.Pending), (first.Returned, second.Returned));
        peer.Write(Bytes("1"));
        Assert.False(first.Irp.IsCompleted);
        peer.Write(Bytes("234"));
        Assert.Equal(Bytes("12"), Got(first));
        Assert.Equal(Bytes("34"), Got(second));
        socket.WskCloseSocket(new Irp());
    }

    [Fact]
    public void Bytes_a_callback_left_are_read_first_and_once_then_the_stream_goes_on()
    {
        var client = new Client { Accept = (n, indicated) => n == 0 ? 1 : indicated };
        var (_, socket, peer) = Pair(client.Dispatch());
        socket.EnableEventCallbacks(WskEvents.Receive);
        peer.Write(Bytes("123"));
        Assert.Equal(Bytes("123"), Assert.Single(client.Indicated));
        // Part accepted: indications stop, so the next bytes wait in the transport.
        peer.Write(Bytes("789"));
        Assert.Single(client.Indicated);

        var r = Receive(socket, 5, WskFlags.WaitAll);
        Assert.Equal(NtStatus.Success, r.Returned);
        Assert.Equal(Bytes("23789"), Got(r));
        Assert.Equal(0, socket.KeptIndications);
        socket.WskCloseSocket(new Irp());
    }

    [Fact]
    public void Kept_back_bytes_larger_than_the_receive_are_handed_out_over_several_receives()
    {
        var client = new Client { Accept = (_, _) => 0 }; // never accepts: the bytes wait for receives
        var (_, socket, peer) = Pair(client.Dispatch());
        socket.EnableEventCallbacks(WskEvents.Receive);
        peer.Write(Bytes("12345"));
        var a = Receive(socket, 2);
        var b = Receive(socket, 2);
        var c = Receive(socket, 4);
        Assert.Equal(Bytes("12"), Got(a));
        Assert.Equal(Bytes("34"), Got(b));
        Assert.Equal(Bytes("5"), Got(c));
        Assert.Equal(Bytes("12345"), client.Indicated[0]);
        socket.WskCloseSocket(new Irp());
    }

    [Fact]
    public void A_zero_length_receive_lets_stopped_indications_resume_with_the_kept_back_bytes_first()
    {
        var client = new Client { Accept = (n, indicated) => n == 0 ? 2 : indicated };
        var (_, socket, peer) = Pair(client.Dispatch());
        socket.EnableEventCallbacks(WskEvents.Receive);
        peer.Write(Bytes("1234"));
        peer.Write(Bytes("56"));
        var zero = Receive(socket, 0);
        Assert.Equal(NtStatus.Success, zero.Returned);
        Assert.Equal(0L, (long)zero.Irp.IoStatus.Information!);
        Assert.Equal(Bytes("1234"), client.Indicated[0]);
        Assert.Equal(Bytes("34"), client.Indicated[1]);
        Assert.Equal(Bytes("56"), client.Indicated[2]);
        Assert.Equal(3, client.Indicated.Count);
        socket.WskCloseSocket(new Irp());
    }

    [Fact]
    public void A_kept_indication_keeps_its_bytes_while_newer_data_is_indicated_and_is_released_once()
    {
        var client = new Client { Accept = (n, indicated) => n == 0 ? -1 : indicated };
        var (_, socket, peer) = Pair(client.Dispatch());
        socket.EnableEventCallbacks(WskEvents.Receive);
        peer.Write(Bytes("123"));
        var kept = Assert.Single(client.Kept);
        Assert.Equal(1, socket.KeptIndications);
        peer.Write(Bytes("9999"));
        peer.Write(Bytes("88"));
        Assert.Equal(3, client.Indicated.Count);
        Assert.Equal(Bytes("123"), kept.Buffer.ToArray()); // not overwritten by the newer reads

        Assert.Equal(NtStatus.Success, socket.WskRelease(kept));
        Assert.Equal(0, socket.KeptIndications);
        Assert.Equal(CallingRule.OutOfOrder, Assert.Throws<WskContractViolationException>(() => socket.WskRelease(kept)).Rule);
        socket.WskCloseSocket(new Irp());
    }

    [Fact]
    public void Bytes_left_by_a_callback_survive_until_they_are_read()
    {
        // Part of the first indication is left; the client then takes it by a WAITALL receive that also needs newer bytes.
        var client = new Client { Accept = (n, indicated) => n == 0 ? 1 : indicated };
        var (_, socket, peer) = Pair(client.Dispatch());
        socket.EnableEventCallbacks(WskEvents.Receive);
        peer.Write(Bytes("123"));
        var r = Receive(socket, 4, WskFlags.WaitAll);
        Assert.Equal(NtStatus.Pending, r.Returned);
        Assert.Equal(default, r.Irp.IoStatus);
        peer.Write(Bytes("45"));
        Assert.Equal(Bytes("2345"), Got(r));
        // The remainder of that write goes to the callback, which indications resumed for.
        Assert.Equal(0, socket.KeptIndications);
        socket.WskCloseSocket(new Irp());
    }

    [Fact]
    public void A_cancelled_receive_completes_cancelled_and_the_next_receive_gets_the_bytes()
    {
        var (_, socket, peer) = Pair(new Client().Dispatch());
        var cancelled = Receive(socket, 4);
        Assert.Equal(NtStatus.Pending, cancelled.Returned);
        Assert.True(cancelled.Irp.Cancel());
        Assert.True(cancelled.Irp.IsCompleted);
        Assert.Equal(new IoStatus(NtStatus.Cancelled, 0L), cancelled.Irp.IoStatus);

        var next = Receive(socket, 4);
        peer.Write(Bytes("67"));
        Assert.Equal(Bytes("67"), Got(next));
        Assert.All(cancelled.Buffer, b => Assert.Equal(0, b));
        socket.WskCloseSocket(new Irp());
    }

    [Fact]
    public void A_cancelled_second_receive_leaves_the_first_one_in_place()
    {
        var (_, socket, peer) = Pair(new Client().Dispatch());
        var first = Receive(socket, 4);
        var second = Receive(socket, 4);
        Assert.True(second.Irp.Cancel());
        Assert.Equal(NtStatus.Cancelled, second.Irp.IoStatus.Status);
        Assert.False(first.Irp.IsCompleted);
        peer.Write(Bytes("3"));
        Assert.Equal(Bytes("3"), Got(first));
        socket.WskCloseSocket(new Irp());
    }

    [Fact]
    public void Close_completes_every_pending_receive_cancelled_with_what_it_had()
    {
        var (_, socket, peer) = Pair(new Client().Dispatch());
        var partial = Receive(socket, 4, WskFlags.WaitAll);
        var empty = Receive(socket, 4);
        peer.Write(Bytes("12"));
        Assert.False(partial.Irp.IsCompleted);
        var close = new Irp();
        socket.WskCloseSocket(close);
        Assert.Equal(NtStatus.Success, close.IoStatus.Status);
        Assert.Equal(NtStatus.Cancelled, partial.Irp.IoStatus.Status);
        Assert.Equal(NtStatus.Cancelled, empty.Irp.IoStatus.Status);
        Assert.Equal(0L, (long)empty.Irp.IoStatus.Information!);
    }

    [Fact]
    public void A_graceful_end_completes_a_receive_with_zero_bytes_and_tells_the_disconnect_callback_once()
    {
        var client = new Client();
        var (_, socket, peer) = Pair(client.Dispatch());
        socket.EnableEventCallbacks(WskEvents.Disconnect);
        peer.Write(Bytes("12"));
        Assert.Empty(client.Events); // the peek notices data without taking it
        var r = Receive(socket, 8);
        Assert.Equal(Bytes("12"), Got(r));
        peer.Shutdown();
        Assert.Equal(new[] { "disconnect 0" }, client.Events);
        var end = Receive(socket, 8);
        Assert.Equal(new IoStatus(NtStatus.Success, 0L), end.Irp.IoStatus);
        Assert.Equal(new[] { "disconnect 0" }, client.Events);
        socket.WskCloseSocket(new Irp());
    }

    [Fact]
    public void A_reset_is_told_abortive_to_the_disconnect_callback_or_as_a_null_indication_without_one()
    {
        var withDisconnect = new Client();
        var (_, a, peerA) = Pair(withDisconnect.Dispatch());
        a.EnableEventCallbacks(WskEvents.Receive | WskEvents.Disconnect);
        peerA.Reset();
        Assert.Equal(new[] { $"disconnect {WskFlags.Abortive}" }, withDisconnect.Events);
        a.WskCloseSocket(new Irp());

        var receiveOnly = new Client();
        var (_, b, peerB) = Pair(receiveOnly.Dispatch(disconnect: false));
        b.EnableEventCallbacks(WskEvents.Receive);
        peerB.Reset();
        Assert.Equal(new[] { "null indication" }, receiveOnly.Events);
        b.WskCloseSocket(new Irp());

        // A graceful end without a disconnect callback tells the receive callback nothing.
        var graceful = new Client();
        var (_, c, peerC) = Pair(graceful.Dispatch(disconnect: false));
        c.EnableEventCallbacks(WskEvents.Receive);
        peerC.Shutdown();
        Assert.Empty(graceful.Events);
        c.WskCloseSocket(new Irp());
    }

    [Fact]
    public void A_reset_fails_a_pending_receive_and_a_later_one()
    {
        var (_, socket, peer) = Pair(new Client().Dispatch());
        var pending = Receive(socket, 4);
        peer.Reset();
        Assert.True(pending.Irp.IsCompleted);
        Assert.Equal(NtStatus.ConnectionReset, pending.Irp.IoStatus.Status);
        var later = Receive(socket, 4);
        Assert.True(later.Irp.IsCompleted);
        Assert.NotEqual(NtStatus.Success, later.Irp.IoStatus.Status);
        socket.WskCloseSocket(new Irp());
    }

    [Fact]
    public void A_callback_that_throws_frees_the_reader_so_the_socket_can_still_be_closed()
    {
        var client = new Client { Throws = n => n == 0 };
        var (_, socket, peer) = Pair(client.Dispatch());
        socket.EnableEventCallbacks(WskEvents.Receive);
        Assert.Throws<InvalidOperationException>(() => peer.Write(Bytes("12")));
        var close = new Irp();
        Assert.Equal(NtStatus.Success, socket.WskCloseSocket(close));
        Assert.Equal(NtStatus.Success, close.IoStatus.Status);
    }

    [Fact]
    public void Receive_flags_other_than_WAITALL_are_not_supported()
    {
        var (_, socket, _) = Pair(new Client().Dispatch());
        var drain = Receive(socket, 4, WskFlags.Drain);
        Assert.Equal(NtStatus.NotSupported, drain.Returned);
        Assert.Equal(NtStatus.NotSupported, drain.Irp.IoStatus.Status);
        socket.WskCloseSocket(new Irp());
    }

    [Fact]
    public void An_abortive_disconnect_cancels_pending_receives_resets_the_peer_and_reads_nothing_more()
    {
        var client = new Client();
        var (_, socket, peer) = Pair(client.Dispatch());
        var partial = Receive(socket, 4, WskFlags.WaitAll);
        peer.Write(Bytes("1"));
        var disconnect = new Irp();
        Assert.Equal(NtStatus.Success, socket.WskDisconnect(null, WskFlags.Abortive, disconnect));
        Assert.Equal(new IoStatus(NtStatus.Cancelled, 1L), partial.Irp.IoStatus);
        Assert.True(peer.SawReset);
        // The socket stays open, but its reader reads nothing more: a later receive completes at once, with no bytes.
        socket.EnableEventCallbacks(WskEvents.Receive);
        var later = Receive(socket, 4);
        Assert.True(later.Irp.IsCompleted);
        Assert.NotEqual(NtStatus.Pending, later.Returned);
        Assert.Empty(client.Indicated);
        var close = new Irp();
        Assert.Equal(NtStatus.Success, socket.WskCloseSocket(close));
    }
}
