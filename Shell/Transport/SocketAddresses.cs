using System;
using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using Wsk.Core;

namespace Wsk.Shell;

/// <summary>
/// A SOCKADDR as the platform's own sockaddr bytes (<see cref="SocketAddress"/>), both ways, every field kept. The
/// bytes depend on the operating system (the family field is the runtime's numbering), so this lives in the shell.
/// </summary>
public static class SocketAddresses
{
    /// <summary>
    /// The platform's sockaddr bytes: the runtime writes the family field in its own numbering (AF_INET6 is 10 on
    /// Linux, 23 on Windows); port, address, flow information and scope follow in the layout both share.
    /// </summary>
    public static SocketAddress ToSocketAddress(this SockAddr address)
    {
        ArgumentNullException.ThrowIfNull(address);
        bool v4 = address.Family == AddressFamilies.Inet;
        int size = v4 ? SockAddrIn.Size : SockAddrIn6.Size;
        var platform = new SocketAddress(v4 ? AddressFamily.InterNetwork : AddressFamily.InterNetworkV6, size);
        Span<byte> windows = stackalloc byte[SockAddrIn6.Size];
        SockAddrCodec.Encode(address, windows, address.Family);
        windows[2..size].CopyTo(platform.Buffer.Span[2..]);
        return platform;
    }

    /// <summary>
    /// Reads the platform's sockaddr bytes (as <see cref="ToSocketAddress"/> writes them, or as the runtime fills
    /// them), every field kept.
    /// </summary>
    /// <exception cref="ArgumentException">A family other than IPv4 and IPv6, or fewer bytes than its sockaddr.
    /// </exception>
    public static SockAddr FromSocketAddress(SocketAddress socketAddress)
    {
        ArgumentNullException.ThrowIfNull(socketAddress);
        ushort family = socketAddress.Family switch
        {
            AddressFamily.InterNetwork => AddressFamilies.Inet,
            AddressFamily.InterNetworkV6 => AddressFamilies.Inet6,
            var other => throw new ArgumentException(
                $"WSK carries IPv4 and IPv6 addresses only, not {other}.", nameof(socketAddress)),
        };
        int size = SockAddrCodec.SizeOf(family);
        if (socketAddress.Size < size)
        {
            throw new ArgumentException($"A {socketAddress.Family} address needs {size} bytes, not "
                + $"{socketAddress.Size}.", nameof(socketAddress));
        }
        Span<byte> windows = stackalloc byte[size];
        socketAddress.Buffer.Span[..size].CopyTo(windows);
        BinaryPrimitives.WriteUInt16LittleEndian(windows, family);
        return SockAddrCodec.Decode(windows).Address!;
    }
}
