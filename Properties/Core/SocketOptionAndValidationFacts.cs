using System;
using System.Linq;
using Wsk.Core;
using Xunit;

namespace Wsk.Properties.Core;

/// <summary>
/// The three-step socket's rules that only the shell suites reached: the phase machine, WskControlSocket's options and
/// the socket, bind and connect validations. Each case is written from the rule it names.
/// </summary>
public class SocketOptionAndValidationFacts
{
    private static readonly SecurityDescriptor Sd = new(new ProcessId(1), Array.Empty<ProcessId>());
    private static readonly SecurityDescriptorHandle Live = new(77), Dead = new(78);

    private static SecurityDescriptor? Resolve(SecurityDescriptorHandle h) => h == Live ? Sd : null;

    private static OptionCall Set(uint code, uint value, SocketPhase phase = SocketPhase.Created, uint level = SocketOptionCodes.SolSocket,
        ushort family = AddressFamilies.Inet, bool irp = true) =>
        new(WskControlSocketType.SetOption, code, level, 4, BitConverter.GetBytes(value), 0, 0, irp, family, phase);

    private static OptionCall Get(uint code, long outputSize = 4, int capacity = 4, uint level = SocketOptionCodes.SolSocket,
        ushort family = AddressFamilies.Inet) =>
        new(WskControlSocketType.GetOption, code, level, 0, null, outputSize, capacity, true, family, SocketPhase.Created);

    private static OptionDecision Decide(OptionCall call, SocketOptions? current = null) =>
        SocketOptionRules.Decide(call, current ?? SocketOptions.Default, Resolve);

    [Fact]
    public void The_phase_machine_moves_only_along_bind_connect_and_close()
    {
        var all = Enum.GetValues<SocketPhase>();
        foreach (var phase in all)
        foreach (var step in Enum.GetValues<SocketStep>())
        {
            var expected = (phase, step) switch
            {
                (_, SocketStep.Closed) => SocketPhase.Closed,
                (SocketPhase.Created, SocketStep.Bound) => SocketPhase.Bound,
                (SocketPhase.Bound, SocketStep.ConnectStarted) => SocketPhase.Connecting,
                (SocketPhase.Connecting, SocketStep.Connected) => SocketPhase.Connected,
                (SocketPhase.Connecting, SocketStep.ConnectFailed) => SocketPhase.Failed,
                _ => phase,
            };
            Assert.True(expected == UnconnectedSocketDecider.Evolve(phase, step), $"{phase} + {step}");
        }
        // Spelled out, the one path to a connection and the one to failure.
        Assert.Equal(SocketPhase.Connected, new[] { SocketStep.Bound, SocketStep.ConnectStarted, SocketStep.Connected }
            .Aggregate(SocketPhase.Created, UnconnectedSocketDecider.Evolve));
        Assert.Equal(SocketPhase.Failed, new[] { SocketStep.Bound, SocketStep.ConnectStarted, SocketStep.ConnectFailed, SocketStep.Bound }
            .Aggregate(SocketPhase.Created, UnconnectedSocketDecider.Evolve));
        Assert.Equal(SocketPhase.Created, UnconnectedSocketDecider.Evolve(SocketPhase.Created, SocketStep.ConnectStarted));
        Assert.Equal(SocketPhase.Bound, UnconnectedSocketDecider.Evolve(SocketPhase.Bound, SocketStep.Bound));
    }

    [Fact]
    public void Option_codes_are_the_winsock_numbers()
    {
        Assert.Equal(0xFFFFu, SocketOptionCodes.SolSocket);
        Assert.Equal(4u, SocketOptionCodes.ReuseAddress);
        Assert.Equal(8u, SocketOptionCodes.KeepAlive);
        Assert.Equal(0xFFFF_FFFBu, SocketOptionCodes.ExclusiveAddressUse);
        Assert.Equal(27u, SocketOptionCodes.Ipv6V6Only);
        Assert.Equal(41u, SocketOptionCodes.IpProtoIpv6);
        Assert.Equal((0, 1, 2), ((int)WskControlSocketType.SetOption, (int)WskControlSocketType.GetOption, (int)WskControlSocketType.Ioctl));
    }

