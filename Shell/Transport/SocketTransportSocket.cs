using System;
using System.Net.Sockets;
using System.Threading;
using Wsk.Core;

namespace Wsk.Shell;

/// <summary>
/// A three-step socket of <see cref="SocketTransport"/>: it carries the model's options through the options .NET
/// offers, binds where the provider allowed, then connects through the transport's ConnectAsync path.
/// </summary>
internal sealed class SocketTransportSocket : ITransportSocket
{
    private readonly SocketTransport _transport;
    private readonly Socket _socket;
    private int _consumed;
    private bool _bound;

    public SocketTransportSocket(SocketTransport transport, Socket socket)
    {
        _transport = transport;
        _socket = socket;
    }

    public NtStatus Apply(SocketOptions options)
    {
        if (Volatile.Read(ref _consumed) != 0) return NtStatus.InvalidDeviceState;
        return Try(() =>
        {
            // Once bound, only SO_KEEPALIVE may still change (the model allows nothing else after WskBind).
            if (!_bound) SocketEndPoints.FollowSharingModel(_socket, options.Share, options.V6Only);
            _socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive, options.KeepAlive);
        });
    }

    public NtStatus Bind(SockAddr local, out SockAddr? bound)
    {
        bound = null;
        if (Volatile.Read(ref _consumed) != 0) return NtStatus.InvalidDeviceState;
        var status = Try(() => _socket.Bind(SocketEndPoints.ToEndPoint(local)));
        _bound = status == NtStatus.Success;
        if (_bound) bound = SocketEndPoints.FromEndPoint(_socket.LocalEndPoint);
        return status;
    }

    public TransportConnectResult Connect(SockAddr remote, ITransportConnectSink sink) =>
        Interlocked.Exchange(ref _consumed, 1) == 0
            ? _transport.ConnectBound(_socket, remote, sink)
            : TransportConnectResult.Done(NtStatus.InvalidDeviceState);

    public void Close()
    {
        if (Interlocked.Exchange(ref _consumed, 1) == 0) _socket.Dispose();
    }

    private static NtStatus Try(Action action)
    {
        try
        {
            action();
            return NtStatus.Success;
        }
        catch (SocketException e) { return StreamConnection.ToStatus(e.SocketErrorCode); }
        catch (ObjectDisposedException) { return NtStatus.InvalidDeviceState; }
    }
}
