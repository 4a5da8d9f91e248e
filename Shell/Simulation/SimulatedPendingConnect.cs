using System;
using System.Threading;
using Wsk.Core;

namespace Wsk.Shell.Simulation;

/// <summary>
/// One simulated connect that has not answered yet. It answers its sink exactly once (ITransportCancel's promise):
/// from its timer, from a cancel, or before the call returned; whichever comes first wins a compare-and-swap.
/// </summary>
internal sealed class SimulatedPendingConnect : ITransportCancel
{
    private readonly SimulatedNetwork _network;
    private readonly long _id;
    private readonly SockAddr _local;
    private readonly SockAddr _remote;
    private readonly FaultScript _script;
    private readonly SimulatedListener? _listener;
    private readonly ITransportConnectSink _sink;
    private IDisposable? _timer;
    private int _answered;

    public SimulatedPendingConnect(SimulatedNetwork network, long id, SockAddr local, SockAddr remote,
        FaultScript script, SimulatedListener? listener, ITransportConnectSink sink)
    {
        _network = network;
        _id = id;
        _local = local;
        _remote = remote;
        _script = script;
        _listener = listener;
        _sink = sink;
    }

    /// <summary>The outcome as an inline result (the call answers itself).</summary>
    public TransportConnectResult TakeInline()
    {
        Interlocked.Exchange(ref _answered, 1);
        var (status, connection) = Outcome();
        return TransportConnectResult.Done(status, connection);
    }

    /// <summary>
    /// Answers after <paramref name="due"/> of virtual time; never, for a black hole without a retry budget.
    /// </summary>
    public void Arm(TimeSpan? due)
    {
        if (due is { } after) Volatile.Write(ref _timer, _network.After(after, Fire));
    }

    /// <summary>The real answer arrives.</summary>
    public void Fire()
    {
        if (Interlocked.Exchange(ref _answered, 1) != 0) return;
        var (status, connection) = Outcome();
        _network.Record($"connect #{_id} answered {status}");
        _sink.OnConnectCompleted(status, connection);
    }

    public void Cancel()
    {
        if (_script.IgnoresCancel)
        {
            _network.Record($"connect #{_id} cancel lost the race");
            return;
        }
        if (Interlocked.Exchange(ref _answered, 1) != 0) return;
        Interlocked.Exchange(ref _timer, null)?.Dispose();
        _network.Record($"connect #{_id} cancelled");
        _network.Unbind(_local);
        _sink.OnConnectCompleted(NtStatus.Cancelled, null);
    }

    private (NtStatus, ITransportConnection?) Outcome()
    {
        var status = _script.Outcome(_listener is not null) ?? NtStatus.IoTimeout;
        if (status == NtStatus.Success) return (status, _network.Open(_id, _local, _remote, _script, _listener));
        _network.Unbind(_local);
        return (status, null);
    }
}
