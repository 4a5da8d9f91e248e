using System.Numerics;

namespace Wsk.Core;

/// <summary>
/// Enabling and disabling a connection socket's event callbacks through SO_WSK_EVENT_CALLBACK (wsk-contract §4).
/// Enable takes any OR of the connection events whose callback the client gave; disable takes exactly one event with
/// WSK_EVENT_DISABLE. Disabling an event whose callback is running answers STATUS_PENDING when an IRP was given (the IRP
/// completes when the callback returns) and STATUS_EVENT_PENDING without one; either way no new callback of that event
/// starts. Events made static by WSK_SET_STATIC_EVENT_CALLBACKS cannot be disabled.
/// </summary>
public static class EventCallbackDecider
{
    /// <summary>What a control request gets.</summary>
    /// <param name="eventMask">The EventMask of WSK_EVENT_CALLBACK_CONTROL.</param>
    /// <param name="hasIrp">Whether the call gave an IRP.</param>
    /// <param name="state">The socket's events.</param>
    public static EventControlDecision Decide(uint eventMask, bool hasIrp, EventState state)
    {
        if ((eventMask & WskEvents.Disable) == 0)
        {
            if (eventMask == 0 || (eventMask & ~WskEvents.ConnectionEvents) != 0 || (eventMask & ~state.Available) != 0)
                return EventControlDecision.Refuse(NtStatus.InvalidParameter);
            return new EventControlDecision(NtStatus.Success, state with { Enabled = state.Enabled | eventMask });
        }

        uint target = eventMask & ~WskEvents.Disable;
        if (BitOperations.PopCount(target) != 1 || (target & ~WskEvents.ConnectionEvents) != 0)
            return EventControlDecision.Refuse(NtStatus.InvalidParameter);
        if ((target & state.Static) != 0)
            return EventControlDecision.Refuse(NtStatus.InvalidParameter);
        var next = state with { Enabled = state.Enabled & ~target };
        if ((state.InFlight & target) == 0) return new EventControlDecision(NtStatus.Success, next);
        return new EventControlDecision(hasIrp ? NtStatus.Pending : NtStatus.EventPending, next, WaitFor: target);
    }

    /// <summary>Whether a callback of <paramref name="event"/> may start now.</summary>
    public static bool MayIndicate(uint @event, EventState state) => (state.Enabled & @event) != 0;
}

/// <summary>A socket's event-callback state.</summary>
/// <param name="Available">Events whose callback the client's dispatch provides.</param>
/// <param name="Enabled">Events enabled now.</param>
/// <param name="Static">Events enabled for good by WSK_SET_STATIC_EVENT_CALLBACKS.</param>
/// <param name="InFlight">Events with a callback running now.</param>
public readonly record struct EventState(uint Available, uint Enabled, uint Static, uint InFlight)
{
    /// <summary>A new socket: disabled unless static (wsk-contract §0.4).</summary>
    public static EventState ForNewSocket(uint available, uint staticMask) =>
        new(available, staticMask & available, staticMask & available, 0);
}

/// <summary>The answer to one SO_WSK_EVENT_CALLBACK request.</summary>
/// <param name="Status">What the call returns (and its IRP completes with, unless PENDING).</param>
/// <param name="Next">The event state after it.</param>
/// <param name="WaitFor">For PENDING / EVENT_PENDING: the event whose running callback must return first.</param>
public readonly record struct EventControlDecision(NtStatus Status, EventState? Next, uint WaitFor = 0)
{
    /// <summary>Refused: nothing changes.</summary>
    public static EventControlDecision Refuse(NtStatus status) => new(status, null);
}

/// <summary>
/// What the provider does with a receive indication once the client's WskReceiveEvent returned (wsk-contract §4).
/// </summary>
public static class IndicationDecider
{
    /// <summary>Decides from the callback's return value, the bytes indicated and the bytes the client says it accepted.</summary>
    public static IndicationOutcome Decide(NtStatus returned, long bytesIndicated, long bytesAccepted)
    {
        if (returned == NtStatus.Success)
        {
            // All consumed, or part: then the rest stays with the provider and indications stop until a WskReceive
            // takes it. An accepted count outside [0, indicated] is the client's bug: treat it as "all consumed".
            if (bytesAccepted <= 0 || bytesAccepted >= bytesIndicated)
                return new IndicationOutcome(IndicationAction.Consumed, bytesIndicated, bytesAccepted is < 0 || bytesAccepted > bytesIndicated);
            return new IndicationOutcome(IndicationAction.PartlyConsumed, bytesAccepted, false);
        }
        if (returned == NtStatus.Pending) return new IndicationOutcome(IndicationAction.KeptByClient, bytesIndicated, false);
        if (returned == NtStatus.DataNotAccepted) return new IndicationOutcome(IndicationAction.NotAccepted, 0, false);
        // Any other answer is outside the contract: keep the data with the provider, as for DATA_NOT_ACCEPTED.
        return new IndicationOutcome(IndicationAction.NotAccepted, 0, true);
    }
}

/// <summary>How an indication ended.</summary>
public enum IndicationAction : byte
{
    /// <summary>The client consumed every byte; indications go on.</summary>
    Consumed,
    /// <summary>The client consumed Consumed bytes; the rest waits for a WskReceive, and indications stop until then.</summary>
    PartlyConsumed,
    /// <summary>The client kept the indication (STATUS_PENDING) and returns it with WskRelease; indications go on.</summary>
    KeptByClient,
    /// <summary>STATUS_DATA_NOT_ACCEPTED: the data waits for a WskReceive, and indications stop until one is posted.</summary>
    NotAccepted,
}

/// <summary>The outcome of one indication.</summary>
/// <param name="Action">What to do.</param>
/// <param name="Consumed">Bytes taken by the client (all of them when kept).</param>
/// <param name="ClientBrokeContract">The callback answered outside the contract (recorded, then treated as stated).</param>
public readonly record struct IndicationOutcome(IndicationAction Action, long Consumed, bool ClientBrokeContract)
{
    /// <summary>Whether indications go on after this one.</summary>
    public bool IndicationsContinue => Action is IndicationAction.Consumed or IndicationAction.KeptByClient;
}
