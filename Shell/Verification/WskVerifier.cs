using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Threading;
using Wsk.Core;

namespace Wsk.Shell;

/// <summary>
/// An opt-in Driver Verifier for WSK clients: attach it to a registration (or globally, for a test) and it watches
/// every IRP, socket, capture and cached security descriptor going through the provider, and records each misuse by the
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
public sealed partial class WskVerifier
{
    private static WskVerifier? s_global;
    private const string NeverClosed = "never closed with " + nameof(WskConnectedSocket.WskCloseSocket);
    private readonly object _gate = new();
    private readonly List<VerifierFinding> _findings = new();
    private readonly ConditionalWeakTable<object, string> _names = new();
    private readonly Dictionary<object, string> _valueNames = new(); // client ids and SD handles are values
    private readonly Dictionary<Irp, (string Call, SecurityDescriptorHandle? Sd)> _pending =
        new(ReferenceEqualityComparer.Instance);
    // WskConnectedSocket and WskUnconnectedSocket.
    private readonly HashSet<object> _sockets = new(ReferenceEqualityComparer.Instance);
    private readonly HashSet<WskAddressInfo> _addressInfos = new(ReferenceEqualityComparer.Instance);
    private readonly HashSet<WskClient> _clients = new(ReferenceEqualityComparer.Instance);
    private readonly HashSet<WskRegistration> _registrations = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<string, int> _counters = new();
    private readonly Dictionary<WskConnectedSocket, List<(int Thread, string Call)>> _inCall =
        new(ReferenceEqualityComparer.Instance);

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

    /// <summary>
    /// Watches every registration that has no verifier of its own until the returned handle is disposed.
    /// </summary>
    public IDisposable AttachGlobally()
    {
        if (Interlocked.CompareExchange(ref s_global, this, null) is { } other && other != this)
            throw new InvalidOperationException("another verifier is attached globally");
        return new GlobalHandle(this);
    }

    /// <summary>
    /// The end-of-test check: every finding so far plus, for every watched object still open, a leak finding (sockets
    /// not closed, captures not released, registrations not deregistered, IRPs never completed).
    /// </summary>
    public IReadOnlyList<VerifierFinding> Verify()
    {
        lock (_gate)
        {
            var all = new List<VerifierFinding>(_findings);
            foreach (var s in _sockets)
                all.Add(new(VerifierRule.SocketLeaked, Name(s), NeverClosed));
            foreach (var c in _clients)
                all.Add(new(VerifierRule.CaptureNotReleased, Name(c.Id),
                    $"{nameof(WskRegistration.WskCaptureProviderNpi)} without "
                    + nameof(WskRegistration.WskReleaseProviderNpi)));
            foreach (var r in _registrations)
                all.Add(new(VerifierRule.RegistrationNotDeregistered, Name(r),
                    $"{nameof(WskRegistration.WskRegister)} without {nameof(WskRegistration.WskDeregister)}"));
            foreach (var list in _addressInfos)
                all.Add(new(VerifierRule.AddressInfoNotFreed, Name(list),
                    $"{nameof(WskProviderDispatch.WskGetAddressInfo)} without "
                    + nameof(WskProviderDispatch.WskFreeAddressInfo)));
            foreach (var (irp, use) in _pending)
                all.Add(new(VerifierRule.IrpNeverCompleted, Name(irp), $"{use.Call} never completed it"));
            return all;
        }
    }

    /// <summary>The name the verifier gives <paramref name="irp"/> in its findings ("IRP #n").</summary>
    public string NameOf(Irp irp) => Name(irp);

    /// <summary>The name the verifier gives <paramref name="socket"/> in its findings ("socket #n").</summary>
    public string NameOf(WskConnectedSocket socket) => Name(socket);

    /// <summary>
    /// The name the verifier gives a three-step socket ("socket #n"); the connected socket a successful WskConnect
    /// hands over keeps that name.
    /// </summary>
    public string NameOf(WskUnconnectedSocket socket) => Name(socket);

    /// <summary>
    /// The name the verifier gives <paramref name="client"/> ("client #n"), the same as its
    /// <see cref="WskClient.Id"/>'s.
    /// </summary>
    public string NameOf(WskClient client) => Name(client.Id);

    /// <summary>
    /// The name the verifier gives the client <paramref name="id"/> designates, live, released or unknown ("client
    /// #n").
    /// </summary>
    public string NameOf(ClientId id) => Name(id);

    /// <summary>The name the verifier gives a WskGetAddressInfo list ("address info #n").</summary>
    public string NameOf(WskAddressInfo list) => Name(list);

    /// <summary>The name the verifier gives <paramref name="registration"/> ("registration #n").</summary>
    public string NameOf(WskRegistration registration) => Name(registration);

    /// <summary>
    /// The name the verifier gives the cached security descriptor <paramref name="handle"/> ("SD #n").
    /// </summary>
    public string NameOf(SecurityDescriptorHandle handle) => Name(handle);

    private void Report(VerifierRule rule, string subject, string detail, bool bugCheck)
    {
        var finding = new VerifierFinding(rule, subject, detail);
        lock (_gate) _findings.Add(finding);
        if (bugCheck && ThrowOnBugCheck) throw new WskVerifierException(finding);
    }

    /// <summary>
    /// The one naming scheme: "&lt;kind&gt; #n", numbered per kind in the order the verifier first names an object of
    /// it. Objects are named by identity, client ids and SD handles by value.
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
            WskAddressInfo => "address info",
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
