using System;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Wsk.Core;
using Wsk.Shell;
using Xunit;

namespace Wsk.Properties.Shell.DataPath;

/// <summary>
/// CancelEndsReceive on real loopback: a cancelled receive completes without more data and without a close, whatever
/// the reader was doing when the cancel arrived (about to read into it, inside the transport read, between two reads of
/// a WAITALL receive). Each property runs ten thousand times over one connection; a lost cancel would wait forever, so
/// every wait is bounded (2 s, generous on purpose) and a miss fails the test instead of hanging it.
/// </summary>
public class CancelReachesReceiveProperties : IDisposable
{
    private const int Tries = 10_000;
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(2);
    private readonly PeerWorld _world;
    private readonly WskConnectedSocket _ours;
    private readonly Socket _peer;
    private byte _next; // the value of the next byte the peer sends: order is checked byte by byte

    public CancelReachesReceiveProperties() : this(new OsTransport()) { }

    /// <summary>The same properties over <paramref name="transport"/>.</summary>
    protected CancelReachesReceiveProperties(ITransport transport)
    {
        _world = new PeerWorld(transport: transport);
        (_ours, _peer) = _world.Pair();
        _peer.NoDelay = true; // one byte, one segment
    }

    /// <summary>
    /// R1 (1 byte) and R2 (16 bytes) pending; the peer sends one byte; a few spins after R1's completion routine ran,
    /// another thread cancels R2 — the moment R2 becomes the reader's target and its transport read is being started.
    /// </summary>
    [Property(MaxTest = Tries)]
    public Property A_cancel_right_after_the_previous_receive_completed_ends_the_next_one() =>
        Prop.ForAll(Gen.Choose(0, 400).ToArbitrary(), spins =>
        {
            using var r1Completed = new ManualResetEventSlim();
            var r1 = new Irp();
            r1.SetCompletionRoutine((_, ctx) => { ((ManualResetEventSlim)ctx!).Set(); return NtStatus.MoreProcessingRequired; }, r1Completed);
            var r2 = new Irp();
            var b1 = new byte[1];
            var ret1 = _ours.WskReceive(WskBuf.Of(b1), 0, r1);
            var ret2 = _ours.WskReceive(WskBuf.Of(new byte[16]), 0, r2);
            bool cancelled = false;
            var canceller = Task.Run(() =>
            {
                r1Completed.Wait(Bound);
                for (int i = 0; i < spins; i++) Thread.SpinWait(1);
                cancelled = r2.Cancel();
            });
            byte sent = Send(1)[0];
            bool r2Ended = WaitFor(r2);
            canceller.Wait(Bound);
            return (ret1.IsPending && ret2.IsPending && WaitFor(r1) && r1.IoStatus.Status == NtStatus.Success && b1[0] == sent
                    && cancelled && r2Ended && r2.IoStatus.Status == NtStatus.Cancelled && (long)r2.IoStatus.Information! == 0
                    && r1.CompletionCount == 1 && r2.CompletionCount == 1 && r1.Violations.Count == 0 && r2.Violations.Count == 0)
                .Classify(spins < 20, "cancel within 20 spins of R1's completion")
                .Label($"spins {spins}: R1 {ret1.Name}→{r1.IoStatus.Status.Name}, " +
                       $"R2 {ret2.Name}→{(r2Ended ? r2.IoStatus.Status.Name : "still pending")}, Cancel() {cancelled}");
        });

