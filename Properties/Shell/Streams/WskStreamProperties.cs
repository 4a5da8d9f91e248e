using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Wsk.Core;
using Wsk.Shell;
using Wsk.Properties.Shell.DataPath;
using Xunit;

namespace Wsk.Properties.Shell.Streams;

/// <summary>
/// WskStream on every world: bytes both ways in random chunkings, the end of stream, a token per call that cancels
/// only its own read and loses no byte, a reset, and dispose (rules StreamReadIsOneReceive, StreamWriteIsOneSend,
/// StreamCancelLosesNoData, StreamEndReadsZero, StreamDisposeCloses).
/// </summary>
public abstract class WskStreamProperties : IDisposable
{
    private readonly IStreamWorld _world;

    protected WskStreamProperties(IStreamWorld world) => _world = world;

    public void Dispose() => _world.Dispose();

    public sealed record Plan(int OutLength, int[] WriteChunks, int InLength, int[] PeerChunks, int[] ReadSizes, int Seed)
    {
        public override string ToString() =>
            $"out {OutLength} B in writes of [{string.Join(",", WriteChunks.Take(4))}…], in {InLength} B in peer writes of " +
            $"[{string.Join(",", PeerChunks.Take(4))}…], reads of [{string.Join(",", ReadSizes.Take(4))}…]";
    }

    internal static Gen<int> Lengths => Gen.Frequency((1, Gen.Constant(0)), (2, Gen.Choose(1, 2_000)), (3, Gen.Choose(2_001, 200_000)));

    private static Arbitrary<Plan> Plans =>
        (from outLength in Lengths
         from writes in StreamProperties.Chunks
         from inLength in Lengths
         from peer in StreamProperties.Chunks
         from reads in StreamProperties.Chunks
         from seed in Gen.Choose(0, int.MaxValue)
         select new Plan(outLength, writes, inLength, peer, reads, seed)).ToArbitrary();

    private static string Size(int n) => n == 0 ? "empty" : n <= 2_000 ? "small" : "large";

    [Property(MaxTest = 20)]
    public Property Bytes_written_and_read_in_random_chunkings_arrive_in_order_once_and_the_end_reads_zero_after_them() =>
        Prop.ForAll(Plans, plan =>
        {
            var random = new Random(plan.Seed);
            var outgoing = new byte[plan.OutLength];
            var incoming = new byte[plan.InLength];
            random.NextBytes(outgoing);
            random.NextBytes(incoming);
            var (ours, peer) = _world.Pair();
            var stream = ours.AsStream();

            var peerReads = peer.ReadAsync(outgoing.Length);
            var peerWrites = peer.WriteAsync(incoming, plan.PeerChunks).ContinueWith(t => { t.GetAwaiter().GetResult(); peer.Shutdown(); });
            var writes = Task.Run(async () =>
            {
                for (int at = 0, i = 0; at < outgoing.Length; i++)
                {
                    int n = Math.Min(plan.WriteChunks[i % plan.WriteChunks.Length], outgoing.Length - at);
                    await stream.WriteAsync(outgoing.AsMemory(at, n));
                    at += n;
                }
            });
            var reads = Task.Run(async () =>
            {
                var all = new MemoryStream();
                for (int i = 0; ; i++)
                {
                    var buffer = new byte[plan.ReadSizes[i % plan.ReadSizes.Length]];
                    int n = await stream.ReadAsync(buffer);
                    if (n == 0) break;
                    all.Write(buffer, 0, n);
                }
                int again = await stream.ReadAsync(new byte[16]); // the end stays the end
                return (all.ToArray(), again);
            });

            StreamWorlds.Within(Task.WhenAll(writes, peerWrites), "the writes").GetAwaiter().GetResult();
            var (received, readAfterEnd) = StreamWorlds.Within(reads, "the reads").GetAwaiter().GetResult();
            var sent = StreamWorlds.Within(peerReads, "the peer's reads").GetAwaiter().GetResult();
            stream.Dispose();
            var (rest, _) = StreamWorlds.Within(peer.ReadToEndAsync(), "the peer's read to the end").GetAwaiter().GetResult();

            return (sent.AsSpan().SequenceEqual(outgoing)).Label("the peer read exactly the bytes written, in order")
                .And(received.AsSpan().SequenceEqual(incoming)).Label("the stream read exactly the bytes the peer wrote, in order")
                .And(readAfterEnd == 0).Label("a read after the end returns 0 again")
                .And(rest.Length == 0).Label("nothing more reached the peer after the writes")
                .And(ours.IsClosed).Label("dispose closed the socket")
                .And(_world.OpenSockets == 0).Label("no socket left open")
                .Classify(true, $"out {Size(plan.OutLength)}, in {Size(plan.InLength)}")
                .Collect(_world.Name);
        });

