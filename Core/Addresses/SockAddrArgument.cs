using System.Globalization;

namespace Wsk.Core;

/// <summary>
/// What a PSOCKADDR argument points at; the first member is NULL, so a default argument is a NULL pointer.
/// </summary>
public enum SockAddrArgumentKind : byte
{
    /// <summary>The pointer is NULL.</summary>
    Null,
    /// <summary>Fewer bytes than the structure of their family, or than a family header (2 bytes).</summary>
    Truncated,
    /// <summary>A family other than AF_INET and AF_INET6.</summary>
    FamilyNotOffered,
    /// <summary>An IPv4 or IPv6 address.</summary>
    Address,
}

/// <summary>
/// The argument of a call that takes a PSOCKADDR: NULL, bytes too short for their family, a family not offered, or an
/// address. Validation turns each fault into the rule it breaks; only an <see cref="SockAddrArgumentKind.Address"/>
/// carries a <see cref="SockAddr"/>.
/// </summary>
/// <remarks>
/// One reference wide: the address itself, or (only for faulty bytes, which are rare) a small fault object, so that
/// reading an address allocates nothing and a request holding two arguments is no larger than with two references.
/// </remarks>
public readonly record struct SockAddrArgument
{
    private readonly object? _value; // null, a SockAddr, or a Fault

    private SockAddrArgument(object value) => _value = value;

    private sealed record Fault(SockAddrArgumentKind Kind, ushort Family, int Length);

    /// <summary>Which of the four the argument is.</summary>
    public SockAddrArgumentKind Kind => _value switch
    {
        null => SockAddrArgumentKind.Null,
        SockAddr => SockAddrArgumentKind.Address,
        _ => ((Fault)_value).Kind,
    };

    /// <summary>The address, for <see cref="SockAddrArgumentKind.Address"/>; otherwise null.</summary>
    public SockAddr? Address => _value as SockAddr;

    /// <summary>
    /// The sa_family read, Windows numbering; <see cref="AddressFamilies.Unspecified"/> for NULL or under 2 bytes.
    /// </summary>
    public ushort Family => _value switch
    {
        null => AddressFamilies.Unspecified,
        SockAddr address => address.Family,
        _ => ((Fault)_value).Family,
    };

    /// <summary>How many bytes the argument had (0 for NULL; the structure's size for an address).</summary>
    public int Length => _value switch
    {
        null => 0,
        SockAddr address => SockAddrCodec.SizeOf(address.Family),
        _ => ((Fault)_value).Length,
    };

    /// <summary>The NULL pointer.</summary>
    public static SockAddrArgument Null => default;

    /// <summary>
    /// <paramref name="length"/> bytes, too few for <paramref name="family"/>'s structure (or for a header).
    /// </summary>
    public static SockAddrArgument Truncated(ushort family, int length) =>
        new(new Fault(SockAddrArgumentKind.Truncated, family, length));

    /// <summary>
    /// A header naming <paramref name="family"/>, which the provider does not offer (for example AF_UNIX).
    /// </summary>
    public static SockAddrArgument FamilyNotOffered(ushort family) =>
        new(new Fault(SockAddrArgumentKind.FamilyNotOffered, family, 0));

    /// <summary>An address argument, or NULL for a null <paramref name="address"/>.</summary>
    public static implicit operator SockAddrArgument(SockAddr? address) => address is null ? default : new(address);

    /// <summary>The address, or what was wrong with the argument.</summary>
    public override string ToString() => Kind switch
    {
        SockAddrArgumentKind.Address => Address!.ToString(),
        SockAddrArgumentKind.Truncated when Length < 2 =>
            string.Create(CultureInfo.InvariantCulture, $"a SOCKADDR needs at least 2 bytes, got {Length}"),
        SockAddrArgumentKind.Truncated => string.Create(CultureInfo.InvariantCulture,
            $"family {Family} needs {SockAddrCodec.SizeOf(Family)} bytes, got {Length}"),
        SockAddrArgumentKind.FamilyNotOffered =>
            string.Create(CultureInfo.InvariantCulture, $"address family {Family} is not offered"),
        _ => "NULL",
    };
}
