using System;
using System.Linq;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Wsk.Core;
using Wsk.Shell;
using Xunit;

namespace Wsk.Properties.Shell.Names;

/// <summary>
/// WskGetAddressInfo, WskFreeAddressInfo and WskGetNameInfo as Windows was seen answering them, on each resolver:
/// PENDING then the final status, Information 0, the list in Result, a NULL IRP refused at once.
/// </summary>
public sealed class NameCallsContract
{
    [Theory]
    [MemberData(nameof(NameWorld.All), MemberType = typeof(NameWorld))]
    public void A_numeric_host_and_service_give_AF_INET_entries_with_that_port_and_Information_0(string kind)
    {
        using var w = new NameWorld(kind);
        var list = w.Resolve("127.0.0.1", "12345");
        var entry = Assert.Single(list.Entries);
        Assert.Equal(AddressFamilies.Inet, entry.Family);
        Assert.Equal(SockAddrIn.Loopback(12345), entry.Address);
        Assert.Null(entry.CanonicalName);
        w.Dispatch.WskFreeAddressInfo(w.Client, list);
        Assert.True(list.IsFreed);
        Assert.DoesNotContain(w.Verifier.Verify(), f => f.Rule == VerifierRule.AddressInfoNotFreed);
        Assert.Empty(w.Verifier.Findings);
    }

    [Theory]
    [MemberData(nameof(NameWorld.All), MemberType = typeof(NameWorld))]
    public void Localhost_resolves_to_the_loopback_of_each_family_asked_IPv6_first(string kind)
    {
        using var w = new NameWorld(kind);
        var v4 = w.Resolve("localhost", "http", new AddrInfoHints(Family: AddressFamilies.Inet, SocketType: SocketTypes.Stream));
        Assert.Equal(new[] { (SockAddr)SockAddrIn.Loopback(80) }, v4.Entries.Select(e => e.Address));
        Assert.All(v4.Entries, e => Assert.Equal(SocketTypes.Stream, e.SocketType));
        w.Dispatch.WskFreeAddressInfo(w.Client, v4);
        if (!w.KnowsLocalhostV6) return;
        var both = w.Resolve("localhost", "443", new AddrInfoHints(AddrInfoFlags.CanonName));
        Assert.Equal(new SockAddr[] { SockAddrIn6.Loopback(443), SockAddrIn.Loopback(443) }, both.Entries.Select(e => e.Address));
        Assert.Equal(new[] { "localhost", null }, both.Entries.Select(e => e.CanonicalName));
        w.Dispatch.WskFreeAddressInfo(w.Client, both);
    }

    [Theory]
    [MemberData(nameof(NameWorld.AnyName), MemberType = typeof(NameWorld))]
    public void An_unknown_name_completes_STATUS_NOT_FOUND_with_Information_0_and_no_list(string kind)
    {
        using var w = new NameWorld(kind);
        var irp = new Irp();
        var result = new AddressInfoResult();
        Assert.Equal(NtStatus.Pending, w.GetAddressInfo("no-such-host.example.test", "80", result, irp));
        var io = w.Finish(irp);
        Assert.Equal(NtStatus.NotFound, io.Status);
        Assert.Equal(0L, io.Information);
        Assert.Null(result.Value);
    }

    [Theory]
    [MemberData(nameof(NameWorld.All), MemberType = typeof(NameWorld))]
    public void A_NULL_IRP_returns_STATUS_INVALID_PARAMETER_completes_nothing_and_leaves_one_finding(string kind)
    {
        using var w = new NameWorld(kind);
        var result = new AddressInfoResult();
        Assert.Equal(NtStatus.InvalidParameter, w.GetAddressInfo("127.0.0.1", "12345", result, null));
        Assert.Null(result.Value);
        var node = new NameBuffer(64);
        Assert.Equal(NtStatus.InvalidParameter, w.Dispatch.WskGetNameInfo(w.Client, SockAddrCodec.Encode(SockAddrIn.Loopback(80)), 16, node, null,
            NameInfoFlags.NumericHost, null, null, null));
        Assert.Null(node.Value);
        Assert.Equal(new[] { VerifierRule.IrpMissing, VerifierRule.IrpMissing }, w.Verifier.Findings.Select(f => f.Rule));
    }

