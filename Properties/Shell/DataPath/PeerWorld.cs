using System;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using Wsk.Core;
using Wsk.Shell;

namespace Wsk.Properties.Shell.DataPath;

/// <summary>
/// A loopback listener and a registration over a real transport (the libc one unless given another): each <see cref="Pair"/>
/// connects one WskConnectedSocket and hands the test the accepted peer as a plain .NET socket it can drive byte by byte.
/// </summary>
public sealed class PeerWorld : IDisposable
{
    private readonly Socket _listener;

    public PeerWorld(AddressFamily family = AddressFamily.InterNetwork, ITransport? transport = null)
    {
        _listener = new Socket(family, SocketType.Stream, ProtocolType.Tcp);
        _listener.Bind(new IPEndPoint(family == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Loopback : IPAddress.Loopback, 0));
        _listener.Listen(64);
        Port = (ushort)((IPEndPoint)_listener.LocalEndPoint!).Port;
        WskRegistration.WskRegister(new WskClientNpi(null, new WskClientDispatch()), transport ?? new OsTransport(), out var registration);
        Registration = registration;
        registration.WskCaptureProviderNpi(WskWait.NoWait, out var npi);
        Npi = npi!;
        Remote = family == AddressFamily.InterNetworkV6 ? SockAddrIn6.Loopback(Port) : SockAddrIn.Loopback(Port);
    }

    public ushort Port { get; }
    public SockAddr Remote { get; }
    public WskRegistration Registration { get; }
    public WskProviderNpi Npi { get; }

    /// <summary>Connects a WskConnectedSocket (with <paramref name="dispatch"/>, callbacks disabled) and accepts its peer.</summary>
    public (WskConnectedSocket Ours, Socket Peer) Pair(ConnectionDispatch? dispatch = null, object? context = null)
    {
        var irp = new Irp();
        var returned = Npi.Dispatch.WskSocketConnect(ConnectRequest.Tcp(Npi.Client.Id, Remote) with { Dispatch = dispatch, SocketContext = context }, irp);
        var io = returned.IsPending ? Wait(irp) : irp.IoStatus;
        if (io.Socket is null) throw new InvalidOperationException($"connect failed: {io.Status}");
        var peer = _listener.Accept();
        return (io.Socket, peer);
    }

    /// <summary>The IRP's completion, waited for a bounded time; a lost completion fails the test instead of hanging it.</summary>
    public static IoStatus Wait(Irp irp, int seconds = 10)
    {
        var wait = irp.WaitAsync().AsTask();
        if (!wait.Wait(TimeSpan.FromSeconds(seconds))) throw new TimeoutException("IRP not completed within the bound: a lost completion");
        return wait.Result;
    }

    /// <summary>Reads from the peer until end of stream (or a reset, reported as such), bounded in time.</summary>
    public static async Task<(byte[] Data, bool Reset)> ReadToEnd(Socket peer, int seconds = 20)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        var all = new System.IO.MemoryStream();
        var buffer = new byte[64 * 1024];
        try
        {
            int n;
            while ((n = await peer.ReceiveAsync(buffer, SocketFlags.None, cts.Token)) > 0) all.Write(buffer, 0, n);
            return (all.ToArray(), false);
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionReset)
        {
            return (all.ToArray(), true);
        }
    }

    public void Dispose()
    {
        Registration.WskReleaseProviderNpi(Npi);
        _listener.Dispose();
    }
}
