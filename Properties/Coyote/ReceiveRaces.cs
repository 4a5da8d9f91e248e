using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Coyote.Random;
using Microsoft.Coyote.Specifications;
using Wsk.Core;
using Wsk.Shell;
using Wsk.Shell.Simulation;
using Wsk.Properties.Shell.Simulation;
using Xunit;
using Xunit.Abstractions;

namespace Wsk.Properties.Coyote;

/// <summary>
/// Receive completion racing IoCancelIrp, WskCloseSocket and an abortive WskDisconnect on a simulated connection, every
/// interleaving of their lock and atomic steps explored by Coyote. The simulated network answers inline, on the thread
/// that made the answer possible, and nothing is due on its clock: once every task has ended the system is quiescent,
/// so whatever is still pending then stays pending forever. (The tasks are awaited one by one: Coyote does not control
/// the params-span Task.WhenAll overload that C# picks on .NET 9 and later.)
/// </summary>
[Collection(CoyoteCollection.Name)]
public sealed class ReceiveRaces(ITestOutputHelper output)
{
    /// <summary>
    /// Two receives pending, R1 (1 byte) and R2 (16 bytes); the peer sends 1 byte, which completes R1 and makes R2 the
    /// reader's target; another task cancels R2 meanwhile. A cancelled IRP still completes exactly once: here, with no
    /// more data coming, with STATUS_CANCELLED. Whatever instant the cancel lands at (R2 still queued, R2 just made the
    /// target but its transport read not started yet, the read pending), it must not be lost.
    /// </summary>
    [Fact]
    [Trait("Coyote", "lost receive cancel")]
    public void A_cancel_is_not_lost_while_the_next_receive_becomes_the_readers_target() =>
        CoyoteRun.Check(output, nameof(A_cancel_is_not_lost_while_the_next_receive_becomes_the_readers_target), async () =>
        {
            var rig = new SimulatedRig();
            var (socket, peer) = rig.Pair();
            var r1 = new Irp();
            var r2 = new Irp();
            var first = new byte[1];
            Require(socket.WskReceive(WskBuf.Of(first), 0, r1) == NtStatus.Pending, "R1 pends: nothing has arrived");
            Require(socket.WskReceive(WskBuf.Of(new byte[16]), 0, r2) == NtStatus.Pending, "R2 pends behind R1");

            var deliver = Task.Run(() => peer.Write(new byte[] { 7 }));
            var cancel = Task.Run(() => r2.Cancel());
            await deliver;
            await cancel;

            CompletedOnce(r1, "R1");
            Specification.Assert(r1.IoStatus.Status == NtStatus.Success && Bytes(r1) == 1 && first[0] == 7,
                $"R1 takes the peer's byte: {Show(r1)}");
            Specification.Assert(r2.IsCompleted,
                $"lost cancel: R2 was cancelled (Cancel returned {cancel.Result}), every task has ended and no more data can come, " +
                $"yet R2 is still pending ({Show(r2)})");
            CompletedOnce(r2, "R2");
            Specification.Assert(r2.IoStatus.Status == NtStatus.Cancelled, $"R2 got no data, so it ends CANCELLED: {Show(r2)}");
            CoyoteRun.Outcome($"R2 {r2.IoStatus.Status.Name}");

            CloseAndFinish(rig, socket);
        });

