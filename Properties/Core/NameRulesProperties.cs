using System;
using System.Collections.Generic;
using System.Linq;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Wsk.Core;
using Xunit;

namespace Wsk.Properties.Core;

/// <summary>
/// The name calls' pure half against oracles written from the rule descriptions in docs/contract.md (the statuses
/// below are typed in here, not read off NameRules' tables): every fault is listed exactly when present and the first
/// one decides the status; numeric hosts and services; the NI_ formatting.
/// </summary>
public class NameRulesProperties
{
    private static readonly Dictionary<AddressInfoRule, NtStatus> AddressInfoStatus = new()
    {
        [AddressInfoRule.NoNodeAndNoService] = NtStatus.InvalidParameter,
        [AddressInfoRule.NameSpaceNotSupported] = NtStatus.NotSupported,
        [AddressInfoRule.ProviderNotSupported] = NtStatus.NotSupported,
        [AddressInfoRule.HintsFlagsNotSupported] = NtStatus.InvalidParameter,
        [AddressInfoRule.HintsFamilyNotSupported] = NtStatus.NotSupported,
        [AddressInfoRule.HintsTransportNotSupported] = NtStatus.NotSupported,
        [AddressInfoRule.ResultMissing] = NtStatus.InvalidParameter,
        [AddressInfoRule.OwningThreadWithoutProcess] = NtStatus.InvalidParameter,
    };

    private static readonly Dictionary<NameInfoRule, NtStatus> NameInfoStatus = new()
    {
        [NameInfoRule.AddressMissing] = NtStatus.InvalidParameter,
        [NameInfoRule.AddressLengthInvalid] = NtStatus.InvalidParameter,
        [NameInfoRule.AddressFamilyNotSupported] = NtStatus.NotSupported,
        [NameInfoRule.NoBuffers] = NtStatus.InvalidParameter,
        [NameInfoRule.FlagsNotSupported] = NtStatus.InvalidParameter,
        [NameInfoRule.OwningThreadWithoutProcess] = NtStatus.InvalidParameter,
    };

    /// <summary>A valid request, then each chosen fault applied to the parameter its rule is about.</summary>
    private static (AddressInfoRequest Request, bool HasResult) Break(IEnumerable<AddressInfoRule> faults, int salt)
    {
        var hints = new AddrInfoHints(Family: (salt % 3) switch { 0 => 0, 1 => AddressFamilies.Inet, _ => AddressFamilies.Inet6 },
            SocketType: salt % 2 == 0 ? SocketTypes.Stream : (ushort)0, Protocol: salt % 2 == 0 ? Protocols.Tcp : 0);
        var r = new AddressInfoRequest(new ClientId(1), salt % 4 == 0 ? "127.0.0.1" : "example.test", "80", Hints: hints);
        bool hasResult = true;
        foreach (var f in faults)
            switch (f)
            {
                case AddressInfoRule.NoNodeAndNoService: r = r with { NodeName = null, ServiceName = null }; break;
                case AddressInfoRule.NameSpaceNotSupported: r = r with { NameSpace = 13 + (uint)salt % 50 }; break;
                case AddressInfoRule.ProviderNotSupported: r = r with { Provider = Guid.NewGuid() }; break;
                case AddressInfoRule.HintsFlagsNotSupported: hints = hints with { Flags = 0x10000 << (salt % 8) }; break;
                case AddressInfoRule.HintsFamilyNotSupported: hints = hints with { Family = (ushort)(3 + salt % 20) }; break;
                case AddressInfoRule.HintsTransportNotSupported:
                    hints = hints with { SocketType = SocketTypes.Stream, Protocol = Protocols.Udp };
                    break;
                case AddressInfoRule.ResultMissing: hasResult = false; break;
                case AddressInfoRule.OwningThreadWithoutProcess:
                    r = r with { OwningThread = new ThreadId(salt), OwningProcess = null };
                    break;
            }
        return (r with { Hints = hints }, hasResult);
    }

    [Property(MaxTest = 500)]
    public Property Every_address_info_fault_is_listed_and_the_first_decides_the_status() =>
        Prop.ForAll(Gen.SubListOf(Enum.GetValues<AddressInfoRule>()).ToArbitrary(), Gen.Choose(0, 1000).ToArbitrary(), (faults, salt) =>
        {
            var (request, hasResult) = Break(faults, salt);
            var listed = NameRules.Validate(request, hasResult);
            var expected = faults.OrderBy(f => f).ToArray();
            NtStatus status = expected.Length == 0 ? NtStatus.Success : AddressInfoStatus[expected[0]];
            return (listed.Select(v => v.Rule).SequenceEqual(expected)
                    && NameRules.AddressInfo.StatusFor(listed) == status
                    && listed.All(v => v.Status == AddressInfoStatus[v.Rule]))
                .Label($"faults [{string.Join(", ", expected)}], listed [{string.Join(", ", listed.Select(v => v.Rule))}]")
                .Classify(expected.Length == 0, "valid")
                .Classify(expected.Length == 1, "one fault")
                .Classify(expected.Length > 1, "several faults")
                .Collect(expected.Length == 0 ? "none first" : $"{expected[0]} first");
        });

