using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using System.Threading.Tasks.Sources;
using Wsk.Core;

namespace Wsk.Shell;

/// <summary>
/// IoCompletion routine: runs once when the IRP completes, on whatever thread completed it (possibly inside the call
/// that submitted it). For a caller-allocated IRP it should return STATUS_MORE_PROCESSING_REQUIRED; it must not wait
/// for another WSK completion (rule CompletionRoutineDoesNotWait).
/// </summary>
/// <param name="irp">The completed IRP; <see cref="Irp.IoStatus"/> is final.</param>
/// <param name="context">The context given to <see cref="Irp.SetCompletionRoutine"/>.</param>
public delegate NtStatus IrpCompletionRoutine(Irp irp, object? context);

/// <summary>Something the provider runs when an IRP it owns is cancelled.</summary>
internal interface IIrpCancelRoutine
{
    void OnCancel(Irp irp);
}

/// <summary>
/// A caller-allocated IRP, reusable after completion. Its life is the pure <see cref="IrpDecider"/>, advanced with one
/// compare-and-swap per step: that is the single completion path for synchronous and pending outcomes, and it turns a
/// second completion into a recorded <see cref="Violations">violation</see> instead of delivering or dropping it.
/// </summary>
public sealed class Irp : IValueTaskSource<IoStatus>
{
    // IrpState packed (IrpDecider), plus the shell's own Delivering bit: set from the winning completion until its
    // routine has run and the IRP is free again, so that nobody can resubmit the IRP while its last completion is being
    // delivered.
    private const int Delivering = 0x1000;
    private int _state;
    private int _published; // 1 once IoStatus of the current use may be read (also inside the completion routine)
    private short _useVersion; // the waiter version of the current use
    // Guards _waiter's reset and release, and _violations: held for a few instructions, never around caller code.
    private SpinGate _gate;
    private IoStatus _ioStatus;
    private IrpCompletionRoutine? _completionRoutine;
    private object? _completionContext;
    private IIrpCancelRoutine? _cancelRoutine;
    private ManualResetValueTaskSourceCore<bool> _waiter; // the result itself is _ioStatus: kept once, not twice
    private List<IrpViolation>? _violations;
    private int _completions;
    private int _submissions;
    // The IRP whose completion routine runs on this thread (verifier only).
    [ThreadStatic] private static Irp? t_delivering;

    /// <summary>Allocates an idle IRP (IoAllocateIrp).</summary>
    public Irp()
    {
        // An awaiting continuation must not run inside the completion path: it may resubmit the IRP at once.
        _waiter.RunContinuationsAsynchronously = true;
    }

    /// <summary>The state as the decider sees it.</summary>
    public IrpState State => IrpState.FromInt32(Volatile.Read(ref _state));

    /// <summary>True while a WSK call owns the IRP, including while its completion is being delivered.</summary>
    public bool IsPending
    {
        get
        {
            int packed = Volatile.Read(ref _state);
            return (packed & Delivering) != 0 || IrpState.FromInt32(packed).Phase == IrpPhase.InProgress;
        }
    }

    /// <summary>
    /// True once the current use completed and its completion was delivered; the IRP may then be reused.
    /// </summary>
    public bool IsCompleted => Volatile.Read(ref _published) == 1 && (Volatile.Read(ref _state) & Delivering) == 0;

    /// <summary>The Cancel flag of the current use (set by <see cref="Cancel"/>).</summary>
    public bool IsCancelRequested => State.CancelRequested;

    /// <summary>
    /// IoStatus of the current use: final from its completion on (readable inside the completion routine); default
    /// before.
    /// </summary>
    public IoStatus IoStatus => Volatile.Read(ref _published) == 1 ? _ioStatus : default;

    /// <summary>How many times this IRP has been completed, over all its uses.</summary>
    public long CompletionCount => Volatile.Read(ref _completions);

    /// <summary>How many times this IRP has been submitted, over all its uses.</summary>
    public long SubmissionCount => Volatile.Read(ref _submissions);

    /// <summary>
    /// Every completion that arrived when the IRP was not the completer's to complete (double completion and the like).
    /// </summary>
    public IReadOnlyList<IrpViolation> Violations
    {
        get
        {
            _gate.Enter();
            try { return _violations is null ? Array.Empty<IrpViolation>() : _violations.ToArray(); }
            finally { _gate.Exit(); }
        }
    }

