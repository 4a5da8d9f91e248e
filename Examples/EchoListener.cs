using System;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;

namespace Wsk.Examples;

/// <summary>
/// The demo's loopback peer for the data path: writes back whatever a connection sends until the client shuts its side
/// down, then shuts down its own side and closes, so the client sees its data come back and then a graceful disconnect.
/// A listener of its own rather than a mode of <see cref="LoopbackListener"/>: that one is tuned to accept as fast as a
/// benchmark connects, and reading from its connections would change what the benchmark measures.
/// </summary>
internal sealed class EchoListener : IDisposable
{
    private readonly Socket _socket;
    private readonly Task _accepting;
    private long _echoed;
    private int _finished;

    private EchoListener(Socket socket)
    {
        _socket = socket;
        EndPoint = (IPEndPoint)socket.LocalEndPoint!;
        _accepting = Task.Run(AcceptLoopAsync);
    }

    public IPEndPoint EndPoint { get; }

    /// <summary>Bytes written back so far.</summary>
    public long Echoed => Interlocked.Read(ref _echoed);

    /// <summary>Connections that ended with the client's shutdown (answered with ours).</summary>
    public int Finished => Volatile.Read(ref _finished);

    /// <summary>Listens on 127.0.0.1 with a port the OS chooses.</summary>
    public static EchoListener Start()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            socket.Listen(16);
            return new EchoListener(socket);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Stops accepting; a connection still being echoed ends when its client closes.</summary>
    public void Dispose()
    {
        _socket.Dispose();
        _accepting.Wait(TimeSpan.FromSeconds(5));
    }

    private async Task AcceptLoopAsync()
    {
        while (true)
        {
            Socket client;
            try
            {
                client = await _socket.AcceptAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                return; // disposed
            }
            _ = EchoAsync(client);
        }
    }

    private async Task EchoAsync(Socket client)
    {
        using (client)
        {
            var buffer = new byte[4096];
            try
            {
                int n;
                while ((n = await client.ReceiveAsync(buffer).ConfigureAwait(false)) > 0)
                {
                    await client.SendAsync(buffer.AsMemory(0, n)).ConfigureAwait(false);
                    Interlocked.Add(ref _echoed, n);
                }
                // The client's FIN: answer with ours. Everything was read, so the close that follows sends no reset.
                client.Shutdown(SocketShutdown.Send);
                Interlocked.Increment(ref _finished);
            }
            catch (SocketException)
            {
                // A client that reset or closed abortively: nothing to echo to.
            }
        }
    }
}
