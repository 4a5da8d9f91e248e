using System;
using System.Collections.Generic;
using System.Linq;
using FsCheck;
using FsCheck.Experimental;
using FsCheck.Fluent;
using Wsk.Core;
using Wsk.Shell;
using Wsk.Shell.Simulation;
using Op = FsCheck.Experimental.Operation<Wsk.Properties.Shell.Model.WskSystem, Wsk.Properties.Shell.Model.WskModel>;

namespace Wsk.Properties.Shell.Model;

/// <summary>
/// One step of a model-based run: a precondition and a transition on the model (pure), and the same step performed on
/// the system, which must then agree with the model. Steps name their IRPs and sockets by fixed ids, so a sequence that
/// FsCheck shortens while shrinking still means the same thing (a step whose socket is gone fails its precondition).
/// </summary>
public sealed class Step : Operation<WskSystem, WskModel>
{
    private readonly string _name;
    private readonly Func<WskModel, bool> _pre;
    private readonly Func<WskModel, WskModel> _run;
    private readonly Action<WskSystem> _act;

    public Step(string name, Func<WskModel, bool> pre, Func<WskModel, WskModel> run, Action<WskSystem> act)
    {
        _name = name;
        _pre = pre;
        _run = run;
        _act = act;
    }

    public override bool Pre(WskModel model) => _pre(model);

    public override WskModel Run(WskModel model) => _run(model with { ExpectReturn = null });

    public override Property Check(WskSystem system, WskModel model)
    {
        system.LastReturn = null;
        try
        {
            _act(system);
            string kind = _name.Split('#', '(')[0];
            system.Stats.AddOrUpdate(system.LastReturn is { } r ? $"{kind} ⇒ {r.Name}" : kind, 1, (_, n) => n + 1);
        }
        catch (Exception e)
        {
            return false.Label($"{_name} threw {e.GetType().Name}: {e.Message}");
        }
        return system.Agree(model, _name);
    }

    public override string ToString() => _name;
}

/// <summary>
/// FsCheck's state machine over the whole client life: register, capture, connects of every script (valid and invalid),
/// cancel, send, receive, the peer's writes, reads and FIN, disconnect (graceful and abortive), close, release,
/// deregister, and virtual-time advances that fire the network's timers. The model is generated first; the run replays it
/// on a <see cref="WskSystem"/> and checks agreement after every step.
/// </summary>
public sealed class WskMachine : Machine<WskSystem, WskModel>
{
    private readonly Func<SimulatedNetwork, ITransport>? _plant;
    private int _ids;

    /// <summary>Steps run per kind (and per return status) over every sequence of this machine.</summary>
    public System.Collections.Concurrent.ConcurrentDictionary<string, int> Stats { get; } = new();

    /// <summary>A machine of at most <paramref name="maxSteps"/> steps; <paramref name="plant"/> wraps the transport (for the checker's own test).</summary>
    public WskMachine(int maxSteps = 30, Func<SimulatedNetwork, ITransport>? plant = null) : base(maxSteps) => _plant = plant;

    public override Arbitrary<Setup<WskSystem, WskModel>> Setup =>
        Gen.Constant(StateMachine.Setup(() => new WskSystem(_plant, Stats), () => WskModel.Initial)).ToArbitrary();

