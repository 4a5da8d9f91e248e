using System;
using System.Buffers.Binary;
using LanguageExt;
using LanguageExt.Common;
using static LanguageExt.Prelude;

namespace Wsk.Core;

/// <summary>
/// SOCKADDR_IN / SOCKADDR_IN6 from and to bytes, in the Windows layout: sa_family little-endian (x86/x64 host order),
/// port and IPv4 address in network order, sin6_flowinfo in network order, sin6_scope_id in host order.
/// </summary>
/// <remarks>
/// Decoding answers every malformed byte string with a status, never an exception:
/// fewer than two bytes, or fewer bytes than the family's structure ⇒ STATUS_INVALID_PARAMETER;
/// a family other than AF_INET/AF_INET6 ⇒ STATUS_NOT_SUPPORTED. Bytes beyond the structure are ignored, as the
/// provider reads exactly the structure a pointer designates (a SOCKADDR_STORAGE is a valid argument).
/// </remarks>
public static class SockAddrCodec
{
    /// <summary>The size of the structure <paramref name="family"/> uses, or 0 for a family the provider does not offer.</summary>
    public static int SizeOf(ushort family) => family switch
    {
        AddressFamilies.Inet => SockAddrIn.Size,
        AddressFamilies.Inet6 => SockAddrIn6.Size,
        _ => 0,
    };

    /// <summary>Decodes an IPv4 or IPv6 SOCKADDR; a failure carries its NTSTATUS as <see cref="Error.Code"/>.</summary>
    public static Fin<SockAddr> Decode(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < 2)
            return FinFail<SockAddr>(Error.New(NtStatus.InvalidParameter.Value, $"a SOCKADDR needs at least 2 bytes, got {bytes.Length}"));
        ushort family = BinaryPrimitives.ReadUInt16LittleEndian(bytes);
        int size = SizeOf(family);
        if (size == 0)
            return FinFail<SockAddr>(Error.New(NtStatus.NotSupported.Value, $"address family {family} is not offered"));
        if (bytes.Length < size)
            return FinFail<SockAddr>(Error.New(NtStatus.InvalidParameter.Value, $"family {family} needs {size} bytes, got {bytes.Length}"));
        ushort port = BinaryPrimitives.ReadUInt16BigEndian(bytes[2..]);
        return family == AddressFamilies.Inet
            ? FinSucc<SockAddr>(new SockAddrIn(BinaryPrimitives.ReadUInt32BigEndian(bytes[4..]), port))
            : FinSucc<SockAddr>(new SockAddrIn6(
                BinaryPrimitives.ReadUInt128BigEndian(bytes[8..]),
                port,
                BinaryPrimitives.ReadUInt32BigEndian(bytes[4..]),
                BinaryPrimitives.ReadUInt32LittleEndian(bytes[24..])));
    }

    /// <summary>
    /// Reads bytes into the request-side view of an address: a decoded address, or the
    /// <see cref="SockAddrUnsupported"/>/<see cref="SockAddrTruncated"/> value that validation turns into a status.
    /// </summary>
    public static SockAddr Read(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < 2) return new SockAddrTruncated(AddressFamilies.Unspecified, bytes.Length);
        ushort family = BinaryPrimitives.ReadUInt16LittleEndian(bytes);
        int size = SizeOf(family);
        if (size == 0) return new SockAddrUnsupported(family);
        if (bytes.Length < size) return new SockAddrTruncated(family, bytes.Length);
        return Decode(bytes).Match(static a => a, static _ => (SockAddr)new SockAddrTruncated(AddressFamilies.Unspecified, 0));
    }

    /// <summary>
    /// Encodes an IPv4 or IPv6 address into <paramref name="destination"/> (at least <see cref="SizeOf"/> bytes) with
    /// <paramref name="familyValue"/> written as sa_family, so the same layout serves Windows (23) and Linux (10) numbering.
    /// Returns the bytes written, or 0 when the address cannot be encoded or the destination is too small.
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

    /// <summary>Encodes in the Windows layout; fails with STATUS_INVALID_PARAMETER for an address that is not IPv4/IPv6.</summary>
    public static Fin<byte[]> Encode(SockAddr address)
    {
        int size = SizeOf(address.Family);
        if (size == 0 || address is not (SockAddrIn or SockAddrIn6))
            return FinFail<byte[]>(Error.New(NtStatus.InvalidParameter.Value, $"{address} cannot be encoded"));
        var bytes = new byte[size];
        Encode(address, bytes, address.Family);
        return FinSucc(bytes);
    }
}
