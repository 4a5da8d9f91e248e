using System;
using System.Collections.Generic;
using System.IO;
using Wsk.Core;

namespace Wsk.Shell.Simulation;

/// <summary>
/// Our end of a simulated TCP connection. It follows <see cref="ITransportConnection"/>'s documented semantics: a send
/// completes once every byte is in the peer's receive window (so a slow reader holds it back, pending, at the window);
/// a receive completes with at least one byte, 0 bytes at the peer's FIN, STATUS_CONNECTION_RESET after its reset; a
/// peek answers 1 or 0 without consuming. Every answer is given once: inline, or later through the sink, never under
/// the lock.
/// </summary>
internal sealed partial class SimulatedConnection : ITransportConnection
{
    private readonly object _gate = new();
    private readonly SimulatedNetwork _network;
    private readonly long _id;
    private readonly FaultScript _script;
    private readonly Queue<byte> _toPeer = new();   // in the peer's receive window, not read yet
    private readonly Queue<byte> _toUs = new();     // written by the peer, not received by us yet
    private readonly LinkedList<SendOp> _sends = new();
    private readonly LinkedList<ReceiveOp> _receives = new();
    private readonly MemoryStream _peerRead = new();
    private long _peerReceivedTotal;
    private bool _ourFin, _peerFin, _reset, _aborted, _closed, _peerSawReset;

    public SimulatedConnection(SimulatedNetwork network, long id, SockAddr local, SockAddr remote, FaultScript script)
    {
        _network = network;
        _id = id;
        _script = script;
        Local = local;
        Remote = remote;
        Peer = new SimulatedPeer(this);
    }

    public SockAddr Local { get; }
    public SockAddr Remote { get; }
    public SimulatedPeer Peer { get; }

    public long IdealSendBacklog
    {
        get { lock (_gate) return _closed ? 0 : _script.ReceiveWindow; }
    }

    public NtStatus GetLocalAddress(out SockAddr? address) => Address(Local, out address);

    public NtStatus GetRemoteAddress(out SockAddr? address) => Address(Remote, out address);

    public TransportIoResult Send(ReadOnlyMemory<byte> data, ITransportIoSink sink)
    {
        var answers = new Answers();
        TransportIoResult result;
        lock (_gate)
        {
            if (Refusal() is { } refused) return TransportIoResult.Done(refused);
            if (_ourFin) return TransportIoResult.Done(NtStatus.InvalidConnection);
            var op = new SendOp(this, data, sink);
            _sends.AddLast(op);
            Flow(answers);
            // Answered before anyone waited (everything fitted into the window, or a reset failed it): the answer is
            // inline.
            result = answers.TakeInline(op) ?? TransportIoResult.Later(op);
        }
        answers.Deliver();
        return result;
    }

    public TransportIoResult Receive(Memory<byte> buffer, TransportReceiveMode mode, ITransportIoSink sink)
    {
        lock (_gate)
        {
            if (_closed) return TransportIoResult.Done(NtStatus.InvalidConnection);
            if (_aborted) return TransportIoResult.Done(NtStatus.ConnectionAborted);
            if (_receives.Count == 0 && TryServe(buffer, mode, out var status, out int bytes))
                return TransportIoResult.Done(status, bytes);
            var op = new ReceiveOp(this, buffer, mode, sink);
            _receives.AddLast(op);
            return TransportIoResult.Later(op);
        }
    }

    public NtStatus Shutdown()
    {
        lock (_gate)
        {
            if (Refusal() is { } refused) return refused;
            _ourFin = true;
        }
        _network.Record($"conn #{_id} FIN sent");
        return NtStatus.Success;
    }

    public NtStatus Abort()
    {
        var answers = new Answers();
        lock (_gate)
        {
            if (_closed) return NtStatus.InvalidConnection;
            _aborted = true;
            _peerSawReset = true;
            FailAll(NtStatus.ConnectionAborted, answers);
        }
        _network.Record($"conn #{_id} aborted (peer sees a reset)");
        answers.Deliver();
        return NtStatus.Success;
    }

    public void Close(bool abortive)
    {
        var answers = new Answers();
        lock (_gate)
        {
            if (_closed) return;
            _closed = true;
            // CloseIsAbortiveUnlessDisconnected: released gracefully only when both directions had ended; else a reset.
            if (abortive || !(_ourFin && _peerFin)) _peerSawReset = true;
            FailAll(NtStatus.Cancelled, answers);
        }
        _network.Record($"conn #{_id} closed {(abortive ? "abortively" : "gracefully")}");
        _network.Closed(this);
        answers.Deliver();
    }

    private NtStatus Address(SockAddr value, out SockAddr? address)
    {
        lock (_gate)
        {
            address = _closed ? null : value;
            return _closed ? NtStatus.InvalidDeviceState : NtStatus.Success;
        }
    }
}
