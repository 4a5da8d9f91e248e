using System.Reactive.Concurrency;
using Wsk.Core;
using Wsk.Shell;
using Wsk.Shell.Simulation;

namespace Wsk.Properties.Shell.Simulation;

/// <summary>
/// A registration and one capture over a fresh simulated network on its own virtual clock, with a listener on
/// <see cref="Server"/>: the setup most simulated-network tests share. A verifier, when given, is attached before the
/// capture so that it sees everything.
/// </summary>
public sealed class SimulatedRig
{
    /// <summary>192.0.2.1:80, where the rig's listener accepts.</summary>
    public static readonly SockAddrIn Server = new(0xC000_0201, 80);

    public SimulatedRig(int seed = 0, int jitterMilliseconds = 0, WskVerifier? verifier = null)
    {
        Network = new SimulatedNetwork(Time, seed) { JitterMilliseconds = jitterMilliseconds };
        Listener = Network.Listen(Server);
        WskRegistration.WskRegister(new WskClientNpi(null, new WskClientDispatch()), Network, out var registration);
        Registration = registration;
        verifier?.Attach(registration);
        registration.WskCaptureProviderNpi(WskWait.NoWait, out var npi);
        Npi = npi!;
    }

    public HistoricalScheduler Time { get; } = new();
    public SimulatedNetwork Network { get; }
    public SimulatedListener Listener { get; }
    public WskRegistration Registration { get; }
    public WskProviderNpi Npi { get; }

    /// <summary>WskSocketConnect to <paramref name="remote"/> on <paramref name="irp"/>; returns what the call returned.</summary>
    public NtStatus Connect(Irp irp, SockAddr remote, SecurityDescriptorHandle? sd = null) =>
        Npi.Dispatch.WskSocketConnect(ConnectRequest.Tcp(Npi.Client.Id, remote) with { SecurityDescriptor = sd }, irp);

    /// <summary>WskSocketConnect on a new IRP (to <see cref="Server"/> unless told otherwise); returns the IRP.</summary>
    public Irp Connect(SockAddr? remote = null)
    {
        var irp = new Irp();
        Connect(irp, remote ?? Server);
        return irp;
    }

    /// <summary>A connected socket (under <paramref name="script"/>, inline) and the peer the listener accepted.</summary>
    public (WskConnectedSocket Socket, SimulatedPeer Peer) Pair(FaultScript? script = null)
    {
        if (script is not null) Network.ScriptNextConnect(script);
        var socket = Connect().IoStatus.Socket!;
        Listener.TryAccept(out var peer);
        return (socket, peer);
    }

    /// <summary>Releases the capture and deregisters (returns once every socket is closed).</summary>
    public void Finish()
    {
        Registration.WskReleaseProviderNpi(Npi);
        Registration.WskDeregister();
    }
}
