namespace Wsk.Core;

// ------------------------------------------------------------------ state

/// <summary>Where a connect is.</summary>
public enum ConnectPhase : byte
{
    /// <summary>Not yet submitted.</summary>
    Idle,
    /// <summary>Failed validation; the IRP completed with the rejection status.</summary>
    Rejected,
    /// <summary>The transport is connecting.</summary>
    Connecting,
    /// <summary>The transport answered; the IRP completed with its status.</summary>
    Completed,
}

/// <summary>A connect's state: a value, so the fold allocates nothing.</summary>
/// <param name="Phase">The phase.</param>
/// <param name="Status">The completion status once rejected or completed.</param>
/// <param name="HasSocket">Whether the completion carried a socket.</param>
/// <param name="CompletedInline">Whether the transport answered before the call returned, inside the call.</param>
/// <param name="CancelRequested">Whether the IRP was cancelled while connecting.</param>
/// <param name="Returned">Whether the call has returned.</param>
/// <param name="ReturnStatus">What it returned.</param>
public readonly record struct ConnectState(
    ConnectPhase Phase, NtStatus Status, bool HasSocket, bool CompletedInline, bool CancelRequested, bool Returned,
    NtStatus ReturnStatus);

// ------------------------------------------------------------------ commands

/// <summary>What the shell tells a connect.</summary>
public enum ConnectCommandKind : byte
{
    /// <summary>The call was made; Status is the validation outcome (SUCCESS, or the rejection status).</summary>
    Submit,
    /// <summary>The transport answered.</summary>
    TransportCompleted,
    /// <summary>The caller cancelled the IRP.</summary>
    Cancel,
    /// <summary>The call is about to return to its caller.</summary>
    Return,
}

/// <summary>A command to the connect decider (a flat struct with a kind, so that a step allocates nothing).</summary>
/// <param name="Kind">Which command.</param>
/// <param name="Status">Submit: validation outcome; TransportCompleted: the transport's status.</param>
/// <param name="HasSocket">TransportCompleted: whether a connected socket came with it.</param>
/// <param name="Inline">TransportCompleted: whether it answered inside the call.</param>
public readonly record struct ConnectCommand(
    ConnectCommandKind Kind, NtStatus Status = default, bool HasSocket = false, bool Inline = false)
{
    /// <summary>Submit with the validation outcome.</summary>
    public static ConnectCommand Submit(NtStatus validation) => new(ConnectCommandKind.Submit, validation);
    /// <summary>The transport answered.</summary>
    public static ConnectCommand TransportCompleted(NtStatus status, bool hasSocket, bool inline) =>
        new(ConnectCommandKind.TransportCompleted, status, hasSocket, inline);
    /// <summary>Cancel.</summary>
    public static ConnectCommand Cancel => new(ConnectCommandKind.Cancel);
    /// <summary>Return.</summary>
    public static ConnectCommand Return => new(ConnectCommandKind.Return);
}

// ------------------------------------------------------------------ events

/// <summary>What happened to a connect.</summary>
public enum ConnectEventKind : byte
{
    /// <summary>Nothing.</summary>
    None,
    /// <summary>Validation failed: complete the IRP with Status, no socket.</summary>
    Rejected,
    /// <summary>Validation passed: start the transport connect.</summary>
    Started,
    /// <summary>Cancel the transport connect.</summary>
    CancelRequested,
    /// <summary>
    /// Complete the IRP with Status (and the socket when HasSocket; a socket the transport gave without HasSocket is
    /// closed).
    /// </summary>
    Completed,
    /// <summary>Return Status to the caller.</summary>
    Returned,
    /// <summary>A command the state cannot take; Rule says which.</summary>
    Violation,
}

/// <summary>An event of the connect decider (a flat struct with a kind, so that a step allocates nothing).</summary>
/// <param name="Kind">Which event.</param>
/// <param name="Status">Rejected/Completed: the IRP's status; Returned: the return value.</param>
/// <param name="HasSocket">Completed: whether a socket is handed over.</param>
/// <param name="Inline">Completed: whether the transport answered inside the call.</param>
/// <param name="Rule">Violation: the rule; Completed: a transport rule that was broken and repaired, else <see
/// cref="CallingRule.None"/>.</param>
public readonly record struct ConnectEvent(
    ConnectEventKind Kind, NtStatus Status = default, bool HasSocket = false, bool Inline = false,
    CallingRule Rule = default)
{
    /// <summary>A violation of <paramref name="rule"/>.</summary>
    public static ConnectEvent Violation(CallingRule rule) => new(ConnectEventKind.Violation, Rule: rule);
}

// ------------------------------------------------------------------ the decider

/// <summary>
/// The life of one WskSocketConnect call as a decider. The shell feeds it what happens (the validation outcome, the
/// transport's answer, a cancel, the moment the call returns) and does what the events say (complete the IRP, start
/// or cancel the transport, return a status). Because each command yields at most one event, <c>Decide</c> returns
/// one event (<see cref="ConnectEventKind.None"/> for "nothing"), which keeps the hot path free of allocations.
/// </summary>
/// <remarks>
/// Contract encoded here (rules CompletesOnce, PendingCompletesLater, ReturnedIsCompleted, CancelCompletesOnce,
/// SuccessHandsOverSocket, FailureLeavesNoSocket, PendingIsSuccess): exactly one of Rejected/Completed per call; a
/// completion is STATUS_SUCCESS with a socket, or a status failing NT_SUCCESS without one (never STATUS_PENDING,
/// STATUS_TIMEOUT or an informational code): an inconsistent transport answer is repaired into a failure whose event
/// names the broken rule, and the shell closes any stray socket. The call returns the completion status when the
/// transport finished inline (the IRP is then already completed) and STATUS_PENDING otherwise, even if the completion
/// raced ahead of the return. A cancel after completion does nothing; a transport that answers after a cancel still
/// decides the result (the cancel "lost the race").
/// </remarks>
public static class ConnectDecider
{
    /// <summary>The state before the call.</summary>
    public static readonly ConnectState Initial = default;

