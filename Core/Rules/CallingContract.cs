namespace Wsk.Core;

/// <summary>
/// The caller's side of the contract. Breaking one of these is never reported through the IRP. Most are bug
/// checks in the kernel, which the shell turns into a contract-violation exception at the call; a missing IRP and a
/// released client are answered with a returned status instead (<see cref="CallingContract.OutcomeOf"/>). Either way
/// nothing is completed.
/// </summary>
public enum CallingRule
{
    /// <summary>No rule broken.</summary>
    None = 0,
    /// <summary>The call was made above DISPATCH_LEVEL.</summary>
    IrqlAboveDispatch,
    /// <summary>No IRP was given where one is required.</summary>
    IrpMissing,
    /// <summary>The IRP is still owned by an earlier call (not yet completed, or its completion routine still
    /// running).</summary>
    IrpInUse,
    /// <summary>The client's provider NPI was released before the call, or the client is not a capture of this
    /// registration (or NULL).</summary>
    ClientReleased,
    /// <summary>The socket was closed; no call may follow WskCloseSocket.</summary>
    SocketClosed,
    /// <summary>An IRP completed twice: the second completion is recorded, never delivered (bug check 0x44).</summary>
    IrpCompletedTwice,
    /// <summary>An IRP was completed with STATUS_PENDING, which is not a final status.</summary>
    IrpCompletedWithPending,
    /// <summary>An IRP was completed while nobody had submitted it.</summary>
    IrpCompletedWhileIdle,
    /// <summary>A connect transport reported a socket with a failure status, or success without a socket.</summary>
    TransportResultInconsistent,
    /// <summary>A call returned twice, or a command arrived that the state cannot take.</summary>
    OutOfOrder,
    /// <summary>WSK_RELEASE_SD of a security descriptor that a pending IRP still uses (rule
    /// SdCachedUntilCompletion).</summary>
    SecurityDescriptorInUse,
    /// <summary>A call that may wait (WskCaptureProviderNPI with a wait, WskDeregister) made above
    /// PASSIVE_LEVEL.</summary>
    WaitAbovePassive,
    /// <summary>A call that runs only at PASSIVE_LEVEL (the name calls: WskGetAddressInfo, WskGetNameInfo) made at
    /// APC_LEVEL or DISPATCH_LEVEL.</summary>
    IrqlAbovePassive,
}

/// <summary>
/// What a call gate knows about one WSK call when it arrives: the caller's IRQL, the IRP (whether one is
/// required, whether one was given, whether it is idle), the client the call goes through and the socket it is made on.
/// </summary>
/// <param name="Irql">The caller's IRQL.</param>
/// <param name="IrpRequired">Whether this call needs an IRP (false where the IRP is optional).</param>
/// <param name="HasIrp">Whether an IRP was given.</param>
/// <param name="IrpIdle">
/// Whether the given IRP is free to be submitted: no call owns it and no completion of it is being delivered. An IRP
/// whose completion routine is running counts as in use until the routine returns. True when no IRP was given.
/// </param>
/// <param name="ClientLive">Whether the client is a live capture of this registration (true for calls that take no
/// client).</param>
/// <param name="SocketOpen">Whether the socket is still open (true for calls not made on a socket).</param>
/// <param name="PassiveOnly">Whether the call is documented for PASSIVE_LEVEL only (the name calls).</param>
public readonly record struct CallFacts(
    Irql Irql, bool IrpRequired, bool HasIrp, bool IrpIdle, bool ClientLive, bool SocketOpen, bool PassiveOnly = false);

/// <summary>How the provider answers a broken calling rule.</summary>
public enum CallingOutcome
{
    /// <summary>No rule broken: the call goes ahead.</summary>
    Admitted = 0,
    /// <summary>
    /// The kernel would stop the machine (a bug check): the shell throws a contract-violation exception at
    /// the call and completes nothing.
    /// </summary>
    BugCheck,
    /// <summary>The call returns a failure status at once, having submitted and completed nothing.</summary>
    Returned,
}

/// <summary>
/// Pure checks of the calling rules: facts in, the first broken rule out, and how the provider answers it.
/// The shell's call gate decides nothing of its own: it gathers the facts, asks here, tells the verifier and throws or
/// returns.
/// </summary>
/// <remarks>
/// The order, first broken rule wins: <see cref="CallingRule.IrqlAboveDispatch"/>,
/// <see cref="CallingRule.IrqlAbovePassive"/> (for the PASSIVE_LEVEL-only calls),
/// <see cref="CallingRule.SocketClosed"/>, <see cref="CallingRule.IrpMissing"/>, <see cref="CallingRule.IrpInUse"/>,
/// <see cref="CallingRule.ClientReleased"/>. The rules that stop a real machine come first; a NULL IRP is judged before
/// the client, as Windows answers WskSocket(NULL client, NULL IRP) with STATUS_INVALID_PARAMETER (Wine's conformance
/// driver, run on Windows).
/// </remarks>
public static class CallingContract
{
    /// <summary>The first rule a WSK call with these facts breaks, or null when it breaks none.</summary>
    /// <param name="facts">What the gate knows about the call.</param>
    public static CallingRule? Check(in CallFacts facts) =>
        facts.Irql > Irql.DispatchLevel ? CallingRule.IrqlAboveDispatch
        : facts.PassiveOnly && facts.Irql > Irql.PassiveLevel ? CallingRule.IrqlAbovePassive
        : !facts.SocketOpen ? CallingRule.SocketClosed
        : facts.IrpRequired && !facts.HasIrp ? CallingRule.IrpMissing
        : facts.HasIrp && !facts.IrpIdle ? CallingRule.IrpInUse
        : !facts.ClientLive ? CallingRule.ClientReleased
        : null;

    /// <summary>
    /// How the provider answers <paramref name="rule"/>: a bug check for IRQL above DISPATCH_LEVEL, an IRP
    /// reused while in use and a call on a closed socket; a returned status for a missing IRP and a released or unknown
    /// client.
    /// </summary>
    public static CallingOutcome OutcomeOf(CallingRule rule) => rule switch
    {
        CallingRule.None => CallingOutcome.Admitted,
        CallingRule.IrpMissing or CallingRule.ClientReleased => CallingOutcome.Returned,
        _ => CallingOutcome.BugCheck,
    };

    /// <summary>
    /// The status a call returns for a rule whose outcome is <see cref="CallingOutcome.Returned"/>:
    /// STATUS_INVALID_PARAMETER for a missing IRP, STATUS_INVALID_HANDLE for a released or unknown client. Null for the
    /// other rules (they are bug checks, or no breach).
    /// </summary>
    public static NtStatus? ReturnedStatus(CallingRule rule) => rule switch
    {
        CallingRule.IrpMissing => NtStatus.InvalidParameter,
        CallingRule.ClientReleased => NtStatus.InvalidHandle,
        _ => null,
    };
}
