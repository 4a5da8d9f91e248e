using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Wsk.Core;

namespace Wsk.Shell;

/// <summary>
/// Runs one admitted WskGetAddressInfo over the resolver: asks each family the plan names on its own, keeps every
/// answer, and completes the IRP once when the last one arrived: the list (AAAA answers first) on success,
/// STATUS_CANCELLED when a cancel reached a lookup, else the first failure that is not STATUS_NOT_FOUND, else
/// STATUS_NOT_FOUND. The IRP's cancel routine cancels every lookup still pending.
/// </summary>
internal sealed class AddressInfoLookup : IIrpCancelRoutine
{
    private readonly object _gate = new();
    private readonly WskRegistration _registration;
    private readonly AddressInfoRequest _request;
    private readonly AddressInfoPlan _plan;
    private readonly AddressInfoResult _result;
    private readonly Irp _irp;
    private readonly (bool Answered, NtStatus Status, IReadOnlyList<SockAddr> Addresses)[] _answers;
    private readonly ITransportCancel?[] _pending;
    private int _left;

    private AddressInfoLookup(WskRegistration registration, AddressInfoRequest request, AddressInfoPlan plan,
        AddressInfoResult result, Irp irp)
    {
        (_registration, _request, _plan, _result, _irp) = (registration, request, plan, result, irp);
        _answers = new (bool, NtStatus, IReadOnlyList<SockAddr>)[plan.Families.Count];
        _pending = new ITransportCancel?[plan.Families.Count];
        _left = plan.Families.Count;
    }

    /// <summary>Starts the call on its submitted IRP; completes it inside when nothing is to be looked up.</summary>
    public static void Start(WskRegistration registration, AddressInfoRequest request, AddressInfoResult result,
        Irp irp)
    {
        var plan = NameShaping.Plan(request);
        if (plan.LookUp is null)
        {
            Complete(registration, request, plan, result, irp, plan.Status, plan.Known);
            return;
        }
        var run = new AddressInfoLookup(registration, request, plan, result, irp);
        for (int i = 0; i < plan.Families.Count; i++)
        {
            var lookup = registration.Provider.Resolver.LookUpAddresses(plan.LookUp, plan.Families[i],
                new Slot(run, i));
            if (lookup.Status.IsPending) run.Pending(i, lookup.Pending);
            else run.Answer(i, lookup.Status, lookup.Addresses);
        }
        irp.SetCancelRoutine(run); // runs at once if the caller cancelled already
    }

    public void OnCancel(Irp irp)
    {
        ITransportCancel?[] pending;
        lock (_gate) pending = _pending.ToArray();
        foreach (var p in pending) p?.Cancel();
    }

    private void Pending(int slot, ITransportCancel? cancel)
    {
        lock (_gate)
            if (!_answers[slot].Answered) _pending[slot] = cancel;
    }

    private void Answer(int slot, NtStatus status, IReadOnlyList<SockAddr> addresses)
    {
        lock (_gate)
        {
            if (_answers[slot].Answered) return; // a resolver that answers twice is heard once
            _answers[slot] = (true, status, addresses);
            _pending[slot] = null;
            if (--_left > 0) return;
        }
        NtStatus final = NtStatus.NotFound;
        if (_answers.Any(a => a.Status == NtStatus.Cancelled)) final = NtStatus.Cancelled;
        else if (_answers.Any(a => a.Status == NtStatus.Success)) final = NtStatus.Success;
        else if (_answers.FirstOrDefault(a => a.Status != NtStatus.NotFound) is { Answered: true } failed)
            final = failed.Status;
        var found = _answers.Where(a => a.Status == NtStatus.Success).SelectMany(a => a.Addresses).ToArray();
        Complete(_registration, _request, _plan, _result, _irp, final, found);
    }

    private static void Complete(WskRegistration registration, AddressInfoRequest request, AddressInfoPlan plan,
        AddressInfoResult result, Irp irp, NtStatus status, IReadOnlyList<SockAddr> addresses)
    {
        if (status == NtStatus.Success)
        {
            var entries = NameShaping.Entries(addresses, request.Hints, plan.Port, request.NodeName);
            if (entries.Count == 0) status = NtStatus.NotFound;
            else
            {
                var list = new WskAddressInfo(registration, entries);
                registration.Verifier?.OnAddressInfoGiven(list);
                result.Value = list;
            }
        }
        irp.IoCompleteRequest(status, 0L); // Information 0, success or not: the list is in Result
    }

    private sealed class Slot(AddressInfoLookup run, int index) : IAddressLookupSink
    {
        public void OnAddresses(NtStatus status, IReadOnlyList<SockAddr> addresses) =>
            run.Answer(index, status, addresses);
    }
}

/// <summary>
/// Runs one admitted WskGetNameInfo: asks the resolver for the name when the node buffer needs one, formats both
/// texts, writes the buffers and completes the IRP once (Information 0).
/// </summary>
internal sealed class NameInfoLookup : INameLookupSink, IIrpCancelRoutine
{
    private readonly NameInfoRequest _request;
    private readonly SockAddr _address;
    private readonly NameBuffer? _node;
    private readonly NameBuffer? _service;
    private readonly Irp _irp;
    private ITransportCancel? _pending;

    private NameInfoLookup(NameInfoRequest request, NameBuffer? node, NameBuffer? service, Irp irp)
    {
        (_request, _address, _node, _service, _irp) = (request, request.Address.Address!, node, service, irp);
    }

    /// <summary>Starts the call on its submitted IRP.</summary>
    public static void Start(WskRegistration registration, NameInfoRequest request, NameBuffer? node,
        NameBuffer? service, Irp irp)
    {
        var run = new NameInfoLookup(request, node, service, irp);
        if (!NameShaping.NeedsNameLookup(request))
        {
            run.OnName(NtStatus.NotFound, null);
            return;
        }
        var lookup = registration.Provider.Resolver.LookUpName(run._address, run);
        if (!lookup.Status.IsPending)
        {
            run.OnName(lookup.Status, lookup.Name);
            return;
        }
        Volatile.Write(ref run._pending, lookup.Pending);
        irp.SetCancelRoutine(run);
    }

    public void OnCancel(Irp irp) => Volatile.Read(ref _pending)?.Cancel();

    public void OnName(NtStatus status, string? name)
    {
        if (status == NtStatus.Cancelled || (status != NtStatus.Success && status != NtStatus.NotFound))
        {
            _irp.IoCompleteRequest(status, 0L);
            return;
        }
        var final = NameShaping.FormatNameInfo(_request, _address, status == NtStatus.Success ? name : null,
            out var nodeText, out var serviceText);
        if (final == NtStatus.Success)
        {
            if (_node is not null) _node.Value = nodeText;
            if (_service is not null) _service.Value = serviceText;
        }
        _irp.IoCompleteRequest(final, 0L);
    }
}
