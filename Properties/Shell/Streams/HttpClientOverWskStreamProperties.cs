using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Security;
using System.Security.Cryptography;
using System.Threading;
using System.Threading.Tasks;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Xunit;

namespace Wsk.Properties.Shell.Streams;

/// <summary>
/// HttpClient over our stream: SocketsHttpHandler's ConnectCallback connects with WskSocketConnect and returns a
/// WskStream, against Kestrel on loopback. Every body comes back as sent, pooled connections are reused, and disposing
/// the client closes every socket we connected.
/// </summary>
public sealed class HttpClientOverWskStreamProperties : IClassFixture<KestrelEcho>, IDisposable
{
    private readonly KestrelEcho _kestrel;
    private readonly WskStreamWorld _world = new();

    public HttpClientOverWskStreamProperties(KestrelEcho kestrel) => _kestrel = kestrel;

    /// <summary>How a body is handed to HttpClient: one array, or written in pieces with or without a known length.</summary>
    public enum Body { ByteArray, PiecesWithLength, PiecesChunkedEncoding }

    public sealed record Request(HttpMethod Method, int Length, Body Body, int[] Pieces);

    public sealed record Plan(Request[] Requests, int Seed)
    {
        public override string ToString() =>
            $"{Requests.Length} requests [{string.Join(", ", Requests.Select(r => $"{r.Method} {r.Length} B as {r.Body} ({r.Pieces.Length} piece sizes)"))}]";
    }

    private static Gen<Request> Requests =>
        from method in Gen.Elements(HttpMethod.Post, HttpMethod.Put)
        from length in Gen.Frequency((1, Gen.Constant(0)), (3, Gen.Choose(1, 4_000)), (3, Gen.Choose(4_001, 80_000)), (2, Gen.Choose(80_001, 300_000)))
        from body in Gen.Choose(0, 2).Select(i => (Body)i)
        from pieces in Gen.NonEmptyListOf(Gen.Frequency((3, Gen.Choose(1, 1_000)), (2, Gen.Choose(1_001, 32_768)), (1, Gen.Choose(32_769, 120_000))))
        select new Request(method, length, body, pieces.ToArray());

    private static Arbitrary<Plan> Plans(int most) =>
        (from requests in Gen.Choose(1, most).SelectMany(n => Gen.ArrayOf(Requests, n))
         from seed in Gen.Choose(0, int.MaxValue)
         select new Plan(requests, seed)).ToArbitrary();

    [Property(MaxTest = 15)]
    public Property Sequential_requests_echo_every_body_over_one_pooled_connection_and_dispose_closes_it() =>
        Prop.ForAll(Plans(5), plan => WskStreamWorld.Bounded($"the HTTP case {plan}", async token =>
        {
            var outcome = await Exchange(plan, https: false, http2: false, token);
            return outcome.Verdict(plan, expectedVersion: HttpVersion.Version11)
                .Classify(plan.Requests.Any(r => r.Body == Body.PiecesChunkedEncoding && r.Length > 0), "chunked transfer encoding")
                .Classify(plan.Requests.Any(r => r.Length > 150_000), "a body over 150 KB")
                .Classify(plan.Requests.Any(r => r.Length == 0), "an empty body")
                .Classify(plan.Requests.Select(r => r.Method).Distinct().Count() == 2, "POST and PUT")
                .Collect(plan.Requests.Length == 1 ? "1 request" : "2-5 requests on one connection");
        }));

    [Property(MaxTest = 10)]
    public Property Requests_over_https_echo_every_body_over_one_connection_with_http11_in_turn_or_http2_at_once() =>
        Prop.ForAll(Plans(4), Gen.Choose(0, 1).Select(i => i == 1).ToArbitrary(), (plan, http2) =>
            WskStreamWorld.Bounded($"the HTTPS case {plan}", async token =>
        {
            var outcome = await Exchange(plan, https: true, http2, token);
            return outcome.Verdict(plan, expectedVersion: http2 ? HttpVersion.Version20 : HttpVersion.Version11)
                .Classify(plan.Requests.Any(r => r.Length > 150_000), "a body over 150 KB")
                .Collect(http2 ? $"HTTP/2, {plan.Requests.Length} requests at once" : "HTTP/1.1 in turn");
        }));

