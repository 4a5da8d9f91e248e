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
