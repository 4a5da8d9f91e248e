using System.Collections.Generic;
using LanguageExt;
using Wsk.Core;

namespace Wsk.Shell;

/// <summary>What a connect does around the transport: start it, turn its connection into a socket, undo on failure.</summary>
internal interface IConnectHandover
{
    /// <summary>Starts the transport connect.</summary>
    TransportConnectResult StartTransport(ITransportConnectSink sink);

    /// <summary>The connect succeeded: the socket the IRP carries.</summary>
    WskConnectedSocket Connected(ITransportConnection connection);

    /// <summary>The connect failed or was cancelled: release what it held.</summary>
    void Failed();
}

/// <summary>
/// Interprets one <see cref="ConnectDecider"/> run: it feeds the decider what happens and does what the events say.
/// Every step is decided under the operation's lock (the transport, a cancel and the returning call can race), and
/// every effect (completing the IRP, cancelling the transport) runs outside it. The same run serves WskSocketConnect
/// (validation, the sharing check, then the transport's one-shot connect) and WskConnect on a bound three-step socket
/// (its own <see cref="IConnectHandover"/>).
/// </summary>
internal sealed class ConnectOperation : ITransportConnectSink, IIrpCancelRoutine, IConnectHandover
{
    private readonly WskRegistration _registration;
    private readonly Irp _irp;
    private ConnectState _state = ConnectDecider.Initial;
    private ValidConnect? _connect;
    private ITransportCancel? _pending;
    private IConnectHandover _handover;
    // WskSocketConnect's own holdings (an SD it pins until the IRP completes, an address it reserved), created only by a
    // connect that has any: the usual wildcard, port-0, no-SD connect allocates nothing for them.
    private Holdings? _holdings;

    private sealed class Holdings
    {
        public SecurityDescriptorHandle? PinnedSd;
        public SecurityDescriptor? Descriptor;
        public AddressTable.Entry? Reserved;
        public volatile WskConnectedSocket? Socket;
        public volatile bool Failed;

        // Lock-free: the address table asks while it holds its own lock.
        public bool Holds() => Socket is { } socket ? !socket.IsClosed : !Failed;
    }

    public ConnectOperation(WskRegistration registration, Irp irp)
    {
        _registration = registration;
        _irp = irp;
        _handover = this;
    }

    /// <summary>WskSocketConnect.</summary>
    public NtStatus Run(ConnectRequest request)
    {
        var validation = ConnectValidation.ValidateAddresses(
            request, _registration.IsCachedSd(request.Client, request.SecurityDescriptor));
        if (validation.IsFail)
        {
            var violations = validation.FailToSeq().ToArray();
            _irp.SetParameterViolations(violations);
            return Reject(ConnectRules.Table.StatusFor(violations));
        }
        var (local, remote) = validation.Match(static v => v, static _ => default);
        _connect = new ValidConnect(local.Family, local, remote, request);
        var refused = Reserve(_connect);
        return refused == NtStatus.Success ? Start(this) : Reject(refused);
    }

    /// <summary>A connect whose admission passed; <paramref name="handover"/> starts the transport and takes the result.</summary>
    public NtStatus Start(IConnectHandover handover)
    {
        _handover = handover;
        Step(ConnectCommand.Submit(NtStatus.Success));
        _registration.CallPending(); // deregistration waits for this IRP (wsk-contract §7)
        var result = handover.StartTransport(this);
        if (!result.Status.IsPending)
        {
            Answer(result.Status, result.Connection, inline: true);
        }
        else if (result.Pending is { } pending)
        {
            lock (this) _pending = pending;
            _irp.SetCancelRoutine(this); // runs at once if the caller cancelled already
        }
        return Step(ConnectCommand.Return).Status;
    }

    /// <summary>A connect refused before the transport: the IRP completes with <paramref name="status"/>.</summary>
    public NtStatus Reject(NtStatus status)
    {
        var rejected = Step(ConnectCommand.Submit(status));
        _irp.IoCompleteRequest(rejected.Status);
        return Step(ConnectCommand.Return).Status;
    }

    public void OnConnectCompleted(NtStatus status, ITransportConnection? connection) => Answer(status, connection, inline: false);

    public void OnCancel(Irp irp)
    {
        ITransportCancel? pending;
        lock (this)
        {
            var e = ConnectDecider.Decide(ConnectCommand.Cancel, _state);
            _state = ConnectDecider.Evolve(_state, e);
            pending = e.Kind == ConnectEventKind.CancelRequested ? _pending : null;
        }
        pending?.Cancel();
    }

