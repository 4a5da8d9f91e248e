using System.Collections.Generic;

namespace Wsk.Core;

/// <summary>
/// The rules a WskGetAddressInfo call can break, in precedence order (the order of the C signature's parameters):
/// the call returns the status of the first one broken, having completed its IRP with it.
/// </summary>
public enum AddressInfoRule
{
    /// <summary>NodeName and ServiceName are both NULL: nothing to resolve.</summary>
    NoNodeAndNoService,
    /// <summary>NameSpace is neither NS_ALL nor NS_DNS.</summary>
    NameSpaceNotSupported,
    /// <summary>A name-space Provider was given; only the default (NULL) is offered.</summary>
    ProviderNotSupported,
    /// <summary>Hints carry an unknown AI_ flag, or AI_CANONNAME without a node name.</summary>
    HintsFlagsNotSupported,
    /// <summary>Hints ask for a family other than AF_UNSPEC, AF_INET or AF_INET6.</summary>
    HintsFamilyNotSupported,
    /// <summary>Hints ask for a socket type or protocol not offered, or a pair that does not go together.</summary>
    HintsTransportNotSupported,
    /// <summary>No Result holder to receive the list.</summary>
    ResultMissing,
    /// <summary>OwningThread without OwningProcess.</summary>
    OwningThreadWithoutProcess,
}

/// <summary>The rules a WskGetNameInfo call can break, in precedence order.</summary>
public enum NameInfoRule
{
    /// <summary>SockAddr is NULL.</summary>
    AddressMissing,
    /// <summary>SockAddrLength is above SOCKADDR_STORAGE (128) or below its family's structure.</summary>
    AddressLengthInvalid,
    /// <summary>The SOCKADDR's family is neither AF_INET nor AF_INET6.</summary>
    AddressFamilyNotSupported,
    /// <summary>NodeName and ServiceName are both NULL.</summary>
    NoBuffers,
    /// <summary>Flags carry a bit that is no NI_ flag.</summary>
    FlagsNotSupported,
    /// <summary>OwningThread without OwningProcess.</summary>
    OwningThreadWithoutProcess,
}

/// <summary>The name calls' rules as data, and their validation: every broken rule, in precedence order.</summary>
public static class NameRules
{
    /// <summary>SOCKADDR_STORAGE's size: the longest SockAddrLength WskGetNameInfo takes.</summary>
    public const uint SockAddrStorageSize = 128;

    /// <summary>WskGetAddressInfo's rules with their statuses and reasons.</summary>
    public static RuleTable<AddressInfoRule> AddressInfo { get; } = new(new[]
    {
        (AddressInfoRule.NoNodeAndNoService, NtStatus.InvalidParameter, "getaddrinfo needs a node or a service"),
        (AddressInfoRule.NameSpaceNotSupported, NtStatus.NotSupported, "only NS_ALL and NS_DNS are offered"),
        (AddressInfoRule.ProviderNotSupported, NtStatus.NotSupported, "only the default name-space provider exists"),
        (AddressInfoRule.HintsFlagsNotSupported, NtStatus.InvalidParameter,
            "EAI_BADFLAGS: an unknown flag, or AI_CANONNAME with no node name"),
        (AddressInfoRule.HintsFamilyNotSupported, NtStatus.NotSupported, "EAI_FAMILY: IPv4 and IPv6 only"),
        (AddressInfoRule.HintsTransportNotSupported, NtStatus.NotSupported,
            "EAI_SOCKTYPE: STREAM/TCP, DGRAM/UDP, RAW, or 0 for either"),
        (AddressInfoRule.ResultMissing, NtStatus.InvalidParameter, "a required pointer is NULL"),
        (AddressInfoRule.OwningThreadWithoutProcess, NtStatus.InvalidParameter,
            "the WDK page requires OwningProcess whenever OwningThread is given"),
    });

    /// <summary>WskGetNameInfo's rules with their statuses and reasons.</summary>
    public static RuleTable<NameInfoRule> NameInfo { get; } = new(new[]
    {
        (NameInfoRule.AddressMissing, NtStatus.InvalidParameter, "a required pointer is NULL"),
        (NameInfoRule.AddressLengthInvalid, NtStatus.InvalidParameter,
            "the WDK page bounds SockAddrLength by SOCKADDR_STORAGE; shorter than the structure is truncated"),
        (NameInfoRule.AddressFamilyNotSupported, NtStatus.NotSupported, "EAI_FAMILY: IPv4 and IPv6 only"),
        (NameInfoRule.NoBuffers, NtStatus.InvalidParameter, "the WDK page: NodeName and ServiceName not both NULL"),
        (NameInfoRule.FlagsNotSupported, NtStatus.InvalidParameter, "EAI_BADFLAGS: a bit that is no NI_ flag"),
        (NameInfoRule.OwningThreadWithoutProcess, NtStatus.InvalidParameter,
            "the WDK page requires OwningProcess whenever OwningThread is given"),
    });

