using System;
using System.Linq;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Wsk.Core;
using Xunit;
using static Wsk.Properties.Core.EyeballsRun;

namespace Wsk.Properties.Core;

/// <summary>
/// The Happy Eyeballs decider in virtual milliseconds: exact RFC 8305 timings for the cases that matter, and over random
/// worlds one outcome, every attempt completed once, and every socket but the winner's closed.
/// </summary>
public class HappyEyeballsDeciderProperties
{
    private static readonly NtStatus NotFound = NtStatus.NotFound;

    private static Gen<Func<SockAddr, AddressScript>> Answers =>
        Gen.Frequency(
            (3, Gen.Choose(1, 400).Select(ms => (Func<SockAddr, AddressScript>)(a => Connects(a, ms)))),
            (2, Gen.Choose(1, 400).Select(ms => (Func<SockAddr, AddressScript>)(a => Refuses(a, ms)))),
            (2, Gen.Constant((Func<SockAddr, AddressScript>)BlackHole)),
            (1, Gen.Choose(1, 400).Select(ms => (Func<SockAddr, AddressScript>)(a => Connects(a, ms) with { LateSuccess = true }))));

    private static Gen<LookupScript> LookupOf(Func<int, SockAddr> address) =>
        from at in Gen.Frequency((1, Gen.Constant<int?>(null)), (6, Gen.Choose(0, 300).Select(ms => (int?)ms)))
        from kind in Gen.Frequency((5, Gen.Constant(0)), (1, Gen.Constant(1)), (1, Gen.Constant(2)))
        from count in Gen.Choose(0, 3)
        from answers in Gen.ArrayOf(Answers, count)
        let scripts = answers.Select((answer, i) => answer(address(i + 1)))
        select kind switch
        {
            0 => new LookupScript(at, NtStatus.Success, scripts.ToArray()),
            1 => new LookupScript(at, NotFound, Array.Empty<AddressScript>()),
            _ => new LookupScript(at, NtStatus.Unsuccessful, Array.Empty<AddressScript>()),
        };

    private static Arbitrary<EyeballsScript> Scripts =>
        (from v6 in LookupOf(V6)
         from v4 in LookupOf(V4)
         from cancel in Gen.Frequency((3, Gen.Constant<int?>(null)), (1, Gen.Choose(0, 1_500).Select(ms => (int?)ms)))
         select new EyeballsScript(v6, v4, cancel)).ToArbitrary();

    [Property(MaxTest = 500)]
    public Property One_outcome_every_attempt_completed_once_and_every_socket_but_the_winners_closed() =>
        Prop.ForAll(Scripts, script =>
        {
            var trace = Run(script);
            var outcomes = trace.Events.Count(e => e.Event.Kind is EyeballsEventKind.Won or EyeballsEventKind.Failed or EyeballsEventKind.Cancelled);
            bool neverAnswers = script.Inet6.AtMs is null || script.Inet.AtMs is null;
            var started = trace.Of(EyeballsEventKind.AttemptStarted).Select(e => e.Event.Id).ToArray();
            int winners = trace.Of(EyeballsEventKind.Won).Count();
            int closed = trace.Of(EyeballsEventKind.LoserClosed).Count();
            return (outcomes == 1 || (outcomes == 0 && neverAnswers && script.CancelAtMs is null)).Label($"one outcome ({outcomes})")
                .And(started.All(id => trace.Completions.TryGetValue(id, out var n) && n == 1)).Label("every attempt completed exactly once")
                .And(trace.Successes == winners + closed).Label($"sockets: {trace.Successes} connected = {winners} won + {closed} closed")
                .And(outcomes == 0 || HappyEyeballsDecider.IsTerminal(trace.Final)).Label("a decided run ends with nothing running")
                .And(started.Distinct().Count() == started.Length).Label("no attempt id twice")
                .And(trace.States.All(st => HappyEyeballsDecider.IsTerminal(st) == (st.IsDecided && st.Attempts.All(a => !a.Status.IsPending)
                        && st.Inet6 != LookupPhase.Asked && st.Inet != LookupPhase.Asked)))
                    .Label("terminal exactly when decided with nothing running")
                .And(outcomes == 0 || trace.Final.Phase == (winners == 1 ? EyeballsPhase.Won
                        : trace.Of(EyeballsEventKind.Failed).Any() ? EyeballsPhase.Failed : EyeballsPhase.Cancelled))
                    .Label($"the final phase is the outcome's ({trace.Final.Phase})")
                .And(new[] { (script.Inet6, trace.Final.Inet6), (script.Inet, trace.Final.Inet) }.All(l =>
                        l.Item2 == LookupPhase.Cancelled || l.Item2 == LookupPhase.Asked
                        || l.Item2 == (l.Item1.Status.IsSuccess ? LookupPhase.Answered : LookupPhase.Failed)))
                    .Label("each lookup ends answered, failed (as scripted) or cancelled")
                .Classify(winners == 1, "won").Classify(trace.Of(EyeballsEventKind.Failed).Any(), "failed")
                .Classify(trace.Of(EyeballsEventKind.Cancelled).Any(), "cancelled").Classify(outcomes == 0, "undecided: a lookup never answers")
                .Classify(closed > 0, "a late loser closed").Classify(trace.Of(EyeballsEventKind.ResolutionDelayStarted).Any(), "resolution delay")
                .Collect($"{started.Length} attempts");
        });

