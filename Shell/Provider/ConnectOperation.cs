using System.Collections.Generic;
using LanguageExt;
using Wsk.Core;

namespace Wsk.Shell;

/// <summary>
/// Interprets one <see cref="ConnectDecider"/> run: it feeds the decider what happens and does what the events say.
/// Every step is decided under the operation's lock (the transport, a cancel and the returning call can race), and
/// every effect (completing the IRP, cancelling the transport) runs outside it.
/// </summary>
internal sealed class ConnectOperation : ITransportConnectSink, IIrpCancelRoutine
{
    private readonly WskRegistration _registration;
    private readonly Irp _irp;
    private ConnectState _state = ConnectDecider.Initial;
    private ValidConnect? _connect;
    private ITransportCancel? _pending;

    public ConnectOperation(WskRegistration registration, Irp irp)
    {
        _registration = registration;
        _irp = irp;
    }

    public NtStatus Run(ConnectRequest request)
    {
        var validation = ConnectValidation.ValidateAddresses(request, _registration.SdLookup);
        if (validation.IsFail)
        {
            var violations = validation.FailToSeq().ToArray();
            var rejected = Step(ConnectCommand.Submit(ConnectRules.StatusFor(violations)));
            _irp.SetParameterViolations(violations);
            _irp.IoCompleteRequest(rejected.Status);
            return Step(ConnectCommand.Return).Status;
        }

        var (local, remote) = validation.Match(static v => v, static _ => default);
        _connect = new ValidConnect(local.Family, local, remote, request);
        Step(ConnectCommand.Submit(NtStatus.Success));
        var result = _registration.Transport.Connect(_connect, this);
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
        WskSocket? socket = null;
        if (e.HasSocket)
        {
            uint staticEvents = _registration.TryGetClient(_connect!.Request.Client, out var client) ? client.StaticEventMask : 0;
            socket = new WskSocket(_registration, connection!, _connect, staticEvents);
            _registration.SocketOpened();
            _registration.Verifier?.OnSocketOpened(socket);
        }
        else
        {
            connection?.Close(abortive: true);
        }
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
}
