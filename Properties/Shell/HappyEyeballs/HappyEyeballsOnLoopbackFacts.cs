using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading.Tasks;
using Wsk.Core;
using Wsk.Examples;
using Wsk.Shell;
using Xunit;

namespace Wsk.Properties.Shell.HappyEyeballs;

/// <summary>
/// Happy Eyeballs on the real loopback: a name that resolves to ::1 and 127.0.0.1 where ::1 drops every SYN (its
/// listen(0) queue full, never drained). The IPv6 attempt cannot finish; the IPv4 attempt starts after the attempt
/// delay and wins, and the IPv6 one is cancelled.
/// </summary>
public sealed class HappyEyeballsOnLoopbackFacts
{
    [Fact]
    public async Task Against_a_black_holed_IPv6_loopback_IPv4_wins_after_the_attempt_delay_and_IPv6_is_cancelled()
    {
        using var hole = DualStackBlackHole.TryStart(out _);
        if (hole is null) return; // no ::1 here: nothing to race
        WskRegistration.WskRegister(new WskClientNpi(null, new WskClientDispatch()), WskProvider.Shared.Transport,
            EyeballsDemo.Resolver, out var registration);
        registration.WskCaptureProviderNpi(WskWait.NoWait, out var npi);
        Assert.NotNull(npi);
        var steps = new List<EyeballsStep>();
        try
        {
            var clock = Stopwatch.StartNew();
            var completion = await npi.ConnectAsync(EyeballsDemo.Name, hole.Port, onStep: s => { lock (steps) steps.Add(s); })
                .WaitAsync(TimeSpan.FromSeconds(30));
            var elapsed = clock.Elapsed;

            Assert.Equal(NtStatus.Success, completion.Status);
            Assert.Equal(SockAddrIn.Loopback((ushort)hole.Port), completion.Address);
            Assert.InRange(elapsed, TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(2));
            Assert.NotNull(completion.Socket);
            completion.Socket.Dispose();
            Assert.Equal(0, registration.OpenSockets);
            EyeballsStep[] seen;
            lock (steps) seen = steps.ToArray();
            var v6 = seen.First(s => s.Event.Kind == EyeballsEventKind.AttemptStarted).Event;
            Assert.Equal(AddressFamilies.Inet6, v6.Address!.Family);
            Assert.Contains(seen, s => s.Event.Kind == EyeballsEventKind.AttemptCancelled && s.Event.Id == v6.Id);
        }
        finally
        {
            registration.WskReleaseProviderNpi(npi);
            registration.WskDeregister();
        }
    }
}
