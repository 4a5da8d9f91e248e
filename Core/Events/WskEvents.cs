using System;

namespace Wsk.Core;

/// <summary>WSK_EVENT_* masks (wsk.h values).</summary>
public static class WskEvents
{
    /// <summary>WSK_EVENT_SEND_BACKLOG.</summary>
    public const uint SendBacklog = 0x10;
    /// <summary>WSK_EVENT_RECEIVE.</summary>
    public const uint Receive = 0x40;
    /// <summary>WSK_EVENT_DISCONNECT.</summary>
    public const uint Disconnect = 0x80;
    /// <summary>WSK_EVENT_RECEIVE_FROM (datagram sockets).</summary>
    public const uint ReceiveFrom = 0x100;
    /// <summary>WSK_EVENT_ACCEPT (listening sockets).</summary>
    public const uint Accept = 0x200;
    /// <summary>
    /// WSK_EVENT_DISABLE: only for disabling one event on a socket; meaningless for static callbacks.
    /// </summary>
    public const uint Disable = 0x8000_0000;

    /// <summary>Every event a connection socket has (what SO_WSK_EVENT_CALLBACK takes on one).</summary>
    public const uint ConnectionEvents = SendBacklog | Receive | Disconnect;

    /// <summary>Every event a client may enable statically.</summary>
    public const uint All = SendBacklog | Receive | Disconnect | ReceiveFrom | Accept;

    /// <summary>NPI_WSK_INTERFACE_ID: the NPI every standard WSK event callback belongs to.</summary>
    public static readonly Guid WskInterfaceId = new("2227e803-8d8b-11d4-abad-009027719e09");
}
