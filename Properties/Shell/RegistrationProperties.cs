using System;
using System.Threading;
using System.Threading.Tasks;
using Wsk.Core;
using Wsk.Shell;
using Xunit;

namespace Wsk.Properties.Shell;

/// <summary>Registration pairing (rules RegistrationPairs, DeregisterWaitsForReleases).</summary>
public sealed class RegistrationProperties
{
    private static WskRegistration Register()
    {
        Assert.Equal(NtStatus.Success, WskRegistration.WskRegister(new WskClientNpi(null, new WskClientDispatch()), new ScriptedTransport(), out var r));
        return r;
    }

    [Fact]
    public void Deregister_waits_for_every_capture_to_be_released_and_every_socket_to_be_closed()
    {
        var registration = Register();
        Assert.Equal(NtStatus.Success, registration.WskCaptureProviderNpi(0, out var npi));
        var irp = new Irp();
        npi!.Dispatch.WskSocketConnect(
            new ConnectRequest(npi.Client.Id, SocketTypes.Stream, Protocols.Tcp, SockAddrIn.Any(), SockAddrIn.Loopback((ushort)Script.InlineSuccess)), irp);
        var socket = irp.IoStatus.Socket!;

        using var returned = new ManualResetEventSlim();
        var deregister = Task.Run(() => { registration.WskDeregister(); returned.Set(); });
        Assert.True(SpinWait.SpinUntil(() => registration.IsDeregistering, TimeSpan.FromSeconds(10)));
        // Only a wrong implementation could make these waits pass early; a slow machine only makes them wait longer.
        Assert.False(returned.Wait(50));
        Assert.Equal(NtStatus.DeviceNotReady, registration.WskCaptureProviderNpi(0, out _));
        registration.WskReleaseProviderNpi(npi);
        Assert.False(returned.Wait(50));
        socket.WskCloseSocket(new Irp());
        Assert.True(returned.Wait(TimeSpan.FromSeconds(10)));
        Assert.Equal(0, registration.OpenSockets);
        Assert.Equal(0, registration.CapturedClients);
    }

    [Fact]
    public void Each_capture_is_its_own_client_and_a_release_ends_only_that_one()
    {
        var registration = Register();
        registration.WskCaptureProviderNpi(WskWait.NoWait, out var a);
        registration.WskCaptureProviderNpi(WskWait.Infinite, out var b);
        Assert.NotEqual(a!.Client.Id, b!.Client.Id);
        registration.WskReleaseProviderNpi(a);
        Assert.False(a.Client.IsLive);
        Assert.True(b.Client.IsLive);
        Assert.Equal(CallingRule.ClientReleased, Assert.Throws<WskContractViolationException>(() => registration.WskReleaseProviderNpi(a)).Rule);
        Assert.Equal(CallingRule.ClientReleased, Assert.Throws<WskContractViolationException>(() => a.Client.CacheSecurityDescriptor(
            new SecurityDescriptor(new ProcessId(1), Array.Empty<ProcessId>()))).Rule);
        registration.WskReleaseProviderNpi(b);
        registration.WskDeregister();
    }

    [Fact]
    public void A_released_security_descriptor_no_longer_passes_validation()
    {
        var registration = Register();
        registration.WskCaptureProviderNpi(0, out var npi);
        var sd = npi!.Client.CacheSecurityDescriptor(new SecurityDescriptor(new ProcessId(7), Array.Empty<ProcessId>()));
        var request = new ConnectRequest(npi.Client.Id, SocketTypes.Stream, Protocols.Tcp, SockAddrIn.Any(),
            SockAddrIn.Loopback((ushort)Script.InlineRefused), SecurityDescriptor: sd);
        Assert.Equal(NtStatus.ConnectionRefused, npi.Dispatch.WskSocketConnect(request, new Irp()));
        Assert.Equal(NtStatus.Success, npi.Client.ReleaseSecurityDescriptor(sd));
        Assert.Equal(NtStatus.InvalidParameter, npi.Client.ReleaseSecurityDescriptor(sd));
        var irp = new Irp();
        Assert.Equal(NtStatus.InvalidParameter, npi.Dispatch.WskSocketConnect(request, irp, out var violations));
        Assert.Equal(ConnectRule.SecurityDescriptorNotCached, Assert.Single(violations).Rule);
        registration.WskReleaseProviderNpi(npi);
        registration.WskDeregister();
    }
}
