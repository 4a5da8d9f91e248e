namespace Wsk.Core;

// ---- state ----

/// <summary>Where a three-step connection socket is in its life.</summary>
public enum SocketPhase : byte
{
    /// <summary>Created by WskSocket, not bound: options that shape the bind may still change.</summary>
    Created,
    /// <summary>WskBind succeeded.</summary>
    Bound,
    /// <summary>A WskConnect is pending.</summary>
    Connecting,
    /// <summary>WskConnect succeeded: the socket is the connected socket from here on.</summary>
    Connected,
    /// <summary>
    /// A WskConnect failed: the transport socket is gone and only WskCloseSocket remains
    /// (<c>ForcedClosedAfterConnectFailure</c>: STATUS_FILE_FORCED_CLOSED).
    /// </summary>
    Failed,
    /// <summary>WskCloseSocket was called.</summary>
    Closed,
}

// ---- commands ----

/// <summary>What the shell tells a three-step socket, once <see cref="SocketValidation"/> admitted the call.</summary>
public enum UnconnectedSocketCommand : byte
{
    /// <summary>WskBind was admitted and the transport bound.</summary>
    Bind,
    /// <summary>WskConnect was admitted and handed to the transport.</summary>
    StartConnect,
    /// <summary>The connect completed with STATUS_SUCCESS.</summary>
    ConnectSucceeded,
    /// <summary>The connect completed with a failure (or was cancelled).</summary>
    ConnectFailed,
    /// <summary>WskCloseSocket.</summary>
    Close,
}

// ---- events ----

/// <summary>What happened to a three-step socket.</summary>
public enum SocketStep : byte
{
    /// <summary>WskBind succeeded.</summary>
    Bound,
    /// <summary>WskConnect was admitted and handed to the transport.</summary>
    ConnectStarted,
    /// <summary>The connect completed with STATUS_SUCCESS.</summary>
    Connected,
    /// <summary>The connect completed with a failure (or was cancelled): the socket cannot be used any more.</summary>
    ConnectFailed,
    /// <summary>WskCloseSocket.</summary>
    Closed,
}

// ---- the decider ----

/// <summary>
/// The three-step socket's life as a decider. Admission is <see cref="SocketValidation"/> (it says which calls may go
/// ahead and with what status); this says which step a command is in a phase, and folds the steps.
/// </summary>
public static class UnconnectedSocketDecider
{
    /// <summary>A socket WskSocket just made.</summary>
    public const SocketPhase Initial = SocketPhase.Created;

    /// <summary>
    /// The step <paramref name="command"/> is in <paramref name="phase"/>; null when the phase cannot take it.
    /// </summary>
    public static SocketStep? Decide(UnconnectedSocketCommand command, SocketPhase phase)
    {
        var step = command switch
        {
            UnconnectedSocketCommand.Bind => SocketStep.Bound,
            UnconnectedSocketCommand.StartConnect => SocketStep.ConnectStarted,
            UnconnectedSocketCommand.ConnectSucceeded => SocketStep.Connected,
            UnconnectedSocketCommand.ConnectFailed => SocketStep.ConnectFailed,
            _ => SocketStep.Closed,
        };
        // Close is taken in every phase; any other step only where it moves the phase on.
        return step == SocketStep.Closed || Evolve(phase, step) != phase ? step : null;
    }

    /// <summary>The phase after <paramref name="step"/>; a step the phase cannot take leaves it unchanged.</summary>
    public static SocketPhase Evolve(SocketPhase phase, SocketStep step) => (phase, step) switch
    {
        (_, SocketStep.Closed) => SocketPhase.Closed,
        (SocketPhase.Created, SocketStep.Bound) => SocketPhase.Bound,
        (SocketPhase.Bound, SocketStep.ConnectStarted) => SocketPhase.Connecting,
        (SocketPhase.Connecting, SocketStep.Connected) => SocketPhase.Connected,
        (SocketPhase.Connecting, SocketStep.ConnectFailed) => SocketPhase.Failed,
        _ => phase,
    };

    /// <summary>True once WskCloseSocket ran: no call may follow.</summary>
    public static bool IsTerminal(SocketPhase phase) => phase == SocketPhase.Closed;
}
