namespace Wsk.Core;

// Commands and events are flat structs with a Kind enum, kept so: deciding a send or a receive allocates nothing.

// ---- state ----

/// <summary>A connected socket's state.</summary>
/// <param name="SendShutdown">We disconnected (gracefully or abortively): no more sends.</param>
/// <param name="ReceiveShutdown">The peer's FIN (or a reset, or our abort) ended the incoming stream.</param>
/// <param name="Reset">The peer reset the connection.</param>
/// <param name="Aborted">We disconnected abortively.</param>
/// <param name="Closed">WskCloseSocket was called.</param>
/// <param name="FinSent">Our graceful disconnect finished: the FIN went out after every send before it.</param>
public readonly record struct SocketState(
    bool SendShutdown, bool ReceiveShutdown, bool Reset, bool Aborted, bool Closed, bool FinSent = false);

// ---- commands ----

/// <summary>What can happen to a connected socket.</summary>
public enum SocketCommandKind : byte
{
    /// <summary>WskSend.</summary>
    Send,
    /// <summary>WskReceive.</summary>
    Receive,
    /// <summary>WskDisconnect.</summary>
    Disconnect,
    /// <summary>The transport sent our FIN: a graceful disconnect finished.</summary>
    DisconnectFinished,
    /// <summary>The transport saw the peer's FIN.</summary>
    PeerShutdown,
    /// <summary>The transport saw the peer's reset.</summary>
    PeerReset,
    /// <summary>WskCloseSocket.</summary>
    Close,
}

/// <summary>A command to the socket decider.</summary>
/// <param name="Kind">Which command.</param>
/// <param name="Flags">The call's flags.</param>
/// <param name="HasBuffer">Whether a WSK_BUF was given (disconnect's is optional).</param>
/// <param name="BufferWellFormed">Whether the WSK_BUF's offset and length lie inside its memory.</param>
public readonly record struct SocketCommand(
    SocketCommandKind Kind, uint Flags = 0, bool HasBuffer = true, bool BufferWellFormed = true);

// ---- events ----

/// <summary>What the socket decided.</summary>
public enum SocketEventKind : byte
{
    /// <summary>Nothing changes.</summary>
    None,
    /// <summary>The request goes ahead.</summary>
    Accepted,
    /// <summary>The request is refused with Status; its IRP completes with it.</summary>
    Refused,
    /// <summary>A graceful disconnect goes ahead: pending sends finish, then the FIN.</summary>
    ShutdownStarted,
    /// <summary>A graceful disconnect finished: our FIN is out.</summary>
    ShutdownFinished,
    /// <summary>An abortive disconnect goes ahead: pending I/O is cancelled, the peer sees a reset.</summary>
    AbortStarted,
    /// <summary>The incoming stream ended gracefully.</summary>
    PeerShutDown,
    /// <summary>The connection was reset by the peer.</summary>
    PeerReset,
    /// <summary>Close, releasing the connection gracefully (it was disconnected both ways).</summary>
    ClosedGracefully,
    /// <summary>Close, resetting the connection.</summary>
    ClosedAbortively,
    /// <summary>A call the state cannot take (a call after close): a contract violation.</summary>
    Violation,
}

/// <summary>An event of the socket decider.</summary>
/// <param name="Kind">Which event.</param>
/// <param name="Status">Refused: the status.</param>
/// <param name="Rule">Violation: the rule.</param>
public readonly record struct SocketEvent(SocketEventKind Kind, NtStatus Status = default, CallingRule Rule = default)
{
    /// <summary>Refused with <paramref name="status"/>.</summary>
    public static SocketEvent Refused(NtStatus status) => new(SocketEventKind.Refused, status);

    /// <summary>A contract violation.</summary>
    public static SocketEvent Violation(CallingRule rule) => new(SocketEventKind.Violation, Rule: rule);
}

// ---- the decider ----

/// <summary>
/// The rules of a connected socket's calls, as a decider over the socket's directions. <c>Decide</c> answers a request
/// with the status it gets before any I/O (or <see cref="NtStatus.Success"/> to go ahead) and the state change it
/// implies; transport facts (the peer's FIN or reset, a finished disconnect) are commands too, so the whole life folds
/// from one initial state.
/// </summary>
public static class SocketDecider
{
    /// <summary>A connected socket: both directions open.</summary>
    public static readonly SocketState Initial = default;

