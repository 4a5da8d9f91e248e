using System;
using System.Net.Sockets;
using System.Threading;
using Wsk.Core;

namespace Wsk.Shell;

/// <summary>
/// A connect answered by one SocketAsyncEventArgs operation on its socket. A cancel disposes the socket, which aborts
/// the operation; whichever of the answer and the cancel comes first decides, and the sink hears exactly one of them
/// (or, when the runtime finished inside the call, the caller gets the answer inline).
/// </summary>
internal abstract class PendingSocketConnect : SocketAsyncEventArgs, ITransportCancel
{
    private const int Waiting = 0, Cancelled = 1, Answered = 2;
    private readonly ITransportConnectSink _sink;
    private int _state;

    /// <summary>A connect of <paramref name="socket"/>, which the transport already counts as open.</summary>
    protected PendingSocketConnect(Socket socket, ITransportConnectSink sink)
        : base(unsafeSuppressExecutionContextFlow: true)
    {
        Socket = socket;
        _sink = sink;
    }

    /// <summary>The socket being connected: it becomes the connection, or it is disposed with the failure.</summary>
    protected Socket Socket { get; }

    /// <summary>
    /// Starts the operation on <see cref="Socket"/>; false when the runtime finished it inside the call.
    /// </summary>
    protected abstract bool StartOperation();

    /// <summary>The connection over the connected <see cref="Socket"/>.</summary>
    protected abstract ITransportConnection Adopt();

    /// <summary>The socket is gone: the transport counts one open socket less.</summary>
    protected abstract void Released();

    /// <summary>Starts the connect: its answer when it finished inside the call, else STATUS_PENDING.</summary>
    public TransportConnectResult Start()
    {
        bool pending;
        try { pending = StartOperation(); }
        catch (SocketException e) { pending = false; SocketError = e.SocketErrorCode; }
        catch (ObjectDisposedException) { pending = false; SocketError = SocketError.OperationAborted; }
        if (pending) return TransportConnectResult.Later(this);
        var (status, connection) = Decide();
        Dispose();
        return TransportConnectResult.Done(status, connection);
    }

    public void Cancel()
    {
        if (Interlocked.CompareExchange(ref _state, Cancelled, Waiting) == Waiting)
            Socket.Dispose(); // aborts the operation; OnCompleted answers STATUS_CANCELLED
    }

    protected override void OnCompleted(SocketAsyncEventArgs e)
    {
        var (status, connection) = Decide();
        Dispose();
        _sink.OnConnectCompleted(status, connection);
    }

    private (NtStatus, ITransportConnection?) Decide()
    {
        bool cancelled = Interlocked.CompareExchange(ref _state, Answered, Waiting) != Waiting;
        if (!cancelled && SocketError == SocketError.Success) return (NtStatus.Success, Adopt());
        Socket.Dispose();
        Released();
        return (cancelled ? NtStatus.Cancelled : StreamConnection.ToStatus(SocketError), null);
    }
}
