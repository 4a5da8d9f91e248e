using System;
using System.Collections.Generic;

namespace Wsk.Core;

/// <summary>One WSK_TRANSPORT entry: a valid (family, type, protocol) triple offered by a provider.</summary>
/// <param name="Version">WSK version of the entry (MAKE_WSK_VERSION(1,0) = 0x0100).</param>
/// <param name="SocketType">SOCK_* value.</param>
/// <param name="Protocol">IPPROTO_* value; for raw sockets, <see cref="Protocols.Ip"/> stands for "any".</param>
/// <param name="AddressFamily">AF_* value, Windows numbering.</param>
/// <param name="ProviderId">The provider's identifier.</param>
public sealed record WskTransport(
    ushort Version, ushort SocketType, uint Protocol, ushort AddressFamily, Guid ProviderId);

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
    /// Whether a socket of <paramref name="category"/> may be created with this type and protocol on a supported
    /// family.
    /// SocketCategories: connection-oriented and listening sockets exist only for STREAM+TCP; datagram sockets take
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
