using System;
using System.Buffers;
using System.IO;
using System.IO.Pipelines;
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
/// WskDuplexPipe on every world: bytes both ways in random chunkings, the end of stream on both sides, backpressure
/// that stops receiving at the input's pause threshold, a reset, and dispose (rules PipeBackpressure, PipeEndCompletes,
/// PipeDisposeCloses).
/// </summary>
public abstract class WskDuplexPipeProperties : IDisposable
{
    private readonly IStreamWorld _world;

    protected WskDuplexPipeProperties(IStreamWorld world) => _world = world;

    public void Dispose() => _world.Dispose();

    public sealed record Plan(int OutLength, int[] WriteChunks, int InLength, int[] PeerChunks, bool FlushEach, int Seed)
    {
        public override string ToString() =>
            $"out {OutLength} B in writes of [{string.Join(",", WriteChunks.Take(4))}…] (flush {(FlushEach ? "each" : "once")}), " +
            $"in {InLength} B in peer writes of [{string.Join(",", PeerChunks.Take(4))}…]";
    }

    private static Arbitrary<Plan> Plans =>
        (from outLength in WskStreamProperties.Lengths
         from writes in StreamProperties.Chunks
         from inLength in WskStreamProperties.Lengths
         from peer in StreamProperties.Chunks
         from flushEach in Gen.Choose(0, 1).Select(i => i == 1)
         from seed in Gen.Choose(0, int.MaxValue)
         select new Plan(outLength, writes, inLength, peer, flushEach, seed)).ToArbitrary();

    private static async Task<byte[]> ReadToCompletion(PipeReader input)
    {
        var all = new MemoryStream();
        while (true)
        {
            var result = await StreamWorlds.Within(input.ReadAsync().AsTask(), "a pipe read");
            foreach (var segment in result.Buffer) all.Write(segment.Span);
            input.AdvanceTo(result.Buffer.End);
            if (result.IsCompleted) return all.ToArray();
        }
    }

    [Property(MaxTest = 20)]
    public Property Bytes_both_ways_arrive_in_order_once_and_each_side_sees_the_other_end() =>
        Prop.ForAll(Plans, plan =>
        {
            var random = new Random(plan.Seed);
            var outgoing = new byte[plan.OutLength];
            var incoming = new byte[plan.InLength];
            random.NextBytes(outgoing);
            random.NextBytes(incoming);
            var (ours, peer) = _world.Pair();
            var pipe = ours.AsDuplexPipe();

            var peerReads = peer.ReadToEndAsync();
            var peerWrites = peer.WriteAsync(incoming, plan.PeerChunks).ContinueWith(t => { t.GetAwaiter().GetResult(); peer.Shutdown(); });
            var writes = Task.Run(async () =>
            {
                for (int at = 0, i = 0; at < outgoing.Length; i++)
                {
                    int n = Math.Min(plan.WriteChunks[i % plan.WriteChunks.Length], outgoing.Length - at);
                    outgoing.AsSpan(at, n).CopyTo(pipe.Output.GetSpan(n));
                    pipe.Output.Advance(n);
                    if (plan.FlushEach) await pipe.Output.FlushAsync();
                    at += n;
                }
                await pipe.Output.CompleteAsync(); // sends the rest, then the FIN
            });
            var received = ReadToCompletion(pipe.Input);

            StreamWorlds.Within(Task.WhenAll(writes, peerWrites), "the writes").GetAwaiter().GetResult();
            var got = StreamWorlds.Within(received, "the input").GetAwaiter().GetResult();
            var (sent, reset) = StreamWorlds.Within(peerReads, "the peer's read to the end").GetAwaiter().GetResult();
            StreamWorlds.Within(pipe.DisposeAsync().AsTask(), "the dispose").GetAwaiter().GetResult();

            return sent.AsSpan().SequenceEqual(outgoing).Label("the peer read exactly the bytes written, in order")
                .And(!reset).Label("the peer saw our FIN, not a reset")
                .And(got.AsSpan().SequenceEqual(incoming)).Label("the input held exactly the bytes the peer wrote, then completed")
                .And(ours.IsClosed && _world.OpenSockets == 0).Label("dispose closed the socket")
                .And(pipe.Receiving.IsCompletedSuccessfully && pipe.Sending.IsCompletedSuccessfully).Label("both loops ended")
                .Classify(plan.OutLength == 0, "nothing out").Classify(plan.InLength == 0, "nothing in")
                .Classify(plan.OutLength > 64 * 1024, "out beyond one window").Collect(_world.Name);
        });

    private static Arbitrary<int> Thresholds => Gen.Choose(4 * 1024, 96 * 1024).ToArbitrary();

