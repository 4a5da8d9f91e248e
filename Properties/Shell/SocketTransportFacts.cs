using System;
using System.Linq;
using System.Reflection;
using System.Runtime.Versioning;
using Wsk.Core;
using Wsk.Shell;
using Xunit;

namespace Wsk.Properties.Shell;

/// <summary>Which transport a registration gets by default, and which public types a platform analyzer warns about.</summary>
public sealed class SocketTransportFacts
{
    [Fact]
    public void The_shared_provider_takes_the_libc_path_on_Linux_and_SocketTransport_elsewhere()
    {
        var expected = OperatingSystem.IsLinux() ? typeof(OsTransport) : typeof(SocketTransport);
        Assert.IsType(expected, WskProvider.Shared.Transport);
    }

    [Fact]
    public void Only_the_libc_transport_is_marked_Linux_only()
    {
        static string[] Platforms(Type t) => t.GetCustomAttributes<SupportedOSPlatformAttribute>().Select(a => a.PlatformName).ToArray();
        Assert.Equal(new[] { "linux" }, Platforms(typeof(OsTransport)));
        Assert.Empty(Platforms(typeof(SocketTransport)));
        var linuxOnly = typeof(WskRegistration).Assembly.GetExportedTypes().Where(t => Platforms(t).Length > 0).Select(t => t.Name);
        Assert.Equal(new[] { nameof(OsTransport) }, linuxOnly);
    }

    [Fact]
    public void A_registration_over_SocketTransport_connects_on_loopback_and_leaves_nothing_open()
    {
        var transport = new SocketTransport();
        using (var world = new DataPath.PeerWorld(transport: transport))
        {
            var (ours, peer) = world.Pair();
            Assert.Equal(1, transport.OpenConnections);
            Assert.Equal(world.Remote, ours.RemoteAddress);
            ours.WskCloseSocket(new Irp());
            peer.Dispose();
        }
        Assert.Equal(0, transport.OpenConnections);
    }

    /// <summary>The README's SocketTransport example, as written there (the port from a listener of the test's own).</summary>
    [Fact]
    public async System.Threading.Tasks.Task The_readme_example_registers_over_SocketTransport_and_connects()
    {
        using var listener = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
        listener.Bind(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0));
        listener.Listen(1);
        ushort port = (ushort)((System.Net.IPEndPoint)listener.LocalEndPoint!).Port;

        WskRegistration.WskRegister(new WskClientNpi(null, new WskClientDispatch()), SocketTransport.Shared, out var registration);
        registration.WskCaptureProviderNpi(WskWait.NoWait, out var npi);
        var request = ConnectRequest.Tcp(npi!.Client.Id, SockAddrIn.Loopback(port));
        var irp = new Irp();
        NtStatus status = npi.Dispatch.WskSocketConnect(request, irp);
        IoStatus io = status.IsPending ? await irp.WaitAsync() : irp.IoStatus; // over SocketAsyncEventArgs: mostly PENDING
        io.Socket?.WskCloseSocket(new Irp());
        registration.WskReleaseProviderNpi(npi);
        registration.WskDeregister();

        Assert.Equal(NtStatus.Success, io.Status);
    }
}
