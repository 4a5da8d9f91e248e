using System;
using System.Net;
using System.Net.Sockets;
using System.Threading.Tasks;
using Wsk.Core;
using Wsk.Shell;
using Xunit;

namespace Wsk.Properties.Shell.Disposal;

/// <summary>The README's lifetime example, as written there between the markers, on a loopback listener.</summary>
public sealed class LifetimeTour
{
    [Fact]
    public async Task The_lifetime_example_releases_closes_and_deregisters_everything()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);
        var port = (ushort)((IPEndPoint)listener.LocalEndPoint!).Port;
        WskRegistration? kept = null;
        // README-LIFETIME-BEGIN
        WskRegistration.WskRegister(new WskClientNpi(null, new WskClientDispatch()), out var r);
        await using var registration = r;                           // last out: deregisters, waiting at most 30 s
        using var npi = (await registration.CaptureProviderNpiAsync(WskWait.NoWait)).Npi!; // released once
        var done = await npi.Dispatch.ConnectAsync(ConnectRequest.Tcp(npi.Client.Id, SockAddrIn.Loopback(port)));
        await using var socket = done.Socket!;                      // first out: graceful disconnect (≤ 5 s), then close
        await socket.SendAsync(WskBuf.Of("hello\n"u8.ToArray()));

        // A shutdown that must not hang on what is still open: wait at most 2 s, then say what it is.
        DeregisterResult result = await registration.DeregisterAsync(TimeSpan.FromSeconds(2));
        Console.WriteLine(result);                                  // still open: 1 socket, 1 capture, 0 pending calls
        // README-LIFETIME-END
        kept = registration;
        Assert.Equal("still open: 1 socket, 1 capture, 0 pending calls", result.ToString());
        Assert.False(registration.IsDeregistered);
        await socket.DisposeAsync();
        npi.Dispose();
        await registration.DisposeAsync();
        Assert.True(kept.IsDeregistered);
        Assert.Equal(0, kept.OpenSockets);
    }
}
