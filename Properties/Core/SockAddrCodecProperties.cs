using System;
using System.Buffers.Binary;
using System.Linq;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Wsk.Core;

namespace Wsk.Properties.Core;

/// <summary>SOCKADDR_IN / SOCKADDR_IN6 bytes, and the text form of addresses.</summary>
public class SockAddrCodecProperties
{
    private static string FamilyLabel(SockAddr a) => a switch
    {
        SockAddrIn v4 when v4.IsWildcard => "v4 wildcard",
        SockAddrIn v4 when v4.Address == 0x7F00_0001 => "v4 loopback",
        SockAddrIn => "v4",
        SockAddrIn6 v6 when v6.IsWildcard => "v6 wildcard",
        SockAddrIn6 v6 when v6.Address == UInt128.One => "v6 loopback",
        SockAddrIn6 v6 when v6.ScopeId != 0 || v6.FlowInfo != 0 => "v6 with flow/scope",
        SockAddrIn6 => "v6",
        _ => "other",
    };

    /// <summary>The Windows layout written out by hand (rule AddressFamilies), independent of the codec.</summary>
    private static byte[] HandLayout(SockAddr a, ushort familyValue)
    {
        switch (a)
        {
            case SockAddrIn v4:
            {
                var b = new byte[16];
                b[0] = (byte)familyValue; b[1] = (byte)(familyValue >> 8);
                b[2] = (byte)(v4.Port >> 8); b[3] = (byte)v4.Port;
                b[4] = (byte)(v4.Address >> 24); b[5] = (byte)(v4.Address >> 16); b[6] = (byte)(v4.Address >> 8); b[7] = (byte)v4.Address;
                return b; // sin_zero stays 0
            }
            case SockAddrIn6 v6:
            {
                var b = new byte[28];
                b[0] = (byte)familyValue; b[1] = (byte)(familyValue >> 8);
                b[2] = (byte)(v6.Port >> 8); b[3] = (byte)v6.Port;
                for (int i = 0; i < 4; i++) b[4 + i] = (byte)(v6.FlowInfo >> (24 - 8 * i));     // network order
                for (int i = 0; i < 16; i++) b[8 + i] = (byte)(v6.Address >> (120 - 8 * i));   // network order
                for (int i = 0; i < 4; i++) b[24 + i] = (byte)(v6.ScopeId >> (8 * i));         // host (little-endian) order
                return b;
            }
            default:
                throw new ArgumentException("not an IP address", nameof(a));
        }
    }

    /// <summary>What Decode must answer for these bytes, from the codec's documented rules.</summary>
    private static SockAddrArgumentKind ExpectedDecodeKind(byte[] bytes)
    {
        if (bytes.Length < 2) return SockAddrArgumentKind.Truncated;
        int family = bytes[0] | (bytes[1] << 8);
        int size = family switch { 2 => 16, 23 => 28, _ => 0 };
        if (size == 0) return SockAddrArgumentKind.FamilyNotOffered;
        if (bytes.Length < size) return SockAddrArgumentKind.Truncated;
        return SockAddrArgumentKind.Address;
    }

    [Property(MaxTest = 500)]
    public Property EncodeThenDecodeRoundTrips() =>
        Prop.ForAll(CoreArb.ValidSockAddr(), a =>
        {
            var encoded = SockAddrCodec.Encode(a);
            var decoded = SockAddrCodec.Decode(encoded).Address;
            return (encoded.Length == SockAddrCodec.SizeOf(a.Family)).Label($"encoded {encoded.Length} bytes")
                .And((decoded == a).Label($"decoded {decoded} from {Convert.ToHexString(encoded)}"))
                .And((SockAddrCodec.Decode(encoded) == (SockAddrArgument)a).Label("the argument is the address"))
                .Classify(a.Family == AddressFamilies.Inet, "IPv4")
                .Classify(a.Family == AddressFamilies.Inet6, "IPv6")
                .Classify(a is SockAddrIn { Port: 0 } or SockAddrIn6 { Port: 0 }, "port 0")
                .Collect(FamilyLabel(a));
        });

