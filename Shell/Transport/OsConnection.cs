using System.Net.Sockets;
using System.Runtime.Versioning;
using Wsk.Core;

namespace Wsk.Shell;

/// <summary>
/// A connected OS socket of the libc transport. Addresses come from getsockname/getpeername, never from what was
/// asked; the data path is <see cref="StreamConnection"/>'s.
/// </summary>
[SupportedOSPlatform("linux")]
internal sealed class OsConnection : StreamConnection
{
    private readonly OsTransport _transport;
    private readonly int _fd;

    /// <summary>Wraps a connected socket that <paramref name="transport"/> already counts as open.</summary>
    public OsConnection(OsTransport transport, Socket socket) : base(socket)
    {
        _transport = transport;
        _fd = (int)socket.Handle;
    }

    public override NtStatus GetLocalAddress(out SockAddr? address) =>
        AddressStatus(LinuxSockets.GetSockName(_fd, out address));

    public override NtStatus GetRemoteAddress(out SockAddr? address) =>
        AddressStatus(LinuxSockets.GetPeerName(_fd, out address));

    public override NtStatus Abort()
    {
        if (IsClosed) return NtStatus.InvalidConnection;
        int errno = LinuxSockets.Disconnect(_fd);
        return errno == 0 ? NtStatus.Success : OsErrorTable.ToNtStatus(LinuxSockets.ToOsError(errno));
    }

    protected override void Release(bool abortive)
    {
        if (abortive) LinuxSockets.SetAbortiveClose(_fd);
        Socket.Dispose();
        _transport.Released();
    }

    private NtStatus AddressStatus(int errno) =>
        IsClosed ? NtStatus.InvalidDeviceState
        : errno == 0 ? NtStatus.Success
        : errno == 107 ? NtStatus.InvalidDeviceState // ENOTCONN: not connected (any more)
        : OsErrorTable.ToNtStatus(LinuxSockets.ToOsError(errno));
}
