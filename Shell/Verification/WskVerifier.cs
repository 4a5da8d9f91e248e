using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Threading;
using Wsk.Core;

namespace Wsk.Shell;

/// <summary>The caller mistakes <see cref="WskVerifier"/> reports (Driver Verifier's rules, as values).</summary>
public enum VerifierRule
{
    /// <summary>An IRP was passed to a WSK call while an earlier call still owned it.</summary>
    IrpReusedWhilePending,
    /// <summary>An IRP was completed a second time, or completed when nobody had submitted it (bug check 0x44).</summary>
    IrpCompletedTwice,
    /// <summary>A call (or a second close) on a socket after WskCloseSocket.</summary>
    CallAfterClose,
    /// <summary>WskCloseSocket while another thread is still inside a call on the same socket.</summary>
    CloseOverlapsCall,
    /// <summary>WSK_RELEASE_SD on a descriptor a WskSocketConnect still pending was given.</summary>
    SecurityDescriptorReleasedWhileInUse,
    /// <summary>
    /// WskReleaseProviderNPI twice for one capture, or a call through a released or unknown client (CallingRule.ClientReleased:
    /// the call returned STATUS_INVALID_HANDLE).
    /// </summary>
    ClientUsedAfterRelease,
    /// <summary>At <see cref="WskVerifier.Verify"/>: a socket (connected, or made by WskSocket and never connected) never closed.</summary>
    SocketLeaked,
    /// <summary>At <see cref="WskVerifier.Verify"/>: a capture never released.</summary>
    CaptureNotReleased,
    /// <summary>At <see cref="WskVerifier.Verify"/>: a registration never deregistered.</summary>
    RegistrationNotDeregistered,
    /// <summary>At <see cref="WskVerifier.Verify"/>: an IRP submitted to WSK and never completed (a lost completion).</summary>
    IrpNeverCompleted,
    /// <summary>A completion routine waited for another WSK IRP that had not completed (it must not).</summary>
    CompletionRoutineWaits,
    /// <summary>A WSK call made above DISPATCH_LEVEL (CallingRule.IrqlAboveDispatch; a bug check).</summary>
    IrqlAboveDispatch,
    /// <summary>
    /// A call that requires an IRP was given none (CallingRule.IrpMissing): it returned STATUS_INVALID_PARAMETER and
    /// completed nothing.
    /// </summary>
    IrpMissing,
    /// <summary>WskRelease of a data indication the client does not hold: never kept (STATUS_PENDING), or released already.</summary>
    IndicationNotHeld,
}

/// <summary>One finding: which rule, which object, and what happened.</summary>
/// <param name="Rule">The rule broken.</param>
/// <param name="Object">The object it concerns, named by <see cref="WskVerifier.NameOf(Irp)"/> and its overloads ("IRP #3", "socket #1", "client #2", "registration #1", "SD #1").</param>
/// <param name="Detail">What the verifier saw.</param>
public sealed record VerifierFinding(VerifierRule Rule, string Object, string Detail)
{
    /// <inheritdoc/>
    public override string ToString() => $"{Rule} on {Object}: {Detail}";
}

/// <summary>Thrown, when <see cref="WskVerifier.ThrowOnBugCheck"/> is set, for a finding whose kernel analogue is a bug check.</summary>
public sealed class WskVerifierException : InvalidOperationException
{
    /// <summary>Creates the exception for <paramref name="finding"/>.</summary>
    public WskVerifierException(VerifierFinding finding) : base($"WSK verifier bug check: {finding}") => Finding = finding;

    /// <summary>The finding.</summary>
    public VerifierFinding Finding { get; }
}

