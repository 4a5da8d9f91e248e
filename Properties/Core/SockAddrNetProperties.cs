using System;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Wsk.Core;
using Wsk.Shell;
using Xunit;

namespace Wsk.Properties.Core;

/// <summary>
/// SockAddr and the System.Net types both ways: <see cref="IPAddress"/>, <see cref="IPEndPoint"/> and the platform's
/// <see cref="SocketAddress"/> bytes; the <see cref="int"/> ports .NET uses, range-checked.
/// </summary>
public class SockAddrNetProperties
{
    /// <summary>The address bytes in network order, written out by hand from the fields.</summary>
    private static byte[] NetworkBytes(SockAddr a) => a switch
    {
        SockAddrIn v4 => Enumerable.Range(0, 4).Select(i => (byte)(v4.Address >> (24 - 8 * i))).ToArray(),
        SockAddrIn6 v6 => Enumerable.Range(0, 16).Select(i => (byte)(v6.Address >> (120 - 8 * i))).ToArray(),
        _ => throw new ArgumentException("not an IP address", nameof(a)),
    };

    private static uint ScopeOf(SockAddr a) => a is SockAddrIn6 v6 ? v6.ScopeId : 0;

    /// <summary>What an IPEndPoint keeps of an address: everything but an IPv6 sin6_flowinfo.</summary>
    private static SockAddr WithoutFlow(SockAddr a) => a is SockAddrIn6 v6 ? v6 with { FlowInfo = 0 } : a;

    /// <summary>The family field the runtime writes into a SocketAddress on this OS (ws2def.h on Windows, socket.h on Linux).</summary>
    private static ushort PlatformFamily(SockAddr a) =>
        a.Family == AddressFamilies.Inet ? (ushort)2 : OperatingSystem.IsWindows() ? (ushort)23 : (ushort)10;

    [Property(MaxTest = 500)]
    public Property An_IPEndPoint_carries_the_family_address_scope_and_port() =>
        Prop.ForAll(CoreArb.ValidSockAddr(), a =>
        {
            var ep = a.ToIPEndPoint();
            var family = a.Family == AddressFamilies.Inet ? AddressFamily.InterNetwork : AddressFamily.InterNetworkV6;
            return (ep.AddressFamily == family).Label($"family {ep.AddressFamily}")
                .And(ep.Address.GetAddressBytes().SequenceEqual(NetworkBytes(a)).Label($"address {ep.Address}"))
                .And((ep.Port == a.Port).Label($"port {ep.Port}"))
                .And((family == AddressFamily.InterNetwork || ep.Address.ScopeId == ScopeOf(a)).Label($"scope of {ep.Address}"))
                .And(((IPEndPoint)a).Equals(ep).Label("the explicit conversion is ToIPEndPoint"))
                .And(a.ToIPAddress().Equals(ep.Address).Label("ToIPAddress is the end point's address"));
        });

    [Property(MaxTest = 500)]
    public Property SockAddr_to_IPEndPoint_and_back_loses_only_the_flow_information() =>
        Prop.ForAll(CoreArb.ValidSockAddr(), a =>
        {
            var back = SockAddr.FromEndPoint(a.ToIPEndPoint());
            return (back == WithoutFlow(a)).Label($"{a} came back as {back}")
                .And(((SockAddr)(IPEndPoint)a == back).Label("the explicit conversions agree"));
        });

    /// <summary>Any IPEndPoint an application can build (IPv4, or IPv6 with a scope), from raw bytes and a port.</summary>
    private static Arbitrary<IPEndPoint> EndPoints() =>
        Gen.OneOf(
                CoreGen.BytesOf(4).Select(b => new IPAddress(b)),
                CoreGen.BytesOf(16).SelectMany(b => CoreGen.ScopeId.Select(s => new IPAddress(b, s))))
            .SelectMany(ip => Gen.Choose(IPEndPoint.MinPort, IPEndPoint.MaxPort).Select(p => new IPEndPoint(ip, p)))
            .ToArbitrary();

    [Property(MaxTest = 500)]
    public Property IPEndPoint_to_SockAddr_and_back_is_the_same_end_point() =>
        Prop.ForAll(EndPoints(), ep =>
        {
            var a = SockAddr.FromEndPoint(ep);
            bool typed = ep.AddressFamily == AddressFamily.InterNetwork ? a is SockAddrIn : a is SockAddrIn6 { FlowInfo: 0 };
            var tried = SockAddr.TryFromEndPoint(ep, out var viaTry);
            return typed.Label($"{a} is the family's type")
                .And(a.ToIPEndPoint().Equals(ep).Label($"{ep} came back as {a.ToIPEndPoint()}"))
                .And((tried && viaTry == a).Label("TryFromEndPoint agrees"))
                .And((SockAddr.From(ep.Address, ep.Port) == a).Label("From(address, port) agrees"));
        });

