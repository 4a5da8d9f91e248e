using System;
using System.Collections.Concurrent;
using System.Threading;
using Wsk.Core;

namespace Wsk.Shell;

/// <summary>WSK_CLIENT_DISPATCH: the version the client asks for (MAKE_WSK_VERSION(1,0) = 0x0100).</summary>
/// <param name="Version">Requested WSK version.</param>
public sealed record WskClientDispatch(ushort Version = 0x0100);

/// <summary>WSK_CLIENT_NPI: the client's context and dispatch.</summary>
/// <param name="ClientContext">Opaque client context.</param>
/// <param name="Dispatch">The client dispatch.</param>
public sealed record WskClientNpi(object? ClientContext, WskClientDispatch Dispatch);

/// <summary>WSK_PROVIDER_NPI: the client handle and the provider's dispatch table, from one successful capture.</summary>
/// <param name="Client">The WSK_CLIENT to pass to provider calls.</param>
/// <param name="Dispatch">WSK_PROVIDER_DISPATCH.</param>
public sealed record WskProviderNpi(WskClient Client, WskProviderDispatch Dispatch);

/// <summary>
/// WSK_REGISTRATION: WskRegister, WskCaptureProviderNPI, WskReleaseProviderNPI, WskDeregister (wsk-contract §7).
/// Every successful capture yields its own <see cref="WskClient"/> so that a call through a released one is caught.
/// <see cref="WskDeregister"/> blocks until every capture is released and every socket closed, as WSK's does.
/// </summary>
public sealed class WskRegistration
{
    private readonly object _gate = new();
    private readonly ConcurrentDictionary<ClientId, WskClient> _clients = new();
    private readonly ConcurrentDictionary<SecurityDescriptorHandle, (ClientId Owner, SecurityDescriptor Descriptor)> _sds = new();
    private static long s_nextClient;
    private static long s_nextSd;
    private int _captures;
    private int _sockets;
    private bool _deregistering;
    private WskVerifier? _verifier;

    private WskRegistration(WskClientNpi clientNpi, ITransport transport)
    {
        ClientNpi = clientNpi;
        Transport = transport;
        Dispatch = new WskProviderDispatch(this);
        SdLookup = IsCachedSd;
    }

    /// <summary>The client NPI given to <see cref="WskRegister(WskClientNpi, out WskRegistration)"/>.</summary>
    public WskClientNpi ClientNpi { get; }

    /// <summary>The transport this registration's sockets use.</summary>
    public ITransport Transport { get; }

    /// <summary>Captured clients not yet released.</summary>
    public int CapturedClients => Volatile.Read(ref _captures);

    /// <summary>Sockets created through this registration and not yet closed.</summary>
    public int OpenSockets => Volatile.Read(ref _sockets);

    /// <summary>True once <see cref="WskDeregister"/> has begun: captures are refused from then on.</summary>
    public bool IsDeregistering
    {
        get { lock (_gate) return _deregistering; }
    }

    internal WskProviderDispatch Dispatch { get; }

    internal SecurityDescriptorLookup SdLookup { get; }

    /// <summary>WskRegister over the real OS transport.</summary>
    public static NtStatus WskRegister(WskClientNpi clientNpi, out WskRegistration registration) =>
        WskRegister(clientNpi, OsTransport.Shared, out registration);

    /// <summary>WskRegister over <paramref name="transport"/> (the real one, or a simulated one in tests).</summary>
    public static NtStatus WskRegister(WskClientNpi clientNpi, ITransport transport, out WskRegistration registration)
    {
        ArgumentNullException.ThrowIfNull(clientNpi);
        ArgumentNullException.ThrowIfNull(transport);
        registration = new WskRegistration(clientNpi, transport);
        WskVerifier.Global?.OnRegistered(registration);
        return clientNpi.Dispatch.Version == 0x0100 ? NtStatus.Success : NtStatus.NoInterface;
    }

