using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;

namespace Wsk.Core;

// Commands and events are flat structs with a Kind enum, as the receive reader's are; short docs share a line.

// ---- state ----
/// <summary>Where a Happy Eyeballs connect is.</summary>
public enum EyeballsPhase : byte
{
    /** <summary>Not started.</summary> */ Idle,
    /** <summary>Lookups asked; no attempt yet (perhaps in the resolution delay).</summary> */ Resolving,
    /** <summary>Attempts are running or due.</summary> */ Connecting,
    /** <summary>One attempt connected: its socket is the result.</summary> */ Won,
    /** <summary>Every lookup and attempt failed.</summary> */ Failed,
    /** <summary>The caller cancelled before anything connected.</summary> */ Cancelled,
}

/// <summary>Where one of the two lookups (AAAA, A) is.</summary>
public enum LookupPhase : byte
{
    /** <summary>Asked, not answered.</summary> */ Asked,
    /** <summary>Answered (with zero or more addresses).</summary> */ Answered,
    /** <summary>Failed (NXDOMAIN, server failure…).</summary> */ Failed,
    /** <summary>Cancelled: its answer, if one still comes, is ignored.</summary> */ Cancelled,
}

/// <summary>One connection attempt: a WskSocketConnect to <c>Address</c>; <c>Status</c> is Pending until it
/// ends.</summary>
public readonly record struct EyeballsAttempt(int Id, SockAddr Address, NtStatus Status)
{
    /** <summary>Still running.</summary> */ public bool IsPending => Status.IsPending;
}

/// <summary>
/// A Happy Eyeballs connect, all facts: both lookups, the addresses not tried yet (interleaved by family), every
/// attempt, the armed attempt timer's generation (0: none) and whether it ran out, whether the resolution delay runs,
/// the winner, the status the connect ends with, and the last failure of a lookup and of an attempt.
/// </summary>
public sealed record EyeballsState(
    EyeballsPhase Phase, LookupPhase Inet6, LookupPhase Inet, ImmutableArray<SockAddr> Untried,
    ImmutableArray<EyeballsAttempt> Attempts, int TimerGeneration, bool TimerRanOut, bool InResolutionDelay, int Winner,
    NtStatus Status, NtStatus LastLookupStatus, NtStatus LastAttemptStatus)
{
    /** <summary>True once the outcome (won, failed, cancelled) is decided.</summary> */
    public bool IsDecided => Phase is EyeballsPhase.Won or EyeballsPhase.Failed or EyeballsPhase.Cancelled;
    /** <summary>Attempts still running.</summary> */ public int PendingAttempts => Attempts.Count(a => a.IsPending);
    /** <summary>Whether the lookup of <paramref name="family"/> is still asked.</summary> */
    public bool Asking(ushort family) => (family == AddressFamilies.Inet6 ? Inet6 : Inet) == LookupPhase.Asked;
}

// ---- commands ----
/// <summary>What can happen to a Happy Eyeballs connect.</summary>
public enum EyeballsCommandKind : byte
{
    /** <summary>The connect begins: both lookups are asked at once.</summary> */ Start,
    /** <summary>A lookup answered: addresses, or a failure status.</summary> */ LookupAnswered,
    /** <summary>The resolution delay after the A answer ran out.</summary> */ ResolutionDelayElapsed,
    /** <summary>The attempt delay of generation <c>Generation</c> ran out.</summary> */ AttemptDelayElapsed,
    /** <summary>Attempt <c>Id</c> completed with <c>Status</c> (success: a socket).</summary> */ AttemptCompleted,
    /** <summary>The caller cancelled the whole connect.</summary> */ Cancel,
}

