using System;
using System.Collections.Generic;
using System.Globalization;

namespace Wsk.Core;

/// <summary>
/// The pure half of the name calls: numeric hosts and services, what a WskGetAddressInfo must look up, the entries its
/// hints shape, and the NI_ formatting of WskGetNameInfo. The shell asks the resolver only what <see cref="Plan"/>
/// says.
/// </summary>
public static class NameShaping
{
    /// <summary>The small services table: names both calls know, with the transports they are defined for.</summary>
    public static IReadOnlyList<(string Name, ushort Port, bool Tcp, bool Udp)> Services { get; } = new[]
    {
        ("echo", (ushort)7, true, true), ("discard", (ushort)9, true, true), ("daytime", (ushort)13, true, true),
        ("ftp", (ushort)21, true, false), ("ssh", (ushort)22, true, false), ("telnet", (ushort)23, true, false),
        ("smtp", (ushort)25, true, false), ("domain", (ushort)53, true, true), ("http", (ushort)80, true, false),
        ("pop3", (ushort)110, true, false), ("ntp", (ushort)123, false, true), ("imap", (ushort)143, true, false),
        ("snmp", (ushort)161, false, true), ("ldap", (ushort)389, true, false), ("https", (ushort)443, true, false),
        ("imaps", (ushort)993, true, false), ("pop3s", (ushort)995, true, false),
    };

    /// <summary>
    /// A numeric node name: four-part dotted decimal IPv4, or IPv6 text (a scope may follow as <c>%n</c>). Null when
    /// <paramref name="text"/> is a host name.
    /// </summary>
    public static SockAddr? NumericHost(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.Contains(':', StringComparison.Ordinal)
            ? SockAddr.TryParse($"[{text}]:0")
            : SockAddr.TryParse(text + ":0");
    }

    /// <summary>
    /// The port of <paramref name="service"/>: 0 for NULL, a decimal number up to 65535, or a name of
    /// <see cref="Services"/> (case-insensitive) unless <paramref name="numericOnly"/>. False when it names none.
    /// </summary>
    public static bool TryServicePort(string? service, bool numericOnly, out ushort port)
    {
        port = 0;
        if (service is null) return true;
        if (ushort.TryParse(service, NumberStyles.None, CultureInfo.InvariantCulture, out port)) return true;
        if (numericOnly) return false;
        foreach (var (name, p, _, _) in Services)
            if (string.Equals(name, service, StringComparison.OrdinalIgnoreCase))
            {
                port = p;
                return true;
            }
        return false;
    }

    /// <summary>
    /// What a valid request needs: its port, the addresses known without a lookup, or the name and families to ask.
    /// A non-numeric node with AI_NUMERICHOST, an unknown service, or a numeric node of a family the hints exclude
    /// end it with STATUS_NOT_FOUND.
    /// </summary>
    public static AddressInfoPlan Plan(AddressInfoRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var hints = request.Hints ?? new AddrInfoHints();
        // Built element by element: the Coyote rewrite of the test build breaks constant array initialisers.
        var families = new ushort[hints.Family == AddressFamilies.Unspecified ? 2 : 1];
        families[0] = hints.Family == AddressFamilies.Unspecified ? AddressFamilies.Inet6 : hints.Family;
        if (families.Length == 2) families[1] = AddressFamilies.Inet;
        var none = Array.Empty<SockAddr>();
        if (!TryServicePort(request.ServiceName, (hints.Flags & AddrInfoFlags.NumericServ) != 0, out var port))
            return new(NtStatus.NotFound, 0, none, null, families);
        if (request.NodeName is null)
        {
            bool passive = (hints.Flags & AddrInfoFlags.Passive) != 0;
            var known = new List<SockAddr>();
            foreach (var family in families)
                known.Add(family == AddressFamilies.Inet
                    ? passive ? SockAddrIn.Any() : SockAddrIn.Loopback(0)
                    : passive ? SockAddrIn6.Any() : SockAddrIn6.Loopback(0));
            return new(NtStatus.Success, port, known, null, families);
        }
        if (NumericHost(request.NodeName) is { } numeric)
            return Array.IndexOf(families, numeric.Family) >= 0
                ? new(NtStatus.Success, port, new[] { numeric }, null, families)
                : new(NtStatus.NotFound, port, none, null, families);
        return (hints.Flags & AddrInfoFlags.NumericHost) != 0
            ? new(NtStatus.NotFound, port, none, null, families)
            : new(NtStatus.Success, port, none, request.NodeName, families);
    }

