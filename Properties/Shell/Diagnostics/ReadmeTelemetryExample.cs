using System;
using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Sockets;
using System.Threading.Tasks;
using Wsk.Core;
using Wsk.Shell;
using Xunit;

namespace Wsk.Properties.Shell.Diagnostics;

/// <summary>The README's observability example, compiled and run against the shared meter.</summary>
public sealed class ReadmeTelemetryExample
{
    [Fact]
    public async Task The_example_sees_its_connect_on_the_shared_meter()
    {
        using var server = new TcpListener(IPAddress.Loopback, 0);
        server.Start();
        ushort port = (ushort)((IPEndPoint)server.LocalEndpoint).Port;
        var seen = new ConcurrentQueue<string>();
        WskRegistration.WskRegister(new WskClientNpi(null, new WskClientDispatch()), out var registration);
        registration.WskCaptureProviderNpi(WskWait.NoWait, out var npi);

        // README-TELEMETRY-BEGIN
        using var meters = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == WskTelemetry.MeterName) listener.EnableMeasurementEvents(instrument);
            },
        };
        // e.g. "wsk.connect.completed 1 [network.type, ipv4],[wsk.status, STATUS_SUCCESS]"
        meters.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
            seen.Enqueue($"{instrument.Name} {value} {string.Join(",", tags.ToArray())}"));
        meters.Start();

        var done = await npi!.Dispatch.ConnectAsync(ConnectRequest.Tcp(npi.Client.Id, SockAddrIn.Loopback(port)));
        // README-TELEMETRY-END

        Assert.Equal(NtStatus.Success, done.Status);
        Assert.Contains(seen, line => line.StartsWith("wsk.connect.completed 1 ", StringComparison.Ordinal)
            && line.Contains("[wsk.status, STATUS_SUCCESS]", StringComparison.Ordinal));
        await done.Socket!.CloseAsync();
        registration.WskReleaseProviderNpi(npi);
        registration.WskDeregister();
    }
}