    public override Gen<Operation<WskSystem, WskModel>> Next(WskModel m)
    {
        int id = System.Threading.Interlocked.Increment(ref _ids); // unique per generated step: stays valid after shrinking
        var choices = new List<(int, Gen<Operation<WskSystem, WskModel>>)>();
        if (!m.Registered) choices.Add((5, Gen.Constant(Register())));
        if (m.Registered && m.Captures == 0 && m.Sockets.IsEmpty && m.Connects.IsEmpty) choices.Add((1, Gen.Constant(Deregister())));
        if (m.Registered && m.Captures < 2) choices.Add((3, Gen.Constant(Capture())));
        if (m.Captures > 0) choices.Add((1, Gen.Constant(Release())));
        if (m.Captures > 0 && m.Connects.Count < 3 && m.Sockets.Count < 4)
            choices.Add((6, Gen.Elements(Enum.GetValues<ConnectKind>()).SelectMany(k => Gen.Choose(1, 400).Select(d => Connect(id, k, d)))));
        if (!m.Connects.IsEmpty) choices.Add((2, Gen.Elements(m.Connects.ToArray()).Select(c => CancelConnect(c.Irp))));
        choices.Add((3, Gen.Elements(1, 50, 500, 4000).Select(Advance)));
        if (!m.Sockets.IsEmpty)
        {
            var socket = Gen.Elements(m.Sockets.Select(s => s.Id).ToArray());
            choices.Add((5, socket.SelectMany(s => Gen.Choose(1, 100).Select(n => Send(s, id, n)))));
            choices.Add((4, socket.SelectMany(s => Gen.Choose(1, 60).Select(n => Receive(s, id, n)))));
            choices.Add((4, socket.SelectMany(s => Gen.Choose(1, 80).Select(n => PeerWrite(s, n)))));
            choices.Add((3, socket.Select(PeerRead)));
            choices.Add((1, socket.Select(PeerShutdown)));
            choices.Add((2, socket.SelectMany(s => Gen.Elements(false, true).Select(a => Disconnect(s, id, a)))));
            choices.Add((2, socket.Select(s => Close(s, id))));
        }
        var pendingIo = m.Sockets.SelectMany(s => s.PendingIrps.Select(i => (s.Id, i))).ToArray();
        if (pendingIo.Length > 0) choices.Add((2, Gen.Elements(pendingIo).Select(p => CancelIo(p.Item1, p.Item2))));
        return Gen.Frequency(choices.ToArray());
    }

    // ---- registration ----

    private static Op Register() => new Step("Register", m => !m.Registered, m => m with { Registered = true }, s => s.Register());

    private static Op Deregister() => new Step("Deregister",
        m => m.Registered && m.Captures == 0 && m.Sockets.IsEmpty && m.Connects.IsEmpty,
        m => m with { Registered = false },
        s => s.Deregister());

    private static Op Capture() => new Step("Capture", m => m.Registered, m => m with { Captures = m.Captures + 1 }, s =>
    {
        s.LastReturn = s.Registration.WskCaptureProviderNpi(WskWait.NoWait, out var npi);
        s.Captures.Push(npi!);
    });

    private static Op Release() => new Step("Release", m => m.Captures > 0, m => m with { Captures = m.Captures - 1 },
        s => s.Registration.WskReleaseProviderNpi(s.Captures.Pop()));

    // ---- connect ----

    private static FaultScript ScriptOf(ConnectKind kind, int delayMs) => kind switch
    {
        ConnectKind.AcceptPending => FaultScript.PendingFor(TimeSpan.FromMilliseconds(delayMs)),
        ConnectKind.AcceptBeforeReturn => new FaultScript(Timing: CompletionTiming.BeforeReturn),
        ConnectKind.RefuseInline => new FaultScript(ConnectFault.Refuse),
        ConnectKind.RefusePending => FaultScript.PendingFor(TimeSpan.FromMilliseconds(delayMs), ConnectFault.Refuse),
        ConnectKind.BlackHoleTimeout => FaultScript.BlackHoleWith(retryBudget: 2),
        ConnectKind.BlackHoleForever => FaultScript.BlackHoleWith(retryBudget: null),
        _ => FaultScript.Default,
    };

