using System;
using System.Collections.Generic;
using Wsk.Core;

namespace Wsk.Shell.Simulation;

/// <summary>The pending operations and the answers gathered under the lock, delivered after it.</summary>
internal sealed partial class SimulatedConnection
{
    private sealed class SendOp(SimulatedConnection owner, ReadOnlyMemory<byte> data, ITransportIoSink sink)
        : ITransportCancel
    {
        public ReadOnlyMemory<byte> Data { get; } = data;
        public ITransportIoSink Sink { get; } = sink;
        public int Sent { get; set; }
        public bool Done { get; set; }
        public void Cancel() => owner.CancelSend(this);
    }

    private sealed class ReceiveOp(
        SimulatedConnection owner, Memory<byte> buffer, TransportReceiveMode mode, ITransportIoSink sink)
        : ITransportCancel
    {
        public Memory<byte> Buffer { get; } = buffer;
        public TransportReceiveMode Mode { get; } = mode;
        public ITransportIoSink Sink { get; } = sink;
        public void Cancel() => owner.CancelReceive(this);
    }

    /// <summary>
    /// Answers collected under the lock and delivered after it, so that no sink runs while we hold it.
    /// </summary>
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
