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
    private int _released;

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
    /// <see cref="ConnectRequest.SecurityDescriptor"/>. The handle stays valid until <see cref="ReleaseSecurityDescriptor"/>.
    /// </summary>
    public SecurityDescriptorHandle CacheSecurityDescriptor(SecurityDescriptor descriptor)
    {
        EnsureLive();
        return Registration.CacheSd(Id, descriptor);
    }

    /// <summary>WSK_RELEASE_SD: STATUS_SUCCESS, or STATUS_INVALID_PARAMETER for a handle this client does not hold.</summary>
    public NtStatus ReleaseSecurityDescriptor(SecurityDescriptorHandle handle)
    {
        EnsureLive();
        Registration.Verifier?.OnSdReleased(handle);
        return Registration.ReleaseSd(Id, handle) ? NtStatus.Success : NtStatus.InvalidParameter;
    }

    /// <summary>The transports this provider offers (the content of WSK_TRANSPORT_LIST_QUERY).</summary>
    public IReadOnlyList<WskTransport> QueryTransports()
    {
        EnsureLive();
        return TransportCatalogue.All;
    }

    /// <summary>
    /// Events enabled on every new socket of this client from creation on (WSK_SET_STATIC_EVENT_CALLBACKS, allowed only
    /// before the client has any socket); 0 when none.
    /// </summary>
    internal uint StaticEventMask { get; set; }

    internal bool MarkReleased() => Interlocked.Exchange(ref _released, 1) == 0;

    internal void EnsureLive()
    {
        if (!IsLive)
            throw new WskContractViolationException(CallingRule.ClientReleased, $"client {Id.Value} was released");
    }

    /// <inheritdoc/>
    public override string ToString() => $"WskClient({Id.Value})";
}
