using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Threading;
using LanguageExt;
using Wsk.Core;

namespace Wsk.Shell;

/// <summary>
/// A connection socket made by WskSocket, before it is connected: the three-step path. Options are set
/// with <see cref="WskControlSocket"/> before WskBind; WskConnect needs a bound socket. When
/// WskConnect succeeds its IRP carries the connected <see cref="WskConnectedSocket"/> (the same type WskSocketConnect
/// returns), which is this socket from then on: close either one, not both.
/// </summary>
public sealed partial class WskUnconnectedSocket
{
    private readonly object _gate = new();
    private readonly WskRegistration _registration;
    private readonly WskClient _client;
    private readonly ITransportSocket _transport;
    private readonly SocketRequest _request;
    private readonly SecurityContext _context;
    private SocketPhase _phase = SocketPhase.Created;
    private SocketOptions _options;
    private SockAddr? _bound;
    private SockAddr? _remote;
    private Irp? _connectIrp;
    private Irp? _pendingClose;
    private volatile WskConnectedSocket? _connected;
    private volatile bool _released;
    private int _closed;

    internal WskUnconnectedSocket(WskRegistration registration, WskClient client, ITransportSocket transport,
        SocketRequest request, SecurityDescriptor? descriptor)
    {
        _registration = registration;
        _client = client;
        _transport = transport;
        _request = request;
        _options = SocketOptions.Default with { Descriptor = descriptor };
        _context = new SecurityContext(request.OwningProcess ?? WskRegistration.CallingProcess, request.OwningThread);
    }

    /// <summary>The socket's family.</summary>
    public ushort Family => _request.AddressFamily;

    /// <summary>The SocketContext given to WskSocket.</summary>
    public object? SocketContext => _request.SocketContext;

    /// <summary>Where the socket is in its life.</summary>
    public SocketPhase Phase
    {
        get { lock (_gate) return _phase; }
    }

    /// <summary>The options as the model holds them.</summary>
    public SocketOptions Options
    {
        get { lock (_gate) return _options; }
    }

    /// <summary>The bound address (the port the OS chose when 0 was asked), or null before WskBind.</summary>
    public SockAddr? LocalAddress
    {
        get { lock (_gate) return _bound; }
    }

    /// <summary>The connected socket once WskConnect succeeded.</summary>
    public WskConnectedSocket? ConnectedSocket => _connected;

    /// <summary>True once WskCloseSocket was called on this socket (or on its connected socket).</summary>
    public bool IsClosed => Volatile.Read(ref _closed) != 0 || _connected is { IsClosed: true };

    /// <summary>
    /// PFN_WSK_CONTROL_SOCKET for the options of the three-step path: SO_REUSEADDR, SO_EXCLUSIVEADDRUSE, SO_KEEPALIVE
    /// (ULONG), SO_WSK_SECURITY (a pointer-sized SD handle; a get caches a copy the client must release), IPV6_V6ONLY.
    /// Each needs an IRP: without one the call gate answers STATUS_INVALID_PARAMETER (CallingRule.IrpMissing, a
    /// returned status, nothing completed); the IRP completes inside the call with the returned status.
    /// </summary>
    /// <exception cref="WskContractViolationException">Above DISPATCH_LEVEL, an IRP in use, or a closed
    /// socket.</exception>
    public NtStatus WskControlSocket(WskControlSocketType requestType, uint controlCode, uint level, long inputSize,
        byte[]? inputBuffer, long outputSize, byte[]? outputBuffer, out long outputSizeReturned, Irp? irp,
        Irql irql = Irql.PassiveLevel)
    {
        outputSizeReturned = 0;
        if (Enter(nameof(WskControlSocket), irp, irpRequired: true, irql) is { } refused) return refused;
        NtStatus status;
        OptionDecision decision;
        lock (_gate)
        {
            var call = new OptionCall(requestType, controlCode, level, inputSize, inputBuffer, outputSize,
                outputBuffer?.Length ?? -1,
                irp is not null, Family, _phase);
            decision = _phase is SocketPhase.Created or SocketPhase.Bound
                ? SocketOptionRules.Decide(call, _options, h => _registration.ResolveSd(_client.Id, h))
                // Connected: the WskConnectedSocket's business.
                : new OptionDecision(NtStatus.InvalidDeviceState, _options, OptionAction.None);
            status = decision.Status;
            if (decision.Action == OptionAction.Set)
            {
                // Bind-shaping options reach the OS at WskBind; SO_KEEPALIVE on a bound socket goes at once.
                if (_phase == SocketPhase.Bound) status = _transport.Apply(decision.Options);
                if (status == NtStatus.Success) _options = decision.Options;
            }
        }
        if (decision.Action == OptionAction.WriteValue)
            BinaryPrimitives.WriteUInt32LittleEndian(outputBuffer, decision.Value);
        else if (decision.Action == OptionAction.WriteDescriptorCopy)
            BinaryPrimitives.WriteInt64LittleEndian(outputBuffer,
                decision.Options.Descriptor is { } sd ? _registration.CacheSd(_client.Id, sd).Value : 0);
        if (status == NtStatus.Success) outputSizeReturned = decision.OutputSize;
        irp?.IoCompleteRequest(status, outputSizeReturned != 0 ? outputSizeReturned : null);
        return status;
    }

    /// <summary>PFN_WSK_BIND with the SOCKADDR bytes the pointer designates (Windows layout).</summary>
    /// <exception cref="WskContractViolationException">Above DISPATCH_LEVEL, an IRP in use, or a closed
    /// socket.</exception>
    public NtStatus WskBind(byte[]? localAddress, uint flags, Irp? irp, Irql irql = Irql.PassiveLevel) =>
        WskBind(localAddress is null ? SockAddrArgument.Null : SockAddrCodec.Decode(localAddress), flags, irp, irql);