    /// <summary>What a command gets in a state.</summary>
    public static SocketEvent Decide(SocketCommand command, SocketState state)
    {
        bool transportFact = command.Kind
            is SocketCommandKind.PeerShutdown or SocketCommandKind.PeerReset or SocketCommandKind.DisconnectFinished;
        if (state.Closed && !transportFact) return SocketEvent.Violation(CallingRule.SocketClosed);
        switch (command.Kind)
        {
            case SocketCommandKind.Send:
                if ((command.Flags & ~WskFlags.NoDelay) != 0) return SocketEvent.Refused(NtStatus.NotSupported);
                if (!command.HasBuffer || !command.BufferWellFormed) return InvalidParameter;
                if (state.Reset) return SocketEvent.Refused(NtStatus.ConnectionReset);
                if (state.SendShutdown) return SocketEvent.Refused(NtStatus.InvalidConnection);
                return new SocketEvent(SocketEventKind.Accepted);
            case SocketCommandKind.Receive:
                if ((command.Flags & ~WskFlags.WaitAll) != 0) return SocketEvent.Refused(NtStatus.NotSupported);
                if (!command.HasBuffer || !command.BufferWellFormed) return InvalidParameter;
                if (state.Aborted) return SocketEvent.Refused(NtStatus.InvalidConnection);
                // After the peer's FIN or reset a receive still goes ahead: it drains what is left, then reports 0
                // bytes (graceful) or STATUS_CONNECTION_RESET, which only the transport knows.
                return new SocketEvent(SocketEventKind.Accepted);
            case SocketCommandKind.Disconnect:
                bool abortive = (command.Flags & WskFlags.Abortive) != 0;
                if ((command.Flags & ~WskFlags.Abortive) != 0) return SocketEvent.Refused(NtStatus.NotSupported);
                if (abortive && command.HasBuffer) return SocketEvent.Refused(NtStatus.InvalidParameter);
                if (command.HasBuffer && !command.BufferWellFormed) return InvalidParameter;
                if (state.Aborted || state.Reset) return SocketEvent.Refused(NtStatus.InvalidConnection);
                if (!abortive && state.SendShutdown) return SocketEvent.Refused(NtStatus.InvalidConnection);
                return new SocketEvent(abortive ? SocketEventKind.AbortStarted : SocketEventKind.ShutdownStarted);
            case SocketCommandKind.DisconnectFinished:
                // Only a graceful disconnect that went ahead can finish, and only once; after close it was cancelled.
                return state.SendShutdown && !state.FinSent && !state.Aborted && !state.Closed
                    ? new SocketEvent(SocketEventKind.ShutdownFinished)
                    : default;
            case SocketCommandKind.PeerShutdown:
                return state.ReceiveShutdown ? default : new SocketEvent(SocketEventKind.PeerShutDown);
            case SocketCommandKind.PeerReset:
                return state.Reset ? default : new SocketEvent(SocketEventKind.PeerReset);
            case SocketCommandKind.Close:
                // CloseIsAbortiveUnlessDisconnected: abortive unless the socket is already disconnected both ways: our
                // FIN sent (a graceful disconnect still waiting for its sends does not count) and the peer's received.
                bool graceful = state.FinSent && state.ReceiveShutdown && !state.Reset && !state.Aborted;
                return new SocketEvent(graceful ? SocketEventKind.ClosedGracefully : SocketEventKind.ClosedAbortively);
            default:
                return default;
        }
    }

    /// <summary>Folds an event into the state.</summary>
    public static SocketState Evolve(SocketState state, SocketEvent @event) => @event.Kind switch
    {
        SocketEventKind.ShutdownStarted => state with { SendShutdown = true },
        SocketEventKind.ShutdownFinished => state with { FinSent = true },
        SocketEventKind.AbortStarted => state with { SendShutdown = true, ReceiveShutdown = true, Aborted = true },
        SocketEventKind.PeerShutDown => state with { ReceiveShutdown = true },
        SocketEventKind.PeerReset => state with { Reset = true, ReceiveShutdown = true },
        SocketEventKind.ClosedGracefully or SocketEventKind.ClosedAbortively => state with { Closed = true },
        _ => state,
    };

    private static SocketEvent InvalidParameter => SocketEvent.Refused(NtStatus.InvalidParameter);

    /// <summary>True once WskCloseSocket ran: no call goes ahead any more (transport facts still fold in).</summary>
    public static bool IsTerminal(SocketState state) => state.Closed;
}
