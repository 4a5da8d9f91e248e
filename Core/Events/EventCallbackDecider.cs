using System.Numerics;

namespace Wsk.Core;

// ---- state ----

/// <summary>A socket's event-callback state.</summary>
/// <param name="Available">Events whose callback the client's dispatch provides.</param>
/// <param name="Enabled">Events enabled now.</param>
/// <param name="Static">Events enabled for good by WSK_SET_STATIC_EVENT_CALLBACKS.</param>
/// <param name="InFlight">Events with a callback running now.</param>
public readonly record struct EventState(uint Available, uint Enabled, uint Static, uint InFlight);

// ---- commands ----

/// <summary>One SO_WSK_EVENT_CALLBACK request.</summary>
/// <param name="EventMask">The EventMask of WSK_EVENT_CALLBACK_CONTROL.</param>
/// <param name="HasIrp">Whether the call gave an IRP.</param>
public readonly record struct EventControlRequest(uint EventMask, bool HasIrp);

// ---- events ----

/// <summary>The answer to one SO_WSK_EVENT_CALLBACK request.</summary>
/// <param name="Status">What the call returns (and its IRP completes with, unless PENDING).</param>
/// <param name="Next">The event state after it.</param>
/// <param name="WaitFor">For PENDING / EVENT_PENDING: the event whose running callback must return first.</param>
public readonly record struct EventControlDecision(NtStatus Status, EventState? Next, uint WaitFor = 0)
{
    /// <summary>Refused: nothing changes.</summary>
    public static EventControlDecision Refuse(NtStatus status) => new(status, null);
}

// ---- the decider ----

/// <summary>
/// Enabling and disabling a connection socket's event callbacks through SO_WSK_EVENT_CALLBACK.
/// EnableOrsConnectionEvents: enable takes any OR of the connection events whose callback the client gave.
/// DisableOneEvent: disable takes exactly one event with WSK_EVENT_DISABLE. DisableWhileRunningWaits: disabling an
/// event whose callback is running answers STATUS_PENDING when an IRP was given (the IRP completes when the callback
/// returns) and STATUS_EVENT_PENDING without one; either way no new callback of that event starts.
/// StaticEventsStayEnabled: events made static by WSK_SET_STATIC_EVENT_CALLBACKS cannot be disabled.
/// </summary>
public static class EventCallbackDecider
{
    /// <summary>
    /// A new socket's events (CallbacksStartDisabled): disabled unless static, and only those the dispatch provides.
    /// </summary>
    public static EventState Initial(uint available, uint staticMask) =>
        new(available, staticMask & available, staticMask & available, 0);

    /// <summary>What a control request gets in the socket's event <paramref name="state"/>.</summary>
    public static EventControlDecision Decide(EventControlRequest request, EventState state)
    {
        uint eventMask = request.EventMask;
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
        var waiting = request.HasIrp ? NtStatus.Pending : NtStatus.EventPending;
        return new EventControlDecision(waiting, next, WaitFor: target);
    }

    /// <summary>The state after <paramref name="decision"/> (a refusal leaves it as it was).</summary>
    public static EventState Evolve(EventState state, EventControlDecision decision) => decision.Next ?? state;

    /// <summary>Never: a socket's events end with the socket (WskCloseSocket), not by a request.</summary>
    public static bool IsTerminal(EventState state) => false;

    /// <summary>Whether a callback of <paramref name="event"/> may start now.</summary>
    public static bool MayIndicate(uint @event, EventState state) => (state.Enabled & @event) != 0;
}
