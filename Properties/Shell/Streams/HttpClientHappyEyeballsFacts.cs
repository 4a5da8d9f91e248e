using System;
using System.Collections.Concurrent;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using Wsk.Core;
using Wsk.Shell;
using Xunit;

namespace Wsk.Properties.Shell.Streams;

/// <summary>
/// HttpClient by host name: SocketsHttpHandler's ConnectCallback hands the name to the Happy Eyeballs connect
/// (<c>npi.ConnectAsync(host, port)</c>) and returns the winner as a WskStream. Kestrel listens on 127.0.0.1 only, and
/// <c>localhost</c> answers ::1 first, so the IPv6 attempt is refused and the IPv4 one carries the requests.
/// </summary>
public sealed class HttpClientHappyEyeballsFacts : IClassFixture<KestrelEcho>
{
    private readonly KestrelEcho _kestrel;

    public HttpClientHappyEyeballsFacts(KestrelEcho kestrel) => _kestrel = kestrel;

    [Fact]
    public async Task Requests_to_localhost_go_through_the_IPv4_winner_and_dispose_closes_it()
    {
        WskRegistration.WskRegister(new WskClientNpi(null, new WskClientDispatch()), new OsTransport(), TableResolver.Loopback,
            out var registration);
        registration.WskCaptureProviderNpi(WskWait.NoWait, out var captured);
        var npi = captured!;
        var winners = new ConcurrentQueue<SockAddr>();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (context, token) =>
            {
                var done = await npi.ConnectAsync(context.DnsEndPoint.Host, context.DnsEndPoint.Port, cancellationToken: token);
                if (!done.IsSuccess) throw new HttpRequestException($"no address of {context.DnsEndPoint} connected: {done.Status}");
                winners.Enqueue(done.Address);
                return done.Socket.AsStream();
            },
        };
        using (var http = new HttpClient(handler))
        {
            for (int i = 0; i < 3; i++)
            {
                var body = new byte[10_000 * (i + 1)];
                new Random(i).NextBytes(body);
                using var response = await http.PostAsync($"http://localhost:{_kestrel.HttpPort}/echo", new ByteArrayContent(body), cts.Token);
                response.EnsureSuccessStatusCode();
                Assert.Equal(body, await response.Content.ReadAsByteArrayAsync(cts.Token));
            }
        }
        Assert.Equal(new SockAddr[] { SockAddrIn.Loopback(_kestrel.HttpPort) }, winners.ToArray()); // one pooled connection
        Assert.Equal(0, registration.OpenSockets);
        registration.WskReleaseProviderNpi(npi);
        Assert.True(registration.WskDeregister(TimeSpan.FromSeconds(5), out _));
    }
}