    /// <summary>
    /// The entries for <paramref name="addresses"/>: those of the hints' family, in the order given, each with the
    /// port, the hints' socket type and protocol, and on the first one the canonical name when AI_CANONNAME asked.
    /// </summary>
    public static IReadOnlyList<AddressInfoEntry> Entries(IEnumerable<SockAddr> addresses, AddrInfoHints? hints,
        ushort port, string? canonicalName)
    {
        ArgumentNullException.ThrowIfNull(addresses);
        var h = hints ?? new AddrInfoHints();
        bool canon = (h.Flags & AddrInfoFlags.CanonName) != 0;
        var entries = new List<AddressInfoEntry>();
        foreach (var address in addresses)
        {
            if (h.Family != AddressFamilies.Unspecified && address.Family != h.Family) continue;
            entries.Add(new(address.Family, h.SocketType, h.Protocol, address with { Port = port },
                canon && entries.Count == 0 ? canonicalName : null));
        }
        return entries;
    }

    /// <summary>Whether WskGetNameInfo must ask the resolver: a node buffer was given without NI_NUMERICHOST.</summary>
    public static bool NeedsNameLookup(NameInfoRequest request) =>
        request?.NodeCapacity is not null && (request.Flags & NameInfoFlags.NumericHost) == 0;

    /// <summary>The numeric text of an address (no port): <c>127.0.0.1</c>, <c>::1</c>.</summary>
    public static string NumericText(SockAddr address) =>
        (address ?? throw new ArgumentNullException(nameof(address))).ToIPAddress().ToString();

    /// <summary>
    /// The node and service texts of a valid request, given the name the resolver found (null: none), and the
    /// status: STATUS_NOT_FOUND with NI_NAMEREQD and no name, STATUS_BUFFER_OVERFLOW when a text is longer than its
    /// buffer's capacity, else STATUS_SUCCESS. A text is null where the request gave no buffer.
    /// </summary>
    public static NtStatus FormatNameInfo(NameInfoRequest request, SockAddr address, string? foundName,
        out string? node, out string? service)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(address);
        node = null;
        service = null;
        if (request.NodeCapacity is not null)
        {
            if ((request.Flags & NameInfoFlags.NumericHost) != 0 || foundName is null)
            {
                if ((request.Flags & NameInfoFlags.NameRequired) != 0 && foundName is null
                    && (request.Flags & NameInfoFlags.NumericHost) == 0)
                    return NtStatus.NotFound;
                node = NumericText(address);
            }
            else
                node = (request.Flags & NameInfoFlags.NoFqdn) != 0 && foundName.IndexOf('.', StringComparison.Ordinal)
                    is > 0 and var dot ? foundName[..dot] : foundName;
        }
        if (request.ServiceCapacity is not null)
            service = (request.Flags & NameInfoFlags.NumericServ) != 0
                ? address.Port.ToString(CultureInfo.InvariantCulture)
                : ServiceName(address.Port, (request.Flags & NameInfoFlags.Datagram) != 0);
        bool fits = (node is null || node.Length <= request.NodeCapacity)
                    && (service is null || service.Length <= request.ServiceCapacity);
        if (fits) return NtStatus.Success;
        node = service = null;
        return NtStatus.BufferOverflow;
    }

    /// <summary>The services table's name of <paramref name="port"/> for TCP (or UDP), else the port number.</summary>
    public static string ServiceName(ushort port, bool datagram)
    {
        foreach (var (name, p, tcp, udp) in Services)
            if (p == port && (datagram ? udp : tcp)) return name;
        return port.ToString(CultureInfo.InvariantCulture);
    }
}
