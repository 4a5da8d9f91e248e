using Wsk.Core;

namespace Wsk.Shell;

/// <summary>
/// The socket options that make Linux follow the model's address-sharing decisions (rule SharingTable). Linux's
/// SO_REUSEADDR is about TIME_WAIT and its SO_REUSEPORT lets sockets of one user co-bind; neither is Windows' table.
/// So every socket this provider binds explicitly gets SO_REUSEPORT (and SO_REUSEADDR off): among them, Linux then
/// allows any overlap, and the provider alone refuses what the table refuses, before the OS is asked. A socket outside
/// this provider (one without SO_REUSEPORT) still makes the OS answer EADDRINUSE.
/// </summary>
internal static unsafe partial class LinuxSockets
{
    private const int SO_REUSEADDR = 2;
    private const int SO_KEEPALIVE = 9;
    private const int SO_REUSEPORT = 15;
    private const int IPPROTO_IPV6 = 41;
    private const int IPV6_V6ONLY = 26;

    /// <summary>
    /// Lets the OS co-bind wherever the model allowed it, and sets IPV6_V6ONLY to the model's value (Windows defaults
    /// to on; Linux follows a sysctl). Returns 0 or the errno of the first option that failed.
    /// </summary>
    public static int FollowSharingModel(int fd, ushort family, bool v6Only)
    {
        // SO_REUSEADDR is turned off, not on: .NET sets it on every socket it binds, and with it on both sides Linux
        // would let a provider socket co-bind with any such foreign socket. SO_REUSEPORT alone co-binds only sockets
        // that all set it (this provider's), so a foreign holder still makes the OS answer EADDRINUSE.
        int errno = SetFlag(fd, SOL_SOCKET, SO_REUSEADDR, false);
        if (errno == 0) errno = SetFlag(fd, SOL_SOCKET, SO_REUSEPORT, true);
        if (errno == 0 && family == AddressFamilies.Inet6) errno = SetFlag(fd, IPPROTO_IPV6, IPV6_V6ONLY, v6Only);
        return errno;
    }

    /// <summary>SO_KEEPALIVE; 0 or the errno.</summary>
    public static int SetKeepAlive(int fd, bool on) => SetFlag(fd, SOL_SOCKET, SO_KEEPALIVE, on);

    private static int SetFlag(int fd, int level, int name, bool on)
    {
        int value = on ? 1 : 0;
        return SysSetSockOpt(fd, level, name, &value, sizeof(int)) == 0
            ? 0
            : System.Runtime.InteropServices.Marshal.GetLastPInvokeError();
    }
}
