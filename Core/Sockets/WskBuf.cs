using System;

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

    /// <summary>True when offset and length lie inside the buffer.</summary>
    public bool IsWellFormed => Offset >= 0 && Length >= 0 && (long)Offset + Length <= Buffer.Length;

    /// <summary>The described bytes (only for a well-formed WSK_BUF).</summary>
    public Memory<byte> Memory => Buffer.Slice(Offset, Length);
}