/// <summary>
/// An opt-in Driver Verifier for WSK clients: attach it to a registration (or globally, for a test) and it watches every
/// IRP, socket, capture and cached security descriptor going through the provider, and records each misuse by the
/// caller as a <see cref="VerifierFinding"/> naming the rule and the object. <see cref="Verify"/> adds what is still
/// open at the end (leaked sockets, unreleased captures, IRPs that never completed). Findings are values; with
/// <see cref="ThrowOnBugCheck"/> the rules the kernel answers with a bug check also throw where they happen.
/// </summary>
/// <remarks>
/// The provider calls the hooks only when a verifier is attached (one null test otherwise), so the connect hot path
/// allocates nothing more when it is off. Every breach of the calling contract leaves exactly one finding, whether the
/// call throws <see cref="WskContractViolationException"/> (a bug check) or returns its status (no IRP, a released
/// client), so a test that swallowed the exception or ignored the status still sees it.
/// </remarks>
public sealed class WskVerifier
{
    private static WskVerifier? s_global;
    private readonly object _gate = new();
    private readonly List<VerifierFinding> _findings = new();
    private readonly ConditionalWeakTable<object, string> _names = new();
    private readonly Dictionary<object, string> _valueNames = new(); // client ids and SD handles are values
    private readonly Dictionary<Irp, (string Call, SecurityDescriptorHandle? Sd)> _pending = new(ReferenceEqualityComparer.Instance);
    private readonly HashSet<object> _sockets = new(ReferenceEqualityComparer.Instance); // WskConnectedSocket and WskUnconnectedSocket
    private readonly HashSet<WskClient> _clients = new(ReferenceEqualityComparer.Instance);
    private readonly HashSet<WskRegistration> _registrations = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<string, int> _counters = new();
    private readonly Dictionary<WskConnectedSocket, List<(int Thread, string Call)>> _inCall = new(ReferenceEqualityComparer.Instance);

    /// <summary>The verifier every registration without its own reports to, or null.</summary>
    public static WskVerifier? Global => Volatile.Read(ref s_global);

    /// <summary>Throw <see cref="WskVerifierException"/> for findings whose kernel analogue is a bug check.</summary>
    public bool ThrowOnBugCheck { get; init; }

    /// <summary>Every finding so far, in the order seen.</summary>
    public IReadOnlyList<VerifierFinding> Findings
    {
        get { lock (_gate) return _findings.ToArray(); }
    }

    /// <summary>Watches <paramref name="registration"/> from now on (its register is counted as of now).</summary>
    public WskVerifier Attach(WskRegistration registration)
    {
        ArgumentNullException.ThrowIfNull(registration);
        registration.AttachVerifier(this);
        OnRegistered(registration);
        return this;
    }

    /// <summary>Watches every registration that has no verifier of its own until the returned handle is disposed.</summary>
    public IDisposable AttachGlobally()
    {
        if (Interlocked.CompareExchange(ref s_global, this, null) is { } other && other != this)
            throw new InvalidOperationException("another verifier is attached globally");
        return new GlobalHandle(this);
    }

    /// <summary>
    /// The end-of-test check: every finding so far plus, for every watched object still open, a leak finding
    /// (sockets not closed, captures not released, registrations not deregistered, IRPs never completed).
    /// </summary>
    public IReadOnlyList<VerifierFinding> Verify()
    {
        lock (_gate)
        {
            var all = new List<VerifierFinding>(_findings);
            foreach (var s in _sockets) all.Add(new(VerifierRule.SocketLeaked, Name(s), $"never closed with {nameof(WskConnectedSocket.WskCloseSocket)}"));
            foreach (var c in _clients)
                all.Add(new(VerifierRule.CaptureNotReleased, Name(c.Id),
                    $"{nameof(WskRegistration.WskCaptureProviderNpi)} without {nameof(WskRegistration.WskReleaseProviderNpi)}"));
            foreach (var r in _registrations)
                all.Add(new(VerifierRule.RegistrationNotDeregistered, Name(r), $"{nameof(WskRegistration.WskRegister)} without {nameof(WskRegistration.WskDeregister)}"));
            foreach (var (irp, use) in _pending) all.Add(new(VerifierRule.IrpNeverCompleted, Name(irp), $"{use.Call} never completed it"));
            return all;
        }
    }

    /// <summary>The name the verifier gives <paramref name="irp"/> in its findings ("IRP #n").</summary>
    public string NameOf(Irp irp) => Name(irp);

    /// <summary>The name the verifier gives <paramref name="socket"/> in its findings ("socket #n").</summary>
    public string NameOf(WskConnectedSocket socket) => Name(socket);

    /// <summary>
    /// The name the verifier gives a three-step socket ("socket #n"); the connected socket a successful WskConnect hands
    /// over keeps that name.
    /// </summary>
    public string NameOf(WskUnconnectedSocket socket) => Name(socket);

