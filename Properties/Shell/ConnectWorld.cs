using System;
using System.Linq;
using System.Threading;
using FsCheck;
using FsCheck.Fluent;
using Wsk.Core;
using Wsk.Shell;

namespace Wsk.Properties.Shell;

/// <summary>When a world answers a connect to a target, as the world declares it.</summary>
public enum Answer
{
    /// <summary>Inside the call: the call returns the final status and the IRP is already completed.</summary>
    Inline,
    /// <summary>The call returns STATUS_PENDING, but the IRP was completed before it returned.</summary>
    BeforeReturn,
    /// <summary>The call returns STATUS_PENDING and the IRP completes later, once the world is settled. Every time.</summary>
    Pending,
    /// <summary>
    /// The OS decides (real loopback): the handshake may or may not finish inside the call, so the call may return the
    /// final status or STATUS_PENDING. Declared, not hidden: the run is classified by the shape it took.
    /// </summary>
    OsDecides,
}

/// <summary>What a cancel of a connect that returned STATUS_PENDING does, as the world declares it.</summary>
public enum CancelOutcome
{
    /// <summary>The cancel reaches the transport before its answer: the IRP ends with the world's cancelled status.</summary>
    Wins,
    /// <summary>The transport answers anyway (or already had): the IRP ends with the declared status.</summary>
    Loses,
    /// <summary>The OS races the cancel: the IRP ends with the cancelled status or with the declared status, nothing else.</summary>
    Races,
}

/// <summary>
/// The exact outcome a world promises for a target: when it answers, the final status of a connect left alone, what a
/// cancel does, and (for the three-step path) what binding the target's local address gives.
/// </summary>
/// <param name="Answer">When the connect is answered.</param>
/// <param name="Status">The final status when nobody cancels.</param>
/// <param name="OnCancel">What a cancel of a pending connect does.</param>
/// <param name="Bind">WskBind of the target's local address on a fresh three-step socket.</param>
public sealed record Expect(Answer Answer, NtStatus Status, CancelOutcome OnCancel, NtStatus Bind)
{
    /// <summary>Answered inside the call; there is nothing left for a cancel to do.</summary>
    public static Expect Inline(NtStatus status, NtStatus? bind = null) => new(Answer.Inline, status, CancelOutcome.Loses, bind ?? NtStatus.Success);

    /// <summary>Returns PENDING after the IRP completed: a cancel comes too late.</summary>
    public static Expect BeforeReturn(NtStatus status) => new(Answer.BeforeReturn, status, CancelOutcome.Loses, NtStatus.Success);

    /// <summary>Pending until settled, and a cancel wins.</summary>
    public static Expect Pending(NtStatus status) => new(Answer.Pending, status, CancelOutcome.Wins, NtStatus.Success);

    /// <summary>Pending until settled, and the transport ignores a cancel.</summary>
    public static Expect PendingIgnoringCancel(NtStatus status) => new(Answer.Pending, status, CancelOutcome.Loses, NtStatus.Success);

    /// <summary>The OS decides whether the call returns PENDING, and a cancel races it.</summary>
    public static Expect OsDecides(NtStatus status) => new(Answer.OsDecides, status, CancelOutcome.Races, NtStatus.Success);

    /// <summary>The final statuses the world allows; <paramref name="cancelled"/>: the call returned PENDING and the IRP was cancelled.</summary>
    public NtStatus[] Finals(bool cancelled, NtStatus cancelledStatus) => !cancelled ? new[] { Status } : OnCancel switch
    {
        CancelOutcome.Wins => new[] { cancelledStatus },
        CancelOutcome.Loses => new[] { Status },
        _ => new[] { cancelledStatus, Status },
    };

    /// <summary>Whether a call that returned <paramref name="returned"/>, with the IRP completed or not at that moment, took the declared shape.</summary>
    public bool ReturnShape(NtStatus returned, bool completedWhenReturned, NtStatus statusWhenReturned) => Answer switch
    {
        Answer.Inline => returned == Status && completedWhenReturned && statusWhenReturned == Status,
        Answer.BeforeReturn => returned.IsPending && completedWhenReturned,
        Answer.Pending => returned.IsPending && !completedWhenReturned,
        // Either the inline shape of the declared status, or PENDING (the IRP may complete while the call returns).
        _ => returned.IsPending || (returned == Status && completedWhenReturned && statusWhenReturned == Status),
    };

    /// <summary>Whether the connect is sure to be answered inside the call (a subscriber hears it inside Subscribe).</summary>
    public bool AnsweredInsideCall => Answer is Answer.Inline or Answer.BeforeReturn;
}

