using System;
using System.Buffers.Binary;
using System.Collections.Generic;

namespace Wsk.Core;

/// <summary>WskControlClient control codes (wsk.h values, wsk-contract §5).</summary>
public static class ClientControlCodes
{
    /// <summary>WSK_TRANSPORT_LIST_QUERY: the WSK_TRANSPORT array; a too-small buffer answers the size needed.</summary>
    public const uint TransportListQuery = 2;
    /// <summary>WSK_TRANSPORT_LIST_CHANGE: an IRP that completes when the transport list changes.</summary>
    public const uint TransportListChange = 3;
    /// <summary>WSK_CACHE_SD: cache a security descriptor, get a handle back.</summary>
    public const uint CacheSecurityDescriptor = 4;
    /// <summary>WSK_RELEASE_SD: release a cached security descriptor.</summary>
    public const uint ReleaseSecurityDescriptor = 5;
    /// <summary>WSK_TDI_DEVICENAME_MAPPING: TDI only; this provider has no TDI.</summary>
    public const uint TdiDeviceNameMapping = 6;
    /// <summary>WSK_SET_STATIC_EVENT_CALLBACKS: events enabled on every new socket, before any socket exists.</summary>
    public const uint SetStaticEventCallbacks = 7;
    /// <summary>WSK_TDI_BEHAVIOR: TDI only; this provider has no TDI.</summary>
    public const uint TdiBehavior = 8;
}

/// <summary>WSK_EVENT_* masks (wsk-contract §4).</summary>
public static class WskEvents
{
    /// <summary>WSK_EVENT_SEND_BACKLOG.</summary>
    public const uint SendBacklog = 0x10;
    /// <summary>WSK_EVENT_RECEIVE.</summary>
    public const uint Receive = 0x40;
    /// <summary>WSK_EVENT_DISCONNECT.</summary>
    public const uint Disconnect = 0x80;
    /// <summary>WSK_EVENT_RECEIVE_FROM (datagram sockets).</summary>
    public const uint ReceiveFrom = 0x100;
    /// <summary>WSK_EVENT_ACCEPT (listening sockets).</summary>
    public const uint Accept = 0x200;
    /// <summary>WSK_EVENT_DISABLE: only for disabling one event on a socket; meaningless for static callbacks.</summary>
    public const uint Disable = 0x8000_0000;

    /// <summary>Every event a connection socket has (what SO_WSK_EVENT_CALLBACK takes on one).</summary>
    public const uint ConnectionEvents = SendBacklog | Receive | Disconnect;

    /// <summary>Every event a client may enable statically.</summary>
    public const uint All = SendBacklog | Receive | Disconnect | ReceiveFrom | Accept;

    /// <summary>NPI_WSK_INTERFACE_ID: the NPI every standard WSK event callback belongs to.</summary>
    public static readonly Guid WskInterfaceId = new("2227e803-8d8b-11d4-abad-009027719e09");
}

/// <summary>WSK_EVENT_CALLBACK_CONTROL: the input of WSK_SET_STATIC_EVENT_CALLBACKS (and of SO_WSK_EVENT_CALLBACK).</summary>
/// <param name="NpiId">The NPI the events belong to (<see cref="WskEvents.WskInterfaceId"/> for the standard ones).</param>
/// <param name="EventMask">WSK_EVENT_* flags OR-ed together.</param>
public sealed record EventCallbackControl(Guid NpiId, uint EventMask)
{
    /// <summary>sizeof(WSK_EVENT_CALLBACK_CONTROL) on x64: an 8-byte NPIID pointer, a ULONG and 4 bytes of padding.</summary>
    public const int Size = 16;
}

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

/// <summary>A pointer-sized value (a PSECURITY_DESCRIPTOR) as the 8 little-endian bytes a buffer holds on x64.</summary>
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
    public static SecurityDescriptorHandle Read(ReadOnlySpan<byte> bytes) => new(BinaryPrimitives.ReadInt64LittleEndian(bytes));
}

/// <summary>What a WskControlClient call asks the shell to do once the rules allowed it.</summary>
public enum ClientControlAction : byte
{
    /// <summary>Nothing: the call was refused (or needs no effect).</summary>
    None,
    /// <summary>Write the transport list into the output buffer.</summary>
    WriteTransportList,
    /// <summary>Keep the IRP until the transport list changes (or the registration goes).</summary>
    ArmTransportListChange,
    /// <summary>Cache the input SD and write its handle to the output.</summary>
    CacheSecurityDescriptor,
    /// <summary>Release the handle given as input.</summary>
    ReleaseSecurityDescriptor,
    /// <summary>Record the static event mask.</summary>
    SetStaticEventCallbacks,
}

