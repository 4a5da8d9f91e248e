using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Sockets;
using System.Threading;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Wsk.Core;
using Wsk.Shell;
using Xunit;

namespace Wsk.Properties.Shell.DataPath;

/// <summary>
/// Close, disconnect and the callback switch on loopback (rules CloseCompletesPending, CallbacksStartDisabled,
/// DisableWhileRunningWaits).
/// </summary>
public class LifecycleProperties : IDisposable
{
    // Far more than loopback buffers take while the peer reads nothing (its receive buffer is shrunk), so the send pends.
    private static readonly byte[] Big = new byte[8 * 1024 * 1024];
    private readonly PeerWorld _world;

    public LifecycleProperties() : this(new OsTransport()) { }

    /// <summary>The same properties over <paramref name="transport"/>.</summary>
    protected LifecycleProperties(ITransport transport) => _world = new PeerWorld(transport: transport);

    private (WskConnectedSocket Ours, Socket Peer, CallbackLog Log) Pair(bool shrinkPeer)
    {
        var log = new CallbackLog();
        var (ours, peer) = _world.Pair(log.Dispatch, log);
        if (shrinkPeer) peer.ReceiveBufferSize = 4096;
        return (ours, peer, log);
    }

    [Property(MaxTest = 30)]
    public Property Close_with_N_pending_IRPs_completes_N_plus_one_and_no_callback_follows() =>
        Prop.ForAll(
            ClosePlans.Upto(maxSends: 2),
            plan =>
            {
                var (ours, peer, log) = Pair(shrinkPeer: true);
                ours.EnableEventCallbacks(plan.events == 0 ? WskEvents.Disconnect : plan.events);
                var pending = new List<(string What, Irp Irp, NtStatus Returned)>();
                for (int i = 0; i < plan.receives; i++)
                {
                    var irp = new Irp();
                    pending.Add(("receive", irp, ours.WskReceive(WskBuf.Of(new byte[64]), 0, irp)));
                }
                for (int i = 0; i < plan.sends; i++) { var irp = new Irp(); pending.Add(("send", irp, ours.WskSend(WskBuf.Of(Big), 0, irp))); }
                if (plan.disconnect) { var irp = new Irp(); pending.Add(("graceful disconnect", irp, ours.WskDisconnect(null, 0, irp))); }
                int stillPending = pending.Count(p => p.Returned.IsPending);

                var close = new Irp();
                var closeReturned = ours.WskCloseSocket(close);
                int callbacksAtClose = log.Count;
                // The peer learns of the close (a reset); then it writes and shuts down: none of it may reach a callback.
                var (_, reset) = PeerWorld.ReadToEnd(peer).Result;
                try { peer.Send(new byte[] { 1, 2, 3 }); } catch (SocketException) { }
                peer.Dispose();

                bool once = pending.All(p => p.Irp.CompletionCount == 1 && p.Irp.Violations.Count == 0)
                            && close.CompletionCount == 1 && close.IoStatus.Status == NtStatus.Success;
                bool cancelled = pending.Where(p => p.Returned.IsPending).All(p => p.Irp.IoStatus.Status == NtStatus.Cancelled);
                // The peer sees the close as a reset, unless our finished graceful disconnect already ended its stream.
                bool finSent = pending.Any(p => p.What == "graceful disconnect" && p.Irp.IoStatus.Status == NtStatus.Success);
                return (once && cancelled && closeReturned == NtStatus.Success && log.Count == callbacksAtClose && (reset || finSent)
                        && _world.Registration.OpenSockets == 0)
                    .Label($"{plan}: pending {stillPending}, " +
                           $"[{string.Join(", ",
                               pending.Select(p => $"{p.What} {p.Returned.Name}→{p.Irp.IoStatus.Status.Name}×{p.Irp.CompletionCount}"))}], " +
                           $"close {closeReturned.Name}×{close.CompletionCount}, callbacks after close {log.Count - callbacksAtClose}, peer saw reset {reset}")
                    .Collect($"{stillPending + 1} IRPs completed by close");
            });

    [Fact]
    public void No_callback_runs_before_it_is_enabled_and_a_zero_byte_receive_reports_the_FIN()
    {
        var (ours, peer, log) = Pair(shrinkPeer: false);
        peer.Send(new byte[] { 10, 20, 30 });
        peer.Shutdown(SocketShutdown.Send);
        var got = new List<byte>();
        while (true)
        {
            var buffer = new byte[2];
            var irp = new Irp();
            var io = ours.WskReceive(WskBuf.Of(buffer), 0, irp).IsPending ? PeerWorld.Wait(irp) : irp.IoStatus;
            Assert.Equal(NtStatus.Success, io.Status);
            long n = (long)io.Information!;
            if (n == 0) break;
            got.AddRange(buffer.Take((int)n));
        }
        Assert.Equal(new byte[] { 10, 20, 30 }, got);
        Assert.Equal(0, log.Count); // data and FIN came and went, and no callback ran: none was enabled
        Assert.Equal(0u, ours.EnabledEvents);
        ours.WskCloseSocket(new Irp());
        peer.Dispose();
    }

    [Fact]
    public async System.Threading.Tasks.Task Abortive_disconnect_cancels_pending_sends_and_a_graceful_disconnect_that_could_not_finish_and_resets_the_peer()
    {
        var (ours, peer, _) = Pair(shrinkPeer: true);
        var send = new Irp();
        Assert.Equal(NtStatus.Pending, ours.WskSend(WskBuf.Of(Big), 0, send));
        var graceful = new Irp();
        // The peer reads nothing: the graceful disconnect waits behind the send and cannot finish on its own.
        Assert.Equal(NtStatus.Pending, ours.WskDisconnect(null, 0, graceful));
        Assert.False(graceful.IsCompleted);
        var abort = new Irp();
        Assert.Equal(NtStatus.InvalidParameter, ours.WskDisconnect(WskBuf.Of(new byte[1]), WskFlags.Abortive, new Irp()));
        Assert.Equal(NtStatus.Success, ours.WskDisconnect(null, WskFlags.Abortive, abort));
        Assert.Equal(NtStatus.Cancelled, send.IoStatus.Status);
        Assert.Equal(NtStatus.Cancelled, graceful.IoStatus.Status);
        Assert.Equal((1, 1), (send.CompletionCount, graceful.CompletionCount));
        var (_, reset) = await PeerWorld.ReadToEnd(peer);
        Assert.True(reset);
        Assert.Equal(NtStatus.InvalidConnection, ours.WskSend(WskBuf.Of(new byte[1]), 0, new Irp()));
        Assert.Equal(NtStatus.InvalidConnection, ours.WskReceive(WskBuf.Of(new byte[1]), 0, new Irp()));
        ours.WskCloseSocket(new Irp());
        peer.Dispose();
    }

    [Fact]
    public void Disabling_an_event_whose_callback_runs_waits_for_it()
    {
        using var inside = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var log = new CallbackLog(onReceive: () => { inside.Set(); release.Wait(TimeSpan.FromSeconds(10)); });
        var (ours, peer) = _world.Pair(log.Dispatch, log);
        Assert.Equal(NtStatus.Success, ours.EnableEventCallbacks(WskEvents.Receive | WskEvents.Disconnect));
        peer.Send(new byte[] { 1 });
        Assert.True(inside.Wait(TimeSpan.FromSeconds(10)));

        Assert.Equal(NtStatus.EventPending, ours.DisableEventCallback(WskEvents.Receive)); // no IRP: told, not waited
        var disable = new Irp();
        Assert.Equal(NtStatus.Pending, ours.DisableEventCallback(WskEvents.Receive, disable)); // with an IRP: completes on return
        Assert.Equal(NtStatus.Success, ours.DisableEventCallback(WskEvents.Disconnect));        // not running: at once
        Assert.Equal(NtStatus.InvalidParameter, ours.DisableEventCallback(WskEvents.Receive | WskEvents.Disconnect));
        Assert.False(disable.IsCompleted);
        var close = new Irp();
        Assert.Equal(NtStatus.Pending, ours.WskCloseSocket(close)); // close also waits for the running callback
        release.Set();
        Assert.Equal(NtStatus.Success, PeerWorld.Wait(close).Status);
        Assert.Equal(1, disable.CompletionCount);
        Assert.Equal(1, log.Count);
        peer.Dispose();
    }

    [Fact]
    public void Unsupported_flags_and_malformed_buffers_get_their_statuses()
    {
        var (ours, peer, _) = Pair(shrinkPeer: false);
        Assert.Equal(NtStatus.NotSupported, ours.WskSend(WskBuf.Of(new byte[1]), WskFlags.Oob, new Irp()));
        Assert.Equal(NtStatus.NotSupported, ours.WskReceive(WskBuf.Of(new byte[1]), WskFlags.Drain, new Irp()));
        Assert.Equal(NtStatus.InvalidParameter, ours.WskSend(new WskBuf(new byte[4], 3, 2), 0, new Irp()));
        Assert.Equal(NtStatus.InvalidParameter, ours.WskReceive(new WskBuf(new byte[4], -1, 1), 0, new Irp()));
        Assert.Equal(NtStatus.InvalidParameter, ours.EnableEventCallbacks(WskEvents.SendBacklog)); // the dispatch gave no such callback
        Assert.Equal(NtStatus.NotSupported, ours.WskControlSocket(WskControlSocketType.GetOption, SocketOptionCodes.WskEventCallback,
            SocketOptionCodes.SolSocket, null, null));
        ours.WskCloseSocket(new Irp());
        peer.Dispose();
    }

    [Fact]
    public void Static_events_are_enabled_on_a_new_socket_and_cannot_be_disabled()
    {
        _world.Npi.Client.StaticEventMask = WskEvents.Disconnect | WskEvents.SendBacklog; // what WSK_SET_STATIC_EVENT_CALLBACKS records
        try
        {
            var (ours, peer, _) = Pair(shrinkPeer: false);
            Assert.Equal(WskEvents.Disconnect, ours.EnabledEvents); // the dispatch has no send-backlog callback
            Assert.Equal(NtStatus.InvalidParameter, ours.DisableEventCallback(WskEvents.Disconnect));
            Assert.Equal(NtStatus.Success, ours.EnableEventCallbacks(WskEvents.Receive));
            Assert.Equal(NtStatus.Success, ours.DisableEventCallback(WskEvents.Receive));
            ours.WskCloseSocket(new Irp());
            peer.Dispose();
        }
        finally
        {
            _world.Npi.Client.StaticEventMask = 0;
        }
    }

    /// <summary>Counts callbacks and checks each gets the socket's context.</summary>
    private sealed class CallbackLog
    {
        private int _count;

        public CallbackLog(Action? onReceive = null) =>
            Dispatch = new ConnectionDispatch(
                ReceiveEvent: (object? context, uint _, DataIndication? _, long indicated, out long accepted) =>
                {
                    Interlocked.Increment(ref _count);
                    onReceive?.Invoke();
                    accepted = indicated;
                    return NtStatus.Success;
                },
                DisconnectEvent: (_, _) =>
                {
                    Interlocked.Increment(ref _count);
                    return NtStatus.Success;
                });

        public ConnectionDispatch Dispatch { get; }
        public int Count => Volatile.Read(ref _count);
    }

    public void Dispose() => _world.Dispose();
}
