using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net.Sockets;
using System.Threading.Tasks;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Wsk.Core;
using Wsk.Shell;

namespace Wsk.Properties.Shell.DataPath;

/// <summary>Bytes end to end on loopback: what goes in comes out, in order, once; the end of the stream is a 0-byte receive.</summary>
public class StreamProperties : IDisposable
{
    private readonly PeerWorld _world;

    public StreamProperties() : this(new OsTransport()) { }

    /// <summary>The same properties over <paramref name="transport"/>.</summary>
    protected StreamProperties(ITransport transport) => _world = new PeerWorld(transport: transport);

    public sealed record Plan(int OutLength, int[] SendChunks, int InLength, int[] PeerChunks, int[] ReceiveSizes, bool[] WaitAll, int Seed)
    {
        public override string ToString() =>
            $"out {OutLength} B in {SendChunks.Length} sends, in {InLength} B in {PeerChunks.Length} peer writes, " +
            $"receives [{string.Join(",", ReceiveSizes.Take(6))}…]";
    }

    /// <summary>Chunk sizes from 1 B to past one 64 KiB window: how a test cuts a payload into writes or reads.</summary>
    internal static Gen<int[]> Chunks =>
        Gen.NonEmptyListOf(Gen.Frequency((3, Gen.Choose(1, 512)), (2, Gen.Choose(513, 16_384)), (1, Gen.Choose(16_385, 70_000))))
            .Select(l => l.ToArray());

    private static Arbitrary<Plan> Plans =>
        (from outLength in Gen.Frequency((1, Gen.Constant(0)), (4, Gen.Choose(1, 120_000)))
         from sends in Chunks
         from inLength in Gen.Frequency((1, Gen.Constant(0)), (4, Gen.Choose(1, 120_000)))
         from peer in Chunks
         from receives in Chunks
         from waitAll in Gen.ArrayOf(Gen.Frequency((3, Gen.Constant(false)), (1, Gen.Constant(true))), 16)
         from seed in Gen.Choose(0, int.MaxValue)
         select new Plan(outLength, sends, inLength, peer, receives, waitAll, seed)).ToArbitrary();

    [Property(MaxTest = 25)]
    public Property Bytes_received_equal_bytes_sent_both_ways_and_the_end_is_one_zero_byte_receive() =>
        Prop.ForAll(Plans, plan =>
        {
            var random = new Random(plan.Seed);
            var outgoing = new byte[plan.OutLength];
            var incoming = new byte[plan.InLength];
            random.NextBytes(outgoing);
            random.NextBytes(incoming);
            var (ours, peer) = _world.Pair();
            var peerReads = PeerWorld.ReadToEnd(peer);
            var peerWrites = Task.Run(async () =>
            {
                int at = 0, i = 0;
                while (at < incoming.Length)
                {
                    int n = Math.Min(plan.PeerChunks[i++ % plan.PeerChunks.Length], incoming.Length - at);
                    at += await peer.SendAsync(incoming.AsMemory(at, n), SocketFlags.None);
                }
                peer.Shutdown(SocketShutdown.Send);
            });

            // Every send is posted at once: several are outstanding together and must still arrive in order.
            var irps = new List<(Irp Irp, NtStatus Returned, int Length)>();
            for (int at = 0, i = 0; at < outgoing.Length; i++)
            {
                int n = Math.Min(plan.SendChunks[i % plan.SendChunks.Length], outgoing.Length - at);
                var irp = new Irp();
                irps.Add((irp, ours.WskSend(new WskBuf(outgoing, at, n), 0, irp), n));
                at += n;
            }
            var disconnect = new Irp();
            var disconnectReturned = ours.WskDisconnect(null, 0, disconnect); // graceful: after every send

            // Receive after our FIN: the connection is half-closed, and the incoming direction stays open.
            var received = new MemoryStream();
            int receives = 0, zeroAt = -1, pendingReceives = 0;
            var shortWaitAll = new List<int>(); // a WAITALL receive may come back short only when the stream ended right after it
            while (true)
            {
                int size = plan.ReceiveSizes[receives % plan.ReceiveSizes.Length];
                bool waitAll = plan.WaitAll[receives % plan.WaitAll.Length];
                var buffer = new byte[size];
                var irp = new Irp();
                var returned = ours.WskReceive(WskBuf.Of(buffer), waitAll ? WskFlags.WaitAll : 0, irp);
                if (returned.IsPending) pendingReceives++;
                var io = returned.IsPending ? PeerWorld.Wait(irp) : irp.IoStatus;
                receives++;
                if (io.Status != NtStatus.Success || irp.CompletionCount != 1) return false.Label($"receive {receives}: {io.Status} ×{irp.CompletionCount}");
                int got = (int)(long)io.Information!;
                if (got == 0) { zeroAt = receives; break; }
                if (waitAll && got < size) shortWaitAll.Add(receives);
                received.Write(buffer, 0, got);
            }

            foreach (var (irp, returned, _) in irps) if (returned.IsPending) PeerWorld.Wait(irp);
            if (disconnectReturned.IsPending) PeerWorld.Wait(disconnect);
            peerWrites.Wait(TimeSpan.FromSeconds(20));
            var (peerGot, reset) = peerReads.Result;
            ours.WskCloseSocket(new Irp());
            peer.Dispose();

            bool sendsOnce = irps.All(s => s.Irp.CompletionCount == 1 && s.Irp.IoStatus.Status == NtStatus.Success
                                           && (long)s.Irp.IoStatus.Information! == s.Length && s.Irp.Violations.Count == 0);
            return (sendsOnce && disconnect.IoStatus.Status == NtStatus.Success && disconnect.CompletionCount == 1
                    && !reset && peerGot.AsSpan().SequenceEqual(outgoing) && received.ToArray().AsSpan().SequenceEqual(incoming)
                    && zeroAt == receives && shortWaitAll.All(i => i == zeroAt - 1))
                .Label($"{plan}: peer got {peerGot.Length}/{outgoing.Length} (reset {reset}), we got {received.Length}/{incoming.Length}, " +
                       $"zero-byte receive at {zeroAt} of {receives}, short WAITALL receives at [{string.Join(",", shortWaitAll)}], sends once {sendsOnce}")
                .Classify(irps.Any(s => s.Returned.IsPending), "some sends pending")
                .Classify(irps.Any(s => !s.Returned.IsPending), "some sends inline")
                .Classify(pendingReceives > 0, "some receives pending")
                .Classify(plan.WaitAll.Any(w => w), "WAITALL used")
                .Classify(plan.OutLength == 0 || plan.InLength == 0, "an empty direction")
                .Collect(irps.Count switch { 0 => "no send", < 5 => "1-4 sends", _ => "5+ sends" });
        });

    public void Dispose() => _world.Dispose();
}