    [Fact]
    public void Setting_an_option_shapes_the_bind_once_and_reuse_excludes_exclusive()
    {
        var reuse = Decide(Set(SocketOptionCodes.ReuseAddress, 1));
        Assert.Equal((NtStatus.Success, OptionAction.Set, ShareOption.ReuseAddress), (reuse.Status, reuse.Action, reuse.Options.Share));
        var exclusive = Decide(Set(SocketOptionCodes.ExclusiveAddressUse, 1));
        Assert.Equal((NtStatus.Success, ShareOption.ExclusiveAddressUse), (exclusive.Status, exclusive.Options.Share));
        // One excludes the other while it is on; turning one off leaves the other alone.
        var onExclusive = SocketOptions.Default with { Share = ShareOption.ExclusiveAddressUse };
        var onReuse = SocketOptions.Default with { Share = ShareOption.ReuseAddress };
        Assert.Equal(NtStatus.InvalidParameter, Decide(Set(SocketOptionCodes.ReuseAddress, 1), onExclusive).Status);
        Assert.Equal(NtStatus.InvalidParameter, Decide(Set(SocketOptionCodes.ExclusiveAddressUse, 1), onReuse).Status);
        Assert.Equal(ShareOption.ExclusiveAddressUse, Decide(Set(SocketOptionCodes.ReuseAddress, 0), onExclusive).Options.Share);
        Assert.Equal(ShareOption.ReuseAddress, Decide(Set(SocketOptionCodes.ExclusiveAddressUse, 0), onReuse).Options.Share);
        Assert.Equal(ShareOption.None, Decide(Set(SocketOptionCodes.ReuseAddress, 0), onReuse).Options.Share);
        Assert.Equal(ShareOption.None, Decide(Set(SocketOptionCodes.ExclusiveAddressUse, 0), onExclusive).Options.Share);
        Assert.Equal(ShareOption.ReuseAddress, Decide(Set(SocketOptionCodes.ReuseAddress, 2), onReuse).Options.Share); // any non-zero is on
        // Bind-shaping options are refused once the socket left Created; keep-alive is not bind-shaping.
        foreach (var phase in new[] { SocketPhase.Bound, SocketPhase.Connecting, SocketPhase.Connected, SocketPhase.Failed })
        {
            Assert.Equal(NtStatus.InvalidParameter, Decide(Set(SocketOptionCodes.ReuseAddress, 1, phase)).Status);
            Assert.Equal(NtStatus.InvalidParameter, Decide(Set(SocketOptionCodes.WskSecurity, 0, phase) with { InputSize = 8, Input = new byte[8] }).Status);
            var keepAlive = Decide(Set(SocketOptionCodes.KeepAlive, 1, phase));
            Assert.Equal((NtStatus.Success, true), (keepAlive.Status, keepAlive.Options.KeepAlive));
        }
        Assert.False(Decide(Set(SocketOptionCodes.KeepAlive, 0), SocketOptions.Default with { KeepAlive = true }).Options.KeepAlive);
        var v6Only = Decide(Set(SocketOptionCodes.Ipv6V6Only, 0, level: SocketOptionCodes.IpProtoIpv6, family: AddressFamilies.Inet6));
        Assert.Equal((NtStatus.Success, false), (v6Only.Status, v6Only.Options.V6Only));
        Assert.True(Decide(Set(SocketOptionCodes.Ipv6V6Only, 1, level: SocketOptionCodes.IpProtoIpv6, family: AddressFamilies.Inet6),
            SocketOptions.Default with { V6Only = false }).Options.V6Only);
    }

