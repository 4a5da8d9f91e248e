using System;
using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using Wsk.Core;

namespace Wsk.Shell;

/// <summary>
/// The few libc calls the real transport makes on a System.Net.Sockets handle. They exist for one reason: a
/// non-blocking connect() followed by a zero-timeout poll() tells, without an exception or a thread hop, whether the OS
/// finished the connect inside the call, which is exactly WSK's "STATUS_SUCCESS, the IRP is already completed" (rule
/// ReturnedIsCompleted).
/// </summary>
[SupportedOSPlatform("linux")]
internal static unsafe partial class LinuxSockets
{
    public const int EINPROGRESS = 115;
    public const short POLLOUT = 0x004;
    public const short POLLERR = 0x008;
    public const short POLLHUP = 0x010;
    private const int SOL_SOCKET = 1;
    private const int SO_ERROR = 4;
    private const int SO_LINGER = 13;
    private const ushort LinuxAfInet6 = 10;

    [StructLayout(LayoutKind.Sequential)]
    private struct PollFd
    {
        public int Fd;
        public short Events;
        public short Revents;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct Linger
    {
        public int OnOff;
        public int Seconds;
    }

    [DllImport("libc", EntryPoint = "connect", SetLastError = true)]
    private static extern int SysConnect(int fd, byte* address, int length);

    [DllImport("libc", EntryPoint = "bind", SetLastError = true)]
    private static extern int SysBind(int fd, byte* address, int length);

    [DllImport("libc", EntryPoint = "poll", SetLastError = true)]
    private static extern int SysPoll(PollFd* fds, nuint count, int timeout);

    [DllImport("libc", EntryPoint = "getsockopt", SetLastError = true)]
    private static extern int SysGetSockOpt(int fd, int level, int name, void* value, int* length);

    [DllImport("libc", EntryPoint = "setsockopt", SetLastError = true)]
    private static extern int SysSetSockOpt(int fd, int level, int name, void* value, int length);

    [DllImport("libc", EntryPoint = "getsockname", SetLastError = true)]
    private static extern int SysGetSockName(int fd, byte* address, int* length);

    [DllImport("libc", EntryPoint = "getpeername", SetLastError = true)]
    private static extern int SysGetPeerName(int fd, byte* address, int* length);

    /// <summary>connect(); 0 or the errno.</summary>
    public static int Connect(int fd, SockAddr address) => WithLinuxSockAddr(fd, address, &SysConnect);

    /// <summary>bind(); 0 or the errno.</summary>
    public static int Bind(int fd, SockAddr address) => WithLinuxSockAddr(fd, address, &SysBind);

    /// <summary>
    /// connect() with AF_UNSPEC: Linux's way to drop a TCP connection in place, sending a reset to the peer while the
    /// descriptor stays open (the abortive WskDisconnect). 0 or the errno.
    /// </summary>
    public static int Disconnect(int fd)
    {
        byte* unspecified = stackalloc byte[SockAddrIn.Size];
        new Span<byte>(unspecified, SockAddrIn.Size).Clear();
        return SysConnect(fd, unspecified, SockAddrIn.Size) == 0 ? 0 : Marshal.GetLastPInvokeError();
    }

    /// <summary>poll() for writability with a zero timeout; the returned events, 0 if none.</summary>
    public static short PollWritable(int fd)
    {
        var p = new PollFd { Fd = fd, Events = POLLOUT };
        return SysPoll(&p, 1, 0) == 1 ? p.Revents : (short)0;
    }

    /// <summary>The pending socket error (SO_ERROR), clearing it; 0 when none.</summary>
    public static int TakeSocketError(int fd)
    {
        int value = 0, length = sizeof(int);
        return SysGetSockOpt(fd, SOL_SOCKET, SO_ERROR, &value, &length) == 0 ? value : Marshal.GetLastPInvokeError();
    }