/// <summary>The rules' answer: a status (final, or STATUS_PENDING for an armed change IRP), an action, the size to report.</summary>
/// <param name="Status">What the call returns (and completes the IRP with, if one was given and is not kept).</param>
/// <param name="Action">What the shell does.</param>
/// <param name="OutputSizeReturned">*OutputSizeReturned: bytes written, or bytes needed with STATUS_BUFFER_OVERFLOW.</param>
public readonly record struct ClientControlDecision(NtStatus Status, ClientControlAction Action, long OutputSizeReturned = 0)
{
    internal static ClientControlDecision Refuse(NtStatus status) => new(status, ClientControlAction.None);
}

/// <summary>
/// The facts of one WskControlClient call, as values. Buffers are what the C pointers designate: bytes for flat layouts
/// (the transport array, a pointer-sized SD handle, a ULONG), the object for structures that hold pointers
/// (SECURITY_DESCRIPTOR, WSK_EVENT_CALLBACK_CONTROL).
/// </summary>
/// <param name="Code">ControlCode.</param>
/// <param name="HasIrp">Whether an IRP was given.</param>
/// <param name="InputSize">InputSize.</param>
/// <param name="Input">InputBuffer.</param>
/// <param name="OutputSize">OutputSize.</param>
/// <param name="OutputCapacity">Length of OutputBuffer, or -1 for NULL.</param>
/// <param name="TransportCount">Entries the provider offers now.</param>
/// <param name="ClientHasSockets">Whether this client has created any socket.</param>
public readonly record struct ClientControlCall(
    uint Code, bool HasIrp, long InputSize, object? Input, long OutputSize, int OutputCapacity, int TransportCount, bool ClientHasSockets);

/// <summary>
/// WskControlClient as a pure decision (wsk-contract §5). Model decisions: an IRP where the code forbids one, a missing
/// IRP where it needs one, a wrong input type, a size that does not match, or a buffer shorter than its declared size is
/// STATUS_INVALID_PARAMETER; the TDI codes answer STATUS_NOT_SUPPORTED (TDI is gone and this provider never had it);
/// static callbacks after the client's first socket are STATUS_INVALID_DEVICE_STATE; an unknown code is
/// STATUS_INVALID_PARAMETER.
/// </summary>
public static class ClientControlRules
{
    /// <summary>Decides one call.</summary>
    public static ClientControlDecision Decide(ClientControlCall call)
    {
        var invalid = ClientControlDecision.Refuse(NtStatus.InvalidParameter);
        switch (call.Code)
        {
            case ClientControlCodes.TdiDeviceNameMapping:
            case ClientControlCodes.TdiBehavior:
                return ClientControlDecision.Refuse(NtStatus.NotSupported);
            case ClientControlCodes.TransportListQuery:
            {
                if (call.HasIrp) return invalid;
                long needed = WskTransportCodec.SizeFor(call.TransportCount);
                // The size probe: a buffer too small (NULL and 0 included) learns the size it needs.
                if (call.OutputSize < needed) return new ClientControlDecision(NtStatus.BufferOverflow, ClientControlAction.None, needed);
                return call.OutputCapacity < call.OutputSize && needed > 0
                    ? invalid
                    : new ClientControlDecision(NtStatus.Success, ClientControlAction.WriteTransportList, needed);
            }
            case ClientControlCodes.TransportListChange:
                return call.HasIrp ? new ClientControlDecision(NtStatus.Pending, ClientControlAction.ArmTransportListChange) : invalid;
            case ClientControlCodes.CacheSecurityDescriptor:
                return !call.HasIrp && call.Input is SecurityDescriptor && call.InputSize > 0
                       && call.OutputSize >= PointerCodec.Size && call.OutputCapacity >= call.OutputSize
                    ? new ClientControlDecision(NtStatus.Success, ClientControlAction.CacheSecurityDescriptor, PointerCodec.Size)
                    : invalid;
            case ClientControlCodes.ReleaseSecurityDescriptor:
                return !call.HasIrp && call.Input is byte[] { Length: >= PointerCodec.Size } && call.InputSize == PointerCodec.Size
                    ? new ClientControlDecision(NtStatus.Success, ClientControlAction.ReleaseSecurityDescriptor)
                    : invalid;
            case ClientControlCodes.SetStaticEventCallbacks:
                if (call.HasIrp || call.Input is not EventCallbackControl control || call.InputSize != EventCallbackControl.Size
                    || control.NpiId != WskEvents.WskInterfaceId || control.EventMask == 0 || (control.EventMask & ~WskEvents.All) != 0)
                    return invalid;
                return call.ClientHasSockets
                    ? ClientControlDecision.Refuse(NtStatus.InvalidDeviceState)
                    : new ClientControlDecision(NtStatus.Success, ClientControlAction.SetStaticEventCallbacks);
            default:
                return invalid;
        }
    }
}
