using System;
using System.Net;
using System.Net.Sockets;
using System.Threading;

namespace Wsk.Examples;

/// <summary>
/// A listener whose accept queue is full at the moment of a connect, so that the connect cannot finish inside the call
/// and the IRP takes the STATUS_PENDING path for real: on loopback almost every connect completes inline, and a demo
/// that only ever shows STATUS_SUCCESS would hide half of the contract.
/// </summary>
/// <remarks>
/// listen(0) leaves room for one queued connection. <see cref="Fill"/> takes it with a plain connect, so Linux drops the
/// next SYN (the queue is full) and the client retransmits it after its initial 1 s timeout. Meanwhile a thread empties
/// the queue, so the retransmitted SYN is answered and the pending connect completes about a second after it started.
/// </remarks>
internal sealed class BusyListener : IDisposable
{
    private static readonly TimeSpan DrainAfter = TimeSpan.FromMilliseconds(200);

    private readonly Socket _listener;
    private Socket? _filler;
    private Thread? _drain;
    private volatile bool _stopping;

    public BusyListener()
    {
        _listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _listener.Listen(0);
        EndPoint = (IPEndPoint)_listener.LocalEndPoint!;
    }

    public IPEndPoint EndPoint { get; }

    /// <summary>Fills the accept queue, then drains it shortly after, in the background. Call right before the connect.</summary>
    public void Fill()
    {
        _filler = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        _filler.Connect(EndPoint);
        _drain = new Thread(Drain) { IsBackground = true, Name = "busy listener drain" };
        _drain.Start();
    }

    public void Dispose()
    {
        _stopping = true;
        _listener.Dispose(); // makes a blocked accept() return
        _drain?.Join(TimeSpan.FromSeconds(5));
        _filler?.Dispose();
    }

    private void Drain()
    {
        Thread.Sleep(DrainAfter);
        while (!_stopping)
        {
            try
            {
                _listener.Accept().Dispose();
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                return;
            }
        }
    }
}
