using System;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;

namespace Wsk.Examples;

/// <summary>
/// The shared state of one measurement: N workers take connect numbers from one counter until the budget is spent,
/// each writing its connect's latency into a slot of an array allocated before the allocation counter is read, so the
/// harness itself allocates nothing per connect and every client pays the same fixed overhead.
/// </summary>
internal sealed class Measurement
{
    private int _next = -1;
    private long _inline;
    private long _pending;
    private long _failed;
    private string? _firstFailure;

    public Measurement(int connects) => Latencies = new long[connects];

    /// <summary>Stopwatch ticks of each connect (creation of the socket through connected, not the close).</summary>
    public long[] Latencies { get; }

    /// <summary>Takes the next connect number; false once the budget is spent.</summary>
    public bool TryTake(out int index)
    {
        index = Interlocked.Increment(ref _next);
        return index < Latencies.Length;
    }

    /// <summary>A worker's tallies, added once when it stops so the hot loop shares nothing but the counter.</summary>
    public void Add(int inline, int pending, int failed, string? firstFailure)
    {
        Interlocked.Add(ref _inline, inline);
        Interlocked.Add(ref _pending, pending);
        Interlocked.Add(ref _failed, failed);
        if (firstFailure is not null) Interlocked.CompareExchange(ref _firstFailure, firstFailure, null);
    }

    /// <summary>
    /// Runs <paramref name="client"/> with <paramref name="concurrency"/> workers for <paramref name="connects"/> connects.
    /// Starts from a collected heap so that one client's garbage is not collected on the next client's time.
    /// </summary>
    public static async Task<MeasurementResult> RunAsync(BenchClient client, int concurrency, int connects)
    {
        var measurement = new Measurement(connects);
        var workers = new Task[concurrency];
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();

        long allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        long start = Stopwatch.GetTimestamp();
        for (int i = 0; i < workers.Length; i++) workers[i] = Task.Run(() => client.WorkerAsync(measurement));
        await Task.WhenAll(workers).ConfigureAwait(false);
        long elapsed = Stopwatch.GetTimestamp() - start;
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;

        return measurement.Summarise(client, concurrency, elapsed, allocated);
    }

    private MeasurementResult Summarise(BenchClient client, int concurrency, long elapsedTicks, long allocatedBytes)
    {
        int n = Latencies.Length;
        Array.Sort(Latencies);
        return new MeasurementResult(
            client, concurrency,
            ConnectsPerSecond: n * (double)Stopwatch.Frequency / elapsedTicks,
            BytesPerConnect: allocatedBytes / (double)n,
            P50Microseconds: ToMicroseconds(Latencies[NearestRank(n, 0.50)]),
            P99Microseconds: ToMicroseconds(Latencies[NearestRank(n, 0.99)]),
            Inline: Interlocked.Read(ref _inline), Pending: Interlocked.Read(ref _pending), Failed: Interlocked.Read(ref _failed),
            FirstFailure: Volatile.Read(ref _firstFailure));
    }

    /// <summary>The nearest-rank percentile's index in a sorted array of <paramref name="n"/> values.</summary>
    private static int NearestRank(int n, double p) => Math.Clamp((int)Math.Ceiling(p * n) - 1, 0, n - 1);

    private static double ToMicroseconds(long ticks) => ticks * 1_000_000.0 / Stopwatch.Frequency;
}

/// <summary>What one measurement found.</summary>
/// <param name="Client">Who was measured.</param>
/// <param name="Concurrency">Connects in flight (workers).</param>
/// <param name="ConnectsPerSecond">Connects (with their closes) per second of wall time.</param>
/// <param name="BytesPerConnect">Process-wide allocated bytes divided by connects.</param>
/// <param name="P50Microseconds">Median connect latency.</param>
/// <param name="P99Microseconds">99th percentile connect latency.</param>
/// <param name="Inline">Connects that finished inside the call (ours: returned STATUS_SUCCESS; raw: Task already completed).</param>
/// <param name="Pending">Connects that finished later (ours: returned STATUS_PENDING).</param>
/// <param name="Failed">Connects that did not end with a connected socket.</param>
/// <param name="FirstFailure">The first failure's status or error, if any.</param>
internal sealed record MeasurementResult(
    BenchClient Client, int Concurrency, double ConnectsPerSecond, double BytesPerConnect,
    double P50Microseconds, double P99Microseconds, long Inline, long Pending, long Failed, string? FirstFailure);