/// <summary>A command, built by the factories.</summary>
public readonly record struct EyeballsCommand(
    EyeballsCommandKind Kind, ushort Family = 0, ImmutableArray<SockAddr> Addresses = default,
    NtStatus Status = default,
    int Id = 0, int Generation = 0)
{
    /** <summary>Start.</summary> */ public static EyeballsCommand Start => new(EyeballsCommandKind.Start);
    /** <summary>A lookup answered with addresses.</summary> */
    public static EyeballsCommand Answered(ushort family, IEnumerable<SockAddr> addresses) =>
        new(EyeballsCommandKind.LookupAnswered, family, addresses.ToImmutableArray(), NtStatus.Success);
    /** <summary>A lookup failed.</summary> */
    public static EyeballsCommand LookupFailed(ushort family, NtStatus status) =>
        new(EyeballsCommandKind.LookupAnswered, family, ImmutableArray<SockAddr>.Empty, status);
    /** <summary>The resolution delay ran out.</summary> */
    public static EyeballsCommand ResolutionDelayElapsed => new(EyeballsCommandKind.ResolutionDelayElapsed);
    /** <summary>An attempt delay ran out.</summary> */
    public static EyeballsCommand AttemptDelayElapsed(int generation) =>
        new(EyeballsCommandKind.AttemptDelayElapsed, Generation: generation);
    /** <summary>An attempt completed.</summary> */
    public static EyeballsCommand AttemptCompleted(int id, NtStatus status) =>
        new(EyeballsCommandKind.AttemptCompleted, Status: status, Id: id);
    /** <summary>Cancel.</summary> */ public static EyeballsCommand Cancel => new(EyeballsCommandKind.Cancel);
}

// ---- events ----
/// <summary>What the decider decided; the shell does the ones that act.</summary>
public enum EyeballsEventKind : byte
{
    /** <summary>Ask the lookup of <c>Family</c>.</summary> */ LookupStarted,
    /** <summary>A lookup's answer was taken in (<c>Addresses</c> join the untried list).</summary> */ LookupRecorded,
    /** <summary>Cancel the lookup of <c>Family</c>.</summary> */ LookupCancelled,
    /** <summary>Wait the resolution delay for the AAAA answer.</summary> */ ResolutionDelayStarted,
    /** <summary>Start attempt <c>Id</c> to <c>Address</c> (one WskSocketConnect).</summary> */ AttemptStarted,
    /** <summary>Arm the attempt delay, generation <c>Generation</c>.</summary> */ AttemptDelayStarted,
    /** <summary>The armed attempt delay ran out: the next address may start at once.</summary> */ AttemptDelayRanOut,
    /** <summary>Attempt <c>Id</c> ended with <c>Status</c>.</summary> */ AttemptEnded,
    /** <summary>Cancel attempt <c>Id</c>'s IRP.</summary> */ AttemptCancelled,
    /** <summary>Attempt <c>Id</c> connected after the outcome: close its socket.</summary> */ LoserClosed,
    /** <summary>Attempt <c>Id</c> won: its socket is the result.</summary> */ Won,
    /** <summary>Everything failed; <c>Status</c> is the last attempt's (or the last lookup's).</summary> */ Failed,
    /** <summary>The caller cancelled: STATUS_CANCELLED.</summary> */ Cancelled,
}

/// <summary>An event.</summary>
public readonly record struct EyeballsEvent(
    EyeballsEventKind Kind, ushort Family = 0, int Id = 0, SockAddr? Address = null, int Generation = 0,
    NtStatus Status = default, ImmutableArray<SockAddr> Addresses = default);

// ---- decider ----
/// <summary>
/// RFC 8305 as a pure decider (rules EyeballsAskBoth, EyeballsResolutionDelay, EyeballsInterleave,
/// EyeballsAttemptDelay, EyeballsFirstWins, EyeballsAllFail, EyeballsCancelAll): times are the shell's, which arms
/// the timers the events ask for and brings their expiry back as commands; a stale timer is ignored by generation.
/// </summary>
public static class HappyEyeballsDecider
{
    /// <summary>STATUS_NOT_FOUND: what a connect ends with when both lookups answered without an address.</summary>
    private static readonly NtStatus NoAddress = NtStatus.NotFound;

    /// <summary>Nothing asked yet.</summary>
    public static readonly EyeballsState Initial = new(EyeballsPhase.Idle, LookupPhase.Asked, LookupPhase.Asked,
        ImmutableArray<SockAddr>.Empty, ImmutableArray<EyeballsAttempt>.Empty, 0, false, false, 0, NtStatus.Pending,
        NoAddress, NoAddress);