    /// <summary>
    /// A WSK_FLAG_WAITALL receive of 64 bytes while the peer sends 4 single bytes and another task cancels it. Between two
    /// pieces the receive is handed from one transport read to the next; a cancel at any instant must end it, exactly
    /// once: with the bytes it has so far (STATUS_SUCCESS), or STATUS_CANCELLED when it has none. No byte is lost: what the
    /// receive did not take, the next receive gets.
    /// </summary>
    [Fact]
    [Trait("Coyote", "lost receive cancel")]
    public void A_waitall_receive_cancelled_while_the_peer_trickles_bytes_completes_once_and_loses_nothing() =>
        CoyoteRun.Check(output, nameof(A_waitall_receive_cancelled_while_the_peer_trickles_bytes_completes_once_and_loses_nothing), async () =>
        {
            const int Pieces = 4;
            var rig = new SimulatedRig();
            var (socket, peer) = rig.Pair();
            var irp = new Irp();
            var buffer = new byte[64];
            Require(socket.WskReceive(WskBuf.Of(buffer), WskFlags.WaitAll, irp) == NtStatus.Pending, "the WAITALL receive pends");

            var deliver = Task.Run(() =>
            {
                for (int i = 1; i <= Pieces; i++) peer.Write(new[] { (byte)i });
            });
            var cancel = Task.Run(() => irp.Cancel());
            await deliver;
            await cancel;

            Specification.Assert(irp.IsCompleted,
                $"lost cancel: the WAITALL receive was cancelled, every task has ended, and it is still pending ({Show(irp)})");
            CompletedOnce(irp, "the WAITALL receive");
            int taken = Bytes(irp);
            Specification.Assert(irp.IoStatus.Status == (taken > 0 ? NtStatus.Success : NtStatus.Cancelled),
                $"a cancelled receive ends with its bytes so far, or CANCELLED with none: {Show(irp)}");
            Specification.Assert(buffer.Take(taken).SequenceEqual(Enumerable.Range(1, taken).Select(i => (byte)i)),
                $"the receive holds the first {taken} bytes in order: {string.Join(",", buffer.Take(taken))}");

            CoyoteRun.Outcome($"WAITALL receive {irp.IoStatus.Status.Name} with {taken} of {Pieces} bytes");
            if (taken < Pieces)
            {
                var rest = new Irp();
                var more = new byte[16];
                var status = socket.WskReceive(WskBuf.Of(more), 0, rest);
                Specification.Assert(status == NtStatus.Success && Bytes(rest) == Pieces - taken
                    && more.Take(Pieces - taken).SequenceEqual(Enumerable.Range(taken + 1, Pieces - taken).Select(i => (byte)i)),
                    $"the bytes the cancelled receive did not take wait for the next one: {status}, {Show(rest)}");
            }
            CloseAndFinish(rig, socket);
        });

    /// <summary>
    /// The same race through the awaitable form: <c>ReceiveAsync(buffer, WSK_FLAG_WAITALL, token)</c> for 64 bytes while
    /// the peer sends 4 single bytes and another task cancels the token. The awaiting task must end: a cancelled IRP
    /// still completes exactly once, so the await returns STATUS_SUCCESS with the bytes so far, or STATUS_CANCELLED with
    /// none. No byte is lost: the next receive gets the rest, in order. The verifier sees the awaitable's own IRP, which
    /// the test cannot: no IRP completed twice, none left pending.
    /// </summary>
    /// <remarks>
    /// Coyote controls the await on the IRP's own awaitable, not the CancellationTokenSource of the base library. The
    /// awaitable releases its token registration with Unregister, which does not wait for a cancel callback still
    /// running on another task; with Dispose (which spins, in code Coyote does not rewrite, until that callback returns)
    /// this test reported a potential hang at its first schedule.
    /// </remarks>
    [Fact]
    [Trait("Coyote", "lost receive cancel")]
    public void An_awaited_waitall_receive_whose_token_is_cancelled_while_the_peer_trickles_bytes_ends_once_and_loses_nothing() =>
        CoyoteRun.Check(output,
            nameof(An_awaited_waitall_receive_whose_token_is_cancelled_while_the_peer_trickles_bytes_ends_once_and_loses_nothing), async () =>
        {
            var verifier = new WskVerifier();
            var rig = new SimulatedRig(verifier: verifier);
            var (socket, peer) = rig.Pair();
            using var tokenSource = new CancellationTokenSource();
            var buffer = new byte[64];
            // The receive is submitted (and pends) inside this call; the awaitable is awaited below, while the others run.
            var receive = socket.ReceiveAsync(WskBuf.Of(buffer), WskFlags.WaitAll, tokenSource.Token);
            var deliver = Task.Run(() => Trickle(peer));
            var cancel = Task.Run(tokenSource.Cancel);
            var result = await receive;
            await deliver;
            await cancel;

            Specification.Assert(result.ReturnStatus == NtStatus.Pending, $"the WAITALL receive pended: {result}");
            CheckCancelledWaitAll(result.Status, (int)result.Bytes, buffer, socket, "awaited WAITALL receive");
            CloseAndFinish(rig, socket);
            NoFindings(verifier);
        });