    /// <summary>
    /// A WAITALL receive of a large buffer while the peer sends one-byte pieces; another thread cancels it somewhere in
    /// the middle (inside a read, or between two). It ends with the bytes it really got (or CANCELLED with none), in order.
    /// </summary>
    [Property(MaxTest = Tries)]
    public Property A_cancelled_WAITALL_receive_ends_with_the_bytes_it_got() =>
        Prop.ForAll(Gen.Choose(1, 6).ToArbitrary(), Gen.Choose(0, 300).ToArbitrary(), (pieces, spins) =>
        {
            var irp = new Irp();
            var buffer = new byte[4096];
            byte first = _next;
            var returned = _ours.WskReceive(WskBuf.Of(buffer), WskFlags.WaitAll, irp);
            bool cancelled = false;
            var canceller = Task.Run(() =>
            {
                for (int i = 0; i < spins; i++) Thread.SpinWait(4);
                cancelled = irp.Cancel();
            });
            for (int i = 0; i < pieces; i++) Send(1);
            canceller.Wait(Bound);
            bool ended = WaitFor(irp);
            long got = ended ? (long)irp.IoStatus.Information! : -1;
            bool shape = ended && (irp.IoStatus.Status == NtStatus.Success ? got > 0 : irp.IoStatus.Status == NtStatus.Cancelled && got == 0);
            bool inOrder = got >= 0 && got <= pieces && InOrder(buffer, first, (int)got);
            bool drained = got >= 0 && Drain(pieces - (int)got, (byte)(first + got));
            return (returned.IsPending && cancelled && shape && inOrder && drained && irp.CompletionCount == 1 && irp.Violations.Count == 0)
                .Classify(got == 0, "cancelled before any byte")
                .Classify(got > 0, "ended with the bytes it got")
                .Label($"{pieces} pieces, spins {spins}: " +
                       $"{returned.Name}→{(ended ? $"{irp.IoStatus.Status.Name} {got} bytes" : "still pending")}, Cancel() {cancelled}");
        });

    /// <summary>ReceiveAsync with WAITALL: cancelling its token finishes the task, with the bytes it got or CANCELLED.</summary>
    [Property(MaxTest = Tries)]
    public Property Cancelling_the_token_of_a_WAITALL_ReceiveAsync_finishes_it() =>
        Prop.ForAll(Gen.Choose(0, 4).ToArbitrary(), Gen.Choose(0, 300).ToArbitrary(), (pieces, spins) =>
        {
            using var cts = new CancellationTokenSource();
            var buffer = new byte[4096];
            byte first = _next;
            var receive = _ours.ReceiveAsync(WskBuf.Of(buffer), WskFlags.WaitAll, cts.Token).AsTask();
            var canceller = Task.Run(() =>
            {
                for (int i = 0; i < spins; i++) Thread.SpinWait(4);
                cts.Cancel();
            });
            for (int i = 0; i < pieces; i++) Send(1);
            canceller.Wait(Bound);
            bool finished = receive.Wait(Bound);
            var done = finished ? receive.Result : null;
            long got = done?.Bytes ?? -1;
            bool shape = done is not null && (done.Status == NtStatus.Success ? got > 0 : done.Status == NtStatus.Cancelled && got == 0);
            bool inOrder = got >= 0 && got <= pieces && InOrder(buffer, first, (int)got);
            bool drained = got >= 0 && Drain(pieces - (int)got, (byte)(first + got));
            return (shape && inOrder && drained)
                .Classify(pieces == 0, "no data at all")
                .Classify(got > 0, "ended with the bytes it got")
                .Label($"{pieces} pieces, spins {spins}: {(done is not null ? $"{done.Status.Name} {got} bytes" : "task still running")}");
        });

    private byte[] Send(int count)
    {
        var data = new byte[count];
        for (int i = 0; i < count; i++) data[i] = _next++;
        _peer.Send(data);
        return data;
    }

    private static bool WaitFor(Irp irp) => irp.WaitAsync().AsTask().Wait(Bound);

    private static bool InOrder(byte[] buffer, byte first, int count)
    {
        for (int i = 0; i < count; i++)
            if (buffer[i] != (byte)(first + i)) return false;
        return true;
    }

    /// <summary>Reads the <paramref name="left"/> bytes a cancelled receive did not take, so the next try starts clean.</summary>
    private bool Drain(int left, byte expected)
    {
        while (left > 0)
        {
            var irp = new Irp();
            var buffer = new byte[left];
            _ours.WskReceive(WskBuf.Of(buffer), 0, irp);
            if (!WaitFor(irp) || irp.IoStatus.Status != NtStatus.Success) return false;
            int n = (int)(long)irp.IoStatus.Information!;
            if (!InOrder(buffer, expected, n)) return false;
            expected = (byte)(expected + n);
            left -= n;
        }
        return true;
    }

    public void Dispose()
    {
        _ours.WskCloseSocket(new Irp());
        _peer.Dispose();
        _world.Dispose();
    }
}
