using System;

namespace Wsk.Core;

/// <summary>
/// WSK_EVENT_CALLBACK_CONTROL: the input of WSK_SET_STATIC_EVENT_CALLBACKS and of SO_WSK_EVENT_CALLBACK on a connected
/// socket (which accepts any <see cref="NpiId"/>; WSK_SET_STATIC_EVENT_CALLBACKS wants NPI_WSK_INTERFACE_ID).
/// </summary>
/// <param name="NpiId">
/// The NPI the events belong to (<see cref="WskEvents.WskInterfaceId"/> for the standard ones).
/// </param>
/// <param name="EventMask">WSK_EVENT_* flags OR-ed together, or one event OR-ed with WSK_EVENT_DISABLE.</param>
public sealed record EventCallbackControl(Guid NpiId, uint EventMask)
{
    /// <summary>
    /// sizeof(WSK_EVENT_CALLBACK_CONTROL) on x64: an 8-byte NPIID pointer, a ULONG and 4 bytes of padding.
    /// </summary>
    public const int Size = 16;
}
