using System;
using System.Collections.Generic;
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
        using var hole = DualStackBlackHole.TryStart(out var why);
        Assert.True(hole is not null, $"this fact needs ::1 on loopback: {why}");
        WskRegistration.WskRegister(new WskClientNpi(null, new WskClientDispatch()), WskProvider.Shared.Transport,
            EyeballsDemo.Resolver, out var registration);
        registration.WskCaptureProviderNpi(WskWait.NoWait, out var npi);
        Assert.NotNull(npi);
        var steps = new List<EyeballsStep>();
        try
        {
            // The outer bound only turns a lost completion into a failure; how long the connect takes is the demo's to
            // print (a measurement, not an assertion).
            var completion = await npi.ConnectAsync(EyeballsDemo.Name, hole.Port, onStep: s => { lock (steps) steps.Add(s); })
                .WaitAsync(TimeSpan.FromSeconds(30));

            Assert.Equal(NtStatus.Success, completion.Status);
            Assert.Equal(SockAddrIn.Loopback((ushort)hole.Port), completion.Address);
            Assert.NotNull(completion.Socket);
            completion.Socket.Dispose();
            Assert.Equal(0, registration.OpenSockets);
            EyeballsStep[] seen;
            lock (steps) seen = steps.ToArray();
            var v6 = seen.First(s => s.Event.Kind == EyeballsEventKind.AttemptStarted).Event;
            Assert.Equal(AddressFamilies.Inet6, v6.Address!.Family);
            Assert.Contains(seen, s => s.Event.Kind == EyeballsEventKind.AttemptCancelled && s.Event.Id == v6.Id);
            // The IPv4 attempt waited for the attempt delay: it started after the delay armed with the IPv6 attempt ran
            // out, and no sooner than that delay after it on the connect's own clock.
            int ranOut = Array.FindIndex(seen, s => s.Event.Kind == EyeballsEventKind.AttemptDelayRanOut && s.Event.Generation == v6.Id);
            int v4 = Array.FindIndex(seen, s => s.Event.Kind == EyeballsEventKind.AttemptStarted && s.Event.Address!.Family == AddressFamilies.Inet);
            Assert.True(ranOut >= 0 && v4 > ranOut, "the IPv4 attempt started once the IPv6 attempt's delay ran out");
            var v6Start = seen.First(s => s.Event.Kind == EyeballsEventKind.AttemptStarted).At;
            Assert.True(seen[v4].At - v6Start >= HappyEyeballsOptions.Default.AttemptDelay,
                $"the IPv4 attempt started {(seen[v4].At - v6Start).TotalMilliseconds} ms after the IPv6 one");
        }
        finally
        {
            registration.WskReleaseProviderNpi(npi);
            registration.WskDeregister();
        }
    }
}