    [Fact]
    public void A_malformed_or_unknown_option_call_is_refused_and_changes_nothing()
    {
        var current = SocketOptions.Default with { KeepAlive = true };
        var refused = new[]
        {
            Set(SocketOptionCodes.ReuseAddress, 1) with { RequestType = (WskControlSocketType)9 }, // no such request
            Set(SocketOptionCodes.ReuseAddress, 1) with { Level = 6 },                       // no such level
            Set(0x1234, 1),                                                                  // no such option
            Set(SocketOptionCodes.Ipv6V6Only, 1, level: SocketOptionCodes.IpProtoIpv6),      // IPV6_V6ONLY on IPv4
            Set(SocketOptionCodes.Ipv6V6Only, 1),                                            // at the wrong level
            Set(SocketOptionCodes.KeepAlive, 1, irp: false),                                 // options need an IRP
            Set(SocketOptionCodes.KeepAlive, 1) with { InputSize = 3 },
            Set(SocketOptionCodes.KeepAlive, 1) with { InputSize = 5 },
            Set(SocketOptionCodes.KeepAlive, 1) with { Input = null },
            Set(SocketOptionCodes.KeepAlive, 1) with { Input = new byte[3] },
            Get(SocketOptionCodes.KeepAlive, outputSize: 3),                                 // too small for a ULONG
            Get(SocketOptionCodes.KeepAlive, outputSize: 4, capacity: 3),                    // claims more than it has
            Get(SocketOptionCodes.WskSecurity, outputSize: 4, capacity: 8),                  // a pointer needs 8 bytes
            Set(SocketOptionCodes.WskSecurity, 0) with { InputSize = 8, Input = BitConverter.GetBytes(Dead.Value) }, // not cached
            Set(SocketOptionCodes.WskSecurity, 0),                                           // 4 bytes for a pointer
        };
        foreach (var call in refused)
        {
            var d = Decide(call, current);
            Assert.True(d.Status == NtStatus.InvalidParameter && d.Action == OptionAction.None && ReferenceEquals(d.Options, current),
                $"{call}: {d.Status} {d.Action}");
        }
        var ioctl = Decide(Set(SocketOptionCodes.KeepAlive, 1) with { RequestType = WskControlSocketType.Ioctl }, current);
        Assert.Equal((NtStatus.NotSupported, OptionAction.None), (ioctl.Status, ioctl.Action));
        // Connection callbacks exist only once connected: setting one on this socket is the wrong state, reading it is unknown.
        Assert.Equal(NtStatus.InvalidDeviceState, Decide(Set(SocketOptionCodes.WskEventCallback, 1), current).Status);
        Assert.Equal(NtStatus.InvalidParameter, Decide(Get(SocketOptionCodes.WskEventCallback), current).Status);
        Assert.Equal(NtStatus.InvalidParameter, Decide(Set(SocketOptionCodes.WskEventCallback, 1, level: 6), current).Status);
    }

    [Fact]
    public void Reading_an_option_writes_its_value_and_the_security_option_writes_a_descriptor_copy()
    {
        var o = new SocketOptions(ShareOption.ReuseAddress, V6Only: false, KeepAlive: true);
        Assert.Equal((NtStatus.Success, OptionAction.WriteValue, 1u, 4L), Shape(Decide(Get(SocketOptionCodes.ReuseAddress), o)));
        Assert.Equal((NtStatus.Success, OptionAction.WriteValue, 0u, 4L), Shape(Decide(Get(SocketOptionCodes.ExclusiveAddressUse), o)));
        Assert.Equal((NtStatus.Success, OptionAction.WriteValue, 1u, 4L), Shape(Decide(Get(SocketOptionCodes.KeepAlive, 8, 8), o)));
        Assert.Equal((NtStatus.Success, OptionAction.WriteValue, 0u, 4L),
            Shape(Decide(Get(SocketOptionCodes.Ipv6V6Only, level: SocketOptionCodes.IpProtoIpv6, family: AddressFamilies.Inet6), o)));
        var x = new SocketOptions(ShareOption.ExclusiveAddressUse, V6Only: true, KeepAlive: false);
        Assert.Equal(1u, Decide(Get(SocketOptionCodes.ExclusiveAddressUse), x).Value);
        Assert.Equal(0u, Decide(Get(SocketOptionCodes.ReuseAddress), x).Value);
        Assert.Equal(0u, Decide(Get(SocketOptionCodes.KeepAlive), x).Value);
        Assert.Equal(1u, Decide(Get(SocketOptionCodes.Ipv6V6Only, level: SocketOptionCodes.IpProtoIpv6, family: AddressFamilies.Inet6), x).Value);
        Assert.Equal((NtStatus.Success, OptionAction.WriteDescriptorCopy, 0u, 8L), Shape(Decide(Get(SocketOptionCodes.WskSecurity, 8, 8), o)));
        Assert.Same(o, Decide(Get(SocketOptionCodes.KeepAlive), o).Options);

        static (NtStatus, OptionAction, uint, long) Shape(OptionDecision d) => (d.Status, d.Action, d.Value, d.OutputSize);
    }