    /// <summary>What went wrong in the responses, how many connects the handler asked for, and the sockets open around the client's dispose.</summary>
    private sealed record Outcome(List<string> Wrong, int Connects, int OpenBeforeDispose, int OpenAfterDispose)
    {
        public Property Verdict(Plan plan, Version expectedVersion) =>
            (Wrong.Count == 0 && Connects == 1 && OpenBeforeDispose == 1 && OpenAfterDispose == 0)
            .Label($"{plan}, expected HTTP/{expectedVersion}: {Connects} connects, open sockets {OpenBeforeDispose} before the client's dispose, " +
                   $"{OpenAfterDispose} after it; {(Wrong.Count == 0 ? "every response right" : string.Join("; ", Wrong))}");
    }

    /// <summary>
    /// Sends the plan's requests on one new HttpClient whose connections are ours (in turn, or all at once over HTTP/2),
    /// checks each response against what was sent, then disposes the client and counts the sockets left open.
    /// </summary>
    private async Task<Outcome> Exchange(Plan plan, bool https, bool http2, CancellationToken token)
    {
        var random = new Random(plan.Seed);
        var bodies = plan.Requests.Select(r =>
        {
            var bytes = new byte[r.Length];
            random.NextBytes(bytes);
            return bytes;
        }).ToArray();
        int connectsBefore = _world.Connects;
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (context, cancellationToken) =>
                await _world.ConnectAsync(context.DnsEndPoint.Host, context.DnsEndPoint.Port, cancellationToken),
            SslOptions = new SslClientAuthenticationOptions { RemoteCertificateValidationCallback = LoopbackCertificate.AcceptsOnlyOurs },
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1),
        };
        var client = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(30) };
        var uri = new Uri(https ? $"https://127.0.0.1:{_kestrel.HttpsPort}/echo" : $"http://127.0.0.1:{_kestrel.HttpPort}/echo");
        var version = http2 ? HttpVersion.Version20 : HttpVersion.Version11;
        var wrong = new List<string>();
        Outcome outcome;
        try
        {
            if (http2)
            {
                var all = await Task.WhenAll(plan.Requests.Select((r, i) => Send(client, uri, version, r, bodies[i], i + 1, token)));
                wrong.AddRange(all.SelectMany(w => w));
            }
            else for (int i = 0; i < plan.Requests.Length; i++) wrong.AddRange(await Send(client, uri, version, plan.Requests[i], bodies[i], i + 1, token));
        }
        finally
        {
            int openBefore = _world.Registration.OpenSockets;
            client.Dispose(); // disposes every pooled connection, and each its WskStream: a WskCloseSocket, waited for
            outcome = new Outcome(wrong, _world.Connects - connectsBefore, openBefore, _world.Registration.OpenSockets);
        }
        return outcome;
    }

    private static async Task<List<string>> Send(HttpClient client, Uri uri, Version version, Request request, byte[] body, int number, CancellationToken token)
    {
        using var message = new HttpRequestMessage(request.Method, uri)
        {
            Version = version,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = request.Body == Body.ByteArray
                ? new ByteArrayContent(body)
                : new PiecesContent(body, request.Pieces, lengthKnown: request.Body == Body.PiecesWithLength),
        };
        using var response = await client.SendAsync(message, token);
        var echoed = await response.Content.ReadAsByteArrayAsync(token);
        var wrong = new List<string>();
        string Header(string name) => response.Headers.TryGetValues(name, out var values) ? string.Join(",", values) : "(none)";
        if (response.StatusCode != HttpStatusCode.OK) wrong.Add($"request {number}: status {(int)response.StatusCode}");
        if (response.Version != version) wrong.Add($"request {number}: answered in HTTP/{response.Version}");
        if (!echoed.AsSpan().SequenceEqual(body)) wrong.Add($"request {number}: {echoed.Length} B echoed of {body.Length}, not the same bytes");
        if (Header("X-Body-SHA256") != Convert.ToHexString(SHA256.HashData(body))) wrong.Add($"request {number}: the server hashed other bytes");
        if (Header("X-Method") != request.Method.Method) wrong.Add($"request {number}: the server saw {Header("X-Method")}");
        return wrong;
    }

    /// <summary>A body written in the given piece sizes (cycled); its length is known to HttpClient or not (then chunked encoding over HTTP/1.1).</summary>
    private sealed class PiecesContent(byte[] data, int[] pieces, bool lengthKnown) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
        {
            for (int at = 0, i = 0; at < data.Length; i++)
            {
                int n = Math.Min(pieces[i % pieces.Length], data.Length - at);
                await stream.WriteAsync(data.AsMemory(at, n), cancellationToken);
                at += n;
            }
        }

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
            SerializeToStreamAsync(stream, context, CancellationToken.None);

        protected override bool TryComputeLength(out long length)
        {
            length = data.Length;
            return lengthKnown;
        }
    }

    public void Dispose() => _world.Dispose();
}