/// <summary>A connect target: what to bind, where to connect, a name for classifying the runs, and what the world promises.</summary>
/// <param name="Kind">Label shown by Classify.</param>
/// <param name="Local">LocalAddress.</param>
/// <param name="Remote">RemoteAddress.</param>
/// <param name="Expect">The exact outcome the world declares for this target.</param>
public sealed record Target(string Kind, SockAddr Local, SockAddr Remote, Expect Expect)
{
    public override string ToString() => $"{Kind} {Local} → {Remote}";
}

/// <summary>
/// What a world can do, declared (as the runtime's socket tests declare per API flavour what each can do) so that every
/// assertion expects exactly what this world does, never "whatever happened". Each flag is checked against the
/// targets the world offers: a world that claims a capability must offer a target that exercises it.
/// </summary>
/// <param name="PendingOnDemand">Some target goes PENDING every time it is asked (and answers when settled).</param>
/// <param name="CompletesBeforeReturn">Some target completes the IRP before the call returns STATUS_PENDING.</param>
/// <param name="CancelCanWin">Some pending target is always cancelled by a cancel.</param>
/// <param name="CancelCanLose">Some pending target ignores a cancel and answers anyway.</param>
/// <param name="OsDecidesTiming">Some target's timing is the OS's choice (the shape is classified, the statuses are still exact).</param>
/// <param name="CancelledStatus">The final status of a pending connect whose cancel won.</param>
public sealed record WorldCapabilities(
    bool PendingOnDemand, bool CompletesBeforeReturn, bool CancelCanWin, bool CancelCanLose, bool OsDecidesTiming, NtStatus CancelledStatus);

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

    /// <summary>Targets reaching every outcome this transport can produce, each with the outcome it promises.</summary>
    public Gen<Target> Targets => Gen.Frequency(Catalogue.Select(c => (c.Weight, c.Target)).ToArray());

    /// <summary>
    /// Targets declared to return PENDING every time (answered later, or before the return): a cancel always meets a
    /// pending call. Targets whose timing the OS decides are left to <see cref="Targets"/>, where they are classified.
    /// </summary>
    public Gen<Target> PendingTargets => Gen.Frequency(Catalogue
        .Where(c => c.Declares.Answer is Answer.Pending or Answer.BeforeReturn)
        .Select(c => (c.Weight, c.Target)).ToArray());

    /// <summary>Targets that connect when left alone.</summary>
    public Gen<Target> ConnectingTargets => Gen.Frequency(Catalogue
        .Where(c => c.Declares.Status == NtStatus.Success)
        .Select(c => (c.Weight, c.Target)).ToArray());

    /// <summary>Every kind of target with its weight and its declared outcome (one declaration per kind).</summary>
    protected abstract System.Collections.Generic.IReadOnlyList<(int Weight, Expect Declares, Gen<Target> Target)> Catalogue { get; }

    /// <summary>What this world can do.</summary>
    public abstract WorldCapabilities Capabilities { get; }

    /// <summary>The declared outcomes of every target kind, for checking the capabilities against them.</summary>
    public System.Collections.Generic.IEnumerable<Expect> Declarations => Catalogue.Select(c => c.Declares);

    /// <summary>Puts the world in the state a target's declaration assumes (on loopback: the full queue is full). Idempotent.</summary>
    public virtual void Arrange(Target target) { }

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

/// <summary>
/// A real transport on loopback (the libc one unless given another): IPv4 and IPv6, accepting, refusing, and
/// full-queue (pending) listeners.
/// </summary>
public sealed class LoopbackWorld : ConnectWorld
{
    private readonly LoopbackListeners _listeners = new();

    public LoopbackWorld() : this(new OsTransport()) { }

    /// <summary>The same listeners and declarations over <paramref name="transport"/>, a transport over real OS sockets.</summary>
    public LoopbackWorld(ITransport transport) : base(transport) { }

    /// <summary>
    /// The full queue goes PENDING every time (the world refills it before each use) and a cancel of it always wins: it
    /// cannot be answered before the world is settled. Accepting and refusing listeners answer when the OS says: the
    /// handshake may finish inside the call or just after, so a cancel races the OS. Nothing completes before the
    /// return, and no cancel is ignored.
    /// </summary>
    public override WorldCapabilities Capabilities { get; } = new(
        PendingOnDemand: true, CompletesBeforeReturn: false, CancelCanWin: true, CancelCanLose: false, OsDecidesTiming: true,
        CancelledStatus: NtStatus.Cancelled);