    [Property(MaxTest = 300)]
    public Property A_failed_connect_reports_the_last_attempts_status_or_the_last_lookups_failure() =>
        Prop.ForAll(Scripts, script =>
        {
            var trace = Run(script);
            var failed = trace.Of(EyeballsEventKind.Failed).Select(e => (NtStatus?)e.Event.Status).FirstOrDefault();
            var ended = trace.Of(EyeballsEventKind.AttemptEnded).ToArray();
            var lookupFailures = new[] { script.Inet6, script.Inet }.Where(l => !l.Status.IsSuccess).Select(l => l.Status).ToArray();
            if (failed is not { } status) return true.Label("not failed").Classify(true, "not failed");
            var expected = ended.Length > 0 ? new[] { ended[^1].Event.Status } : lookupFailures.Length > 0 ? lookupFailures : new[] { NotFound };
            return expected.Contains(status)
                .Label($"failed with {status}")
                .Classify(ended.Length > 0, "attempts failed").Classify(ended.Length == 0 && lookupFailures.Length > 0, "lookups failed")
                .Classify(ended.Length == 0 && lookupFailures.Length == 0, "no address at all");
        });

    [Property(MaxTest = 300)]
    public Property Attempts_start_at_most_one_attempt_delay_apart_while_addresses_wait_and_never_sooner_unless_one_failed() =>
        Prop.ForAll(Scripts, script =>
        {
            var trace = Run(script);
            var starts = trace.Of(EyeballsEventKind.AttemptStarted).ToArray();
            var ok = true;
            for (int k = 1; k < starts.Length; k++)
            {
                int gap = starts[k].Ms - starts[k - 1].Ms;
                bool failedJustThen = trace.Events.Any(e => e.Ms == starts[k].Ms && e.Event.Kind == EyeballsEventKind.AttemptEnded);
                bool answeredJustThen = trace.Events.Any(e => e.Ms == starts[k].Ms && e.Event.Kind == EyeballsEventKind.LookupRecorded);
                ok &= gap == 250 || ((failedJustThen || answeredJustThen) && gap <= 250) || (answeredJustThen && gap > 250);
            }
            return ok.Label(string.Join(", ", starts.Select(s => $"#{s.Event.Id}@{s.Ms}")))
                .Collect($"{starts.Length} attempts");
        });

    [Fact]
    public void A_black_holed_IPv6_address_gives_way_to_IPv4_at_250_ms_and_is_cancelled()
    {
        var trace = Run(new EyeballsScript(Answer(0, BlackHole(V6(1))), Answer(0, Connects(V4(1), 1)), null));
        var starts = trace.Of(EyeballsEventKind.AttemptStarted).Select(e => (e.Ms, e.Event.Address!)).ToArray();
        Assert.Equal(new[] { (0, V6(1)), (250, V4(1)) }, starts);
        Assert.Equal(251, trace.Of(EyeballsEventKind.Won).Single().Ms);
        Assert.Equal(2, trace.Of(EyeballsEventKind.Won).Single().Event.Id);
        Assert.Equal(251, trace.Of(EyeballsEventKind.AttemptCancelled).Single().Ms);
    }

    [Fact]
    public void An_A_answer_30_ms_before_AAAA_waits_the_resolution_delay_and_IPv6_goes_first()
    {
        var trace = Run(new EyeballsScript(Answer(40, Connects(V6(1), 5)), Answer(10, Connects(V4(1), 5)), null));
        Assert.Equal(10, trace.Of(EyeballsEventKind.ResolutionDelayStarted).Single().Ms);
        var first = trace.Of(EyeballsEventKind.AttemptStarted).First();
        Assert.Equal((40, V6(1)), (first.Ms, first.Event.Address));
        Assert.Equal(45, trace.Of(EyeballsEventKind.Won).Single().Ms);
    }

