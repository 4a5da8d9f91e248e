using System;
using System.Buffers.Binary;
using System.Collections.Generic;

namespace Wsk.Core;

/// <summary>
/// WSK_TRANSPORT as bytes, x64 natural alignment: USHORT Version at 0, USHORT SocketType at 2, ULONG Protocol at 4,
/// USHORT AddressFamily at 8, two bytes of padding (GUID is 4-aligned), GUID ProviderId at 12: 28 bytes per entry,
/// little-endian, the GUID in its in-memory (mixed-endian) layout.
/// </summary>
public static class WskTransportCodec
{
    /// <summary>sizeof(WSK_TRANSPORT).</summary>
    public const int Size = 28;

    /// <summary>Bytes needed for <paramref name="count"/> entries.</summary>
    public static long SizeFor(int count) => (long)count * Size;

    /// <summary>Writes every entry; <paramref name="destination"/> must hold <see cref="SizeFor"/> bytes.</summary>
    public static void Encode(IReadOnlyList<WskTransport> transports, Span<byte> destination)
    {
        for (int i = 0; i < transports.Count; i++)
        {
            var entry = destination.Slice(i * Size, Size);
            var t = transports[i];
            BinaryPrimitives.WriteUInt16LittleEndian(entry, t.Version);
            BinaryPrimitives.WriteUInt16LittleEndian(entry[2..], t.SocketType);
            BinaryPrimitives.WriteUInt32LittleEndian(entry[4..], t.Protocol);
            BinaryPrimitives.WriteUInt16LittleEndian(entry[8..], t.AddressFamily);
            entry.Slice(10, 2).Clear();
            t.ProviderId.TryWriteBytes(entry[12..]);
        }
    }

    /// <summary>Reads whole entries from <paramref name="bytes"/> (a partial trailing entry is ignored).</summary>
    public static IReadOnlyList<WskTransport> Decode(ReadOnlySpan<byte> bytes)
    {
        var list = new WskTransport[bytes.Length / Size];
        for (int i = 0; i < list.Length; i++)
        {
            var entry = bytes.Slice(i * Size, Size);
            list[i] = new WskTransport(
                BinaryPrimitives.ReadUInt16LittleEndian(entry),
                BinaryPrimitives.ReadUInt16LittleEndian(entry[2..]),
                BinaryPrimitives.ReadUInt32LittleEndian(entry[4..]),
                BinaryPrimitives.ReadUInt16LittleEndian(entry[8..]),
                new Guid(entry.Slice(12, 16)));
        }
        return list;
    }
}
