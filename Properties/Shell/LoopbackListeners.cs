using System;
using System.Collections.Generic;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;

namespace Wsk.Properties.Shell;

/// <summary>
/// Loopback endpoints that produce each connect outcome on demand, without leaving the machine:
/// an accepting listener (IPv4 and IPv6) for SUCCESS, a bound-but-not-listening port for CONNECTION_REFUSED, and a
/// listener whose accept queue is kept full so that a SYN is dropped and the connect stays PENDING until
/// <see cref="ReleaseOneFromFullQueue"/> makes room (the client's SYN retry then gets in, about a second later).
/// </summary>
public sealed class LoopbackListeners : IDisposable
{
    private readonly List<Socket> _owned = new();
    private readonly Socket _full;
    private readonly CancellationTokenSource _stop = new();

    public LoopbackListeners()
    {
        OpenV4 = StartAccepting(AddressFamily.InterNetwork, IPAddress.Loopback);
        OpenV6 = Socket.OSSupportsIPv6 ? StartAccepting(AddressFamily.InterNetworkV6, IPAddress.IPv6Loopback) : (ushort)0;
        ClosedV4 = ReservePort(AddressFamily.InterNetwork, IPAddress.Loopback);
        ClosedV6 = Socket.OSSupportsIPv6 ? ReservePort(AddressFamily.InterNetworkV6, IPAddress.IPv6Loopback) : (ushort)0;

        _full = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        _full.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _full.Listen(0); // accept queue of one: the second SYN is dropped while it is full
        FullV4 = (ushort)((IPEndPoint)_full.LocalEndPoint!).Port;
        FillQueue();
    }

    /// <summary>Accepts and closes everything (IPv4).</summary>
    public ushort OpenV4 { get; }

    /// <summary>Accepts and closes everything (IPv6); 0 when the OS has no IPv6.</summary>
    public ushort OpenV6 { get; }

    /// <summary>Bound, not listening: a connect is refused.</summary>
    public ushort ClosedV4 { get; }

    /// <summary>Bound, not listening (IPv6).</summary>
    public ushort ClosedV6 { get; }

    /// <summary>A listener whose accept queue is full: a connect stays pending.</summary>
    public ushort FullV4 { get; }

    /// <summary>Accepts one queued connection so that one pending connect can get in at its next SYN retry.</summary>
    public void ReleaseOneFromFullQueue()
    {
        if (_full.Poll(0, SelectMode.SelectRead)) _full.Accept().Dispose();
    }

    /// <summary>
    /// Refills the accept queue if a settle emptied it (a cancelled connect never took the freed slot), so that the next
    /// connect to <see cref="FullV4"/> is PENDING again. Only called while no connect to it is in flight.
    /// </summary>
    public void EnsureQueueFull()
    {
        if (!_full.Poll(0, SelectMode.SelectRead)) FillQueue();
    }

    private void FillQueue()
    {
        // One blocking connect lands in the accept queue (length 1) and fills it. Exactly one: a second filler would
        // sit in SYN retry and could take the slot that ReleaseOneFromFullQueue frees for the connect under test.
        var filler = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        filler.Connect(new IPEndPoint(IPAddress.Loopback, FullV4));
        lock (_owned) _owned.Add(filler);
    }

    private ushort StartAccepting(AddressFamily family, IPAddress address)
    {
        var listener = new Socket(family, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(address, 0));
        listener.Listen(1024);
        lock (_owned) _owned.Add(listener);
        _ = Task.Run(async () =>
        {
            while (!_stop.IsCancellationRequested)
            {
                try { (await listener.AcceptAsync(_stop.Token)).Dispose(); }
                catch (Exception) when (_stop.IsCancellationRequested) { return; }
                catch (SocketException) { }
            }
        });
        return (ushort)((IPEndPoint)listener.LocalEndPoint!).Port;
    }

    private ushort ReservePort(AddressFamily family, IPAddress address)
    {
        var holder = new Socket(family, SocketType.Stream, ProtocolType.Tcp);
        holder.Bind(new IPEndPoint(address, 0));
        lock (_owned) _owned.Add(holder);
        return (ushort)((IPEndPoint)holder.LocalEndPoint!).Port;
    }

    public void Dispose()
    {
        _stop.Cancel();
        lock (_owned) foreach (var s in _owned) s.Dispose();
        _full.Dispose();
    }
}
