using System;
using System.Net.Sockets;
using System.Threading;
using Wsk.Core;

namespace Wsk.Shell;

/// <summary>
/// A connected socket of <see cref="SocketTransport"/>. Addresses are the socket's own endpoints; an abortive
/// disconnect is SO_LINGER {on, 0} and a close, the one reset .NET offers on every OS, so the OS socket is released at
/// once (later calls answer as on a closed connection).
/// </summary>
internal sealed class SocketConnection : StreamConnection
{
    private readonly SocketTransport _transport;
    private int _aborted;

    /// <summary>Wraps a connected socket that <paramref name="transport"/> already counts as open.</summary>
    public SocketConnection(SocketTransport transport, Socket socket) : base(socket) => _transport = transport;

    public override NtStatus GetLocalAddress(out SockAddr? address) => Address(local: true, out address);

    public override NtStatus GetRemoteAddress(out SockAddr? address) => Address(local: false, out address);

    public override NtStatus Abort()
    {
        if (IsClosed || Interlocked.Exchange(ref _aborted, 1) != 0) return NtStatus.InvalidConnection;
        Reset();
        return NtStatus.Success;
    }

    protected override void Release(bool abortive)
    {
        if (abortive && Volatile.Read(ref _aborted) == 0) Reset();
        Socket.Dispose();
        _transport.Released();
    }

    private void Reset()
    {
        try { Socket.LingerState = new LingerOption(true, 0); }
        catch (SocketException) { } // the connection is already gone: the close releases it all the same
        catch (ObjectDisposedException) { }
        Socket.Dispose();
    }

    private NtStatus Address(bool local, out SockAddr? address)
    {
        address = null;
        if (IsClosed || Volatile.Read(ref _aborted) != 0) return NtStatus.InvalidDeviceState;
        try
        {
            address = SocketEndPoints.FromEndPoint(local ? Socket.LocalEndPoint : Socket.RemoteEndPoint);
            return address is null ? NtStatus.InvalidDeviceState : NtStatus.Success;
        }
        catch (SocketException e)
        {
            return e.SocketErrorCode == SocketError.NotConnected
                ? NtStatus.InvalidDeviceState
                : ToStatus(e.SocketErrorCode);
        }
        catch (ObjectDisposedException) { return NtStatus.InvalidDeviceState; }
    }
}
