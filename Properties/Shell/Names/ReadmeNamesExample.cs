using System;
using System.Reactive.Concurrency;
using System.Threading.Tasks;
using Wsk.Core;
using Wsk.Shell;
using Wsk.Shell.Simulation;
using Xunit;

namespace Wsk.Properties.Shell.Names;

/// <summary>The name calls' usage example (the block offered for the README's name section), run as written.</summary>
public sealed class ReadmeNamesExample
{
    [Fact]
    public async Task The_name_calls_example_runs_as_written()
    {
        // --- the example ---
        // The faithful form: PENDING, then the IRP completes; the list is in Result, Information stays 0.
        WskRegistration.WskRegister(new WskClientNpi(null, new WskClientDispatch()), SocketTransport.Shared, TableResolver.Loopback,
            out var registration);
        registration.WskCaptureProviderNpi(WskWait.NoWait, out var npi);
        var irp = new Irp();
        var result = new AddressInfoResult();
        NtStatus status = npi!.Dispatch.WskGetAddressInfo(npi.Client, "localhost", "https", NameSpaces.All, null,
            new AddrInfoHints(Family: AddressFamilies.Unspecified, SocketType: SocketTypes.Stream), result, null, null, irp);
        IoStatus io = status.IsPending ? await irp.WaitAsync() : irp.IoStatus;   // STATUS_SUCCESS, Information 0
        foreach (var entry in result.Value!.Entries) Console.WriteLine(entry.Address); // [::1]:443, 127.0.0.1:443
        npi.Dispatch.WskFreeAddressInfo(npi.Client, result.Value);                 // the caller's until freed, once

        // The awaitable form, and the simulated DNS: A and AAAA answered each after its own delay, in virtual time.
        var time = new HistoricalScheduler();
        var network = new SimulatedNetwork(time, seed: 1);
        network.ScriptDns("www.example.test", AddressFamilies.Inet, DnsAnswer.Records(TimeSpan.FromMilliseconds(20), new SockAddrIn(0xC000_0201, 0)));
        network.ScriptDns("www.example.test", AddressFamilies.Inet6, DnsAnswer.NeverAnswers);
        WskRegistration.WskRegister(new WskClientNpi(null, new WskClientDispatch()), network, out var simulated);
        simulated.WskCaptureProviderNpi(WskWait.NoWait, out var sim);
        var lookup = sim!.Dispatch.GetAddressInfoAsync(new AddressInfoRequest(sim.Client.Id, "www.example.test", "80",
            Hints: new AddrInfoHints(Family: AddressFamilies.Inet)));
        time.AdvanceBy(TimeSpan.FromMilliseconds(20));
        AddressInfoCompletion done = await lookup;                                 // 192.0.2.1:80
        if (done.IsSuccess) sim.Dispatch.WskFreeAddressInfo(sim.Client, done.AddressInfo);
        // --- end of the example ---

        Assert.Equal((NtStatus.Pending, NtStatus.Success, (object?)0L), (status, io.Status, io.Information));
        Assert.True(result.Value.IsFreed);
        Assert.Equal(new SockAddrIn(0xC000_0201, 80), Assert.Single(done.AddressInfo!.Entries).Address);
        Assert.True(done.AddressInfo.IsFreed);
        registration.WskReleaseProviderNpi(npi);
        registration.WskDeregister();
        simulated.WskReleaseProviderNpi(sim);
        simulated.WskDeregister();
    }
}