    [Property(MaxTest = 8)]
    public Property A_reader_that_stops_holds_the_input_at_its_pause_threshold_and_then_gets_every_byte() =>
        Prop.ForAll(Thresholds, threshold =>
        {
            var (ours, peer) = _world.Pair();
            var options = new PipeOptions(pauseWriterThreshold: threshold, resumeWriterThreshold: threshold / 2);
            using var pipe = new WskDuplexPipe(ours, options);
            var data = new byte[threshold + 512 * 1024];
            new Random(threshold).NextBytes(data);
            var peerWrites = peer.WriteAsync(data, StreamWorlds.Chunks(64 * 1024));

            // Wait until the input holds at least the threshold (the receive loop then stops), examining nothing: a reader that
            // examined everything asks for more, and the pipe then lets the writer on.
            var filled = StreamWorlds.Within(pipe.Input.ReadAtLeastAsync(threshold).AsTask(), "the input filling").GetAwaiter().GetResult();
            pipe.Input.AdvanceTo(filled.Buffer.Start);
            Thread.Sleep(100); // time for a receive loop that ignored the threshold to go on; the check needs none
            Assert.True(pipe.Input.TryRead(out var settled));
            long heldSettled = settled.Buffer.Length;
            pipe.Input.AdvanceTo(settled.Buffer.Start, settled.Buffer.End);

            var all = new MemoryStream();
            while (all.Length < data.Length)
            {
                var result = StreamWorlds.Within(pipe.Input.ReadAsync().AsTask(), "the input draining").GetAwaiter().GetResult();
                foreach (var segment in result.Buffer) all.Write(segment.Span);
                pipe.Input.AdvanceTo(result.Buffer.End);
            }
            StreamWorlds.Within(peerWrites, "the peer's writes").GetAwaiter().GetResult();
            long bound = threshold + 16 * 1024; // the threshold, and at most the one receive that crossed it
            return (heldSettled <= bound).Label($"the input held {heldSettled} B, at most {bound} B (threshold {threshold} B)")
                .And(all.ToArray().AsSpan().SequenceEqual(data)).Label("then every byte arrived once, in order")
                .Classify(threshold < 32 * 1024, "small threshold").Classify(threshold >= 32 * 1024, "large threshold").Collect(_world.Name);
        });

    [Fact]
    public async Task A_cancelled_input_read_throws_and_the_next_read_gets_every_byte()
    {
        var (ours, peer) = _world.Pair();
        await using var pipe = ours.AsDuplexPipe();
        using var cancel = new CancellationTokenSource();
        var read = pipe.Input.ReadAsync(cancel.Token).AsTask(); // nothing is on its way: it waits
        cancel.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => StreamWorlds.Within(read, "the cancelled read"));
        await peer.WriteAsync(StreamWorlds.Bytes("0A0B0C"), StreamWorlds.Chunks(3));
        var result = await StreamWorlds.Within(pipe.Input.ReadAtLeastAsync(3).AsTask(), "the next read");
        Assert.Equal(StreamWorlds.Bytes("0A0B0C"), result.Buffer.ToArray());
        pipe.Input.AdvanceTo(result.Buffer.End);
    }

    [Fact]
    public async Task A_peer_reset_completes_the_input_with_an_IOException_holding_STATUS_CONNECTION_RESET()
    {
        var (ours, peer) = _world.Pair();
        await using var pipe = ours.AsDuplexPipe();
        peer.Reset();
        var e = await Assert.ThrowsAsync<IOException>(() => ReadToCompletion(pipe.Input));
        Assert.Equal(NtStatus.ConnectionReset, Assert.IsType<WskStatusException>(e.InnerException).Status);
    }

    [Fact]
    public async Task Dispose_closes_the_socket_ends_both_loops_and_completes_the_input()
    {
        var (ours, peer) = _world.Pair();
        var pipe = ours.AsDuplexPipe();
        var read = pipe.Input.ReadAsync().AsTask();
        pipe.Dispose();
        Assert.True(ours.IsClosed);
        Assert.Equal(0, _world.OpenSockets);
        await StreamWorlds.Within(Task.WhenAll(pipe.Receiving, pipe.Sending), "the loops");
        var result = await StreamWorlds.Within(read, "the pending input read");
        Assert.True(result.IsCompleted);
        var (_, _) = await StreamWorlds.Within(peer.ReadToEndAsync(), "the peer's read to the end");
        pipe.Dispose(); // twice: nothing
    }
}

public sealed class WskDuplexPipeOnLibc() : WskDuplexPipeProperties(new LoopbackStreamWorld(new OsTransport(), "loopback, libc"));

public sealed class WskDuplexPipeOnSimulatedNetwork() : WskDuplexPipeProperties(new SimulatedStreamWorld());