    private void Answer(NtStatus status, ITransportConnection? connection, bool inline)
    {
        var e = Step(ConnectCommand.TransportCompleted(status, connection is not null, inline));
        if (e.Kind != ConnectEventKind.Completed)
        {
            // A second answer from the transport: never delivered, recorded, and its socket released.
            connection?.Close(abortive: true);
            _irp.RecordViolation(e.Rule, status, "transport answered a connect that was already completed");
            return;
        }
        if (e.Rule != CallingRule.None) _irp.RecordViolation(e.Rule, status, "transport answer repaired");
        WskConnectedSocket? socket = null;
        if (e.HasSocket)
        {
            socket = _handover.Connected(connection!);
        }
        else
        {
            connection?.Close(abortive: true);
            _handover.Failed();
        }
        // The call counts as finished before its completion routine runs: that routine may go on to deregister.
        _registration.CallCompleted();
        _irp.IoCompleteRequest(e.Status, socket);
    }

    private ConnectEvent Step(ConnectCommand command)
    {
        lock (this)
        {
            var e = ConnectDecider.Decide(command, _state);
            _state = ConnectDecider.Evolve(_state, e);
            return e;
        }
    }

    // ------------------------------------------------------------------ WskSocketConnect's handover

    /// <summary>
    /// Pins the SD for the life of the IRP and judges the bind against the address table before the transport binds
    /// (wsk-contract §9). The wildcard with port 0 is not bound before connect and takes a port nobody holds: nothing to
    /// judge, nothing entered. A specific address with port 0 is entered once the OS has chosen the port.
    /// </summary>
    private NtStatus Reserve(ValidConnect connect)
    {
        var request = connect.Request;
        if (request.SecurityDescriptor is null && connect.BindsAnywhere) return NtStatus.Success; // nothing to pin or judge
        var holdings = _holdings = new Holdings();
        if (request.SecurityDescriptor is { } handle)
        {
            holdings.Descriptor = _registration.PinSd(request.Client, handle);
            if (holdings.Descriptor is null) return ConnectRules.Table.StatusOf(ConnectRule.SecurityDescriptorNotCached); // released meanwhile
            holdings.PinnedSd = handle;
        }
        if (connect.BindsAnywhere || AddressSharing.PortOf(connect.LocalAddress) == 0) return NtStatus.Success;
        var attempt = new BindAttempt(connect.LocalAddress, ShareOption.None,
            new SecurityContext(request.OwningProcess ?? WskRegistration.CallingProcess, request.OwningThread));
        var status = _registration.Transport.Addresses.Bind(attempt, holdings.Descriptor, holdings.Holds, ReserveOnly, out holdings.Reserved);
        if (status != NtStatus.Success) Unpin();
        return status;
    }

    private NtStatus ReserveOnly(out SockAddr? bound)
    {
        bound = _connect!.LocalAddress; // the transport binds it inside its connect
        return NtStatus.Success;
    }

    TransportConnectResult IConnectHandover.StartTransport(ITransportConnectSink sink) => _registration.Transport.Connect(_connect!, sink);

    WskConnectedSocket IConnectHandover.Connected(ITransportConnection connection)
    {
        uint staticEvents = _registration.TryGetClient(_connect!.Request.Client, out var client) ? client.StaticEventMask : 0;
        var socket = new WskConnectedSocket(_registration, connection, _connect, staticEvents);
        _registration.SocketOpened();
        _registration.Verifier?.OnSocketOpened(socket);
        if (_holdings is { } holdings)
        {
            holdings.Socket = socket;
            if (holdings.Reserved is null && !_connect.BindsAnywhere && connection.GetLocalAddress(out var bound).IsSuccess && bound is not null)
                _registration.Transport.Addresses.Enter(new Binding(bound, ShareOption.None, holdings.Descriptor), holdings.Holds);
            Unpin();
        }
        return socket;
    }

    void IConnectHandover.Failed()
    {
        if (_holdings is not { } holdings) return;
        holdings.Failed = true;
        if (holdings.Reserved is { } entry) _registration.Transport.Addresses.Withdraw(entry);
        Unpin();
    }

    private void Unpin()
    {
        if (_holdings?.PinnedSd is { } handle) _registration.UnpinSd(handle);
        if (_holdings is not null) _holdings.PinnedSd = null;
    }
}
