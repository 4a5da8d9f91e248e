using System;
using System.Reactive.Concurrency;
using FsCheck;
using FsCheck.Fluent;
using Wsk.Core;
using Wsk.Shell.Simulation;

namespace Wsk.Properties.Shell.Simulation;

/// <summary>
/// The simulated network as a contract-suite world: one host per fault (refusing, black hole with a retry budget,
/// unreachable network and host), listeners answering inline, later, before the call returns, and after a cancel lost
/// the race, and a local port already in use. <see cref="Settle"/> advances virtual time far enough for every answer.
/// </summary>
public sealed class SimulatedWorld : ConnectWorld
{
    private const uint Listening = 0xC000_0201, Refusing = 0xC000_0202, BlackHole = 0xC000_0203,
        NetDown = 0xC000_0204, HostDown = 0xC000_0205;
    private static readonly UInt128 ListeningV6 = (UInt128)0xFD00 << 112 | 1;

    public SimulatedWorld(int seed = 1) : this(new SimulatedNetwork(new HistoricalScheduler(), seed)) { }

    private SimulatedWorld(SimulatedNetwork network) : base(network)
    {
        Network = network;
        Scheduler = (HistoricalScheduler)network.Scheduler;
        network.JitterMilliseconds = 5;
        foreach (ushort port in new ushort[] { 80, 81, 82, 83 })
        {
            network.Listen(new SockAddrIn(Listening, port));
            network.Listen(new SockAddrIn6(ListeningV6, port));
        }
        network.ScriptEndpoint(new SockAddrIn(Listening, 81), FaultScript.PendingFor(TimeSpan.FromMilliseconds(40)));
        network.ScriptEndpoint(new SockAddrIn6(ListeningV6, 81), FaultScript.PendingFor(TimeSpan.FromMilliseconds(40)));
        network.ScriptEndpoint(new SockAddrIn(Listening, 82), new FaultScript(Timing: CompletionTiming.BeforeReturn));
        network.ScriptEndpoint(new SockAddrIn6(ListeningV6, 82), new FaultScript(Timing: CompletionTiming.BeforeReturn));
        var losesRace = FaultScript.PendingFor(TimeSpan.FromMilliseconds(10)) with { IgnoresCancel = true };
        network.ScriptEndpoint(new SockAddrIn(Listening, 83), losesRace);
        network.ScriptEndpoint(new SockAddrIn6(ListeningV6, 83), losesRace);
        network.ScriptHost(new SockAddrIn(Refusing, 0), FaultScript.PendingFor(TimeSpan.FromMilliseconds(20), ConnectFault.Refuse));
        network.ScriptHost(new SockAddrIn(BlackHole, 0), FaultScript.BlackHoleWith(retryBudget: 3));
        network.ScriptHost(new SockAddrIn(NetDown, 0), new FaultScript(ConnectFault.NetworkUnreachable));
        network.ScriptHost(new SockAddrIn(HostDown, 0), FaultScript.PendingFor(TimeSpan.FromSeconds(3), ConnectFault.HostUnreachable));
        network.Listen(SockAddrIn.Loopback(5000)); // a local port in use
    }

    public SimulatedNetwork Network { get; }
    public HistoricalScheduler Scheduler { get; }

    /// <summary>
    /// Every timing on demand (inline, pending, before the return); a cancel wins against every pending script but the
    /// one that ignores it; virtual time leaves nothing to the OS.
    /// </summary>
    public override WorldCapabilities Capabilities { get; } = new(
        PendingOnDemand: true, CompletesBeforeReturn: true, CancelCanWin: true, CancelCanLose: true, OsDecidesTiming: false,
        CancelledStatus: NtStatus.Cancelled);

    protected override System.Collections.Generic.IReadOnlyList<(int Weight, Expect Declares, Gen<Target> Target)> Catalogue
    {
        get
        {
            var v4Local = Gen.Elements<SockAddr>(SockAddrIn.Any(), SockAddrIn.Loopback(0));
            var v6Local = Gen.Elements<SockAddr>(SockAddrIn6.Any(), SockAddrIn6.Loopback(0));
            (int, Expect, Gen<Target>) V4(int weight, string kind, Expect expect, uint host, ushort port) =>
                (weight, expect, v4Local.Select(a => new Target(kind, a, new SockAddrIn(host, port), expect)));
            (int, Expect, Gen<Target>) V6(int weight, string kind, Expect expect, ushort port) =>
                (weight, expect, v6Local.Select(a => new Target(kind, a, new SockAddrIn6(ListeningV6, port), expect)));
            // Decided on this host, as bind() is: by WskSocketConnect inside the call, by a three-step socket at WskBind.
            var localInUse = Expect.Inline(NtStatus.AddressAlreadyExists, bind: NtStatus.AddressAlreadyExists);
            return new[]
            {
                V4(4, "v4 accept inline", Expect.Inline(NtStatus.Success), Listening, 80),
                V4(3, "v4 accept pending", Expect.Pending(NtStatus.Success), Listening, 81),
                V4(2, "v4 accept before return", Expect.BeforeReturn(NtStatus.Success), Listening, 82),
                V4(2, "v4 cancel loses race", Expect.PendingIgnoringCancel(NtStatus.Success), Listening, 83),
                V4(2, "v4 no listener", Expect.Inline(NtStatus.ConnectionRefused), Listening, 99),
                V4(2, "v4 refused pending", Expect.Pending(NtStatus.ConnectionRefused), Refusing, 80),
                V4(2, "v4 black hole, 3 retries", Expect.Pending(NtStatus.IoTimeout), BlackHole, 80),
                V4(1, "v4 network unreachable", Expect.Inline(NtStatus.NetworkUnreachable), NetDown, 80),
                V4(1, "v4 host unreachable", Expect.Pending(NtStatus.HostUnreachable), HostDown, 80),
                (1, localInUse, Gen.Constant(new Target("v4 local in use", SockAddrIn.Loopback(5000), new SockAddrIn(Listening, 80), localInUse))),
                V6(2, "v6 accept inline", Expect.Inline(NtStatus.Success), 80),
                V6(2, "v6 accept pending", Expect.Pending(NtStatus.Success), 81),
                V6(1, "v6 accept before return", Expect.BeforeReturn(NtStatus.Success), 82),
            };
        }
    }

    /// <summary>Virtual time, not wall time: an hour passes at once, and every scheduled answer with it.</summary>
    public override void Settle() => Scheduler.AdvanceBy(TimeSpan.FromHours(1));

    public override TimeSpan AnswerWithin => TimeSpan.FromSeconds(5);
}

/// <summary>The contract on the simulated network (faults, virtual time).</summary>
public sealed class ConnectContractOnSimulatedNetwork : ConnectContract
{
    private static readonly Lazy<SimulatedWorld> Shared = new(() => new SimulatedWorld());
    protected override ConnectWorld World => Shared.Value;
}

/// <summary>The three-step path on the simulated network: every script, answered as WskSocketConnect answers it.</summary>
public sealed class ThreeStepOnSimulatedNetwork : ThreeStepContract
{
    private static readonly Lazy<SimulatedWorld> Shared = new(() => new SimulatedWorld());
    protected override ConnectWorld World => Shared.Value;
}