    /// <summary>What a command does in a state.</summary>
    public static ConnectEvent Decide(ConnectCommand command, ConnectState state) => command.Kind switch
    {
        ConnectCommandKind.Submit => state.Phase != ConnectPhase.Idle
            ? ConnectEvent.Violation(CallingRule.OutOfOrder)
            : command.Status == NtStatus.Success
                ? new ConnectEvent(ConnectEventKind.Started)
                : IsFailure(command.Status)
                    ? new ConnectEvent(ConnectEventKind.Rejected, command.Status)
                    // PENDING, TIMEOUT or an informational code is no rejection status: a caller testing
                    // NT_SUCCESS would read it as success and look for a socket. Reject all the same, with a status
                    // that is a failure.
                    : new ConnectEvent(ConnectEventKind.Rejected, NtStatus.Unsuccessful,
                        Rule: NotFinal(command.Status)),
        ConnectCommandKind.TransportCompleted => state.Phase switch
        {
            // A transport that breaks its own contract must not cost the caller its completion: the IRP still completes
            // exactly once, with a failure and no socket, and the event names the broken rule so it can be recorded.
            ConnectPhase.Connecting when command.Status == NtStatus.Success => command.HasSocket
                ? new ConnectEvent(ConnectEventKind.Completed, command.Status, true, command.Inline)
                : new ConnectEvent(ConnectEventKind.Completed, NtStatus.Unsuccessful, false, command.Inline,
                    CallingRule.TransportResultInconsistent),
            ConnectPhase.Connecting when !IsFailure(command.Status) =>
                new ConnectEvent(ConnectEventKind.Completed, NtStatus.Unsuccessful, false, command.Inline,
                    NotFinal(command.Status)),
            ConnectPhase.Connecting => new ConnectEvent(ConnectEventKind.Completed, command.Status, false,
                command.Inline, command.HasSocket ? CallingRule.TransportResultInconsistent : CallingRule.None),
            ConnectPhase.Completed or ConnectPhase.Rejected => ConnectEvent.Violation(CallingRule.IrpCompletedTwice),
            _ => ConnectEvent.Violation(CallingRule.OutOfOrder),
        },
        ConnectCommandKind.Cancel => state.Phase == ConnectPhase.Connecting && !state.CancelRequested
            ? new ConnectEvent(ConnectEventKind.CancelRequested)
            : default,
        ConnectCommandKind.Return => state switch
        {
            { Returned: true } or { Phase: ConnectPhase.Idle } => ConnectEvent.Violation(CallingRule.OutOfOrder),
            { Phase: ConnectPhase.Rejected } => new ConnectEvent(ConnectEventKind.Returned, state.Status),
            { Phase: ConnectPhase.Completed, CompletedInline: true } =>
                new ConnectEvent(ConnectEventKind.Returned, state.Status),
            _ => new ConnectEvent(ConnectEventKind.Returned, NtStatus.Pending),
        },
        _ => default,
    };

    /// <summary>Folds one event into the state. Violations and no-ops leave it as it was.</summary>
    public static ConnectState Evolve(ConnectState state, ConnectEvent @event) => @event.Kind switch
    {
        ConnectEventKind.Rejected => state with { Phase = ConnectPhase.Rejected, Status = @event.Status },
        ConnectEventKind.Started => state with { Phase = ConnectPhase.Connecting },
        ConnectEventKind.CancelRequested => state with { CancelRequested = true },
        ConnectEventKind.Completed => state with
        {
            Phase = ConnectPhase.Completed, Status = @event.Status, HasSocket = @event.HasSocket,
            CompletedInline = @event.Inline,
        },
        ConnectEventKind.Returned => state with { Returned = true, ReturnStatus = @event.Status },
        _ => state,
    };

    /// <summary>True once the IRP is completed and the call has returned: nothing more can happen.</summary>
    public static bool IsTerminal(ConnectState state) =>
        state.Returned && state.Phase is ConnectPhase.Completed or ConnectPhase.Rejected;

    /// <summary>
    /// A status that fails NT_SUCCESS (warning or error severity). Every completion other than STATUS_SUCCESS must be
    /// one, so that "NT_SUCCESS(IoStatus.Status) ⇔ a socket" holds for callers who test with the macro (rule
    /// PendingIsSuccess).
    /// </summary>
    public static bool IsFailure(NtStatus status) => !status.IsSuccess;

    private static CallingRule NotFinal(NtStatus status) =>
        status.IsPending ? CallingRule.IrpCompletedWithPending : CallingRule.TransportResultInconsistent;

    /// <summary>True when the event completes the caller's IRP.</summary>
    public static bool CompletesIrp(ConnectEvent @event) =>
        @event.Kind is ConnectEventKind.Completed or ConnectEventKind.Rejected;
}
