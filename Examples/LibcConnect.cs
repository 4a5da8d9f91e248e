using System;
using System.Buffers.Binary;
using System.Net;
using System.Runtime.InteropServices;

namespace Wsk.Examples;

/// <summary>
/// The kernel's own connect, with nothing of .NET's socket layer around it: socket(AF_INET, SOCK_STREAM, 0), a blocking
/// connect() with a sockaddr_in built once, then SO_LINGER 0 and close(), as the other clients close. Linux only.
/// </summary>
internal static class LibcConnect
{
    private const int AfInet = 2;
    private const int SockStream = 1;
    private const int SolSocket = 1;
    private const int SoLinger = 13;

    [StructLayout(LayoutKind.Sequential)]
    public struct SockAddrInNative
    {
        public ushort Family;
        public ushort PortNetworkOrder;
        public uint AddressNetworkOrder;
        public ulong Zero;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct Linger
    {
        public int OnOff;
        public int Seconds;
    }

    [DllImport("libc", EntryPoint = "socket", SetLastError = true)]
    private static extern int SysSocket(int domain, int type, int protocol);

    [DllImport("libc", EntryPoint = "connect", SetLastError = true)]
    private static extern int SysConnect(int fd, ref SockAddrInNative address, int length);

    [DllImport("libc", EntryPoint = "setsockopt", SetLastError = true)]
    private static extern int SysSetSockOpt(int fd, int level, int name, ref Linger value, int length);

    [DllImport("libc", EntryPoint = "close", SetLastError = true)]
    private static extern int SysClose(int fd);

    public static bool IsAvailable => OperatingSystem.IsLinux();

    /// <summary>The sockaddr_in of an IPv4 endpoint, in the byte order the kernel reads.</summary>
    public static SockAddrInNative Encode(IPEndPoint endPoint)
    {
        Span<byte> address = stackalloc byte[4];
        if (!endPoint.Address.TryWriteBytes(address, out int written) || written != 4)
            throw new ArgumentException("an IPv4 endpoint is needed", nameof(endPoint));
        return new SockAddrInNative
        {
            Family = AfInet,
            PortNetworkOrder = BitConverter.IsLittleEndian ? BinaryPrimitives.ReverseEndianness((ushort)endPoint.Port) : (ushort)endPoint.Port,
            AddressNetworkOrder = MemoryMarshal.Read<uint>(address),
        };
    }

    /// <summary>socket(); the descriptor, or -errno.</summary>
    public static int Socket()
    {
        int fd = SysSocket(AfInet, SockStream, 0);
        return fd >= 0 ? fd : -Marshal.GetLastPInvokeError();
    }

    /// <summary>A blocking connect(); 0 or the errno.</summary>
    public static int Connect(int fd, ref SockAddrInNative address) =>
        SysConnect(fd, ref address, Marshal.SizeOf<SockAddrInNative>()) == 0 ? 0 : Marshal.GetLastPInvokeError();

    /// <summary>SO_LINGER {on, 0} and close(): a reset, no TIME_WAIT.</summary>
    public static void CloseAbortively(int fd)
    {
        var linger = new Linger { OnOff = 1, Seconds = 0 };
        SysSetSockOpt(fd, SolSocket, SoLinger, ref linger, Marshal.SizeOf<Linger>());
        SysClose(fd);
    }
}
