using System;
using System.Net;

namespace Wsk.Core;

/// <summary>
/// The parameters of one WskSocketConnect call, as an immutable value. Any call can be represented, valid or not:
/// <see cref="ConnectValidation"/> decides which it is. The IRP travels beside the request, not in it, because an IRP
/// is a mutable, reusable object owned by the caller, while a request is a value that can be replayed.
/// </summary>
/// <param name="Client">The captured client the call is made through.</param>
/// <param name="SocketType">SOCK_* (connection-oriented needs <see cref="SocketTypes.Stream"/>).</param>
/// <param name="Protocol">IPPROTO_* (connection-oriented needs <see cref="Protocols.Tcp"/>).</param>
/// <param name="LocalAddress">
/// Where to bind; its family is the socket's family. Wildcard and port 0 are allowed.
/// </param>
/// <param name="RemoteAddress">Where to connect; same family as <paramref name="LocalAddress"/>.</param>
/// <param name="Flags">Reserved; must be 0.</param>
/// <param name="SocketContext">Handed to every event callback of the new socket.</param>
/// <param name="Dispatch">The callbacks the client may later enable, or null.</param>
/// <param name="OwningProcess">Whose security context the bind uses; null means the calling process.</param>
/// <param name="OwningThread">A thread whose security context the bind uses, or null.</param>
/// <param name="SecurityDescriptor">
/// A cached SD (WSK_CACHE_SD) controlling address sharing, or null for "no sharing".
/// </param>
public sealed record ConnectRequest(
    ClientId Client,
    ushort SocketType,
    uint Protocol,
    SockAddrArgument LocalAddress,
    SockAddrArgument RemoteAddress,
    uint Flags = 0,
    object? SocketContext = null,
    ConnectionDispatch? Dispatch = null,
    ProcessId? OwningProcess = null,
    ThreadId? OwningThread = null,
    SecurityDescriptorHandle? SecurityDescriptor = null)
{
    /// <summary>
    /// The usual call: STREAM/TCP, bind to the wildcard of the remote's family with port 0, connect to
    /// <paramref name="remote"/>.
    /// </summary>
    public static ConnectRequest Tcp(ClientId client, SockAddr remote) =>
        new(client, SocketTypes.Stream, Protocols.Tcp,
            remote.Family == AddressFamilies.Inet6 ? SockAddrIn6.Any() : SockAddrIn.Any(), remote);

    /// <summary>The usual call to the address an <see cref="IPEndPoint"/> names.</summary>
    /// <exception cref="ArgumentException">A <see cref="DnsEndPoint"/> (a connect does not resolve names) or any end
    /// point other than an IPv4 or IPv6 <see cref="IPEndPoint"/>.</exception>
    public static ConnectRequest Tcp(ClientId client, EndPoint remote) => Tcp(client, SockAddr.FromEndPoint(remote));
}

/// <summary>
/// A request that passed validation: the facts the transport needs, with the addresses known to be usable.
/// </summary>
/// <param name="Family">The socket's family, taken from the local address.</param>
/// <param name="LocalAddress">The bind address (IPv4 or IPv6, same family as the remote).</param>
/// <param name="RemoteAddress">The connect target.</param>
/// <param name="Request">The request it came from (context, dispatch, owners, SD).</param>
public sealed record ValidConnect(ushort Family, SockAddr LocalAddress, SockAddr RemoteAddress, ConnectRequest Request)
{
    /// <summary>True when the bind is the wildcard with port 0, so the OS may choose both at connect time.</summary>
    public bool BindsAnywhere => LocalAddress.IsWildcard && LocalAddress.Port == 0;
}