    /// <summary>What <paramref name="command"/> does in <paramref name="state"/> under <paramref
    /// name="options"/>.</summary>
    public static IReadOnlyList<EyeballsEvent> Decide(EyeballsCommand command, EyeballsState state,
        HappyEyeballsOptions options)
    {
        var events = new List<EyeballsEvent>();
        switch (command.Kind)
        {
            case EyeballsCommandKind.Start when state.Phase == EyeballsPhase.Idle:
                events.Add(new(EyeballsEventKind.LookupStarted, options.PreferredFamily));
                events.Add(new(EyeballsEventKind.LookupStarted, Other(options.PreferredFamily)));
                break;
            case EyeballsCommandKind.LookupAnswered when !state.IsDecided && state.Asking(command.Family):
                events.Add(new(EyeballsEventKind.LookupRecorded, command.Family, Status: command.Status,
                    Addresses: command.Addresses.IsDefault ? ImmutableArray<SockAddr>.Empty : command.Addresses));
                FollowLookup(command, Evolve(state, events[^1], options), options, events);
                break;
            case EyeballsCommandKind.ResolutionDelayElapsed
                when state is { Phase: EyeballsPhase.Resolving, InResolutionDelay: true }:
                StartNext(state, options, events);
                break;
            case EyeballsCommandKind.AttemptDelayElapsed
                when state.Phase == EyeballsPhase.Connecting && command.Generation == state.TimerGeneration:
                events.Add(new(EyeballsEventKind.AttemptDelayRanOut, Generation: command.Generation));
                StartNext(state, options, events);
                break;
            case EyeballsCommandKind.AttemptCompleted when Find(state, command.Id) is { IsPending: true }:
                events.Add(new(EyeballsEventKind.AttemptEnded, Id: command.Id, Status: command.Status));
                FollowAttempt(command, Evolve(state, events[^1], options), options, events);
                break;
            case EyeballsCommandKind.Cancel when !state.IsDecided:
                events.Add(new(EyeballsEventKind.Cancelled, Status: NtStatus.Cancelled));
                StopTheRest(state, keep: -1, events);
                break;
        }
        return events;
    }

    /// <summary>The state after <paramref name="event"/>.</summary>
    public static EyeballsState Evolve(EyeballsState state, EyeballsEvent @event, HappyEyeballsOptions options) =>
        @event.Kind switch
        {
            EyeballsEventKind.LookupStarted => state with { Phase = EyeballsPhase.Resolving },
            EyeballsEventKind.LookupRecorded => WithLookup(state, @event.Family,
                @event.Status.IsSuccess ? LookupPhase.Answered : LookupPhase.Failed) with
            {
                Untried = EyeballsOrder.Interleave(
                    state.Untried.AddRange(@event.Addresses.Where(a => !Tried(state, a))),
                    EyeballsOrder.FirstFamily(state, options), EyeballsOrder.PreferredFirst(state, options)),
                LastLookupStatus = @event.Status.IsSuccess ? state.LastLookupStatus : @event.Status,
            },
            EyeballsEventKind.LookupCancelled => WithLookup(state, @event.Family, LookupPhase.Cancelled),
            EyeballsEventKind.ResolutionDelayStarted => state with { InResolutionDelay = true },
            EyeballsEventKind.AttemptStarted => state with
            {
                Phase = state.IsDecided ? state.Phase : EyeballsPhase.Connecting, InResolutionDelay = false,
                Untried = state.Untried.Remove(@event.Address!),
                Attempts = state.Attempts.Add(new EyeballsAttempt(@event.Id, @event.Address!, NtStatus.Pending)),
            },
            EyeballsEventKind.AttemptDelayStarted =>
                state with { TimerGeneration = @event.Generation, TimerRanOut = false },
            EyeballsEventKind.AttemptDelayRanOut => state with { TimerRanOut = true },
            EyeballsEventKind.AttemptEnded => state with
            {
                Attempts = state.Attempts.Select(a => a.Id == @event.Id ? a with { Status = @event.Status } : a)
                    .ToImmutableArray(),
                LastAttemptStatus = @event.Status.IsSuccess ? state.LastAttemptStatus : @event.Status,
            },
            EyeballsEventKind.Won => state with
            {
                Phase = EyeballsPhase.Won, Winner = @event.Id, Status = NtStatus.Success, TimerGeneration = 0,
            },
            EyeballsEventKind.Failed or EyeballsEventKind.Cancelled => state with
            {
                Phase = @event.Kind == EyeballsEventKind.Failed ? EyeballsPhase.Failed : EyeballsPhase.Cancelled,
                Status = @event.Status, TimerGeneration = 0,
            },
            _ => state, // AttemptCancelled, LoserClosed: the shell acts; the attempt ends when its IRP completes
        };

    /// <summary>Folds <paramref name="events"/> into <paramref name="state"/>.</summary>
    public static EyeballsState Apply(EyeballsState state, IEnumerable<EyeballsEvent> events,
        HappyEyeballsOptions options) => events.Aggregate(state, (s, e) => Evolve(s, e, options));