    public sealed record CancelStep(bool CancelledRead, int Bytes);

    private static Arbitrary<CancelStep[]> CancelScripts =>
        Gen.NonEmptyListOf(Gen.Frequency(
                (2, Gen.Constant(new CancelStep(true, 0))),
                (3, Gen.Choose(1, 40_000).Select(n => new CancelStep(false, n)))))
            .Select(l => l.ToArray()).ToArbitrary();

    [Property(MaxTest = 15)]
    public Property A_cancelled_read_throws_and_the_reads_after_it_still_get_every_byte_once() =>
        Prop.ForAll(CancelScripts, Arb.From(Gen.Choose(0, int.MaxValue)), (script, seed) =>
        {
            var random = new Random(seed);
            var (ours, peer) = _world.Pair();
            using var stream = ours.AsStream();
            var expected = new MemoryStream();
            var got = new MemoryStream();
            int cancelled = 0, pendingCancels = 0;
            foreach (var step in script)
            {
                if (step.CancelledRead)
                {
                    // Nothing is on its way: the read pends, and its token ends it.
                    using var cancel = new CancellationTokenSource();
                    var read = stream.ReadAsync(new byte[1024], cancel.Token).AsTask();
                    if (!read.IsCompleted) pendingCancels++;
                    cancel.Cancel();
                    try
                    {
                        StreamWorlds.Within(read, "a cancelled read").GetAwaiter().GetResult();
                    }
                    catch (OperationCanceledException e) when (e.CancellationToken == cancel.Token)
                    {
                        cancelled++;
                    }
                    continue;
                }
                var data = new byte[step.Bytes];
                random.NextBytes(data);
                expected.Write(data);
                peer.WriteAsync(data, new[] { step.Bytes }).GetAwaiter().GetResult();
                var buffer = new byte[step.Bytes];
                int at = 0;
                while (at < step.Bytes)
                    at += StreamWorlds.Within(stream.ReadAsync(buffer.AsMemory(at)).AsTask(), "a read").GetAwaiter().GetResult();
                got.Write(buffer);
            }
            int cancelSteps = script.Count(s => s.CancelledRead);
            return (cancelled == cancelSteps).Label($"every cancelled read threw OperationCanceledException ({cancelled} of {cancelSteps})")
                .And(pendingCancels == cancelSteps).Label("each cancelled read was pending when its token was cancelled")
                .And(got.ToArray().AsSpan().SequenceEqual(expected.ToArray())).Label("the reads got every byte once, in order")
                .Classify(cancelSteps == 0, "no cancel").Classify(cancelSteps > 0 && cancelSteps < script.Length, "cancels between data")
                .Classify(cancelSteps == script.Length, "only cancels").Collect(_world.Name);
        });

    [Fact]
    public async Task A_read_cancelled_after_the_data_arrived_returns_the_data()
    {
        var (ours, peer) = _world.Pair();
        await using var stream = ours.AsStream();
        using var cancel = new CancellationTokenSource();
        var buffer = new byte[64];
        var read = stream.ReadAsync(buffer, cancel.Token).AsTask();
        await peer.WriteAsync(StreamWorlds.Bytes("010203"), StreamWorlds.Chunks(3));
        int n = await StreamWorlds.Within(read, "the read");
        cancel.Cancel(); // too late: the read already completed with the data
        Assert.Equal(3, n);
        Assert.Equal(StreamWorlds.Bytes("010203"), buffer[..3]);
    }

