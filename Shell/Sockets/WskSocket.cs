using System.Threading;
using Wsk.Core;

namespace Wsk.Shell;

/// <summary>
/// WSK_SOCKET with its WSK_PROVIDER_CONNECTION_DISPATCH: a connected socket returned through
/// <c>IoStatus.Information</c>. The provider allocated it and frees it at <see cref="WskCloseSocket"/>.
/// </summary>
/// <remarks>
/// Event callbacks start disabled (wsk-contract §0.4); <see cref="SocketContext"/> and <see cref="Dispatch"/> are kept
/// for when the client enables them. After close, every call is a contract violation (wsk-contract §0.10).
/// </remarks>
public sealed class WskSocket
{
    private readonly WskRegistration _registration;
    private readonly ITransportConnection _connection;
    private int _closed;

    internal WskSocket(WskRegistration registration, ITransportConnection connection, ValidConnect connect)
    {
        _registration = registration;
        _connection = connection;
        Family = connect.Family;
        SocketContext = connect.Request.SocketContext;
        Dispatch = connect.Request.Dispatch;
    }

    /// <summary>The socket's address family (that of the LocalAddress it was created with).</summary>
    public ushort Family { get; }

    /// <summary>The SocketContext given to WskSocketConnect; event callbacks receive it.</summary>
    public object? SocketContext { get; }

    /// <summary>The client connection dispatch given to WskSocketConnect, or null.</summary>
    public ConnectionDispatch? Dispatch { get; }

    /// <summary>True once <see cref="WskCloseSocket"/> was called.</summary>
    public bool IsClosed => Volatile.Read(ref _closed) != 0;

    /// <summary>
    /// WskGetLocalAddress: completes <paramref name="irp"/> with the bound address (a <see cref="SockAddr"/> in
    /// <c>IoStatus.Information</c>), or STATUS_INVALID_DEVICE_STATE when the socket is no longer bound.
    /// </summary>
    public NtStatus WskGetLocalAddress(Irp irp) => CompleteAddressQuery(irp, local: true);

    /// <summary>WskGetRemoteAddress: completes <paramref name="irp"/> with the connected peer's address.</summary>
    public NtStatus WskGetRemoteAddress(Irp irp) => CompleteAddressQuery(irp, local: false);

    /// <summary>The bound local address, read now (the IRP-free form of <see cref="WskGetLocalAddress"/>).</summary>
    public SockAddr? LocalAddress
    {
        get
        {
            EnsureOpen();
            return _connection.GetLocalAddress(out var address).IsSuccess ? address : null;
        }
    }

    /// <summary>The connected peer's address, read now.</summary>
    public SockAddr? RemoteAddress
    {
        get
        {
            EnsureOpen();
            return _connection.GetRemoteAddress(out var address).IsSuccess ? address : null;
        }
    }

    /// <summary>
    /// WskCloseSocket: cancels and completes every pending IRP of the socket, releases the transport socket (abortively:
    /// it is not disconnected in both directions, wsk-contract §6), then completes <paramref name="irp"/> with
    /// STATUS_SUCCESS. Never fails; a second close, or a call after it, is a contract violation.
    /// </summary>
    public NtStatus WskCloseSocket(Irp irp)
    {
        if (CallingContract.Check(Irql.PassiveLevel, irp is not null, irp is null || IrpDecider.IsIdle(irp.State), clientLive: true) is { } broken)
            throw new WskContractViolationException(broken, "WskCloseSocket requires an idle IRP");
        if (Interlocked.Exchange(ref _closed, 1) != 0)
            throw new WskContractViolationException(CallingRule.SocketClosed, "the socket was already closed");
        irp!.Submit();

        // No operation of this socket can be pending yet (address queries complete inside the call); the data path
        // (issue 3) adds its operations here, cancelled and completed before the close IRP.
        _connection.Close(abortive: true);
        _registration.SocketClosed();
        irp.IoCompleteRequest(NtStatus.Success);
        return NtStatus.Success;
    }

    internal ITransportConnection Connection => _connection;

    private NtStatus CompleteAddressQuery(Irp irp, bool local)
    {
        EnsureOpen();
        if (CallingContract.Check(Irql.PassiveLevel, irp is not null, irp is null || IrpDecider.IsIdle(irp.State), clientLive: true) is { } broken)
            throw new WskContractViolationException(broken, "an address query requires an idle IRP");
        irp!.Submit();
        var status = local ? _connection.GetLocalAddress(out var address) : _connection.GetRemoteAddress(out address);
        irp.IoCompleteRequest(status, status.IsSuccess ? address : null);
        return status;
    }

    private void EnsureOpen()
    {
        if (IsClosed)
            throw new WskContractViolationException(CallingRule.SocketClosed, "the socket was closed; no call may follow WskCloseSocket");
    }
}