    /// <summary>
    /// WskBind: the provider judges the address against every address its sockets hold (the sharing table) and refuses
    /// before the OS is asked; otherwise the OS binds. The IRP completes inside the call. No IRP returns
    /// STATUS_INVALID_PARAMETER, completing nothing.
    /// </summary>
    /// <exception cref="WskContractViolationException">Above DISPATCH_LEVEL, an IRP in use, or a closed
    /// socket.</exception>
    public NtStatus WskBind(SockAddrArgument localAddress, uint flags, Irp? irp, Irql irql = Irql.PassiveLevel) =>
        WskBind(localAddress, flags, irp, out _, irql);

    /// <summary>
    /// WskBind with the reasons of a rejection: <paramref name="violations"/> lists every rule a bind rejected by
    /// validation broke (the status returned is the first one's), and is empty for any other outcome.
    /// </summary>
    /// <exception cref="WskContractViolationException">Above DISPATCH_LEVEL, an IRP in use, or a closed
    /// socket.</exception>
    public NtStatus WskBind(SockAddrArgument localAddress, uint flags, Irp? irp,
        out IReadOnlyList<RuleViolation<SocketRule>> violations, Irql irql = Irql.PassiveLevel)
    {
        violations = Array.Empty<RuleViolation<SocketRule>>();
        if (Enter(nameof(WskBind), irp, irpRequired: true, irql) is { } refused) return refused;
        NtStatus status;
        lock (_gate)
        {
            status = Admit(SocketValidation.ValidateBind(Family, localAddress, flags, _phase), out var local,
                ref violations);
            if (status == NtStatus.Success)
            {
                var options = _options;
                SockAddr? held = null;
                var attempt = new BindAttempt(local, options.Share, _context,
                    Family == AddressFamilies.Inet6 && !options.V6Only);
                status = _registration.Transport.Addresses.Bind(attempt, options.Descriptor, Holds, Bind, out _);
                if (status == NtStatus.Success)
                {
                    _phase = UnconnectedSocketDecider.Evolve(_phase, SocketStep.Bound);
                    _bound = held;
                }

                // Runs under the table's lock: the OS gets the model's options, then the bind the table allowed.
                NtStatus Bind(out SockAddr? bound)
                {
                    bound = null;
                    var applied = _transport.Apply(options);
                    var result = applied == NtStatus.Success ? _transport.Bind(local, out bound) : applied;
                    held = bound;
                    return result;
                }
            }
        }
        irp!.IoCompleteRequest(status);
        return status;
    }

    /// <summary>
    /// WskCloseSocket. On a connected socket it closes the <see cref="WskConnectedSocket"/>. While a WskConnect is
    /// pending it cancels that IRP and completes the close IRP once the connect IRP has completed (returning
    /// STATUS_PENDING). Never fails. No IRP returns STATUS_INVALID_PARAMETER and leaves the socket open.
    /// </summary>
    /// <exception cref="WskContractViolationException">An IRP in use, or a second close.</exception>
    public NtStatus WskCloseSocket(Irp? irp)
    {
        if (_connected is { } connected)
        {
            var status = connected.WskCloseSocket(irp);
            if (irp is not null) Interlocked.Exchange(ref _closed, 1); // without an IRP the close was refused
            return status;
        }
        if (Enter(nameof(WskCloseSocket), irp, irpRequired: true, Irql.PassiveLevel, submit: false) is { } refused)
            return refused;
        if (Interlocked.Exchange(ref _closed, 1) != 0)
            CallGate.Refuse(_registration, CallingRule.SocketClosed, nameof(WskCloseSocket), Irql.PassiveLevel, irp,
                this, null);
        CallGate.Submit(_registration, nameof(WskCloseSocket), irp!, this);
        Irp? connecting;
        lock (_gate)
        {
            connecting = _phase == SocketPhase.Connecting ? _connectIrp : null;
            if (connecting is not null) _pendingClose = irp;
            else _phase = SocketPhase.Closed;
        }
        if (connecting is not null)
        {
            connecting.Cancel(); // the connect IRP completes (cancelled, or connected: then the new socket is closed)
            return NtStatus.Pending;
        }
        Release();
        irp!.IoCompleteRequest(NtStatus.Success);
        return NtStatus.Success;
    }

    private void Release()
    {
        _released = true;
        _transport.Close();
        _registration.SocketClosed();
        _registration.Verifier?.OnSocketClosed(this);
    }

    // Lock-free: the address table asks while it holds its own lock.
    private bool Holds() => _connected is { } socket ? !socket.IsClosed : !_released;

    /// <summary>
    /// STATUS_SUCCESS with the valid address; else the first broken rule's status, with every broken rule for the
    /// caller.
    /// </summary>
    private static NtStatus Admit(Validation<RuleViolation<SocketRule>, SockAddr> validation, out SockAddr address,
        ref IReadOnlyList<RuleViolation<SocketRule>> violations)
    {
        address = null!;
        if (validation.IsSuccess)
        {
            address = validation.Match(static a => a, static _ => null!); // Match refuses a null on the failure side
            return NtStatus.Success;
        }
        var broken = validation.FailToSeq().ToArray();
        violations = broken;
        return SocketRules.Table.StatusFor(broken);
    }

    /// <summary>
    /// The call gate: null when the call may go ahead (the IRP, if given, is then submitted unless
    /// <paramref name="submit"/> is false), else the status to return.
    /// </summary>
    /// <exception cref="WskContractViolationException">A bug-check breach.</exception>
    private NtStatus? Enter(string call, Irp? irp, bool irpRequired, Irql irql, bool submit = true) =>
        CallGate.EnterSocketCall(_registration, call, this, !IsClosed, irp, irpRequired, irql, submit);
}
