using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using Wsk.Shell;
using Wsk.Shell.Simulation;
using Wsk.Properties.Shell.DataPath;
using Wsk.Properties.Shell.Simulation;

namespace Wsk.Properties.Shell.Streams;

/// <summary>The far end of a connection as the stream and pipe properties drive it, on any world.</summary>
public interface IStreamPeer
{
    /// <summary>Writes <paramref name="data"/> to us in pieces of the given sizes.</summary>
    Task WriteAsync(byte[] data, int[] chunks);

    /// <summary>Reads exactly <paramref name="count"/> bytes that we sent.</summary>
    Task<byte[]> ReadAsync(int count);

    /// <summary>Reads until our end of stream or reset: the bytes, and whether it ended with a reset.</summary>
    Task<(byte[] Data, bool Reset)> ReadToEndAsync();

    /// <summary>Ends the peer's outgoing stream (its FIN).</summary>
    void Shutdown();

    /// <summary>Resets the connection from the peer's side.</summary>
    void Reset();
}

/// <summary>Where a stream property runs: it makes connected pairs and tells what stays open.</summary>
public interface IStreamWorld : IDisposable
{
    /// <summary>The world's name in the property output.</summary>
    string Name { get; }

    /// <summary>A connected socket and its peer.</summary>
    (WskConnectedSocket Ours, IStreamPeer Peer) Pair();

    /// <summary>Sockets of ours not closed yet.</summary>
    int OpenSockets { get; }
}

/// <summary>Real loopback over <paramref name="transport"/>: the peer is an accepted .NET socket.</summary>
public sealed class LoopbackStreamWorld(ITransport transport, string name) : IStreamWorld
{
    private readonly PeerWorld _world = new(transport: transport);

    public string Name => name;

    public int OpenSockets => _world.Registration.OpenSockets;

    public (WskConnectedSocket Ours, IStreamPeer Peer) Pair()
    {
        var (ours, peer) = _world.Pair();
        return (ours, new SocketPeer(peer));
    }

    public void Dispose() => _world.Dispose();

    private sealed class SocketPeer(Socket socket) : IStreamPeer
    {
        public async Task WriteAsync(byte[] data, int[] chunks)
        {
            for (int at = 0, i = 0; at < data.Length; i++)
            {
                int n = Math.Min(chunks[i % chunks.Length], data.Length - at);
                at += await socket.SendAsync(data.AsMemory(at, n), SocketFlags.None);
            }
        }

        public async Task<byte[]> ReadAsync(int count)
        {
            var data = new byte[count];
            using var bound = new CancellationTokenSource(StreamWorlds.Bound);
            for (int at = 0; at < count;)
            {
                int n = await socket.ReceiveAsync(data.AsMemory(at), SocketFlags.None, bound.Token);
                if (n == 0) throw new EndOfStreamException($"the stream ended after {at} of {count} bytes");
                at += n;
            }
            return data;
        }

        public Task<(byte[] Data, bool Reset)> ReadToEndAsync() => PeerWorld.ReadToEnd(socket);

        public void Shutdown() => socket.Shutdown(SocketShutdown.Send);

        public void Reset()
        {
            socket.LingerState = new LingerOption(true, 0);
            socket.Close();
        }
    }
}

/// <summary>The simulated network: the peer is the listener's <see cref="SimulatedPeer"/>, which never blocks.</summary>
public sealed class SimulatedStreamWorld : IStreamWorld
{
    private readonly SimulatedRig _rig = new();

    public string Name => "simulated";

    public int OpenSockets => _rig.Registration.OpenSockets;

    public (WskConnectedSocket Ours, IStreamPeer Peer) Pair()
    {
        var (ours, peer) = _rig.Pair();
        return (ours, new Peer(peer));
    }

    public void Dispose() => _rig.Registration.WskReleaseProviderNpi(_rig.Npi);

    private sealed class Peer(SimulatedPeer peer) : IStreamPeer
    {
        public Task WriteAsync(byte[] data, int[] chunks)
        {
            for (int at = 0, i = 0; at < data.Length; i++)
            {
                int n = Math.Min(chunks[i % chunks.Length], data.Length - at);
                if (!peer.Write(data.AsSpan(at, n))) throw new IOException("the simulated connection took no more data");
                at += n;
            }
            return Task.CompletedTask;
        }

        public async Task<byte[]> ReadAsync(int count)
        {
            var all = new MemoryStream();
            var clock = Stopwatch.StartNew();
            while (all.Length < count)
            {
                var got = peer.Read(count - (int)all.Length);
                all.Write(got);
                if (got.Length == 0) await StreamWorlds.Pause(clock);
            }
            return all.ToArray();
        }

        public async Task<(byte[] Data, bool Reset)> ReadToEndAsync()
        {
            var all = new MemoryStream();
            var clock = Stopwatch.StartNew();
            while (true)
            {
                var got = peer.Read();
                all.Write(got);
                if (got.Length > 0) continue;
                if (peer.SawFin || peer.SawReset) return (all.ToArray(), peer.SawReset);
                await StreamWorlds.Pause(clock);
            }
        }

        public void Shutdown() => peer.Shutdown();

        public void Reset() => peer.Reset();
    }
}

/// <summary>What the worlds share.</summary>
public static class StreamWorlds
{
    /// <summary>Bytes built one by one: the Coyote rewrite of the test build breaks constant array initialisers.</summary>
    public static byte[] Bytes(string hex) => Convert.FromHexString(hex);

    /// <summary>What <paramref name="call"/> throws before it returns its task (a refusal at the call), or null.</summary>
    public static Exception? ThrownAtCall(Func<Task> call)
    {
        try
        {
            call();
            return null;
        }
        catch (Exception e)
        {
            return e;
        }
    }

    /// <summary>One chunk size, as an array (see <see cref="Bytes"/> for why not a constant initialiser).</summary>
    public static int[] Chunks(int size)
    {
        var chunks = new int[1];
        chunks[0] = size;
        return chunks;
    }

    /// <summary>The outer bound of every wait: a lost completion fails the property instead of hanging it.</summary>
    public static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    /// <summary>Lets the stream's continuations run (they run on the pool), failing once the bound has passed.</summary>
    public static async Task Pause(Stopwatch clock)
    {
        if (clock.Elapsed > Bound) throw new TimeoutException("nothing moved within the bound: a lost completion");
        await Task.Delay(1);
    }

    /// <summary><paramref name="task"/>'s result, or a <see cref="TimeoutException"/> once the bound has passed.</summary>
    public static async Task<T> Within<T>(Task<T> task, string what)
    {
        if (await Task.WhenAny(task, Task.Delay(Bound)) != task) throw new TimeoutException($"{what} did not finish within the bound");
        return await task;
    }

    /// <summary><paramref name="task"/> finished, or a <see cref="TimeoutException"/> once the bound has passed.</summary>
    public static async Task Within(Task task, string what)
    {
        if (await Task.WhenAny(task, Task.Delay(Bound)) != task) throw new TimeoutException($"{what} did not finish within the bound");
        await task;
    }
}
