using System;
using System.Collections.Generic;

namespace Wsk.Core;

/// <summary>Windows address-family numbers (ws2def.h). AF_INET6 is 23 here, not Linux's 10 (wsk-contract §2).</summary>
public static class AddressFamilies
{
    /// <summary>AF_UNSPEC.</summary>
    public const ushort Unspecified = 0;
    /// <summary>AF_UNIX: a real family that WSK does not offer; useful as an unsupported example.</summary>
    public const ushort Unix = 1;
    /// <summary>AF_INET: IPv4, SOCKADDR_IN (16 bytes).</summary>
    public const ushort Inet = 2;
    /// <summary>AF_INET6: IPv6, SOCKADDR_IN6 (28 bytes).</summary>
    public const ushort Inet6 = 23;
}

/// <summary>Socket types (SOCK_*), Windows numbering.</summary>
public static class SocketTypes
{
    /// <summary>SOCK_STREAM: reliable, connection-oriented byte stream.</summary>
    public const ushort Stream = 1;
    /// <summary>SOCK_DGRAM: connectionless datagrams.</summary>
    public const ushort Datagram = 2;
    /// <summary>SOCK_RAW: raw access to the transport.</summary>
    public const ushort Raw = 3;
}

/// <summary>Protocol numbers (IPPROTO_*).</summary>
public static class Protocols
{
    /// <summary>IPPROTO_IP (0): "any" for raw sockets.</summary>
    public const uint Ip = 0;
    /// <summary>IPPROTO_ICMP.</summary>
    public const uint Icmp = 1;
    /// <summary>IPPROTO_TCP.</summary>
    public const uint Tcp = 6;
    /// <summary>IPPROTO_UDP.</summary>
    public const uint Udp = 17;
    /// <summary>IPPROTO_IPV6.</summary>
    public const uint Ipv6 = 41;
    /// <summary>IPPROTO_RAW.</summary>
    public const uint Raw = 255;
}

/// <summary>The WSK socket categories, valued as the WskSocket flags that select them (wsk-contract §2).</summary>
[Flags]
public enum SocketCategory : uint
{
    /// <summary>WSK_FLAG_BASIC_SOCKET (0): options and IOCTLs only.</summary>
    Basic = 0,
    /// <summary>WSK_FLAG_LISTEN_SOCKET (1).</summary>
    Listen = 1,
    /// <summary>WSK_FLAG_CONNECTION_SOCKET (2): what WskSocketConnect creates.</summary>
    Connection = 2,
    /// <summary>WSK_FLAG_DATAGRAM_SOCKET (4).</summary>
    Datagram = 4,
    /// <summary>WSK_FLAG_STREAM_SOCKET (8, Windows 10 1703 and later).</summary>
    Stream = 8,
}

/// <summary>One WSK_TRANSPORT entry: a valid (family, type, protocol) triple offered by a provider.</summary>
/// <param name="Version">WSK version of the entry (MAKE_WSK_VERSION(1,0) = 0x0100).</param>
/// <param name="SocketType">SOCK_* value.</param>
/// <param name="Protocol">IPPROTO_* value; for raw sockets, <see cref="Protocols.Ip"/> stands for "any".</param>
/// <param name="AddressFamily">AF_* value, Windows numbering.</param>
/// <param name="ProviderId">The provider's identifier.</param>
public sealed record WskTransport(ushort Version, ushort SocketType, uint Protocol, ushort AddressFamily, Guid ProviderId);

/// <summary>
/// What this provider offers: AF_INET and AF_INET6, each with STREAM/TCP, DGRAM/UDP and RAW (any protocol).
/// The single source both for WSK_TRANSPORT_LIST_QUERY and for deciding which triples a category accepts.
/// </summary>
public static class TransportCatalogue
{
    /// <summary>The identifier this library reports as its provider.</summary>
    public static readonly Guid ProviderId = new("5b1d3c2a-7e4f-4b8a-9c61-0d2e8f3a4b57");

    /// <summary>MAKE_WSK_VERSION(1,0).</summary>
    public const ushort Version = 0x0100;

    /// <summary>Every transport, in a stable order.</summary>
    public static IReadOnlyList<WskTransport> All { get; } = new[]
    {
        new WskTransport(Version, SocketTypes.Stream, Protocols.Tcp, AddressFamilies.Inet, ProviderId),
        new WskTransport(Version, SocketTypes.Datagram, Protocols.Udp, AddressFamilies.Inet, ProviderId),
        new WskTransport(Version, SocketTypes.Raw, Protocols.Ip, AddressFamilies.Inet, ProviderId),
        new WskTransport(Version, SocketTypes.Stream, Protocols.Tcp, AddressFamilies.Inet6, ProviderId),
        new WskTransport(Version, SocketTypes.Datagram, Protocols.Udp, AddressFamilies.Inet6, ProviderId),
        new WskTransport(Version, SocketTypes.Raw, Protocols.Ip, AddressFamilies.Inet6, ProviderId),
    };

    /// <summary>True when the provider offers <paramref name="family"/> at all.</summary>
    public static bool IsSupportedFamily(ushort family) => family is AddressFamilies.Inet or AddressFamilies.Inet6;

    /// <summary>
    /// Whether a socket of <paramref name="category"/> may be created with this type and protocol on a supported family.
    /// wsk-contract §2: connection-oriented and listening sockets exist only for STREAM+TCP; datagram sockets take
    /// DGRAM+UDP or RAW with any protocol; basic sockets take every offered triple.
    /// </summary>
    public static bool Accepts(SocketCategory category, ushort socketType, uint protocol) => category switch
    {
        SocketCategory.Connection or SocketCategory.Listen or SocketCategory.Stream =>
            socketType == SocketTypes.Stream && protocol == Protocols.Tcp,
        SocketCategory.Datagram =>
            (socketType == SocketTypes.Datagram && protocol == Protocols.Udp) || socketType == SocketTypes.Raw,
        SocketCategory.Basic =>
            (socketType == SocketTypes.Stream && protocol == Protocols.Tcp)
            || (socketType == SocketTypes.Datagram && protocol == Protocols.Udp)
            || socketType == SocketTypes.Raw,
        _ => false,
    };
}