    private enum AddressFault { None, Missing, TooLong, Truncated, ShortLength, Family }

    [Property(MaxTest = 500)]
    public Property Every_name_info_fault_is_listed_and_the_first_decides_the_status() =>
        Prop.ForAll(Gen.Elements(Enum.GetValues<AddressFault>()).ToArbitrary(),
            Gen.SubListOf(new[] { NameInfoRule.NoBuffers, NameInfoRule.FlagsNotSupported, NameInfoRule.OwningThreadWithoutProcess }).ToArbitrary(),
            Gen.Choose(0, 1000).ToArbitrary(), (addressFault, others, salt) =>
        {
            SockAddr valid = salt % 2 == 0 ? SockAddrIn.Loopback(salt) : SockAddrIn6.Loopback(salt);
            uint size = (uint)SockAddrCodec.SizeOf(valid.Family);
            var (address, length, rule) = addressFault switch
            {
                AddressFault.Missing => (SockAddrArgument.Null, size, NameInfoRule.AddressMissing),
                AddressFault.TooLong => ((SockAddrArgument)valid, 129u + (uint)salt, NameInfoRule.AddressLengthInvalid),
                AddressFault.Truncated => (SockAddrArgument.Truncated(valid.Family, salt % 16), size, NameInfoRule.AddressLengthInvalid),
                AddressFault.ShortLength => ((SockAddrArgument)valid, (uint)(salt % size), NameInfoRule.AddressLengthInvalid),
                AddressFault.Family => (SockAddrArgument.FamilyNotOffered((ushort)(3 + salt % 20)), 16u, NameInfoRule.AddressFamilyNotSupported),
                _ => ((SockAddrArgument)valid, size + (uint)(salt % (129 - (int)size)), (NameInfoRule?)null),
            } switch { var (a, l, r) => (a, l, (NameInfoRule?)r) };
            var request = new NameInfoRequest(new ClientId(1), address, length,
                others.Contains(NameInfoRule.NoBuffers) ? null : 64, others.Contains(NameInfoRule.NoBuffers) || salt % 3 == 0 ? null : 32,
                others.Contains(NameInfoRule.FlagsNotSupported) ? 0x20u << (salt % 8) : (uint)salt & NameInfoFlags.Known,
                others.Contains(NameInfoRule.OwningThreadWithoutProcess) ? null : new ProcessId(salt),
                salt % 2 == 0 || others.Contains(NameInfoRule.OwningThreadWithoutProcess) ? new ThreadId(salt) : null);
            var expected = (rule is { } first ? new[] { first } : Array.Empty<NameInfoRule>()).Concat(others).OrderBy(r => r).ToArray();
            var listed = NameRules.Validate(request);
            NtStatus status = expected.Length == 0 ? NtStatus.Success : NameInfoStatus[expected[0]];
            return (listed.Select(v => v.Rule).SequenceEqual(expected) && NameRules.NameInfo.StatusFor(listed) == status)
                .Label($"faults [{string.Join(", ", expected)}], listed [{string.Join(", ", listed.Select(v => v.Rule))}]")
                .Classify(expected.Length == 0, "valid")
                .Collect(addressFault);
        });

    [Property(MaxTest = 300)]
    public Property A_numeric_host_and_port_give_one_entry_of_that_address_and_port() =>
        Prop.ForAll(Gen.Choose(0, int.MaxValue).ToArbitrary(), Gen.Choose(0, 65535).ToArbitrary(), Gen.Elements(true, false).ToArbitrary(),
            (bits, port, v6) =>
        {
            SockAddr address = v6 ? new SockAddrIn6(((UInt128)(uint)bits << 64) | 1, 0) : new SockAddrIn((uint)bits, 0);
            string text = address.ToIPAddress().ToString();
            var request = new AddressInfoRequest(new ClientId(1), text, port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                Hints: new AddrInfoHints(SocketType: SocketTypes.Stream, Protocol: Protocols.Tcp));
            var plan = NameShaping.Plan(request);
            var entries = NameShaping.Entries(plan.Known, request.Hints, plan.Port, null);
            var entry = entries.Count == 1 ? entries[0] : null;
            return (plan.Status == NtStatus.Success && plan.LookUp is null && entry is not null
                    && entry.Address == (v6 ? new SockAddrIn6(((UInt128)(uint)bits << 64) | 1, (ushort)port) : new SockAddrIn((uint)bits, (ushort)port))
                    && entry.Family == (v6 ? AddressFamilies.Inet6 : AddressFamilies.Inet)
                    && entry.SocketType == SocketTypes.Stream && entry.Protocol == Protocols.Tcp)
                .Label($"{text} {port}: {plan} {string.Join(", ", entries)}")
                .Classify(v6, "IPv6").Classify(!v6, "IPv4");
        });

