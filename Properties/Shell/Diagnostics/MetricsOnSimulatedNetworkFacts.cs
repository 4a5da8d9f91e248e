using System;
using System.Diagnostics.Metrics;
using System.Linq;
using System.Reactive.Concurrency;
using Wsk.Core;
using Wsk.Shell;
using Wsk.Shell.Simulation;
using Xunit;

namespace Wsk.Properties.Shell.Diagnostics;

/// <summary>
/// The meter's instruments against what happened on a simulated network. Each test has its provider's own meter (an
/// <see cref="OwnMeterFactory"/>), so tests running in parallel never see each other's measurements.
/// </summary>
public sealed class MetricsOnSimulatedNetworkFacts
{
    private static readonly SockAddrIn Server = new(0xC000_0201, 80);
    private static readonly SockAddrIn Nobody = new(0xC000_0201, 81);
    private static readonly (string, object) V4 = ("network.type", "ipv4");

    private sealed class Rig : IDisposable
    {
        public Rig()
        {
            Network = new SimulatedNetwork(Time);
            Listener = Network.Listen(Server);
            var provider = new WskProvider(Network) { MeterFactory = Factory };
            WskRegistration.WskRegister(new WskClientNpi(null, new WskClientDispatch()), provider, out var registration);
            Registration = registration;
            registration.WskCaptureProviderNpi(WskWait.NoWait, out var npi);
            Npi = npi!;
        }

        public HistoricalScheduler Time { get; } = new();
        public OwnMeterFactory Factory { get; } = new();
        public SimulatedNetwork Network { get; }
        public SimulatedListener Listener { get; }
        public WskRegistration Registration { get; }
        public WskProviderNpi Npi { get; }

        public Irp Connect(SockAddr remote, out NtStatus returned)
        {
            var irp = new Irp();
            returned = Npi.Dispatch.WskSocketConnect(ConnectRequest.Tcp(Npi.Client.Id, remote), irp);
            return irp;
        }

        public void Dispose()
        {
            Registration.WskReleaseProviderNpi(Npi);
            Registration.WskDeregister();
            Factory.Dispose();
        }
    }

    private static byte[] Bytes(int count)
    {
        var bytes = new byte[count];
        for (int i = 0; i < count; i++) bytes[i] = (byte)i;
        return bytes;
    }

    [Fact]
    public void Each_instrument_records_the_connects_the_cancel_and_the_bytes_that_happened()
    {
        using var rig = new Rig();
        using var recorder = new MeterRecorder(rig.Factory.Meter!);

        var socket = rig.Connect(Server, out var ok).IoStatus.Socket!;
        Assert.Equal(NtStatus.Success, ok);
        Assert.Equal(1, recorder.Observe("wsk.socket.open"));
        rig.Connect(Nobody, out var refused);
        Assert.Equal(NtStatus.ConnectionRefused, refused);
        rig.Network.ScriptNextConnect(FaultScript.BlackHoleWith(retryBudget: null));
        var pending = rig.Connect(Server, out var pendingReturn);
        Assert.Equal(NtStatus.Pending, pendingReturn);
        Assert.Equal(1, recorder.Sum("wsk.connect.pending", V4));
        pending.Cancel();
        rig.Time.AdvanceBy(TimeSpan.FromSeconds(1));
        Assert.Equal(NtStatus.Cancelled, pending.IoStatus.Status);

        Assert.True(rig.Listener.TryAccept(out var peer));
        var send = new Irp();
        socket.WskSend(WskBuf.Of(Bytes(1000)), 0, send);
        rig.Time.AdvanceBy(TimeSpan.FromSeconds(1));
        Assert.Equal(1000, peer.Read().Length);
        peer.Write(Bytes(300));
        var receive = new Irp();
        socket.WskReceive(WskBuf.Of(new byte[4096]), 0, receive);
        rig.Time.AdvanceBy(TimeSpan.FromSeconds(1));
        Assert.Equal(300L, receive.IoStatus.Information);

        Assert.Equal(3, recorder.Sum("wsk.connect.started", V4));
        Assert.Equal(1, recorder.Sum("wsk.connect.completed", V4, ("wsk.status", "STATUS_SUCCESS")));
        Assert.Equal(1, recorder.Sum("wsk.connect.completed", V4, ("wsk.status", "STATUS_CONNECTION_REFUSED")));
        Assert.Equal(1, recorder.Sum("wsk.connect.completed", V4, ("wsk.status", "STATUS_CANCELLED")));
        Assert.Equal(3, recorder.Count("wsk.connect.completed"));
        Assert.Equal(3, recorder.Count("wsk.connect.duration", V4));
        Assert.All(recorder.All.Where(m => m.Instrument == "wsk.connect.duration"), m => Assert.True(m.Value >= 0));
        Assert.Equal(0, recorder.Sum("wsk.connect.pending", V4));
        Assert.Equal(6, recorder.Count("wsk.connect.pending", V4)); // +1 at each call, -1 at each completion
        Assert.Equal(1, recorder.Sum("wsk.irp.cancelled", ("wsk.operation", "connect")));
        Assert.Equal(1000, recorder.Sum("wsk.socket.sent"));
        Assert.Equal(300, recorder.Sum("wsk.socket.received"));

        var stuck = new Irp();
        socket.WskReceive(WskBuf.Of(new byte[16]), 0, stuck);
        stuck.Cancel();
        Assert.Equal(1, recorder.Sum("wsk.irp.cancelled", ("wsk.operation", "receive")));
        socket.WskCloseSocket(new Irp());
        Assert.Equal(0, recorder.Observe("wsk.socket.open"));
    }

