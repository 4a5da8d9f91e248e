using System;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading.Tasks;
using Wsk.Core;
using Wsk.Shell;
using Xunit;

namespace Wsk.Properties.Shell.Diagnostics;

/// <summary>
/// The meter and the connect spans on real loopback sockets. The meter is the provider's own; the spans are told
/// apart from other tests' by the trace of a root activity each test starts.
/// </summary>
public sealed class TelemetryOnLoopbackFacts
{
    private static readonly ActivitySource TestSource = new("Wsk.Properties.Telemetry");

    private sealed class Rig : IDisposable
    {
        public Rig()
        {
            Listener.Start();
            Listener6.Start();
            Closed.Bind(new IPEndPoint(IPAddress.Loopback, 0)); // bound, never listening: a connect is refused
            var provider = new WskProvider(new OsTransport()) { MeterFactory = Factory };
            WskRegistration.WskRegister(new WskClientNpi(null, new WskClientDispatch()), provider, out var registration);
            Registration = registration;
            registration.WskCaptureProviderNpi(WskWait.NoWait, out var npi);
            Npi = npi!;
        }

        public OwnMeterFactory Factory { get; } = new();
        public TcpListener Listener { get; } = new(IPAddress.Loopback, 0);
        public TcpListener Listener6 { get; } = new(IPAddress.IPv6Loopback, 0);
        public Socket Closed { get; } = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        public WskRegistration Registration { get; }
        public WskProviderNpi Npi { get; }
        public ushort Port => (ushort)((IPEndPoint)Listener.LocalEndpoint).Port;
        public ushort Port6 => (ushort)((IPEndPoint)Listener6.LocalEndpoint).Port;
        public ushort ClosedPort => (ushort)((IPEndPoint)Closed.LocalEndPoint!).Port;

        public async Task<ConnectCompletion> ConnectAsync(SockAddr remote)
        {
            var connect = Npi.Dispatch.ConnectAsync(ConnectRequest.Tcp(Npi.Client.Id, remote));
            return await connect.AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        }

        public void Dispose()
        {
            Registration.WskReleaseProviderNpi(Npi);
            Registration.WskDeregister();
            Listener.Stop();
            Listener6.Stop();
            Closed.Dispose();
            Factory.Dispose();
        }
    }

    [Fact]
    public async Task The_meter_counts_loopback_connects_by_status_and_family_and_the_bytes_that_moved()
    {
        using var rig = new Rig();
        using var recorder = new MeterRecorder(rig.Factory.Meter!);

        var v4 = await rig.ConnectAsync(SockAddrIn.Loopback(rig.Port));
        var v6 = await rig.ConnectAsync(SockAddrIn6.Loopback(rig.Port6));
        var refused = await rig.ConnectAsync(SockAddrIn.Loopback(rig.ClosedPort));
        Assert.Equal(NtStatus.Success, v4.Status);
        Assert.Equal(NtStatus.Success, v6.Status);
        Assert.Equal(NtStatus.ConnectionRefused, refused.Status);
        Assert.Equal(2, recorder.Observe("wsk.socket.open"));

        using var peer = await rig.Listener.AcceptSocketAsync().WaitAsync(TimeSpan.FromSeconds(10));
        var hello = Encoding.ASCII.GetBytes("hello"); // at run time: the Coyote rewrite breaks constant arrays
        var sent = await v4.Socket!.SendAsync(WskBuf.Of(hello));
        Assert.Equal(5, sent.Bytes);
        var got = new byte[16];
        int read = 0;
        while (read < 5) read += await peer.ReceiveAsync(got.AsMemory(read)).AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        await peer.SendAsync(got.AsMemory(0, 3));
        var received = await v4.Socket!.ReceiveAsync(WskBuf.Of(new byte[16]));
        Assert.Equal(3, received.Bytes);

        Assert.Equal(3, recorder.Sum("wsk.connect.started"));
        Assert.Equal(1, recorder.Sum("wsk.connect.completed", ("network.type", "ipv4"), ("wsk.status", "STATUS_SUCCESS")));
        Assert.Equal(1, recorder.Sum("wsk.connect.completed", ("network.type", "ipv6"), ("wsk.status", "STATUS_SUCCESS")));
        Assert.Equal(1, recorder.Sum("wsk.connect.completed", ("network.type", "ipv4"), ("wsk.status", "STATUS_CONNECTION_REFUSED")));
        Assert.Equal(3, recorder.Count("wsk.connect.duration"));
        Assert.Equal(0, recorder.Sum("wsk.connect.pending"));
        Assert.Equal(5, recorder.Sum("wsk.socket.sent"));
        Assert.Equal(3, recorder.Sum("wsk.socket.received"));

        await v4.Socket!.CloseAsync();
        await v6.Socket!.CloseAsync();
        Assert.Equal(0, recorder.Observe("wsk.socket.open"));
    }

    [Fact]
    public async Task Each_connect_is_one_span_started_and_stopped_once_with_its_addresses_and_status()
    {
        using var rig = new Rig();
        var started = new ConcurrentQueue<Activity>();
        var stopped = new ConcurrentQueue<Activity>();
        using var root = new Activity("test");
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name is WskTelemetry.ActivitySourceName or "Wsk.Properties.Telemetry",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStarted = a => { if (a.TraceId == root.TraceId && a != root) started.Enqueue(a); },
            ActivityStopped = a => { if (a.TraceId == root.TraceId && a != root) stopped.Enqueue(a); },
        };
        ActivitySource.AddActivityListener(listener);
        root.Start();

        var ok = await rig.ConnectAsync(SockAddrIn.Loopback(rig.Port));
        Assert.Same(root, Activity.Current); // the span does not stay the caller's ambient activity
        var refused = await rig.ConnectAsync(SockAddrIn.Loopback(rig.ClosedPort));
        root.Stop();

        Assert.Equal(2, started.Count);
        Assert.Equal(2, stopped.Count);
        Assert.Equal(started.ToArray(), stopped.ToArray());
        Assert.All(stopped, a =>
        {
            Assert.Equal(WskTelemetry.ConnectActivityName, a.OperationName);
            Assert.Equal(WskTelemetry.ActivitySourceName, a.Source.Name);
            Assert.Equal(ActivityKind.Client, a.Kind);
            Assert.Equal(root.SpanId, a.ParentSpanId);
            Assert.Equal("127.0.0.1", a.GetTagItem("network.peer.address"));
            Assert.Equal("ipv4", a.GetTagItem("network.type"));
        });
        var success = stopped.Single(a => (int)a.GetTagItem("network.peer.port")! == rig.Port);
        Assert.Equal("STATUS_SUCCESS", success.GetTagItem("wsk.status"));
        Assert.Equal(ActivityStatusCode.Unset, success.Status);
        Assert.Equal("127.0.0.1", success.GetTagItem("network.local.address"));
        Assert.Equal(((SockAddrIn)ok.Socket!.LocalAddress!).Port, (int)success.GetTagItem("network.local.port")!);
        var failure = stopped.Single(a => (int)a.GetTagItem("network.peer.port")! == rig.ClosedPort);
        Assert.Equal("STATUS_CONNECTION_REFUSED", failure.GetTagItem("wsk.status"));
        Assert.Equal(ActivityStatusCode.Error, failure.Status);
        Assert.Equal("STATUS_CONNECTION_REFUSED", failure.GetTagItem("error.type"));
        Assert.Equal(NtStatus.ConnectionRefused, refused.Status);
        await ok.Socket.CloseAsync();
    }
}