    /// <summary>The name the verifier gives <paramref name="client"/> ("client #n"), the same as its <see cref="WskClient.Id"/>'s.</summary>
    public string NameOf(WskClient client) => Name(client.Id);

    /// <summary>The name the verifier gives the client <paramref name="id"/> designates, live, released or unknown ("client #n").</summary>
    public string NameOf(ClientId id) => Name(id);

    /// <summary>The name the verifier gives <paramref name="registration"/> ("registration #n").</summary>
    public string NameOf(WskRegistration registration) => Name(registration);

    /// <summary>The name the verifier gives the cached security descriptor <paramref name="handle"/> ("SD #n").</summary>
    public string NameOf(SecurityDescriptorHandle handle) => Name(handle);

    // ---- hooks, called by the provider only when this verifier is attached ----

    internal void OnRegistered(WskRegistration registration)
    {
        lock (_gate) _registrations.Add(registration);
    }

    internal void OnDeregistered(WskRegistration registration)
    {
        lock (_gate) _registrations.Remove(registration);
    }

    internal void OnCaptured(WskClient client)
    {
        lock (_gate) _clients.Add(client);
    }

    internal void OnReleased(WskClient client, bool first)
    {
        lock (_gate) _clients.Remove(client);
        if (!first)
            Report(VerifierRule.ClientUsedAfterRelease, Name(client.Id), $"{nameof(WskRegistration.WskReleaseProviderNpi)} called again", bugCheck: false);
    }

    /// <summary>
    /// A call the gate refused for <paramref name="rule"/>: exactly one finding, on the object the rule is about (the IRP
    /// for an IRP in use, the socket for a closed socket, the client for a released one, the socket or client for a
    /// missing IRP, whichever the call has first of IRP, socket and client for the IRQL).
    /// </summary>
    internal void OnRefused(CallingRule rule, string call, Irql irql, Irp? irp, object? socket, ClientId? client)
    {
        object? subject = irp ?? socket ?? (object?)client;
        switch (rule)
        {
            case CallingRule.IrqlAboveDispatch:
                Report(VerifierRule.IrqlAboveDispatch, subject is null ? call : Name(subject), $"{call} at IRQL {irql}, above DISPATCH_LEVEL", true);
                break;
            case CallingRule.SocketClosed:
                Report(VerifierRule.CallAfterClose, Name(socket!), $"{call} after {nameof(WskConnectedSocket.WskCloseSocket)}", true);
                break;
            case CallingRule.IrpMissing:
                subject = socket ?? (object?)client;
                Report(VerifierRule.IrpMissing, subject is null ? call : Name(subject), $"{call} without the IRP it requires", false);
                break;
            case CallingRule.IrpInUse:
                Report(VerifierRule.IrpReusedWhilePending, Name(irp!),
                    irp!.IsDelivering ? $"{call} from inside its own completion routine" : $"{call} while an earlier call owns it", true);
                break;
            case CallingRule.ClientReleased:
                Report(VerifierRule.ClientUsedAfterRelease, client is { } id ? Name(id) : call, $"{call} through a released or unknown client", false);
                break;
            case CallingRule.OutOfOrder:
                Report(VerifierRule.IndicationNotHeld, Name(socket!), $"{call} of a data indication the client does not hold (never kept, or released already)", true);
                break;
        }
    }

    internal void OnSubmitted(Irp irp, string call, SecurityDescriptorHandle? sd = null)
    {
        irp.Verifier = this;
        lock (_gate) _pending[irp] = (call, sd);
    }

    internal void OnCompleted(Irp irp)
    {
        lock (_gate) _pending.Remove(irp);
    }

    internal void OnIrpViolation(Irp irp, CallingRule rule, string detail)
    {
        if (rule is CallingRule.IrpCompletedTwice or CallingRule.IrpCompletedWhileIdle)
            Report(VerifierRule.IrpCompletedTwice, Name(irp), detail, bugCheck: true);
    }

    internal void OnWaitInCompletionRoutine(Irp waited, Irp delivering) =>
        Report(VerifierRule.CompletionRoutineWaits, Name(delivering),
            $"its completion routine waits for {Name(waited)}, which has not completed", bugCheck: false);

