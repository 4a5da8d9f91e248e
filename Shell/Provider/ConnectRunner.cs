using Wsk.Core;

namespace Wsk.Shell;

/// <summary>
/// What a connect call does around the transport: start it, turn its connection into a socket, undo on failure.
/// </summary>
internal interface IConnectHandover
{
    /// <summary>The registration the call came through (deregistration waits for the call).</summary>
    WskRegistration Registration { get; }

    /// <summary>Starts the transport connect.</summary>
    TransportConnectResult StartTransport(ITransportConnectSink sink);

    /// <summary>The connect succeeded: the socket the IRP carries.</summary>
    WskConnectedSocket Connected(ITransportConnection connection);

    /// <summary>The connect failed or was cancelled: release what it held.</summary>
    void Failed();

    /// <summary>The IRP is about to complete with <paramref name="status"/> (and <paramref name="socket"/>).</summary>
    void Completed(NtStatus status, WskConnectedSocket? socket);
}

/// <summary>
/// Runs one <see cref="ConnectDecider"/> over an IRP: it feeds the decider what happens (the call, the transport's
/// answer, a cancel, the return) and does what the events say. Every step is decided under the runner's own gate (the
/// transport, a cancel and the returning call can race), and every effect (completing the IRP, cancelling the
/// transport) runs outside it. What is particular to a call (WskSocketConnect's holdings, a three-step socket's
/// hand-over) is its <typeparamref name="THandover"/>; a struct handover lives inside the runner, so a connect costs
/// one object here.
/// </summary>
/// <typeparam name="THandover">The call's own part: how it starts the transport and takes the result.</typeparam>
internal sealed class ConnectRunner<THandover> : ITransportConnectSink, IIrpCancelRoutine
    where THandover : IConnectHandover
{
    private readonly Irp _irp;
    private THandover _handover; // not readonly: a struct handover changes in place
    private ConnectState _state = ConnectDecider.Initial;
    private ITransportCancel? _pending;
    private SpinGate _gate;

    public ConnectRunner(Irp irp, THandover handover)
    {
        _irp = irp;
        _handover = handover;
    }

    /// <summary>A connect whose admission passed: starts the transport and takes its answer, now or later.</summary>
    public NtStatus Start()
    {
        Step(ConnectCommand.Submit(NtStatus.Success));
        _handover.Registration.CallPending(); // deregistration waits for this IRP (rule DeregisterWaitsForReleases)
        var result = _handover.StartTransport(this);
        if (!result.Status.IsPending)
        {
            Answer(result.Status, result.Connection, inline: true);
        }
        else if (result.Pending is { } pending)
        {
            _gate.Enter();
            _pending = pending;
            _gate.Exit();
            _irp.SetCancelRoutine(this); // runs at once if the caller cancelled already
        }
        return Step(ConnectCommand.Return).Status;
    }

    public void OnConnectCompleted(NtStatus status, ITransportConnection? connection) =>
        Answer(status, connection, inline: false);

    public void OnCancel(Irp irp)
    {
        _gate.Enter();
        var e = ConnectDecider.Decide(ConnectCommand.Cancel, _state);
        _state = ConnectDecider.Evolve(_state, e);
        var pending = e.Kind == ConnectEventKind.CancelRequested ? _pending : null;
        _gate.Exit();
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
        _handover.Registration.CallCompleted();
        try
        {
            _handover.Completed(e.Status, socket); // measurements, and the span's end: listeners' code
        }
        finally
        {
            _irp.IoCompleteRequest(e.Status, socket); // even when a listener throws, the IRP completes
        }
    }

    private ConnectEvent Step(ConnectCommand command)
    {
        _gate.Enter();
        var e = ConnectDecider.Decide(command, _state);
        _state = ConnectDecider.Evolve(_state, e);
        _gate.Exit();
        return e;
    }
}

/// <summary>A connect refused before the transport, run through the same decider with nothing to hold.</summary>
internal static class ConnectRejection
{
    /// <summary>The IRP completes with <paramref name="status"/>; the call returns what the decider says.</summary>
    public static NtStatus Reject(Irp irp, NtStatus status)
    {
        var state = ConnectDecider.Initial;
        var rejected = ConnectDecider.Decide(ConnectCommand.Submit(status), state);
        state = ConnectDecider.Evolve(state, rejected);
        irp.IoCompleteRequest(rejected.Status);
        return ConnectDecider.Decide(ConnectCommand.Return, state).Status;
    }
}
