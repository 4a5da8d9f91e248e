using System;

namespace Wsk.Core;

/// <summary>
/// The WSK socket categories, valued as the WskSocket flags that select them (rule SocketCategories).
/// </summary>
[Flags]
public enum SocketCategory : uint
{
    /// <summary>WSK_FLAG_BASIC_SOCKET (0): options and IOCTLs only.</summary>
    Basic = 0,
    /// <summary>WSK_FLAG_LISTEN_SOCKET (1).</summary>
    Listen = 1,
    /// <summary>WSK_FLAG_CONNECTION_SOCKET (2): what WskSocketConnect creates.</summary>
    Connection = 2,
    /// <summary>WSK_FLAG_DATAGRAM_SOCKET (4).</summary>
    Datagram = 4,
    /// <summary>WSK_FLAG_STREAM_SOCKET (8, Windows 10 1703 and later).</summary>
    Stream = 8,
}