    [Fact]
    public void The_security_option_takes_a_cached_descriptor_or_null_for_the_default()
    {
        var withSd = SocketOptions.Default with { Descriptor = Sd };
        var set = Decide(Set(SocketOptionCodes.WskSecurity, 0) with { InputSize = 8, Input = BitConverter.GetBytes(Live.Value) });
        Assert.Equal((NtStatus.Success, OptionAction.Set), (set.Status, set.Action));
        Assert.Same(Sd, set.Options.Descriptor);
        var reset = Decide(Set(SocketOptionCodes.WskSecurity, 0) with { InputSize = 8, Input = new byte[8] }, withSd);
        Assert.Equal(NtStatus.Success, reset.Status);
        Assert.Null(reset.Options.Descriptor);
    }

    [Fact]
    public void Socket_bind_and_connect_validation_name_every_broken_rule_with_its_status()
    {
        var client = new ClientId(1);
        // The fact the shell looks up before validating: the request's SD is a live SD cached by its client.
        LanguageExt.Validation<RuleViolation<SocketRule>, SocketRequest> Validate(SocketRequest r) =>
            SocketValidation.ValidateSocket(r, r.Client == client && r.SecurityDescriptor == Live);
        var ok = new SocketRequest(client, AddressFamilies.Inet);
        Assert.True(Validate(ok).IsSuccess);
        Assert.True(Validate(ok with { AddressFamily = AddressFamilies.Inet6, SecurityDescriptor = Live }).IsSuccess);
        var bad = ok with { Flags = 0, AddressFamily = AddressFamilies.Unix, SocketType = SocketTypes.Datagram, SecurityDescriptor = Dead };
        Assert.Equal(new[] { SocketRule.CategoryNotSupported, SocketRule.FamilyNotSupported, SocketRule.TransportNotConnectionOriented,
            SocketRule.SecurityDescriptorNotCached }, Rules(Validate(bad)));
        Assert.Equal(new[] { SocketRule.TransportNotConnectionOriented },
            Rules(Validate(ok with { Protocol = Protocols.Udp })));

        var v4 = new SockAddrIn(0x7F00_0001, 80);
        Assert.True(SocketValidation.ValidateBind(AddressFamilies.Inet, v4 with { Port = 0 }, 0, SocketPhase.Created).IsSuccess);
        Assert.True(SocketValidation.ValidateBind(AddressFamilies.Inet, SockAddrIn.Any(), 0, SocketPhase.Created).IsSuccess); // a wildcard binds
        Assert.Equal(new[] { SocketRule.AddressMissing, SocketRule.FlagsNotZero, SocketRule.AlreadyBound },
            Rules(SocketValidation.ValidateBind(AddressFamilies.Inet, null, 1, SocketPhase.Bound)));
        Assert.Equal(new[] { SocketRule.AddressTruncated },
            Rules(SocketValidation.ValidateBind(AddressFamilies.Inet, SockAddrArgument.Truncated(2, 4), 0, SocketPhase.Created)));
        Assert.Equal(new[] { SocketRule.AddressFamilyMismatch }, Rules(SocketValidation.ValidateBind(AddressFamilies.Inet6, v4, 0, SocketPhase.Created)));
        Assert.Equal(new[] { SocketRule.AddressFamilyMismatch },
            Rules(SocketValidation.ValidateBind(AddressFamilies.Unix, SockAddrArgument.FamilyNotOffered(AddressFamilies.Unix), 0, SocketPhase.Created)));
        Assert.Equal(new[] { SocketRule.NoLongerFunctional }, Rules(SocketValidation.ValidateBind(AddressFamilies.Inet, v4, 0, SocketPhase.Failed)));
        foreach (var phase in new[] { SocketPhase.Bound, SocketPhase.Connecting, SocketPhase.Connected, SocketPhase.Closed })
            Assert.Equal(new[] { SocketRule.AlreadyBound }, Rules(SocketValidation.ValidateBind(AddressFamilies.Inet, v4, 0, phase)));

        Assert.True(SocketValidation.ValidateConnect(AddressFamilies.Inet, v4, 0, SocketPhase.Bound).IsSuccess);
        Assert.Equal(new[] { SocketRule.RemoteAddressNotConnectable },
            Rules(SocketValidation.ValidateConnect(AddressFamilies.Inet, v4 with { Port = 0 }, 0, SocketPhase.Bound)));
        Assert.Equal(new[] { SocketRule.RemoteAddressNotConnectable },
            Rules(SocketValidation.ValidateConnect(AddressFamilies.Inet, SockAddrIn.Any() with { Port = 80 }, 0, SocketPhase.Bound)));
        Assert.Equal(new[] { SocketRule.NotBound }, Rules(SocketValidation.ValidateConnect(AddressFamilies.Inet, v4, 0, SocketPhase.Created)));
        Assert.Equal(new[] { SocketRule.ConnectInProgress }, Rules(SocketValidation.ValidateConnect(AddressFamilies.Inet, v4, 0, SocketPhase.Connecting)));
        Assert.Equal(new[] { SocketRule.AlreadyConnected }, Rules(SocketValidation.ValidateConnect(AddressFamilies.Inet, v4, 0, SocketPhase.Connected)));
        Assert.Equal(new[] { SocketRule.AlreadyConnected }, Rules(SocketValidation.ValidateConnect(AddressFamilies.Inet, v4, 0, SocketPhase.Closed)));
        Assert.Equal(new[] { SocketRule.NoLongerFunctional }, Rules(SocketValidation.ValidateConnect(AddressFamilies.Inet, v4, 0, SocketPhase.Failed)));
        Assert.Equal(new[] { SocketRule.AddressMissing, SocketRule.FlagsNotZero, SocketRule.NotBound },
            Rules(SocketValidation.ValidateConnect(AddressFamilies.Inet, null, 4, SocketPhase.Created)));
        var v6 = new SockAddrIn6((UInt128)1, 443);
        Assert.True(SocketValidation.ValidateConnect(AddressFamilies.Inet6, v6, 0, SocketPhase.Bound).IsSuccess);
        Assert.Equal(new[] { SocketRule.RemoteAddressNotConnectable },
            Rules(SocketValidation.ValidateConnect(AddressFamilies.Inet6, SockAddrIn6.Any() with { Port = 443 }, 0, SocketPhase.Bound)));
        Assert.Equal(new[] { SocketRule.RemoteAddressNotConnectable },
            Rules(SocketValidation.ValidateConnect(AddressFamilies.Inet6, v6 with { Port = 0 }, 0, SocketPhase.Bound)));
    }

