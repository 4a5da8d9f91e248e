using System;
using System.Net.Sockets;
using System.Runtime.Versioning;
using System.Threading;
using Wsk.Core;

namespace Wsk.Shell;

/// <summary>
/// The libc fast path: System.Net.Sockets handles driven by a few libc calls, on Linux only (every other OS takes
/// <see cref="SocketTransport"/>, which Linux can be given too). A connect is a non-blocking connect() and a
/// zero-timeout poll(): when the OS has already finished (as it almost always has on loopback) the answer is given
/// inside the call, which the provider turns into STATUS_SUCCESS with the IRP already completed. Otherwise the socket
/// waits for writability through .NET's own event loop (a zero-byte send, which the kernel holds until the connect is
/// decided) and answers later.
/// </summary>
/// <remarks>
/// OS errors become NTSTATUS through <see cref="OsErrorTable"/> only. The wildcard-with-port-0 bind is left to
/// connect(): binding it explicitly would take an ephemeral port without the remote address, which Linux then cannot
/// share.
/// </remarks>
[SupportedOSPlatform("linux")]
public sealed class OsTransport : IThreeStepTransport
{
    private int _open;

    /// <summary>The transport every registration on Linux uses unless given another.</summary>
    public static OsTransport Shared { get; } = new();

    /// <inheritdoc/>
    public int OpenConnections => Volatile.Read(ref _open);

    /// <inheritdoc/>
    public TransportConnectResult Connect(ushort family, SockAddr localAddress, SockAddr remoteAddress,
        ITransportConnectSink sink)
    {
        if (!OperatingSystem.IsLinux())
            return TransportConnectResult.Done(NtStatus.NotSupported);
        Socket socket;
        try
        {
            socket = NewStreamSocket(family);
        }
        catch (SocketException e)
        {
            return TransportConnectResult.Done(StreamConnection.ToStatus(e.SocketErrorCode));
        }

        int fd = (int)socket.Handle;
        int errno = 0;
        if (!BindsAnywhere(localAddress))
        {
            // An explicit bind follows the provider's sharing decision (rule SharingTable), taken before this call.
            errno = LinuxSockets.FollowSharingModel(fd, family, v6Only: true);
            if (errno == 0) errno = LinuxSockets.Bind(fd, localAddress);
            if (errno != 0) return Failed(socket, errno);
        }
        return ConnectBound(socket, remoteAddress, sink);
    }

    /// <inheritdoc/>
    public AddressTable Addresses => AddressTable.Host;

    /// <inheritdoc/>
    public NtStatus OpenSocket(ushort family, out ITransportSocket? socket)
    {
        socket = null;
        if (!OperatingSystem.IsLinux()) return NtStatus.NotSupported;
        try
        {
            socket = new OsTransportSocket(this, NewStreamSocket(family), family);
            return NtStatus.Success;
        }
        catch (SocketException e)
        {
            return StreamConnection.ToStatus(e.SocketErrorCode);
        }
    }

    /// <summary>
    /// Connects a created (and maybe bound) socket: the fast path, else a pending connect. The socket is consumed: it
    /// becomes the connection, or it is disposed with the failure.
    /// </summary>
    internal TransportConnectResult ConnectBound(Socket socket, SockAddr remote, ITransportConnectSink sink)
    {
        int fd = (int)socket.Handle;
        int errno = LinuxSockets.Connect(fd, remote);
        if (errno == 0) return Connected(socket);
        if (errno != LinuxSockets.EINPROGRESS) return Failed(socket, errno);

        // The fast path: the handshake usually finished while connect() ran.
        short events = LinuxSockets.PollWritable(fd);
        if ((events & (LinuxSockets.POLLERR | LinuxSockets.POLLHUP)) != 0)
        {
            errno = LinuxSockets.TakeSocketError(fd);
            return errno == 0 ? Connected(socket) : Failed(socket, errno);
        }
        if ((events & LinuxSockets.POLLOUT) != 0) return Connected(socket);

        Interlocked.Increment(ref _open); // the socket is ours until the pending connect answers
        var pending = new OsPendingConnect(this, socket, sink);
        return pending.Start();
    }

    private static Socket NewStreamSocket(ushort family) =>
        new(family == AddressFamilies.Inet6 ? AddressFamily.InterNetworkV6 : AddressFamily.InterNetwork,
            SocketType.Stream, ProtocolType.Tcp)
        {
            Blocking = false,
        };

    /// <summary>The wildcard with port 0: connect() chooses both, and no bind comes before it.</summary>
    private static bool BindsAnywhere(SockAddr local) => local is SockAddrIn { IsWildcard: true, Port: 0 }
        or SockAddrIn6 { IsWildcard: true, Port: 0 };

    private TransportConnectResult Connected(Socket socket)
    {
        Interlocked.Increment(ref _open);
        return TransportConnectResult.Done(NtStatus.Success, new OsConnection(this, socket));
    }

    private static TransportConnectResult Failed(Socket socket, int errno)
    {
        socket.Dispose();
        return TransportConnectResult.Done(OsErrorTable.ToNtStatus(LinuxSockets.ToOsError(errno)));
    }

    internal void Released() => Interlocked.Decrement(ref _open);

    /// <summary>
    /// A connect the OS had not finished inside the call. The zero-byte send completes when the socket becomes writable
    /// (connected) or fails with the connect's error.
    /// </summary>
    private sealed class OsPendingConnect : PendingSocketConnect
    {
        private readonly OsTransport _transport;

        public OsPendingConnect(OsTransport transport, Socket socket, ITransportConnectSink sink) : base(socket, sink)
        {
            _transport = transport;
            SetBuffer(Memory<byte>.Empty);
        }

        protected override bool StartOperation() => Socket.SendAsync(this);

        protected override ITransportConnection Adopt() => new OsConnection(_transport, Socket);

        protected override void Released() => _transport.Released();
    }
}