    /// <summary>
    /// IoSetCompletionRoutine: sets the routine for the next completions. Not allowed while the IRP is in progress.
    /// </summary>
    public void SetCompletionRoutine(IrpCompletionRoutine? routine, object? context = null)
    {
        if (IsPending)
            throw new WskContractViolationException(CallingRule.IrpInUse,
                "the completion routine of an IRP in progress cannot change");
        _completionRoutine = routine;
        _completionContext = context;
    }

    /// <summary>
    /// IoCancelIrp: sets the Cancel flag and runs the provider's cancel routine. Returns true when the IRP was in
    /// progress and not already cancelled. The IRP still completes exactly once: with STATUS_CANCELLED, or with the
    /// real result if the operation finished first (rule CancelCompletesOnce). Wait for that completion before reusing
    /// the IRP.
    /// </summary>
    public bool Cancel()
    {
        if (Advance(IrpCommand.Cancel).Kind != IrpEventKind.CancelRequested) return false;
        Interlocked.Exchange(ref _cancelRoutine, null)?.OnCancel(this);
        return true;
    }

    /// <summary>
    /// IoCompleteRequest: the one completion path. Publishes <paramref name="status"/>, runs the completion routine,
    /// frees the IRP, then releases <see cref="WaitAsync"/>. Returns false, and records a violation, when the IRP is
    /// not in progress (a second completion, or a completion nobody submitted) or the status is STATUS_PENDING.
    /// </summary>
    public bool IoCompleteRequest(NtStatus status, object? information = null)
    {
        var e = Advance(IrpCommand.Complete(status), extraBits: Delivering);
        if (e.Kind != IrpEventKind.Completed)
        {
            RecordViolation(e.Rule, status, "IoCompleteRequest refused");
            return false;
        }

        Interlocked.Exchange(ref _cancelRoutine, null);
        _ioStatus = new IoStatus(status, information);
        Interlocked.Increment(ref _completions);
        Volatile.Write(ref _published, 1);
        if (Verifier is { } verifier) DeliverVerified(verifier);
        else _completionRoutine?.Invoke(this, _completionContext);
        short version = _useVersion;
        Interlocked.And(ref _state, ~Delivering); // free: the owner may reuse it from here on
        _gate.Enter();
        // A reuse that slipped in after the IRP became free has its own waiter; this result is not its result.
        // (SetResult only queues the awaiting continuation: no caller code runs under the lock.)
        if (_waiter.Version == version) _waiter.SetResult(true);
        _gate.Exit();
        return true;
    }

    /// <summary>
    /// Waits for the current use to complete (the KEVENT every WSK client writes). Completes at once if it already has.
    /// One awaiter per use.
    /// </summary>
    public ValueTask<IoStatus> WaitAsync()
    {
        // CompletionRoutineDoesNotWait: a completion routine must not wait for another WSK completion (only seen with a
        // verifier on).
        if (t_delivering is { Verifier: { } verifier } delivering && delivering != this && !IsCompleted)
            verifier.OnWaitInCompletionRoutine(this, delivering);
        return new(this, _waiter.Version);
    }

    /// <summary>
    /// The verifier watching the current use, if one is attached (set by the provider at submission).
    /// </summary>
    internal WskVerifier? Verifier { get; set; }

    private void DeliverVerified(WskVerifier verifier)
    {
        verifier.OnCompleted(this);
        var outer = t_delivering;
        t_delivering = this;
        try { _completionRoutine?.Invoke(this, _completionContext); }
        finally { t_delivering = outer; }
    }

    /// <summary>
    /// Takes ownership for a WSK call. Throws when the IRP is still in use, including while its completion is being
    /// delivered (so an IRP cannot be reused from inside its own completion routine: no WSK call may be made there).
    /// </summary>
    internal void Submit()
    {
        if (!TrySubmit())
            throw new WskContractViolationException(CallingRule.IrpInUse, "the IRP is still owned by an earlier call");
    }

