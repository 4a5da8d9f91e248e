using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace Wsk.Examples;

/// <summary>
/// The data-path rows: bulk throughput over one connection and 64-byte request/response round trips at 1 and 64
/// connections, each through raw Socket, raw NetworkStream, WskSend/WskReceive and WskStream, in alternating rounds
/// against servers that are the same for every client. Ratios are medians of per-round ratios to the row's raw yardstick.
/// </summary>
internal static class DataBench
{
    public const int DefaultDataMiB = 256;
    public const int DefaultRoundTrips = 20_000;
    public const int ChunkSize = 64 * 1024;
    public const double ExtraBytesTolerance = 1.0;

    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    private sealed record Scenario(string Name, bool Bulk, int Connections)
    {
        public string Unit => Bulk ? "MB/s" : "rt/s";
    }

    private sealed record Result(double Throughput, double BytesPerOp, double CpuMicrosecondsPerOp);

    public static void PrintSetup(int dataMiB, int roundTrips)
    {
        IrpLog.Line("data", string.Create(Inv,
            $"bulk: {dataMiB:N0} MiB per measurement over one connection in {ChunkSize / 1024} KiB writes to a discard server " +
            $"(timed until the server has read every byte); round trips: {roundTrips:N0} per measurement of a " +
            $"{DataConnection.MessageSize}-byte request and its {DataConnection.MessageSize}-byte echo, over 1 and over 64 connections " +
            $"taking turns from one budget; 0 for either skips its rows"));
        IrpLog.Line("data", "clients per row, in this order every round: raw Socket.SendAsync/ReceiveAsync (ValueTask overloads, the yardstick " +
                            "of WskSend/WskReceive), WskSend/WskReceive with one reused IRP per direction, raw NetworkStream " +
                            "WriteAsync/ReadAsync (Memory overloads, the yardstick of WskStream), WskStream WriteAsync/ReadAsync");
        IrpLog.Line("data", string.Create(Inv,
            $"B/op = GC.GetTotalAllocatedBytes(precise) delta per round trip (bulk: per {ChunkSize / 1024} KiB write), process-wide; " +
            $"the server is the same for every client, so 'extra B' to the yardstick is the client's own; CPU µs/op = the process's " +
            $"CPU time (Environment.CpuUsage, every thread, the server's too) per operation, less disturbed than wall time by " +
            $"other processes on the machine (reported, not a goal)"));
    }

