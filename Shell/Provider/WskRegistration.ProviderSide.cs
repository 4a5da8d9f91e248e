using System.Threading;
using Wsk.Core;

namespace Wsk.Shell;

/// <summary>What the provider's own calls use of a registration: its verifier, clients, counts and parts.</summary>
public sealed partial class WskRegistration
{
    /// <summary>
    /// The verifier watching this registration: its own, else the global one, else null (the common case).
    /// </summary>
    internal WskVerifier? Verifier => Volatile.Read(ref _verifier) ?? WskVerifier.Global;

    internal void AttachVerifier(WskVerifier verifier) => Volatile.Write(ref _verifier, verifier);

    internal bool TryGetClient(ClientId id, out WskClient client) => _clients.TryGetValue(id, out client!);

    internal void SocketOpened()
    {
        Interlocked.Increment(ref _sockets);
    }

    internal void SocketClosed()
    {
        if (Interlocked.Decrement(ref _sockets) == 0)
            lock (_gate) CheckDeregistered();
    }

    /// <summary>A call's IRP went pending with the provider (deregistration waits for it).</summary>
    internal void CallPending() => Interlocked.Increment(ref _calls);

    /// <summary>A pending call's IRP completed.</summary>
    internal void CallCompleted()
    {
        if (Interlocked.Decrement(ref _calls) == 0)
            lock (_gate) CheckDeregistered();
    }

    // ------------------------------------------------------------------ the SD cache and the list-change IRPs

    internal SecurityDescriptorHandle CacheSd(ClientId owner, SecurityDescriptor descriptor) =>
        _sds.Cache(owner, descriptor);

    /// <summary>Releases a handle the owner holds; false for one it does not hold.</summary>
    /// <exception cref="WskContractViolationException">A pending IRP still uses the SD.</exception>
    internal bool ReleaseSd(ClientId owner, SecurityDescriptorHandle handle) => _sds.Release(owner, handle);

    /// <summary>The descriptor behind a live handle of <paramref name="client"/>, or null.</summary>
    internal SecurityDescriptor? ResolveSd(ClientId client, SecurityDescriptorHandle handle) =>
        _sds.Resolve(client, handle);

    /// <summary>
    /// Pins the SD for a pending IRP until <see cref="UnpinSd"/>; null when it is not a live SD of the client.
    /// </summary>
    internal SecurityDescriptor? PinSd(ClientId client, SecurityDescriptorHandle handle) => _sds.Pin(client, handle);

    internal void UnpinSd(SecurityDescriptorHandle handle) => _sds.Unpin(handle);

    /// <summary>
    /// Keeps <paramref name="irp"/> until the transport list changes; after deregistration began, cancels it at once.
    /// </summary>
    internal void ArmTransportListChange(Irp irp)
    {
        lock (_gate)
        {
            if (!_deregistering)
            {
                _listChanges.Keep(irp);
                return;
            }
        }
        irp.IoCompleteRequest(NtStatus.Cancelled);
    }
}
