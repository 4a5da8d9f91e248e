using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Wsk.Core;

namespace Wsk.Shell;

/// <summary>
/// WSK_REGISTRATION: WskRegister, WskCaptureProviderNPI, WskReleaseProviderNPI, WskDeregister (rule RegistrationPairs).
/// Every successful capture yields its own <see cref="WskClient"/> so that a call through a released one is caught.
/// A capture waits (<see cref="WskWait"/>) while the provider is not attached, on the provider's clock.
/// <see cref="WskDeregister(Irql)"/> returns once every capture is released, every socket closed and every pending call
/// completed, as WSK's does; it also ends waiting captures and WSK_TRANSPORT_LIST_CHANGE IRPs.
/// </summary>
public sealed partial class WskRegistration
{
    private readonly object _gate = new();
    private readonly ConcurrentDictionary<ClientId, WskClient> _clients = new();
    private readonly SecurityDescriptorCache _sds = new();
    private readonly CaptureWaiters _waiters;
    private readonly TransportListChangeIrps _listChanges;
    private readonly TaskCompletionSource _deregistered = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private static long s_nextClient;
    private int _captures;
    private int _sockets;
    private int _calls;
    private bool _deregistering;
    private WskVerifier? _verifier;

    private WskRegistration(WskClientNpi clientNpi, WskProvider provider)
    {
        ClientNpi = clientNpi;
        Provider = provider;
        Dispatch = new WskProviderDispatch(this);
        _waiters = new CaptureWaiters(_gate);
        _listChanges = new TransportListChangeIrps(this, _gate);
        provider.Changed += OnProviderChanged;
        provider.Metrics.Track(this); // the open-socket instrument reads OpenSockets from here
    }

    /// <summary>The client NPI given to WskRegister.</summary>
    public WskClientNpi ClientNpi { get; }

    /// <summary>The provider this registration is attached to.</summary>
    public WskProvider Provider { get; }

    /// <summary>The transport this registration's sockets use.</summary>
    public ITransport Transport => Provider.Transport;

    /// <summary>Captured clients not yet released.</summary>
    public int CapturedClients => Volatile.Read(ref _captures);

    /// <summary>Sockets created through this registration and not yet closed.</summary>
    public int OpenSockets => Volatile.Read(ref _sockets);

    /// <summary>Provider calls whose IRP is still pending (a pending connect, an armed list-change IRP).</summary>
    public int PendingCalls => Volatile.Read(ref _calls);

    /// <summary>Captures waiting for the provider right now.</summary>
    public int WaitingCaptures => _waiters.Count;

    /// <summary>True once <see cref="WskDeregister(Irql)"/> has begun: captures are refused from then on.</summary>
    public bool IsDeregistering
    {
        get { lock (_gate) return _deregistering; }
    }

    /// <summary>True once deregistration has finished (nothing captured, open or pending is left).</summary>
    public bool IsDeregistered => _deregistered.Task.IsCompleted;

    internal WskProviderDispatch Dispatch { get; }

    /// <summary>
    /// Whether <paramref name="handle"/> is given and names a live SD cached by <paramref name="client"/>: the fact
    /// validation takes.
    /// </summary>
    internal bool IsCachedSd(ClientId client, SecurityDescriptorHandle? handle) =>
        handle is { } sd && _sds.Resolve(client, sd) is not null;

    /// <summary>The calling process, for a NULL OwningProcess.</summary>
    public static ProcessId CallingProcess { get; } = new(Environment.ProcessId);

    /// <summary>WskRegister over the shared provider (the real OS transport).</summary>
    public static NtStatus WskRegister(WskClientNpi clientNpi, out WskRegistration registration) =>
        WskRegister(clientNpi, WskProvider.Shared, out registration);

    /// <summary>
    /// WskRegister over <paramref name="transport"/> (the real one, or a simulated one in tests), attached at once.
    /// </summary>
    public static NtStatus WskRegister(WskClientNpi clientNpi, ITransport transport,
        out WskRegistration registration) =>
        WskRegister(clientNpi, new WskProvider(transport), out registration);

