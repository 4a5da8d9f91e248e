namespace Wsk.Core;

// ------------------------------------------------------------------ state

/// <summary>Where an IRP is in its life.</summary>
public enum IrpPhase : byte
{
    /// <summary>Allocated and not submitted, or returned to its owner after completion reuse.</summary>
    Idle = 0,
    /// <summary>Submitted: owned by the provider until completed.</summary>
    InProgress = 1,
    /// <summary>Completed: IoStatus is final; the owner may reuse it.</summary>
    Completed = 2,
}

/// <summary>An IRP's state; packs into an int for compare-and-swap.</summary>
/// <param name="Phase">The phase.</param>
/// <param name="CancelRequested">Whether IoCancelIrp was called during this use (the IRP's Cancel flag).</param>
public readonly record struct IrpState(IrpPhase Phase, bool CancelRequested)
{
    /// <summary>The packed form.</summary>
    public int ToInt32() => (int)Phase | (CancelRequested ? 0x100 : 0);

    /// <summary>Unpacks <see cref="ToInt32"/>.</summary>
    public static IrpState FromInt32(int packed) => new((IrpPhase)(packed & 0xFF), (packed & 0x100) != 0);
}

// ------------------------------------------------------------------ commands

/// <summary>What can be asked of an IRP.</summary>
public enum IrpCommandKind : byte
{
    /// <summary>A WSK call takes ownership.</summary>
    Submit,
    /// <summary>IoCancelIrp.</summary>
    Cancel,
    /// <summary>IoCompleteRequest with a status.</summary>
    Complete,
}

/// <summary>A command to the IRP decider (a flat struct with a kind, so that a step allocates nothing).</summary>
/// <param name="Kind">Which command.</param>
/// <param name="Status">For <see cref="IrpCommandKind.Complete"/>: the final status.</param>
public readonly record struct IrpCommand(IrpCommandKind Kind, NtStatus Status = default)
{
    /// <summary>Submit.</summary>
    public static IrpCommand Submit => new(IrpCommandKind.Submit);
    /// <summary>Cancel.</summary>
    public static IrpCommand Cancel => new(IrpCommandKind.Cancel);
    /// <summary>Complete with <paramref name="status"/>.</summary>
    public static IrpCommand Complete(NtStatus status) => new(IrpCommandKind.Complete, status);
}

// ------------------------------------------------------------------ events

/// <summary>What happened to an IRP.</summary>
public enum IrpEventKind : byte
{
    /// <summary>Nothing (a no-op command).</summary>
    None,
    /// <summary>The provider took ownership.</summary>
    Submitted,
    /// <summary>The Cancel flag was set and the cancel routine is to run.</summary>
    CancelRequested,
    /// <summary>The IRP completed with a final status; the completion routine is to run.</summary>
    Completed,
    /// <summary>A command broke the contract; nothing changed.</summary>
    Violation,
}

/// <summary>An event of the IRP decider (a flat struct with a kind, so that a step allocates nothing).</summary>
/// <param name="Kind">Which event.</param>
/// <param name="Status">For <see cref="IrpEventKind.Completed"/>: the final status.</param>
/// <param name="Rule">For <see cref="IrpEventKind.Violation"/>: the rule broken.</param>
public readonly record struct IrpEvent(IrpEventKind Kind, NtStatus Status = default, CallingRule Rule = default)
{
    /// <summary>A violation of <paramref name="rule"/>.</summary>
    public static IrpEvent Violation(CallingRule rule) => new(IrpEventKind.Violation, default, rule);
}

// ------------------------------------------------------------------ the decider

/// <summary>
/// The life of one IRP as a decider: <c>Decide</c> turns a command into at most one event, <c>Evolve</c> folds it into
/// the state. Idle (allocated or completed) → InProgress (owned by the provider) → Completed (terminal for that use;
/// the next Submit reuses it). Nothing here throws: an impossible command yields a <see cref="IrpEventKind.Violation"/>
/// event naming the rule, so properties can count them and the shell can record them (rules CompletesOnce,
/// CancelCompletesOnce).
/// </summary>
/// <remarks>The state fits in an <see cref="int"/> so the shell can advance it with one compare-and-swap.</remarks>
public static class IrpDecider
{
    /// <summary>The state before any command.</summary>
    public static readonly IrpState Initial = new(IrpPhase.Idle, false);

    /// <summary>What a command does to an IRP in a state.</summary>
    public static IrpEvent Decide(IrpCommand command, IrpState state) => command.Kind switch
    {
        IrpCommandKind.Submit => state.Phase == IrpPhase.InProgress
            ? IrpEvent.Violation(CallingRule.IrpInUse)
            : new IrpEvent(IrpEventKind.Submitted),
        // IoCancelIrp on an IRP nobody owns, or already cancelled, does nothing and reports FALSE.
        IrpCommandKind.Cancel => state.Phase == IrpPhase.InProgress && !state.CancelRequested
            ? new IrpEvent(IrpEventKind.CancelRequested)
            : default,
        IrpCommandKind.Complete => state.Phase switch
        {
            IrpPhase.InProgress when command.Status.IsPending =>
                IrpEvent.Violation(CallingRule.IrpCompletedWithPending),
            IrpPhase.InProgress => new IrpEvent(IrpEventKind.Completed, command.Status),
            IrpPhase.Completed => IrpEvent.Violation(CallingRule.IrpCompletedTwice),
            _ => IrpEvent.Violation(CallingRule.IrpCompletedWhileIdle),
        },
        _ => default,
    };

    /// <summary>Folds one event into the state. Violations and no-ops leave it as it was.</summary>
    public static IrpState Evolve(IrpState state, IrpEvent @event) => @event.Kind switch
    {
        IrpEventKind.Submitted => new IrpState(IrpPhase.InProgress, false),
        IrpEventKind.CancelRequested => state with { CancelRequested = true },
        IrpEventKind.Completed => new IrpState(IrpPhase.Completed, state.CancelRequested),
        _ => state,
    };

    /// <summary>True once the current use has completed: nothing more happens to it until the next Submit.</summary>
    public static bool IsTerminal(IrpState state) => state.Phase == IrpPhase.Completed;

    /// <summary>True when the IRP is not owned by the provider (may be submitted, freed or reused).</summary>
    public static bool IsIdle(IrpState state) => state.Phase != IrpPhase.InProgress;
}
