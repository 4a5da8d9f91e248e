namespace Wsk.Core;

/// <summary>Socket types (SOCK_*), Windows numbering.</summary>
public static class SocketTypes
{
    /// <summary>SOCK_STREAM: reliable, connection-oriented byte stream.</summary>
    public const ushort Stream = 1;
    /// <summary>SOCK_DGRAM: connectionless datagrams.</summary>
    public const ushort Datagram = 2;
    /// <summary>SOCK_RAW: raw access to the transport.</summary>
    public const ushort Raw = 3;
}