    protected override System.Collections.Generic.IReadOnlyList<(int Weight, Expect Declares, Gen<Target> Target)> Catalogue
    {
        get
        {
            var l = _listeners;
            var v4Local = Gen.Elements<SockAddr>(SockAddrIn.Any(), SockAddrIn.Loopback(0));
            var v6Local = Gen.Elements<SockAddr>(SockAddrIn6.Any(), SockAddrIn6.Loopback(0));
            static (int, Expect, Gen<Target>) Kind(int weight, string kind, Expect expect, Gen<SockAddr> local, SockAddr remote) =>
                (weight, expect, local.Select(a => new Target(kind, a, remote, expect)));
            var choices = new System.Collections.Generic.List<(int, Expect, Gen<Target>)>
            {
                Kind(6, "v4 accepting", Expect.OsDecides(NtStatus.Success), v4Local, SockAddrIn.Loopback(l.OpenV4)),
                Kind(3, "v4 refusing", Expect.OsDecides(NtStatus.ConnectionRefused), v4Local, SockAddrIn.Loopback(l.ClosedV4)),
                // Weight 1: a settled full-queue connect waits for the client's SYN retry (about a second); its cancel
                // path runs every time in the cancelled-connect property, where it costs nothing.
                Kind(1, "v4 full queue", Expect.Pending(NtStatus.Success), v4Local, SockAddrIn.Loopback(l.FullV4)),
                // 192.0.2.1 (TEST-NET-1) is not an address of this host: bind fails locally, nothing is sent.
                Kind(1, "v4 local not ours", Expect.Inline(NtStatus.InvalidAddressComponent, bind: NtStatus.InvalidAddressComponent),
                    Gen.Constant<SockAddr>(new SockAddrIn(0xC000_0201, 0)), SockAddrIn.Loopback(l.OpenV4)),
                // The port is held by a socket outside the provider: the OS refuses the bind.
                Kind(1, "v4 local in use", Expect.Inline(NtStatus.AddressAlreadyExists, bind: NtStatus.AddressAlreadyExists),
                    Gen.Constant<SockAddr>(SockAddrIn.Loopback(l.ClosedV4)), SockAddrIn.Loopback(l.OpenV4)),
            };
            if (l.OpenV6 != 0)
            {
                choices.Add(Kind(4, "v6 accepting", Expect.OsDecides(NtStatus.Success), v6Local, SockAddrIn6.Loopback(l.OpenV6)));
                choices.Add(Kind(2, "v6 refusing", Expect.OsDecides(NtStatus.ConnectionRefused), v6Local, SockAddrIn6.Loopback(l.ClosedV6)));
            }
            return choices;
        }
    }

    /// <summary>A connect to the full queue is PENDING only while the queue is full: refill it if a settle emptied it.</summary>
    public override void Arrange(Target target)
    {
        if (target.Remote is SockAddrIn { Port: var port } && port == _listeners.FullV4) _listeners.EnsureQueueFull();
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

    /// <summary>Every timing on demand; a cancel wins unless the script ignores it; nothing is left to the OS.</summary>
    public override WorldCapabilities Capabilities { get; } = new(
        PendingOnDemand: true, CompletesBeforeReturn: true, CancelCanWin: true, CancelCanLose: true, OsDecidesTiming: false,
        CancelledStatus: NtStatus.Cancelled);

    /// <summary>What each script promises (the double answer is a transport bug, tested on its own).</summary>
    public static Expect Declared(Script script) => script switch
    {
        Script.InlineSuccess => Expect.Inline(NtStatus.Success),
        Script.InlineRefused => Expect.Inline(NtStatus.ConnectionRefused),
        Script.PendingSuccess => Expect.Pending(NtStatus.Success),
        Script.PendingRefused => Expect.Pending(NtStatus.ConnectionRefused),
        Script.AnswerBeforeReturn => Expect.BeforeReturn(NtStatus.Success),
        Script.PendingTimeout => Expect.Pending(NtStatus.IoTimeout),
        Script.PendingIgnoresCancel => Expect.PendingIgnoringCancel(NtStatus.Success),
        _ => throw new ArgumentOutOfRangeException(nameof(script), script, "not part of the contract suite"),
    };

    protected override System.Collections.Generic.IReadOnlyList<(int Weight, Expect Declares, Gen<Target> Target)> Catalogue =>
        Array.FindAll(Enum.GetValues<Script>(), s => s != Script.PendingDoubleAnswer)
            .Select(script =>
            {
                var expect = Declared(script);
                var target = Gen.Elements(false, true).Select(v6 => v6
                    ? new Target(script.ToString(), SockAddrIn6.Any(), SockAddrIn6.Loopback((ushort)script), expect)
                    : new Target(script.ToString(), SockAddrIn.Any(), SockAddrIn.Loopback((ushort)script), expect));
                return (1, expect, target);
            })
            .ToArray();

    public override void Settle() => ((ScriptedTransport)Transport).SettleAll();

    public override TimeSpan AnswerWithin => TimeSpan.FromSeconds(5);
}
