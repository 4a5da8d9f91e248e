namespace Wsk.Core;

/// <summary>
/// Windows address-family numbers (ws2def.h). AF_INET6 is 23 here, not Linux's 10 (rule AddressFamilies).
/// </summary>
public static class AddressFamilies
{
    /// <summary>AF_UNSPEC.</summary>
    public const ushort Unspecified = 0;
    /// <summary>AF_UNIX: a real family that WSK does not offer; useful as an unsupported example.</summary>
    public const ushort Unix = 1;
    /// <summary>AF_INET: IPv4, SOCKADDR_IN (16 bytes).</summary>
    public const ushort Inet = 2;
    /// <summary>AF_INET6: IPv6, SOCKADDR_IN6 (28 bytes).</summary>
    public const ushort Inet6 = 23;
}