    /// <summary>
    /// ReceiveAsync itself, with a token that can be cancelled but is not: a WAITALL receive of exactly 4 bytes while the
    /// peer sends them one at a time. The receive pends (nothing has arrived when it is made) and the last piece
    /// completes it, on the peer's task. Coyote controls the await on the IRP's awaitable (its rewritten awaiter puts
    /// the continuation on Coyote's synchronization context, where the IRP's completion posts it), so it sees the
    /// awaiting task end on every schedule, with no uncontrolled call; the await returns all 4 bytes in order.
    /// </summary>
    [Fact]
    public void An_awaited_waitall_receive_ends_with_every_trickled_byte() =>
        CoyoteRun.Check(output, nameof(An_awaited_waitall_receive_ends_with_every_trickled_byte), async () =>
        {
            var verifier = new WskVerifier();
            var rig = new SimulatedRig(verifier: verifier);
            var (socket, peer) = rig.Pair();
            using var tokenSource = new CancellationTokenSource();
            var buffer = new byte[Pieces];
            var receive = socket.ReceiveAsync(WskBuf.Of(buffer), WskFlags.WaitAll, tokenSource.Token);
            var deliver = Task.Run(() => Trickle(peer));
            var result = await receive;
            await deliver;
            tokenSource.Cancel(); // after completion: the registration is gone, nothing is cancelled

            CoyoteRun.Outcome($"awaited WAITALL receive returned {result.ReturnStatus.Name}, ended {result.Status.Name} with {result.Bytes} bytes");
            Specification.Assert(result.Status == NtStatus.Success && result.Bytes == Pieces
                && buffer.SequenceEqual(Enumerable.Range(1, Pieces).Select(i => (byte)i)),
                $"the WAITALL receive ends with all {Pieces} bytes, in order: {result}, {string.Join(",", buffer)}");
            CloseAndFinish(rig, socket);
            NoFindings(verifier);
        });

    private const int Pieces = 4;

    private static void Trickle(SimulatedPeer peer)
    {
        for (int i = 1; i <= Pieces; i++) peer.Write(new[] { (byte)i });
    }

    /// <summary>
    /// A cancelled WAITALL receive of the trickled bytes ended with its bytes so far, or CANCELLED with none; it holds the
    /// first bytes in order, and the next receive gets the rest.
    /// </summary>
    private static void CheckCancelledWaitAll(NtStatus status, int taken, byte[] buffer, WskConnectedSocket socket, string what)
    {
        Specification.Assert(status == (taken > 0 ? NtStatus.Success : NtStatus.Cancelled),
            $"a cancelled receive ends with its bytes so far, or CANCELLED with none: {status.Name} with {taken} bytes");
        Specification.Assert(buffer.Take(taken).SequenceEqual(Enumerable.Range(1, taken).Select(i => (byte)i)),
            $"the receive holds the first {taken} bytes in order: {string.Join(",", buffer.Take(taken))}");
        CoyoteRun.Outcome($"{what} {status.Name} with {taken} of {Pieces} bytes");
        if (taken == Pieces) return;
        var rest = new Irp();
        var more = new byte[16];
        var returned = socket.WskReceive(WskBuf.Of(more), 0, rest);
        Specification.Assert(returned == NtStatus.Success && Bytes(rest) == Pieces - taken
            && more.Take(Pieces - taken).SequenceEqual(Enumerable.Range(taken + 1, Pieces - taken).Select(i => (byte)i)),
            $"the bytes the cancelled receive did not take wait for the next one: {returned}, {Show(rest)}");
    }

    internal static void NoFindings(WskVerifier verifier)
    {
        var findings = verifier.Verify();
        Specification.Assert(findings.Count == 0, $"every IRP completed exactly once, none left pending: {string.Join("; ", findings)}");
    }