    /// <summary>
    /// <see cref="Submit"/> without the throw: false, and nothing changed, when the IRP is still in use (its completion
    /// being delivered included). The call gate reports that breach itself.
    /// </summary>
    internal bool TrySubmit()
    {
        if (Advance(IrpCommand.Submit, refuseWhileDelivering: true).Kind != IrpEventKind.Submitted) return false;
        Volatile.Write(ref _published, 0);
        _ioStatus = default;
        Volatile.Write(ref _cancelRoutine, null); // a routine left by an earlier use never runs for this one
        _gate.Enter();
        _waiter.Reset();
        _useVersion = _waiter.Version;
        _gate.Exit();
        Interlocked.Increment(ref _submissions);
        return true;
    }

    /// <summary>
    /// The final status of a call made on this IRP when it was fresh: the IRP's, or what the call returned when the
    /// call gate refused it before submitting anything (then no completion will ever come). Used by the reactive and
    /// awaitable forms, which allocate one IRP per call.
    /// </summary>
    internal NtStatus FinalStatusOfFreshCall(NtStatus returned) => SubmissionCount == 0 ? returned : IoStatus.Status;

    /// <summary>
    /// True when a call on this fresh IRP was refused before it was submitted (nothing will complete it).
    /// </summary>
    internal bool RefusedBeforeSubmission(NtStatus returned) => !returned.IsPending && SubmissionCount == 0;

    /// <summary>True while this IRP's completion is being delivered (its completion routine runs).</summary>
    internal bool IsDelivering => (Volatile.Read(ref _state) & Delivering) != 0;

    /// <summary>
    /// Installs the provider's cancel routine for the current use; runs it at once if the IRP was cancelled before it
    /// was installed, and withdraws it if the IRP completed meanwhile.
    /// </summary>
    internal void SetCancelRoutine(IIrpCancelRoutine routine)
    {
        Volatile.Write(ref _cancelRoutine, routine);
        var state = State;
        if (state.Phase != IrpPhase.InProgress)
            Interlocked.CompareExchange(ref _cancelRoutine, null, routine);
        else if (state.CancelRequested)
            Interlocked.Exchange(ref _cancelRoutine, null)?.OnCancel(this);
    }

    /// <summary>Records a contract violation that concerns this IRP.</summary>
    internal void RecordViolation(CallingRule rule, NtStatus attempted, string detail)
    {
        _gate.Enter();
        try { (_violations ??= new List<IrpViolation>()).Add(new IrpViolation(rule, attempted, detail)); }
        finally { _gate.Exit(); }
        Verifier?.OnIrpViolation(this, rule, detail);
    }

    private IrpEvent Advance(IrpCommand command, int extraBits = 0, bool refuseWhileDelivering = false)
    {
        while (true)
        {
            int current = Volatile.Read(ref _state);
            if (refuseWhileDelivering && (current & Delivering) != 0) return IrpEvent.Violation(CallingRule.IrpInUse);
            var state = IrpState.FromInt32(current);
            var e = IrpDecider.Decide(command, state);
            if (e.Kind is IrpEventKind.None or IrpEventKind.Violation) return e;
            int next = IrpDecider.Evolve(state, e).ToInt32() | (current & Delivering) | extraBits;
            if (Interlocked.CompareExchange(ref _state, next, current) == current) return e;
        }
    }

    IoStatus IValueTaskSource<IoStatus>.GetResult(short token)
    {
        _waiter.GetResult(token); // validates the token: a stale awaiter of an earlier use fails here
        return _ioStatus;
    }

    ValueTaskSourceStatus IValueTaskSource<IoStatus>.GetStatus(short token) => _waiter.GetStatus(token);

    void IValueTaskSource<IoStatus>.OnCompleted(Action<object?> continuation, object? state, short token,
        ValueTaskSourceOnCompletedFlags flags) =>
        _waiter.OnCompleted(continuation, state, token, flags);
}

/// <summary>A completion the IRP refused, kept for inspection (the Driver Verifier analogue, as a value).</summary>
/// <param name="Rule">The rule broken.</param>
/// <param name="AttemptedStatus">The status the refused completion carried.</param>
/// <param name="Detail">Who attempted it.</param>
public sealed record IrpViolation(CallingRule Rule, NtStatus AttemptedStatus, string Detail);
