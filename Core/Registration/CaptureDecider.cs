namespace Wsk.Core;

// ------------------------------------------------------------------ state

/// <summary>Where one WskCaptureProviderNPI wait is.</summary>
public enum CapturePhase : byte
{
    /// <summary>The capture has not begun.</summary>
    NotBegun,
    /// <summary>Waiting for the provider, deregistration or the timer.</summary>
    Waiting,
    /// <summary>Answered: <see cref="CaptureState.Status"/> is the capture's status.</summary>
    Ended,
}

/// <summary>A capture wait's state.</summary>
/// <param name="Phase">The phase.</param>
/// <param name="Status">Once ended: STATUS_SUCCESS (captured), STATUS_DEVICE_NOT_READY or STATUS_CANCELLED.</param>
public readonly record struct CaptureState(CapturePhase Phase, NtStatus Status);

// ------------------------------------------------------------------ commands

/// <summary>What happens to a capture wait.</summary>
public enum CaptureCommandKind : byte
{
    /// <summary>The capture begins: its wait, whether the provider is ready, whether deregistering.</summary>
    Begin,
    /// <summary>The provider becomes ready (attaches).</summary>
    ProviderReady,
    /// <summary>WskDeregister begins.</summary>
    DeregisterBegins,
    /// <summary>The wait's timer runs out.</summary>
    TimerRunsOut,
    /// <summary>The caller abandons the wait (the awaitable form's cancellation).</summary>
    Abandon,
}

/// <summary>A command to the capture decider (a flat struct with a kind, so that a step allocates nothing).</summary>
/// <param name="Kind">Which command.</param>
/// <param name="WaitMilliseconds">Begin: WSK_NO_WAIT, a timeout, or WSK_INFINITE_WAIT.</param>
/// <param name="ProviderIsReady">Begin: the provider is attached now.</param>
/// <param name="Deregistering">Begin: WskDeregister has begun.</param>
public readonly record struct CaptureCommand(
    CaptureCommandKind Kind, uint WaitMilliseconds = 0, bool ProviderIsReady = false, bool Deregistering = false)
{
    /// <summary>The capture begins.</summary>
    public static CaptureCommand Begin(uint waitMilliseconds, bool providerIsReady, bool deregistering) =>
        new(CaptureCommandKind.Begin, waitMilliseconds, providerIsReady, deregistering);
    /// <summary>The provider becomes ready.</summary>
    public static CaptureCommand ProviderReady => new(CaptureCommandKind.ProviderReady);
    /// <summary>Deregistration begins.</summary>
    public static CaptureCommand DeregisterBegins => new(CaptureCommandKind.DeregisterBegins);
    /// <summary>The timer runs out.</summary>
    public static CaptureCommand TimerRunsOut => new(CaptureCommandKind.TimerRunsOut);
    /// <summary>The caller abandons the wait.</summary>
    public static CaptureCommand Abandon => new(CaptureCommandKind.Abandon);
}

// ------------------------------------------------------------------ events

/// <summary>What happened to a capture wait.</summary>
public enum CaptureEventKind : byte
{
    /// <summary>Nothing (the command does not concern the capture in its state).</summary>
    None,
    /// <summary>The wait began; <see cref="CaptureEvent.Timed"/> says whether a timer is to run.</summary>
    WaitBegan,
    /// <summary>The provider was captured: STATUS_SUCCESS with an NPI.</summary>
    Captured,
    /// <summary>Not ready (no wait, deregistration, or the wait ran out): STATUS_DEVICE_NOT_READY.</summary>
    NotReady,
    /// <summary>The caller abandoned the wait: STATUS_CANCELLED, nothing captured.</summary>
    Abandoned,
}

/// <summary>An event of the capture decider (a flat struct with a kind, so that a step allocates nothing).</summary>
/// <param name="Kind">Which event.</param>
/// <param name="Status">Captured, NotReady, Abandoned: the capture's status.</param>
/// <param name="Timed">WaitBegan: the wait is finite, so a timer is to run for it.</param>
public readonly record struct CaptureEvent(CaptureEventKind Kind, NtStatus Status = default, bool Timed = false);

// ------------------------------------------------------------------ the decider

