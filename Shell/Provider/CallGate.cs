using Wsk.Core;

namespace Wsk.Shell;

/// <summary>
/// The one entry check of every IRP-taking WSK call: the provider dispatch (WskSocketConnect, WskSocket,
/// WskControlClient), the connected <see cref="WskConnectedSocket"/> and the three-step <see
/// cref="WskUnconnectedSocket"/>. It gathers the facts (<see cref="CallFacts"/>), asks <see
/// cref="CallingContract.Check"/> for the first broken rule, tells the verifier (one finding per breach, or the
/// submission), and then either throws
/// <see cref="WskContractViolationException"/> (a bug check: CallingRule.IrqlAboveDispatch, CallingRule.SocketClosed,
/// CallingRule.IrpInUse), returns the status the call must return having completed nothing (CallingRule.IrpMissing:
/// STATUS_INVALID_PARAMETER; CallingRule.ClientReleased: STATUS_INVALID_HANDLE), or submits the IRP.
/// </summary>
/// <remarks>
/// Static methods over plain arguments: a call that breaks nothing allocates nothing here, and with no verifier
/// attached pays one null test per hook. "Idle" is <see cref="Irp.IsPending"/>'s negation, so an IRP whose completion
/// routine is still running counts as in use (CallingRule.IrpInUse) until the routine returns.
/// </remarks>
internal static class CallGate
{
    /// <summary>
    /// A call through a client (the provider dispatch). Null when admitted (the IRP, if given and
    /// <paramref name="submit"/>, is submitted); else the status the call returns.
    /// </summary>
    /// <param name="registration">The registration whose dispatch was called.</param>
    /// <param name="call">The call's name (nameof the entry point).</param>
    /// <param name="client">The client object, or null (NULL, or an id this registration does not know).</param>
    /// <param name="clientId">The id the call named, when it named one (for the finding).</param>
    /// <param name="irp">The IRP, or null.</param>
    /// <param name="irpRequired">Whether the call needs one.</param>
    /// <param name="irql">The caller's IRQL.</param>
    /// <param name="sd">The SD the call was given (the verifier pins it to the IRP).</param>
    /// <param name="submit">Whether to submit the IRP here (false when the call submits it itself, later).</param>
    /// <param name="passiveOnly">Whether the call runs at PASSIVE_LEVEL only (the name calls).</param>
    /// <exception cref="WskContractViolationException">A bug-check breach.</exception>
    public static NtStatus? EnterClientCall(WskRegistration registration, string call, WskClient? client,
        ClientId? clientId, Irp? irp,
        bool irpRequired, Irql irql, SecurityDescriptorHandle? sd = null, bool submit = true, bool passiveOnly = false)
    {
        bool live = client is not null && client.IsLive && ReferenceEquals(client.Registration, registration);
        var facts = new CallFacts(irql, irpRequired, irp is not null, irp is null || !irp.IsPending, live,
            SocketOpen: true, passiveOnly);
        if (CallingContract.Check(facts) is { } broken)
            return Refuse(registration, broken, call, irql, irp, null, clientId ?? client?.Id);
        if (irp is not null && submit) Submit(registration, call, irp, null, sd);
        return null;
    }

    /// <summary>
    /// A call on a socket (connected or three-step). Null when admitted (the IRP, if given and <paramref
    /// name="submit"/>, is submitted); else the status the call returns.
    /// </summary>
    /// <exception cref="WskContractViolationException">A bug-check breach.</exception>
    public static NtStatus? EnterSocketCall(WskRegistration registration, string call, object socket, bool socketOpen,
        Irp? irp,
        bool irpRequired, Irql irql = Irql.PassiveLevel, bool submit = true)
    {
        var facts = new CallFacts(irql, irpRequired, irp is not null, irp is null || !irp.IsPending, ClientLive: true,
            socketOpen);
        if (CallingContract.Check(facts) is { } broken)
            return Refuse(registration, broken, call, irql, irp, socket, null);
        if (irp is not null && submit) Submit(registration, call, irp, socket, null);
        return null;
    }

    /// <summary>
    /// Submits <paramref name="irp"/> for an admitted call and tells the verifier. A submission that loses a race with
    /// another (the IRP was idle when checked) is the same breach, CallingRule.IrpInUse, reported the same way.
    /// </summary>
    public static void Submit(WskRegistration registration, string call, Irp irp, object? socket = null,
        SecurityDescriptorHandle? sd = null)
    {
        if (!irp.TrySubmit())
        {
            Refuse(registration, CallingRule.IrpInUse, call, Irql.PassiveLevel, irp, socket, null);
            return; // not reached: IrpInUse is a bug check
        }
        registration.Verifier?.OnSubmitted(irp, call, sd);
    }

    /// <summary>
    /// A breach found by the gate, or later inside a call (a close that lost a race with another close): tells the
    /// verifier, then throws for a bug check or returns the status the call must return.
    /// </summary>
    /// <exception cref="WskContractViolationException"><paramref name="rule"/> is a bug check.</exception>
    public static NtStatus Refuse(WskRegistration registration, CallingRule rule, string call, Irql irql, Irp? irp,
        object? socket, ClientId? client)
    {
        registration.Verifier?.OnRefused(rule, call, irql, irp, socket, client);
        if (CallingContract.ReturnedStatus(rule) is { } status) return status;
        throw new WskContractViolationException(rule, Describe(rule, call, irql, irp));
    }

    private static string Describe(CallingRule rule, string call, Irql irql, Irp? irp) => rule switch
    {
        CallingRule.IrqlAboveDispatch => $"{call} requires IRQL <= DISPATCH_LEVEL (called at {irql})",
        CallingRule.IrqlAbovePassive => $"{call} requires PASSIVE_LEVEL (called at {irql})",
        CallingRule.SocketClosed =>
            $"the socket was closed; no call may follow {nameof(WskConnectedSocket.WskCloseSocket)} ({call})",
        CallingRule.IrpInUse when irp is { IsDelivering: true } =>
            $"{call} was given an IRP from inside its own completion routine",
        CallingRule.IrpInUse => $"{call} was given an IRP still owned by an earlier call",
        CallingRule.OutOfOrder when call == nameof(WskProviderDispatch.WskFreeAddressInfo) =>
            $"{call} of an address-info list the client does not hold (freed already, or not this provider's)",
        CallingRule.OutOfOrder => $"{call} was given something the client does not hold " +
            "(a data indication not kept, or released already)",
        _ => $"{call} breaks {rule}",
    };
}
