using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace Wsk.Examples;

/// <summary>
/// Turns the rounds into one table of medians. Ratios to raw are taken round by round (each of our measurements against
/// the raw one taken beside it) and then the median is reported, so drift over the run cancels out of the ratios.
/// </summary>
internal static class BenchReport
{
    public const double ThroughputGoal = 0.95;
    public const double ExtraBytesGoal = 300;
    public const double P99Goal = 1.10;

    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>Prints the table for <paramref name="results"/>, indexed [round, concurrency, client].</summary>
    public static void Print(IReadOnlyList<BenchClient> clients, IReadOnlyList<int> concurrencies, MeasurementResult[,,] results)
    {
        int baseline = Enumerable.Range(0, clients.Count).First(i => clients[i].IsBaseline);
        int floor = Enumerable.Range(0, clients.Count).FirstOrDefault(i => clients[i].IsFloor, -1);
        Console.WriteLine();
        Console.WriteLine(string.Create(Inv,
            $"goal: >= {ThroughputGoal:0.00}x raw throughput at both concurrencies, <= {ExtraBytesGoal:0} extra bytes/connect, " +
            $"p99 <= {P99Goal:0.0}x raw (reported, not enforced)"));
        Console.WriteLine();
        Console.WriteLine(string.Create(Inv,
            $"{"client",-27} {"conc",4} {"connects/s",10} {"x raw",6} {"x floor",7} {"B/connect",9} {"extra B",8} " +
            $"{"p50 µs",7} {"p99 µs",7} {"p99 x raw",9} {"inline",7}  goal"));
        var rows = new List<Row>();
        for (int c = 0; c < concurrencies.Count; c++)
        {
            for (int k = 0; k < clients.Count; k++)
            {
                var row = Summarise(results, c, k, baseline, floor);
                rows.Add(row);
                Console.WriteLine(string.Create(Inv,
                    $"{row.Name,-27} {row.Concurrency,4} {row.ConnectsPerSecond,10:N0} {row.ThroughputRatio,6:0.00} {FloorColumn(row.FloorRatio),7} " +
                    $"{row.BytesPerConnect,9:N0} {row.ExtraBytes,8:+#,0;-#,0;0} {row.P50,7:0.0} {row.P99,7:0.0} " +
                    $"{row.P99Ratio,9:0.00} {row.InlineShare,6:0.0}%  {Verdict(row, k == baseline, k == floor)}"));
            }
        }

        Console.WriteLine();
        foreach (var row in rows.Where(r => !r.IsBaseline && !r.IsFloor))
        {
            long total = row.Inline + row.Pending;
            Console.WriteLine(string.Create(Inv,
                $"{row.Name} at {row.Concurrency}: {row.Inline:N0} of {total:N0} returned STATUS_SUCCESS inline " +
                $"(IRP completed inside the call, {Share(row.Inline, total):0.00}%), {row.Pending:N0} returned STATUS_PENDING " +
                $"({Share(row.Pending, total):0.00}%)"));
        }
        Console.WriteLine(
            "note: at concurrency 64 our workers seldom wait: a connect that completes inside the call never yields its " +
            "thread, so the 64 workers take turns on the pool's threads instead of having 64 connects in flight, while raw " +
            ".NET's latency at 64 includes waiting for a pool thread behind the other continuations.");
        foreach (var row in rows.Where(r => r.Failed > 0))
            Console.WriteLine(string.Create(Inv,
                $"FAILED connects: {row.Name} at {row.Concurrency}: {row.Failed:N0} over all rounds, first {row.FirstFailure}"));
    }

    private static Row Summarise(MeasurementResult[,,] results, int c, int k, int baseline, int floor)
    {
        int rounds = results.GetLength(0);
        var mine = new MeasurementResult[rounds];
        var raw = new MeasurementResult[rounds];
        var kernel = new MeasurementResult[rounds];
        for (int r = 0; r < rounds; r++)
        {
            mine[r] = results[r, c, k];
            raw[r] = results[r, c, baseline];
            kernel[r] = results[r, c, floor < 0 ? baseline : floor];
        }
        var first = mine[0];
        return new Row(
            first.Client.Name, first.Concurrency, first.Client.IsBaseline, first.Client.IsFloor,
            Median(mine.Select(m => m.ConnectsPerSecond)),
            Median(mine.Zip(raw, (m, b) => m.ConnectsPerSecond / b.ConnectsPerSecond)),
            floor < 0 ? double.NaN : Median(mine.Zip(kernel, (m, f) => m.ConnectsPerSecond / f.ConnectsPerSecond)),
            Median(mine.Select(m => m.BytesPerConnect)),
            Median(mine.Zip(raw, (m, b) => m.BytesPerConnect - b.BytesPerConnect)),
            Median(mine.Select(m => m.P50Microseconds)),
            Median(mine.Select(m => m.P99Microseconds)),
            Median(mine.Zip(raw, (m, b) => m.P99Microseconds / b.P99Microseconds)),
            mine.Sum(m => m.Inline), mine.Sum(m => m.Pending), mine.Sum(m => m.Failed),
            mine.Select(m => m.FirstFailure).FirstOrDefault(f => f is not null));
    }

    private static string FloorColumn(double ratio) => double.IsNaN(ratio) ? "n/a" : ratio.ToString("0.00", Inv);

    private static string Verdict(Row row, bool isBaseline, bool isFloor)
    {
        if (isBaseline) return "baseline";
        if (isFloor) return "floor (the kernel's own connect, blocking)";
        var missed = new List<string>();
        if (row.ThroughputRatio < ThroughputGoal) missed.Add(string.Create(Inv, $"throughput {row.ThroughputRatio:0.00}x"));
        if (row.ExtraBytes > ExtraBytesGoal) missed.Add(string.Create(Inv, $"+{row.ExtraBytes:N0} B"));
        if (row.P99Ratio > P99Goal) missed.Add(string.Create(Inv, $"p99 {row.P99Ratio:0.00}x"));
        return missed.Count == 0 ? "met" : "missed: " + string.Join(", ", missed);
    }

    private static double Share(long part, long total) => total == 0 ? 0 : 100.0 * part / total;

    internal static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        int mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    private sealed record Row(
        string Name, int Concurrency, bool IsBaseline, bool IsFloor, double ConnectsPerSecond, double ThroughputRatio,
        double FloorRatio, double BytesPerConnect,
        double ExtraBytes, double P50, double P99, double P99Ratio, long Inline, long Pending, long Failed, string? FirstFailure)
    {
        public double InlineShare => Share(Inline, Inline + Pending);
    }
}
