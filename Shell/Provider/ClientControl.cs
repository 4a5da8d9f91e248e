using Wsk.Core;

namespace Wsk.Shell;

/// <summary>
/// Carries out WskControlClient: <see cref="ClientControlRules"/> decides, this does what the decision says. The
/// faithful call and every typed convenience (<see cref="WskClient.CacheSecurityDescriptor"/> and the rest) come
/// through here, so they cannot disagree.
/// </summary>
internal static class ClientControl
{
    /// <summary>
    /// WskControlClient through <paramref name="registration"/>'s dispatch. The call gate checks it first: only
    /// WSK_TRANSPORT_LIST_CHANGE requires an IRP (an IRP where none is allowed is ClientControlRules' parameter rule).
    /// </summary>
    public static NtStatus Execute(WskRegistration registration,
        WskClient? caller, uint code, long inputSize, object? input, long outputSize, byte[]? output,
        out long outputSizeReturned, Irp? irp, Irql irql = Irql.PassiveLevel)
    {
        outputSizeReturned = 0;
        const string call = nameof(WskProviderDispatch.WskControlClient);
        bool irpRequired = code == ClientControlCodes.TransportListChange;
        if (CallGate.EnterClientCall(registration, call, caller, caller?.Id, irp, irpRequired, irql) is { } refused)
            return refused;
        var client = caller!;
        var transports = registration.Provider.Transports; // one snapshot: the size told and the bytes written agree
        var decision = ClientControlRules.Decide(new ClientControlCall(
            code, irp is not null, inputSize, input, outputSize, output?.Length ?? -1, transports.Count,
            client.HasCreatedSockets));
        var status = decision.Status;
        long written = decision.OutputSizeReturned;
        switch (decision.Action)
        {
            case ClientControlAction.WriteTransportList:
                WskTransportCodec.Encode(transports, output);
                break;
            case ClientControlAction.ArmTransportListChange:
                registration.ArmTransportListChange(irp!);
                return NtStatus.Pending;
            case ClientControlAction.CacheSecurityDescriptor:
                PointerCodec.ToBytes(registration.CacheSd(client.Id, (SecurityDescriptor)input!)).CopyTo(output!, 0);
                break;
            case ClientControlAction.ReleaseSecurityDescriptor:
                var handle = PointerCodec.Read((byte[])input!);
                registration.Verifier?.OnSdReleased(handle); // recorded before the rule below may refuse it
                if (!registration.ReleaseSd(client.Id, handle)) status = NtStatus.InvalidParameter;
                break;
            case ClientControlAction.SetStaticEventCallbacks:
                if (!client.TrySetStaticEventMask(((EventCallbackControl)input!).EventMask))
                    status = NtStatus.InvalidDeviceState;
                break;
        }
        outputSizeReturned = written;
        // Information: bytes written, or needed on overflow.
        irp?.IoCompleteRequest(status, written != 0 ? written : null);
        return status;
    }
}