    /// <summary>A violation's detail names the parameter and the value that broke the rule: it is what a client reads.</summary>
    [Fact]
    public void Each_socket_violation_says_which_parameter_broke_its_rule()
    {
        var client = new ClientId(1);
        var bad = new SocketRequest(client, AddressFamilies.Unix, SocketTypes.Datagram, Protocols.Tcp, Flags: 0, SecurityDescriptor: Dead);
        Assert.Equal(new[] { "Flags 0x0", "AddressFamily 1", "SocketType 2 with Protocol 6", "SecurityDescriptor 78 is not a live cached SD of client 1" },
            Details(SocketValidation.ValidateSocket(bad, false)));
        Assert.Equal(new[] { "LocalAddress is NULL", "Flags 0x1", "the socket is Bound" },
            Details(SocketValidation.ValidateBind(AddressFamilies.Inet, null, 1, SocketPhase.Bound)));
        Assert.Equal(new[] { "LocalAddress has 4 bytes" },
            Details(SocketValidation.ValidateBind(AddressFamilies.Inet, SockAddrArgument.Truncated(2, 4), 0, SocketPhase.Created)));
        Assert.Equal(new[] { "LocalAddress family 2, socket family 23" },
            Details(SocketValidation.ValidateBind(AddressFamilies.Inet6, new SockAddrIn(1, 80), 0, SocketPhase.Created)));
        Assert.Equal(new[] { "an earlier WskConnect failed" },
            Details(SocketValidation.ValidateBind(AddressFamilies.Inet, new SockAddrIn(1, 80), 0, SocketPhase.Failed)));
        Assert.Equal(new[] { "RemoteAddress is NULL", "Flags 0xA", "WskBind has not succeeded on this socket" },
            Details(SocketValidation.ValidateConnect(AddressFamilies.Inet, null, 10, SocketPhase.Created)));
        var unconnectable = new SockAddrIn(0x7F00_0001, 0);
        Assert.Equal(new[] { $"RemoteAddress {unconnectable}" },
            Details(SocketValidation.ValidateConnect(AddressFamilies.Inet, unconnectable, 0, SocketPhase.Bound)));
        Assert.Equal(new[] { "a WskConnect is pending" },
            Details(SocketValidation.ValidateConnect(AddressFamilies.Inet, new SockAddrIn(1, 80), 0, SocketPhase.Connecting)));
        Assert.Equal(new[] { "the socket is Connected" },
            Details(SocketValidation.ValidateConnect(AddressFamilies.Inet, new SockAddrIn(1, 80), 0, SocketPhase.Connected)));

        static string[] Details<T>(LanguageExt.Validation<RuleViolation<SocketRule>, T> v) =>
            v.Match(static _ => Array.Empty<string>(), static errors => errors.Select(e => e.Detail).ToArray());
    }

