using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Wsk.Core;
using Wsk.Shell;
using Wsk.Shell.Simulation;
using Xunit;
using static Wsk.Properties.Shell.HappyEyeballs.EyeballsWorld;

namespace Wsk.Properties.Shell.HappyEyeballs;

/// <summary>
/// Happy Eyeballs over WskSocketConnect on the simulated network, in virtual time: RFC 8305's timings to the millisecond,
/// and over random worlds and random cancels exactly one socket or none, every IRP completed once, the verifier silent.
/// </summary>
public class HappyEyeballsOnSimulatedNetworkProperties
{
    private static readonly NtStatus NotFound = NtStatus.NotFound;

    private static ScriptedAnswer Answer(int ms, params SockAddr[] addresses) => new(TimeSpan.FromMilliseconds(ms), NtStatus.Success, addresses);

    private static FaultScript After(int ms, ConnectFault fault = ConnectFault.None) => FaultScript.PendingFor(TimeSpan.FromMilliseconds(ms), fault);

    [Fact]
    public async Task A_black_holed_IPv6_address_gives_way_to_the_IPv4_socket_at_250_ms_and_its_attempt_is_cancelled()
    {
        var w = new EyeballsWorld();
        w.Network.Listen(Four);
        w.Network.ScriptEndpoint(Six, new FaultScript(ConnectFault.BlackHole, CompletionTiming.Pending));
        w.Network.ScriptEndpoint(Four, After(1));
        var lookups = new ScriptedLookups(w.Time, Answer(0, Six), Answer(0, Four));
        var connect = w.Connect(lookups);
        w.Run(250);
        Assert.False(connect.IsCompleted);
        w.Run(1);
        var done = await connect;
        Assert.True(done.IsSuccess);
        Assert.Equal(Four, done.Address);
        Assert.Equal(251, w.At(EyeballsEventKind.Won));
        Assert.Equal(new[] { (SockAddr)Six, Four }, done.Attempts.Select(a => a.Address));
        Assert.Equal(251, w.Ms(w.Steps.Single(s => s.Event.Kind == EyeballsEventKind.AttemptCancelled && s.Event.Id == 1).At));
        Assert.Equal(NtStatus.Cancelled, w.Steps.Single(s => s.Event.Kind == EyeballsEventKind.AttemptEnded && s.Event.Id == 1).Event.Status);
        Assert.Equal(1, w.Registration.OpenSockets);
        done.Socket.Dispose();
        Assert.Empty(w.Finish());
    }

    [Fact]
    public async Task An_A_answer_30_ms_before_AAAA_is_held_for_the_resolution_delay_and_IPv6_connects_first()
    {
        var w = new EyeballsWorld();
        w.Network.Listen(Four);
        w.Network.Listen(Six);
        w.Network.ScriptEndpoint(Six, After(5));
        w.Network.ScriptEndpoint(Four, After(5));
        var connect = w.Connect(new ScriptedLookups(w.Time, Answer(40, Six), Answer(10, Four)));
        w.Run(1_000);
        var done = await connect;
        Assert.Equal(Six, done.Address);
        Assert.Equal(10, w.At(EyeballsEventKind.ResolutionDelayStarted));
        Assert.Equal(40, w.Ms(w.Steps.First(s => s.Event.Kind == EyeballsEventKind.AttemptStarted).At));
        Assert.Equal(45, w.At(EyeballsEventKind.Won));
        done.Socket!.Dispose();
        Assert.Empty(w.Finish());
    }

    [Fact]
    public async Task Both_families_refusing_end_in_one_failure_that_lists_both_attempts()
    {
        var w = new EyeballsWorld();
        w.Network.ScriptEndpoint(Six, After(3, ConnectFault.Refuse));
        w.Network.ScriptEndpoint(Four, After(7, ConnectFault.Refuse));
        var connect = w.Connect(new ScriptedLookups(w.Time, Answer(0, Six), Answer(0, Four)));
        w.Run(1_000);
        var done = await connect;
        Assert.Equal(NtStatus.ConnectionRefused, done.Status);
        Assert.Null(done.Socket);
        Assert.Equal(new[] { (SockAddr)Six, Four }, done.Attempts.Select(a => a.Address));
        Assert.All(done.Attempts, a => Assert.Equal(NtStatus.ConnectionRefused, a.Status));
        Assert.Equal(10, w.At(EyeballsEventKind.Failed));
        Assert.Equal(0, w.Registration.OpenSockets);
        Assert.Empty(w.Finish());
    }

    public sealed record AddressPlan(SockAddr Address, int Kind, int Ms)
    {
        public FaultScript Script => Kind switch
        {
            0 => After(Ms),
            1 => After(Ms, ConnectFault.Refuse),
            2 => new FaultScript(ConnectFault.BlackHole, CompletionTiming.Pending),
            3 => After(Ms) with { IgnoresCancel = true },
            _ => FaultScript.Default,
        };

