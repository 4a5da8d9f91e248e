namespace Wsk.Core;

/// <summary>Option levels and names this library implements (ws2def.h / ws2ipdef.h / wsk.h values).</summary>
public static class SocketOptionCodes
{
    /// <summary>SOL_SOCKET.</summary>
    public const uint SolSocket = 0xFFFF;
    /// <summary>IPPROTO_IPV6 as an option level.</summary>
    public const uint IpProtoIpv6 = 41;
    /// <summary>SO_REUSEADDR.</summary>
    public const uint ReuseAddress = 0x0004;
    /// <summary>SO_KEEPALIVE.</summary>
    public const uint KeepAlive = 0x0008;
    /// <summary>SO_EXCLUSIVEADDRUSE = ~SO_REUSEADDR.</summary>
    public const uint ExclusiveAddressUse = ~ReuseAddress;
    /// <summary>SO_WSK_SECURITY.</summary>
    public const uint WskSecurity = 0x4001;
    /// <summary>SO_WSK_EVENT_CALLBACK (a connected socket's business; refused before connect).</summary>
    public const uint WskEventCallback = 0x4002;
    /// <summary>IPV6_V6ONLY.</summary>
    public const uint Ipv6V6Only = 27;
}
