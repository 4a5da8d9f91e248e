using System;
using Wsk.Core;

namespace Wsk.Shell.Simulation;

/// <summary>What the simulated network does with a connect's SYN.</summary>
public enum ConnectFault : byte
{
    /// <summary>No fault: a listener accepts, a port without one answers a reset (refused).</summary>
    None,
    /// <summary>The host answers the SYN with a reset: STATUS_CONNECTION_REFUSED.</summary>
    Refuse,
    /// <summary>
    /// Nothing ever answers: pending until cancelled, or STATUS_IO_TIMEOUT once the retry budget is spent.
    /// </summary>
    BlackHole,
    /// <summary>No route to the network: STATUS_NETWORK_UNREACHABLE.</summary>
    NetworkUnreachable,
    /// <summary>The host cannot be reached: STATUS_HOST_UNREACHABLE.</summary>
    HostUnreachable,
    /// <summary>The local address is taken: STATUS_ADDRESS_ALREADY_EXISTS (decided at bind, before any SYN).</summary>
    AddressInUse,
}

/// <summary>
/// When the transport gives its answer relative to the Connect call (rule PendingCompletesLater: both paths are legal).
/// </summary>
public enum CompletionTiming : byte
{
    /// <summary>Answered inside the call (the provider returns the final status, IRP already completed).</summary>
    Inline,
    /// <summary>Answered later, after <see cref="FaultScript.Delay"/> of virtual time.</summary>
    Pending,
    /// <summary>
    /// Answered through the sink before Connect returns PENDING (the completion overtakes the return).
    /// </summary>
    BeforeReturn,
}

/// <summary>
/// One scripted behaviour of the simulated network for a connect, and of the connection it may open. Immutable: the
/// same script on the same seed gives the same trace.
/// </summary>
/// <param name="Fault">What happens to the SYN.</param>
/// <param name="Timing">Inline, pending or answered before the call returns.</param>
/// <param name="Delay">Virtual time until a pending answer (the round trip).</param>
/// <param name="RetryBudget">
/// For <see cref="ConnectFault.BlackHole"/>: SYN retransmissions before STATUS_IO_TIMEOUT (the first waits
/// <see cref="InitialRetransmit"/>, each next one twice as long); null waits forever, until cancel.
/// </param>
/// <param name="IgnoresCancel">The answer is already on its way: a cancel loses the race and the real result completes
/// the IRP.</param>
/// <param name="ResetAfterBytes">An opened connection is reset by the peer once the peer has received this many
/// bytes.</param>
/// <param name="ReceiveWindow">The peer's receive window in bytes: a slow reader holds the sender back at this
/// much.</param>
public sealed record FaultScript(
    ConnectFault Fault = ConnectFault.None,
    CompletionTiming Timing = CompletionTiming.Inline,
    TimeSpan Delay = default,
    int? RetryBudget = null,
    bool IgnoresCancel = false,
    long? ResetAfterBytes = null,
    int ReceiveWindow = FaultScript.DefaultWindow)
{
    /// <summary>The default receive window (64 KiB, the classic unscaled TCP window).</summary>
    public const int DefaultWindow = 64 * 1024;

    /// <summary>The first SYN retransmission timeout (RFC 6298's initial RTO).</summary>
    public static readonly TimeSpan InitialRetransmit = TimeSpan.FromSeconds(1);

    /// <summary>The default: a listener accepts, inline.</summary>
    public static readonly FaultScript Default = new();

    /// <summary>Answers after <paramref name="delay"/> of virtual time.</summary>
    public static FaultScript PendingFor(TimeSpan delay, ConnectFault fault = ConnectFault.None) =>
        new(fault, CompletionTiming.Pending, delay);

    /// <summary>
    /// A black hole; with a budget it times out after 1 + 2 + … + 2^(budget-1) seconds, the SYN retransmissions.
    /// </summary>
    public static FaultScript BlackHoleWith(int? retryBudget) =>
        new(ConnectFault.BlackHole, CompletionTiming.Pending, RetryBudget: retryBudget);

    /// <summary>When a black hole gives up (null: never).</summary>
    public TimeSpan? GiveUpAfter =>
        RetryBudget is { } n ? InitialRetransmit * ((1L << Math.Clamp(n, 0, 30)) - 1) : null;

    /// <summary>The status the connect ends with when nothing cancels it (null: it never ends by itself).</summary>
    public NtStatus? Outcome(bool listening) => Fault switch
    {
        ConnectFault.None => listening ? NtStatus.Success : NtStatus.ConnectionRefused,
        ConnectFault.Refuse => NtStatus.ConnectionRefused,
        ConnectFault.BlackHole => RetryBudget is null ? null : NtStatus.IoTimeout,
        ConnectFault.NetworkUnreachable => NtStatus.NetworkUnreachable,
        ConnectFault.HostUnreachable => NtStatus.HostUnreachable,
        _ => NtStatus.AddressAlreadyExists,
    };
}
