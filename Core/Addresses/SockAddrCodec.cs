using System;
using System.Buffers.Binary;

namespace Wsk.Core;

/// <summary>
/// SOCKADDR_IN / SOCKADDR_IN6 from and to bytes, in the Windows layout: sa_family little-endian (x86/x64 host order),
/// port and IPv4 address in network order, sin6_flowinfo in network order, sin6_scope_id in host order.
/// </summary>
/// <remarks>
/// Decoding answers every byte string with a <see cref="SockAddrArgument"/>, never an exception: fewer than two bytes,
/// or fewer bytes than the family's structure, are <see cref="SockAddrArgumentKind.Truncated"/>; a family other than
/// AF_INET/AF_INET6 is <see cref="SockAddrArgumentKind.FamilyNotOffered"/>. Bytes beyond the structure are ignored, as
/// the provider reads exactly the structure a pointer designates (a SOCKADDR_STORAGE is a valid argument).
/// </remarks>
public static class SockAddrCodec
{
    /// <summary>The size of the structure <paramref name="family"/> uses, or 0 for a family not offered.</summary>
    public static int SizeOf(ushort family) => family switch
    {
        AddressFamilies.Inet => SockAddrIn.Size,
        AddressFamilies.Inet6 => SockAddrIn6.Size,
        _ => 0,
    };

    /// <summary>Reads what a PSOCKADDR points at: an IPv4 or IPv6 address, or the fault of the bytes.</summary>
    public static SockAddrArgument Decode(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < 2) return SockAddrArgument.Truncated(AddressFamilies.Unspecified, bytes.Length);
        ushort family = BinaryPrimitives.ReadUInt16LittleEndian(bytes);
        int size = SizeOf(family);
        if (size == 0) return SockAddrArgument.FamilyNotOffered(family);
        if (bytes.Length < size) return SockAddrArgument.Truncated(family, bytes.Length);
        ushort port = BinaryPrimitives.ReadUInt16BigEndian(bytes[2..]);
        return family == AddressFamilies.Inet
            ? new SockAddrIn(BinaryPrimitives.ReadUInt32BigEndian(bytes[4..]), port)
            : new SockAddrIn6(
                BinaryPrimitives.ReadUInt128BigEndian(bytes[8..]),
                port,
                BinaryPrimitives.ReadUInt32BigEndian(bytes[4..]),
                BinaryPrimitives.ReadUInt32LittleEndian(bytes[24..]));
    }

    /// <summary>
    /// Encodes an IPv4 or IPv6 address into <paramref name="destination"/> (at least <see cref="SizeOf"/> bytes) with
    /// <paramref name="familyValue"/> written as sa_family, so the same layout serves Windows (23) and Linux (10)
    /// numbering. Returns the bytes written, or 0 when the destination is too small.
    /// </summary>
    public static int Encode(SockAddr address, Span<byte> destination, ushort familyValue)
    {
        switch (address)
        {
            case SockAddrIn v4 when destination.Length >= SockAddrIn.Size:
                destination[..SockAddrIn.Size].Clear();
                BinaryPrimitives.WriteUInt16LittleEndian(destination, familyValue);
                BinaryPrimitives.WriteUInt16BigEndian(destination[2..], v4.Port);
                BinaryPrimitives.WriteUInt32BigEndian(destination[4..], v4.Address);
                return SockAddrIn.Size;
            case SockAddrIn6 v6 when destination.Length >= SockAddrIn6.Size:
                BinaryPrimitives.WriteUInt16LittleEndian(destination, familyValue);
                BinaryPrimitives.WriteUInt16BigEndian(destination[2..], v6.Port);
                BinaryPrimitives.WriteUInt32BigEndian(destination[4..], v6.FlowInfo);
                BinaryPrimitives.WriteUInt128BigEndian(destination[8..], v6.Address);
                BinaryPrimitives.WriteUInt32LittleEndian(destination[24..], v6.ScopeId);
                return SockAddrIn6.Size;
            default:
                return 0;
        }
    }

    /// <summary>Encodes in the Windows layout.</summary>
    public static byte[] Encode(SockAddr address)
    {
        var bytes = new byte[SizeOf(address.Family)];
        Encode(address, bytes, address.Family);
        return bytes;
    }
}
