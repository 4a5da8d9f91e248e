using System;
using System.Buffers.Binary;
using System.Globalization;
using System.Net;

namespace Wsk.Core;

/// <summary>
/// An address WSK carries: <see cref="SockAddrIn"/> or <see cref="SockAddrIn6"/>, nothing else. What a PSOCKADDR
/// argument of a call points at (NULL, too few bytes, a family not offered, or an address) is a
/// <see cref="SockAddrArgument"/>.
/// </summary>
public abstract partial record SockAddr
{
    private protected SockAddr() { }

    /// <summary>The sa_family field, Windows numbering.</summary>
    public abstract ushort Family { get; }

    /// <summary>The port, host order.</summary>
    public abstract ushort Port { get; init; }

    /// <summary>True for the wildcard address of the family (0.0.0.0 or ::).</summary>
    public abstract bool IsWildcard { get; }

    /// <summary>
    /// False for the wildcard address or port 0, which name no peer (rule RemoteAddressNotConnectable): the one
    /// check both WskSocketConnect and WskConnect make of their remote address.
    /// </summary>
    public bool IsConnectable => !IsWildcard && Port != 0;

    /// <summary>
    /// Parses <c>1.2.3.4:80</c> (four decimal parts) or <c>[::1]:80</c> (an IPv6 scope may follow as <c>%3</c> inside
    /// the brackets). Returns null when it cannot.
    /// </summary>
    public static SockAddr? TryParse(string text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        int colon = text.LastIndexOf(':');
        if (colon <= 0
            || !ushort.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port))
            return null;
        var host = text.AsSpan(0, colon);
        bool bracketed = host.Length >= 2 && host[0] == '[' && host[^1] == ']';
        if (!bracketed) return TryParseDottedQuad(host, out var v4) ? new SockAddrIn(v4, port) : null;
        host = host[1..^1];
        if (!host.Contains(':') || !IPAddress.TryParse(host, out var ip)) return null;
        var bytes = ip.GetAddressBytes();
        if (bytes.Length != 16) return null;
        return new SockAddrIn6(BinaryPrimitives.ReadUInt128BigEndian(bytes), port, 0, (uint)ip.ScopeId);
    }

    // Only the four-part dotted decimal form: inet_aton's shorthands ("127.1", "0x7f000001", octal "017.0.0.1")
    // would silently connect somewhere else than the reader of the command line expects.
    private static bool TryParseDottedQuad(ReadOnlySpan<char> text, out uint address)
    {
        address = 0;
        int parts = 0;
        foreach (var range in text.Split('.'))
        {
            var part = text[range];
            if (++parts > 4 || part.Length is 0 or > 3 || (part.Length > 1 && part[0] == '0')) return false;
            if (!byte.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var b)) return false;
            address = (address << 8) | b;
        }
        return parts == 4;
    }
}

/// <summary>SOCKADDR_IN: an IPv4 address and port.</summary>
/// <param name="Address">The address as a number, most significant byte first (127.0.0.1 is 0x7F000001).</param>
/// <param name="Port">The port, host order.</param>
public sealed record SockAddrIn(uint Address, ushort Port) : SockAddr
{
    /// <summary>Size of SOCKADDR_IN in bytes.</summary>
    public const int Size = 16;

    /// <inheritdoc/>
    public override ushort Port { get; init; } = Port;

    /// <inheritdoc/>
    public override ushort Family => AddressFamilies.Inet;

    /// <summary>INADDR_ANY with <paramref name="port"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A port outside 0 to 65535.</exception>
    public static SockAddrIn Any(int port = 0) => new(0, CheckedPort(port));

    /// <summary>127.0.0.1 with <paramref name="port"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A port outside 0 to 65535.</exception>
    public static SockAddrIn Loopback(int port) => new(0x7F00_0001, CheckedPort(port));

    /// <summary>Builds from four address bytes in network order.</summary>
    public static SockAddrIn From(ReadOnlySpan<byte> address, ushort port) =>
        new(BinaryPrimitives.ReadUInt32BigEndian(address), port);

    /// <summary>True for INADDR_ANY (0.0.0.0).</summary>
    public override bool IsWildcard => Address == 0;

    /// <inheritdoc/>
    public override IPAddress ToIPAddress()
    {
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, Address);
        return new IPAddress(bytes);
    }

    /// <inheritdoc/>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture,
            $"{Address >> 24}.{(Address >> 16) & 0xFF}.{(Address >> 8) & 0xFF}.{Address & 0xFF}:{Port}");
}

/// <summary>SOCKADDR_IN6: an IPv6 address, port, flow information and scope.</summary>
/// <param name="Address">The 128-bit address, most significant byte first (::1 is 1).</param>
/// <param name="Port">The port, host order.</param>
/// <param name="FlowInfo">sin6_flowinfo.</param>
/// <param name="ScopeId">sin6_scope_id (an interface index for link-local addresses).</param>
public sealed record SockAddrIn6(UInt128 Address, ushort Port, uint FlowInfo = 0, uint ScopeId = 0) : SockAddr
{
    /// <summary>Size of SOCKADDR_IN6 in bytes.</summary>
    public const int Size = 28;

    /// <inheritdoc/>
    public override ushort Port { get; init; } = Port;

    /// <inheritdoc/>
    public override ushort Family => AddressFamilies.Inet6;

    /// <summary>in6addr_any with <paramref name="port"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A port outside 0 to 65535.</exception>
    public static SockAddrIn6 Any(int port = 0) => new(UInt128.Zero, CheckedPort(port));

    /// <summary>::1 with <paramref name="port"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A port outside 0 to 65535.</exception>
    public static SockAddrIn6 Loopback(int port) => new(UInt128.One, CheckedPort(port));

    /// <summary>True for in6addr_any (::).</summary>
    public override bool IsWildcard => Address == UInt128.Zero;

    /// <inheritdoc/>
    public override IPAddress ToIPAddress()
    {
        Span<byte> bytes = stackalloc byte[16];
        BinaryPrimitives.WriteUInt128BigEndian(bytes, Address);
        return new IPAddress(bytes, ScopeId);
    }

    /// <inheritdoc/>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"[{ToIPAddress()}]:{Port}");
}
