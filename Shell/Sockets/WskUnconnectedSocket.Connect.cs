using System;
using System.Collections.Generic;
using Wsk.Core;

namespace Wsk.Shell;

/// <summary>WskConnect on a bound three-step socket, and the hand-over of the connection it makes.</summary>
public sealed partial class WskUnconnectedSocket
{
    /// <summary>PFN_WSK_CONNECT with the SOCKADDR bytes the pointer designates.</summary>
    /// <exception cref="WskContractViolationException">Above DISPATCH_LEVEL, an IRP in use, or a closed
    /// socket.</exception>
    public NtStatus WskConnect(byte[]? remoteAddress, uint flags, Irp? irp, Irql irql = Irql.PassiveLevel) =>
        WskConnect(
            remoteAddress is null ? SockAddrArgument.Null : SockAddrCodec.Decode(remoteAddress), flags, irp, irql);

    /// <summary>
    /// WskConnect on a bound socket, with WskSocketConnect's IRP contract: STATUS_SUCCESS (the IRP already completed,
    /// its Information the connected <see cref="WskConnectedSocket"/>), STATUS_PENDING (exactly one later completion),
    /// or a failure. An unbound socket answers STATUS_INVALID_DEVICE_STATE, returned and completed with it (as Windows
    /// does); after a failed connect only WskCloseSocket remains. No IRP returns STATUS_INVALID_PARAMETER, completing
    /// nothing.
    /// </summary>
    /// <exception cref="WskContractViolationException">Above DISPATCH_LEVEL, an IRP in use, or a closed
    /// socket.</exception>
    public NtStatus WskConnect(SockAddrArgument remoteAddress, uint flags, Irp? irp, Irql irql = Irql.PassiveLevel) =>
        WskConnect(remoteAddress, flags, irp, out _, irql);

    /// <summary>
    /// WskConnect with the reasons of a rejection: <paramref name="violations"/> lists every rule a connect rejected by
    /// validation broke (the status returned is the first one's), and is empty for any other outcome.
    /// </summary>
    /// <exception cref="WskContractViolationException">Above DISPATCH_LEVEL, an IRP in use, or a closed
    /// socket.</exception>
    public NtStatus WskConnect(SockAddrArgument remoteAddress, uint flags, Irp? irp,
        out IReadOnlyList<RuleViolation<SocketRule>> violations, Irql irql = Irql.PassiveLevel)
    {
        violations = Array.Empty<RuleViolation<SocketRule>>();
        if (Enter(nameof(WskConnect), irp, irpRequired: true, irql) is { } gateRefused) return gateRefused;
        NtStatus refused;
        lock (_gate)
        {
            refused = Admit(SocketValidation.ValidateConnect(Family, remoteAddress, flags, _phase), out var remote,
                ref violations);
            if (refused == NtStatus.Success)
            {
                _remote = remote;
                _phase = UnconnectedSocketDecider.Evolve(_phase, SocketStep.ConnectStarted);
                _connectIrp = irp;
            }
        }
        return refused == NtStatus.Success
            ? ConnectRun.Start(irp!, new ThreeStepConnectHandover(this), Family, _bound!, _remote!)
            : ConnectRejection.Reject(irp!, refused);
    }

    // ------------------------------------------- what the connect runner asks, through ThreeStepConnectHandover

    internal WskRegistration Registration => _registration;

    internal TransportConnectResult StartConnectTransport(ITransportConnectSink sink) =>
        _transport.Connect(_remote!, sink);

    internal WskConnectedSocket HandOverConnected(ITransportConnection connection)
    {
        Irp? close;
        WskConnectedSocket socket;
        lock (_gate)
        {
            var request = new ConnectRequest(_client.Id, _request.SocketType, _request.Protocol, _bound, _remote, 0,
                _request.SocketContext, _request.Dispatch, _request.OwningProcess, _request.OwningThread,
                _request.SecurityDescriptor);
            // The socket count moves with it: it was counted when WskSocket created this socket.
            var connect = new ValidConnect(Family, _bound!, _remote!, request);
            socket = new WskConnectedSocket(_registration, connection, connect, _client.StaticEventMask);
            _connected = socket;
            _phase = UnconnectedSocketDecider.Evolve(_phase, SocketStep.Connected);
            close = _pendingClose;
        }
        _registration.Verifier?.OnSocketHandedOver(this, socket);
        if (close is not null)
        {
            socket.WskCloseSocket(new Irp());
            close.IoCompleteRequest(NtStatus.Success);
        }
        return socket;
    }

    internal void ConnectFailed()
    {
        Irp? close;
        lock (_gate)
        {
            _phase = UnconnectedSocketDecider.Evolve(_phase, SocketStep.ConnectFailed);
            close = _pendingClose;
            if (close is not null) _phase = SocketPhase.Closed;
        }
        _released = true; // the transport released the OS socket with the failure; the address is free
        if (close is null) return;
        Release();
        close.IoCompleteRequest(NtStatus.Success);
    }
}

/// <summary>
/// The three-step WskConnect's part of a connect, run by <see cref="ConnectRunner{THandover}"/>: the socket's transport
/// connects, and the socket hands over the connected <see cref="WskConnectedSocket"/> or takes the failure. A struct
/// over the socket, kept inside the runner.
/// </summary>
internal readonly struct ThreeStepConnectHandover : IConnectHandover
{
    private readonly WskUnconnectedSocket _socket;

    public ThreeStepConnectHandover(WskUnconnectedSocket socket) => _socket = socket;

    public WskRegistration Registration => _socket.Registration;

    public TransportConnectResult StartTransport(ITransportConnectSink sink) => _socket.StartConnectTransport(sink);

    public WskConnectedSocket Connected(ITransportConnection connection) => _socket.HandOverConnected(connection);

    public void Failed() => _socket.ConnectFailed();

    public void Completed(NtStatus status, WskConnectedSocket? socket) { }
}
