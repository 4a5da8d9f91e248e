using Wsk.Core;

namespace Wsk.Shell;

/// <summary>
/// One transport socket of the three-step path, before it is connected. The provider decides everything (options,
/// sharing, state); the transport only carries the decisions to the network.
/// </summary>
public interface ITransportSocket
{
    /// <summary>
    /// Applies the model's options (sharing configuration, IPV6_V6ONLY, SO_KEEPALIVE); once bound, only SO_KEEPALIVE.
    /// </summary>
    NtStatus Apply(SocketOptions options);

    /// <summary>
    /// Binds; on success <paramref name="bound"/> is the address really held (the port chosen when 0 was asked).
    /// </summary>
    NtStatus Bind(SockAddr local, out SockAddr? bound);

    /// <summary>
    /// Connects the bound socket, with <see cref="ITransport.Connect"/>'s contract: a final status inside the call (the
    /// connection on success) or STATUS_PENDING and exactly one later answer. Either way the socket is consumed: it
    /// became the connection, or it was released with the failure.
    /// </summary>
    TransportConnectResult Connect(SockAddr remote, ITransportConnectSink sink);

    /// <summary>Releases the socket if <see cref="Connect"/> has not consumed it. Idempotent; never fails.</summary>
    void Close();
}
