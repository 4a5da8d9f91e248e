using System;
using System.Collections.Generic;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Threading;

namespace Wsk.Examples;

/// <summary>
/// The server side of the data-path rows, the same for every client: an in-process listener on 127.0.0.1 with plain
/// Sockets, one dedicated thread blocking in accept() and one dedicated thread per connection blocking in Receive().
/// Discard reads and drops (and counts, so a bulk measurement can end when the bytes arrived, not when they were handed
/// to the kernel); echo writes back every byte it read. Its allocations are the same for every client and cancel out
/// of the comparison (none per read: one buffer per connection).
/// </summary>
internal sealed class DataServer : IDisposable
{
    public const int ReadBufferSize = 256 * 1024;

    private readonly Socket _socket;
    private readonly bool _echo;
    private readonly Thread _acceptThread;
    private readonly List<(Socket Socket, Thread Thread)> _connections = new();
    private long _received;
    private volatile bool _stopping;

    private DataServer(Socket socket, bool echo)
    {
        _socket = socket;
        _echo = echo;
        EndPoint = (IPEndPoint)socket.LocalEndPoint!;
        _acceptThread = new Thread(AcceptLoop) { IsBackground = true, Name = $"{Mode} accept {EndPoint}" };
        _acceptThread.Start();
    }

    public IPEndPoint EndPoint { get; }

    public string Mode => _echo ? "echo" : "discard";

    /// <summary>Bytes read over every connection so far.</summary>
    public long Received => Interlocked.Read(ref _received);

    public static DataServer Start(bool echo)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        socket.Listen(512);
        return new DataServer(socket, echo);
    }

    public string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"{Mode} server {EndPoint}: plain Sockets, TCP_NODELAY, a thread blocking in accept() and a thread per connection " +
        $"blocking in Receive() ({ReadBufferSize / 1024} KiB buffer){(_echo ? ", each read written back whole with Send()" : ", bytes dropped")}");

    /// <summary>Waits (sleeping, allocating nothing) until <paramref name="total"/> bytes were read; false after the limit.</summary>
    public bool WaitForReceived(long total, TimeSpan limit)
    {
        long deadline = Environment.TickCount64 + (long)limit.TotalMilliseconds;
        while (Received < total)
        {
            if (Environment.TickCount64 > deadline) return false;
            Thread.Sleep(1);
        }
        return true;
    }

    public void Dispose()
    {
        _stopping = true;
        _socket.Dispose();
        _acceptThread.Join(TimeSpan.FromSeconds(5));
        lock (_connections)
        {
            foreach (var (socket, _) in _connections) socket.Dispose();
            foreach (var (_, thread) in _connections) thread.Join(TimeSpan.FromSeconds(5));
        }
    }

    private void AcceptLoop()
    {
        while (!_stopping)
        {
            Socket accepted;
            try { accepted = _socket.Accept(); }
            catch (Exception e) when (e is ObjectDisposedException or SocketException) { return; }
            accepted.NoDelay = true;
            var thread = new Thread(() => Serve(accepted)) { IsBackground = true, Name = $"{Mode} {accepted.RemoteEndPoint}" };
            lock (_connections) _connections.Add((accepted, thread));
            thread.Start();
        }
    }

    private void Serve(Socket socket)
    {
        var buffer = new byte[ReadBufferSize];
        try
        {
            while (true)
            {
                int n = socket.Receive(buffer, SocketFlags.None);
                if (n == 0) break;
                Interlocked.Add(ref _received, n);
                if (_echo) socket.Send(buffer.AsSpan(0, n), SocketFlags.None);
            }
        }
        catch (Exception e) when (e is ObjectDisposedException or SocketException) { }
        try { socket.Shutdown(SocketShutdown.Send); }
        catch (Exception e) when (e is ObjectDisposedException or SocketException) { }
    }
}