    /// <summary>
    /// WskRegister over <paramref name="transport"/>, with the name calls answered by <paramref name="resolver"/>.
    /// </summary>
    public static NtStatus WskRegister(WskClientNpi clientNpi, ITransport transport, IWskResolver resolver,
        out WskRegistration registration) =>
        WskRegister(clientNpi, new WskProvider(transport)
            { Resolver = resolver ?? throw new ArgumentNullException(nameof(resolver)) }, out registration);

    /// <summary>
    /// WskRegister with <paramref name="provider"/>. Several registrations may share a provider, each with its own
    /// pairing.
    /// </summary>
    public static NtStatus WskRegister(WskClientNpi clientNpi, WskProvider provider, out WskRegistration registration)
    {
        ArgumentNullException.ThrowIfNull(clientNpi);
        ArgumentNullException.ThrowIfNull(provider);
        registration = new WskRegistration(clientNpi, provider);
        WskVerifier.Global?.OnRegistered(registration);
        return clientNpi.Dispatch.Version == 0x0100 ? NtStatus.Success : NtStatus.NoInterface;
    }

    /// <summary>
    /// WskCaptureProviderNPI: STATUS_SUCCESS with the NPI; STATUS_DEVICE_NOT_READY when the provider is not attached
    /// within the wait (WSK_NO_WAIT: at once) or deregistration began (which also ends a wait); STATUS_NOINTERFACE for
    /// a version the provider does not have. Blocks the calling thread for the wait; waiting requires PASSIVE_LEVEL.
    /// </summary>
    /// <param name="waitTimeoutMilliseconds">WSK_NO_WAIT (0), a timeout, or WSK_INFINITE_WAIT (0xFFFFFFFF).</param>
    /// <param name="providerNpi">The captured NPI on success.</param>
    /// <param name="irql">The caller's IRQL.</param>
    /// <exception cref="WskContractViolationException">Above DISPATCH_LEVEL, or a wait above PASSIVE_LEVEL.</exception>
    public NtStatus WskCaptureProviderNpi(uint waitTimeoutMilliseconds, out WskProviderNpi? providerNpi,
        Irql irql = Irql.PassiveLevel)
    {
        CheckWait(irql, waitTimeoutMilliseconds != WskWait.NoWait, "WskCaptureProviderNPI");
        var completion = BeginCapture(waitTimeoutMilliseconds).Task.GetAwaiter().GetResult();
        providerNpi = completion.Npi;
        return completion.Status;
    }

    /// <summary>
    /// The awaitable capture: same outcomes as <see cref="WskCaptureProviderNpi"/> without blocking a thread.
    /// Cancelling the token abandons the wait (STATUS_CANCELLED, nothing captured).
    /// </summary>
    public async ValueTask<CaptureCompletion> CaptureProviderNpiAsync(uint waitTimeoutMilliseconds,
        CancellationToken cancellationToken = default)
    {
        var waiter = BeginCapture(waitTimeoutMilliseconds);
        using var registration = cancellationToken.CanBeCanceled
            ? cancellationToken.Register(static w => ((CaptureWaiters.CaptureWaiter)w!).Abandon(), waiter)
            : default;
        return await waiter.Task.ConfigureAwait(false);
    }

    /// <summary>
    /// WskReleaseProviderNPI for the capture that produced <paramref name="providerNpi"/>. Releasing twice is a
    /// contract violation.
    /// </summary>
    public void WskReleaseProviderNpi(WskProviderNpi providerNpi)
    {
        ArgumentNullException.ThrowIfNull(providerNpi);
        lock (_gate)
        {
            bool first = providerNpi.Client.MarkReleased() && _clients.TryRemove(providerNpi.Client.Id, out _);
            Verifier?.OnReleased(providerNpi.Client, first);
            if (!first)
                throw new WskContractViolationException(CallingRule.ClientReleased,
                    "this provider NPI was already released");
            _captures--;
            CheckDeregistered();
        }
    }

