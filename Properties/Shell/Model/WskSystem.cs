using System;
using System.Collections.Generic;
using System.Linq;
using System.Reactive.Concurrency;
using FsCheck;
using FsCheck.Fluent;
using Wsk.Core;
using Wsk.Shell;
using Wsk.Shell.Simulation;

namespace Wsk.Properties.Shell.Model;

/// <summary>
/// The system under test of the model-based property: the shell over the simulated network, on a virtual clock, with
/// the verifier attached. <see cref="Agree"/> compares it with the model after every step.
/// </summary>
public sealed class WskSystem
{
    public static readonly SockAddrIn Server = new(0xC000_0201, 80);

    public WskSystem(Func<SimulatedNetwork, ITransport>? plant = null,
        System.Collections.Concurrent.ConcurrentDictionary<string, int>? stats = null, int seed = 1)
    {
        Stats = stats ?? new();
        Network = new SimulatedNetwork(Time, seed);
        Transport = plant?.Invoke(Network) ?? Network;
        Listener = Network.Listen(Server);
        Register();
    }

    public HistoricalScheduler Time { get; } = new();
    public SimulatedNetwork Network { get; }
    public ITransport Transport { get; }
    public SimulatedListener Listener { get; }
    public WskRegistration Registration { get; private set; } = null!;
    public WskVerifier Verifier { get; private set; } = null!;
    public Stack<WskProviderNpi> Captures { get; } = new();
    public Dictionary<int, Irp> Irps { get; } = new();
    public Dictionary<int, (WskConnectedSocket Socket, SimulatedPeer Peer)> Sockets { get; } = new();
    public NtStatus? LastReturn { get; set; }

    /// <summary>How often each kind of step (and each return status) ran, shared over a whole property run.</summary>
    public System.Collections.Concurrent.ConcurrentDictionary<string, int> Stats { get; }

    public override string ToString() => $"WskSystem(seed {Network.Seed})";
    private readonly List<SimulatedPeer> _unmatched = new();
    private readonly List<VerifierFinding> _earlierFindings = new();

    public void Register()
    {
        WskRegistration.WskRegister(new WskClientNpi(null, new WskClientDispatch()), Transport, out var registration);
        Registration = registration;
        Verifier = new WskVerifier().Attach(registration);
    }

    public void Deregister()
    {
        Registration.WskDeregister();
        _earlierFindings.AddRange(Verifier.Verify());
    }

    public Irp NewIrp(int id) => Irps[id] = new Irp();

    public (WskConnectedSocket Socket, SimulatedPeer Peer) Socket(int id) => Sockets[id];

    /// <summary>Everything the model says, checked against the system; labelled with the first disagreement.</summary>
    public Property Agree(WskModel model, string step)
    {
        Adopt(model);
        var problems = new List<string>();
        if (model.ExpectReturn is { } expected && LastReturn != expected) problems.Add($"returned {LastReturn}, model {expected}");
        foreach (var (id, m) in model.Irps)
        {
            var irp = Irps[id];
            if (irp.CompletionCount > 1 || irp.Violations.Count > 0)
                problems.Add($"IRP {id} completed ×{irp.CompletionCount}, violations [{string.Join("; ", irp.Violations)}]");
            if (irp.IsCompleted != m.Done) problems.Add($"IRP {id} completed={irp.IsCompleted}, model {m.Done}");
            else if (m.Done && irp.IoStatus.Status != m.Status) problems.Add($"IRP {id} status {irp.IoStatus.Status}, model {m.Status}");
            else if (m.Done && m.Bytes is { } bytes && irp.IoStatus.Information is long got && got != bytes)
                problems.Add($"IRP {id} bytes {got}, model {bytes}");
        }
        if (Registration.OpenSockets != model.Sockets.Count) problems.Add($"open sockets {Registration.OpenSockets}, model {model.Sockets.Count}");
        if (Transport.OpenConnections != model.Sockets.Count) problems.Add($"transport connections {Transport.OpenConnections}, model {model.Sockets.Count}");
        if (Registration.CapturedClients != model.Captures) problems.Add($"captures {Registration.CapturedClients}, model {model.Captures}");
        var findings = _earlierFindings.Concat(Verifier.Findings).ToArray();
        if (findings.Length > 0) problems.Add($"verifier: {string.Join("; ", findings)}");
        return (problems.Count == 0).Label($"after {step}: {string.Join(" | ", problems)}");
    }

    /// <summary>Pairs each socket the model says was connected with its WskConnectedSocket and the peer the listener accepted.</summary>
    private void Adopt(WskModel model)
    {
        while (Listener.TryAccept(out var peer)) _unmatched.Add(peer);
        foreach (var s in model.Sockets)
        {
            if (Sockets.ContainsKey(s.Id) || Irps[s.Id].IoStatus.Socket is not { } socket) continue;
            var local = socket.LocalAddress;
            var peer = _unmatched.FirstOrDefault(p => Equals(p.RemoteAddress, local));
            if (peer is null) continue;
            _unmatched.Remove(peer);
            Sockets[s.Id] = (socket, peer);
        }
    }
}