    [Theory]
    [MemberData(nameof(NameWorld.All), MemberType = typeof(NameWorld))]
    public void Name_info_with_NI_NUMERICHOST_gives_the_numeric_address_and_the_service_name(string kind)
    {
        using var w = new NameWorld(kind);
        var node = new NameBuffer(64);
        var service = new NameBuffer(16);
        var irp = new Irp();
        Assert.Equal(NtStatus.Pending, w.Dispatch.WskGetNameInfo(w.Client, SockAddrCodec.Encode(SockAddrIn6.Loopback(443)), SockAddrIn6.Size,
            node, service, NameInfoFlags.NumericHost, null, null, irp));
        var io = w.Finish(irp);
        Assert.Equal((NtStatus.Success, (object?)0L), (io.Status, io.Information));
        Assert.Equal(("::1", "https"), (node.Value, service.Value));
    }

    [Theory]
    [MemberData(nameof(NameWorld.AnyName), MemberType = typeof(NameWorld))]
    public void Name_info_finds_the_name_of_an_address_and_NI_NAMEREQD_fails_for_one_without(string kind)
    {
        using var w = new NameWorld(kind);
        var node = new NameBuffer(64);
        var irp = new Irp();
        Assert.Equal(NtStatus.Pending, w.Dispatch.WskGetNameInfo(w.Client, SockAddrCodec.Encode(SockAddrIn.Loopback(80)), 16, node, null, 0,
            null, null, irp));
        Assert.Equal(NtStatus.Success, w.Finish(irp).Status);
        Assert.Equal("localhost", node.Value);

        var unnamed = SockAddrCodec.Encode(new SockAddrIn(0xC000_0201, 80));
        var numeric = new NameBuffer(64);
        var second = new Irp();
        Assert.Equal(NtStatus.Pending, w.Dispatch.WskGetNameInfo(w.Client, unnamed, 16, numeric, null, 0, null, null, second));
        Assert.Equal(NtStatus.Success, w.Finish(second).Status);
        Assert.Equal("192.0.2.1", numeric.Value);

        var required = new NameBuffer(64);
        var third = new Irp();
        Assert.Equal(NtStatus.Pending, w.Dispatch.WskGetNameInfo(w.Client, unnamed, 16, required, null, NameInfoFlags.NameRequired, null, null, third));
        var io = w.Finish(third);
        Assert.Equal((NtStatus.NotFound, (object?)0L), (io.Status, io.Information));
        Assert.Null(required.Value);
    }

    /// <summary>The statuses of docs/contract.md's name rows, typed in: each single fault, on the simulated DNS.</summary>
    private static NtStatus Documented(string fault) => fault switch
    {
        "no node, no service" or "unknown AI_ flag" or "AI_CANONNAME without node" or "no Result" or "thread without process"
            or "name info: no buffers" or "name info: length 129" or "name info: truncated" or "name info: unknown flag"
            or "name info: thread without process" or "name info: NULL address" => NtStatus.InvalidParameter,
        "name space 99" or "a provider" or "family 17" or "STREAM with UDP" or "name info: family 17" => NtStatus.NotSupported,
        "AI_NUMERICHOST with a name" or "unknown service" or "AI_NUMERICSERV with a name" or "numeric IPv4 for AF_INET6"
            or "name info: NI_NAMEREQD, no name" => NtStatus.NotFound,
        "name info: node buffer too small" or "name info: service buffer too small" => NtStatus.BufferOverflow,
        _ => throw new ArgumentOutOfRangeException(nameof(fault), fault, null),
    };

    private static readonly string[] Faults =
    {
        "no node, no service", "unknown AI_ flag", "AI_CANONNAME without node", "no Result", "thread without process", "name space 99",
        "a provider", "family 17", "STREAM with UDP", "AI_NUMERICHOST with a name", "unknown service", "AI_NUMERICSERV with a name",
        "numeric IPv4 for AF_INET6", "name info: no buffers", "name info: length 129", "name info: truncated", "name info: unknown flag",
        "name info: thread without process", "name info: NULL address", "name info: family 17", "name info: NI_NAMEREQD, no name",
        "name info: node buffer too small", "name info: service buffer too small",
    };

