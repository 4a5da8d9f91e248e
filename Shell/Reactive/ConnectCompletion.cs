using System.Collections.Generic;
using Wsk.Core;

namespace Wsk.Shell;

/// <summary>
/// The outcome of one WskSocketConnect, as the reactive and awaitable forms deliver it: a failure is a status
/// here, never an exception.
/// </summary>
/// <param name="Status">The IRP's final status.</param>
/// <param name="Socket">The connected socket exactly when <paramref name="Status"/> is STATUS_SUCCESS; the receiver
/// owns it and closes it.</param>
/// <param name="ReturnStatus">What WskSocketConnect returned: the same status (completed inside the call) or
/// STATUS_PENDING.</param>
/// <param name="Violations">For a request rejected by validation, every rule it broke; otherwise empty.</param>
public sealed record ConnectCompletion(
    NtStatus Status, WskConnectedSocket? Socket, NtStatus ReturnStatus,
    IReadOnlyList<RuleViolation<ConnectRule>> Violations) : IWskCompletion
{
    /// <summary>True when the call returned STATUS_PENDING and the IRP completed later.</summary>
    public bool WasPending => ReturnStatus.IsPending;

    /// <inheritdoc/>
    public bool IsRejected => Violations.Count > 0 || NotSubmitted;

    /// <summary>The call gate answered with a status and submitted nothing.</summary>
    internal bool NotSubmitted { get; init; }

    internal static ConnectCompletion From(
        Irp irp, NtStatus returned, IReadOnlyList<RuleViolation<ConnectRule>> violations) =>
        new(irp.FinalStatusOfFreshCall(returned), irp.IoStatus.Socket, returned, violations)
        {
            NotSubmitted = irp.RefusedBeforeSubmission(returned),
        };
}
