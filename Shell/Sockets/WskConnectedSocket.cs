using System;
using Wsk.Core;

namespace Wsk.Shell;

/// <summary>
/// WSK_SOCKET with its WSK_PROVIDER_CONNECTION_DISPATCH: a connected socket returned through
/// <c>IoStatus.Information</c>. The provider allocated it and frees it at <see cref="WskCloseSocket"/>.
/// </summary>
/// <remarks>
/// The rules of each call are <see cref="SocketDecider"/>'s and <see cref="EventCallbackDecider"/>'s; this class keeps
/// the socket's operations, runs the one reader of the incoming stream and invokes the client's callbacks. Event
/// callbacks start disabled unless the client made them static. Every call goes through the call gate
/// (CallingRule.SocketClosed after close, CallingRule.IrpInUse, CallingRule.IrpMissing).
/// </remarks>
public sealed partial class WskConnectedSocket
{
    private readonly object _gate = new();
    private readonly WskRegistration _registration;
    private readonly ITransportConnection _connection;
    private readonly ConnectionDispatch? _clientDispatch;
    private ConnectionDispatch? _dispatch; // where callbacks go: the client's dispatch, or an attached observer's
    private SocketState _state = SocketDecider.Initial;
    private EventState _events;
    private SocketIo? _closing;
    private bool _closeAbortive;

    internal WskConnectedSocket(WskRegistration registration, ITransportConnection connection, ValidConnect connect,
        uint staticEvents = 0)
    {
        _registration = registration;
        _connection = connection;
        Family = connect.Family;
        SocketContext = connect.Request.SocketContext;
        _clientDispatch = _dispatch = connect.Request.Dispatch;
        _events = EventCallbackDecider.Initial(Available(_dispatch), staticEvents);
    }

    /// <summary>The socket's address family (that of the LocalAddress it was created with).</summary>
    public ushort Family { get; }

    /// <summary>The SocketContext given to WskSocketConnect; event callbacks receive it.</summary>
    public object? SocketContext { get; }

    /// <summary>The client connection dispatch given to WskSocketConnect, or null.</summary>
    public ConnectionDispatch? Dispatch => _clientDispatch;

    /// <summary>The events whose callbacks are enabled now (WSK_EVENT_* bits).</summary>
    public uint EnabledEvents
    {
        get { lock (_gate) return _events.Enabled; }
    }

    /// <summary>True once <see cref="WskCloseSocket"/> was called.</summary>
    public bool IsClosed
    {
        get { lock (_gate) return _state.Closed; }
    }

    /// <summary>
    /// WskGetLocalAddress: completes <paramref name="irp"/> with the bound address (a <see cref="SockAddr"/> in
    /// <c>IoStatus.Information</c>), or STATUS_INVALID_DEVICE_STATE when the socket is no longer bound. No IRP returns
    /// STATUS_INVALID_PARAMETER, completing nothing.
    /// </summary>
    /// <exception cref="WskContractViolationException">A closed socket, or an IRP still in use.</exception>
    public NtStatus WskGetLocalAddress(Irp? irp) => CompleteAddressQuery(irp, local: true);

    /// <summary>
    /// WskGetRemoteAddress: completes <paramref name="irp"/> with the connected peer's address. Same contract as
    /// <see cref="WskGetLocalAddress"/>.
    /// </summary>
    /// <exception cref="WskContractViolationException">A closed socket, or an IRP still in use.</exception>
    public NtStatus WskGetRemoteAddress(Irp? irp) => CompleteAddressQuery(irp, local: false);

    /// <summary>The bound local address, read now (the IRP-free form of <see cref="WskGetLocalAddress"/>).</summary>
    public SockAddr? LocalAddress
    {
        get
        {
            EnsureOpen(nameof(LocalAddress));
            return _connection.GetLocalAddress(out var address).IsSuccess ? address : null;
        }
    }

    /// <summary>The bound local address without the call gate (the connect span's tag), or null.</summary>
    internal bool TryGetLocalAddress(out SockAddr? address) => _connection.GetLocalAddress(out address).IsSuccess;

    /// <summary>Where this socket's measurements go: its provider's instruments.</summary>
    internal WskMetrics Metrics => _registration.Provider.Metrics;

    /// <summary>The provider's clock (bounded waits of the socket's .NET forms run on it).</summary>
    internal TimeProvider Time => _registration.Provider.Time;

    /// <summary>The connected peer's address, read now.</summary>
    public SockAddr? RemoteAddress
    {
        get
        {
            EnsureOpen(nameof(RemoteAddress));
            return _connection.GetRemoteAddress(out var address).IsSuccess ? address : null;
        }
    }

