using System;
using System.Collections.Generic;
using System.Reactive.Concurrency;
using Wsk.Core;
using Wsk.Properties.Shell.Simulation;
using Wsk.Shell;
using Xunit;

namespace Wsk.Properties.Shell.Reactive;

/// <summary>
/// The optional delivery scheduler of the observable forms: without one, a call answered inside itself is delivered
/// inside Subscribe (rule ReturnedIsCompleted); with one, nothing is delivered inside Subscribe and everything is
/// delivered when the scheduler runs, and a subscriber that leaves before that leaks nothing.
/// </summary>
public sealed class DeliverySchedulerFacts
{
    private sealed class Probe<T> : IObserver<T>
    {
        public List<T> Values { get; } = new();
        public Exception? Error { get; private set; }
        public bool Completed { get; private set; }
        public int Signals => Values.Count + (Error is null ? 0 : 1) + (Completed ? 1 : 0);
        public void OnNext(T value) => Values.Add(value);
        public void OnError(Exception error) => Error = error;
        public void OnCompleted() => Completed = true;
    }

    /// <summary>Subscribes, checks that nothing arrived inside Subscribe, runs the scheduler, returns the one value.</summary>
    private static T DeliveredLater<T>(IObservable<T> observable, HistoricalScheduler delivery)
    {
        var probe = new Probe<T>();
        using (observable.Subscribe(probe))
        {
            Assert.Equal(0, probe.Signals);
            delivery.AdvanceBy(TimeSpan.FromTicks(1));
        }
        Assert.True(probe.Completed);
        return Assert.Single(probe.Values);
    }

    [Fact]
    public void Without_a_scheduler_an_inline_connect_is_delivered_inside_Subscribe()
    {
        var rig = new SimulatedRig();
        var probe = new Probe<ConnectCompletion>();

        rig.Npi.Dispatch.ConnectObservable(ConnectRequest.Tcp(rig.Npi.Client.Id, SimulatedRig.Server)).Subscribe(probe);

        Assert.Equal(2, probe.Signals);
        Assert.Equal(NtStatus.Success, probe.Values[0].ReturnStatus);
        probe.Values[0].Socket!.WskCloseSocket(new Irp());
        rig.Finish();
    }

    [Fact]
    public void With_a_scheduler_every_form_delivers_only_when_the_scheduler_runs()
    {
        var rig = new SimulatedRig();
        var delivery = new HistoricalScheduler();
        var dispatch = rig.Npi.Dispatch;

        var connected = DeliveredLater(dispatch.ConnectObservable(ConnectRequest.Tcp(rig.Npi.Client.Id, SimulatedRig.Server), delivery), delivery);
        Assert.Equal(NtStatus.Success, connected.ReturnStatus);
        var socket = connected.Socket!;
        Assert.True(rig.Listener.TryAccept(out var peer));
        Assert.Equal(3, DeliveredLater(socket.SendObservable(WskBuf.Of(new byte[3]), scheduler: delivery), delivery).Bytes);
        peer.Write(new byte[2]);
        Assert.Equal(2, DeliveredLater(socket.ReceiveObservable(WskBuf.Of(new byte[8]), scheduler: delivery), delivery).Bytes);
        socket.WskCloseSocket(new Irp());

        var unconnected = DeliveredLater(dispatch.Socket(new SocketRequest(rig.Npi.Client.Id, AddressFamilies.Inet), delivery), delivery).Socket!;
        const uint Level = SocketOptionCodes.SolSocket, Reuse = SocketOptionCodes.ReuseAddress;
        Assert.Equal(NtStatus.Success, DeliveredLater(unconnected.SetOption(Level, Reuse, 1, delivery), delivery).Status);
        Assert.Equal(1u, DeliveredLater(unconnected.GetOption(Level, Reuse, delivery), delivery).Value);
        Assert.Equal(NtStatus.Success, DeliveredLater(unconnected.Bind(SockAddrIn.Any(), delivery), delivery).Status);
        var second = DeliveredLater(unconnected.ConnectObservable(SimulatedRig.Server, delivery), delivery);
        Assert.Equal(NtStatus.Success, second.Status);
        second.Socket!.WskCloseSocket(new Irp());

        var query = dispatch.ControlClient(rig.Npi.Client, ClientControlCodes.TransportListQuery, outputSize: 256, scheduler: delivery);
        Assert.Equal(NtStatus.Success, DeliveredLater(query, delivery).Status);
        var captured = DeliveredLater(rig.Registration.Capture(WskWait.NoWait, delivery), delivery);
        rig.Registration.WskReleaseProviderNpi(captured.Npi!);
        rig.Finish();
    }

    [Fact]
    public void With_a_scheduler_a_contract_violation_is_an_error_delivered_when_the_scheduler_runs()
    {
        var rig = new SimulatedRig();
        var delivery = new HistoricalScheduler();
        var (socket, _) = rig.Pair();
        socket.WskCloseSocket(new Irp());
        var probe = new Probe<IoCompletion>();

        socket.SendObservable(WskBuf.Of(new byte[1]), scheduler: delivery).Subscribe(probe);
        Assert.Equal(0, probe.Signals);
        delivery.AdvanceBy(TimeSpan.FromTicks(1));

        Assert.IsType<WskContractViolationException>(probe.Error);
        Assert.Equal(1, probe.Signals);
        rig.Finish();
    }

    [Fact]
    public void Leaving_before_the_scheduled_delivery_closes_the_socket_and_delivers_nothing()
    {
        var rig = new SimulatedRig();
        var delivery = new HistoricalScheduler();
        var probe = new Probe<ConnectCompletion>();

        var subscription = rig.Npi.Dispatch.ConnectObservable(ConnectRequest.Tcp(rig.Npi.Client.Id, SimulatedRig.Server), delivery).Subscribe(probe);
        Assert.Equal(1, rig.Registration.OpenSockets); // connected inline, not yet delivered
        subscription.Dispose();
        delivery.AdvanceBy(TimeSpan.FromSeconds(1));
        rig.Time.AdvanceBy(TimeSpan.FromSeconds(1));

        Assert.Equal(0, probe.Signals);
        Assert.Equal(0, rig.Registration.OpenSockets);
        rig.Finish();
    }

    [Fact]
    public void A_pending_connect_is_delivered_on_the_scheduler_after_it_completes()
    {
        var rig = new SimulatedRig();
        var delivery = new HistoricalScheduler();
        rig.Network.ScriptNextConnect(Wsk.Shell.Simulation.FaultScript.PendingFor(TimeSpan.FromMilliseconds(10)));
        var probe = new Probe<ConnectCompletion>();

        using (rig.Npi.Dispatch.ConnectObservable(ConnectRequest.Tcp(rig.Npi.Client.Id, SimulatedRig.Server), delivery).Subscribe(probe))
        {
            rig.Time.AdvanceBy(TimeSpan.FromSeconds(1));
            Assert.Equal(0, probe.Signals); // completed, but the delivery scheduler has not run
            delivery.AdvanceBy(TimeSpan.FromTicks(1));
        }

        Assert.Equal(2, probe.Signals);
        Assert.Equal(NtStatus.Pending, probe.Values[0].ReturnStatus);
        probe.Values[0].Socket!.WskCloseSocket(new Irp());
        rig.Finish();
    }
}
