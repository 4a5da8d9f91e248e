using System;
using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;
using System.Reactive.Concurrency;
using System.Threading;
using System.Threading.Tasks;
using Wsk.Core;

namespace Wsk.Shell;

/// <summary>The outcome of one WskGetAddressInfo: the list exactly on STATUS_SUCCESS (the receiver frees it).</summary>
/// <param name="Status">The IRP's final status (or the returned status of a call that submitted nothing).</param>
/// <param name="AddressInfo">The list on success; give it back with WskFreeAddressInfo.</param>
/// <param name="ReturnStatus">What the call returned (STATUS_PENDING for every valid call).</param>
/// <param name="Violations">For a rejected call, every rule it broke.</param>
public sealed record AddressInfoCompletion(NtStatus Status, WskAddressInfo? AddressInfo, NtStatus ReturnStatus,
    IReadOnlyList<RuleViolation<AddressInfoRule>> Violations) : IWskCompletion
{
    /// <summary>True when the names resolved: STATUS_SUCCESS, and <see cref="AddressInfo"/> holds the list.</summary>
    [MemberNotNullWhen(true, nameof(AddressInfo))]
    public bool IsSuccess => Status == NtStatus.Success && AddressInfo is not null;

    /// <inheritdoc/>
    public bool IsRejected => Violations.Count > 0 || Violations is NotSubmitted<AddressInfoRule>;

    internal static AddressInfoCompletion From(Irp irp, NtStatus returned,
        (AddressInfoResult Result, IReadOnlyList<RuleViolation<AddressInfoRule>> Violations) detail) =>
        new(irp.FinalStatusOfFreshCall(returned), detail.Result.Value, returned,
            NotSubmitted<AddressInfoRule>.Unless(irp, returned, detail.Violations));
}

/// <summary>The outcome of one WskGetNameInfo: the texts exactly on STATUS_SUCCESS.</summary>
/// <param name="Status">The IRP's final status (or the returned status of a call that submitted nothing).</param>
/// <param name="NodeName">The host text, when a node buffer was asked for.</param>
/// <param name="ServiceName">The service text, when a service buffer was asked for.</param>
/// <param name="ReturnStatus">What the call returned (STATUS_PENDING for every valid call).</param>
/// <param name="Violations">For a rejected call, every rule it broke.</param>
public sealed record NameInfoCompletion(NtStatus Status, string? NodeName, string? ServiceName, NtStatus ReturnStatus,
    IReadOnlyList<RuleViolation<NameInfoRule>> Violations) : IWskCompletion
{
    /// <inheritdoc/>
    public bool IsRejected => Violations.Count > 0 || Violations is NotSubmitted<NameInfoRule>;

    internal static NameInfoCompletion From(Irp irp, NtStatus returned,
        (NameBuffer? Node, NameBuffer? Service, IReadOnlyList<RuleViolation<NameInfoRule>> Violations) detail) =>
        new(irp.FinalStatusOfFreshCall(returned), detail.Node?.Value, detail.Service?.Value, returned,
            NotSubmitted<NameInfoRule>.Unless(irp, returned, detail.Violations));
}

/// <summary>
/// The reactive and awaitable forms of the name calls: cold observables of one call per subscription (exactly one
/// completion, then <c>OnCompleted</c>; a failure is a status; disposing a pending call cancels its IRP and a list
/// that arrives anyway is freed), and awaitables whose token cancels the IRP. Each observable takes an optional
/// scheduler for the delivery, as the connect forms do.
/// </summary>
public static class WskNamesReactive
{
    /// <summary>WskGetAddressInfo of <paramref name="request"/>, one call per subscription.</summary>
    public static IObservable<AddressInfoCompletion> GetAddressInfoObservable(this WskProviderDispatch dispatch,
        AddressInfoRequest request, IScheduler? scheduler = null)
    {
        ArgumentNullException.ThrowIfNull(dispatch);
        ArgumentNullException.ThrowIfNull(request);
        return IrpObservable<(WskProviderDispatch, AddressInfoRequest),
            (AddressInfoResult, IReadOnlyList<RuleViolation<AddressInfoRule>>), AddressInfoCompletion>.WithDetailOrphan(
            (dispatch, request), static (s, irp) => Call(s.Item1, s.Item2, irp), AddressInfoCompletion.From,
            (irp, detail) => FreeOrphan(dispatch, request, detail.Item1), scheduler);
    }

