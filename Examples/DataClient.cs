using System;
using System.IO;
using System.Net;
using System.Threading;
using System.Threading.Tasks;

namespace Wsk.Examples;

/// <summary>
/// One way of moving data over a connection, for the data-path rows. As with <see cref="BenchClient"/>, each connection
/// writes its own loops, so the only per-operation work is the send or receive itself: the loops allocate nothing, and
/// an async method's box is allocated once per loop (at its first suspension), not per await.
/// </summary>
internal abstract class DataClient
{
    /// <summary>The row label.</summary>
    public abstract string Name { get; }

    /// <summary>The raw client this row is judged against; null for a raw row (a baseline itself).</summary>
    public DataClient? Baseline { get; init; }

    /// <summary>Opens one connection to <paramref name="server"/> (not measured).</summary>
    public abstract Task<DataConnection> OpenAsync(IPEndPoint server);
}

/// <summary>One open connection of a <see cref="DataClient"/>, with its buffers (and IRPs) allocated once.</summary>
internal abstract class DataConnection : IAsyncDisposable
{
    public const int MessageSize = 64;

    protected readonly byte[] Request = new byte[MessageSize];
    protected readonly byte[] Response = new byte[MessageSize];

    protected DataConnection() => Request.AsSpan().Fill((byte)'q');

    /// <summary>Writes <paramref name="chunk"/> <paramref name="count"/> times, each one write call.</summary>
    public abstract Task BulkAsync(ReadOnlyMemory<byte> chunk, int count);

    /// <summary>
    /// Round trips until <paramref name="measurement"/> has none left: one <see cref="MessageSize"/>-byte write, then reads
    /// until as many bytes came back.
    /// </summary>
    public abstract Task RoundTripsAsync(DataMeasurement measurement);

    public abstract ValueTask DisposeAsync();

    protected static InvalidOperationException Ended(string what) => new($"{what}: the server closed the connection");
}

/// <summary>
/// The connection of both Stream rows (raw NetworkStream and WskStream): the same calls through the same Stream overloads,
/// so the two rows differ only in the stream under them.
/// </summary>
internal sealed class StreamDataConnection(Stream stream, string readName) : DataConnection
{
    public override async Task BulkAsync(ReadOnlyMemory<byte> chunk, int count)
    {
        for (int i = 0; i < count; i++) await stream.WriteAsync(chunk).ConfigureAwait(false);
    }

    public override async Task RoundTripsAsync(DataMeasurement measurement)
    {
        while (measurement.TryTake())
        {
            await stream.WriteAsync(Request.AsMemory()).ConfigureAwait(false);
            int got = 0;
            while (got < MessageSize)
            {
                int n = await stream.ReadAsync(Response.AsMemory(got)).ConfigureAwait(false);
                if (n == 0) throw Ended(readName);
                got += n;
            }
        }
    }

    public override ValueTask DisposeAsync() => stream.DisposeAsync();
}

/// <summary>The shared budget of one round-trip measurement: connections take round-trip numbers from one counter.</summary>
internal sealed class DataMeasurement
{
    private readonly long _budget;
    private long _next = -1;

    public DataMeasurement(long budget) => _budget = budget;

    public bool TryTake() => Interlocked.Increment(ref _next) < _budget;
}
