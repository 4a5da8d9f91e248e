using System.Collections.Generic;
using Wsk.Core;

namespace Wsk.Shell.Simulation;

/// <summary>
/// A listening port of the simulated network: it accepts every connect that reaches it and queues the peers.
/// </summary>
public sealed class SimulatedListener
{
    private readonly Queue<SimulatedPeer> _accepted = new();
    private readonly SimulatedNetwork _network;

    internal SimulatedListener(SimulatedNetwork network, SockAddr endpoint)
    {
        _network = network;
        Endpoint = endpoint;
    }

    /// <summary>Where it listens.</summary>
    public SockAddr Endpoint { get; }

    /// <summary>The network it belongs to.</summary>
    public SimulatedNetwork Network => _network;

    /// <summary>Peers accepted and not yet taken.</summary>
    public int Backlog
    {
        get { lock (_accepted) return _accepted.Count; }
    }

    /// <summary>Takes the oldest accepted peer, if any.</summary>
    public bool TryAccept(out SimulatedPeer peer)
    {
        lock (_accepted) return _accepted.TryDequeue(out peer!);
    }

    internal void Accepted(SimulatedPeer peer)
    {
        lock (_accepted) _accepted.Enqueue(peer);
    }
}
