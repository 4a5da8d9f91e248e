namespace Wsk.Shell;

/// <summary>The caller mistakes <see cref="WskVerifier"/> reports (Driver Verifier's rules, as values).</summary>
public enum VerifierRule
{
    /// <summary>An IRP was passed to a WSK call while an earlier call still owned it.</summary>
    IrpReusedWhilePending,
    /// <summary>
    /// An IRP was completed a second time, or completed when nobody had submitted it (bug check 0x44).
    /// </summary>
    IrpCompletedTwice,
    /// <summary>A call (or a second close) on a socket after WskCloseSocket.</summary>
    CallAfterClose,
    /// <summary>WskCloseSocket while another thread is still inside a call on the same socket.</summary>
    CloseOverlapsCall,
    /// <summary>WSK_RELEASE_SD on a descriptor a WskSocketConnect still pending was given.</summary>
    SecurityDescriptorReleasedWhileInUse,
    /// <summary>
    /// WskReleaseProviderNPI twice for one capture, or a call through a released or unknown client
    /// (CallingRule.ClientReleased: the call returned STATUS_INVALID_HANDLE).
    /// </summary>
    ClientUsedAfterRelease,
    /// <summary>
    /// At <see cref="WskVerifier.Verify"/>: a socket (connected, or made by WskSocket and never connected) never
    /// closed.
    /// </summary>
    SocketLeaked,
    /// <summary>At <see cref="WskVerifier.Verify"/>: a capture never released.</summary>
    CaptureNotReleased,
    /// <summary>At <see cref="WskVerifier.Verify"/>: a registration never deregistered.</summary>
    RegistrationNotDeregistered,
    /// <summary>
    /// At <see cref="WskVerifier.Verify"/>: an IRP submitted to WSK and never completed (a lost completion).
    /// </summary>
    IrpNeverCompleted,
    /// <summary>A completion routine waited for another WSK IRP that had not completed (it must not).</summary>
    CompletionRoutineWaits,
    /// <summary>A WSK call made above DISPATCH_LEVEL (CallingRule.IrqlAboveDispatch; a bug check).</summary>
    IrqlAboveDispatch,
    /// <summary>
    /// A call that requires an IRP was given none (CallingRule.IrpMissing): it returned STATUS_INVALID_PARAMETER and
    /// completed nothing.
    /// </summary>
    IrpMissing,
    /// <summary>
    /// WskRelease of a data indication the client does not hold: never kept (STATUS_PENDING), or released already.
    /// </summary>
    IndicationNotHeld,
    /// <summary>A PASSIVE_LEVEL-only call (a name call) made at APC_LEVEL or DISPATCH_LEVEL (a bug check).</summary>
    IrqlAbovePassive,
    /// <summary>At <see cref="WskVerifier.Verify"/>: a WskGetAddressInfo list never given back with
    /// WskFreeAddressInfo.</summary>
    AddressInfoNotFreed,
    /// <summary>WskFreeAddressInfo of a list the client does not hold: freed already, or not this provider's (a bug
    /// check).</summary>
    AddressInfoNotHeld,
}