/// <summary>
/// WskCaptureProviderNPI's wait as a decider (rule CaptureWait): a ready provider is captured at once; deregistration
/// (begun or beginning) answers STATUS_DEVICE_NOT_READY (rule NotReadyAfterDeregister); WSK_NO_WAIT answers it at once
/// when the provider is not ready; a wait that runs out answers it too. The first answer ends the wait.
/// </summary>
public static class CaptureDecider
{
    /// <summary>WSK_NO_WAIT.</summary>
    public const uint NoWait = 0;

    /// <summary>WSK_INFINITE_WAIT.</summary>
    public const uint InfiniteWait = 0xFFFF_FFFF;

    /// <summary>The state before the capture is called.</summary>
    public static readonly CaptureState Initial = default;

    /// <summary>What a command does to a capture wait in a state.</summary>
    public static CaptureEvent Decide(CaptureCommand command, CaptureState state) => (command.Kind, state.Phase) switch
    {
        (CaptureCommandKind.Begin, CapturePhase.NotBegun) => command switch
        {
            { Deregistering: true } => NotReady,
            { ProviderIsReady: true } => Captured,
            { WaitMilliseconds: NoWait } => NotReady,
            _ => new CaptureEvent(CaptureEventKind.WaitBegan, Timed: command.WaitMilliseconds != InfiniteWait),
        },
        (CaptureCommandKind.ProviderReady, CapturePhase.Waiting) => Captured,
        (CaptureCommandKind.DeregisterBegins or CaptureCommandKind.TimerRunsOut, CapturePhase.Waiting) => NotReady,
        (CaptureCommandKind.Abandon, CapturePhase.Waiting) =>
            new CaptureEvent(CaptureEventKind.Abandoned, NtStatus.Cancelled),
        _ => default,
    };

    /// <summary>Folds one event into the state.</summary>
    public static CaptureState Evolve(CaptureState state, CaptureEvent @event) => @event.Kind switch
    {
        CaptureEventKind.WaitBegan => new CaptureState(CapturePhase.Waiting, default),
        CaptureEventKind.None => state,
        _ => new CaptureState(CapturePhase.Ended, @event.Status),
    };

    /// <summary>True once the capture has answered.</summary>
    public static bool IsTerminal(CaptureState state) => state.Phase == CapturePhase.Ended;

    /// <summary>
    /// What a capture waiting <paramref name="waitMilliseconds"/> answers, and when (milliseconds after it began),
    /// given when the provider becomes ready and when WskDeregister begins (null: not within the wait; 0: already so):
    /// the decider folded over that timeline. At one instant, a timer due then runs out first, then deregistration
    /// begins, then the provider becomes ready.
    /// </summary>
    /// <returns>The status and the time it is answered; the time is null for a wait that never ends.</returns>
    public static (NtStatus Status, long? At) Outcome(uint waitMilliseconds, long? readyAt, long? deregisterAt)
    {
        var state = Initial;
        state = Evolve(state, Decide(CaptureCommand.Begin(waitMilliseconds, readyAt == 0, deregisterAt == 0), state));
        if (IsTerminal(state)) return (state.Status, 0);
        long? deadline = waitMilliseconds == InfiniteWait ? null : waitMilliseconds;
        // The timeline in the order its commands arrive; equal instants keep this order (OrderBy is stable).
        var timeline = new (long? At, CaptureCommand Command)[]
        {
            (deadline, CaptureCommand.TimerRunsOut),
            (deregisterAt, CaptureCommand.DeregisterBegins),
            (readyAt, CaptureCommand.ProviderReady),
        };
        foreach (var (at, command) in System.Linq.Enumerable.OrderBy(timeline, static t => t.At ?? long.MaxValue))
        {
            if (at is not { } when) break; // what never happens ends nothing
            state = Evolve(state, Decide(command, state));
            if (IsTerminal(state)) return (state.Status, when);
        }
        return (NtStatus.DeviceNotReady, null);
    }

    private static CaptureEvent NotReady => new(CaptureEventKind.NotReady, NtStatus.DeviceNotReady);

    private static CaptureEvent Captured => new(CaptureEventKind.Captured, NtStatus.Success);
}

