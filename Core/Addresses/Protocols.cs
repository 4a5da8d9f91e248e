namespace Wsk.Core;

/// <summary>Protocol numbers (IPPROTO_*).</summary>
public static class Protocols
{
    /// <summary>IPPROTO_IP (0): "any" for raw sockets.</summary>
    public const uint Ip = 0;
    /// <summary>IPPROTO_ICMP.</summary>
    public const uint Icmp = 1;
    /// <summary>IPPROTO_TCP.</summary>
    public const uint Tcp = 6;
    /// <summary>IPPROTO_UDP.</summary>
    public const uint Udp = 17;
    /// <summary>IPPROTO_IPV6.</summary>
    public const uint Ipv6 = 41;
    /// <summary>IPPROTO_RAW.</summary>
    public const uint Raw = 255;
}
