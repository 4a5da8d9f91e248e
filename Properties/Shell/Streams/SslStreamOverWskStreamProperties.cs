using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Threading;
using System.Threading.Tasks;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Wsk.Properties.Shell.Streams;

/// <summary>
/// TLS over our stream: a client SslStream over a WskStream against a server SslStream over a plain .NET socket on
/// loopback. The handshake pins the test's own certificate; then messages go both ways (one way at a time or both at
/// once), and every byte arrives as written; disposing the SslStream ends our stream gracefully and closes our socket.
/// </summary>
public sealed class SslStreamOverWskStreamProperties : IDisposable
{
    private readonly WskStreamWorld _world = new();
    private readonly Socket _listener;
    private readonly int _port;

    public SslStreamOverWskStreamProperties()
    {
        _listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _listener.Listen(16);
        _port = ((IPEndPoint)_listener.LocalEndPoint!).Port;
    }

    public enum Way { ToServer, ToClient, BothAtOnce }

    public sealed record Message(Way Way, int Length, int[] Chunks);

    public sealed record Plan(SslProtocols ClientProtocols, Message[] Messages, bool DisposeAsync, int Seed)
    {
        public override string ToString() =>
            $"client {ClientProtocols}, {Messages.Length} messages " +
            $"[{string.Join(", ", Messages.Select(m => $"{m.Way} {m.Length} B in {m.Chunks.Length} chunks"))}], " +
            $"{(DisposeAsync ? "DisposeAsync" : "Dispose")}";
    }

    private static Gen<int> Lengths =>
        Gen.Frequency((1, Gen.Constant(0)), (3, Gen.Choose(1, 2_000)), (3, Gen.Choose(2_001, 40_000)), (2, Gen.Choose(40_001, 200_000)));

    private static Gen<int[]> Chunks =>
        Gen.NonEmptyListOf(Gen.Frequency((3, Gen.Choose(1, 700)), (2, Gen.Choose(701, 16_384)), (1, Gen.Choose(16_385, 90_000))))
            .Select(l => l.ToArray());

    private static Arbitrary<Plan> Plans =>
        (from protocols in Gen.Choose(0, 2).Select(i => i == 0 ? SslProtocols.Tls12 : i == 1 ? SslProtocols.Tls13 : SslProtocols.Tls12 | SslProtocols.Tls13)
         from messages in Gen.Choose(1, 5).SelectMany(n => Gen.ArrayOf(
             from way in Gen.Choose(0, 2).Select(i => (Way)i)
             from length in Lengths
             from chunks in Chunks
             select new Message(way, length, chunks), n))
         from disposeAsync in Gen.Choose(0, 1).Select(i => i == 1)
         from seed in Gen.Choose(0, int.MaxValue)
         select new Plan(protocols, messages, disposeAsync, seed)).ToArbitrary();

