using System;

namespace Wsk.Core;

/// <summary>One WSK_DATA_INDICATION: a buffer of received data and the next indication in the chain.</summary>
/// <param name="Buffer">The bytes indicated.</param>
/// <param name="Next">The next indication, or null at the end of the chain.</param>
public sealed record DataIndication(ReadOnlyMemory<byte> Buffer, DataIndication? Next);

/// <summary>PFN_WSK_RECEIVE_EVENT: data arrived (or, with a null indication, the socket is dead).</summary>
/// <param name="socketContext">The SocketContext given to WskSocketConnect.</param>
/// <param name="flags">WSK_FLAG_RELEASE_ASAP, WSK_FLAG_ENTIRE_MESSAGE, WSK_FLAG_AT_DISPATCH_LEVEL.</param>
/// <param name="indication">The data, or null when the socket can no longer be used.</param>
/// <param name="bytesIndicated">Total bytes in the chain.</param>
/// <param name="bytesAccepted">Bytes the client consumed, when it consumed only part.</param>
/// <returns>STATUS_SUCCESS, STATUS_PENDING (the client keeps the chain) or STATUS_DATA_NOT_ACCEPTED.</returns>
public delegate NtStatus WskReceiveEvent(
    object? socketContext, uint flags, DataIndication? indication, long bytesIndicated, out long bytesAccepted);

/// <summary>
/// PFN_WSK_DISCONNECT_EVENT: the peer disconnected (WSK_FLAG_ABORTIVE for a reset). Must return STATUS_SUCCESS.
/// </summary>
/// <param name="socketContext">The SocketContext given to WskSocketConnect.</param>
/// <param name="flags">WSK_FLAG_ABORTIVE (0x1) for a reset, else 0; WSK_FLAG_AT_DISPATCH_LEVEL may be added.</param>
/// <returns>STATUS_SUCCESS.</returns>
public delegate NtStatus WskDisconnectEvent(object? socketContext, uint flags);

/// <summary>PFN_WSK_SEND_BACKLOG_EVENT: the ideal send backlog changed. Must return STATUS_SUCCESS.</summary>
/// <param name="socketContext">The SocketContext given to WskSocketConnect.</param>
/// <param name="idealBacklogSize">The new ideal amount of outstanding send data.</param>
/// <returns>STATUS_SUCCESS.</returns>
public delegate NtStatus WskSendBacklogEvent(object? socketContext, long idealBacklogSize);

/// <summary>
/// WSK_CLIENT_CONNECTION_DISPATCH: the client's callbacks for one connection socket, each optional. Callbacks stay
/// disabled after WskSocketConnect until the client enables them (rule CallbacksStartDisabled); giving them here only
/// says where they will go.
/// </summary>
/// <param name="ReceiveEvent">WskReceiveEvent, or null.</param>
/// <param name="DisconnectEvent">WskDisconnectEvent, or null.</param>
/// <param name="SendBacklogEvent">WskSendBacklogEvent, or null.</param>
public sealed record ConnectionDispatch(
    WskReceiveEvent? ReceiveEvent = null,
    WskDisconnectEvent? DisconnectEvent = null,
    WskSendBacklogEvent? SendBacklogEvent = null);
