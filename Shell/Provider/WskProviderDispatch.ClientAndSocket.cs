using System;
using System.Collections.Generic;
using Wsk.Core;

namespace Wsk.Shell;

/// <summary>WskControlClient and WskSocket (the first step of the three-step path).</summary>
public sealed partial class WskProviderDispatch
{
    /// <summary>
    /// PFN_WSK_CONTROL_CLIENT. Buffers are what the C pointers designate: for
    /// WSK_TRANSPORT_LIST_QUERY the output is bytes of 28-byte WSK_TRANSPORT entries (a buffer too small, NULL and 0
    /// included, answers STATUS_BUFFER_OVERFLOW with the size needed in <paramref name="outputSizeReturned"/>); for
    /// WSK_CACHE_SD the input is a <see cref="SecurityDescriptor"/> and the output 8 bytes receiving the cached handle;
    /// WSK_RELEASE_SD takes those 8 bytes as input; WSK_SET_STATIC_EVENT_CALLBACKS takes an
    /// <see cref="EventCallbackControl"/> (InputSize 16); WSK_TRANSPORT_LIST_CHANGE takes an IRP and returns
    /// STATUS_PENDING. The TDI codes answer STATUS_NOT_SUPPORTED, an unknown code STATUS_INVALID_PARAMETER.
    /// A NULL, released or unknown client returns STATUS_INVALID_HANDLE, and WSK_TRANSPORT_LIST_CHANGE without an IRP
    /// STATUS_INVALID_PARAMETER, with nothing completed.
    /// </summary>
    /// <exception cref="WskContractViolationException">An IRP in use, above DISPATCH_LEVEL, or a WSK_RELEASE_SD of an
    /// SD a pending IRP still uses.</exception>
    public NtStatus WskControlClient(WskClient? client, uint controlCode, long inputSize, object? inputBuffer,
        long outputSize,
        byte[]? outputBuffer, out long outputSizeReturned, Irp? irp, Irql irql = Irql.PassiveLevel) =>
        ClientControl.Execute(_registration, client, controlCode, inputSize, inputBuffer, outputSize, outputBuffer,
            out outputSizeReturned, irp, irql);

    /// <summary>
    /// PFN_WSK_SOCKET for a connection socket (Flags = WSK_FLAG_CONNECTION_SOCKET). The IRP completes inside the call;
    /// on success its Information is the unbound <see cref="WskUnconnectedSocket"/>. The request form with an out list
    /// gives every rule a rejected call broke. No IRP returns STATUS_INVALID_PARAMETER and a NULL, released or
    /// unknown client STATUS_INVALID_HANDLE, with nothing completed (what Windows answers).
    /// </summary>
    /// <exception cref="WskContractViolationException">A bug-check breach (above DISPATCH_LEVEL, an IRP in use);
    /// nothing was completed.</exception>
    public NtStatus WskSocket(WskClient? client, ushort addressFamily, ushort socketType, uint protocol, uint flags,
        object? socketContext, ConnectionDispatch? dispatch, ProcessId? owningProcess, ThreadId? owningThread,
        SecurityDescriptorHandle? securityDescriptor, Irp? irp, Irql irql = Irql.PassiveLevel)
    {
        if (CallGate.EnterClientCall(_registration, nameof(WskSocket), client, client?.Id, irp, irpRequired: true, irql,
                submit: false) is { } refused)
            return refused;
        return Socket(client!, new SocketRequest(client!.Id, addressFamily, socketType, protocol, flags, socketContext,
            dispatch, owningProcess, owningThread, securityDescriptor), irp!, out _);
    }

    /// <summary>WskSocket for a request value. Same contract as the faithful form.</summary>
    /// <exception cref="WskContractViolationException">A bug-check breach; nothing was completed.</exception>
    public NtStatus WskSocket(SocketRequest request, Irp? irp, Irql irql = Irql.PassiveLevel) =>
        WskSocket(request, irp, out _, irql);

    /// <summary>
    /// WskSocket for a request value, with the reasons of a rejection: <paramref name="violations"/> lists every rule a
    /// request rejected by validation broke (the status returned is the first one's), and is empty for any other
    /// outcome. Same contract as the faithful form.
    /// </summary>
    /// <exception cref="WskContractViolationException">A bug-check breach; nothing was completed.</exception>
    public NtStatus WskSocket(SocketRequest request, Irp? irp, out IReadOnlyList<RuleViolation<SocketRule>> violations,
        Irql irql = Irql.PassiveLevel)
    {
        ArgumentNullException.ThrowIfNull(request);
        violations = Array.Empty<RuleViolation<SocketRule>>();
        _registration.TryGetClient(request.Client, out var client);
        if (CallGate.EnterClientCall(_registration, nameof(WskSocket), client, request.Client, irp, irpRequired: true,
                irql, submit: false) is { } refused)
            return refused;
        return Socket(client!, request, irp!, out violations);
    }

    /// <summary>An admitted WskSocket: the gate has checked the calling contract; the IRP is submitted here.</summary>
    private NtStatus Socket(WskClient client, SocketRequest request, Irp irp,
        out IReadOnlyList<RuleViolation<SocketRule>> violations)
    {
        CallGate.Submit(_registration, nameof(WskSocket), irp);
        client.SocketCreating();

        var broken = SocketValidation.ValidateSocket(
            request, _registration.IsCachedSd(request.Client, request.SecurityDescriptor)).FailToSeq().ToArray();
        violations = broken.Length == 0 ? Array.Empty<RuleViolation<SocketRule>>() : broken;
        var status = SocketRules.Table.StatusFor(broken);
        ITransportSocket? transport = null;
        if (status == NtStatus.Success)
            status = _registration.Transport is IThreeStepTransport threeStep
                ? threeStep.OpenSocket(request.AddressFamily, out transport)
                : NtStatus.NotSupported;
        if (status != NtStatus.Success || transport is null)
        {
            irp.IoCompleteRequest(status.IsSuccess ? NtStatus.Unsuccessful : status);
            return status.IsSuccess ? NtStatus.Unsuccessful : status;
        }
        // The socket keeps its own copy of the SD: the client may release the handle once this IRP completed.
        var descriptor = request.SecurityDescriptor is { } handle
            ? _registration.ResolveSd(request.Client, handle)
            : null;
        var socket = new WskUnconnectedSocket(_registration, client, transport, request, descriptor);
        _registration.SocketOpened();
        _registration.Verifier?.OnSocketOpened(socket);
        irp.IoCompleteRequest(NtStatus.Success, socket);
        return NtStatus.Success;
    }
}