    [Property(MaxTest = 500)]
    public Property EncodeWritesTheWindowsLayoutExactly() =>
        Prop.ForAll(CoreArb.ValidSockAddr(),
            Gen.Frequency((1, Gen.Constant(Array.Empty<byte>())), (2, CoreGen.BytesBetween(1, 20))).ToArbitrary(), (a, slack) =>
        {
            int size = SockAddrCodec.SizeOf(a.Family);
            // A destination dirty with 0xA5 and longer than needed: exactly the structure is written, the rest untouched.
            var dest = Enumerable.Repeat((byte)0xA5, size + slack.Length).ToArray();
            int written = SockAddrCodec.Encode(a, dest, a.Family);
            var expected = HandLayout(a, a.Family);
            return (written == size).Label($"wrote {written}")
                .And(dest.Take(size).SequenceEqual(expected).Label($"{Convert.ToHexString(dest, 0, size)} expected {Convert.ToHexString(expected)}"))
                .And(dest.Skip(size).All(b => b == 0xA5).Label("bytes beyond the structure untouched"))
                .Classify(slack.Length > 0, "longer destination")
                .Collect(FamilyLabel(a));
        });

    [Property(MaxTest = 300)]
    public Property EncodeIntoTooSmallDestinationWritesNothing() =>
        Prop.ForAll(CoreArb.ValidSockAddr(), a =>
        {
            int size = SockAddrCodec.SizeOf(a.Family);
            return Prop.ForAll(Gen.Choose(0, size - 1).ToArbitrary(), n =>
            {
                var dest = Enumerable.Repeat((byte)0x5A, n).ToArray();
                int written = SockAddrCodec.Encode(a, dest, a.Family);
                return (written == 0).Label($"wrote {written} into {n} bytes")
                    .And(dest.All(b => b == 0x5A).Label("destination untouched"));
            });
        });

    [Property(MaxTest = 300)]
    public Property AFaultyArgumentCarriesNoAddressToEncode() =>
        Prop.ForAll(Gen.OneOf(CoreGen.TruncatedAddr, CoreGen.UnsupportedAddr).ToArbitrary(), a =>
            (a.Address is null).Label($"{a} carries {a.Address}")
                .And((a.Kind is SockAddrArgumentKind.Truncated or SockAddrArgumentKind.FamilyNotOffered).Label($"kind {a.Kind}"))
                .And((a.ToString().Length > 0).Label("says what was wrong"))
                .Collect(a.Kind.ToString()));

    [Property(MaxTest = 500)]
    public Property DecodeAnswersEveryByteStringWithTheDocumentedFault() =>
        Prop.ForAll(CoreArb.CodecInput(), input =>
        {
            var bytes = input.Bytes;
            var expected = ExpectedDecodeKind(bytes);
            try
            {
                var result = SockAddrCodec.Decode(bytes);
                var outcome = result.Kind.ToString();
                var prop = (result.Kind == expected).Label($"{input}: got {outcome}, expected {expected}")
                    .And(((result.Address is null) == (result.Kind != SockAddrArgumentKind.Address)).Label("only an address carries one"));
                // A success must reproduce the structure bytes on re-encoding (SOCKADDR_IN's sin_zero excepted).
                var reencoded = result.Address is { } a
                    ? (Bytes: SockAddrCodec.Encode(a), a.Family)
                    : (Bytes: Array.Empty<byte>(), Family: (ushort)0);
                if (result.Kind == SockAddrArgumentKind.Address)
                {
                    int compare = reencoded.Family == AddressFamilies.Inet ? 8 : SockAddrIn6.Size;
                    prop = prop.And(reencoded.Bytes.Take(compare).SequenceEqual(bytes.Take(compare))
                        .Label($"re-encoded {Convert.ToHexString(reencoded.Bytes)}"));
                }
                return prop.Collect(input.Kind + " ⇒ " + outcome);
            }
            catch (Exception ex)
            {
                return false.Label($"Decode threw {ex.GetType().Name}: {ex.Message} on {input}");
            }
        });

    [Property(MaxTest = 500)]
    public Property DecodeKeepsWhatTheFaultyBytesSaid() =>
        Prop.ForAll(CoreArb.CodecInput(), input =>
        {
            var bytes = input.Bytes;
            var read = SockAddrCodec.Decode(bytes);
            int family = bytes.Length >= 2 ? bytes[0] | (bytes[1] << 8) : 0;
            return (read.Kind switch
                {
                    SockAddrArgumentKind.Address => read == (SockAddrArgument)read.Address,
                    SockAddrArgumentKind.FamilyNotOffered => read == SockAddrArgument.FamilyNotOffered((ushort)family),
                    _ => read == SockAddrArgument.Truncated(bytes.Length < 2 ? AddressFamilies.Unspecified : (ushort)family, bytes.Length),
                })
                .Label($"Decode gave {read} for {input}")
                .And((read.Family == (bytes.Length >= 2 ? family : AddressFamilies.Unspecified)).Label("Decode keeps sa_family"))
                .Classify(read.Kind == SockAddrArgumentKind.Address, "address")
                .Classify(read.Kind == SockAddrArgumentKind.FamilyNotOffered, "unsupported")
                .Classify(read.Kind == SockAddrArgumentKind.Truncated, "truncated");
        });

