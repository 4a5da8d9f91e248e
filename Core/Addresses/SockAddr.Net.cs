using System;
using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Net.Sockets;

namespace Wsk.Core;

/// <summary>
/// The System.Net faces of a SOCKADDR: <see cref="IPAddress"/>, <see cref="IPEndPoint"/> and
/// <see cref="SocketAddress"/>, both ways. Only an IPv6 address's sin6_flowinfo has no place in an
/// <see cref="IPEndPoint"/>: that direction drops it, so its conversion operator is explicit. A
/// <see cref="SocketAddress"/> carries every field, in the platform's own sockaddr bytes.
/// </summary>
public abstract partial record SockAddr
{
    /// <summary>The address without its port (an IPv6 address keeps its scope).</summary>
    public abstract IPAddress ToIPAddress();

    /// <summary>The address and port as an <see cref="IPEndPoint"/>; an IPv6 sin6_flowinfo is dropped.</summary>
    public IPEndPoint ToIPEndPoint() => new(ToIPAddress(), Port);

    /// <summary>
    /// The platform's sockaddr bytes: the runtime writes the family field in its own numbering (AF_INET6 is 10 on
    /// Linux, 23 on Windows); port, address, flow information and scope follow in the layout both share.
    /// </summary>
    public SocketAddress ToSocketAddress()
    {
        bool v4 = Family == AddressFamilies.Inet;
        int size = v4 ? SockAddrIn.Size : SockAddrIn6.Size;
        var platform = new SocketAddress(v4 ? AddressFamily.InterNetwork : AddressFamily.InterNetworkV6, size);
        Span<byte> windows = stackalloc byte[SockAddrIn6.Size];
        SockAddrCodec.Encode(this, windows, Family);
        windows[2..size].CopyTo(platform.Buffer.Span[2..]);
        return platform;
    }

    /// <summary>An IPv4 or IPv6 address with <paramref name="port"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A port outside 0 to 65535.</exception>
    /// <exception cref="ArgumentException">An address of another family.</exception>
    public static SockAddr From(IPAddress address, int port)
    {
        ArgumentNullException.ThrowIfNull(address);
        ushort checkedPort = CheckedPort(port);
        Span<byte> bytes = stackalloc byte[16];
        return address.AddressFamily switch
        {
            AddressFamily.InterNetwork when address.TryWriteBytes(bytes, out _) => SockAddrIn.From(bytes, checkedPort),
            AddressFamily.InterNetworkV6 when address.TryWriteBytes(bytes, out _) =>
                new SockAddrIn6(BinaryPrimitives.ReadUInt128BigEndian(bytes), checkedPort, 0, (uint)address.ScopeId),
            _ => throw new ArgumentException(
                $"WSK carries IPv4 and IPv6 addresses only, not {address.AddressFamily}.", nameof(address)),
        };
    }

    /// <summary>
    /// The address an <see cref="IPEndPoint"/> names. A <see cref="DnsEndPoint"/> names a host to resolve, which a
    /// connect does not do: resolve it first (<see cref="Dns.GetHostAddressesAsync(string)"/>) and pass an address.
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
        address = endPoint is IPEndPoint ip
                  && ip.AddressFamily is AddressFamily.InterNetwork or AddressFamily.InterNetworkV6
            ? From(ip.Address, ip.Port)
            : null;
        return address is not null;
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