    /// <summary>Warms up, measures every round and prints the table; false when interrupted.</summary>
    public static async Task<bool> RunAsync(DataClient[] clients, int dataMiB, int roundTrips, int rounds, bool warmup,
        CancellationToken cancellationToken)
    {
        var scenarios = new List<Scenario>();
        if (dataMiB > 0) scenarios.Add(new Scenario(string.Create(Inv, $"bulk {ChunkSize / 1024} KiB writes"), true, 1));
        if (roundTrips > 0)
        {
            scenarios.Add(new Scenario(string.Create(Inv, $"{DataConnection.MessageSize} B round trips"), false, 1));
            scenarios.Add(new Scenario(string.Create(Inv, $"{DataConnection.MessageSize} B round trips"), false, 64));
        }
        if (scenarios.Count == 0) return true;

        using var discard = DataServer.Start(echo: false);
        using var echo = DataServer.Start(echo: true);
        IrpLog.Line("server", discard.Describe());
        IrpLog.Line("server", echo.Describe());
        var chunk = new byte[ChunkSize];
        chunk.AsSpan().Fill((byte)'b');
        int chunks = (int)Math.Min(int.MaxValue, (long)dataMiB * 1024 * 1024 / ChunkSize);

        var connections = new DataConnection[scenarios.Count, clients.Length][];
        try
        {
            for (int s = 0; s < scenarios.Count; s++)
                for (int k = 0; k < clients.Length; k++)
                {
                    var server = scenarios[s].Bulk ? discard : echo;
                    connections[s, k] = new DataConnection[scenarios[s].Connections];
                    for (int i = 0; i < scenarios[s].Connections; i++)
                        connections[s, k][i] = await clients[k].OpenAsync(server.EndPoint).ConfigureAwait(false);
                }

            if (warmup)
            {
                for (int s = 0; s < scenarios.Count; s++)
                    for (int k = 0; k < clients.Length; k++)
                        await MeasureAsync(scenarios[s], connections[s, k], discard, chunk, Math.Max(1, chunks / 10),
                            Math.Max(1, roundTrips / 10)).ConfigureAwait(false);
                IrpLog.Line("warm-up", "a tenth of each data-path budget per client and row, discarded");
            }

            var results = new Result[rounds, scenarios.Count, clients.Length];
            for (int r = 0; r < rounds; r++)
            {
                var line = new StringBuilder(string.Create(Inv, $"{r + 1}/{rounds}"));
                var round = Stopwatch.StartNew();
                for (int s = 0; s < scenarios.Count; s++)
                {
                    line.Append(string.Create(Inv, $"   {(scenarios[s].Bulk ? "bulk" : "rt")} x{scenarios[s].Connections}:"));
                    for (int k = 0; k < clients.Length; k++)
                    {
                        if (cancellationToken.IsCancellationRequested)
                        {
                            IrpLog.Line("note", "interrupted: no data-path table");
                            return false;
                        }
                        var result = await MeasureAsync(scenarios[s], connections[s, k], discard, chunk, chunks, roundTrips)
                            .ConfigureAwait(false);
                        results[r, s, k] = result;
                        line.Append(string.Create(Inv, $" {result.Throughput,7:N0}"));
                    }
                }
                IrpLog.Line("data round", line.Append(string.Create(Inv, $"   ({round.Elapsed.TotalSeconds:0.0} s)")).ToString());
            }
            Print(clients, scenarios, results);
            return true;
        }
        finally
        {
            foreach (var set in connections)
                if (set is not null)
                    foreach (var connection in set)
                        if (connection is not null) await connection.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>One measurement from a collected heap; the harness allocates nothing per operation.</summary>
    private static async Task<Result> MeasureAsync(Scenario scenario, DataConnection[] connections, DataServer discard,
        byte[] chunk, int chunks, int roundTrips)
    {
        var workers = new Task[connections.Length];
        var measurement = new DataMeasurement(roundTrips);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();

        long expected = discard.Received + (long)chunks * chunk.Length;
        TimeSpan cpuBefore = Environment.CpuUsage.TotalTime;
        long allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        long start = Stopwatch.GetTimestamp();
        for (int i = 0; i < workers.Length; i++)
        {
            var connection = connections[i];
            workers[i] = scenario.Bulk
                ? Task.Run(() => connection.BulkAsync(chunk, chunks))
                : Task.Run(() => connection.RoundTripsAsync(measurement));
        }
        await Task.WhenAll(workers).ConfigureAwait(false);
        if (scenario.Bulk && !discard.WaitForReceived(expected, TimeSpan.FromSeconds(30)))
            throw new TimeoutException("the discard server did not read every byte within 30 s");
        double seconds = (Stopwatch.GetTimestamp() - start) / (double)Stopwatch.Frequency;
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        double cpu = (Environment.CpuUsage.TotalTime - cpuBefore).TotalMicroseconds;

        return scenario.Bulk
            ? new Result((double)chunks * chunk.Length / seconds / 1e6, allocated / (double)chunks, cpu / chunks)
            : new Result(roundTrips / seconds, allocated / (double)roundTrips, cpu / roundTrips);
    }

    private static void Print(DataClient[] clients, List<Scenario> scenarios, Result[,,] results)
    {
        Console.WriteLine();
        Console.WriteLine(string.Create(Inv,
            $"data-path goal: >= {BenchReport.ThroughputGoal:0.00}x the row's raw yardstick, bytes allocated per operation no more than " +
            $"the yardstick's (within {ExtraBytesTolerance:0} B, for process-wide noise)"));
        Console.WriteLine();
        Console.WriteLine(string.Create(Inv,
            $"{"data path",-18} {"client",-29} {"conns",5} {"throughput",15} {"x raw",6} {"B/op",8} {"extra B",8} {"CPU µs/op",9} " +
            $"{"CPU x raw",9}  {"vs",-29} goal"));
        int rounds = results.GetLength(0);
        for (int s = 0; s < scenarios.Count; s++)
        {
            for (int k = 0; k < clients.Length; k++)
            {
                int b = clients[k].Baseline is { } baseline ? Array.IndexOf(clients, baseline) : k;
                var mine = Enumerable.Range(0, rounds).Select(r => results[r, s, k]).ToArray();
                var raw = Enumerable.Range(0, rounds).Select(r => results[r, s, b]).ToArray();
                double throughput = BenchReport.Median(mine.Select(m => m.Throughput));
                double ratio = BenchReport.Median(mine.Zip(raw, (m, y) => m.Throughput / y.Throughput));
                double bytes = BenchReport.Median(mine.Select(m => m.BytesPerOp));
                double extra = BenchReport.Median(mine.Zip(raw, (m, y) => m.BytesPerOp - y.BytesPerOp));
                double cpu = BenchReport.Median(mine.Select(m => m.CpuMicrosecondsPerOp));
                double cpuRatio = BenchReport.Median(mine.Zip(raw, (m, y) => m.CpuMicrosecondsPerOp / y.CpuMicrosecondsPerOp));
                Console.WriteLine(string.Create(Inv,
                    $"{scenarios[s].Name,-18} {clients[k].Name,-29} {scenarios[s].Connections,5} " +
                    $"{throughput,10:N0} {scenarios[s].Unit} {ratio,6:0.00} {bytes,8:N1} {extra,8:+#,0.0;-#,0.0;0} {cpu,9:0.00} {cpuRatio,9:0.00} " +
                    $" {(b == k ? "-" : clients[b].Name),-29} {Verdict(b == k, ratio, extra)}"));
            }
        }
    }

    private static string Verdict(bool isBaseline, double ratio, double extra)
    {
        if (isBaseline) return "baseline";
        var missed = new List<string>();
        if (ratio < BenchReport.ThroughputGoal) missed.Add(string.Create(Inv, $"throughput {ratio:0.00}x"));
        if (extra > ExtraBytesTolerance) missed.Add(string.Create(Inv, $"+{extra:N1} B/op"));
        return missed.Count == 0 ? "met" : "missed: " + string.Join(", ", missed);
    }
}
