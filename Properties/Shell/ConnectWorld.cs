using System;
using System.Threading;
using FsCheck;
using FsCheck.Fluent;
using Wsk.Core;
using Wsk.Shell;

namespace Wsk.Properties.Shell;

/// <summary>A connect target: what to bind, where to connect, and a name for classifying the runs.</summary>
/// <param name="Kind">Label shown by Classify.</param>
/// <param name="Local">LocalAddress.</param>
/// <param name="Remote">RemoteAddress.</param>
public sealed record Target(string Kind, SockAddr Local, SockAddr Remote)
{
    public override string ToString() => $"{Kind} {Local} → {Remote}";
}

/// <summary>
/// One transport with its registration and the targets that reach each of its outcomes. The contract suite runs once per
/// world, as the runtime's socket tests run once per API flavour: the promises must not depend on the transport.
/// </summary>
public abstract class ConnectWorld : IDisposable
{
    protected ConnectWorld(ITransport transport)
    {
        Transport = transport;
        var status = WskRegistration.WskRegister(new WskClientNpi(null, new WskClientDispatch()), transport, out var registration);
        if (status != NtStatus.Success) throw new InvalidOperationException($"WskRegister: {status}");
        Registration = registration;
        status = registration.WskCaptureProviderNpi(0, out var npi);
        if (status != NtStatus.Success) throw new InvalidOperationException($"WskCaptureProviderNpi: {status}");
        Npi = npi!;
    }

    public ITransport Transport { get; }
    public WskRegistration Registration { get; }
    public WskProviderNpi Npi { get; }
    public WskProviderDispatch Dispatch => Npi.Dispatch;
    public ClientId Client => Npi.Client.Id;

    /// <summary>Targets reaching every outcome this transport can produce.</summary>
    public abstract Gen<Target> Targets { get; }

    /// <summary>Makes pending connects answer (accept room on loopback, the scripted answer otherwise).</summary>
    public abstract void Settle();

    /// <summary>How long a settled connect may take to answer before it counts as lost.</summary>
    public virtual TimeSpan AnswerWithin => TimeSpan.FromSeconds(10);

    /// <summary>Waits (bounded) until no socket of this world is open; true when it got there.</summary>
    public bool WaitUntilNoSocketsOpen(int baselineSockets, int baselineConnections)
    {
        var deadline = DateTime.UtcNow + AnswerWithin;
        while (Registration.OpenSockets != baselineSockets || Transport.OpenConnections != baselineConnections)
        {
            if (DateTime.UtcNow > deadline) return false;
            Settle();
            Thread.Sleep(5);
        }
        return true;
    }

    public virtual void Dispose()
    {
        Registration.WskReleaseProviderNpi(Npi);
        Registration.WskDeregister();
    }
}

/// <summary>The real transport on loopback: IPv4 and IPv6, accepting, refusing, and full-queue (pending) listeners.</summary>
public sealed class LoopbackWorld : ConnectWorld
{
    private readonly LoopbackListeners _listeners = new();

    public LoopbackWorld() : base(new OsTransport()) { }

    public override Gen<Target> Targets
    {
        get
        {
            var l = _listeners;
            var v4Local = Gen.Elements<SockAddr>(SockAddrIn.Any(), SockAddrIn.Loopback(0));
            var v6Local = Gen.Elements<SockAddr>(SockAddrIn6.Any(), SockAddrIn6.Loopback(0));
            var choices = new System.Collections.Generic.List<(int, Gen<Target>)>
            {
                (6, v4Local.Select(a => new Target("v4 accepting", a, SockAddrIn.Loopback(l.OpenV4)))),
                (3, v4Local.Select(a => new Target("v4 refusing", a, SockAddrIn.Loopback(l.ClosedV4)))),
                (3, v4Local.Select(a => new Target("v4 full queue", a, SockAddrIn.Loopback(l.FullV4)))),
                // 192.0.2.1 (TEST-NET-1) is not an address of this host: bind fails locally, nothing is sent.
                (1, Gen.Constant(new Target("v4 local not ours", new SockAddrIn(0xC000_0201, 0), SockAddrIn.Loopback(l.OpenV4)))),
                (1, Gen.Constant(new Target("v4 local in use", SockAddrIn.Loopback(l.ClosedV4), SockAddrIn.Loopback(l.OpenV4)))),
            };
            if (l.OpenV6 != 0)
            {
                choices.Add((4, v6Local.Select(a => new Target("v6 accepting", a, SockAddrIn6.Loopback(l.OpenV6)))));
                choices.Add((2, v6Local.Select(a => new Target("v6 refusing", a, SockAddrIn6.Loopback(l.ClosedV6)))));
            }
            return Gen.Frequency(choices.ToArray());
        }
    }

    public override void Settle() => _listeners.ReleaseOneFromFullQueue();

    public override void Dispose()
    {
        base.Dispose();
        _listeners.Dispose();
    }
}

/// <summary>The scripted transport: every script, including the ones real loopback cannot produce on demand.</summary>
public sealed class ScriptedWorld : ConnectWorld
{
    public ScriptedWorld() : base(new ScriptedTransport()) { }

    public override Gen<Target> Targets =>
        from script in Gen.Elements(Array.FindAll(Enum.GetValues<Script>(), s => s != Script.PendingDoubleAnswer)) // a transport bug: tested on its own
        from v6 in Gen.Elements(false, true)
        select v6
            ? new Target(script.ToString(), SockAddrIn6.Any(), SockAddrIn6.Loopback((ushort)script))
            : new Target(script.ToString(), SockAddrIn.Any(), SockAddrIn.Loopback((ushort)script));

    public override void Settle() => ((ScriptedTransport)Transport).SettleAll();

    public override TimeSpan AnswerWithin => TimeSpan.FromSeconds(5);
}