    /// <summary>Each rule's status, written out: the table must not drift from the documented statuses.</summary>
    [Theory]
    [InlineData(SocketRule.CategoryNotSupported, 0xC00000BBu)]
    [InlineData(SocketRule.FamilyNotSupported, 0xC00000BBu)]
    [InlineData(SocketRule.TransportNotConnectionOriented, 0xC00000BBu)]
    [InlineData(SocketRule.SecurityDescriptorNotCached, 0xC000000Du)]
    [InlineData(SocketRule.AddressMissing, 0xC000000Du)]
    [InlineData(SocketRule.AddressTruncated, 0xC000000Du)]
    [InlineData(SocketRule.AddressFamilyMismatch, 0xC000000Du)]
    [InlineData(SocketRule.RemoteAddressNotConnectable, 0xC0000141u)]
    [InlineData(SocketRule.FlagsNotZero, 0xC000000Du)]
    [InlineData(SocketRule.AlreadyBound, 0xC0000238u)]
    [InlineData(SocketRule.NotBound, 0xC0000184u)]
    [InlineData(SocketRule.ConnectInProgress, 0xC0000184u)]
    [InlineData(SocketRule.AlreadyConnected, 0xC000023Bu)]
    [InlineData(SocketRule.NoLongerFunctional, 0xC00000B6u)]
    public void Each_socket_rule_has_its_documented_status(SocketRule rule, uint status)
    {
        Assert.Equal(NtStatus.FromUInt32(status), SocketRules.Table.StatusOf(rule));
        Assert.Equal(NtStatus.FromUInt32(status), SocketRules.Table.Violation(rule, "x").Status);
        Assert.Equal(Enum.GetValues<SocketRule>().Length, SocketRules.Table.Rows.Count);
        Assert.Contains(rule.ToString(), SocketRules.Table.Violation(rule, "detail").ToString(), StringComparison.Ordinal);
    }

    private static SocketRule[] Rules<T>(LanguageExt.Validation<RuleViolation<SocketRule>, T> v) =>
        v.Match(static _ => Array.Empty<SocketRule>(), static errors => errors.Select(e => e.Rule).ToArray());
}