    /// <summary>Every rule <paramref name="request"/> breaks (given whether a Result holder was passed).</summary>
    public static IReadOnlyList<RuleViolation<AddressInfoRule>> Validate(AddressInfoRequest request, bool hasResult)
    {
        var broken = new List<RuleViolation<AddressInfoRule>>();
        void Check(bool fails, AddressInfoRule rule, string detail)
        {
            if (fails) broken.Add(AddressInfo.Violation(rule, detail));
        }
        var hints = request.Hints ?? new AddrInfoHints();
        Check(request.NodeName is null && request.ServiceName is null, AddressInfoRule.NoNodeAndNoService,
            "NodeName and ServiceName are both NULL");
        Check(request.NameSpace is not (NameSpaces.All or NameSpaces.Dns), AddressInfoRule.NameSpaceNotSupported,
            $"NameSpace {request.NameSpace}");
        Check(request.Provider is not null, AddressInfoRule.ProviderNotSupported, $"Provider {request.Provider}");
        Check((hints.Flags & ~AddrInfoFlags.Known) != 0
              || ((hints.Flags & AddrInfoFlags.CanonName) != 0 && request.NodeName is null),
            AddressInfoRule.HintsFlagsNotSupported, $"ai_flags 0x{hints.Flags:X}");
        Check(hints.Family is not (AddressFamilies.Unspecified or AddressFamilies.Inet or AddressFamilies.Inet6),
            AddressInfoRule.HintsFamilyNotSupported, $"ai_family {hints.Family}");
        Check(!TransportOffered(hints.SocketType, hints.Protocol), AddressInfoRule.HintsTransportNotSupported,
            $"ai_socktype {hints.SocketType}, ai_protocol {hints.Protocol}");
        Check(!hasResult, AddressInfoRule.ResultMissing, "Result is NULL");
        Check(request.OwningThread is not null && request.OwningProcess is null,
            AddressInfoRule.OwningThreadWithoutProcess, "OwningThread without OwningProcess");
        return broken;
    }

    /// <summary>Every rule <paramref name="request"/> breaks.</summary>
    public static IReadOnlyList<RuleViolation<NameInfoRule>> Validate(NameInfoRequest request)
    {
        var broken = new List<RuleViolation<NameInfoRule>>();
        void Check(bool fails, NameInfoRule rule, string detail)
        {
            if (fails) broken.Add(NameInfo.Violation(rule, detail));
        }
        var address = request.Address;
        Check(address.Kind == SockAddrArgumentKind.Null, NameInfoRule.AddressMissing, "SockAddr is NULL");
        bool known = address.Family is AddressFamilies.Inet or AddressFamilies.Inet6;
        Check(address.Kind != SockAddrArgumentKind.Null && (request.AddressLength > SockAddrStorageSize
              || address.Kind == SockAddrArgumentKind.Truncated
              || (known && request.AddressLength < SockAddrCodec.SizeOf(address.Family))),
            NameInfoRule.AddressLengthInvalid, $"SockAddrLength {request.AddressLength}");
        Check(address.Kind == SockAddrArgumentKind.FamilyNotOffered, NameInfoRule.AddressFamilyNotSupported,
            $"sa_family {address.Family}");
        Check(request.NodeCapacity is null && request.ServiceCapacity is null, NameInfoRule.NoBuffers,
            "NodeName and ServiceName are both NULL");
        Check((request.Flags & ~NameInfoFlags.Known) != 0, NameInfoRule.FlagsNotSupported,
            $"Flags 0x{request.Flags:X}");
        Check(request.OwningThread is not null && request.OwningProcess is null,
            NameInfoRule.OwningThreadWithoutProcess, "OwningThread without OwningProcess");
        return broken;
    }

    private static bool TransportOffered(ushort type, uint protocol) => (type, protocol) switch
    {
        (0, Protocols.Ip or Protocols.Tcp or Protocols.Udp) => true,
        (SocketTypes.Stream, Protocols.Ip or Protocols.Tcp) => true,
        (SocketTypes.Datagram, Protocols.Ip or Protocols.Udp) => true,
        (SocketTypes.Raw, _) => true,
        _ => false,
    };
}