    private static Op Connect(int irp, ConnectKind kind, int delayMs) => new Step(
        $"Connect#{irp}({kind}{(kind is ConnectKind.AcceptPending or ConnectKind.RefusePending ? $", {delayMs} ms" : "")})",
        m => m.Captures > 0 && !m.Irps.ContainsKey(irp),
        m =>
        {
            var connect = new MConnect(irp, kind, kind switch
            {
                ConnectKind.AcceptPending or ConnectKind.RefusePending => m.NowMs + delayMs,
                ConnectKind.BlackHoleTimeout => m.NowMs + (long)FaultScript.BlackHoleWith(2).GiveUpAfter!.Value.TotalMilliseconds,
                _ => null,
            });
            return kind switch
            {
                ConnectKind.Invalid => m.Done(irp, NtStatus.InvalidParameter) with { ExpectReturn = NtStatus.InvalidParameter },
                ConnectKind.AcceptInline => m.Pending(irp).Answer(connect, NtStatus.Success) with { ExpectReturn = NtStatus.Success },
                ConnectKind.RefuseInline => m.Pending(irp).Answer(connect, NtStatus.ConnectionRefused) with { ExpectReturn = NtStatus.ConnectionRefused },
                ConnectKind.AcceptBeforeReturn => m.Pending(irp).Answer(connect, NtStatus.Success) with { ExpectReturn = NtStatus.Pending },
                _ => m.Pending(irp) with { Connects = m.Connects.Add(connect), ExpectReturn = NtStatus.Pending },
            };
        },
        s =>
        {
            var request = ConnectRequest.Tcp(s.Captures.Peek().Client.Id, Server) with { Flags = kind == ConnectKind.Invalid ? 2u : 0u };
            if (kind != ConnectKind.Invalid) s.Network.ScriptNextConnect(ScriptOf(kind, delayMs) with { ReceiveWindow = WskModel.Window });
            s.LastReturn = s.Captures.Peek().Dispatch.WskSocketConnect(request, s.NewIrp(irp));
        });

    private static SockAddr Server => WskSystem.Server;

    private static Op CancelConnect(int irp) => new Step($"Cancel#{irp}",
        m => m.Connects.Any(c => c.Irp == irp),
        m => m.Answer(m.Connects.First(c => c.Irp == irp), NtStatus.Cancelled),
        s => s.Irps[irp].Cancel());

    private static Op Advance(int ms) => new Step($"Advance({ms} ms)", _ => true, m =>
        {
            long now = m.NowMs + ms;
            foreach (var c in m.Connects.Where(c => c.DueMs <= now).OrderBy(c => c.DueMs).ThenBy(c => c.Irp).ToArray())
                m = m.Answer(c, c.Kind switch
                {
                    ConnectKind.AcceptPending => NtStatus.Success,
                    ConnectKind.RefusePending => NtStatus.ConnectionRefused,
                    _ => NtStatus.IoTimeout,
                });
            return m with { NowMs = now };
        },
        s => s.Time.AdvanceBy(TimeSpan.FromMilliseconds(ms)));

    // ---- the connected socket ----

    private static Op OnSocket(string name, int socket, Func<MSocket, WskModel, WskModel> run, Action<WskSystem> act) =>
        new Step(name, m => m.Socket(socket) is not null, m => run(m.Socket(socket)!, m), act);

    private static Op Send(int socket, int irp, int n) => OnSocket($"Send#{irp}(s{socket}, {n} B)", socket, (so, m) =>
        {
            var decided = SocketDecider.Decide(new SocketCommand(SocketCommandKind.Send), so.State);
            if (decided.Kind == SocketEventKind.Refused) return m.Done(irp, decided.Status) with { ExpectReturn = decided.Status };
            int put = so.Sends.IsEmpty ? Math.Min(WskModel.Window - so.PeerBuffered, n) : 0;
            if (put == n) return m.With(so with { PeerBuffered = so.PeerBuffered + n }).Done(irp, NtStatus.Success, n) with { ExpectReturn = NtStatus.Success };
            return m.With(so with { PeerBuffered = so.PeerBuffered + put, Sends = so.Sends.Add(new MSend(irp, n, n - put)) })
                .Pending(irp) with { ExpectReturn = NtStatus.Pending };
        },
        s => s.LastReturn = s.Socket(socket).Socket.WskSend(WskBuf.Of(new byte[n]), 0, s.NewIrp(irp)));

    private static Op Receive(int socket, int irp, int size) => new Step($"Receive#{irp}(s{socket}, {size} B)",
        m => m.Socket(socket) is { Receive: null },
        m =>
        {
            var so = m.Socket(socket)!;
            var decided = SocketDecider.Decide(new SocketCommand(SocketCommandKind.Receive), so.State);
            if (decided.Kind == SocketEventKind.Refused) return m.Done(irp, decided.Status) with { ExpectReturn = decided.Status };
            if (so.ToUs > 0 || so.PeerFin)
            {
                int got = Math.Min(size, so.ToUs);
                return m.With(so with { ToUs = so.ToUs - got }).Done(irp, NtStatus.Success, got) with { ExpectReturn = NtStatus.Success };
            }
            return m.With(so with { Receive = (irp, size) }).Pending(irp) with { ExpectReturn = NtStatus.Pending };
        },
        s => s.LastReturn = s.Socket(socket).Socket.WskReceive(WskBuf.Of(new byte[size]), 0, s.NewIrp(irp)));