    [Fact]
    public async Task A_peer_reset_fails_the_read_with_an_IOException_holding_STATUS_CONNECTION_RESET()
    {
        var (ours, peer) = _world.Pair();
        using var stream = ours.AsStream();
        var read = stream.ReadAsync(new byte[64]).AsTask();
        peer.Reset();
        var e = await Assert.ThrowsAsync<IOException>(() => StreamWorlds.Within(read, "the read"));
        Assert.Equal(NtStatus.ConnectionReset, Assert.IsType<WskStatusException>(e.InnerException).Status);
    }

    [Fact]
    public async Task A_second_read_while_one_is_in_progress_is_refused_and_the_first_goes_on()
    {
        var (ours, peer) = _world.Pair();
        using var stream = ours.AsStream();
        var first = stream.ReadAsync(new byte[8]).AsTask();
        Assert.IsType<NotSupportedException>(StreamWorlds.ThrownAtCall(() => stream.ReadAsync(new byte[8]).AsTask()));
        await peer.WriteAsync(StreamWorlds.Bytes("07"), StreamWorlds.Chunks(1));
        Assert.Equal(1, await StreamWorlds.Within(first, "the first read"));
    }

    [Fact]
    public async Task Dispose_ends_a_pending_read_with_ObjectDisposedException_closes_the_socket_and_the_peer_sees_the_end()
    {
        var (ours, peer) = _world.Pair();
        var stream = ours.AsStream();
        await stream.WriteAsync(StreamWorlds.Bytes("090807"));
        var read = stream.ReadAsync(new byte[8]).AsTask();
        stream.Dispose();
        await Assert.ThrowsAsync<ObjectDisposedException>(() => StreamWorlds.Within(read, "the pending read"));
        var (data, _) = await StreamWorlds.Within(peer.ReadToEndAsync(), "the peer's read to the end");
        Assert.Equal(StreamWorlds.Bytes("090807"), data);
        Assert.True(ours.IsClosed);
        Assert.Equal(0, _world.OpenSockets);
        Assert.False(stream.CanRead);
        Assert.IsType<ObjectDisposedException>(StreamWorlds.ThrownAtCall(() => stream.ReadAsync(new byte[8]).AsTask()));
        Assert.IsType<ObjectDisposedException>(StreamWorlds.ThrownAtCall(() => stream.WriteAsync(new byte[8]).AsTask()));
        stream.Dispose(); // twice: nothing
    }

    [Fact]
    public async Task A_stream_that_does_not_own_its_socket_leaves_it_open()
    {
        var (ours, peer) = _world.Pair();
        var stream = ours.AsStream(ownsSocket: false);
        await stream.DisposeAsync();
        Assert.False(ours.IsClosed);
        await using var again = ours.AsStream();
        await peer.WriteAsync(StreamWorlds.Bytes("05"), StreamWorlds.Chunks(1));
        Assert.Equal(1, await StreamWorlds.Within(again.ReadAsync(new byte[4]).AsTask(), "a read on the socket"));
    }

    [Fact]
    public async Task DisposeAsync_sends_the_end_after_every_byte_written_and_closes()
    {
        var (ours, peer) = _world.Pair();
        var stream = ours.AsStream();
        var data = Enumerable.Range(0, 30_000).Select(i => (byte)i).ToArray(); // within one window: see rule StreamDisposeCloses
        var peerRead = peer.ReadToEndAsync();
        await stream.WriteAsync(data);
        await stream.DisposeAsync();
        var (got, _) = await StreamWorlds.Within(peerRead, "the peer's read to the end");
        Assert.Equal(data, got);
        Assert.True(ours.IsClosed);
        Assert.Equal(0, _world.OpenSockets);
    }
}

public sealed class WskStreamOnLibc() : WskStreamProperties(new LoopbackStreamWorld(new OsTransport(), "loopback, libc"));

public sealed class WskStreamOnSocketAsyncEventArgs() : WskStreamProperties(new LoopbackStreamWorld(new SocketTransport(), "loopback, SocketAsyncEventArgs"));

public sealed class WskStreamOnSimulatedNetwork() : WskStreamProperties(new SimulatedStreamWorld());
