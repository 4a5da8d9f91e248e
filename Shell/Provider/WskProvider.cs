using System;
using System.Collections.Generic;
using System.Diagnostics.Metrics;
using System.Linq;
using Wsk.Core;

namespace Wsk.Shell;

/// <summary>
/// The WSK subsystem that registrations attach to (the NMR provider side, rule RegistrationPairs): its transport,
/// whether it is attached yet (a capture before that waits or answers STATUS_DEVICE_NOT_READY), the transport list it
/// offers, and the clock its waits use. Every timer goes through <see cref="Time"/>, so tests run the waits in virtual
/// time.
/// </summary>
public sealed class WskProvider
{
    private readonly object _gate = new();
    private IReadOnlyList<WskTransport> _transports = TransportCatalogue.All;
    private bool _attached;
    private readonly IMeterFactory? _meterFactory;
    private readonly IWskResolver _resolver;

    /// <summary>A provider over <paramref name="transport"/>.</summary>
    /// <param name="transport">Where its sockets go.</param>
    /// <param name="time">The clock for capture timeouts (the system clock when null).</param>
    /// <param name="attached">False for a provider that is not ready yet: captures wait for <see
    /// cref="Attach"/>.</param>
    public WskProvider(ITransport transport, TimeProvider? time = null, bool attached = true)
    {
        ArgumentNullException.ThrowIfNull(transport);
        Transport = transport;
        _resolver = transport as IWskResolver ?? OsResolver.Shared;
        Time = time ?? TimeProvider.System;
        _attached = attached;
    }

    /// <summary>
    /// The provider every registration uses unless given another: the real OS, attached, the system clock. Its
    /// transport is the libc fast path (<see cref="OsTransport"/>) on Linux, <see cref="SocketTransport"/> elsewhere.
    /// </summary>
    public static WskProvider Shared { get; } =
        new(OperatingSystem.IsLinux() ? OsTransport.Shared : SocketTransport.Shared);

    /// <summary>
    /// Where this provider's measurements go: null (the default) for the one shared meter named
    /// <see cref="WskTelemetry.MeterName"/>, else a factory (dependency injection's) that creates this provider's own
    /// meter of that name, as <c>SocketsHttpHandler.MeterFactory</c> does.
    /// </summary>
    public IMeterFactory? MeterFactory
    {
        get => _meterFactory;
        init
        {
            _meterFactory = value;
            Metrics = value is null
                ? WskMetrics.Shared
                : WskMetrics.For(value.Create(
                    new MeterOptions(WskTelemetry.MeterName) { Version = WskTelemetry.Version }));
        }
    }

    /// <summary>
    /// Where the name calls (WskGetAddressInfo, WskGetNameInfo) look names up: the transport itself when it is a
    /// resolver (the simulated network's DNS), else <see cref="OsResolver.Shared"/>; a <see cref="TableResolver"/>
    /// or any other <see cref="IWskResolver"/> may be given instead.
    /// </summary>
    /// <exception cref="ArgumentNullException">Set to null.</exception>
    public IWskResolver Resolver
    {
        get => _resolver;
        init => _resolver = value ?? throw new ArgumentNullException(nameof(value));
    }

    /// <summary>The instruments this provider's registrations measure into.</summary>
    internal WskMetrics Metrics { get; private init; } = WskMetrics.Shared;

    /// <summary>Where sockets go.</summary>
    public ITransport Transport { get; }

    /// <summary>The clock of capture timeouts.</summary>
    public TimeProvider Time { get; }

    /// <summary>True once attached: captures succeed from then on.</summary>
    public bool IsAttached
    {
        get { lock (_gate) return _attached; }
    }

    /// <summary>
    /// The WSK_TRANSPORT entries offered now: always a subset of <see cref="TransportCatalogue.All"/>.
    /// </summary>
    public IReadOnlyList<WskTransport> Transports
    {
        get { lock (_gate) return _transports; }
    }

    /// <summary>Raised (outside any lock) after <see cref="Attach"/> or a change of <see cref="Transports"/>.</summary>
    internal event Action<ProviderChange>? Changed;

    /// <summary>The provider becomes ready: waiting captures succeed.</summary>
    public void Attach()
    {
        lock (_gate)
        {
            if (_attached) return;
            _attached = true;
        }
        Changed?.Invoke(ProviderChange.Attached);
    }

    /// <summary>
    /// Changes the offered transports (a stack added or withdrawn): WSK_TRANSPORT_LIST_CHANGE IRPs complete. Only
    /// entries of the catalogue may be offered, so the list never names a combination the provider would refuse.
    /// </summary>
    /// <exception cref="ArgumentException">An entry is not in <see cref="TransportCatalogue.All"/>.</exception>
    public void SetTransports(IEnumerable<WskTransport> transports)
    {
        ArgumentNullException.ThrowIfNull(transports);
        var list = transports.Distinct().ToArray();
        if (list.FirstOrDefault(t => !TransportCatalogue.All.Contains(t)) is { } foreign)
            throw new ArgumentException($"{foreign} is not a transport this provider has", nameof(transports));
        lock (_gate)
        {
            if (list.SequenceEqual(_transports)) return;
            _transports = list;
        }
        Changed?.Invoke(ProviderChange.TransportList);
    }
}

/// <summary>What changed at a provider.</summary>
internal enum ProviderChange
{
    /// <summary>It attached.</summary>
    Attached,
    /// <summary>Its transport list changed.</summary>
    TransportList,
}
