using System;
using System.Collections.Generic;
using Wsk.Core;

namespace Wsk.Shell;

/// <summary>
/// How a Happy Eyeballs connect asks for one name's addresses, one family at a time, so that the AAAA and the A
/// lookups run side by side and each answer is seen when it comes (rule EyeballsAskBoth).
/// </summary>
public interface IEyeballsLookups
{
    /// <summary>
    /// Asks the addresses of <paramref name="family"/> (AF_INET6 or AF_INET); <paramref name="answer"/> is called
    /// exactly once — with STATUS_SUCCESS and the addresses (ports are ignored), or with a failure status — possibly
    /// inside this call, possibly on another thread, and not at all once the returned handle is disposed before it
    /// answered.
    /// </summary>
    IDisposable Lookup(ushort family, Action<NtStatus, IReadOnlyList<SockAddr>> answer);
}

/// <summary>One step of a Happy Eyeballs connect, when it happened on the connect's scheduler.</summary>
/// <param name="At">The scheduler's time of the step.</param>
/// <param name="Event">What the decider decided.</param>
public readonly record struct EyeballsStep(DateTimeOffset At, EyeballsEvent Event);

/// <summary>
/// The result of a Happy Eyeballs connect: the winner's socket and address on success; the last attempt's status
/// (or the lookups' failure) when every attempt failed; STATUS_CANCELLED when the caller cancelled first. Every
/// attempt is listed with its own status.
/// </summary>
/// <param name="Status">STATUS_SUCCESS, STATUS_CANCELLED, or the failure.</param>
/// <param name="Socket">The connected socket on success (the caller's to close), else null.</param>
/// <param name="Address">The address that won, else null.</param>
/// <param name="Attempts">Every attempt, in the order they started, with the status each ended with; on success, a
/// loser whose cancel is still on its way shows STATUS_PENDING (the winner is handed over at once; the loser is closed
/// if it connects all the same).</param>
public sealed record EyeballsCompletion(
    NtStatus Status, WskConnectedSocket? Socket, SockAddr? Address, IReadOnlyList<EyeballsAttempt> Attempts)
    : IWskCompletion
{
    /// <summary>True when a socket came back.</summary>
    [System.Diagnostics.CodeAnalysis.MemberNotNullWhen(true, nameof(Socket), nameof(Address))]
    public bool IsSuccess => Socket is not null && Address is not null;

    /// <summary>STATUS_PENDING: the connect always finishes later than its call.</summary>
    public NtStatus ReturnStatus => NtStatus.Pending;

    /// <summary>False: a connect by name is always performed.</summary>
    public bool IsRejected => false;
}
