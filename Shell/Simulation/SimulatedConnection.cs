using System;
using System.Collections.Generic;
using System.IO;
using Wsk.Core;

namespace Wsk.Shell.Simulation;

/// <summary>
/// Our end of a simulated TCP connection. It follows <see cref="ITransportConnection"/>'s documented semantics: a send
/// completes once every byte is in the peer's receive window (so a slow reader holds it back, pending, at the window); a
/// receive completes with at least one byte, 0 bytes at the peer's FIN, STATUS_CONNECTION_RESET after its reset; a peek
/// answers 1 or 0 without consuming. Every answer is given once: inline, or later through the sink, never under the lock.
/// </summary>
internal sealed class SimulatedConnection : ITransportConnection
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
            // Answered before anyone waited (everything fitted into the window, or a reset failed it): the answer is inline.
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
            if (_receives.Count == 0 && TryServe(buffer, mode, out var status, out int bytes)) return TransportIoResult.Done(status, bytes);
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
            // wsk-contract §0.9: released gracefully only when both directions had ended; otherwise the peer sees a reset.
            if (abortive || !(_ourFin && _peerFin)) _peerSawReset = true;
            FailAll(NtStatus.Cancelled, answers);
        }
        _network.Record($"conn #{_id} closed {(abortive ? "abortively" : "gracefully")}");
        _network.Closed(this);
        answers.Deliver();
    }

    // ---- the peer's side, driven by the test through SimulatedPeer ----

    internal bool PeerWrite(ReadOnlySpan<byte> data)
    {
        var answers = new Answers();
        lock (_gate)
        {
            if (_closed || _aborted || _reset || _peerFin) return false;
            foreach (var b in data) _toUs.Enqueue(b);
            ServeReceives(answers);
        }
        answers.Deliver();
        return true;
    }

    internal byte[] PeerRead(int max)
    {
        var answers = new Answers();
        byte[] taken;
        lock (_gate)
        {
            taken = new byte[Math.Min(max, _toPeer.Count)];
            for (int i = 0; i < taken.Length; i++) taken[i] = _toPeer.Dequeue();
            _peerRead.Write(taken);
            Flow(answers); // the window opened: waiting sends move on
        }
        answers.Deliver();
        return taken;
    }

    internal void PeerShutdown()
    {
        var answers = new Answers();
        lock (_gate)
        {
            if (_peerFin || _reset) return;
            _peerFin = true;
            ServeReceives(answers);
        }
        _network.Record($"conn #{_id} peer FIN");
        answers.Deliver();
    }

    internal void PeerReset()
    {
        var answers = new Answers();
        lock (_gate)
        {
            if (_reset || _closed) return;
            _reset = true;
            FailAll(NtStatus.ConnectionReset, answers);
        }
        _network.Record($"conn #{_id} peer reset");
        answers.Deliver();
    }

    internal (int Buffered, long Total, bool Fin, bool Reset, byte[] Read) PeerView()
    {
        lock (_gate) return (_toPeer.Count, _peerReceivedTotal, _ourFin && _toPeer.Count == 0, _peerSawReset, _peerRead.ToArray());
    }

    internal int Window => _script.ReceiveWindow;

    // ---- internals, all under _gate ----

    private NtStatus? Refusal() =>
        _closed ? NtStatus.InvalidConnection
        : _aborted ? NtStatus.ConnectionAborted
        : _reset ? NtStatus.ConnectionReset
        : null;

    /// <summary>Moves waiting sends, in order, into the peer's window; answers the ones that got all their bytes in.</summary>
    private void Flow(Answers answers)
    {
        while (_sends.First is { } node)
        {
            var op = node.Value;
            int room = _script.ReceiveWindow - _toPeer.Count;
            int n = Math.Min(room, op.Data.Length - op.Sent);
            var span = op.Data.Span.Slice(op.Sent, n);
            foreach (var b in span) _toPeer.Enqueue(b);
            op.Sent += n;
            _peerReceivedTotal += n;
            if (op.Sent < op.Data.Length) break; // the window is full: the rest waits for the reader
            _sends.RemoveFirst();
            op.Done = true;
            answers.Add(op.Sink, NtStatus.Success, op.Sent, op);
        }
        if (_script.ResetAfterBytes is { } limit && _peerReceivedTotal >= limit && !_reset)
        {
            _reset = true; // the peer's stack resets the connection mid-stream
            FailAll(NtStatus.ConnectionReset, answers);
            _network.Record($"conn #{_id} reset by the peer after {_peerReceivedTotal} bytes");
        }
    }

    private void ServeReceives(Answers answers)
    {
        while (_receives.First is { } node && TryServe(node.Value.Buffer, node.Value.Mode, out var status, out int bytes))
        {
            _receives.RemoveFirst();
            answers.Add(node.Value.Sink, status, bytes, null);
        }
    }

    private bool TryServe(Memory<byte> buffer, TransportReceiveMode mode, out NtStatus status, out int bytes)
    {
        status = NtStatus.Success;
        bytes = 0;
        if (_toUs.Count > 0)
        {
            if (mode == TransportReceiveMode.Peek) bytes = 1;
            else
            {
                var span = buffer.Span;
                bytes = Math.Min(span.Length, _toUs.Count);
                for (int i = 0; i < bytes; i++) span[i] = _toUs.Dequeue();
            }
            return true;
        }
        if (_reset) { status = NtStatus.ConnectionReset; return true; }
        if (_aborted) { status = NtStatus.ConnectionAborted; return true; }
        return _peerFin || (buffer.Length == 0 && mode == TransportReceiveMode.Some);
    }

    private void FailAll(NtStatus status, Answers answers)
    {
        foreach (var op in _sends) answers.Add(op.Sink, status, op.Sent, op);
        foreach (var op in _receives) answers.Add(op.Sink, status, 0, null);
        _sends.Clear();
        _receives.Clear();
    }

    private void CancelSend(SendOp op)
    {
        var answers = new Answers();
        lock (_gate)
        {
            if (!_sends.Remove(op)) return;
            answers.Add(op.Sink, NtStatus.Cancelled, op.Sent, op);
        }
        answers.Deliver();
    }

    private void CancelReceive(ReceiveOp op)
    {
        var answers = new Answers();
        lock (_gate)
        {
            if (!_receives.Remove(op)) return;
            answers.Add(op.Sink, NtStatus.Cancelled, 0, null);
        }
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

    private sealed class SendOp(SimulatedConnection owner, ReadOnlyMemory<byte> data, ITransportIoSink sink) : ITransportCancel
    {
        public ReadOnlyMemory<byte> Data { get; } = data;
        public ITransportIoSink Sink { get; } = sink;
        public int Sent { get; set; }
        public bool Done { get; set; }
        public void Cancel() => owner.CancelSend(this);
    }

    private sealed class ReceiveOp(SimulatedConnection owner, Memory<byte> buffer, TransportReceiveMode mode, ITransportIoSink sink)
        : ITransportCancel
    {
        public Memory<byte> Buffer { get; } = buffer;
        public TransportReceiveMode Mode { get; } = mode;
        public ITransportIoSink Sink { get; } = sink;
        public void Cancel() => owner.CancelReceive(this);
    }

    /// <summary>Answers collected under the lock and delivered after it, so that no sink runs while we hold it.</summary>
    private sealed class Answers
    {
        private List<(ITransportIoSink Sink, NtStatus Status, int Bytes, object? Op)>? _list;

        public void Add(ITransportIoSink sink, NtStatus status, int bytes, object? op) =>
            (_list ??= new()).Add((sink, status, bytes, op));

        /// <summary>Takes <paramref name="op"/>'s answer out of the list to return it inline instead.</summary>
        public TransportIoResult? TakeInline(object op)
        {
            int i = _list?.FindIndex(a => ReferenceEquals(a.Op, op)) ?? -1;
            if (i < 0) return null;
            var a = _list![i];
            _list.RemoveAt(i);
            return TransportIoResult.Done(a.Status, a.Bytes);
        }

        public void Deliver()
        {
            if (_list is null) return;
            foreach (var (sink, status, bytes, _) in _list) sink.OnIoCompleted(status, bytes);
        }
    }
}