    [Property(MaxTest = 500)]
    public Property A_SocketAddress_holds_the_platform_bytes_and_keeps_every_field() =>
        Prop.ForAll(CoreArb.ValidSockAddr(), a =>
        {
            var sa = a.ToSocketAddress();
            var bytes = sa.Buffer.Span.ToArray();
            var windows = SockAddrCodec.Encode(a);
            ushort family = (ushort)(bytes[0] | (bytes[1] << 8));
            var runtime = WithoutFlow(a).ToIPEndPoint().Serialize();
            return (sa.Size == windows.Length).Label($"size {sa.Size}")
                .And((family == PlatformFamily(a)).Label($"family field {family}"))
                .And(bytes.AsSpan(2).SequenceEqual(windows.AsSpan(2)).Label("port, flow, address, scope as in the Windows layout"))
                .And((SocketAddresses.FromSocketAddress(sa) == a).Label("read back with every field"))
                .And((SocketAddresses.FromSocketAddress(runtime) == WithoutFlow(a)).Label("reads what the runtime serializes"));
        });

    [Fact]
    public void The_runtime_writes_the_platform_family_not_the_Windows_one()
    {
        var sa = SockAddrIn6.Loopback(80).ToSocketAddress();
        int family = sa.Buffer.Span[0] | (sa.Buffer.Span[1] << 8);
        Assert.Equal(AddressFamily.InterNetworkV6, sa.Family);
        if (OperatingSystem.IsLinux()) Assert.Equal(10, family);
        if (OperatingSystem.IsWindows()) Assert.Equal(23, family);
        Assert.Equal(23, SockAddrCodec.Encode(SockAddrIn6.Loopback(80))[0]); // the SOCKADDR WSK reads keeps Windows numbering
        Assert.Equal(SockAddrIn6.Loopback(80), SocketAddresses.FromSocketAddress(sa));
    }

    [Property(MaxTest = 300)]
    public Property An_int_port_is_accepted_exactly_in_the_range_of_a_port() =>
        Prop.ForAll(Gen.OneOf(Gen.Choose(-70000, 140000), CoreGen.AnyInt32, Gen.Elements(-1, 0, 65535, 65536, int.MinValue, int.MaxValue)).ToArbitrary(),
            port =>
        {
            bool inRange = port >= 0 && port <= 65535;
            Func<SockAddr>[] makers =
            [
                () => SockAddrIn.Loopback(port), () => SockAddrIn.Any(port), () => SockAddrIn6.Loopback(port), () => SockAddrIn6.Any(port),
                () => SockAddr.From(IPAddress.Loopback, port), () => SockAddr.From(IPAddress.IPv6Loopback, port),
            ];
            return makers.Select((make, i) =>
            {
                try { return (make().Port == port && inRange).Label($"maker {i} made port {port}"); }
                catch (ArgumentOutOfRangeException e) { return (!inRange && e.ParamName == "port").Label($"maker {i} refused {port} ({e.ParamName})"); }
            }).Aggregate((x, y) => x.And(y));
        });

    [Fact]
    public void A_host_name_or_a_non_IP_end_point_is_a_clear_argument_error()
    {
        var dns = Assert.Throws<ArgumentException>(() => SockAddr.FromEndPoint(new DnsEndPoint("example.invalid", 80)));
        Assert.Contains("example.invalid", dns.Message, StringComparison.Ordinal);
        Assert.Contains("does not resolve", dns.Message, StringComparison.Ordinal);
        Assert.Equal("endPoint", dns.ParamName);
        Assert.Throws<ArgumentException>(() => SockAddr.FromEndPoint(new UnixDomainSocketEndPoint("/tmp/wsk-none")));
        Assert.Throws<ArgumentException>(() => ConnectRequest.Tcp(new ClientId(1), new DnsEndPoint("localhost", 80)));
        Assert.Throws<ArgumentNullException>(() => SockAddr.FromEndPoint(null!));
        Assert.False(SockAddr.TryFromEndPoint(new DnsEndPoint("localhost", 80), out var none));
        Assert.Null(none);
        Assert.False(SockAddr.TryFromEndPoint(null, out _));
        var unix = new SocketAddress(AddressFamily.Unix, 110);
        Assert.Throws<ArgumentException>(() => SocketAddresses.FromSocketAddress(unix));
    }

    [Fact]
    public void A_request_to_an_IPEndPoint_binds_the_wildcard_of_its_family()
    {
        var v6 = ConnectRequest.Tcp(new ClientId(1), new IPEndPoint(IPAddress.IPv6Loopback, 7));
        Assert.Equal(SockAddrIn6.Any(), v6.LocalAddress.Address);
        Assert.Equal(new SockAddrIn6(UInt128.One, 7), v6.RemoteAddress.Address);
        var v4 = ConnectRequest.Tcp(new ClientId(1), new IPEndPoint(IPAddress.Parse("10.1.2.3"), 8080));
        Assert.Equal(SockAddrIn.Any(), v4.LocalAddress.Address);
        Assert.Equal(new SockAddrIn(0x0A01_0203, 8080), v4.RemoteAddress.Address);
    }
}