    [Property(MaxTest = 20)]
    public Property Bytes_arrive_as_written_both_ways_over_tls_and_disposing_the_ssl_stream_closes_our_socket() =>
        Prop.ForAll(Plans, plan => WskStreamWorld.Bounded($"the TLS case {plan}", async token =>
        {
            var random = new Random(plan.Seed);
            var accepting = _listener.AcceptAsync(token).AsTask();
            var ours = await _world.ConnectAsync("127.0.0.1", _port, token);
            var client = new SslStream(ours, leaveInnerStreamOpen: false);
            using var peer = await accepting;
            await using var server = new SslStream(new NetworkStream(peer, ownsSocket: false), leaveInnerStreamOpen: false);
            await Task.WhenAll(
                server.AuthenticateAsServerAsync(new SslServerAuthenticationOptions
                {
                    ServerCertificate = LoopbackCertificate.Certificate,
                    EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
                }, token),
                client.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
                {
                    TargetHost = "localhost",
                    EnabledSslProtocols = plan.ClientProtocols,
                    RemoteCertificateValidationCallback = LoopbackCertificate.AcceptsOnlyOurs,
                }, token));
            // The client offers only what the plan allows, and the server both: the newest offered one is negotiated.
            var expected = plan.ClientProtocols.HasFlag(SslProtocols.Tls13) ? SslProtocols.Tls13 : SslProtocols.Tls12;
            var negotiated = client.SslProtocol;

            var wrong = new List<string>();
            int i = 0;
            foreach (var message in plan.Messages)
            {
                i++;
                var up = new byte[message.Way == Way.ToClient ? 0 : message.Length];
                var down = new byte[message.Way == Way.ToServer ? 0 : message.Length];
                random.NextBytes(up);
                random.NextBytes(down);
                var transfers = new List<Task<byte[]>>();
                if (message.Way != Way.ToClient)
                {
                    transfers.Add(WriteInChunks(client, up, message.Chunks, token));
                    transfers.Add(ReadExactly(server, up.Length, token));
                }
                if (message.Way != Way.ToServer)
                {
                    transfers.Add(WriteInChunks(server, down, message.Chunks, token));
                    transfers.Add(ReadExactly(client, down.Length, token));
                }
                var results = await Task.WhenAll(transfers);
                if (message.Way != Way.ToClient && !results[1].AsSpan().SequenceEqual(up)) wrong.Add($"message {i}: the server read other bytes");
                if (message.Way != Way.ToServer && !results[^1].AsSpan().SequenceEqual(down)) wrong.Add($"message {i}: the client read other bytes");
            }

            int openBefore = _world.Registration.OpenSockets;
            if (plan.DisposeAsync) await client.DisposeAsync();
            else client.Dispose();
            int openAfter = _world.Registration.OpenSockets;

            // Our dispose ends the stream gracefully (the FIN after every byte written): the server's next read is the end.
            var end = new byte[1];
            string serverEnd;
            try { serverEnd = await server.ReadAsync(end, token) == 0 ? "end of stream" : "a byte"; }
            catch (IOException) { serverEnd = "a failed read"; }

            return (negotiated == expected && wrong.Count == 0 && openBefore == 1 && openAfter == 0 && serverEnd == "end of stream")
                .Label($"{plan}: negotiated {negotiated} (expected {expected}), open sockets {openBefore} before dispose, {openAfter} after; " +
                       $"the server's last read saw {serverEnd}; {(wrong.Count == 0 ? "bytes equal" : string.Join("; ", wrong))}")
                .Classify(negotiated == SslProtocols.Tls13, "TLS 1.3")
                .Classify(negotiated == SslProtocols.Tls12, "TLS 1.2")
                .Classify(plan.Messages.Any(m => m.Way == Way.BothAtOnce && m.Length > 0), "both ways at once")
                .Classify(plan.Messages.Any(m => m.Length > 100_000), "a message over 100 KB")
                .Classify(plan.Messages.Any(m => m.Length == 0), "an empty message")
                .Classify(plan.DisposeAsync, "DisposeAsync")
                .Collect(plan.Messages.Length == 1 ? "1 message" : "2-5 messages");
        }));

    /// <summary>Writes <paramref name="data"/> in the plan's chunk sizes (cycled), then flushes.</summary>
    private static async Task<byte[]> WriteInChunks(Stream stream, byte[] data, int[] chunks, CancellationToken token)
    {
        for (int at = 0, i = 0; at < data.Length; i++)
        {
            int n = Math.Min(chunks[i % chunks.Length], data.Length - at);
            await stream.WriteAsync(data.AsMemory(at, n), token);
            at += n;
        }
        await stream.FlushAsync(token);
        return data;
    }

    private static async Task<byte[]> ReadExactly(Stream stream, int length, CancellationToken token)
    {
        var buffer = new byte[length];
        await stream.ReadExactlyAsync(buffer, token);
        return buffer;
    }

    public void Dispose()
    {
        _listener.Dispose();
        _world.Dispose();
    }
}
