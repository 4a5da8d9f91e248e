using System;
using Wsk.Core;

namespace Wsk.Shell.Simulation;

/// <summary>
/// How bytes move: sends into the peer's window, the peer's bytes into receives, failures to both (all under the lock).
/// </summary>
internal sealed partial class SimulatedConnection
{
    private NtStatus? Refusal() =>
        _closed ? NtStatus.InvalidConnection
        : _aborted ? NtStatus.ConnectionAborted
        : _reset ? NtStatus.ConnectionReset
        : null;

    /// <summary>
    /// Moves waiting sends, in order, into the peer's window; answers the ones that got all their bytes in.
    /// </summary>
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
        while (_receives.First is { } node
               && TryServe(node.Value.Buffer, node.Value.Mode, out var status, out int bytes))
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
}
