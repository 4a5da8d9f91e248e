using System;
using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Net;

namespace Wsk.Core;

/// <summary>
/// The System.Net values of a SOCKADDR: <see cref="IPAddress"/> and <see cref="IPEndPoint"/>, both ways. Only an
/// IPv6 address's sin6_flowinfo has no place in an <see cref="IPEndPoint"/>: that direction drops it, so its
/// conversion operator is explicit. The platform's own sockaddr bytes (<c>SocketAddress</c>) depend on the operating
/// system, so their conversion lives in the shell (<c>Wsk.Shell.SocketAddresses</c>).
/// </summary>
public abstract partial record SockAddr
{
    /// <summary>The address without its port (an IPv6 address keeps its scope).</summary>
    public abstract IPAddress ToIPAddress();

    /// <summary>The address and port as an <see cref="IPEndPoint"/>; an IPv6 sin6_flowinfo is dropped.</summary>
    public IPEndPoint ToIPEndPoint() => new(ToIPAddress(), Port);

    /// <summary>An IPv4 or IPv6 address with <paramref name="port"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A port outside 0 to 65535.</exception>
    /// <exception cref="ArgumentException">An address of another family.</exception>
    public static SockAddr From(IPAddress address, int port)
    {
        ArgumentNullException.ThrowIfNull(address);
        ushort checkedPort = CheckedPort(port);
        Span<byte> bytes = stackalloc byte[16];
        if (!address.TryWriteBytes(bytes, out int written) || written is not (4 or 16))
            throw new ArgumentException(
                $"WSK carries IPv4 and IPv6 addresses only, not {address.AddressFamily}.", nameof(address));
        return written == 4
            ? SockAddrIn.From(bytes, checkedPort)
            : new SockAddrIn6(BinaryPrimitives.ReadUInt128BigEndian(bytes), checkedPort, 0, (uint)address.ScopeId);
    }

    /// <summary>
    /// The address an <see cref="IPEndPoint"/> names. A <see cref="DnsEndPoint"/> names a host to resolve, which a
    /// connect does not do: resolve it first (<c>Dns.GetHostAddressesAsync</c>) and pass an address.
    /// </summary>
    /// <exception cref="ArgumentException">A <see cref="DnsEndPoint"/> or any end point other than an
    /// <see cref="IPEndPoint"/>.</exception>
    public static SockAddr FromEndPoint(EndPoint endPoint)
    {
        ArgumentNullException.ThrowIfNull(endPoint);
        return endPoint switch
        {
            IPEndPoint ip => From(ip.Address, ip.Port),
            DnsEndPoint dns => throw new ArgumentException(
                $"'{dns.Host}:{dns.Port}' is a host name: WSK connects to addresses and does not resolve names; "
                + "resolve it first (Dns.GetHostAddressesAsync) and pass an IPEndPoint.", nameof(endPoint)),
            _ => throw new ArgumentException(
                $"WSK carries IPv4 and IPv6 end points only, not {endPoint.GetType().Name} ({endPoint.AddressFamily}).",
                nameof(endPoint)),
        };
    }

    /// <summary>The <see cref="FromEndPoint"/> that answers false instead of throwing.</summary>
    public static bool TryFromEndPoint(EndPoint? endPoint, [NotNullWhen(true)] out SockAddr? address)
    {
        // An IPEndPoint's address is always IPv4 or IPv6, and its port always in range.
        address = endPoint is IPEndPoint ip ? From(ip.Address, ip.Port) : null;
        return address is not null;
    }

    /// <summary>The <see cref="IPEndPoint"/> of <paramref name="address"/> (an IPv6 sin6_flowinfo is dropped).
    /// </summary>
    [return: NotNullIfNotNull(nameof(address))]
    public static explicit operator IPEndPoint?(SockAddr? address) => address?.ToIPEndPoint();

    /// <summary>The address <paramref name="endPoint"/> names (every field it has is kept).</summary>
    [return: NotNullIfNotNull(nameof(endPoint))]
    public static explicit operator SockAddr?(IPEndPoint? endPoint) => endPoint is null ? null : FromEndPoint(endPoint);

    /// <summary>Checks a port given as an <see cref="int"/>, as <see cref="IPEndPoint"/> takes it.</summary>
    private protected static ushort CheckedPort(int port, [System.Runtime.CompilerServices.CallerArgumentExpression(
        nameof(port))] string? name = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(port, IPEndPoint.MinPort, name);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port, IPEndPoint.MaxPort, name);
        return (ushort)port;
    }
}
