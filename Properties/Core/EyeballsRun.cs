using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Wsk.Core;

namespace Wsk.Properties.Core;

/// <summary>How one address answers an attempt: connects, refuses, or never answers (a black hole, which the OS gives up
/// on after 20 s with STATUS_IO_TIMEOUT); <c>LateSuccess</c>: a cancel of it loses the race and it still connects.</summary>
public sealed record AddressScript(SockAddr Address, NtStatus Answer, int AfterMs, bool LateSuccess = false)
{
    public const int BlackHoleMs = 20_000;
    public bool IsBlackHole => Answer == NtStatus.IoTimeout;
}

/// <summary>How one lookup answers: at <c>AtMs</c> (never when null) with the addresses, or with a failure status.</summary>
public sealed record LookupScript(int? AtMs, NtStatus Status, AddressScript[] Addresses);

/// <summary>A whole world for one Happy Eyeballs connect: both lookups, each address's answer, and a caller cancel.</summary>
public sealed record EyeballsScript(LookupScript Inet6, LookupScript Inet, int? CancelAtMs)
{
    public override string ToString()
    {
        static string A(AddressScript a) => $"{a.Answer}@{a.AfterMs}{(a.LateSuccess ? "*" : "")}";
        static string L(LookupScript l) => l.AtMs is null ? "never" :
            $"{l.AtMs} ms {(l.Status.IsSuccess ? "[" + string.Join(" ", l.Addresses.Select(A)) + "]" : l.Status.ToString())}";
        return $"AAAA {L(Inet6)}, A {L(Inet)}, cancel {(CancelAtMs is { } c ? c + " ms" : "never")}";
    }
}

/// <summary>What a run saw: every event with its virtual time, and the tallies the properties judge.</summary>
public sealed record EyeballsTrace(List<(int Ms, EyeballsEvent Event)> Events, EyeballsState Final, Dictionary<int, int> Completions,
    int Successes, List<EyeballsState> States)
{
    public IEnumerable<(int Ms, EyeballsEvent Event)> Of(EyeballsEventKind kind) => Events.Where(e => e.Event.Kind == kind);
    public (int Ms, EyeballsEvent Event)? Outcome =>
        Events.Where(e => e.Event.Kind is EyeballsEventKind.Won or EyeballsEventKind.Failed or EyeballsEventKind.Cancelled)
            .Select(e => ((int, EyeballsEvent)?)e).FirstOrDefault();
}

/// <summary>
/// Runs the pure decider against a script in virtual milliseconds: a queue of timed commands, filled by what the events
/// ask for (a lookup's answer, a timer, an attempt's completion), so timings are exact and nothing real is touched.
/// </summary>
public static class EyeballsRun
{
    public static EyeballsTrace Run(EyeballsScript script, HappyEyeballsOptions? options = null)
    {
        options ??= HappyEyeballsOptions.Default;
        var queue = new PriorityQueue<(int Seq, EyeballsCommand Command), (int Ms, int Seq)>();
        int seq = 0, now = 0;
        void At(int ms, EyeballsCommand c) { queue.Enqueue((seq, c), (ms, seq)); seq++; }
        var scripts = script.Inet6.Addresses.Concat(script.Inet.Addresses).ToDictionary(a => a.Address);
        var attempts = new Dictionary<int, (AddressScript Script, int Seq)>();
        var cancelledAttempts = new HashSet<int>();
        var trace = new List<(int, EyeballsEvent)>();
        var completions = new Dictionary<int, int>();
        int successes = 0;
        var state = HappyEyeballsDecider.Initial;
        var states = new List<EyeballsState>();

        At(0, EyeballsCommand.Start);
        if (script.CancelAtMs is { } cancelAt) At(cancelAt, EyeballsCommand.Cancel);
        while (queue.TryDequeue(out var item, out var when))
        {
            now = when.Ms;
            var command = item.Command;
            if (command.Kind == EyeballsCommandKind.AttemptCompleted)
            {
                // Only the completion the attempt still has counts: a cancel replaced the scripted one (unless it lost).
                if (attempts[command.Id].Seq != item.Seq) continue;
                completions[command.Id] = (completions.TryGetValue(command.Id, out var seen) ? seen : 0) + 1;
                if (command.Status.IsSuccess) successes++;
            }
            var events = HappyEyeballsDecider.Decide(command, state, options);
            state = HappyEyeballsDecider.Apply(state, events, options);
            states.Add(state);
            foreach (var e in events)
            {
                trace.Add((now, e));
                switch (e.Kind)
                {
                    case EyeballsEventKind.LookupStarted:
                        var lookup = e.Family == AddressFamilies.Inet6 ? script.Inet6 : script.Inet;
                        if (lookup.AtMs is { } at)
                            At(at, lookup.Status.IsSuccess
                                ? EyeballsCommand.Answered(e.Family, lookup.Addresses.Select(a => a.Address))
                                : EyeballsCommand.LookupFailed(e.Family, lookup.Status));
                        break;
                    case EyeballsEventKind.ResolutionDelayStarted:
                        At(now + (int)options.ResolutionDelay.TotalMilliseconds, EyeballsCommand.ResolutionDelayElapsed);
                        break;
                    case EyeballsEventKind.AttemptDelayStarted:
                        At(now + (int)options.AttemptDelay.TotalMilliseconds, EyeballsCommand.AttemptDelayElapsed(e.Generation));
                        break;
                    case EyeballsEventKind.AttemptStarted:
                        var answer = scripts[e.Address!];
                        int after = answer.IsBlackHole ? AddressScript.BlackHoleMs : answer.AfterMs;
                        attempts[e.Id] = (answer, seq);
                        At(now + after, EyeballsCommand.AttemptCompleted(e.Id, answer.Answer));
                        break;
                    case EyeballsEventKind.AttemptCancelled:
                        cancelledAttempts.Add(e.Id);
                        var (addressScript, _) = attempts[e.Id];
                        if (!addressScript.LateSuccess)
                        {
                            attempts[e.Id] = (addressScript, seq);
                            At(now, EyeballsCommand.AttemptCompleted(e.Id, NtStatus.Cancelled));
                        }
                        else
                        {
                            // The connect finished before the cancel reached it: it completes with a socket, now.
                            attempts[e.Id] = (addressScript, seq);
                            At(now, EyeballsCommand.AttemptCompleted(e.Id, NtStatus.Success));
                        }
                        break;
                }
            }
        }
        return new EyeballsTrace(trace, state, completions, successes, states);
    }

    public static SockAddr V6(int n) => new SockAddrIn6(new UInt128(0x2001_0db8_0000_0000, (ulong)n), 443);

    public static SockAddr V4(int n) => new SockAddrIn((uint)(0xC000_0200 + n), 443);

    public static AddressScript Connects(SockAddr a, int ms = 1) => new(a, NtStatus.Success, ms);

    public static AddressScript Refuses(SockAddr a, int ms = 1) => new(a, NtStatus.ConnectionRefused, ms);

    public static AddressScript BlackHole(SockAddr a) => new(a, NtStatus.IoTimeout, AddressScript.BlackHoleMs);

    public static LookupScript Answer(int ms, params AddressScript[] addresses) => new(ms, NtStatus.Success, addresses);

    public static LookupScript Fails(int ms, NtStatus status) => new(ms, status, Array.Empty<AddressScript>());
}
