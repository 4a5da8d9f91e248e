using System;
using System.Linq;
using Wsk.Core;
using Xunit;

namespace Wsk.Properties.Core;

/// <summary>
/// The small pieces the rules stand on: the transport catalogue, the usual connect request, the wildcard bind, the
/// security descriptor's sharing list, the rule tables' reasons and precedence, and the codec's error messages.
/// </summary>
public class CatalogueAndRecordFacts
{
    [Fact]
    public void The_catalogue_accepts_exactly_the_documented_type_and_protocol_pairs_per_category()
    {
        var pairs = new (ushort Type, uint Protocol)[]
        {
            (SocketTypes.Stream, Protocols.Tcp), (SocketTypes.Datagram, Protocols.Udp), (SocketTypes.Raw, Protocols.Ip), (SocketTypes.Raw, Protocols.Tcp),
            (SocketTypes.Stream, Protocols.Udp), (SocketTypes.Datagram, Protocols.Tcp), (SocketTypes.Stream, Protocols.Ip),
        };
        //                                       stream/tcp dgram/udp raw/ip raw/tcp stream/udp dgram/tcp stream/ip
        var expected = new (SocketCategory Category, bool[] Accepts)[]
        {
            (SocketCategory.Connection, new[] { true, false, false, false, false, false, false }),
            (SocketCategory.Listen, new[] { true, false, false, false, false, false, false }),
            (SocketCategory.Stream, new[] { true, false, false, false, false, false, false }),
            (SocketCategory.Datagram, new[] { false, true, true, true, false, false, false }),
            (SocketCategory.Basic, new[] { true, true, true, true, false, false, false }),
            ((SocketCategory)99, new[] { false, false, false, false, false, false, false }),
        };
        foreach (var (category, accepts) in expected)
            for (int i = 0; i < pairs.Length; i++)
                Assert.True(accepts[i] == TransportCatalogue.Accepts(category, pairs[i].Type, pairs[i].Protocol),
                    $"{category}: type {pairs[i].Type}, protocol {pairs[i].Protocol}");

        Assert.True(TransportCatalogue.IsSupportedFamily(AddressFamilies.Inet));
        Assert.True(TransportCatalogue.IsSupportedFamily(AddressFamilies.Inet6));
        Assert.False(TransportCatalogue.IsSupportedFamily(AddressFamilies.Unix));
        Assert.False(TransportCatalogue.IsSupportedFamily(0));
        Assert.Equal(new Guid("5b1d3c2a-7e4f-4b8a-9c61-0d2e8f3a4b57"), TransportCatalogue.ProviderId);
        Assert.Equal(6, TransportCatalogue.All.Count);
        Assert.All(TransportCatalogue.All, t => Assert.Equal((TransportCatalogue.Version, TransportCatalogue.ProviderId), (t.Version, t.ProviderId)));
    }

    [Fact]
    public void The_usual_request_binds_the_wildcard_of_the_remotes_family_and_only_that_binds_anywhere()
    {
        var client = new ClientId(3);
        var v4 = ConnectRequest.Tcp(client, new SockAddrIn(0x7F00_0001, 80));
        var v6 = ConnectRequest.Tcp(client, new SockAddrIn6((UInt128)1, 80));
        Assert.Equal((SockAddr)SockAddrIn.Any(), v4.LocalAddress);
        Assert.Equal((SockAddr)SockAddrIn6.Any(), v6.LocalAddress);
        Assert.Equal((SocketTypes.Stream, Protocols.Tcp), (v4.SocketType, v4.Protocol));

        static bool Anywhere(SockAddr local) => new ValidConnect(local.Family, local, local, ConnectRequest.Tcp(new ClientId(1), local)).BindsAnywhere;
        Assert.True(Anywhere(SockAddrIn.Any()));
        Assert.True(Anywhere(SockAddrIn6.Any()));
        Assert.False(Anywhere(SockAddrIn.Any() with { Port = 5 }));
        Assert.False(Anywhere(SockAddrIn6.Any() with { Port = 5 }));
        Assert.False(Anywhere(new SockAddrIn(0x7F00_0001, 0)));
        Assert.False(Anywhere(new SockAddrIn6((UInt128)1, 0)));
    }

    [Fact]
    public void A_descriptor_shares_with_its_owner_and_its_list_and_an_impersonating_thread_only_by_its_thread_list()
    {
        var owner = new ProcessId(1);
        var sd = new SecurityDescriptor(owner, new[] { new ProcessId(2), new ProcessId(3) }, new[] { new ThreadId(7) });
        Assert.True(sd.Allows(new SecurityContext(owner)));
        Assert.True(sd.Allows(new SecurityContext(new ProcessId(2))));
        Assert.True(sd.Allows(new SecurityContext(new ProcessId(3))));
        Assert.False(sd.Allows(new SecurityContext(new ProcessId(4))));
        Assert.True(sd.Allows(new SecurityContext(new ProcessId(4), new ThreadId(7))));
        Assert.False(sd.Allows(new SecurityContext(owner, new ThreadId(8)))); // the thread's token speaks, not the process
        Assert.False(new SecurityDescriptor(owner, Array.Empty<ProcessId>()).Allows(new SecurityContext(owner, new ThreadId(7))));
        Assert.False(new SecurityDescriptor(owner, Array.Empty<ProcessId>()).Allows(new SecurityContext(new ProcessId(2))));
    }

