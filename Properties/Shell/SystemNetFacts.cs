using System;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Reactive.Linq;
using System.Threading;
using System.Threading.Tasks;
using Wsk.Core;
using Wsk.Properties.Shell.DataPath;
using Wsk.Shell;
using Xunit;

namespace Wsk.Properties.Shell;

/// <summary>
/// The System.Net face of the shell on loopback: connects to an <see cref="EndPoint"/>, the Try and IsSuccess forms
/// whose annotations let the compiler see the socket (no <c>!</c> below), sends of <see cref="ReadOnlyMemory{T}"/>,
/// and a socket that says which connection it is.
/// </summary>
public sealed class SystemNetFacts
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    private static byte[] Pattern(int length, int seed) => Enumerable.Range(0, length).Select(i => (byte)(i * 7 + seed)).ToArray();

    [Fact]
    public async Task A_connect_to_an_IPEndPoint_succeeds_and_the_socket_names_its_connection()
    {
        using var world = new PeerWorld();
        using var cancellation = new CancellationTokenSource(Bound);
        var remote = new IPEndPoint(IPAddress.Loopback, world.Port);

        var done = await world.Npi.Dispatch.ConnectAsync(world.Npi.Client.Id, remote, cancellation.Token);
        Assert.True(done.IsSuccess, $"connect: {done.Status}");
        WskConnectedSocket socket = done.Socket; // MemberNotNullWhen: no '!' after IsSuccess

        var local = socket.LocalAddress;
        Assert.NotNull(local);
        Assert.Equal($"WskConnectedSocket {local} -> 127.0.0.1:{world.Port} (IPv4, open)", socket.ToString());
        Assert.Equal(remote, socket.RemoteAddress?.ToIPEndPoint());

        await socket.CloseAsync();
        Assert.Equal("WskConnectedSocket (IPv4, closed)", socket.ToString());
        Assert.Equal(0, world.Registration.OpenSockets);
    }

    [Fact]
    public async Task The_observable_connects_to_an_IPv6_end_point()
    {
        if (!Socket.OSSupportsIPv6) return;
        using var world = new PeerWorld(AddressFamily.InterNetworkV6);
        var completion = await world.Npi.Dispatch.ConnectObservable(world.Npi.Client.Id, new IPEndPoint(IPAddress.IPv6Loopback, world.Port))
            .Timeout(Bound).FirstAsync();
        Assert.True(completion.IsSuccess, $"connect: {completion.Status}");
        Assert.EndsWith($"-> [::1]:{world.Port} (IPv6, open)", completion.Socket.ToString(), StringComparison.Ordinal);
        await completion.Socket.CloseAsync();
        Assert.Equal(0, world.Registration.OpenSockets);
    }

    [Fact]
    public async Task A_host_name_is_refused_at_the_call_and_opens_nothing()
    {
        using var world = new PeerWorld();
        var dns = new DnsEndPoint("localhost", world.Port);
        Assert.Throws<ArgumentException>(() => world.Npi.Dispatch.ConnectObservable(world.Npi.Client.Id, dns));
        await Assert.ThrowsAsync<ArgumentException>(async () => await world.Npi.Dispatch.ConnectAsync(world.Npi.Client.Id, dns));
        Assert.Equal(0, world.Registration.OpenSockets);
    }

    [Fact]
    public void The_Try_forms_give_the_NPI_and_the_socket_exactly_on_success()
    {
        WskRegistration.WskRegister(new WskClientNpi(null, new WskClientDispatch()), new OsTransport(), out var registration);
        Assert.True(registration.TryCaptureProviderNpi(WskWait.NoWait, out var npi));
        using var world = new PeerWorld();
        var irp = new Irp();
        var returned = npi.Dispatch.WskSocketConnect(ConnectRequest.Tcp(npi.Client.Id, world.Remote), irp); // NotNullWhen: no '!'
        var io = returned.IsPending ? PeerWorld.Wait(irp) : irp.IoStatus;
        Assert.True(io.TryGetSocket(out var socket), $"connect: {io.Status}");
        Assert.False(socket.IsClosed);

        var send = new Irp();
        socket.WskSend(WskBuf.Of(Pattern(3, 1)), 0, send);
        var sent = PeerWorld.Wait(send);
        Assert.Equal(NtStatus.Success, sent.Status);
        Assert.False(sent.TryGetSocket(out var notASocket)); // a send's Information is its byte count
        Assert.Null(notASocket);

        socket.WskCloseSocket(new Irp());
        registration.WskReleaseProviderNpi(npi);
        registration.WskDeregister();
        Assert.False(registration.TryCaptureProviderNpi(WskWait.NoWait, out var after)); // deregistration began: DEVICE_NOT_READY
        Assert.Null(after);
    }

    [Fact]
    public async Task Read_only_memory_is_sent_in_place_and_refused_as_a_receive_buffer()
    {
        using var world = new PeerWorld();
        var (ours, peer) = world.Pair();
        using var _ = peer;
        using var cancellation = new CancellationTokenSource(Bound);

        var whole = Pattern(5000, 3);
        ReadOnlyMemory<byte> slice = whole.AsMemory(11, 4000);
        var first = await ours.SendAsync(slice, cancellationToken: cancellation.Token);
        var second = await ours.SendAsync(WskBuf.CopyOf("hello\n"u8), cancellationToken: cancellation.Token);
        var third = await ours.SendObservable(whole.AsMemory(0, 10)).Timeout(Bound).FirstAsync(); // ReadOnlyMemory via the observable
        Assert.Equal((NtStatus.Success, 4000L), (first.Status, first.Bytes));
        Assert.Equal((NtStatus.Success, 6L), (second.Status, second.Bytes));
        Assert.Equal((NtStatus.Success, 10L), (third.Status, third.Bytes));
        await ours.DisconnectAsync(cancellationToken: cancellation.Token);
        var (data, reset) = await PeerWorld.ReadToEnd(peer);
        Assert.False(reset);
        Assert.Equal(whole.Skip(11).Take(4000).Concat("hello\n"u8.ToArray()).Concat(whole.Take(10)).ToArray(), data);

        peer.Send(Pattern(8, 9));
        var refused = await ours.ReceiveAsync(WskBuf.Of((ReadOnlyMemory<byte>)new byte[8]), cancellationToken: cancellation.Token);
        Assert.Equal(NtStatus.InvalidParameter, refused.Status);
        var into = new byte[8];
        var got = await ours.ReceiveAsync(WskBuf.Of(into), WskFlags.WaitAll, cancellation.Token); // nothing was consumed
        Assert.Equal((NtStatus.Success, 8L), (got.Status, got.Bytes));
        Assert.Equal(Pattern(8, 9), into);
        await ours.CloseAsync();
    }
}
