using System;
using System.Net.Sockets;
using System.Threading;
using Wsk.Core;

namespace Wsk.Shell;

/// <summary>
/// The transport over plain System.Net.Sockets on any OS: every connect is a
/// <see cref="Socket.ConnectAsync(SocketAsyncEventArgs)"/>, the runtime's own async engine, and no libc call is made.
/// When the runtime finishes the connect inside the call (it returns false) the answer is given inline, which the
/// provider turns into STATUS_SUCCESS with the IRP already completed (rule ReturnedIsCompleted); otherwise the event
/// args answer later. Registrations use it wherever <see cref="OsTransport"/> is not available (every OS but Linux);
/// on Linux pass it to <see cref="WskRegistration.WskRegister(WskClientNpi, ITransport, out WskRegistration)"/>.
/// </summary>
/// <remarks>
/// OS errors are <see cref="SocketError"/> values, Winsock numbers on every OS, and become NTSTATUS through
/// <see cref="OsErrorTable"/> only. Address sharing follows the provider's address table (rule SharingTable) with the
/// options each OS offers through .NET; where an OS has none that fit, its own rules may refuse a bind the model
/// allows. As with the libc path, the wildcard-with-port-0 bind is left to the connect.
/// </remarks>
public sealed class SocketTransport : IThreeStepTransport
{
    private int _open;

    /// <summary>The transport every registration off Linux uses unless given another.</summary>
    public static SocketTransport Shared { get; } = new();

    /// <inheritdoc/>
    public int OpenConnections => Volatile.Read(ref _open);

    /// <inheritdoc/>
    public AddressTable Addresses => AddressTable.Host;

    /// <inheritdoc/>
    public TransportConnectResult Connect(ushort family, SockAddr localAddress, SockAddr remoteAddress,
        ITransportConnectSink sink)
    {
        Socket socket;
        try
        {
            socket = NewStreamSocket(family);
        }
        catch (SocketException e)
        {
            return TransportConnectResult.Done(StreamConnection.ToStatus(e.SocketErrorCode));
        }
        if (localAddress is not (SockAddrIn { IsWildcard: true, Port: 0 } or SockAddrIn6 { IsWildcard: true, Port: 0 }))
        {
            // An explicit bind follows the provider's sharing decision (rule SharingTable), taken before this call.
            try
            {
                SocketEndPoints.FollowSharingModel(socket, ShareOption.None, v6Only: true);
                socket.Bind(SocketEndPoints.ToEndPoint(localAddress));
            }
            catch (SocketException e)
            {
                socket.Dispose();
                return TransportConnectResult.Done(StreamConnection.ToStatus(e.SocketErrorCode));
            }
        }
        return ConnectBound(socket, remoteAddress, sink);
    }

    /// <inheritdoc/>
    public NtStatus OpenSocket(ushort family, out ITransportSocket? socket)
    {
        socket = null;
        try
        {
            socket = new SocketTransportSocket(this, NewStreamSocket(family));
            return NtStatus.Success;
        }
        catch (SocketException e)
        {
            return StreamConnection.ToStatus(e.SocketErrorCode);
        }
    }

    /// <summary>
    /// Connects a created (and maybe bound) socket. The socket is consumed: it becomes the connection, or it is
    /// disposed with the failure.
    /// </summary>
    internal TransportConnectResult ConnectBound(Socket socket, SockAddr remote, ITransportConnectSink sink)
    {
        Interlocked.Increment(ref _open); // the socket is ours until the connect answers
        return new PendingConnect(this, socket, sink, remote).Start();
    }

    internal void Released() => Interlocked.Decrement(ref _open);

    /// <summary>
    /// A TCP socket asked for as (stream, protocol 0), which every OS answers with TCP: for a socket that names
    /// <see cref="ProtocolType.Tcp"/>, .NET on Unix turns SO_REUSEADDR on inside every bind, which would let this
    /// provider co-bind with foreign sockets that the model's table keeps apart.
    /// </summary>
    private static Socket NewStreamSocket(ushort family) =>
        new(family == AddressFamilies.Inet6 ? AddressFamily.InterNetworkV6 : AddressFamily.InterNetwork,
            SocketType.Stream, ProtocolType.Unspecified);

    /// <summary>One ConnectAsync on the runtime's own engine.</summary>
    private sealed class PendingConnect : PendingSocketConnect
    {
        private readonly SocketTransport _transport;

        public PendingConnect(SocketTransport transport, Socket socket, ITransportConnectSink sink, SockAddr remote)
            : base(socket, sink)
        {
            _transport = transport;
            RemoteEndPoint = SocketEndPoints.ToEndPoint(remote);
        }

        protected override bool StartOperation() => Socket.ConnectAsync(this);

        protected override ITransportConnection Adopt() => new SocketConnection(_transport, Socket);

        protected override void Released() => _transport.Released();
    }
}
