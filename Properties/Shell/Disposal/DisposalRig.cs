using System;
using System.Reactive.Concurrency;
using System.Threading.Tasks;
using Microsoft.Extensions.Time.Testing;
using Wsk.Core;
using Wsk.Shell;
using Wsk.Shell.Simulation;
using Xunit;

namespace Wsk.Properties.Shell.Disposal;

/// <summary>
/// A registration with a verifier over the simulated network whose provider waits on a <see cref="FakeTimeProvider"/>: the
/// bounded waits of disposal run in virtual time (the network's own delays are on its scheduler, which these tests never need).
/// </summary>
public sealed class DisposalRig
{
    public static readonly SockAddrIn Server = new(0xC000_0201, 80);

    public DisposalRig()
    {
        Network = new SimulatedNetwork(new HistoricalScheduler(), seed: 0);
        Listener = Network.Listen(Server);
        WskRegistration.WskRegister(new WskClientNpi(null, new WskClientDispatch()), new WskProvider(Network, Time), out var registration);
        Registration = registration;
        Verifier.Attach(registration);
        registration.WskCaptureProviderNpi(WskWait.NoWait, out var npi);
        Npi = npi!;
    }

    public FakeTimeProvider Time { get; } = new();
    public SimulatedNetwork Network { get; }
    public SimulatedListener Listener { get; }
    public WskRegistration Registration { get; }
    public WskProviderNpi Npi { get; }
    public WskVerifier Verifier { get; } = new();

    /// <summary>A connected socket (under <paramref name="script"/>) and the peer the listener accepted.</summary>
    public (WskConnectedSocket Socket, SimulatedPeer Peer) Pair(FaultScript? script = null)
    {
        if (script is not null) Network.ScriptNextConnect(script);
        var irp = new Irp();
        Assert.Equal(NtStatus.Success, Npi.Dispatch.WskSocketConnect(ConnectRequest.Tcp(Npi.Client.Id, Server), irp));
        Assert.True(Listener.TryAccept(out var peer));
        return (irp.IoStatus.Socket!, peer);
    }

    /// <summary>A three-step socket made by WskSocket, not yet bound.</summary>
    public WskUnconnectedSocket Unconnected()
    {
        var irp = new Irp();
        Assert.Equal(NtStatus.Success, Npi.Dispatch.WskSocket(new SocketRequest(Npi.Client.Id, AddressFamilies.Inet), irp));
        return (WskUnconnectedSocket)irp.IoStatus.Information!;
    }

    /// <summary>Releases the capture and deregisters with a bound: true when nothing was left open.</summary>
    public bool Finish()
    {
        Npi.Dispose();
        return Registration.DeregisterAsync(TimeSpan.Zero).GetAwaiter().GetResult().IsDeregistered;
    }

    /// <summary>A real-time guard for a task the test expects to end now: a hang fails the test instead of stalling it.</summary>
    public static bool EndsWithin(Task task, int milliseconds) => task.Wait(TimeSpan.FromMilliseconds(milliseconds));

    /// <summary>The same guard, failing the test when the task does not end within 2 s.</summary>
    public static void Within2s(Task task) => Assert.True(task.Wait(TimeSpan.FromSeconds(2)), "did not finish within 2 s");
}
