using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Wsk.Core;
using Wsk.Shell;

namespace Wsk.Properties.Shell.DataPath;

/// <summary>
/// Receive and disconnect callbacks on loopback, with a client that answers each indication its own way (all, part,
/// not accepted, kept for later): every byte reaches the client once and in order, indications never overlap, and the
/// graceful disconnect comes after the last byte.
/// </summary>
public class IndicationProperties : IDisposable
{
    private readonly PeerWorld _world;

    public IndicationProperties() : this(new OsTransport()) { }

    /// <summary>The same properties over <paramref name="transport"/>.</summary>
    protected IndicationProperties(ITransport transport) => _world = new PeerWorld(transport: transport);

    public enum Answer { All, Part, NotAccepted, Keep }

    private static Arbitrary<(int Length, int[] Chunks, Answer[] Answers, int Seed)> Plans =>
        (from length in Gen.Choose(1, 150_000)
         from chunks in Gen.NonEmptyListOf(Gen.Choose(1, 40_000)).Select(l => l.ToArray())
         from answers in Gen.NonEmptyListOf(Gen.Frequency((4, Gen.Constant(Answer.All)), (2, Gen.Constant(Answer.Part)),
             (1, Gen.Constant(Answer.NotAccepted)), (2, Gen.Constant(Answer.Keep)))).Select(l => l.ToArray())
         from seed in Gen.Choose(0, int.MaxValue)
         select (length, chunks, answers, seed)).ToArbitrary();

    [Property(MaxTest = 25)]
    public Property Every_byte_reaches_the_client_once_in_order_and_the_disconnect_comes_last() =>
        Prop.ForAll(Plans, plan =>
        {
            var data = new byte[plan.Length];
            new Random(plan.Seed).NextBytes(data);
            var client = new Client(plan.Answers);
            var (ours, peer) = _world.Pair(client.Dispatch, context: client);
            var writer = Task.Run(async () =>
            {
                for (int at = 0, i = 0; at < data.Length; i++)
                    at += await peer.SendAsync(data.AsMemory(at, Math.Min(plan.Chunks[i % plan.Chunks.Length], data.Length - at)), SocketFlags.None);
                peer.Shutdown(SocketShutdown.Send);
            });
            var enabled = ours.EnableEventCallbacks(WskEvents.Receive | WskEvents.Disconnect);

            // Whenever indications stop (part or nothing accepted), a WskReceive takes what the provider kept back.
            int receives = 0;
            var deadline = DateTime.UtcNow.AddSeconds(20);
            while (!client.Disconnected.IsSet && DateTime.UtcNow < deadline)
            {
                if (!client.Stopped.Wait(TimeSpan.FromMilliseconds(20))) continue;
                client.Stopped.Reset();
                var buffer = new byte[1 + (receives * 7919 % 30_000)];
                var irp = new Irp();
                // The bytes are recorded in the completion routine: it runs before the provider indicates anything newer,
                // which the waiting thread could not promise.
                irp.SetCompletionRoutine((i, _) =>
                {
                    if (i.IoStatus.Status == NtStatus.Success) client.Append(buffer.AsSpan(0, (int)(long)i.IoStatus.Information!));
                    return NtStatus.MoreProcessingRequired;
                });
                var returned = ours.WskReceive(WskBuf.Of(buffer), 0, irp);
                if (returned.IsPending) PeerWorld.Wait(irp);
                receives++;
            }
            writer.Wait(TimeSpan.FromSeconds(10));
            foreach (var kept in client.TakeKept()) ours.WskRelease(kept);
            bool allReleased = ours.KeptIndications == 0;
            ours.WskCloseSocket(new Irp());
            peer.Dispose();

            var got = client.Received;
            return (enabled == NtStatus.Success && client.Disconnected.IsSet && client.DisconnectFlags == 0 && client.DisconnectCount == 1
                    && !client.DataAfterDisconnect && !client.Overlapped && client.WrongContext == 0 && allReleased
                    && got.AsSpan().SequenceEqual(data))
                .Label($"{plan.Length} B: client got {got.Length} (same bytes {got.AsSpan().SequenceEqual(data)}), enable {enabled}, " +
                       $"all released {allReleased}, wrong context {client.WrongContext}, " +
                       $"disconnect {client.DisconnectCount}× flags {client.DisconnectFlags}, " +
                       $"data after disconnect {client.DataAfterDisconnect}, overlapped {client.Overlapped}, receives {receives}, " +
                       $"indications {client.Indications}")
                .Classify(client.Answered.Contains(Answer.Part), "partly accepted")
                .Classify(client.Answered.Contains(Answer.NotAccepted), "not accepted")
                .Classify(client.Answered.Contains(Answer.Keep), "kept and released")
                .Classify(receives > 0, "WskReceive took kept-back data")
                .Collect(client.Indications < 5 ? "1-4 indications" : "5+ indications");
        });