    [Property(MaxTest = 300)]
    public Property LinuxFamilyChangesOnlyTheFamilyField() =>
        Prop.ForAll(CoreArb.ValidSockAddr(), a =>
        {
            int size = SockAddrCodec.SizeOf(a.Family);
            var windows = new byte[size];
            var linux = new byte[size];
            ushort linuxFamily = a.Family == AddressFamilies.Inet6 ? (ushort)10 : (ushort)2;
            int w = SockAddrCodec.Encode(a, windows, a.Family);
            int l = SockAddrCodec.Encode(a, linux, linuxFamily);
            return (w == size && l == size).Label("both wrote the structure")
                .And(windows.Skip(2).SequenceEqual(linux.Skip(2)).Label("bytes after sa_family identical"))
                .And((BinaryPrimitives.ReadUInt16LittleEndian(linux) == linuxFamily).Label("sa_family is the Linux value"))
                .And((BinaryPrimitives.ReadUInt16LittleEndian(windows) == a.Family).Label("sa_family is the Windows value"))
                // Decoding the Linux-numbered IPv6 bytes as Windows bytes is an unknown family (10 is not AF_INET6 here).
                .And((a.Family != AddressFamilies.Inet6
                      || SockAddrCodec.Decode(linux).Kind == SockAddrArgumentKind.FamilyNotOffered)
                    .Label("family 10 is not supported in Windows numbering"))
                .Collect(FamilyLabel(a));
        });

    [Property(MaxTest = 500)]
    public Property TextRoundTripsForV4AndV6() =>
        Prop.ForAll(Gen.OneOf(CoreGen.SockAddrV4.Select(a => (SockAddr)a), CoreGen.SockAddrV6NoScope.Select(a => (SockAddr)a)).ToArbitrary(), a =>
        {
            var text = a.ToString();
            var parsed = SockAddr.TryParse(text);
            return (parsed == a).Label($"'{text}' parsed as {parsed?.ToString() ?? "null"}")
                .Classify(a is SockAddrIn6 v6 && v6.Address >> 32 == 0xFFFF, "v4-mapped v6")
                .Collect(FamilyLabel(a));
        });

    [Property(MaxTest = 300)]
    public Property TextRoundTripsForV6WithScope() =>
        Prop.ForAll((from a in CoreGen.IPv6Address from p in CoreGen.Port from s in CoreGen.ScopeId
                     select new SockAddrIn6(a, p, 0, s)).ToArbitrary(), a =>
        {
            var text = a.ToString();
            var parsed = SockAddr.TryParse(text);
            return (parsed == a).Label($"'{text}' parsed as {parsed?.ToString() ?? "null"}")
                .Classify(a.ScopeId != 0, "scope ≠ 0");
        });

    [Property(MaxTest = 300)]
    public Property MalformedTextIsRejectedWithoutThrowing() =>
        Prop.ForAll(Gen.OneOf(
            CoreGen.SockAddrV4.Select(a => ("bracketed v4", $"[{a.ToString().Split(':')[0]}]:{a.Port}")),
            CoreGen.SockAddrV6NoScope.Select(a => ("unbracketed v6",
                a.ToString().Replace("[", "", StringComparison.Ordinal).Replace("]", "", StringComparison.Ordinal))),
            CoreGen.SockAddrV4.Select(a => ("no port", a.ToString().Split(':')[0])),
            (from a in CoreGen.SockAddrV4 from p in Gen.Choose(65536, 999999) select ("port too big", $"{a.ToString().Split(':')[0]}:{p}")),
            CoreGen.SockAddrV4.Select(a => ("signed port", $"{a.ToString().Split(':')[0]}:+{a.Port}")),
            Gen.Elements("", " ", ":", ":80", "[]:80", "host:80", "1.2.3.4:", "[::1]", "[::1]:-1").Select(s => ("junk", s))).ToArbitrary(),
            c =>
            {
                try
                {
                    var parsed = SockAddr.TryParse(c.Item2);
                    return (parsed is null).Label($"'{c.Item2}' ({c.Item1}) parsed as {parsed}").Collect(c.Item1);
                }
                catch (Exception ex)
                {
                    return false.Label($"TryParse('{c.Item2}') threw {ex.GetType().Name}");
                }
            });
}