    [Fact]
    public void Every_rule_has_a_reason_and_the_highest_precedence_broken_rule_decides()
    {
        Assert.All(ConnectRules.Table.Rows, row => Assert.False(string.IsNullOrWhiteSpace(row.Why), $"{row.Rule} has no reason"));
        Assert.All(SocketRules.Table.Rows, row => Assert.False(string.IsNullOrWhiteSpace(row.Why), $"{row.Rule} has no reason"));

        var table = new RuleTable<SocketRule>(SocketRules.Table.Rows);
        Assert.Same(SocketRules.Table.Rows, table.Rows);
        Assert.All(SocketRules.Table.Rows, row => Assert.Equal(row.Status, table.StatusOf(row.Rule)));
        Assert.Equal(NtStatus.Success, table.StatusFor(Array.Empty<SocketRule>()));
        // Precedence is enum order, whatever order the rules were found in.
        Assert.Equal(NtStatus.NotSupported, table.StatusFor(new[] { SocketRule.AlreadyConnected, SocketRule.FamilyNotSupported, SocketRule.AddressMissing }));
        Assert.Equal(NtStatus.ConnectionActive, table.StatusFor(new[] { SocketRule.NoLongerFunctional, SocketRule.AlreadyConnected }));
        Assert.Equal(NtStatus.ConnectionActive, table.StatusFor(new[] { SocketRule.AlreadyConnected, SocketRule.NoLongerFunctional }));
        Assert.Equal(NtStatus.InvalidAddress,
            table.StatusFor(new[] { SocketRule.FlagsNotZero, SocketRule.RemoteAddressNotConnectable, SocketRule.FlagsNotZero }));

        var violation = ConnectRules.Table.Violation(ConnectRule.FlagsNotZero, "Flags 0x2");
        Assert.Equal($"FlagsNotZero: Flags 0x2 ⇒ {NtStatus.InvalidParameter}", violation.ToString());
        Assert.Equal($"AlreadyBound: twice ⇒ {NtStatus.AddressAlreadyAssociated}", SocketRules.Table.Violation(SocketRule.AlreadyBound, "twice").ToString());
    }

    [Fact]
    public void A_codec_failure_says_what_was_wrong()
    {
        static string Message(SockAddrArgument argument) => argument.Kind == SockAddrArgumentKind.Address ? "" : argument.ToString();
        Assert.Equal("a SOCKADDR needs at least 2 bytes, got 1", Message(SockAddrCodec.Decode(new byte[1])));
        Assert.Equal("address family 1 is not offered", Message(SockAddrCodec.Decode(new byte[] { 1, 0, 0, 0 })));
        Assert.Equal("family 2 needs 16 bytes, got 4", Message(SockAddrCodec.Decode(new byte[] { 2, 0, 0, 0 })));
        Assert.Equal("NULL", SockAddrArgument.Null.ToString());
        Assert.Equal(SockAddrArgumentKind.Null, default(SockAddrArgument).Kind);
    }

    [Theory]
    [InlineData("[::1:80")]     // an opening bracket without its closing one is not IPv6
    [InlineData("1::1]:80")]    // nor a closing one without its opening one
    [InlineData("::1]:80")]
    [InlineData("[]:80")]
    [InlineData(":80")]
    [InlineData("1.2.3.4.5:80")]
    [InlineData("1..3.4:80")]
    public void Malformed_endpoints_do_not_parse(string text) => Assert.Null(SockAddr.TryParse(text));

    [Fact]
    public void Status_fields_are_read_from_their_bits()
    {
        var s = NtStatus.FromUInt32(0xC0AB_0001);
        Assert.Equal(NtSeverity.Error, s.Severity);
        Assert.Equal(0x0AB, s.Facility);
        Assert.Equal("1.2.3.4", new SockAddrIn(0x0102_0304, 80).ToString().Split(':')[0]);
        Assert.Equal("255.254.253.252", new SockAddrIn(0xFFFE_FDFC, 80).ToString().Split(':')[0]);
    }

    [Fact]
    public void A_second_cancel_of_a_connect_asks_the_transport_nothing()
    {
        var state = ConnectDecider.Evolve(ConnectDecider.Initial, ConnectDecider.Decide(ConnectCommand.Submit(NtStatus.Success), ConnectDecider.Initial));
        var first = ConnectDecider.Decide(ConnectCommand.Cancel, state);
        Assert.Equal(ConnectEventKind.CancelRequested, first.Kind);
        state = ConnectDecider.Evolve(state, first);
        Assert.True(state.CancelRequested);
        Assert.Equal(ConnectEventKind.None, ConnectDecider.Decide(ConnectCommand.Cancel, state).Kind);
        // The transport still decides after a cancel: its answer completes the IRP as it is.
        var answer = ConnectDecider.Decide(ConnectCommand.TransportCompleted(NtStatus.Success, hasSocket: true, inline: false), state);
        Assert.Equal((ConnectEventKind.Completed, NtStatus.Success, true), (answer.Kind, answer.Status, answer.HasSocket));
    }
}
