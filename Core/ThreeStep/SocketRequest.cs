namespace Wsk.Core;

/// <summary>
/// WskSocket's parameters for a connection socket (the first step of the three-step path): the socket is created
/// unbound, its options may be set, then WskBind and WskConnect follow.
/// </summary>
/// <param name="Client">The captured client.</param>
/// <param name="AddressFamily">AF_INET (2) or AF_INET6 (23).</param>
/// <param name="SocketType">SOCK_STREAM.</param>
/// <param name="Protocol">IPPROTO_TCP.</param>
/// <param name="Flags">The category: WSK_FLAG_CONNECTION_SOCKET (2) is the one this library offers.</param>
/// <param name="SocketContext">Handed to every event callback.</param>
/// <param name="Dispatch">The client's connection callbacks, or null.</param>
/// <param name="OwningProcess">Whose security context binds use; null = the calling process.</param>
/// <param name="OwningThread">A thread whose token binds use, or null.</param>
/// <param name="SecurityDescriptor">A cached SD for the socket's address, or null (not shareable).</param>
public sealed record SocketRequest(
    ClientId Client,
    ushort AddressFamily,
    ushort SocketType = SocketTypes.Stream,
    uint Protocol = Protocols.Tcp,
    uint Flags = (uint)SocketCategory.Connection,
    object? SocketContext = null,
    ConnectionDispatch? Dispatch = null,
    ProcessId? OwningProcess = null,
    ThreadId? OwningThread = null,
    SecurityDescriptorHandle? SecurityDescriptor = null);
