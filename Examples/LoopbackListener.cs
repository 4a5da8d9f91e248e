using System;
using System.Globalization;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Threading;

namespace Wsk.Examples;

/// <summary>
/// An in-process TCP listener that only accepts, so the demo and the benchmark need nothing outside the process.
/// Built to keep up with a benchmark: an overflowing accept queue makes the kernel drop SYNs, and
/// each dropped SYN costs a connect a 1 s retransmission, which would measure the listener instead of the client.
/// </summary>
/// <remarks>
/// Why dedicated threads blocking in accept() rather than AcceptAsync loops on the thread pool: measured on this 2-core
/// machine, 4 concurrent AcceptAsync loops overflowed the 4096-entry accept queue at 64 connects in flight (the kernel's
/// ListenOverflows rose, 64 clients sat in SYN-SENT for seconds) and halved raw .NET throughput; a single AcceptAsync
/// loop kept up with raw .NET but not with a client whose connects complete inside the call, because such a client
/// keeps the pool's threads busy and the accept continuations wait behind it. Threads of their own depend on neither.
/// Two rather than one: with one, 1 to 2 of 40 measurements at 64 in flight still lost 64 SYNs (a 1 s stall of every
/// worker) when the scheduler left the accept thread behind the pool's busy threads. Two made that rarer, and two with
/// the benchmark's cap on pool threads (see BenchCommand) made it disappear: no SYN dropped in 96 measurements.
/// </remarks>
internal sealed class LoopbackListener : IDisposable
{
    /// <summary>The backlog asked for; Linux silently caps it at net.core.somaxconn.</summary>
    public const int RequestedBacklog = 65535;

    /// <summary>Accept threads sharing the listening socket (see the remarks for why two).</summary>
    public const int DefaultAcceptThreads = 2;

    private readonly Socket _socket;
    private readonly Thread[] _threads;
    private long _accepted;
    private volatile bool _stopping;

    private LoopbackListener(Socket socket, int acceptThreads)
    {
        _socket = socket;
        EndPoint = (IPEndPoint)socket.LocalEndPoint!;
        _threads = new Thread[acceptThreads];
        for (int i = 0; i < acceptThreads; i++)
        {
            _threads[i] = new Thread(AcceptLoop) { IsBackground = true, Name = $"accept {EndPoint}" };
            _threads[i].Start();
        }
    }

    /// <summary>Where it listens (the port the OS chose).</summary>
    public IPEndPoint EndPoint { get; }

    /// <summary>Connections accepted so far.</summary>
    public long Accepted => Interlocked.Read(ref _accepted);

    /// <summary>Listens on <paramref name="address"/> with port 0; throws <see cref="SocketException"/> if it cannot.</summary>
    public static LoopbackListener Start(IPAddress address, int acceptThreads = DefaultAcceptThreads)
    {
        var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (address.AddressFamily == AddressFamily.InterNetworkV6) socket.DualMode = false; // [::1] only: IPv4 has its own listener
            socket.Bind(new IPEndPoint(address, 0));
            socket.Listen(RequestedBacklog);
            return new LoopbackListener(socket, acceptThreads);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>As <see cref="Start"/>, or null when the address is not available here (no IPv6 loopback, for instance).</summary>
    public static LoopbackListener? TryStart(IPAddress address, out string? why)
    {
        why = null;
        if (address.AddressFamily == AddressFamily.InterNetworkV6 && !Socket.OSSupportsIPv6)
        {
            why = "the OS does not support IPv6";
            return null;
        }
        try
        {
            return Start(address);
        }
        catch (SocketException e)
        {
            why = $"{e.SocketErrorCode}: {e.Message}";
            return null;
        }
    }

    /// <summary>One line that says how the listener is set up, for the notes printed with any measurement.</summary>
    public string Describe()
    {
        string cap = KernelBacklogCap() is { } somaxconn
            ? string.Create(CultureInfo.InvariantCulture, $"the kernel caps it at net.core.somaxconn = {somaxconn}")
            : "the kernel caps it at net.core.somaxconn";
        return string.Create(CultureInfo.InvariantCulture,
            $"{EndPoint}, backlog {RequestedBacklog} asked ({cap}), {_threads.Length} dedicated thread(s) blocking in accept() " +
            $"(not AcceptAsync on the pool: see LoopbackListener), each accepted socket disposed at once with a plain " +
            $"close (no server-side linger 0: a server RST could make a client's connect report ECONNRESET)");
    }

    /// <summary>Stops accepting: disposing the socket makes the blocked accept() calls return.</summary>
    public void Dispose()
    {
        _stopping = true;
        _socket.Dispose();
        foreach (var thread in _threads) thread.Join(TimeSpan.FromSeconds(5));
    }

    private void AcceptLoop()
    {
        while (!_stopping)
        {
            Socket accepted;
            try
            {
                accepted = _socket.Accept();
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            catch (SocketException) when (_stopping)
            {
                return;
            }
            catch (SocketException)
            {
                continue; // a connection reset while queued (ECONNABORTED): the next one is what matters
            }
            Interlocked.Increment(ref _accepted);
            accepted.Dispose();
        }
    }

    private static int? KernelBacklogCap()
    {
        try
        {
            return int.TryParse(File.ReadAllText("/proc/sys/net/core/somaxconn").Trim(), NumberStyles.None,
                CultureInfo.InvariantCulture, out int value) ? value : null;
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }
}
