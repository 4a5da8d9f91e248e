using System;
using System.Collections.Generic;
using System.Globalization;
using System.Reactive.Concurrency;
using Wsk.Core;

namespace Wsk.Shell.Simulation;

/// <summary>
/// An in-memory network behind the transport seam: hosts, listening ports, scripted faults and virtual time. Every
/// delay goes through the <see cref="IScheduler"/> it is given (a <c>HistoricalScheduler</c> in tests), never the wall
/// clock, so a test advances time itself and a run is a pure function of the seed, the script and the calls: the same
/// inputs give the same <see cref="Trace"/>. Real loopback cannot refuse, time out, reset or stall on demand; this can.
/// </summary>
/// <remarks>
/// Faults are chosen per connect, in this order: the next queued <see cref="ScriptNextConnect"/>, a rule for the exact
/// endpoint, a rule for the host, else the network's plain behaviour (a listener accepts, a port without one refuses).
/// Answers that arrive "later" run as scheduler actions; whoever advances the scheduler runs them, on its own thread.
/// </remarks>
public sealed partial class SimulatedNetwork : IThreeStepTransport
{
    private readonly object _gate = new();
    private readonly IScheduler _scheduler;
    private readonly Random _random;
    private readonly DateTimeOffset _epoch;
    private readonly Queue<FaultScript> _nextConnects = new();
    private readonly Dictionary<HostKey, FaultScript> _hostRules = new();
    private readonly Dictionary<EndpointKey, FaultScript> _endpointRules = new();
    private readonly Dictionary<EndpointKey, SimulatedListener> _listeners = new();
    private readonly HashSet<EndpointKey> _boundLocal = new();
    private readonly List<string> _trace = new();
    private int _open;
    private long _connects;
    private const ushort FirstEphemeral = 49152;
    private const int EphemeralPorts = 65536 - FirstEphemeral;
    private ushort _nextEphemeral = FirstEphemeral;

    /// <summary>
    /// A network on <paramref name="scheduler"/>; <paramref name="seed"/> drives every random choice it makes.
    /// </summary>
    public SimulatedNetwork(IScheduler scheduler, int seed = 0)
    {
        _scheduler = scheduler ?? throw new ArgumentNullException(nameof(scheduler));
        _random = new Random(seed);
        _epoch = scheduler.Now;
        Seed = seed;
    }

    /// <summary>The seed given at construction.</summary>
    public int Seed { get; }

    /// <summary>The scheduler every delay runs on.</summary>
    public IScheduler Scheduler => _scheduler;

    /// <summary>What the peer does when no script says otherwise.</summary>
    public FaultScript DefaultScript { get; set; } = FaultScript.Default;

    /// <summary>
    /// Virtual jitter added to every pending answer, drawn from the seed: up to this many milliseconds.
    /// </summary>
    public int JitterMilliseconds { get; set; }

    /// <inheritdoc/>
    public int OpenConnections
    {
        get { lock (_gate) return _open; }
    }

    /// <summary>
    /// Every event so far, stamped with virtual time: the run's trace (deterministic for a seed and script).
    /// </summary>
    public IReadOnlyList<string> Trace
    {
        get { lock (_gate) return _trace.ToArray(); }
    }

    /// <summary>
    /// Opens a listener on <paramref name="endpoint"/>; connects to it are accepted (unless a fault says otherwise).
    /// </summary>
    public SimulatedListener Listen(SockAddr endpoint)
    {
        var key = EndpointKey.Of(endpoint);
        lock (_gate)
        {
            if (_listeners.ContainsKey(key)) throw new InvalidOperationException($"{endpoint} already listens");
            var listener = new SimulatedListener(this, endpoint);
            _listeners[key] = listener;
            return listener;
        }
    }

    /// <summary>The next connect (in call order) follows <paramref name="script"/>, whatever its target.</summary>
    public void ScriptNextConnect(FaultScript script)
    {
        lock (_gate) _nextConnects.Enqueue(script ?? throw new ArgumentNullException(nameof(script)));
    }

    /// <summary>
    /// Every connect to <paramref name="endpoint"/> (address and port) follows <paramref name="script"/>.
    /// </summary>
    public void ScriptEndpoint(SockAddr endpoint, FaultScript script)
    {
        ArgumentNullException.ThrowIfNull(script);
        lock (_gate) _endpointRules[EndpointKey.Of(endpoint)] = script;
    }

    /// <summary>
    /// Every connect to the host of <paramref name="host"/> (any port) follows <paramref name="script"/>.
    /// </summary>
    public void ScriptHost(SockAddr host, FaultScript script)
    {
        lock (_gate) _hostRules[HostKey.Of(host)] = script ?? throw new ArgumentNullException(nameof(script));
    }