    private static Op PeerWrite(int socket, int n) => OnSocket($"PeerWrite(s{socket}, {n} B)", socket, (so, m) =>
        {
            if (so.State.Aborted || so.PeerFin) return m;
            so = so with { ToUs = so.ToUs + n };
            if (so.Receive is { } r)
            {
                int got = Math.Min(r.Size, so.ToUs);
                m = m.Done(r.Irp, NtStatus.Success, got);
                so = so with { ToUs = so.ToUs - got, Receive = null };
            }
            return m.With(so);
        },
        s => s.Socket(socket).Peer.Write(new byte[n]));

    private static Op PeerRead(int socket) => OnSocket($"PeerRead(s{socket})", socket, (so, m) =>
        {
            var (after, m2) = WskModel.Flow(so with { PeerBuffered = 0 }, m);
            return m2.With(after);
        },
        s => s.Socket(socket).Peer.Read());

    private static Op PeerShutdown(int socket) => OnSocket($"PeerFin(s{socket})", socket, (so, m) =>
        {
            if (so.PeerFin) return m;
            so = so with { PeerFin = true };
            if (so.Receive is { } r && so.ToUs == 0)
            {
                m = m.Done(r.Irp, NtStatus.Success, 0);
                so = so with { Receive = null };
            }
            return m.With(so);
        },
        s => s.Socket(socket).Peer.Shutdown());

    private static Op Disconnect(int socket, int irp, bool abortive) =>
        OnSocket($"Disconnect#{irp}(s{socket}{(abortive ? ", abortive" : "")})", socket, (so, m) =>
        {
            uint flags = abortive ? WskFlags.Abortive : 0;
            var decided = SocketDecider.Decide(new SocketCommand(SocketCommandKind.Disconnect, flags, HasBuffer: false), so.State);
            if (decided.Kind == SocketEventKind.Refused) return m.Done(irp, decided.Status) with { ExpectReturn = decided.Status };
            so = so with { State = SocketDecider.Evolve(so.State, decided) };
            if (abortive)
            {
                var (cancelled, m2) = WskModel.CancelAll(so, m);
                return m2.With(cancelled).Done(irp, NtStatus.Success) with { ExpectReturn = NtStatus.Success };
            }
            if (so.Sends.IsEmpty) return m.With(so).Done(irp, NtStatus.Success) with { ExpectReturn = NtStatus.Success };
            return m.With(so with { Disconnect = irp }).Pending(irp) with { ExpectReturn = NtStatus.Pending };
        },
        s => s.LastReturn = s.Socket(socket).Socket.WskDisconnect(null, abortive ? WskFlags.Abortive : 0, s.NewIrp(irp)));

    private static Op Close(int socket, int irp) => OnSocket($"Close#{irp}(s{socket})", socket, (so, m) =>
        {
            var (_, m2) = WskModel.CancelAll(so, m);
            return m2.Done(irp, NtStatus.Success) with { Sockets = m2.Sockets.Remove(so), ExpectReturn = NtStatus.Success };
        },
        s =>
        {
            s.LastReturn = s.Socket(socket).Socket.WskCloseSocket(s.NewIrp(irp));
            s.Sockets.Remove(socket);
        });

    private static Op CancelIo(int socket, int irp) => new Step($"Cancel#{irp}(s{socket})",
        m => m.Socket(socket) is { } so && so.PendingIrps.Contains(irp),
        m =>
        {
            var so = m.Socket(socket)!;
            m = m.Done(irp, NtStatus.Cancelled);
            if (so.Receive is { } r && r.Irp == irp) return m.With(so with { Receive = null });
            if (so.Disconnect == irp) return m.With(so with { Disconnect = null });
            var (after, m2) = WskModel.AfterSends(so with { Sends = so.Sends.RemoveAll(x => x.Irp == irp) }, m);
            return m2.With(after);
        },
        s => s.Irps[irp].Cancel());
}