    [Fact]
    public void An_AAAA_answer_later_than_the_resolution_delay_joins_after_the_IPv4_attempt()
    {
        var trace = Run(new EyeballsScript(Answer(100, Connects(V6(1), 5)), Answer(10, BlackHole(V4(1))), null));
        var starts = trace.Of(EyeballsEventKind.AttemptStarted).Select(e => (e.Ms, e.Event.Address!)).ToArray();
        Assert.Equal(new[] { (60, V4(1)), (310, V6(1)) }, starts);
        Assert.Equal(315, trace.Of(EyeballsEventKind.Won).Single().Ms);
    }

    [Fact]
    public void Both_families_refusing_fail_once_with_the_last_status_and_every_attempt_listed()
    {
        var trace = Run(new EyeballsScript(Answer(0, Refuses(V6(1), 3)), Answer(0, Refuses(V4(1), 7)), null));
        var failed = trace.Of(EyeballsEventKind.Failed).Single();
        Assert.Equal(NtStatus.ConnectionRefused, failed.Event.Status);
        Assert.Equal(10, failed.Ms); // the IPv4 attempt started at once when IPv6 refused at 3 ms
        Assert.Equal(new[] { V6(1), V4(1) }, trace.Final.Attempts.Select(a => a.Address));
        Assert.All(trace.Final.Attempts, a => Assert.Equal(NtStatus.ConnectionRefused, a.Status));
    }

    [Fact]
    public void The_addresses_alternate_by_family_IPv6_first()
    {
        var order = EyeballsOrder.Interleave(new[] { V4(1), V4(2), V6(1), V4(3), V6(2) }, AddressFamilies.Inet6, 1);
        Assert.Equal(new[] { V6(1), V4(1), V6(2), V4(2), V4(3) }, order);
        var two = EyeballsOrder.Interleave(new[] { V4(1), V6(1), V6(2), V6(3) }, AddressFamilies.Inet6, 2);
        Assert.Equal(new[] { V6(1), V6(2), V4(1), V6(3) }, two);
    }

    [Fact]
    public void A_cancel_ends_everything_at_once_with_STATUS_CANCELLED()
    {
        var trace = Run(new EyeballsScript(Answer(0, BlackHole(V6(1))), Answer(0, BlackHole(V4(1))), 300));
        Assert.Equal((300, NtStatus.Cancelled), trace.Of(EyeballsEventKind.Cancelled).Select(e => (e.Ms, e.Event.Status)).Single());
        Assert.Equal(2, trace.Of(EyeballsEventKind.AttemptCancelled).Count(e => e.Ms == 300));
        Assert.True(HappyEyeballsDecider.IsTerminal(trace.Final));
    }

    [Fact]
    public void An_address_answered_after_every_attempt_failed_starts_at_once_and_an_empty_answer_then_fails()
    {
        // A at 0 (refused after 5 ms), AAAA at 100: the IPv4 attempt at 50 (the resolution delay), refused at 55; nothing
        // runs when AAAA answers, so its address starts at once.
        var joins = Run(new EyeballsScript(Answer(100, Connects(V6(1), 5)), Answer(0, Refuses(V4(1), 5)), null));
        Assert.Equal(new[] { (50, V4(1)), (100, V6(1)) }, joins.Of(EyeballsEventKind.AttemptStarted).Select(e => (e.Ms, e.Event.Address!)).ToArray());
        Assert.Equal(105, joins.Of(EyeballsEventKind.Won).Single().Ms);
        // The same, but AAAA answers empty: the connect fails then, with the refused attempt's status.
        var fails = Run(new EyeballsScript(Answer(100), Answer(0, Refuses(V4(1), 5)), null));
        Assert.Equal((100, NtStatus.ConnectionRefused), fails.Of(EyeballsEventKind.Failed).Select(e => (e.Ms, e.Event.Status)).Single());
        Assert.Equal(EyeballsPhase.Failed, fails.Final.Phase);
    }

    [Fact]
    public void An_address_answered_after_the_attempt_delay_ran_out_starts_at_once()
    {
        // IPv4 black-holed from 50 ms; its attempt delay runs out at 300; AAAA answers at 400: IPv6 starts at 400.
        var trace = Run(new EyeballsScript(Answer(400, Connects(V6(1), 5)), Answer(0, BlackHole(V4(1))), null));
        Assert.Equal(new[] { (50, V4(1)), (400, V6(1)) }, trace.Of(EyeballsEventKind.AttemptStarted).Select(e => (e.Ms, e.Event.Address!)).ToArray());
        Assert.Equal(300, trace.Of(EyeballsEventKind.AttemptDelayRanOut).Single().Ms);
    }