    /// <summary>
    /// Nothing more will happen: the outcome is decided, and no attempt and no lookup is still running.
    /// </summary>
    public static bool IsTerminal(EyeballsState state) =>
        state.IsDecided && state.PendingAttempts == 0 && !state.Asking(AddressFamilies.Inet6)
        && !state.Asking(AddressFamilies.Inet);

    private static void FollowLookup(EyeballsCommand command, EyeballsState state, HappyEyeballsOptions options,
        List<EyeballsEvent> events)
    {
        bool otherAsked = state.Asking(Other(command.Family));
        if (state.Phase == EyeballsPhase.Resolving)
        {
            bool preferredAnswered = command.Family == options.PreferredFamily && !command.Addresses.IsDefaultOrEmpty;
            if (state.Untried.IsEmpty)
            {
                if (!otherAsked) events.Add(new(EyeballsEventKind.Failed, Status: state.LastLookupStatus));
            }
            else if (preferredAnswered || !otherAsked) StartNext(state, options, events);
            else if (!state.InResolutionDelay)
                events.Add(new(EyeballsEventKind.ResolutionDelayStarted, Status: NtStatus.Pending));
            return;
        }
        // Connecting: new addresses joined the untried list; when nothing runs, or the attempt delay already ran out,
        // the next starts now.
        if (!state.Untried.IsEmpty && (state.PendingAttempts == 0 || state.TimerRanOut))
            StartNext(state, options, events);
        else if (state.Untried.IsEmpty && state.PendingAttempts == 0 && !otherAsked)
            events.Add(new(EyeballsEventKind.Failed, Status: state.LastAttemptStatus));
    }

    private static void FollowAttempt(EyeballsCommand command, EyeballsState state, HappyEyeballsOptions options,
        List<EyeballsEvent> events)
    {
        if (state.IsDecided)
        {
            if (command.Status.IsSuccess) events.Add(new(EyeballsEventKind.LoserClosed, Id: command.Id));
            return;
        }
        if (command.Status.IsSuccess)
        {
            events.Add(new(EyeballsEventKind.Won, Id: command.Id, Status: NtStatus.Success));
            StopTheRest(state, keep: command.Id, events);
            return;
        }
        if (!state.Untried.IsEmpty) StartNext(state, options, events); // a failure starts the next at once
        else if (state.PendingAttempts == 0 && !state.Asking(AddressFamilies.Inet6)
                 && !state.Asking(AddressFamilies.Inet))
            events.Add(new(EyeballsEventKind.Failed, Status: command.Status));
    }

    private static void StartNext(EyeballsState state, HappyEyeballsOptions options, List<EyeballsEvent> events)
    {
        if (state.Untried.IsEmpty) return;
        int id = state.Attempts.Length + 1;
        events.Add(new(EyeballsEventKind.AttemptStarted, Id: id, Address: state.Untried[0]));
        events.Add(new(EyeballsEventKind.AttemptDelayStarted, Generation: id));
    }

    private static void StopTheRest(EyeballsState state, int keep, List<EyeballsEvent> events)
    {
        foreach (var attempt in state.Attempts)
            if (attempt.IsPending && attempt.Id != keep)
                events.Add(new(EyeballsEventKind.AttemptCancelled, Id: attempt.Id));
        // Written out, not a constant array: the Coyote rewrite of the test build breaks constant array initialisers.
        if (state.Asking(AddressFamilies.Inet6))
            events.Add(new(EyeballsEventKind.LookupCancelled, AddressFamilies.Inet6));
        if (state.Asking(AddressFamilies.Inet))
            events.Add(new(EyeballsEventKind.LookupCancelled, AddressFamilies.Inet));
    }

    internal static ushort Other(ushort family) =>
        family == AddressFamilies.Inet6 ? AddressFamilies.Inet : AddressFamilies.Inet6;

    private static bool Tried(EyeballsState state, SockAddr address) =>
        state.Attempts.Any(a => a.Address.Equals(address)) || state.Untried.Contains(address);

    private static EyeballsAttempt? Find(EyeballsState state, int id) =>
        state.Attempts.FirstOrDefault(a => a.Id == id) is { Address: not null } a ? a : null;

    private static EyeballsState WithLookup(EyeballsState state, ushort family, LookupPhase phase) =>
        family == AddressFamilies.Inet6 ? state with { Inet6 = phase } : state with { Inet = phase };
}
