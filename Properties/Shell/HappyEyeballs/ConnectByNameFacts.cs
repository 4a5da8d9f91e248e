using System;
using System.Linq;
using System.Net;
using System.Reactive.Concurrency;
using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using System.Threading.Tasks;
using Wsk.Core;
using Wsk.Shell;
using Wsk.Shell.Simulation;
using Xunit;
using static Wsk.Properties.Shell.HappyEyeballs.EyeballsWorld;

namespace Wsk.Properties.Shell.HappyEyeballs;

/// <summary>
/// A connect by name end to end on the simulated network: the lookups are WskGetAddressInfo IRPs answered by its DNS in
/// virtual time, the attempts WskSocketConnect IRPs; the Rx form cancels on dispose and closes a socket nobody takes.
/// </summary>
public class ConnectByNameFacts
{
    /// <summary>A world where 192.0.2.1 accepts after 1 ms and 2001:db8::1 is a black hole.</summary>
    private static EyeballsWorld World()
    {
        var w = new EyeballsWorld(seed: 3);
        w.Network.Listen(Four);
        w.Network.ScriptEndpoint(Six, new FaultScript(ConnectFault.BlackHole, CompletionTiming.Pending));
        w.Network.ScriptEndpoint(Four, FaultScript.PendingFor(TimeSpan.FromMilliseconds(1)));
        return w;
    }

    [Fact]
    public async Task A_name_whose_IPv6_address_is_black_holed_connects_over_IPv4_one_attempt_delay_after_the_lookups()
    {
        var w = World();
        w.Network.ScriptDns("dual.test", AddressFamilies.Inet6, DnsAnswer.Records(TimeSpan.FromMilliseconds(20), Six with { Port = 0 }));
        w.Network.ScriptDns("dual.test", AddressFamilies.Inet, DnsAnswer.Records(TimeSpan.FromMilliseconds(20), Four with { Port = 0 }));
        int wonAt = -1;
        var connect = w.Npi.ConnectAsync("dual.test", 443, scheduler: w.Time,
            onStep: s => { if (s.Event.Kind == EyeballsEventKind.Won) wonAt = w.Now; });
        w.Run(270);
        Assert.False(connect.IsCompleted);
        w.Run(1);
        var done = await connect;
        Assert.Equal(Four, done.Address);
        Assert.Equal(271, wonAt); // both answers at 20 ms, IPv6 first, IPv4 250 ms later, 1 ms to connect
        Assert.Equal(2, done.Attempts.Count);
        done.Socket!.Dispose();
        Assert.Empty(w.Finish()); // every address-info list was freed, every IRP completed once
    }

    [Fact]
    public async Task A_name_nobody_knows_fails_with_STATUS_NOT_FOUND_and_no_attempt()
    {
        var w = World();
        var connect = w.Npi.ConnectAsync(new DnsEndPoint("nobody.test", 443), null);
        w.Run(1_000);
        var done = await connect;
        Assert.Equal(NtStatus.NotFound, done.Status);
        Assert.Empty(done.Attempts);
        Assert.Empty(w.Finish());
    }

    [Fact]
    public async Task The_observable_connects_per_subscription_and_a_dispose_before_the_outcome_cancels_every_lookup_and_attempt()
    {
        var w = World();
        var lookups = new ScriptedLookups(w.Time, new ScriptedAnswer(TimeSpan.Zero, NtStatus.Success, new SockAddr[] { Six }),
            new ScriptedAnswer(TimeSpan.Zero, NtStatus.Success, new SockAddr[] { Four }));
        var connects = w.Npi.Dispatch.ConnectObservable(w.Npi.Client.Id, lookups, 443, scheduler: w.Time);
        Assert.Empty(lookups.Asked); // cold

        EyeballsCompletion? seen = null;
        var subscription = connects.Subscribe(c => seen = c);
        w.Run(100); // the IPv6 attempt is pending in its black hole
        subscription.Dispose();
        w.Run(1_000);
        Assert.Null(seen);
        Assert.Equal(0, w.Registration.OpenSockets);

        var again = connects.FirstAsync().ToTask(); // a new subscription: a new connect
        w.Run(1_000);
        var second = await again;
        Assert.Equal(Four, second!.Address);
        second.Socket!.Dispose();
        Assert.Empty(w.Finish());
    }
}
