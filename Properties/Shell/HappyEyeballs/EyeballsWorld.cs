using System;
using System.Collections.Generic;
using System.Linq;
using System.Reactive.Concurrency;
using System.Threading;
using System.Threading.Tasks;
using Wsk.Core;
using Wsk.Shell;
using Wsk.Shell.Simulation;

namespace Wsk.Properties.Shell.HappyEyeballs;

/// <summary>
/// A registration and one capture over a fresh simulated network on its own virtual clock, a verifier attached before
/// the capture, and every step of the connects made through it, timed in milliseconds since the world began.
/// </summary>
public sealed class EyeballsWorld
{
    /// <summary>2001:db8::1:443 and 2001:db8::2:443, 192.0.2.1:443 and 192.0.2.2:443: the addresses the tests race.</summary>
    public static readonly SockAddrIn6 Six = new(new UInt128(0x2001_0db8_0000_0000, 1), 443),
        SixB = new(new UInt128(0x2001_0db8_0000_0000, 2), 443);

    /// <inheritdoc cref="Six"/>
    public static readonly SockAddrIn Four = new(0xC000_0201, 443), FourB = new(0xC000_0202, 443);

    private readonly DateTimeOffset _start;

    public EyeballsWorld(int seed = 1)
    {
        Network = new SimulatedNetwork(Time, seed);
        WskRegistration.WskRegister(new WskClientNpi(null, new WskClientDispatch()), Network, out var registration);
        Registration = registration;
        Verifier.Attach(registration);
        registration.WskCaptureProviderNpi(WskWait.NoWait, out var npi);
        Npi = npi!;
        _start = Time.Now;
    }

    public HistoricalScheduler Time { get; } = new();
    public SimulatedNetwork Network { get; }
    public WskRegistration Registration { get; }
    public WskProviderNpi Npi { get; }
    public WskVerifier Verifier { get; } = new();
    public List<EyeballsStep> Steps { get; } = new();

    /// <summary>Milliseconds since the world began, at <paramref name="at"/>.</summary>
    public int Ms(DateTimeOffset at) => (int)(at - _start).TotalMilliseconds;

    /// <summary>Milliseconds since the world began, now.</summary>
    public int Now => Ms(Time.Now);

    /// <summary>A connect to port 443 at the addresses <paramref name="lookups"/> gives, its steps recorded.</summary>
    public Task<EyeballsCompletion> Connect(IEyeballsLookups lookups, CancellationToken token = default) =>
        Npi.Dispatch.ConnectAsync(Npi.Client.Id, lookups, 443, scheduler: Time, onStep: Steps.Add, cancellationToken: token);

    /// <summary>When the one step of <paramref name="kind"/> happened.</summary>
    public int At(EyeballsEventKind kind) => Ms(Steps.Single(s => s.Event.Kind == kind).At);

    public void Run(int ms) => Time.AdvanceBy(TimeSpan.FromMilliseconds(ms));

    /// <summary>Releases the capture and deregisters, then asks the verifier.</summary>
    public IReadOnlyList<VerifierFinding> Finish()
    {
        Registration.WskReleaseProviderNpi(Npi);
        // Bounded: a socket left open would hold an unbounded deregister forever; the verifier then names it.
        Registration.WskDeregister(TimeSpan.FromSeconds(2), out _);
        return Verifier.Verify();
    }
}
