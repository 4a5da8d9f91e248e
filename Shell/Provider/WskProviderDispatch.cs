using System;
using System.Collections.Generic;
using Wsk.Core;

namespace Wsk.Shell;

/// <summary>
/// WSK_PROVIDER_DISPATCH. WskSocketConnect comes in two forms that share one path: the faithful twelve-parameter call
/// (SOCKADDRs as bytes, as the C pointers are) and one taking a <see cref="ConnectRequest"/>.
/// </summary>
public sealed partial class WskProviderDispatch
{
    private readonly WskRegistration _registration;

    internal WskProviderDispatch(WskRegistration registration) => _registration = registration;

    /// <summary>WSK_PROVIDER_DISPATCH.Version.</summary>
    public ushort Version => 0x0100;

    /// <summary>
    /// PFN_WSK_SOCKET_CONNECT, parameter for parameter. <paramref name="localAddress"/> and <paramref
    /// name="remoteAddress"/> are the SOCKADDR bytes the pointers designate (null for a NULL pointer), Windows layout.
    /// </summary>
    /// <returns>
    /// STATUS_SUCCESS (the IRP is already completed and <c>IoStatus.Information</c> holds the socket), STATUS_PENDING
    /// (the IRP completes exactly once later), or the failure status (the IRP is already completed with it). Two
    /// breaches of the calling contract return at once with nothing submitted or completed: no IRP
    /// (STATUS_INVALID_PARAMETER) and a NULL, released or unknown client (STATUS_INVALID_HANDLE).
    /// </returns>
    /// <exception cref="WskContractViolationException">
    /// A bug-check breach (IRQL above DISPATCH_LEVEL, an IRP still in use); nothing was completed.
    /// </exception>
    public NtStatus WskSocketConnect(
        WskClient? client, ushort socketType, uint protocol, byte[]? localAddress, byte[]? remoteAddress, uint flags,
        object? socketContext, ConnectionDispatch? dispatch, ProcessId? owningProcess, ThreadId? owningThread,
        SecurityDescriptorHandle? securityDescriptor, Irp? irp, Irql irql = Irql.PassiveLevel)
    {
        if (CallGate.EnterClientCall(_registration, nameof(WskSocketConnect), client, client?.Id, irp,
                irpRequired: true, irql, securityDescriptor, submit: false) is { } refused)
            return refused;
        var request = new ConnectRequest(client!.Id, socketType, protocol,
            localAddress is null ? SockAddrArgument.Null : SockAddrCodec.Decode(localAddress),
            remoteAddress is null ? SockAddrArgument.Null : SockAddrCodec.Decode(remoteAddress),
            flags, socketContext, dispatch, owningProcess, owningThread, securityDescriptor);
        return Connect(client, request, irp!, out _);
    }

    /// <summary>WskSocketConnect for a request value. Same contract as the faithful form.</summary>
    /// <exception cref="WskContractViolationException">A bug-check breach; nothing was completed.</exception>
    public NtStatus WskSocketConnect(ConnectRequest request, Irp? irp, Irql irql = Irql.PassiveLevel) =>
        WskSocketConnect(request, irp, out _, irql);

    /// <summary>
    /// WskSocketConnect for a request value, with the reasons of a rejection: <paramref name="violations"/> lists every
    /// rule a request rejected by validation broke (the status returned is the first one's), and is empty for any other
    /// outcome. Same contract as the faithful form.
    /// </summary>
    /// <exception cref="WskContractViolationException">A bug-check breach; nothing was completed.</exception>
    public NtStatus WskSocketConnect(ConnectRequest request, Irp? irp,
        out IReadOnlyList<RuleViolation<ConnectRule>> violations, Irql irql = Irql.PassiveLevel)
    {
        ArgumentNullException.ThrowIfNull(request);
        violations = Array.Empty<RuleViolation<ConnectRule>>();
        _registration.TryGetClient(request.Client, out var client);
        if (CallGate.EnterClientCall(_registration, nameof(WskSocketConnect), client, request.Client, irp,
                irpRequired: true, irql, request.SecurityDescriptor, submit: false) is { } refused)
            return refused;
        return Connect(client!, request, irp!, out violations);
    }

    /// <summary>An admitted connect: the gate has checked the calling contract; the IRP is submitted here.</summary>
    private NtStatus Connect(WskClient client, ConnectRequest request, Irp irp,
        out IReadOnlyList<RuleViolation<ConnectRule>> violations)
    {
        CallGate.Submit(_registration, nameof(WskSocketConnect), irp, sd: request.SecurityDescriptor);
        client.SocketCreating(); // from here on static event callbacks can no longer change
        return SocketConnectHandover.Run(_registration, request, irp, out violations);
    }
}
