using System;
using System.Collections.Generic;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;

namespace Wsk.Examples;

/// <summary>
/// One port P on both loopbacks: 127.0.0.1:P accepts, [::1]:P (IPV6_V6ONLY) is a local black hole, its listen(0) accept
/// queue filled by one plain connect and never drained, so Linux drops every further SYN to it. A client that tries
/// ::1 first and waits for it never gets past it; one that races the families (Happy Eyeballs) connects over IPv4.
/// </summary>
internal sealed class DualStackBlackHole : IDisposable
{
    private const int PortTries = 8;

    private readonly Socket _v4;
    private readonly Socket _v6;
    private readonly Socket _filler;
    private readonly List<Socket> _accepted = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;

    private DualStackBlackHole(Socket v4, Socket v6, Socket filler)
    {
        _v4 = v4;
        _v6 = v6;
        _filler = filler;
        Port = ((IPEndPoint)v4.LocalEndPoint!).Port;
        _accepting = AcceptAsync();
    }

    /// <summary>P, the same on both loopbacks.</summary>
    public int Port { get; }

    /// <summary>Connections 127.0.0.1:P has accepted.</summary>
    public int Accepted { get { lock (_accepted) return _accepted.Count; } }

    /// <summary>The two listeners, or null with why not (no ::1, or every port tried was taken on ::1).</summary>
    public static DualStackBlackHole? TryStart(out string? why)
    {
        why = null;
        if (!Socket.OSSupportsIPv6)
        {
            why = "this machine has no IPv6";
            return null;
        }
        for (int i = 0; i < PortTries; i++)
        {
            var v4 = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            var v6 = new Socket(AddressFamily.InterNetworkV6, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                v4.Bind(new IPEndPoint(IPAddress.Loopback, 0));
                v4.Listen(16);
                v6.DualMode = false; // IPV6_V6ONLY: [::1]:P and 127.0.0.1:P are two sockets
                v6.Bind(new IPEndPoint(IPAddress.IPv6Loopback, ((IPEndPoint)v4.LocalEndPoint!).Port));
                v6.Listen(0);
                var filler = new Socket(AddressFamily.InterNetworkV6, SocketType.Stream, ProtocolType.Tcp);
                try
                {
                    filler.Connect(v6.LocalEndPoint!);
                }
                catch
                {
                    filler.Dispose();
                    throw;
                }
                return new DualStackBlackHole(v4, v6, filler);
            }
            catch (SocketException e)
            {
                v4.Dispose();
                v6.Dispose();
                why = $"[::1] unavailable: {e.SocketErrorCode}";
                if (e.SocketErrorCode != SocketError.AddressAlreadyInUse) return null;
            }
        }
        return null;
    }

    public void Dispose()
    {
        _stop.Cancel();
        _v4.Dispose();
        _v6.Dispose();
        _filler.Dispose();
        try
        {
            _accepting.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
            // the accept loop ends with the listener
        }
        lock (_accepted) foreach (var socket in _accepted) socket.Dispose();
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                var socket = await _v4.AcceptAsync(_stop.Token).ConfigureAwait(false);
                lock (_accepted) _accepted.Add(socket);
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // stopped
        }
    }
}
