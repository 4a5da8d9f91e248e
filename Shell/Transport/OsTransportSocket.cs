using System.Net.Sockets;
using System.Threading;
using System.Runtime.Versioning;
using Wsk.Core;

namespace Wsk.Shell;

/// <summary>
/// A three-step socket on the real OS: a non-blocking TCP socket that carries the model's options and binds where the
/// provider allowed, then connects through <see cref="OsTransport"/>'s own connect path (fast path or pending).
/// </summary>
[SupportedOSPlatform("linux")]
internal sealed class OsTransportSocket : ITransportSocket
{
    private readonly OsTransport _transport;
    private readonly Socket _socket;
    private readonly ushort _family;
    private readonly int _fd;
    private int _consumed;
    private bool _bound;

    public OsTransportSocket(OsTransport transport, Socket socket, ushort family)
    {
        _transport = transport;
        _socket = socket;
        _family = family;
        _fd = (int)socket.Handle;
    }

    public NtStatus Apply(SocketOptions options)
    {
        if (Volatile.Read(ref _consumed) != 0) return NtStatus.InvalidDeviceState;
        // Once bound, only SO_KEEPALIVE may still change (Linux refuses IPV6_V6ONLY on a bound socket, and the model
        // allows nothing else after WskBind).
        int errno = _bound ? 0 : LinuxSockets.FollowSharingModel(_fd, _family, options.V6Only);
        if (errno == 0) errno = LinuxSockets.SetKeepAlive(_fd, options.KeepAlive);
        return ToStatus(errno);
    }

    public NtStatus Bind(SockAddr local, out SockAddr? bound)
    {
        bound = null;
        if (Volatile.Read(ref _consumed) != 0) return NtStatus.InvalidDeviceState;
        var status = ToStatus(LinuxSockets.Bind(_fd, local));
        _bound = status == NtStatus.Success;
        return status == NtStatus.Success ? ToStatus(LinuxSockets.GetSockName(_fd, out bound)) : status;
    }

    public TransportConnectResult Connect(SockAddr remote, ITransportConnectSink sink) =>
        Interlocked.Exchange(ref _consumed, 1) == 0
            ? _transport.ConnectBound(_socket, remote, sink)
            : TransportConnectResult.Done(NtStatus.InvalidDeviceState);

    public void Close()
    {
        if (Interlocked.Exchange(ref _consumed, 1) == 0) _socket.Dispose();
    }

    private static NtStatus ToStatus(int errno) => OsErrorTable.ToNtStatus(LinuxSockets.ToOsError(errno));
}
