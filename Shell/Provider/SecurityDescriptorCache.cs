using System.Collections.Generic;
using System.Threading;
using Wsk.Core;

namespace Wsk.Shell;

/// <summary>
/// The security descriptors a registration's clients cached with WSK_CACHE_SD (rules CacheSd, ReleaseSd): each handle
/// belongs to the client that cached it, and a pending IRP that uses one pins it until it completes (rule
/// SdCachedUntilCompletion).
/// </summary>
internal sealed class SecurityDescriptorCache
{
    private static long s_nextSd;
    private readonly Dictionary<SecurityDescriptorHandle, CachedDescriptor> _sds = new();

    public SecurityDescriptorHandle Cache(ClientId owner, SecurityDescriptor descriptor)
    {
        var handle = new SecurityDescriptorHandle(Interlocked.Increment(ref s_nextSd));
        lock (_sds) _sds[handle] = new CachedDescriptor(owner, descriptor);
        return handle;
    }

    /// <summary>Releases a handle the owner holds; false for one it does not hold.</summary>
    /// <exception cref="WskContractViolationException">A pending IRP still uses the SD.</exception>
    public bool Release(ClientId owner, SecurityDescriptorHandle handle)
    {
        lock (_sds)
        {
            if (!_sds.TryGetValue(handle, out var entry) || entry.Owner != owner) return false;
            if (entry.Pins > 0)
                throw new WskContractViolationException(CallingRule.SecurityDescriptorInUse,
                    $"SD {handle.Value} is used by {entry.Pins} pending IRP(s); release it after they complete");
            return _sds.Remove(handle);
        }
    }

    /// <summary>The descriptor behind a live handle of <paramref name="client"/>, or null.</summary>
    public SecurityDescriptor? Resolve(ClientId client, SecurityDescriptorHandle handle)
    {
        lock (_sds) return _sds.TryGetValue(handle, out var entry) && entry.Owner == client ? entry.Descriptor : null;
    }

    /// <summary>
    /// Marks the SD as used by a pending IRP until <see cref="Unpin"/>; null when it is not a live SD of the client.
    /// </summary>
    public SecurityDescriptor? Pin(ClientId client, SecurityDescriptorHandle handle)
    {
        lock (_sds)
        {
            if (!_sds.TryGetValue(handle, out var entry) || entry.Owner != client) return null;
            entry.Pins++;
            return entry.Descriptor;
        }
    }

    public void Unpin(SecurityDescriptorHandle handle)
    {
        lock (_sds)
            if (_sds.TryGetValue(handle, out var entry)) entry.Pins--;
    }

    private sealed class CachedDescriptor
    {
        public CachedDescriptor(ClientId owner, SecurityDescriptor descriptor)
        {
            Owner = owner;
            Descriptor = descriptor;
        }

        public ClientId Owner { get; }
        public SecurityDescriptor Descriptor { get; }
        public int Pins { get; set; }
    }
}