    [Fact]
    public void Bytes_taken_through_the_event_stream_count_as_received_once()
    {
        using var rig = new Rig();
        using var recorder = new MeterRecorder(rig.Factory.Meter!);
        var socket = rig.Connect(Server, out _).IoStatus.Socket!;
        Assert.True(rig.Listener.TryAccept(out var peer));
        long delivered = 0;
        using (socket.Events().Subscribe(e => { if (e is DataReceived data) delivered += data.Data.Length; }))
        {
            peer.Write(Bytes(700));
            rig.Time.AdvanceBy(TimeSpan.FromSeconds(1));
        }
        Assert.Equal(700, delivered);
        Assert.Equal(700, recorder.Sum("wsk.socket.received"));
        socket.WskCloseSocket(new Irp());
    }

    [Fact]
    public void A_listener_that_throws_gets_its_exception_back_and_the_IRP_still_completes()
    {
        using var rig = new Rig();
        using var throwing = new MeterListener
        {
            InstrumentPublished = (i, l) => { if (ReferenceEquals(i.Meter, rig.Factory.Meter)) l.EnableMeasurementEvents(i); },
        };
        throwing.SetMeasurementEventCallback<long>((i, _, _, _) =>
        {
            if (i.Name == "wsk.connect.completed") throw new InvalidOperationException("listener");
        });
        throwing.Start();
        var irp = new Irp();
        Assert.Throws<InvalidOperationException>(() =>
            rig.Npi.Dispatch.WskSocketConnect(ConnectRequest.Tcp(rig.Npi.Client.Id, Server), irp));
        Assert.Equal(NtStatus.Success, irp.IoStatus.Status);
        irp.IoStatus.Socket!.WskCloseSocket(new Irp());
    }

    [Fact]
    public void Nothing_is_measured_while_nobody_listens_and_a_later_listener_sees_nothing_earlier()
    {
        using var rig = new Rig();
        var socket = rig.Connect(Server, out _).IoStatus.Socket!;
        Assert.True(rig.Listener.TryAccept(out var peer));
        socket.WskSend(WskBuf.Of(Bytes(10)), 0, new Irp());
        rig.Time.AdvanceBy(TimeSpan.FromSeconds(1));
        rig.Network.ScriptNextConnect(FaultScript.BlackHoleWith(retryBudget: null));
        var unobserved = rig.Connect(Server, out _);
        Assert.Equal(10, peer.Read().Length);

        using var recorder = new MeterRecorder(rig.Factory.Meter!);
        unobserved.Cancel(); // began unobserved: its completion is not measured either, so pending never goes negative
        rig.Time.AdvanceBy(TimeSpan.FromSeconds(1));
        Assert.Equal(NtStatus.Cancelled, unobserved.IoStatus.Status);
        Assert.Empty(recorder.All);

        rig.Connect(Nobody, out _);
        Assert.Equal(1, recorder.Sum("wsk.connect.started"));
        Assert.Equal(1, recorder.Sum("wsk.connect.completed", ("wsk.status", "STATUS_CONNECTION_REFUSED")));
        Assert.Equal(0, recorder.Sum("wsk.connect.pending"));
        Assert.Equal(1, recorder.Observe("wsk.socket.open")); // a count of what is open, whenever it was opened
        socket.WskCloseSocket(new Irp());
    }
}
