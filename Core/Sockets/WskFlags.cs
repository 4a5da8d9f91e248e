using System;

namespace Wsk.Core;

/// <summary>WSK_FLAG_* values per call (wsk.h). The flag spaces overlap: each call reads its own flags.</summary>
public static class WskFlags
{
    /// <summary>WskDisconnect / WskDisconnectEvent: abortive (a reset).</summary>
    public const uint Abortive = 0x1;
    /// <summary>WskSend: out-of-band data (not supported by this provider).</summary>
    public const uint Oob = 0x1;
    /// <summary>WskSend: send at once, no coalescing.</summary>
    public const uint NoDelay = 0x2;
    /// <summary>WskReceive: complete only when the buffer is full (or the peer shut down, or an error).</summary>
    public const uint WaitAll = 0x2;
    /// <summary>WskReceive: discard data until the disconnect (not supported by this provider).</summary>
    public const uint Drain = 0x4;
    /// <summary>WskReceiveEvent: release the indicated buffers as soon as possible.</summary>
    public const uint ReleaseAsap = 0x2;
    /// <summary>WskReceiveEvent: the data ends a message (TCP PSH).</summary>
    public const uint EntireMessage = 0x4;
    /// <summary>Callbacks: called at DISPATCH_LEVEL.</summary>
    public const uint AtDispatchLevel = 0x8;
}

/// <summary>Socket-level option codes used with WskControlSocket.</summary>
public static class WskSocketOptions
{
    /// <summary>SOL_SOCKET.</summary>
    public const uint SolSocket = 0xFFFF;
    /// <summary>SO_WSK_EVENT_CALLBACK.</summary>
    public const uint EventCallback = 0x4002;
}

/// <summary>WSK_CONTROL_SOCKET_TYPE.</summary>
public enum WskControlSocketType
{
    /// <summary>WskSetOption.</summary>
    SetOption = 0,
    /// <summary>WskGetOption.</summary>
    GetOption = 1,
    /// <summary>WskIoctl.</summary>
    Ioctl = 2,
}

/// <summary>
/// WSK_BUF: a region of caller memory (the MDL analogue), an offset into it and a length. The region belongs to the
/// socket until the IRP that carries it completes (wsk-contract §0.15).
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
