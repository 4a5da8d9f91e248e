using System;
using System.Linq;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Wsk.Core;
using Xunit;

namespace Wsk.Properties.Core;

/// <summary>
/// What a PSOCKADDR argument can be (NULL, truncated, a family not offered, an address), and the one connectable check
/// both connect paths make of a remote address.
/// </summary>
public class SockAddrArgumentProperties
{
    [Fact]
    public void An_address_is_an_argument_and_null_is_the_NULL_argument()
    {
        SockAddrArgument none = (SockAddr?)null;
        Assert.Equal(SockAddrArgument.Null, none);
        Assert.Equal(default, none);
        Assert.Null(none.Address);
        Assert.Equal((AddressFamilies.Unspecified, 0), (none.Family, none.Length));

        var v6 = new SockAddrIn6((UInt128)1, 443);
        SockAddrArgument given = v6;
        Assert.Equal(SockAddrArgumentKind.Address, given.Kind);
        Assert.Same(v6, given.Address);
        Assert.Equal((AddressFamilies.Inet6, SockAddrIn6.Size), (given.Family, given.Length));
        Assert.Equal(v6.ToString(), given.ToString());

        var truncated = SockAddrArgument.Truncated(AddressFamilies.Inet, 9);
        Assert.Equal((SockAddrArgumentKind.Truncated, AddressFamilies.Inet, 9), (truncated.Kind, truncated.Family, truncated.Length));
        Assert.Equal("family 2 needs 16 bytes, got 9", truncated.ToString());
        var unix = SockAddrArgument.FamilyNotOffered(AddressFamilies.Unix);
        Assert.Equal((SockAddrArgumentKind.FamilyNotOffered, AddressFamilies.Unix), (unix.Kind, unix.Family));
        Assert.Null(unix.Address);
    }

    /// <summary>
    /// RemoteAddressNotConnectable is judged once, on the address: WskSocketConnect and WskConnect reject exactly the
    /// same remote addresses, and exactly the wildcard ones and those with port 0.
    /// </summary>
    [Property(MaxTest = 500)]
    public Property BothConnectPathsRejectTheSameUnconnectableRemotes() =>
        Prop.ForAll(Gen.OneOf(CoreGen.ValidSockAddr, CoreGen.ValidFamily.SelectMany(CoreGen.NotConnectableOf)).ToArbitrary(), remote =>
        {
            bool expected = remote switch
            {
                SockAddrIn v4 => v4.Address != 0 && v4.Port != 0,
                SockAddrIn6 v6 => v6.Address != UInt128.Zero && v6.Port != 0,
                _ => false,
            };
            var request = ConnectRequest.Tcp(new ClientId(1), remote);
            bool connectRejects = ConnectValidation.Validate(request, false)
                .Match(static _ => false, static errors => errors.Any(e => e.Rule == ConnectRule.RemoteAddressNotConnectable));
            bool threeStepRejects = SocketValidation.ValidateConnect(remote.Family, remote, 0, SocketPhase.Bound)
                .Match(static _ => false, static errors => errors.Any(e => e.Rule == SocketRule.RemoteAddressNotConnectable));
            return (remote.IsConnectable == expected).Label($"IsConnectable {remote.IsConnectable} for {remote}")
                .And((connectRejects == !expected).Label($"WskSocketConnect rejects: {connectRejects}"))
                .And((threeStepRejects == !expected).Label($"WskConnect rejects: {threeStepRejects}"))
                .Classify(!expected, "not connectable");
        });

    /// <summary>WskSocket's SD fact is read only when the request gives an SD, as WskSocketConnect's is.</summary>
    [Property(MaxTest = 200)]
    public Property TheSocketSdFactMattersOnlyWhenAnSdIsGiven() =>
        Prop.ForAll(CoreGen.ValidFamily.ToArbitrary(), Gen.Elements(false, true).ToArbitrary(), (family, withSd) =>
        {
            var request = new SocketRequest(new ClientId(2), family, SecurityDescriptor: withSd ? new SecurityDescriptorHandle(5) : null);
            bool whenCached = SocketValidation.ValidateSocket(request, true).IsSuccess;
            bool whenNot = SocketValidation.ValidateSocket(request, false).IsSuccess;
            return (whenCached && whenNot == !withSd).Label($"valid when cached {whenCached}, when not {whenNot}, SD given {withSd}");
        });
}
