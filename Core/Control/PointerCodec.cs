using System;
using System.Buffers.Binary;

namespace Wsk.Core;

/// <summary>
/// A pointer-sized value (a PSECURITY_DESCRIPTOR) as the 8 little-endian bytes a buffer holds on x64.
/// </summary>
public static class PointerCodec
{
    /// <summary>Bytes of a pointer on x64.</summary>
    public const int Size = 8;

    /// <summary>The handle as pointer bytes.</summary>
    public static byte[] ToBytes(SecurityDescriptorHandle handle)
    {
        var bytes = new byte[Size];
        BinaryPrimitives.WriteInt64LittleEndian(bytes, handle.Value);
        return bytes;
    }

    /// <summary>The handle in the first 8 bytes.</summary>
    public static SecurityDescriptorHandle Read(ReadOnlySpan<byte> bytes) =>
        new(BinaryPrimitives.ReadInt64LittleEndian(bytes));
}