    /// <summary>
    /// Awaitable WskGetAddressInfo: cancelling <paramref name="cancellationToken"/> cancels the IRP (the result is
    /// STATUS_CANCELLED, or the real one if the lookup finished first). Throws only for a caller bug
    /// (<see cref="WskContractViolationException"/>).
    /// </summary>
    public static async ValueTask<AddressInfoCompletion> GetAddressInfoAsync(this WskProviderDispatch dispatch,
        AddressInfoRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dispatch);
        ArgumentNullException.ThrowIfNull(request);
        var irp = new Irp();
        var (returned, detail) = Call(dispatch, request, irp);
        return await Completed(irp, returned, detail, AddressInfoCompletion.From, cancellationToken)
            .ConfigureAwait(false);
    }

    /// <summary>WskGetNameInfo of <paramref name="request"/>, one call per subscription; buffers of the request's
    /// capacities.</summary>
    public static IObservable<NameInfoCompletion> GetNameInfoObservable(this WskProviderDispatch dispatch,
        NameInfoRequest request, IScheduler? scheduler = null)
    {
        ArgumentNullException.ThrowIfNull(dispatch);
        ArgumentNullException.ThrowIfNull(request);
        return new IrpObservable<(WskProviderDispatch, NameInfoRequest),
            (NameBuffer?, NameBuffer?, IReadOnlyList<RuleViolation<NameInfoRule>>), NameInfoCompletion>(
            (dispatch, request), static (s, irp) => Call(s.Item1, s.Item2, irp), NameInfoCompletion.From,
            (Action<Irp>?)null, scheduler);
    }

    /// <summary>Awaitable WskGetNameInfo; the token cancels the IRP.</summary>
    public static async ValueTask<NameInfoCompletion> GetNameInfoAsync(this WskProviderDispatch dispatch,
        NameInfoRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dispatch);
        ArgumentNullException.ThrowIfNull(request);
        var irp = new Irp();
        var (returned, detail) = Call(dispatch, request, irp);
        return await Completed(irp, returned, detail, NameInfoCompletion.From, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The completion of a call on its fresh IRP, once the IRP completed (the token cancels it
    /// meanwhile).</summary>
    private static async ValueTask<T> Completed<TDetail, T>(Irp irp, NtStatus returned, TDetail detail,
        Func<Irp, NtStatus, TDetail, T> result, CancellationToken cancellationToken)
    {
        if (returned.IsPending) await IrpWaits.UntilCompleted(irp, cancellationToken).ConfigureAwait(false);
        return result(irp, returned, detail);
    }

    private static (NtStatus, (AddressInfoResult, IReadOnlyList<RuleViolation<AddressInfoRule>>)) Call(
        WskProviderDispatch dispatch, AddressInfoRequest request, Irp irp)
    {
        var result = new AddressInfoResult();
        var returned = dispatch.GetAddressInfo(dispatch.ClientOf(request.Client), request, result, irp,
            out var violations);
        return (returned, (result, violations));
    }

    private static (NtStatus, (NameBuffer?, NameBuffer?, IReadOnlyList<RuleViolation<NameInfoRule>>)) Call(
        WskProviderDispatch dispatch, NameInfoRequest request, Irp irp)
    {
        var node = request.NodeCapacity is { } n ? new NameBuffer(n) : null;
        var service = request.ServiceCapacity is { } c ? new NameBuffer(c) : null;
        var returned = dispatch.GetNameInfo(dispatch.ClientOf(request.Client), request, node, service, irp,
            out var violations);
        return (returned, (node, service, violations));
    }

    /// <summary>A list that arrived after its subscriber left is freed: nobody else will.</summary>
    private static void FreeOrphan(WskProviderDispatch dispatch, AddressInfoRequest request, AddressInfoResult result)
    {
        if (result.Value is { IsFreed: false } list)
            dispatch.WskFreeAddressInfo(dispatch.ClientOf(request.Client), list);
    }
}
