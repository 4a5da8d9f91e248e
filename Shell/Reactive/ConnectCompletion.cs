using System;
using System.Collections;
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
    IReadOnlyList<RuleViolation<ConnectRule>> Violations) : IWskCompletion
{
    /// <summary>True when the call returned STATUS_PENDING and the IRP completed later.</summary>
    public bool WasPending => ReturnStatus.IsPending;

    /// <summary>True when the connect succeeded: STATUS_SUCCESS, and <see cref="Socket"/> is the new socket.</summary>
    [MemberNotNullWhen(true, nameof(Socket))]
    public bool IsSuccess => Status == NtStatus.Success && Socket is not null;

    /// <inheritdoc/>
    public bool IsRejected => Violations.Count > 0 || Violations is NotSubmitted<ConnectRule>;

    internal static ConnectCompletion From(
        Irp irp, NtStatus returned, IReadOnlyList<RuleViolation<ConnectRule>> violations) =>
        new(irp.FinalStatusOfFreshCall(returned), irp.IoStatus.Socket, returned,
            NotSubmitted<ConnectRule>.Unless(irp, returned, violations));
}

/// <summary>
/// The (empty) violation list of a call the calling contract answered with a status before submitting anything
/// (rule ClientReleased): the list itself records that fact, so a completion needs no field for it.
/// </summary>
/// <typeparam name="TRule">The rules of the call.</typeparam>
internal sealed class NotSubmitted<TRule> : IReadOnlyList<RuleViolation<TRule>>
    where TRule : struct, Enum
{
    private static readonly NotSubmitted<TRule> Instance = new();

    public int Count => 0;

    public RuleViolation<TRule> this[int index] => throw new ArgumentOutOfRangeException(nameof(index));

    /// <summary>
    /// <paramref name="violations"/>, or the not-submitted list when the call on <paramref name="irp"/> was refused
    /// before submission.
    /// </summary>
    public static IReadOnlyList<RuleViolation<TRule>> Unless(
        Irp irp, NtStatus returned, IReadOnlyList<RuleViolation<TRule>> violations) =>
        violations.Count == 0 && irp.RefusedBeforeSubmission(returned) ? Instance : violations;

    public IEnumerator<RuleViolation<TRule>> GetEnumerator()
    {
        yield break;
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
