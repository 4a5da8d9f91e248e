using System;
using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using Wsk.Core;

namespace Wsk.Shell;

/// <summary>
/// What <see cref="SocketTransport"/> needs of System.Net: the model's addresses as endpoints and back, and the socket
/// options that make each OS follow the model's address-sharing decisions (rule SharingTable) as far as .NET lets it.
/// </summary>
/// <remarks>
/// The provider's address table refuses what the model refuses before the OS is asked; the OS only has to allow what
/// the model allowed. Linux, macOS and FreeBSD: SO_REUSEPORT on and SO_REUSEADDR off (by raw option numbers), so that
/// sockets of this provider co-bind among themselves and a socket outside it still makes the OS answer "in use".
/// Windows: SO_EXCLUSIVEADDRUSE or SO_REUSEADDR as the model's option says, Windows' own table being the model's.
/// Any other OS: its own rules, so a bind the model allows may still be refused there.
/// </remarks>
internal static class SocketEndPoints
{
    private const int LinuxSolSocket = 1, LinuxReuseAddr = 2, LinuxReusePort = 15;
    private const int BsdSolSocket = 0xFFFF, BsdReuseAddr = 0x4, BsdReusePort = 0x200;

    /// <summary>The endpoint of an IPv4 or IPv6 SOCKADDR.</summary>
    public static IPEndPoint ToEndPoint(SockAddr address)
    {
        Span<byte> bytes = stackalloc byte[16];
        switch (address)
        {
            case SockAddrIn v4:
                BinaryPrimitives.WriteUInt32BigEndian(bytes, v4.Address);
                return new IPEndPoint(new IPAddress(bytes[..4]), v4.Port);
            case SockAddrIn6 v6:
                BinaryPrimitives.WriteUInt128BigEndian(bytes, v6.Address);
                return new IPEndPoint(new IPAddress(bytes, v6.ScopeId), v6.Port);
            default:
                throw new ArgumentException($"not an IP address: {address}", nameof(address));
        }
    }

    /// <summary>The SOCKADDR of an IP endpoint; null for anything else.</summary>
    public static SockAddr? FromEndPoint(EndPoint? endPoint)
    {
        if (endPoint is not IPEndPoint ip) return null;
        Span<byte> bytes = stackalloc byte[16];
        ip.Address.TryWriteBytes(bytes, out int length);
        ushort port = (ushort)ip.Port;
        return length == 4
            ? SockAddrIn.From(bytes[..4], port)
            : new SockAddrIn6(BinaryPrimitives.ReadUInt128BigEndian(bytes), port, 0, (uint)ip.Address.ScopeId);
    }

    /// <summary>
    /// Sets the sharing options (and IPV6_V6ONLY on an IPv6 socket) for a bind the model allowed; throws the OS's
    /// <see cref="SocketException"/> when it refuses one.
    /// </summary>
    public static void FollowSharingModel(Socket socket, ShareOption share, bool v6Only)
    {
        if (OperatingSystem.IsLinux())
            SetReuse(socket, LinuxSolSocket, LinuxReuseAddr, LinuxReusePort);
        else if (OperatingSystem.IsMacOS() || OperatingSystem.IsIOS() || OperatingSystem.IsFreeBSD())
            SetReuse(socket, BsdSolSocket, BsdReuseAddr, BsdReusePort);
        else if (OperatingSystem.IsWindows())
        {
            socket.ExclusiveAddressUse = share == ShareOption.ExclusiveAddressUse;
            if (share == ShareOption.ReuseAddress)
                socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        }
        if (socket.AddressFamily == AddressFamily.InterNetworkV6) socket.DualMode = !v6Only;
    }

    private static void SetReuse(Socket socket, int level, int reuseAddr, int reusePort)
    {
        Span<byte> off = stackalloc byte[sizeof(int)], on = stackalloc byte[sizeof(int)];
        BitConverter.TryWriteBytes(off, 0); // an int in the machine's own order, as setsockopt takes it
        BitConverter.TryWriteBytes(on, 1);
        socket.SetRawSocketOption(level, reuseAddr, off);
        socket.SetRawSocketOption(level, reusePort, on);
    }
}
