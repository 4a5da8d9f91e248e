using System;
using System.Runtime.InteropServices;

namespace Wsk.Core;

/// <summary>
/// WSK_BUF: a region of caller memory (the MDL analogue), an offset into it and a length. The region belongs to the
/// socket until the IRP that carries it completes (rule BuffersHeldUntilCompletion).
/// </summary>
/// <param name="Buffer">The memory.</param>
/// <param name="Offset">Where the data starts.</param>
/// <param name="Length">How many bytes.</param>
public readonly record struct WskBuf(Memory<byte> Buffer, int Offset, int Length)
{
    /// <summary>A WSK_BUF over all of <paramref name="buffer"/>.</summary>
    public static WskBuf Of(Memory<byte> buffer) => new(buffer, 0, buffer.Length);

    /// <summary>
    /// A read-only WSK_BUF over all of <paramref name="data"/>, not copied: for a send or a disconnect's final buffer,
    /// which only read it. A receive refuses it with STATUS_INVALID_PARAMETER.
    /// </summary>
    public static WskBuf Of(ReadOnlyMemory<byte> data) =>
        new(MemoryMarshal.AsMemory(data), 0, data.Length) { IsReadOnly = true };

    /// <summary>
    /// A WSK_BUF over a copy of <paramref name="data"/>: a span (a <c>"…"u8</c> literal, a <c>stackalloc</c>) cannot
    /// stay with the socket until the IRP completes, so its bytes are copied once into a new array.
    /// </summary>
    public static WskBuf CopyOf(ReadOnlySpan<byte> data) => Of(data.ToArray());

    /// <summary>True for a WSK_BUF made from read-only memory: sends read it, receives refuse it.</summary>
    public bool IsReadOnly { get; init; }

    /// <summary>True when offset and length lie inside the buffer.</summary>
    public bool IsWellFormed => Offset >= 0 && Length >= 0 && (long)Offset + Length <= Buffer.Length;

    /// <summary>The described bytes (only for a well-formed WSK_BUF).</summary>
    public Memory<byte> Memory => Buffer.Slice(Offset, Length);
}