    [Property(MaxTest = 500)]
    public Property Name_info_formats_the_flags_as_described() =>
        Prop.ForAll((from f in Gen.Choose(0, 0x1F)
                     from n in Gen.Elements<string?>(null, "host.example.test", "solo")
                     from c in Gen.Elements(0, 3, 9, 64)
                     from p in Gen.Elements<ushort>(80, 123, 4242)
                     select (f, n, c, p)).ToArbitrary(), t =>
        {
            var (flagBits, found, capacity, port) = t;
            uint flags = (uint)flagBits;
            var address = new SockAddrIn(0xC000_0201, port);
            var request = NameInfoRequest.Of(new ClientId(1), address, flags, capacity);
            var status = NameShaping.FormatNameInfo(request, address, found, out var node, out var service);
            bool numericHost = (flags & NameInfoFlags.NumericHost) != 0;
            string? expectedNode = numericHost || found is null ? "192.0.2.1"
                : (flags & NameInfoFlags.NoFqdn) != 0 && found.Contains('.') ? found[..found.IndexOf('.')] : found;
            bool dgram = (flags & NameInfoFlags.Datagram) != 0;
            string expectedService = (flags & NameInfoFlags.NumericServ) != 0 ? $"{port}"
                : (port, dgram) switch { (80, false) => "http", (123, true) => "ntp", _ => $"{port}" };
            NtStatus expected = !numericHost && found is null && (flags & NameInfoFlags.NameRequired) != 0 ? NtStatus.NotFound
                : expectedNode.Length > capacity || expectedService.Length > capacity ? NtStatus.BufferOverflow
                : NtStatus.Success;
            bool texts = expected == NtStatus.Success ? node == expectedNode && service == expectedService : node is null && service is null;
            return (status == expected && texts).Label($"flags 0x{flags:X} found {found} cap {capacity}: {status} {node} {service}")
                .Collect(expected.Name ?? "?")
                .Classify(numericHost, "NI_NUMERICHOST")
                .Classify(found is null, "no name found");
        });

    [Fact]
    public void Services_resolve_by_number_or_table_name_and_AI_NUMERICSERV_takes_numbers_only()
    {
        Assert.True(NameShaping.TryServicePort("12345", false, out var p) && p == 12345);
        Assert.True(NameShaping.TryServicePort("HTTPS", false, out p) && p == 443);
        Assert.True(NameShaping.TryServicePort(null, false, out p) && p == 0);
        Assert.False(NameShaping.TryServicePort("http", true, out _));
        Assert.False(NameShaping.TryServicePort("gopher-plus", false, out _));
        Assert.False(NameShaping.TryServicePort("65536", false, out _));
    }

    [Fact]
    public void A_null_node_gives_wildcards_with_AI_PASSIVE_and_loopbacks_without_IPv6_first()
    {
        var passive = NameShaping.Plan(new AddressInfoRequest(new ClientId(1), null, "80", Hints: new AddrInfoHints(AddrInfoFlags.Passive)));
        Assert.Equal(new SockAddr[] { SockAddrIn6.Any(), SockAddrIn.Any() }, passive.Known);
        var active = NameShaping.Plan(new AddressInfoRequest(new ClientId(1), null, "80", Hints: new AddrInfoHints(Family: AddressFamilies.Inet)));
        Assert.Equal(new SockAddr[] { SockAddrIn.Loopback(0) }, active.Known);
        Assert.Equal((ushort)80, active.Port);
    }

    [Theory]
    [InlineData("localhost", AddrInfoFlags.NumericHost, AddressFamilies.Unspecified, "80")]
    [InlineData("127.0.0.1", 0, AddressFamilies.Inet6, "80")]
    [InlineData("::1", 0, AddressFamilies.Inet, "80")]
    [InlineData("127.0.0.1", 0, AddressFamilies.Unspecified, "no-such-service")]
    [InlineData("127.0.0.1", AddrInfoFlags.NumericServ, AddressFamilies.Unspecified, "http")]
    public void What_cannot_be_found_without_asking_anyone_is_STATUS_NOT_FOUND(string node, int flags, ushort family, string service)
    {
        var plan = NameShaping.Plan(new AddressInfoRequest(new ClientId(1), node, service, Hints: new AddrInfoHints(flags, family)));
        Assert.Equal(NtStatus.NotFound, plan.Status);
        Assert.Null(plan.LookUp);
    }
}
