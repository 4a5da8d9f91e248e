using System;
using System.Net;
using System.Net.Sockets;
using System.Threading.Tasks;
using Microsoft.Extensions.Time.Testing;
using Wsk.Core;
using Wsk.Shell;
using Xunit;

namespace Wsk.Properties.Shell.Disposal;

/// <summary>Disposal on real loopback sockets (127.0.0.1 only, every wait bounded): the OS peer sees what the contract says.</summary>
public sealed class LoopbackDisposalFacts
{
    private sealed class Loopback : IDisposable
    {
        private readonly Socket _listener = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);

        public Loopback()
        {
            _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            _listener.Listen(4);
            // The shared provider's transport, waiting on virtual time: a disposal's limit passes when the fact says so.
            WskRegistration.WskRegister(new WskClientNpi(null, new WskClientDispatch()),
                new WskProvider(WskProvider.Shared.Transport, Time), out var registration);
            Registration = registration;
            Verifier.Attach(registration);
            registration.WskCaptureProviderNpi(WskWait.NoWait, out var npi);
            Npi = npi!;
        }

        public FakeTimeProvider Time { get; } = new();

        public WskRegistration Registration { get; }
        public WskProviderNpi Npi { get; }
        public WskVerifier Verifier { get; } = new();

        public async Task<(WskConnectedSocket Socket, Socket Peer)> PairAsync()
        {
            var port = (ushort)((IPEndPoint)_listener.LocalEndPoint!).Port;
            var done = await Npi.Dispatch.ConnectAsync(ConnectRequest.Tcp(Npi.Client.Id, SockAddrIn.Loopback(port)));
            Assert.Equal(NtStatus.Success, done.Status);
            var peer = await _listener.AcceptAsync().WaitAsync(TimeSpan.FromSeconds(2));
            return (done.Socket!, peer);
        }

        public void Dispose()
        {
            _listener.Dispose();
            Npi.Dispose();
            Registration.Dispose();
        }
    }

    [Fact]
    public async Task Dispose_resets_the_OS_peer_and_a_dispose_after_close_or_a_second_one_does_nothing()
    {
        using var loopback = new Loopback();
        var (socket, peer) = await loopback.PairAsync();
        using (peer)
        {
            socket.Dispose();
            socket.Dispose();
            var e = await Assert.ThrowsAsync<SocketException>(async () =>
                await peer.ReceiveAsync(new byte[8].AsMemory()).AsTask().WaitAsync(TimeSpan.FromSeconds(2)));
            Assert.Equal(SocketError.ConnectionReset, e.SocketErrorCode); // rule CloseIsAbortiveUnlessDisconnected
        }
        var (closed, other) = await loopback.PairAsync();
        using (other)
        {
            Assert.Equal(NtStatus.Success, closed.WskCloseSocket(new Irp()));
            await closed.DisposeAsync();
        }
        Assert.Equal(0, loopback.Registration.OpenSockets);
        Assert.Empty(loopback.Verifier.Findings);
    }

    [Fact]
    public async Task DisposeAsync_ends_gracefully_when_the_OS_peer_has_ended_and_reads_every_byte_first()
    {
        using var loopback = new Loopback();
        var (socket, peer) = await loopback.PairAsync();
        using (peer)
        {
            peer.Shutdown(SocketShutdown.Send);
            var end = await socket.ReceiveAsync(WskBuf.Of(new byte[8]));
            Assert.Equal((NtStatus.Success, 0L), (end.Status, end.Bytes));
            Assert.Equal(5L, (await socket.SendAsync(WskBuf.Of(SocketDisposalFacts.Bytes(5)))).Bytes);
            await socket.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(2));
            var got = new byte[16];
            int total = 0, n;
            while ((n = await peer.ReceiveAsync(got.AsMemory(total)).AsTask().WaitAsync(TimeSpan.FromSeconds(2))) > 0) total += n;
            Assert.Equal(5, total); // then 0: the FIN, no reset
        }
        Assert.Empty(loopback.Verifier.Findings);
    }

    [Fact]
    public async Task DisposeAsync_of_a_socket_whose_OS_peer_never_reads_ends_at_its_limit()
    {
        using var loopback = new Loopback();
        var (socket, peer) = await loopback.PairAsync();
        using (peer)
        {
            var send = new Irp();
            // More than loopback's socket buffers hold while the peer reads nothing: the send and so the graceful disconnect never finish.
            Assert.Equal(NtStatus.Pending, socket.WskSend(WskBuf.Of(new byte[64 << 20]), 0, send));
            var disposing = socket.DisposeAsync(TimeSpan.FromMilliseconds(300)).AsTask();
            // No virtual time has passed: the graceful part must still be waiting for a send that cannot finish.
            Assert.False(await Task.WhenAny(disposing, Task.Delay(200)) == disposing, "ended before its limit");
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5); // real time bounds the fact; the limit is virtual
            while (!disposing.IsCompleted && DateTime.UtcNow < deadline)
            {
                loopback.Time.Advance(TimeSpan.FromMilliseconds(300)); // the limit's timer may start after an advance
                await Task.WhenAny(disposing, Task.Delay(20));
            }
            await disposing.WaitAsync(TimeSpan.FromSeconds(1));
            Assert.True(socket.IsClosed);
            Assert.Equal(NtStatus.Cancelled, send.IoStatus.Status);
        }
        Assert.Equal(0, loopback.Registration.OpenSockets);
        Assert.DoesNotContain(loopback.Verifier.Verify(), f => f.Rule is VerifierRule.SocketLeaked or VerifierRule.IrpNeverCompleted);
    }
}