    /// <summary>
    /// One receive pending; the peer sends a byte, another task cancels the receive, a third tears the socket down:
    /// WskCloseSocket, or an abortive WskDisconnect then WskCloseSocket (Coyote picks which, as part of the schedule).
    /// Every IRP completes exactly once; the receive with its byte or CANCELLED; the disconnect and the close with
    /// STATUS_SUCCESS; no connection or socket is left open and WskDeregister returns.
    /// </summary>
    [Fact]
    public void Receive_completion_cancel_close_and_abortive_disconnect_complete_every_irp_once() =>
        CoyoteRun.Check(output, nameof(Receive_completion_cancel_close_and_abortive_disconnect_complete_every_irp_once), async () =>
        {
            var rig = new SimulatedRig();
            var (socket, peer) = rig.Pair();
            bool abortFirst = Generator.Create().NextBoolean();
            var receive = new Irp();
            var disconnect = new Irp();
            var close = new Irp();
            var buffer = new byte[16];
            Require(socket.WskReceive(WskBuf.Of(buffer), 0, receive) == NtStatus.Pending, "the receive pends");

            var deliver = Task.Run(() => peer.Write(new byte[] { 9 }));
            var cancel = Task.Run(() => receive.Cancel());
            var teardown = TearDown(socket, abortFirst, disconnect, close);
            await deliver;
            await cancel;
            await teardown;

            CompletedOnce(receive, "the receive");
            CoyoteRun.Outcome($"{(abortFirst ? "abortive disconnect, close" : "close")}: receive {receive.IoStatus.Status.Name}");
            Specification.Assert(
                receive.IoStatus.Status == NtStatus.Cancelled && Bytes(receive) == 0
                || receive.IoStatus.Status == NtStatus.Success && Bytes(receive) == 1 && buffer[0] == 9,
                $"the receive ends with the peer's byte or CANCELLED: {Show(receive)}");
            if (abortFirst)
            {
                CompletedOnce(disconnect, "the abortive disconnect");
                Specification.Assert(disconnect.IoStatus.Status == NtStatus.Success, $"an abortive disconnect succeeds: {Show(disconnect)}");
            }
            CompletedOnce(close, "the close");
            Specification.Assert(close.IoStatus.Status == NtStatus.Success, $"close never fails: {Show(close)}");
            Specification.Assert(rig.Network.OpenConnections == 0 && rig.Registration.OpenSockets == 0,
                $"nothing left open: {rig.Network.OpenConnections} connection(s), {rig.Registration.OpenSockets} socket(s)");
            rig.Finish();
        });

    internal static void CloseAndFinish(SimulatedRig rig, WskConnectedSocket socket)
    {
        var close = new Irp();
        Specification.Assert(socket.WskCloseSocket(close) == NtStatus.Success, "close completes at once: no callback runs");
        CompletedOnce(close, "the close");
        Specification.Assert(rig.Network.OpenConnections == 0, $"close releases the connection: {rig.Network.OpenConnections} open");
        rig.Finish();
        Specification.Assert(rig.Registration.IsDeregistered, "WskDeregister returned, so the registration is gone");
    }

    internal static void CompletedOnce(Irp irp, string what)
    {
        Specification.Assert(irp.IsCompleted, $"{what} is still pending: {Show(irp)}");
        Specification.Assert(irp.CompletionCount == 1, $"{what} completed {irp.CompletionCount} times");
        Specification.Assert(irp.Violations.Count == 0,
            $"{what}: refused completions {string.Join("; ", irp.Violations.Select(v => $"{v.Rule} {v.AttemptedStatus.Name} {v.Detail}"))}");
    }

    internal static void Require(bool condition, string what)
    {
        if (!condition) throw new InvalidOperationException($"test setup: expected {what}");
    }

    internal static int Bytes(Irp irp) => irp.IoStatus.Information is long n ? (int)n : 0;

    internal static string Show(Irp irp) =>
        irp.IsCompleted ? $"{irp.IoStatus.Status.Name} with {irp.IoStatus.Information ?? "nothing"}, completed {irp.CompletionCount}x"
        : $"pending (cancel requested {irp.IsCancelRequested}, completed {irp.CompletionCount}x)";

    /// <summary>Another task ends the socket: an abortive disconnect first when <paramref name="abortFirst"/>, then close.</summary>
    internal static Task TearDown(WskConnectedSocket socket, bool abortFirst, Irp disconnect, Irp close) => Task.Run(() =>
    {
        if (abortFirst) socket.WskDisconnect(null, WskFlags.Abortive, disconnect);
        socket.WskCloseSocket(close);
    });
}
