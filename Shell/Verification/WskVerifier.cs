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
    /// <summary>A call (or a second close) on a socket after WskCloseSocket (wsk-contract §0.10).</summary>
    CallAfterClose,
    /// <summary>WskCloseSocket while another thread is still inside a call on the same socket.</summary>
    CloseOverlapsCall,
    /// <summary>WSK_RELEASE_SD on a descriptor a WskSocketConnect still pending was given.</summary>
    SecurityDescriptorReleasedWhileInUse,
    /// <summary>WskReleaseProviderNPI twice for one capture, or a call through a released client.</summary>
    ClientUsedAfterRelease,
    /// <summary>At <see cref="WskVerifier.Verify"/>: a socket never closed.</summary>
    SocketLeaked,
    /// <summary>At <see cref="WskVerifier.Verify"/>: a capture never released.</summary>
    CaptureNotReleased,
    /// <summary>At <see cref="WskVerifier.Verify"/>: a registration never deregistered.</summary>
    RegistrationNotDeregistered,
    /// <summary>At <see cref="WskVerifier.Verify"/>: an IRP submitted to WSK and never completed (a lost completion).</summary>
    IrpNeverCompleted,
    /// <summary>A completion routine waited for another WSK IRP that had not completed (wsk-contract §3: it must not).</summary>
    CompletionRoutineWaits,
}

/// <summary>One finding: which rule, which object, and what happened.</summary>
/// <param name="Rule">The rule broken.</param>
/// <param name="Object">The object it concerns ("IRP #3", "socket #1", "client 7", "registration #1", "SD 12").</param>
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
/// allocates nothing more when it is off. Misuse that already throws <see cref="WskContractViolationException"/> still
/// throws; the verifier records it too, so a test that swallowed the exception still sees it.
/// </remarks>
public sealed class WskVerifier
{
    private static WskVerifier? s_global;
    private readonly object _gate = new();
    private readonly List<VerifierFinding> _findings = new();
    private readonly ConditionalWeakTable<object, string> _names = new();
    private readonly Dictionary<Irp, (string Call, SecurityDescriptorHandle? Sd)> _pending = new(ReferenceEqualityComparer.Instance);
    private readonly HashSet<WskSocket> _sockets = new(ReferenceEqualityComparer.Instance);
    private readonly HashSet<WskClient> _clients = new(ReferenceEqualityComparer.Instance);
    private readonly HashSet<WskRegistration> _registrations = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<string, int> _counters = new();
    private readonly Dictionary<WskSocket, List<(int Thread, string Call)>> _inCall = new(ReferenceEqualityComparer.Instance);

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
            foreach (var s in _sockets) all.Add(new(VerifierRule.SocketLeaked, NameOf(s, "socket"), "never closed with WskCloseSocket"));
            foreach (var c in _clients) all.Add(new(VerifierRule.CaptureNotReleased, c.ToString(), "WskCaptureProviderNPI without WskReleaseProviderNPI"));
            foreach (var r in _registrations) all.Add(new(VerifierRule.RegistrationNotDeregistered, NameOf(r, "registration"), "WskRegister without WskDeregister"));
            foreach (var (irp, use) in _pending) all.Add(new(VerifierRule.IrpNeverCompleted, NameOf(irp, "IRP"), $"{use.Call} never completed it"));
            return all;
        }
    }

    /// <summary>The name the verifier gives <paramref name="irp"/> in its findings ("IRP #n").</summary>
    public string NameOf(Irp irp) => NameOf(irp, "IRP");

    /// <summary>The name the verifier gives <paramref name="socket"/> in its findings ("socket #n").</summary>
    public string NameOf(WskSocket socket) => NameOf(socket, "socket");

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
        if (!first) Report(VerifierRule.ClientUsedAfterRelease, client.ToString(), "WskReleaseProviderNPI called again", bugCheck: false);
    }

    internal void OnRefused(CallingRule rule, string call, Irp? irp, WskSocket? socket, string clientName)
    {
        switch (rule)
        {
            case CallingRule.IrpInUse: Report(VerifierRule.IrpReusedWhilePending, NameOf(irp!, "IRP"), $"{call} while an earlier call owns it", true); break;
            case CallingRule.SocketClosed: Report(VerifierRule.CallAfterClose, NameOf(socket!, "socket"), $"{call} after WskCloseSocket", true); break;
            case CallingRule.ClientReleased: Report(VerifierRule.ClientUsedAfterRelease, clientName, $"{call} through a released client", false); break;
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
            Report(VerifierRule.IrpCompletedTwice, NameOf(irp, "IRP"), detail, bugCheck: true);
    }

    internal void OnWaitInCompletionRoutine(Irp waited, Irp delivering) =>
        Report(VerifierRule.CompletionRoutineWaits, NameOf(delivering, "IRP"),
            $"its completion routine waits for {NameOf(waited, "IRP")}, which has not completed", bugCheck: false);

    internal void OnSocketOpened(WskSocket socket)
    {
        lock (_gate) _sockets.Add(socket);
    }

    internal void OnSocketClosed(WskSocket socket)
    {
        lock (_gate) _sockets.Remove(socket);
    }

    internal void OnCallEntered(WskSocket socket, string call)
    {
        lock (_gate)
        {
            if (!_inCall.TryGetValue(socket, out var calls)) _inCall[socket] = calls = new();
            calls.Add((Environment.CurrentManagedThreadId, call));
        }
    }

    internal void OnCallExited(WskSocket socket)
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
    internal void OnClosing(WskSocket socket)
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
            Report(VerifierRule.CloseOverlapsCall, NameOf(socket, "socket"), $"WskCloseSocket while {other} is still running on another thread", bugCheck: false);
    }

    internal void OnSdReleased(SecurityDescriptorHandle handle)
    {
        string? user = null;
        lock (_gate)
        {
            foreach (var (irp, use) in _pending)
                if (use.Sd == handle) { user = NameOf(irp, "IRP"); break; }
        }
        if (user is not null)
            Report(VerifierRule.SecurityDescriptorReleasedWhileInUse, $"SD {handle.Value}", $"released while {user} (WskSocketConnect) is pending", false);
    }

    private void Report(VerifierRule rule, string subject, string detail, bool bugCheck)
    {
        var finding = new VerifierFinding(rule, subject, detail);
        lock (_gate) _findings.Add(finding);
        if (bugCheck && ThrowOnBugCheck) throw new WskVerifierException(finding);
    }

    private string NameOf(object o, string kind)
    {
        lock (_gate)
        {
            if (_names.TryGetValue(o, out var name)) return name;
            _counters[kind] = _counters.TryGetValue(kind, out int n) ? n + 1 : 1;
            name = $"{kind} #{_counters[kind]}";
            _names.Add(o, name);
            return name;
        }
    }

    private sealed class GlobalHandle(WskVerifier verifier) : IDisposable
    {
        public void Dispose() => Interlocked.CompareExchange(ref s_global, null, verifier);
    }
}