    /// <summary>Appends a line to the trace, stamped with the scheduler's virtual time.</summary>
    public void Record(string text)
    {
        var line = string.Create(CultureInfo.InvariantCulture, $"{Now.TotalMilliseconds,9:0.###} ms  {text}");
        lock (_gate) _trace.Add(line);
    }

    /// <summary>Virtual time since the scheduler's start.</summary>
    public TimeSpan Now => _scheduler.Now - _epoch;

    /// <inheritdoc/>
    public TransportConnectResult Connect(ushort family, SockAddr localAddress, SockAddr remoteAddress,
        ITransportConnectSink sink) => Connect(localAddress, remoteAddress, sink, bound: false);

    /// <inheritdoc/>
    public NtStatus OpenSocket(ushort family, out ITransportSocket? socket)
    {
        socket = new SimulatedSocket(this);
        return NtStatus.Success;
    }

    /// <summary>
    /// The one connect of both paths: WskSocketConnect's (<paramref name="bound"/> false: the local address is bound
    /// here) and a bound three-step socket's, which answers as the first does for the same script once bound.
    /// </summary>
    internal TransportConnectResult Connect(SockAddr local, SockAddr remoteAddress, ITransportConnectSink sink,
        bool bound)
    {
        ArgumentNullException.ThrowIfNull(local);
        ArgumentNullException.ThrowIfNull(remoteAddress);
        ArgumentNullException.ThrowIfNull(sink);
        FaultScript script;
        SimulatedListener? listener;
        long id;
        lock (_gate)
        {
            id = ++_connects;
            var remote = EndpointKey.Of(remoteAddress);
            script = _nextConnects.Count > 0 ? _nextConnects.Dequeue()
                : _endpointRules.TryGetValue(remote, out var e) ? e
                : _hostRules.TryGetValue(HostKey.Of(remoteAddress), out var h) ? h
                : DefaultScript;
            _listeners.TryGetValue(remote, out listener);
        }
        Record($"connect #{id} {local} → {remoteAddress}: {script.Fault}, {script.Timing}");

        // A bind conflict is decided on this host, before any packet: always inline, as bind() is. A bound socket
        // that fails gives its address back, as every failed connect does.
        if (script.Fault == ConnectFault.AddressInUse || (!bound && !TryBind(local)))
        {
            if (bound) Unbind(local);
            return Answer(id, TransportConnectResult.Done(NtStatus.AddressAlreadyExists));
        }

        var pending = new SimulatedPendingConnect(this, id, local, remoteAddress, script, listener, sink);
        // From here on the local address is ours until the connect fails or its connection is closed.
        switch (script.Timing)
        {
            case CompletionTiming.Inline when script.Fault != ConnectFault.BlackHole:
                return Answer(id, pending.TakeInline());
            case CompletionTiming.BeforeReturn when script.Fault != ConnectFault.BlackHole:
                pending.Fire();
                return TransportConnectResult.Later(pending);
            default:
                pending.Arm(Jittered(script));
                return TransportConnectResult.Later(pending);
        }
    }

    private TransportConnectResult Answer(long id, TransportConnectResult result)
    {
        Record($"connect #{id} answered inline {result.Status}");
        return result;
    }

    private TimeSpan? Jittered(FaultScript script)
    {
        TimeSpan? due = script.Fault == ConnectFault.BlackHole ? script.GiveUpAfter : script.Delay;
        if (due is null || JitterMilliseconds <= 0) return due;
        lock (_gate) return due + TimeSpan.FromMilliseconds(_random.Next(JitterMilliseconds + 1));
    }

    /// <summary>Makes the connection for an accepted connect: our end, the peer's end, the listener told.</summary>
    internal SimulatedConnection Open(long id, SockAddr requestedLocal, SockAddr remote, FaultScript script,
        SimulatedListener? listener)
    {
        SockAddr local;
        lock (_gate)
        {
            _open++;
            local = requestedLocal switch
            {
                SockAddrIn { Port: 0 } v4 =>
                    v4 with { Address = v4.IsWildcard ? 0x7F00_0001u : v4.Address, Port = NextEphemeral() },
                SockAddrIn6 { Port: 0 } v6 =>
                    v6 with { Address = v6.IsWildcard ? UInt128.One : v6.Address, Port = NextEphemeral() },
                var a => a,
            };
        }
        var connection = new SimulatedConnection(this, id, local, remote, script);
        listener?.Accepted(connection.Peer);
        return connection;
    }

    /// <summary>A connection was released: its count and its local port go back.</summary>
    internal void Closed(SimulatedConnection connection)
    {
        lock (_gate) _open--;
        Unbind(connection.Local);
    }

    /// <summary>Runs <paramref name="action"/> after <paramref name="due"/> of virtual time.</summary>
    internal IDisposable After(TimeSpan due, Action action) => _scheduler.Schedule(due, action);
}
