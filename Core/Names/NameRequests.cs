using System;
using System.Collections.Generic;

namespace Wsk.Core;

/// <summary>The ADDRINFOEXW ai_flags WskGetAddressInfo understands (Winsock's values).</summary>
public static class AddrInfoFlags
{
    /// <summary>AI_PASSIVE: with a NULL node name, the wildcard addresses (for a bind) rather than loopback.</summary>
    public const int Passive = 0x01;
    /// <summary>AI_CANONNAME: the first entry carries the canonical name.</summary>
    public const int CanonName = 0x02;
    /// <summary>AI_NUMERICHOST: the node name must be a numeric address; nothing is looked up.</summary>
    public const int NumericHost = 0x04;
    /// <summary>AI_NUMERICSERV: the service name must be a port number.</summary>
    public const int NumericServ = 0x08;
    /// <summary>AI_ALL: accepted, no effect (this library returns no IPv4-mapped addresses).</summary>
    public const int All = 0x0100;
    /// <summary>AI_ADDRCONFIG: accepted, no effect (every family is offered).</summary>
    public const int AddrConfig = 0x0400;
    /// <summary>AI_V4MAPPED: accepted, no effect.</summary>
    public const int V4Mapped = 0x0800;
    /// <summary>Every flag WskGetAddressInfo accepts; any other bit is
    /// AddressInfoRule.HintsFlagsNotSupported.</summary>
    public const int Known = Passive | CanonName | NumericHost | NumericServ | All | AddrConfig | V4Mapped;
}

/// <summary>The Flags of WskGetNameInfo (Winsock's NI_ values).</summary>
public static class NameInfoFlags
{
    /// <summary>NI_NOFQDN: only the host part of a name found (up to the first dot).</summary>
    public const uint NoFqdn = 0x01;
    /// <summary>NI_NUMERICHOST: the numeric address, no lookup.</summary>
    public const uint NumericHost = 0x02;
    /// <summary>NI_NAMEREQD: a name must be found (else STATUS_NOT_FOUND), not the numeric address instead.</summary>
    public const uint NameRequired = 0x04;
    /// <summary>NI_NUMERICSERV: the port number, not a service name.</summary>
    public const uint NumericServ = 0x08;
    /// <summary>NI_DGRAM: the service is a datagram (UDP) one.</summary>
    public const uint Datagram = 0x10;
    /// <summary>Every flag WskGetNameInfo accepts; any other bit is NameInfoRule.FlagsNotSupported.</summary>
    public const uint Known = NoFqdn | NumericHost | NameRequired | NumericServ | Datagram;
}

/// <summary>The name spaces WskGetAddressInfo accepts (NS_ALL and NS_DNS); any other is NOT_SUPPORTED.</summary>
public static class NameSpaces
{
    /// <summary>NS_ALL (0).</summary>
    public const uint All = 0;
    /// <summary>NS_DNS (12).</summary>
    public const uint Dns = 12;
}

/// <summary>The ADDRINFOEXW hints a WskGetAddressInfo caller may pass: which entries it wants.</summary>
/// <param name="Flags">ai_flags (<see cref="AddrInfoFlags"/>).</param>
/// <param name="Family">ai_family: AF_UNSPEC (0), AF_INET (2) or AF_INET6 (23).</param>
/// <param name="SocketType">ai_socktype: 0, SOCK_STREAM, SOCK_DGRAM or SOCK_RAW; copied into every entry.</param>
/// <param name="Protocol">ai_protocol: 0, IPPROTO_TCP or IPPROTO_UDP; copied into every entry.</param>
public sealed record AddrInfoHints(int Flags = 0, ushort Family = AddressFamilies.Unspecified, ushort SocketType = 0,
    uint Protocol = 0);

/// <summary>One WskGetAddressInfo call, as a value.</summary>
/// <param name="Client">The capture the call goes through.</param>
/// <param name="NodeName">The host name or numeric address, or null.</param>
/// <param name="ServiceName">The service name or port number, or null (port 0).</param>
/// <param name="NameSpace">NS_ALL or NS_DNS.</param>
/// <param name="Provider">The name-space provider; only null is offered.</param>
/// <param name="Hints">The hints, or null (every family, type and protocol 0, no flags).</param>
/// <param name="OwningProcess">The process whose context resolves, or null.</param>
/// <param name="OwningThread">The thread whose context resolves, or null; requires an owning process.</param>
public sealed record AddressInfoRequest(ClientId Client, string? NodeName, string? ServiceName,
    uint NameSpace = NameSpaces.All, Guid? Provider = null, AddrInfoHints? Hints = null,
    ProcessId? OwningProcess = null, ThreadId? OwningThread = null);

/// <summary>One WskGetNameInfo call, as a value.</summary>
/// <param name="Client">The capture the call goes through.</param>
/// <param name="Address">The SOCKADDR as the codec read it.</param>
/// <param name="AddressLength">SockAddrLength as the caller gave it (at most SOCKADDR_STORAGE, 128).</param>
/// <param name="NodeCapacity">The node-name buffer's capacity in characters, or null for no buffer.</param>
/// <param name="ServiceCapacity">The service-name buffer's capacity in characters, or null for no buffer.</param>
/// <param name="Flags">The NI_ flags (<see cref="NameInfoFlags"/>).</param>
/// <param name="OwningProcess">The process whose context resolves, or null.</param>
/// <param name="OwningThread">The thread whose context resolves, or null; requires an owning process.</param>
public sealed record NameInfoRequest(ClientId Client, SockAddrArgument Address, uint AddressLength,
    int? NodeCapacity, int? ServiceCapacity, uint Flags = 0, ProcessId? OwningProcess = null,
    ThreadId? OwningThread = null)
{
    /// <summary>A request for <paramref name="address"/> with its full structure's length.</summary>
    public static NameInfoRequest Of(ClientId client, SockAddr address, uint flags = 0, int capacity = 256) =>
        new(client, address, (uint)SockAddrCodec.SizeOf(address?.Family ?? 0), capacity, capacity, flags);
}

/// <summary>One ADDRINFOEXW entry of a WskGetAddressInfo result.</summary>
/// <param name="Family">ai_family: AF_INET or AF_INET6.</param>
/// <param name="SocketType">ai_socktype, as the hints asked (0 when they did not).</param>
/// <param name="Protocol">ai_protocol, as the hints asked (0 when they did not).</param>
/// <param name="Address">ai_addr, with the service's port.</param>
/// <param name="CanonicalName">ai_canonname: on the first entry only, when AI_CANONNAME was asked.</param>
public sealed record AddressInfoEntry(ushort Family, ushort SocketType, uint Protocol, SockAddr Address,
    string? CanonicalName = null);

/// <summary>What a lookup needs: the addresses known without one, or the name and families to ask for.</summary>
/// <param name="Status">STATUS_SUCCESS to go on; else the call's final status (no lookup).</param>
/// <param name="Port">The service's port.</param>
/// <param name="Known">Addresses known without a lookup (numeric, wildcard, loopback); empty when a lookup is
/// due.</param>
/// <param name="LookUp">The name to look up, or null.</param>
/// <param name="Families">The families to ask for, IPv6 first (each asked on its own).</param>
public sealed record AddressInfoPlan(NtStatus Status, ushort Port, IReadOnlyList<SockAddr> Known, string? LookUp,
    IReadOnlyList<ushort> Families);
