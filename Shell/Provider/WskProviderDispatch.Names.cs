using System;
using System.Collections.Generic;
using Wsk.Core;

namespace Wsk.Shell;

/// <summary>The name calls: WskGetAddressInfo, WskFreeAddressInfo and WskGetNameInfo.</summary>
public sealed partial class WskProviderDispatch
{
    /// <summary>
    /// PFN_WSK_GET_ADDRESS_INFO, parameter for parameter. PASSIVE_LEVEL only. The list goes to <paramref
    /// name="result"/> before the IRP completes with STATUS_SUCCESS; IoStatus.Information stays 0 (as on Windows).
    /// The list is the caller's until <see cref="WskFreeAddressInfo"/>.
    /// </summary>
    /// <returns>
    /// STATUS_PENDING for every admitted, valid call, as Windows returns it (the IRP may already have completed): then
    /// STATUS_SUCCESS, STATUS_NOT_FOUND (unknown name or service, a non-numeric name with AI_NUMERICHOST),
    /// STATUS_CANCELLED, or the resolver's failure. A request that breaks an <see cref="AddressInfoRule"/> returns the
    /// first one's status, the IRP completed with it. No IRP: STATUS_INVALID_PARAMETER; a NULL, released or unknown
    /// client: STATUS_INVALID_HANDLE; nothing completed.
    /// </returns>
    /// <exception cref="WskContractViolationException">Above PASSIVE_LEVEL, or an IRP still in use.</exception>
    public NtStatus WskGetAddressInfo(WskClient? client, string? nodeName, string? serviceName, uint nameSpace,
        Guid? provider, AddrInfoHints? hints, AddressInfoResult? result, ProcessId? owningProcess,
        ThreadId? owningThread, Irp? irp, Irql irql = Irql.PassiveLevel) =>
        GetAddressInfo(client, new AddressInfoRequest(client?.Id ?? default, nodeName, serviceName, nameSpace,
            provider, hints, owningProcess, owningThread), result, irp, out _, irql);

    /// <summary>
    /// PFN_WSK_FREE_ADDRESS_INFO: gives back a list a WskGetAddressInfo of this provider handed over. Freeing it
    /// twice, or a list of another provider, is a bug check (<see cref="WskContractViolationException"/>, rule
    /// OutOfOrder, and the verifier's AddressInfoNotHeld). A NULL, released or unknown client frees nothing (one
    /// ClientUsedAfterRelease finding).
    /// </summary>
    /// <exception cref="WskContractViolationException">The list is not held.</exception>
    public void WskFreeAddressInfo(WskClient? client, WskAddressInfo addrInfo)
    {
        ArgumentNullException.ThrowIfNull(addrInfo);
        if (CallGate.EnterClientCall(_registration, nameof(WskFreeAddressInfo), client, client?.Id, null,
                irpRequired: false, Irql.PassiveLevel) is not null)
            return;
        if (!ReferenceEquals(addrInfo.Registration.Provider, _registration.Provider) || !addrInfo.TryFree())
        {
            CallGate.Refuse(_registration, CallingRule.OutOfOrder, nameof(WskFreeAddressInfo), Irql.PassiveLevel,
                null, addrInfo, client!.Id);
            return; // not reached: OutOfOrder is a bug check
        }
        addrInfo.Registration.Verifier?.OnAddressInfoFreed(addrInfo);
    }

    /// <summary>
    /// PFN_WSK_GET_NAME_INFO, parameter for parameter. PASSIVE_LEVEL only. <paramref name="sockAddr"/> is the
    /// SOCKADDR the pointer designates (at least <paramref name="sockAddrLength"/> bytes, at most SOCKADDR_STORAGE);
    /// <paramref name="nodeName"/> and <paramref name="serviceName"/> are the caller's buffers, not both null, written
    /// before the IRP completes with STATUS_SUCCESS (IoStatus.Information 0).
    /// </summary>
    /// <returns>
    /// STATUS_PENDING for every admitted, valid call: then STATUS_SUCCESS, STATUS_NOT_FOUND (NI_NAMEREQD and no name),
    /// STATUS_BUFFER_OVERFLOW (a text longer than its buffer; neither buffer written), STATUS_CANCELLED, or the
    /// resolver's failure. A request that breaks a <see cref="NameInfoRule"/> returns the first one's status, the IRP
    /// completed with it. No IRP or a NULL, released or unknown client as <see cref="WskGetAddressInfo"/>.
    /// </returns>
    /// <exception cref="WskContractViolationException">Above PASSIVE_LEVEL, or an IRP still in use.</exception>
    public NtStatus WskGetNameInfo(WskClient? client, byte[]? sockAddr, uint sockAddrLength, NameBuffer? nodeName,
        NameBuffer? serviceName, uint flags, ProcessId? owningProcess, ThreadId? owningThread, Irp? irp,
        Irql irql = Irql.PassiveLevel)
    {
        var address = sockAddr is null ? SockAddrArgument.Null
            : sockAddrLength > sockAddr.Length
                ? SockAddrArgument.Truncated(AddressFamilies.Unspecified, sockAddr.Length)
            : SockAddrCodec.Decode(sockAddr.AsSpan(0, (int)sockAddrLength));
        return GetNameInfo(client, new NameInfoRequest(client?.Id ?? default, address, sockAddrLength,
            nodeName?.Capacity, serviceName?.Capacity, flags, owningProcess, owningThread), nodeName, serviceName, irp,
            out _, irql);
    }

    /// <summary>WskGetAddressInfo for a request value (the Rx and awaitable forms).</summary>
    internal NtStatus GetAddressInfo(WskClient? client, AddressInfoRequest request, AddressInfoResult? result,
        Irp? irp, out IReadOnlyList<RuleViolation<AddressInfoRule>> violations, Irql irql = Irql.PassiveLevel)
    {
        violations = Array.Empty<RuleViolation<AddressInfoRule>>();
        if (CallGate.EnterClientCall(_registration, nameof(WskGetAddressInfo), client, request.Client, irp,
                irpRequired: true, irql, passiveOnly: true) is { } refused)
            return refused;
        violations = NameRules.Validate(request, result is not null);
        if (violations.Count > 0) return Reject(irp!, NameRules.AddressInfo.StatusFor(violations));
        AddressInfoLookup.Start(_registration, request, result!, irp!);
        return NtStatus.Pending;
    }

    /// <summary>WskGetNameInfo for a request value (the Rx and awaitable forms).</summary>
    internal NtStatus GetNameInfo(WskClient? client, NameInfoRequest request, NameBuffer? node, NameBuffer? service,
        Irp? irp, out IReadOnlyList<RuleViolation<NameInfoRule>> violations, Irql irql = Irql.PassiveLevel)
    {
        violations = Array.Empty<RuleViolation<NameInfoRule>>();
        if (CallGate.EnterClientCall(_registration, nameof(WskGetNameInfo), client, request.Client, irp,
                irpRequired: true, irql, passiveOnly: true) is { } refused)
            return refused;
        violations = NameRules.Validate(request);
        if (violations.Count > 0) return Reject(irp!, NameRules.NameInfo.StatusFor(violations));
        NameInfoLookup.Start(_registration, request, node, service, irp!);
        return NtStatus.Pending;
    }

    /// <summary>The client a request value names, when it is a live capture of this registration.</summary>
    internal WskClient? ClientOf(ClientId id) => _registration.TryGetClient(id, out var client) ? client : null;

    private static NtStatus Reject(Irp irp, NtStatus status)
    {
        irp.IoCompleteRequest(status, 0L);
        return status;
    }
}