    [Fact]
    public void Addresses_that_arrive_late_alternate_from_the_family_of_the_last_attempt()
    {
        // AAAA first with two addresses; A at 100: the untried IPv6 and the new IPv4 alternate from IPv4 (the last
        // attempt was IPv6), so IPv4 goes at 250 and the second IPv6 at 500.
        var trace = Run(new EyeballsScript(Answer(0, BlackHole(V6(1)), BlackHole(V6(2))), Answer(100, BlackHole(V4(1))), null));
        Assert.Equal(new[] { (0, V6(1)), (250, V4(1)), (500, V6(2)) },
            trace.Of(EyeballsEventKind.AttemptStarted).Select(e => (e.Ms, e.Event.Address!)).ToArray());
    }

    [Fact]
    public void The_first_family_count_puts_that_many_preferred_addresses_first()
    {
        var options = HappyEyeballsOptions.Default with { FirstFamilyCount = 2 };
        var trace = Run(new EyeballsScript(Answer(0, BlackHole(V6(1)), BlackHole(V6(2))), Answer(0, BlackHole(V4(1))), null), options);
        Assert.Equal(new[] { V6(1), V6(2), V4(1) }, trace.Of(EyeballsEventKind.AttemptStarted).Select(e => e.Event.Address!).ToArray());
        var ipv4First = Run(new EyeballsScript(Answer(0, BlackHole(V6(1))), Answer(0, BlackHole(V4(1))), null),
            HappyEyeballsOptions.Default with { PreferredFamily = AddressFamilies.Inet });
        Assert.Equal(V4(1), ipv4First.Of(EyeballsEventKind.AttemptStarted).First().Event.Address);
    }

    [Fact]
    public void Commands_that_do_not_fit_the_state_decide_nothing()
    {
        var options = HappyEyeballsOptions.Default;
        var started = HappyEyeballsDecider.Apply(HappyEyeballsDecider.Initial,
            HappyEyeballsDecider.Decide(EyeballsCommand.Start, HappyEyeballsDecider.Initial, options), options);
        Assert.Empty(HappyEyeballsDecider.Decide(EyeballsCommand.AttemptCompleted(99, NtStatus.Success), started, options));
        Assert.Empty(HappyEyeballsDecider.Decide(EyeballsCommand.ResolutionDelayElapsed, started, options));
        Assert.Empty(HappyEyeballsDecider.Decide(EyeballsCommand.AttemptDelayElapsed(1), started, options));
        Assert.Empty(HappyEyeballsDecider.Decide(EyeballsCommand.Start, started, options));
        Assert.False(started.InResolutionDelay);
        Assert.False(started.TimerRanOut);
    }

    [Fact]
    public void Options_refuse_what_RFC_8305_and_the_families_do_not_allow()
    {
        Assert.Contains("not negative", Assert.Throws<ArgumentOutOfRangeException>(() =>
            HappyEyeballsOptions.Default with { ResolutionDelay = TimeSpan.FromMilliseconds(-1) }).Message);
        Assert.Equal(TimeSpan.Zero, (HappyEyeballsOptions.Default with { ResolutionDelay = TimeSpan.Zero }).ResolutionDelay);
        Assert.Contains("AF_INET6", Assert.Throws<ArgumentOutOfRangeException>(() =>
            HappyEyeballsOptions.Default with { PreferredFamily = 3 }).Message);
        Assert.Equal(AddressFamilies.Inet, (HappyEyeballsOptions.Default with { PreferredFamily = AddressFamilies.Inet }).PreferredFamily);
        Assert.Contains("at least 1", Assert.Throws<ArgumentOutOfRangeException>(() =>
            HappyEyeballsOptions.Default with { FirstFamilyCount = 0 }).Message);
        Assert.Equal(1, (HappyEyeballsOptions.Default with { FirstFamilyCount = 1 }).FirstFamilyCount);
        Assert.Contains("10 ms and 2 s", Assert.Throws<ArgumentOutOfRangeException>(() =>
            HappyEyeballsOptions.Default with { AttemptDelay = TimeSpan.FromSeconds(3) }).Message);
        Assert.Equal(TimeSpan.FromSeconds(2), (HappyEyeballsOptions.Default with { AttemptDelay = TimeSpan.FromSeconds(2) }).AttemptDelay);
    }

    [Fact]
    public void The_attempt_delay_stays_within_10_ms_and_2_s()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => HappyEyeballsOptions.Default with { AttemptDelay = TimeSpan.FromMilliseconds(9) });
        Assert.Throws<ArgumentOutOfRangeException>(() => HappyEyeballsOptions.Default with { AttemptDelay = TimeSpan.FromMilliseconds(2001) });
        Assert.Equal(TimeSpan.FromMilliseconds(10), (HappyEyeballsOptions.Default with { AttemptDelay = TimeSpan.FromMilliseconds(10) }).AttemptDelay);
    }
}
