using System;
using System.Reactive.Concurrency;
using Wsk.Core;
using Wsk.Shell;
using Wsk.Shell.Simulation;
using Xunit;

namespace Wsk.Properties.Shell.Reactive;

/// <summary>The README's example of the Rx conventions (delivery scheduler, retry, errors) is this test's body.</summary>
public sealed class RxConventionsExample
{
    [Fact]
    public void The_example_runs()
    {
        var time = new HistoricalScheduler();
        var network = new SimulatedNetwork(time);
        var server = network.Listen(new SockAddrIn(0xC000_0201, 80));
        network.ScriptNextConnect(FaultScript.PendingFor(TimeSpan.FromMilliseconds(10), ConnectFault.Refuse));
        WskRegistration.WskRegister(new WskClientNpi(null, new WskClientDispatch()), network, out var registration);
        registration.WskCaptureProviderNpi(WskWait.NoWait, out var npi);

        // RX-EXAMPLE-BEGIN
        var request = ConnectRequest.Tcp(npi!.Client.Id, server.Endpoint);
        var backoff = WskStatusReactive.ExponentialBackoff(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(2));
        ConnectCompletion? done = null;
        using (npi.Dispatch.ConnectObservable(request, scheduler: time) // delivered on `time`, never inside Subscribe
            .RetryOnStatus(maxAttempts: 3, backoff, time)                // a new IRP per attempt, refused/timeouts only
            .ErrorOnStatus(WskStatusReactive.IsTransient)                // still failing: OnError(WskStatusException)
            .Subscribe(c => done = c))
        {
            time.AdvanceBy(TimeSpan.FromSeconds(1));                     // refused at 10 ms, connected at 110 ms
        }
        done!.Socket!.WskCloseSocket(new Irp());                         // exactly one socket, handed over once
        // RX-EXAMPLE-END

        Assert.Equal(NtStatus.Success, done.Status);
        Assert.Equal(0, registration.OpenSockets);
        registration.WskReleaseProviderNpi(npi);
        registration.WskDeregister();
    }
}