    /// <summary>
    /// SO_LINGER {on, 0}: the close that follows sends a reset, as WskCloseSocket does on a connected socket.
    /// </summary>
    public static void SetAbortiveClose(int fd)
    {
        var linger = new Linger { OnOff = 1, Seconds = 0 };
        SysSetSockOpt(fd, SOL_SOCKET, SO_LINGER, &linger, sizeof(Linger));
    }

    /// <summary>getsockname() as a Windows-numbered SockAddr.</summary>
    public static int GetSockName(int fd, out SockAddr? address) => ReadName(fd, &SysGetSockName, out address);

    /// <summary>getpeername() as a Windows-numbered SockAddr.</summary>
    public static int GetPeerName(int fd, out SockAddr? address) => ReadName(fd, &SysGetPeerName, out address);

    private static int WithLinuxSockAddr(int fd, SockAddr address, delegate*<int, byte*, int, int> call)
    {
        byte* buffer = stackalloc byte[SockAddrIn6.Size];
        ushort linuxFamily = address.Family == AddressFamilies.Inet6 ? LinuxAfInet6 : AddressFamilies.Inet;
        int length = SockAddrCodec.Encode(address, new Span<byte>(buffer, SockAddrIn6.Size), linuxFamily);
        if (length == 0) return 22; // EINVAL: not an address this transport can encode
        return call(fd, buffer, length) == 0 ? 0 : Marshal.GetLastPInvokeError();
    }

    private static int ReadName(int fd, delegate*<int, byte*, int*, int> call, out SockAddr? address)
    {
        const int StorageSize = 128;
        byte* buffer = stackalloc byte[StorageSize];
        int length = StorageSize;
        address = null;
        if (call(fd, buffer, &length) != 0) return Marshal.GetLastPInvokeError();
        var span = new Span<byte>(buffer, Math.Min(length, StorageSize));
        // Linux numbers AF_INET6 as 10; the model speaks Windows numbering (23).
        if (span.Length >= 2 && span[0] == LinuxAfInet6 && span[1] == 0) span[0] = (byte)AddressFamilies.Inet6;
        address = SockAddrCodec.Decode(span).Address;
        return address is null ? 97 /* EAFNOSUPPORT */ : 0;
    }

    /// <summary>
    /// Linux errno → the model's OS error (Winsock numbering). An errno not listed stays unmapped, which the Core table
    /// answers with STATUS_UNSUCCESSFUL.
    /// </summary>
    public static OsError ToOsError(int errno) => errno switch
    {
        0 => OsError.Success,
        1 or 13 => OsError.AccessDenied,          // EPERM, EACCES
        12 or 105 => OsError.NoBufferSpaceAvailable, // ENOMEM, ENOBUFS
        22 => OsError.InvalidArgument,            // EINVAL
        32 or 104 => OsError.ConnectionReset,     // EPIPE, ECONNRESET
        97 => OsError.AddressFamilyNotSupported,  // EAFNOSUPPORT
        98 => OsError.AddressAlreadyInUse,        // EADDRINUSE
        99 or 19 => OsError.AddressNotAvailable,  // EADDRNOTAVAIL, ENODEV
        100 => OsError.NetworkDown,               // ENETDOWN
        101 => OsError.NetworkUnreachable,        // ENETUNREACH
        103 => OsError.ConnectionAborted,         // ECONNABORTED
        106 => OsError.IsConnected,               // EISCONN
        107 => OsError.NotConnected,              // ENOTCONN
        110 => OsError.TimedOut,                  // ETIMEDOUT
        111 => OsError.ConnectionRefused,         // ECONNREFUSED
        112 => OsError.HostDown,                  // EHOSTDOWN
        113 => OsError.HostUnreachable,           // EHOSTUNREACH
        125 => OsError.OperationAborted,          // ECANCELED
        _ => (OsError)(-errno),                   // unmapped: OsErrorTable answers STATUS_UNSUCCESSFUL
    };
}