    /// <summary>
    /// WskDeregister: refuses new captures from now on, ends waiting captures (STATUS_DEVICE_NOT_READY) and cancels
    /// WSK_TRANSPORT_LIST_CHANGE IRPs, then returns only when every captured NPI is released, every socket of this
    /// registration closed and every pending call completed (rules DeregisterWaitsForReleases,
    /// DeregisterCancelsListChange). Blocks; requires PASSIVE_LEVEL.
    /// </summary>
    public void WskDeregister(Irql irql = Irql.PassiveLevel)
    {
        CheckWait(irql, waits: true, "WskDeregister");
        DeregisterAsync().GetAwaiter().GetResult();
    }

    /// <summary>
    /// WskDeregister without blocking: the task completes when <see cref="WskDeregister(Irql)"/> would return.
    /// </summary>
    public Task DeregisterAsync()
    {
        List<(CaptureWaiters.CaptureWaiter Waiter, CaptureEvent Event)> waiters;
        List<Irp> irps;
        lock (_gate)
        {
            if (!_deregistering)
            {
                _deregistering = true;
                Provider.Changed -= OnProviderChanged;
            }
            waiters = _waiters.TakeAll(CaptureCommand.DeregisterBegins);
            irps = _listChanges.TakeAll();
            CheckDeregistered();
        }
        foreach (var (w, e) in waiters) w.Complete(new CaptureCompletion(e.Status, null));
        _listChanges.Complete(irps, NtStatus.Cancelled);
        Verifier?.OnDeregistered(this); // the pairing is kept: what is still open is the verifier's other findings
        return _deregistered.Task;
    }

    // ------------------------------------------------------------------ captures

    private CaptureWaiters.CaptureWaiter BeginCapture(uint wait)
    {
        var waiter = _waiters.NewWaiter();
        lock (_gate)
        {
            if (ClientNpi.Dispatch.Version != 0x0100)
            {
                waiter.Complete(new CaptureCompletion(NtStatus.NoInterface, null));
                return waiter;
            }
            var e = waiter.Step(CaptureCommand.Begin(wait, Provider.IsAttached, _deregistering));
            if (e.Kind == CaptureEventKind.WaitBegan)
                _waiters.Wait(waiter, Provider.Time, e.Timed ? TimeSpan.FromMilliseconds(wait) : null);
            else
                waiter.Complete(new CaptureCompletion(e.Status,
                    e.Kind == CaptureEventKind.Captured ? Capture() : null));
        }
        return waiter;
    }

    /// <summary>Captures under <see cref="_gate"/>.</summary>
    private WskProviderNpi Capture()
    {
        var client = new WskClient(this, new ClientId(Interlocked.Increment(ref s_nextClient)));
        _clients[client.Id] = client;
        _captures++;
        Verifier?.OnCaptured(client);
        return new WskProviderNpi(client, Dispatch);
    }

    private void OnProviderChanged(ProviderChange change)
    {
        if (change == ProviderChange.TransportList)
        {
            List<Irp> irps;
            lock (_gate) irps = _listChanges.TakeAll();
            _listChanges.Complete(irps, NtStatus.Success);
            return;
        }
        var ready = new List<(CaptureWaiters.CaptureWaiter, WskProviderNpi)>();
        lock (_gate)
        {
            if (_deregistering) return;
            foreach (var (w, e) in _waiters.TakeAll(CaptureCommand.ProviderReady))
                if (e.Kind == CaptureEventKind.Captured) ready.Add((w, Capture()));
        }
        foreach (var (w, npi) in ready)
            if (!w.Complete(new CaptureCompletion(NtStatus.Success, npi)))
                WskReleaseProviderNpi(npi); // abandoned meanwhile
    }

    /// <summary>Under <see cref="_gate"/>: finishes deregistration once nothing is left.</summary>
    private void CheckDeregistered()
    {
        if (_deregistering && _captures == 0 && Volatile.Read(ref _sockets) == 0 && Volatile.Read(ref _calls) == 0)
            _deregistered.TrySetResult();
    }

    private static void CheckWait(Irql irql, bool waits, string call)
    {
        if (irql > Irql.DispatchLevel)
            throw new WskContractViolationException(CallingRule.IrqlAboveDispatch,
                $"{call} requires IRQL <= DISPATCH_LEVEL");
        if (waits && irql > Irql.PassiveLevel)
            throw new WskContractViolationException(CallingRule.WaitAbovePassive,
                $"{call} may wait only at PASSIVE_LEVEL");
    }
}