    /// <summary>
    /// Which connection this is: <c>WskConnectedSocket 127.0.0.1:40112 -> 127.0.0.1:7 (IPv4, open)</c>. A closed socket
    /// has released its connection, so only its family is left to tell: <c>WskConnectedSocket (IPv6, closed)</c>.
    /// Reads the addresses from the transport; never throws, not even after close.
    /// </summary>
    public override string ToString()
    {
        string family = Family == AddressFamilies.Inet6 ? "IPv6" : "IPv4";
        if (IsClosed) return $"{nameof(WskConnectedSocket)} ({family}, closed)";
        string local = _connection.GetLocalAddress(out var l).IsSuccess && l is not null ? l.ToString() : "?";
        string remote = _connection.GetRemoteAddress(out var r).IsSuccess && r is not null ? r.ToString() : "?";
        return $"{nameof(WskConnectedSocket)} {local} -> {remote} ({family}, open)";
    }

    /// <summary>
    /// The call gate for send, receive, disconnect and close: checks the calling contract against the socket's state
    /// under its lock (throws for a bug-check breach before anything is submitted), decides the command, submits the
    /// IRP and folds the decision into the state. The caller completes a refused command's IRP with its status. A
    /// missing IRP is refused by the gate: then <paramref name="decided"/> is Refused with STATUS_INVALID_PARAMETER and
    /// the result is null (nothing was submitted, so <see cref="Refuse"/> completes nothing). With
    /// <paramref name="ifOpen"/>, a closed socket gets no check at all: the result is null and the event None.
    /// </summary>
    private Irp Begin(Irp? irp, SocketCommand command, out SocketEvent decided, bool ifOpen = false)
    {
        string call = CallName(command.Kind);
        lock (_gate)
        {
            if (ifOpen && _state.Closed)
            {
                decided = default; // nothing to do, nothing checked: a dispose after close is no call
                return null!;
            }
            if (CallGate.EnterSocketCall(_registration, call, this, !_state.Closed, irp, irpRequired: true,
                submit: false) is { } refused)
            {
                decided = SocketEvent.Refused(refused);
                return null!;
            }
            decided = SocketDecider.Decide(command, _state);
            if (decided.Kind == SocketEventKind.Violation)
                CallGate.Refuse(_registration, decided.Rule, call, Irql.PassiveLevel, irp, this, null);
            CallGate.Submit(_registration, call, irp!, this);
            _state = SocketDecider.Evolve(_state, decided);
        }
        return irp!;
    }

    private static string CallName(SocketCommandKind kind) => kind switch
    {
        SocketCommandKind.Send => nameof(WskSend),
        SocketCommandKind.Receive => nameof(WskReceive),
        SocketCommandKind.Disconnect => nameof(WskDisconnect),
        SocketCommandKind.Close => nameof(WskCloseSocket),
        _ => kind.ToString(),
    };

    private NtStatus CompleteAddressQuery(Irp? irp, bool local)
    {
        string call = local ? nameof(WskGetLocalAddress) : nameof(WskGetRemoteAddress);
        if (CallGate.EnterSocketCall(_registration, call, this, !IsClosed, irp, irpRequired: true) is { } refused)
            return refused;
        var status = local ? _connection.GetLocalAddress(out var address) : _connection.GetRemoteAddress(out address);
        irp!.IoCompleteRequest(status, status.IsSuccess ? address : null);
        return status;
    }

    /// <summary>
    /// Marks a socket call in progress for the verifier, so that a close from another thread meanwhile is caught
    /// (CloseOverlapsCall). A struct holding null when no verifier is attached: nothing is allocated then.
    /// </summary>
    private readonly struct VerifiedCall : IDisposable
    {
        private readonly WskVerifier? _verifier;
        private readonly WskConnectedSocket? _socket;

        private VerifiedCall(WskVerifier verifier, WskConnectedSocket socket)
        {
            _verifier = verifier;
            _socket = socket;
        }

        public static VerifiedCall Enter(WskConnectedSocket socket, string call)
        {
            if (socket._registration.Verifier is not { } verifier) return default;
            verifier.OnCallEntered(socket, call);
            return new VerifiedCall(verifier, socket);
        }

        public void Dispose() => _verifier?.OnCallExited(_socket!);
    }

    /// <summary>The gate for the IRP-free members (the address properties): a closed socket is a bug check.</summary>
    private void EnsureOpen(string call) => CallGate.EnterSocketCall(_registration, call, this, !IsClosed, null,
        irpRequired: false);

    private static uint Available(ConnectionDispatch? dispatch) =>
        dispatch is null ? 0
        : (dispatch.ReceiveEvent is null ? 0 : WskEvents.Receive)
          | (dispatch.DisconnectEvent is null ? 0 : WskEvents.Disconnect)
          | (dispatch.SendBacklogEvent is null ? 0 : WskEvents.SendBacklog);
}
