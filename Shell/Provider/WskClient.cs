using System;
using System.Collections.Generic;
using System.Threading;
using Wsk.Core;

namespace Wsk.Shell;

/// <summary>
/// WSK_CLIENT: the handle one capture of the provider NPI gives. Provider calls take it as their first argument;
/// after <see cref="WskRegistration.WskReleaseProviderNpi"/> any call through it is a contract violation.
/// </summary>
public sealed class WskClient
{
    private readonly object _socketGate = new();
    private int _released;
    private bool _createdSockets;

    internal WskClient(WskRegistration registration, ClientId id)
    {
        Registration = registration;
        Id = id;
    }

    /// <summary>The identity requests carry (<see cref="ConnectRequest.Client"/>).</summary>
    public ClientId Id { get; }

    /// <summary>The registration this client was captured from.</summary>
    public WskRegistration Registration { get; }

    /// <summary>True until the capture is released.</summary>
    public bool IsLive => Volatile.Read(ref _released) == 0;

    /// <summary>
    /// WSK_CACHE_SD: caches <paramref name="descriptor"/> for this client and returns the handle to pass as
    /// <see cref="ConnectRequest.SecurityDescriptor"/>. The handle stays valid until <see
    /// cref="ReleaseSecurityDescriptor"/>.
    /// </summary>
    public SecurityDescriptorHandle CacheSecurityDescriptor(SecurityDescriptor descriptor)
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        var output = new byte[PointerCodec.Size];
        var status = ClientControl.Execute(Registration, this, ClientControlCodes.CacheSecurityDescriptor, 1,
            descriptor, output.Length, output, out _, null);
        // No handle to return: a released client (already reported by the call gate) is thrown here.
        if (status == NtStatus.InvalidHandle)
            throw new WskContractViolationException(CallingRule.ClientReleased, $"client {Id.Value} was released");
        return PointerCodec.Read(output);
    }

    /// <summary>
    /// WSK_RELEASE_SD: STATUS_SUCCESS, or STATUS_INVALID_PARAMETER for a handle this client does not hold (never
    /// cached, released already, or another client's); STATUS_INVALID_HANDLE once the client is released.
    /// </summary>
    /// <exception cref="WskContractViolationException">A pending IRP still uses the SD.</exception>
    public NtStatus ReleaseSecurityDescriptor(SecurityDescriptorHandle handle) =>
        ClientControl.Execute(Registration, this, ClientControlCodes.ReleaseSecurityDescriptor, PointerCodec.Size,
            PointerCodec.ToBytes(handle), 0, null, out _, null);

    /// <summary>The transports this provider offers now (the content of WSK_TRANSPORT_LIST_QUERY).</summary>
    public IReadOnlyList<WskTransport> QueryTransports()
    {
        EnsureLive();
        return Registration.Provider.Transports;
    }

    /// <summary>
    /// WSK_SET_STATIC_EVENT_CALLBACKS: events of <paramref name="eventMask"/> are enabled on every socket this client
    /// creates from now on. STATUS_INVALID_DEVICE_STATE once the client has created a socket; STATUS_INVALID_PARAMETER
    /// for a mask with bits other than WSK_EVENT_* events; STATUS_INVALID_HANDLE once the client is released.
    /// </summary>
    public NtStatus SetStaticEventCallbacks(uint eventMask) =>
        ClientControl.Execute(Registration, this, ClientControlCodes.SetStaticEventCallbacks, EventCallbackControl.Size,
            new EventCallbackControl(WskEvents.WskInterfaceId, eventMask), 0, null, out _, null);

    /// <summary>True once this client has created a socket (through either path).</summary>
    public bool HasCreatedSockets
    {
        get { lock (_socketGate) return _createdSockets; }
    }

    /// <summary>Notes that a socket is being created, so static callbacks can no longer change.</summary>
    internal void SocketCreating()
    {
        lock (_socketGate) _createdSockets = true;
    }

    /// <summary>
    /// Sets the static mask if no socket was created yet (one decision under the lock both paths take).
    /// </summary>
    internal bool TrySetStaticEventMask(uint mask)
    {
        lock (_socketGate)
        {
            if (_createdSockets) return false;
            StaticEventMask = mask;
            return true;
        }
    }

    /// <summary>
    /// Events enabled on every new socket of this client from creation on (WSK_SET_STATIC_EVENT_CALLBACKS, allowed only
    /// before the client has any socket); 0 when none.
    /// </summary>
    internal uint StaticEventMask { get; set; }

    internal bool MarkReleased() => Interlocked.Exchange(ref _released, 1) == 0;

    /// <summary>
    /// For the typed forms that have no status to return: a released client is reported, then thrown.
    /// </summary>
    internal void EnsureLive([System.Runtime.CompilerServices.CallerMemberName] string call = "")
    {
        if (IsLive) return;
        CallGate.Refuse(Registration, CallingRule.ClientReleased, call, Irql.PassiveLevel, null, null, Id);
        throw new WskContractViolationException(CallingRule.ClientReleased, $"client {Id.Value} was released");
    }

    /// <inheritdoc/>
    public override string ToString() => $"WskClient({Id.Value})";
}
