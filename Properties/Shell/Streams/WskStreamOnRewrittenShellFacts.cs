using System;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using Wsk.Properties.Shell.DataPath;
using Wsk.Shell;
using Xunit;

namespace Wsk.Properties.Shell.Streams;

/// <summary>
/// A read that waits for the peer's bytes, and a write big enough to wait for the peer to read, on a <see cref="WskStream"/>
/// over the Coyote-rewritten shell (the default build): the rewriter once turned the stream's pooling async methods into
/// invalid IL, so the first read that waited threw InvalidProgramException. The stream now waits without async methods.
/// </summary>
public sealed class WskStreamOnRewrittenShellFacts
{
    [Fact]
    public async Task A_read_and_writes_that_wait_complete_on_the_rewritten_shell()
    {
        using var world = new PeerWorld();
        var (ours, peer) = world.Pair();
        using var _ = peer;
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await using var stream = ours.AsStream();

        var buffer = new byte[16];
        var read = stream.ReadAsync(buffer, cts.Token).AsTask(); // nothing has arrived: the receive is pending
        await peer.SendAsync(StreamWorlds.Bytes("010203"), SocketFlags.None, cts.Token);
        Assert.Equal(3, await read.WaitAsync(cts.Token));
        Assert.Equal(StreamWorlds.Bytes("010203"), buffer[..3]);

        var big = new byte[8 << 20]; // more than the socket buffers hold: the send waits for the peer to read
        var write = stream.WriteAsync(big, cts.Token).AsTask();
        var drained = PeerWorld.ReadToEnd(peer);
        await write.WaitAsync(cts.Token);
        // Our end, then the peer's: with both ends sent the close is graceful. (A close before the peer's end resets,
        // and bytes still in our kernel's send buffer would go with the reset: rule StreamDisposeCloses.)
        await stream.Socket.DisconnectAsync();
        var (got, reset) = await drained.WaitAsync(cts.Token);
        peer.Shutdown(SocketShutdown.Send);
        Assert.Equal(0, await stream.ReadAsync(buffer, cts.Token).AsTask().WaitAsync(cts.Token));
        await stream.DisposeAsync();
        Assert.False(reset, "the peer saw a reset before our end");
        Assert.Equal(big.Length, got.Length);
    }
}
