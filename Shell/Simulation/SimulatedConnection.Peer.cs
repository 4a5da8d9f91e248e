using System;
using Wsk.Core;

namespace Wsk.Shell.Simulation;

/// <summary>The peer's side of the connection, driven by the test through <see cref="SimulatedPeer"/>.</summary>
internal sealed partial class SimulatedConnection
{
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
        lock (_gate) return (_toPeer.Count, _peerReceivedTotal, _ourFin && _toPeer.Count == 0, _peerSawReset,
            _peerRead.ToArray());
    }

    internal int Window => _script.ReceiveWindow;
}
