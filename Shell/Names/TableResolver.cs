using System;
using System.Collections.Generic;
using System.Linq;
using Wsk.Core;

namespace Wsk.Shell;

/// <summary>
/// A fixed name → addresses table: every lookup answers inside the call. For tests and demos on real loopback, where
/// the machine's hosts file may not map <c>localhost</c> to <c>::1</c>. Names compare case-insensitively; a reverse
/// lookup answers the first name whose addresses hold the address.
/// </summary>
public sealed class TableResolver : IWskResolver
{
    private readonly (string Name, SockAddr[] Addresses)[] _rows;

    /// <summary>A table of <paramref name="rows"/> (ports are ignored).</summary>
    public TableResolver(IEnumerable<(string Name, IEnumerable<SockAddr> Addresses)> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        _rows = rows.Select(r => (r.Name, r.Addresses.Select(a => a with { Port = 0 }).ToArray())).ToArray();
    }

    /// <summary><c>localhost</c> → 127.0.0.1 and ::1.</summary>
    public static TableResolver Loopback { get; } = new(new (string, IEnumerable<SockAddr>)[]
    {
        ("localhost", new SockAddr[] { SockAddrIn.Loopback(0), SockAddrIn6.Loopback(0) }),
    });

    /// <inheritdoc/>
    public AddressLookup LookUpAddresses(string name, ushort family, IAddressLookupSink sink)
    {
        var found = _rows.Where(r => string.Equals(r.Name, name, StringComparison.OrdinalIgnoreCase))
            .SelectMany(r => r.Addresses).Where(a => a.Family == family).ToArray();
        return AddressLookup.Done(found.Length > 0 ? NtStatus.Success : NtStatus.NotFound, found);
    }

    /// <inheritdoc/>
    public NameLookup LookUpName(SockAddr address, INameLookupSink sink)
    {
        ArgumentNullException.ThrowIfNull(address);
        var key = address with { Port = 0 };
        foreach (var (name, addresses) in _rows)
            if (addresses.Contains(key)) return NameLookup.Done(NtStatus.Success, name);
        return NameLookup.Done(NtStatus.NotFound);
    }
}
