namespace Wsk.Core;

/// <summary>
/// The caller's side of the contract. Breaking one of these is not an error the call can report through its IRP: in the
/// kernel it is a bug check. The shell turns a broken rule into a contract-violation exception at the call, and completes
/// nothing.
/// </summary>
public enum CallingRule
{
    /// <summary>No rule broken.</summary>
    None = 0,
    /// <summary>The call was made above DISPATCH_LEVEL.</summary>
    IrqlAboveDispatch,
    /// <summary>No IRP was given where one is required.</summary>
    IrpMissing,
    /// <summary>The IRP is still owned by an earlier call (not yet completed).</summary>
    IrpInUse,
    /// <summary>The client's provider NPI was released (or the registration deregistered) before the call.</summary>
    ClientReleased,
    /// <summary>The socket was closed; no call may follow WskCloseSocket (wsk-contract §0.10).</summary>
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
    /// <summary>WSK_RELEASE_SD of a security descriptor that a pending IRP still uses (wsk-contract §0.13).</summary>
    SecurityDescriptorInUse,
    /// <summary>A call that may wait (WskCaptureProviderNPI with a wait, WskDeregister) made above PASSIVE_LEVEL.</summary>
    WaitAbovePassive,
}

/// <summary>Pure checks of the calling rules, so that the shell only decides whether to throw.</summary>
public static class CallingContract
{
    /// <summary>The first rule a WSK call with these facts breaks, or null when it breaks none.</summary>
    /// <param name="irql">The caller's IRQL.</param>
    /// <param name="hasIrp">Whether an IRP was given.</param>
    /// <param name="irpIdle">Whether that IRP is free to be submitted.</param>
    /// <param name="clientLive">Whether the client may still make calls.</param>
    public static CallingRule? Check(Irql irql, bool hasIrp, bool irpIdle, bool clientLive) =>
        irql > Irql.DispatchLevel ? CallingRule.IrqlAboveDispatch
        : !clientLive ? CallingRule.ClientReleased
        : !hasIrp ? CallingRule.IrpMissing
        : !irpIdle ? CallingRule.IrpInUse
        : null;
}
