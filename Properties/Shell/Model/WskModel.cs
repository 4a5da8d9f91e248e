using System.Collections.Immutable;
using System.Linq;
using Wsk.Core;

namespace Wsk.Properties.Shell.Model;

/// <summary>How a model-based connect is scripted on the simulated network.</summary>
public enum ConnectKind
{
    AcceptInline,
    AcceptPending,
    AcceptBeforeReturn,
    RefuseInline,
    RefusePending,
    BlackHoleTimeout,
    BlackHoleForever,
    Invalid,
}

/// <summary>What the model says about one IRP: done or not, and with what.</summary>
/// <param name="Done">Completed.</param>
/// <param name="Status">Its final status when done.</param>
/// <param name="Bytes">Its byte count when the model knows it (send and receive).</param>
public sealed record MIrp(bool Done, NtStatus Status = default, long? Bytes = null);

/// <summary>A send the transport has not taken completely: its IRP, its length and the bytes still outside the window.</summary>
public sealed record MSend(int Irp, int Total, int Remaining);

/// <summary>
/// One connected socket in the model: the Core <see cref="SocketState"/> plus what the simulated peer holds (bytes it
/// wrote that we have not received, bytes in its window it has not read) and the socket's pending IRPs.
/// </summary>
public sealed record MSocket(int Id, SocketState State, int ToUs, bool PeerFin, int PeerBuffered, ImmutableList<MSend> Sends,
    (int Irp, int Size)? Receive, int? Disconnect)
{
    public static MSocket Connected(int id) => new(id, SocketDecider.Initial, 0, false, 0, ImmutableList<MSend>.Empty, null, null);

    public ImmutableList<int> PendingIrps =>
        Sends.Select(s => s.Irp).Concat(Receive is { } r ? new[] { r.Irp } : new int[0]).Concat(Disconnect is { } d ? new[] { d } : new int[0])
            .ToImmutableList();
}

/// <summary>A connect that has not completed: its IRP, its script and when virtual time answers it (null: never).</summary>
public sealed record MConnect(int Irp, ConnectKind Kind, long? DueMs);

/// <summary>
/// The pure model the shell is checked against after every step: registration and captures, pending connects, sockets,
/// and every IRP's expected state. Socket decisions come from Core's <see cref="SocketDecider"/>; the rest is the
/// simulated network's documented behaviour (window, FIN, timers).
/// </summary>
public sealed record WskModel(bool Registered, int Captures, long NowMs, ImmutableList<MConnect> Connects, ImmutableList<MSocket> Sockets,
    ImmutableDictionary<int, MIrp> Irps, NtStatus? ExpectReturn)
{
    /// <summary>The peer's receive window in the model runs: small, so that sends wait for the slow reader often.</summary>
    public const int Window = 64;

    public static readonly WskModel Initial = new(true, 0, 0, ImmutableList<MConnect>.Empty, ImmutableList<MSocket>.Empty,
        ImmutableDictionary<int, MIrp>.Empty, null);

    public override string ToString() =>
        $"{(Registered ? "registered" : "deregistered")}, {Captures} captures, t={NowMs} ms, " +
        $"pending connects [{string.Join(",", Connects.Select(c => c.Irp))}], " +
        $"sockets [{string.Join(",", Sockets.Select(s => $"s{s.Id}"))}], {Irps.Count(i => !i.Value.Done)} IRPs pending";

    public MSocket? Socket(int id) => Sockets.FirstOrDefault(s => s.Id == id);

    public WskModel Done(int irp, NtStatus status, long? bytes = null) => this with { Irps = Irps.SetItem(irp, new MIrp(true, status, bytes)) };

    public WskModel Pending(int irp) => this with { Irps = Irps.SetItem(irp, new MIrp(false)) };

    public WskModel With(MSocket socket) => this with { Sockets = Sockets.Replace(Socket(socket.Id)!, socket) };

    /// <summary>The outcome of a connect once it is answered.</summary>
    public WskModel Answer(MConnect connect, NtStatus status) =>
        (status == NtStatus.Success ? this with { Sockets = Sockets.Add(MSocket.Connected(connect.Irp)) } : this)
        .Done(connect.Irp, status) with { Connects = Connects.Remove(connect) };

    /// <summary>The peer read everything in its window: waiting sends move on in order; a graceful disconnect follows the last.</summary>
    public static (MSocket, WskModel) Flow(MSocket s, WskModel m)
    {
        var sends = s.Sends;
        int buffered = s.PeerBuffered;
        while (sends.Count > 0)
        {
            var head = sends[0];
            int put = System.Math.Min(Window - buffered, head.Remaining);
            buffered += put;
            if (put < head.Remaining)
            {
                sends = sends.SetItem(0, head with { Remaining = head.Remaining - put });
                break;
            }
            sends = sends.RemoveAt(0);
            m = m.Done(head.Irp, NtStatus.Success, head.Total);
        }
        s = s with { Sends = sends, PeerBuffered = buffered };
        return AfterSends(s, m);
    }

    /// <summary>A graceful disconnect completes (STATUS_SUCCESS) once no send is left before it.</summary>
    public static (MSocket, WskModel) AfterSends(MSocket s, WskModel m) =>
        s.Sends.IsEmpty && s.Disconnect is { } d ? (s with { Disconnect = null }, m.Done(d, NtStatus.Success)) : (s, m);

    /// <summary>Every pending IRP of the socket completes with STATUS_CANCELLED (abortive disconnect and close).</summary>
    public static (MSocket, WskModel) CancelAll(MSocket s, WskModel m)
    {
        foreach (var irp in s.PendingIrps) m = m.Done(irp, NtStatus.Cancelled);
        return (s with { Sends = ImmutableList<MSend>.Empty, Receive = null, Disconnect = null }, m);
    }
}
