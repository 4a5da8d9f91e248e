namespace Wsk.Core;

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

/// <summary>
/// The rules' answer: a status (final, or STATUS_PENDING for an armed change IRP), an action, the size to report.
/// </summary>
/// <param name="Status">What the call returns (and completes the IRP with, if one was given and is not kept).</param>
/// <param name="Action">What the shell does.</param>
/// <param name="OutputSizeReturned">
/// *OutputSizeReturned: bytes written, or bytes needed with STATUS_BUFFER_OVERFLOW.
/// </param>
public readonly record struct ClientControlDecision(
    NtStatus Status, ClientControlAction Action, long OutputSizeReturned = 0)
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
    uint Code, bool HasIrp, long InputSize, object? Input, long OutputSize, int OutputCapacity, int TransportCount,
    bool ClientHasSockets);

/// <summary>
/// WskControlClient as a pure decision (rules TransportListQuery, TransportListChange, CacheSd, ReleaseSd,
/// StaticCallbacksBeforeSockets). Model decisions: an IRP where the code forbids one, a missing IRP where it needs one,
/// a wrong input type, a size that does not match, or a buffer shorter than its declared size is
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
                if (call.OutputSize < needed)
                    return new ClientControlDecision(NtStatus.BufferOverflow, ClientControlAction.None, needed);
                return call.OutputCapacity < call.OutputSize && needed > 0
                    ? invalid
                    : new ClientControlDecision(NtStatus.Success, ClientControlAction.WriteTransportList, needed);
            }
            case ClientControlCodes.TransportListChange:
                return call.HasIrp
                    ? new ClientControlDecision(NtStatus.Pending, ClientControlAction.ArmTransportListChange)
                    : invalid;
            case ClientControlCodes.CacheSecurityDescriptor:
                return !call.HasIrp && call.Input is SecurityDescriptor && call.InputSize > 0
                       && call.OutputSize >= PointerCodec.Size && call.OutputCapacity >= call.OutputSize
                    ? new ClientControlDecision(
                        NtStatus.Success, ClientControlAction.CacheSecurityDescriptor, PointerCodec.Size)
                    : invalid;
            case ClientControlCodes.ReleaseSecurityDescriptor:
                return !call.HasIrp && call.Input is byte[] { Length: >= PointerCodec.Size }
                       && call.InputSize == PointerCodec.Size
                    ? new ClientControlDecision(NtStatus.Success, ClientControlAction.ReleaseSecurityDescriptor)
                    : invalid;
            case ClientControlCodes.SetStaticEventCallbacks:
                if (call.HasIrp || call.Input is not EventCallbackControl control
                    || call.InputSize != EventCallbackControl.Size || control.NpiId != WskEvents.WskInterfaceId
                    || control.EventMask == 0 || (control.EventMask & ~WskEvents.All) != 0)
                    return invalid;
                return call.ClientHasSockets
                    ? ClientControlDecision.Refuse(NtStatus.InvalidDeviceState)
                    : new ClientControlDecision(NtStatus.Success, ClientControlAction.SetStaticEventCallbacks);
            default:
                return invalid;
        }
    }
}