    private static (NtStatus Returned, Irp Irp, bool Delivered) Make(NameWorld w, string fault)
    {
        var irp = new Irp();
        var r = new AddressInfoResult();
        NtStatus Info(string? node, string? service, AddrInfoHints? hints = null, uint ns = 0, Guid? provider = null, ThreadId? thread = null,
            AddressInfoResult? result = null) =>
            w.GetAddressInfo(node, service, fault == "no Result" ? null : r, irp, hints, ns, provider, null, thread);
        NameBuffer node = new(64), service = new(64);
        NtStatus Name(byte[]? address, uint length, NameBuffer? n, NameBuffer? s, uint flags = 0, ProcessId? process = null, ThreadId? thread = null) =>
            w.Dispatch.WskGetNameInfo(w.Client, address, length, n, s, flags, process, thread, irp);
        byte[] v4 = SockAddrCodec.Encode(new SockAddrIn(0xC000_0201, 80));
        var returned = fault switch
        {
            "no node, no service" => Info(null, null),
            "unknown AI_ flag" => Info("localhost", "80", new AddrInfoHints(0x40000)),
            "AI_CANONNAME without node" => Info(null, "80", new AddrInfoHints(AddrInfoFlags.CanonName)),
            "no Result" => Info("localhost", "80"),
            "thread without process" => Info("localhost", "80", thread: new ThreadId(3)),
            "name space 99" => Info("localhost", "80", ns: 99),
            "a provider" => Info("localhost", "80", provider: Guid.NewGuid()),
            "family 17" => Info("localhost", "80", new AddrInfoHints(Family: 17)),
            "STREAM with UDP" => Info("localhost", "80", new AddrInfoHints(SocketType: SocketTypes.Stream, Protocol: Protocols.Udp)),
            "AI_NUMERICHOST with a name" => Info("localhost", "80", new AddrInfoHints(AddrInfoFlags.NumericHost)),
            "unknown service" => Info("localhost", "no-such-service"),
            "AI_NUMERICSERV with a name" => Info("localhost", "http", new AddrInfoHints(AddrInfoFlags.NumericServ)),
            "numeric IPv4 for AF_INET6" => Info("127.0.0.1", "80", new AddrInfoHints(Family: AddressFamilies.Inet6)),
            "name info: no buffers" => Name(v4, 16, null, null),
            "name info: length 129" => Name(new byte[129].Select((_, i) => i < 16 ? v4[i] : (byte)0).ToArray(), 129, node, null),
            "name info: truncated" => Name(v4, 12, node, null),
            "name info: unknown flag" => Name(v4, 16, node, null, 0x40),
            "name info: thread without process" => Name(v4, 16, node, null, thread: new ThreadId(3)),
            "name info: NULL address" => Name(null, 16, node, null),
            "name info: family 17" => Name(new byte[] { 17, 0, 0, 80, 1, 2, 3, 4, 0, 0, 0, 0, 0, 0, 0, 0 }, 16, node, null),
            "name info: NI_NAMEREQD, no name" => Name(v4, 16, node, service, NameInfoFlags.NameRequired),
            "name info: node buffer too small" => Name(v4, 16, new NameBuffer(8), service, NameInfoFlags.NumericHost),
            "name info: service buffer too small" => Name(v4, 16, node, new NameBuffer(3)),
            _ => throw new ArgumentOutOfRangeException(nameof(fault)),
        };
        return (returned, irp, r.Value is not null || node.Value is not null || service.Value is not null);
    }

    [Property(MaxTest = 100)]
    public Property Each_fault_gets_its_documented_status_through_the_IRP_with_Information_0_and_nothing_delivered() =>
        Prop.ForAll(Gen.Elements(Faults).ToArbitrary(), fault =>
        {
            using var w = new NameWorld(NameWorld.Simulated);
            var (returned, irp, delivered) = Make(w, fault);
            var expected = Documented(fault);
            bool validation = returned != NtStatus.Pending;
            var io = w.Finish(irp);
            return (io.Status == expected && Equals(io.Information, 0L) && !delivered && (!validation || returned == expected)
                    && w.Verifier.Findings.Count == 0)
                .Label($"{fault}: returned {returned}, completed {io.Status} ({io.Information}), expected {expected}, delivered {delivered}")
                .Classify(validation, "rejected by validation: returned = completed")
                .Classify(!validation, "returned PENDING, completed with the outcome")
                .Collect(expected.Name ?? "?");
        });
}
