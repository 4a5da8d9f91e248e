using System;
using Wsk.Core;

namespace Wsk.Shell;

/// <summary>
/// The one seam between the provider and a network (the runtime's PAL, in WSK terms): the real one over
/// System.Net.Sockets (<see cref="OsTransport"/>) and simulated ones implement it. The provider never touches a socket
/// itself; a transport never touches an IRP. A transport that also has the three-step path implements
/// <see cref="IThreeStepTransport"/>.
/// </summary>
public interface ITransport
{
    /// <summary>
    /// Creates a connection-oriented socket of <paramref name="family"/>, binds it to <paramref name="localAddress"/>
    /// (the wildcard with port 0: wherever the OS chooses at connect time) and connects it to
    /// <paramref name="remoteAddress"/>. The addresses are validated and of <paramref name="family"/>. Returns the
    /// final status when it finished inside the call (with the connection on STATUS_SUCCESS), or STATUS_PENDING with a
    /// handle to cancel it; a pending connect calls <paramref name="sink"/> exactly once, later, possibly on another
    /// thread, possibly before this method has returned.
    /// </summary>
    TransportConnectResult Connect(ushort family, SockAddr localAddress, SockAddr remoteAddress,
        ITransportConnectSink sink);

    /// <summary>Connections this transport has open right now (for leak checks).</summary>
    int OpenConnections { get; }

    /// <summary>
    /// The addresses this transport's sockets hold, as the sharing table sees them: one table per network stack, so
    /// that every registration over it judges binds against the same addresses (rule SharingTable). The default gives
    /// each transport object its own table.
    /// </summary>
    AddressTable Addresses => AddressTable.Of(this);
}

/// <summary>
/// A transport with the three-step path (WskSocket, WskControlSocket, WskBind, WskConnect). WskSocket over a transport
/// without it answers STATUS_NOT_SUPPORTED. Its connect keeps <see cref="ITransport.Connect"/>'s contract, and for the
/// same addresses it answers as that connect does.
/// </summary>
public interface IThreeStepTransport : ITransport
{
    /// <summary>Creates an unbound connection-oriented socket of <paramref name="family"/>.</summary>
    NtStatus OpenSocket(ushort family, out ITransportSocket? socket);
}

/// <summary>Receives the answer of a pending transport connect.</summary>
public interface ITransportConnectSink
{
    /// <summary>
    /// The connect finished: <paramref name="connection"/> is set exactly when <paramref name="status"/> is
    /// STATUS_SUCCESS.
    /// </summary>
    void OnConnectCompleted(NtStatus status, ITransportConnection? connection);
}

/// <summary>A pending transport operation that can be cancelled.</summary>
public interface ITransportCancel
{
    /// <summary>
    /// Asks the operation to stop; it still answers its sink exactly once (STATUS_CANCELLED, or its real result).
    /// </summary>
    void Cancel();
}

/// <summary>What <see cref="ITransport.Connect"/> returns.</summary>
/// <param name="Status">The final status, or STATUS_PENDING.</param>
/// <param name="Connection">On STATUS_SUCCESS, the connection.</param>
/// <param name="Pending">On STATUS_PENDING, how to cancel.</param>
public readonly record struct TransportConnectResult(
    NtStatus Status, ITransportConnection? Connection, ITransportCancel? Pending)
{
    /// <summary>Finished inside the call.</summary>
    public static TransportConnectResult Done(NtStatus status, ITransportConnection? connection = null) =>
        new(status, connection, null);

    /// <summary>Will answer later.</summary>
    public static TransportConnectResult Later(ITransportCancel pending) => new(NtStatus.Pending, null, pending);
}

/// <summary>
/// One connected transport socket. Every I/O call answers exactly once: inside the call (a status other than
/// STATUS_PENDING) or later through its sink, possibly on another thread.
/// </summary>
public interface ITransportConnection
{
    /// <summary>The bound local address (getsockname), or a failure status.</summary>
    NtStatus GetLocalAddress(out SockAddr? address);

    /// <summary>The connected peer (getpeername), or a failure status.</summary>
    NtStatus GetRemoteAddress(out SockAddr? address);

    /// <summary>Sends every byte of <paramref name="data"/>; the answer carries the bytes sent.</summary>
    TransportIoResult Send(ReadOnlyMemory<byte> data, ITransportIoSink sink);

    /// <summary>
    /// Receives at least one byte into <paramref name="buffer"/> (0 bytes: the peer shut down gracefully), or with
    /// <see cref="TransportReceiveMode.Peek"/> waits until data or the end of the stream is there without consuming it.
    /// </summary>
    TransportIoResult Receive(Memory<byte> buffer, TransportReceiveMode mode, ITransportIoSink sink);

    /// <summary>Ends the outgoing stream (FIN) after the data already handed to the transport.</summary>
    NtStatus Shutdown();

    /// <summary>
    /// Resets the connection now (the peer sees a reset); the socket stays allocated until <see cref="Close"/>.
    /// </summary>
    NtStatus Abort();

    /// <summary>The send backlog the transport would like outstanding (WskSendBacklogEvent's figure).</summary>
    long IdealSendBacklog { get; }

    /// <summary>Releases the socket: abortively (a reset) or gracefully. Idempotent; never fails.</summary>
    void Close(bool abortive);
}

/// <summary>How a transport receive reads.</summary>
public enum TransportReceiveMode
{
    /// <summary>Whatever is there, at least one byte.</summary>
    Some,
    /// <summary>Look without consuming: answers 1 when data waits, 0 at the end of the stream.</summary>
    Peek,
}

/// <summary>Receives the answer of a pending transport I/O.</summary>
public interface ITransportIoSink
{
    /// <summary>The I/O finished with <paramref name="status"/> after transferring <paramref name="bytes"/>.</summary>
    void OnIoCompleted(NtStatus status, int bytes);
}

/// <summary>What a transport I/O call returns.</summary>
/// <param name="Status">The final status, or STATUS_PENDING.</param>
/// <param name="Bytes">Bytes transferred, when final.</param>
/// <param name="Pending">When pending, how to cancel it.</param>
public readonly record struct TransportIoResult(NtStatus Status, int Bytes, ITransportCancel? Pending)
{
    /// <summary>Finished inside the call.</summary>
    public static TransportIoResult Done(NtStatus status, int bytes = 0) => new(status, bytes, null);

    /// <summary>Will answer later.</summary>
    public static TransportIoResult Later(ITransportCancel pending) => new(NtStatus.Pending, 0, pending);
}