    /// <summary>
    /// WskCaptureProviderNPI. This provider is ready as soon as it is registered, so any wait succeeds at once;
    /// after <see cref="WskDeregister"/> has begun the answer is STATUS_DEVICE_NOT_READY.
    /// </summary>
    /// <param name="waitTimeoutMilliseconds">WSK_NO_WAIT (0), a timeout, or WSK_INFINITE_WAIT (0xFFFFFFFF).</param>
    /// <param name="providerNpi">The captured NPI on success.</param>
    public NtStatus WskCaptureProviderNpi(uint waitTimeoutMilliseconds, out WskProviderNpi? providerNpi)
    {
        _ = waitTimeoutMilliseconds; // never needed: the provider is never "not ready yet"
        lock (_gate)
        {
            providerNpi = null;
            if (_deregistering) return NtStatus.DeviceNotReady;
            if (ClientNpi.Dispatch.Version != 0x0100) return NtStatus.NoInterface;
            var client = new WskClient(this, new ClientId(Interlocked.Increment(ref s_nextClient)));
            _clients[client.Id] = client;
            _captures++;
            providerNpi = new WskProviderNpi(client, Dispatch);
            Verifier?.OnCaptured(client);
            return NtStatus.Success;
        }
    }

    /// <summary>WskReleaseProviderNPI for the capture that produced <paramref name="providerNpi"/>. Releasing twice is a contract violation.</summary>
    public void WskReleaseProviderNpi(WskProviderNpi providerNpi)
    {
        ArgumentNullException.ThrowIfNull(providerNpi);
        lock (_gate)
        {
            bool first = providerNpi.Client.MarkReleased() && _clients.TryRemove(providerNpi.Client.Id, out _);
            Verifier?.OnReleased(providerNpi.Client, first);
            if (!first)
                throw new WskContractViolationException(CallingRule.ClientReleased, "this provider NPI was already released");
            _captures--;
            Monitor.PulseAll(_gate);
        }
    }

    /// <summary>
    /// WskDeregister: refuses new captures from now on and returns only when every captured NPI is released and every
    /// socket of this registration closed (wsk-contract §7). Blocks the calling thread until then.
    /// </summary>
    public void WskDeregister()
    {
        lock (_gate)
        {
            _deregistering = true;
            while (_captures > 0 || _sockets > 0) Monitor.Wait(_gate);
        }
        Verifier?.OnDeregistered(this);
    }

    /// <summary>The verifier watching this registration: its own, else the global one, else null (the common case).</summary>
    internal WskVerifier? Verifier => Volatile.Read(ref _verifier) ?? WskVerifier.Global;

    internal void AttachVerifier(WskVerifier verifier) => Volatile.Write(ref _verifier, verifier);

    internal bool TryGetClient(ClientId id, out WskClient client) => _clients.TryGetValue(id, out client!);

    internal void SocketOpened() => Interlocked.Increment(ref _sockets);

    internal void SocketClosed()
    {
        if (Interlocked.Decrement(ref _sockets) == 0)
            lock (_gate) Monitor.PulseAll(_gate);
    }

    internal SecurityDescriptorHandle CacheSd(ClientId owner, SecurityDescriptor descriptor)
    {
        var handle = new SecurityDescriptorHandle(Interlocked.Increment(ref s_nextSd));
        _sds[handle] = (owner, descriptor);
        return handle;
    }

    internal bool ReleaseSd(ClientId owner, SecurityDescriptorHandle handle) =>
        _sds.TryGetValue(handle, out var entry) && entry.Owner == owner && _sds.TryRemove(handle, out _);

    private bool IsCachedSd(ClientId client, SecurityDescriptorHandle handle) =>
        _sds.TryGetValue(handle, out var entry) && entry.Owner == client;
}

/// <summary>Wait values for <see cref="WskRegistration.WskCaptureProviderNpi"/>.</summary>
public static class WskWait
{
    /// <summary>WSK_NO_WAIT: return at once.</summary>
    public const uint NoWait = 0;

    /// <summary>WSK_INFINITE_WAIT: wait as long as it takes.</summary>
    public const uint Infinite = 0xFFFF_FFFF;
}
