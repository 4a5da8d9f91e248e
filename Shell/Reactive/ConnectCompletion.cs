using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;
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
    IReadOnlyList<RuleViolation<ConnectRule>> Violations)
{
    /// <summary>True when the call returned STATUS_PENDING and the IRP completed later.</summary>
    public bool WasPending => ReturnStatus.IsPending;

    /// <summary>True when the connect succeeded: STATUS_SUCCESS, and <see cref="Socket"/> is the new socket.</summary>
    [MemberNotNullWhen(true, nameof(Socket))]
    public bool IsSuccess => Status == NtStatus.Success && Socket is not null;

    internal static ConnectCompletion From(
        Irp irp, NtStatus returned, IReadOnlyList<RuleViolation<ConnectRule>> violations) =>
        new(irp.FinalStatusOfFreshCall(returned), irp.IoStatus.Socket, returned, violations);
}