    /// <summary>A socket came to be: a connected <see cref="WskConnectedSocket"/> or a three-step <see cref="WskUnconnectedSocket"/>.</summary>
    internal void OnSocketOpened(object socket)
    {
        lock (_gate) _sockets.Add(socket);
    }

    internal void OnSocketClosed(object socket)
    {
        lock (_gate) _sockets.Remove(socket);
    }

    /// <summary>
    /// A three-step socket connected: from now on <paramref name="connected"/> is the socket (closing either handle closes
    /// it), and it keeps the unconnected socket's name.
    /// </summary>
    internal void OnSocketHandedOver(WskUnconnectedSocket unconnected, WskConnectedSocket connected)
    {
        lock (_gate)
        {
            _sockets.Remove(unconnected);
            _sockets.Add(connected);
            if (_names.TryGetValue(unconnected, out var name)) _names.AddOrUpdate(connected, name);
        }
    }

    internal void OnCallEntered(WskConnectedSocket socket, string call)
    {
        lock (_gate)
        {
            if (!_inCall.TryGetValue(socket, out var calls)) _inCall[socket] = calls = new();
            calls.Add((Environment.CurrentManagedThreadId, call));
        }
    }

    internal void OnCallExited(WskConnectedSocket socket)
    {
        lock (_gate)
        {
            if (!_inCall.TryGetValue(socket, out var calls)) return;
            int thread = Environment.CurrentManagedThreadId;
            int at = calls.FindLastIndex(c => c.Thread == thread);
            if (at >= 0) calls.RemoveAt(at);
            if (calls.Count == 0) _inCall.Remove(socket);
        }
    }

    /// <summary>
    /// A close while another thread is inside a call on the same socket. Calls on the closing thread itself are not
    /// counted: a callback that runs inside a call may close its socket.
    /// </summary>
    internal void OnClosing(WskConnectedSocket socket)
    {
        string? other = null;
        lock (_gate)
        {
            int thread = Environment.CurrentManagedThreadId;
            if (_inCall.TryGetValue(socket, out var calls))
                foreach (var c in calls)
                    if (c.Thread != thread) { other = c.Call; break; }
        }
        if (other is not null)
            Report(VerifierRule.CloseOverlapsCall, Name(socket), $"{nameof(WskConnectedSocket.WskCloseSocket)} while {other} is still running on another thread", bugCheck: false);
    }

    internal void OnSdReleased(SecurityDescriptorHandle handle)
    {
        string? user = null;
        lock (_gate)
        {
            foreach (var (irp, use) in _pending)
                if (use.Sd == handle) { user = Name(irp); break; }
        }
        if (user is not null)
            Report(VerifierRule.SecurityDescriptorReleasedWhileInUse, Name(handle),
                $"released while {user} ({nameof(WskProviderDispatch.WskSocketConnect)}) is pending", false);
    }

    private void Report(VerifierRule rule, string subject, string detail, bool bugCheck)
    {
        var finding = new VerifierFinding(rule, subject, detail);
        lock (_gate) _findings.Add(finding);
        if (bugCheck && ThrowOnBugCheck) throw new WskVerifierException(finding);
    }

    /// <summary>
    /// The one naming scheme: "&lt;kind&gt; #n", numbered per kind in the order the verifier first names an object of it.
    /// Objects are named by identity, client ids and SD handles by value.
    /// </summary>
    private string Name(object o)
    {
        string kind = o switch
        {
            Irp => "IRP",
            WskConnectedSocket or WskUnconnectedSocket => "socket",
            ClientId => "client",
            WskRegistration => "registration",
            SecurityDescriptorHandle => "SD",
            _ => o.GetType().Name,
        };
        bool byValue = o.GetType().IsValueType;
        lock (_gate)
        {
            if (byValue ? _valueNames.TryGetValue(o, out var name) : _names.TryGetValue(o, out name)) return name;
            _counters[kind] = _counters.TryGetValue(kind, out int n) ? n + 1 : 1;
            name = $"{kind} #{_counters[kind]}";
            if (byValue) _valueNames.Add(o, name);
            else _names.Add(o, name);
            return name;
        }
    }

    private sealed class GlobalHandle(WskVerifier verifier) : IDisposable
    {
        public void Dispose() => Interlocked.CompareExchange(ref s_global, null, verifier);
    }
}
