using System;
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
    /// PFN_WSK_SOCKET_CONNECT, parameter for parameter. <paramref name="localAddress"/> and <paramref name="remoteAddress"/>
    /// are the SOCKADDR bytes the pointers designate (null for a NULL pointer), Windows layout.
    /// </summary>
    /// <returns>
    /// STATUS_SUCCESS (the IRP is already completed and <c>IoStatus.Information</c> holds the socket), STATUS_PENDING
    /// (the IRP completes exactly once later), or the failure status (the IRP is already completed with it).
    /// </returns>
    /// <exception cref="WskContractViolationException">The caller broke the calling contract; nothing was completed.</exception>
    public NtStatus WskSocketConnect(
        WskClient client, ushort socketType, uint protocol, byte[]? localAddress, byte[]? remoteAddress, uint flags,
        object? socketContext, ConnectionDispatch? dispatch, ProcessId? owningProcess, ThreadId? owningThread,
        SecurityDescriptorHandle? securityDescriptor, Irp irp, Irql irql = Irql.PassiveLevel)
    {
        ArgumentNullException.ThrowIfNull(client);
        var request = new ConnectRequest(client.Id, socketType, protocol,
            localAddress is null ? null : SockAddrCodec.Read(localAddress),
            remoteAddress is null ? null : SockAddrCodec.Read(remoteAddress),
            flags, socketContext, dispatch, owningProcess, owningThread, securityDescriptor);
        return Connect(client, request, irp, irql);
    }

    /// <summary>WskSocketConnect for a request value. Same contract as the faithful form.</summary>
    /// <exception cref="WskContractViolationException">The caller broke the calling contract; nothing was completed.</exception>
    public NtStatus WskSocketConnect(ConnectRequest request, Irp irp, Irql irql = Irql.PassiveLevel)
    {
        ArgumentNullException.ThrowIfNull(request);
        _registration.TryGetClient(request.Client, out var client);
        return Connect(client, request, irp, irql);
    }

    private NtStatus Connect(WskClient? client, ConnectRequest request, Irp? irp, Irql irql)
    {
        bool live = client is not null && client.IsLive && ReferenceEquals(client.Registration, _registration);
        if (CallingContract.Check(irql, irp is not null, irp is null || IrpDecider.IsIdle(irp.State), live) is { } broken)
        {
            _registration.Verifier?.OnRefused(broken, nameof(WskSocketConnect), irp, null, client?.ToString() ?? $"client {request.Client.Value}");
            throw new WskContractViolationException(broken, Describe(broken, request));
        }
        irp!.Submit();
        _registration.Verifier?.OnSubmitted(irp, nameof(WskSocketConnect), request.SecurityDescriptor);
        client!.SocketCreating(); // from here on static event callbacks can no longer change (wsk-contract §4)
        return new ConnectOperation(_registration, irp).Run(request);
    }

    private static string Describe(CallingRule rule, ConnectRequest request) => rule switch
    {
        CallingRule.IrqlAboveDispatch => "WskSocketConnect requires IRQL <= DISPATCH_LEVEL",
        CallingRule.ClientReleased => $"client {request.Client.Value} is not a live capture of this registration",
        CallingRule.IrpMissing => "WskSocketConnect requires an IRP",
        CallingRule.IrpInUse => "the IRP is still owned by an earlier call",
        _ => rule.ToString(),
    };
}