    /// <summary>A WSK client whose receive callback answers per its script and records what it consumed.</summary>
    private sealed class Client
    {
        private readonly Answer[] _script;
        private readonly MemoryStream _received = new();
        private readonly List<DataIndication> _kept = new();
        private int _inside;

        public Client(Answer[] script)
        {
            _script = script;
            Dispatch = new ConnectionDispatch(ReceiveEvent: OnReceive, DisconnectEvent: OnDisconnect);
        }

        public ConnectionDispatch Dispatch { get; }
        public ManualResetEventSlim Stopped { get; } = new();
        public ManualResetEventSlim Disconnected { get; } = new();
        public HashSet<Answer> Answered { get; } = new();
        public int Indications { get; private set; }
        public int DisconnectCount { get; private set; }
        public uint DisconnectFlags { get; private set; }
        public bool DataAfterDisconnect { get; private set; }
        public bool Overlapped { get; private set; }
        public int WrongContext { get; private set; }

        public byte[] Received { get { lock (_received) return _received.ToArray(); } }

        public void Append(ReadOnlySpan<byte> bytes) { lock (_received) _received.Write(bytes); }

        public List<DataIndication> TakeKept() { lock (_kept) return _kept.ToList(); }

        private NtStatus OnReceive(object? context, uint flags, DataIndication? indication, long indicated, out long accepted)
        {
            accepted = 0;
            if (Interlocked.Increment(ref _inside) != 1) Overlapped = true;
            try
            {
                if (!ReferenceEquals(context, this)) WrongContext++;
                if (indication is null) return NtStatus.Success;
                if (Disconnected.IsSet) DataAfterDisconnect = true;
                var answer = _script[Indications++ % _script.Length];
                Answered.Add(answer);
                var span = indication.Buffer.Span;
                switch (answer)
                {
                    case Answer.Part when indicated > 1:
                        accepted = indicated / 2;
                        Append(span[..(int)accepted]);
                        Stopped.Set();
                        return NtStatus.Success;
                    case Answer.NotAccepted:
                        Stopped.Set();
                        return NtStatus.DataNotAccepted;
                    case Answer.Keep:
                        Append(span);
                        lock (_kept) _kept.Add(indication);
                        return NtStatus.Pending;
                    default:
                        accepted = indicated;
                        Append(span);
                        return NtStatus.Success;
                }
            }
            finally
            {
                Interlocked.Decrement(ref _inside);
            }
        }

        private NtStatus OnDisconnect(object? context, uint flags)
        {
            if (Interlocked.Increment(ref _inside) != 1) Overlapped = true;
            if (!ReferenceEquals(context, this)) WrongContext++;
            DisconnectCount++;
            DisconnectFlags = flags;
            Disconnected.Set();
            Interlocked.Decrement(ref _inside);
            return NtStatus.Success;
        }
    }

    public void Dispose() => _world.Dispose();
}