        public override string ToString() => $"{Address}:{new[] { "connects", "refuses", "black hole", "connects, ignores cancel", "inline" }[Kind]}@{Ms}";
    }

    public sealed record Plan(int? SixAt, bool SixFails, AddressPlan[] Sixes, int? FourAt, bool FourFails, AddressPlan[] Fours, int? CancelAt)
    {
        public override string ToString() =>
            $"AAAA {SixAt?.ToString() ?? "never"}{(SixFails ? " NXDOMAIN" : "")} [{string.Join(" ", Sixes.Select(a => a.ToString()))}], " +
            $"A {FourAt?.ToString() ?? "never"}{(FourFails ? " NXDOMAIN" : "")} [{string.Join(" ", Fours.Select(a => a.ToString()))}], " +
            $"cancel {CancelAt?.ToString() ?? "never"}";
    }

    private static Gen<AddressPlan[]> AddressesOf(SockAddr[] pool) =>
        from n in Gen.Choose(0, pool.Length)
        from kinds in Gen.ArrayOf(Gen.Choose(0, 4), n)
        from times in Gen.ArrayOf(Gen.Choose(1, 400), n)
        select Enumerable.Range(0, n).Select(i => new AddressPlan(pool[i], kinds[i], times[i])).ToArray();

    private static Gen<int?> When => Gen.Frequency((1, Gen.Constant<int?>(null)), (5, Gen.Choose(0, 300).Select(v => (int?)v)));

    private static Arbitrary<Plan> Plans =>
        (from sixAt in When
         from sixFails in Gen.Frequency((5, Gen.Constant(false)), (1, Gen.Constant(true)))
         from sixes in AddressesOf(new SockAddr[] { Six, SixB })
         from fourAt in When
         from fourFails in Gen.Frequency((5, Gen.Constant(false)), (1, Gen.Constant(true)))
         from fours in AddressesOf(new SockAddr[] { Four, FourB })
         from cancelAt in Gen.Frequency((2, Gen.Constant<int?>(null)), (1, Gen.Choose(0, 1_200).Select(v => (int?)v)))
         select new Plan(sixAt, sixFails, sixes, fourAt, fourFails, fours, cancelAt)).ToArbitrary();

    [Property(MaxTest = 200)]
    public Property Exactly_one_socket_or_none_every_IRP_completed_once_and_the_verifier_silent() =>
        Prop.ForAll(Plans, plan =>
        {
            var w = new EyeballsWorld();
            foreach (var a in plan.Sixes.Concat(plan.Fours))
            {
                if (a.Kind is 0 or 3 or 4) w.Network.Listen(a.Address);
                w.Network.ScriptEndpoint(a.Address, a.Script);
            }
            ScriptedAnswer Of(int? at, bool fails, AddressPlan[] addresses) =>
                new(at is { } ms ? TimeSpan.FromMilliseconds(ms) : null, fails ? NotFound : NtStatus.Success,
                    fails ? Array.Empty<SockAddr>() : addresses.Select(a => a.Address).ToArray());
            var lookups = new ScriptedLookups(w.Time, Of(plan.SixAt, plan.SixFails, plan.Sixes), Of(plan.FourAt, plan.FourFails, plan.Fours));
            using var cancel = new CancellationTokenSource();
            var connect = w.Connect(lookups, cancel.Token);
            if (plan.CancelAt is { } at)
            {
                w.Run(at);
                cancel.Cancel();
            }
            w.Run(60_000); // black holes never answer: only a cancel or a winner ends them
            bool decided = connect.IsCompleted;
            var done = decided ? connect.GetAwaiter().GetResult() : null;
            if (!decided)
            {
                cancel.Cancel(); // a lookup that never answers, or only black holes: the caller's cancel ends it
                w.Run(1);
                done = connect.GetAwaiter().GetResult();
            }
            int open = w.Registration.OpenSockets;
            bool won = done!.IsSuccess;
            done.Socket?.Dispose();
            var findings = w.Finish();
            return (open == (won ? 1 : 0)).Label($"{open} sockets open with {(won ? "a winner" : "no winner")}")
                .And(findings.Count == 0).Label("verifier: " + string.Join("; ", findings))
                .And(lookups.StillAsked == 0).Label("no lookup left asked")
                .And(won || done.Status != NtStatus.Success).Label($"a failure has a failure status ({done.Status})")
                .And(!won || done.Attempts.Single(x => x.Address.Equals(done.Address)).Status == NtStatus.Success).Label("the winner's attempt succeeded")
                .And(won || done.Attempts.All(x => !x.Status.IsPending)).Label("a failed or cancelled connect lists every attempt ended")
                .Classify(won, "won").Classify(!won && done.Status == NtStatus.Cancelled, "cancelled")
                .Classify(!won && done.Status != NtStatus.Cancelled, "failed").Classify(!decided, "ended by a late cancel")
                .Collect($"{done.Attempts.Count} attempts");
        });
}
