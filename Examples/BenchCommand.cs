using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Runtime;
using System.Runtime.InteropServices;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Wsk.Core;

namespace Wsk.Examples;

/// <summary>
/// The side-by-side benchmark: raw .NET, the faithful WskSocketConnect and the observable, against one in-process
/// loopback listener, in alternating rounds. Absolute numbers drift between machines and runs; the ratios measured
/// side by side in one run are what the goal is about.
/// </summary>
internal static class BenchCommand
{
    public const int DefaultConnects = 20_000;
    public const int DefaultRounds = 5;
    public const int DefaultWarmup = 2_000;

    private static readonly int[] Concurrencies = { 1, 64 };
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static async Task<int> RunAsync(int connects, int rounds, int warmup, int poolThreads, int dataMiB, int roundTrips,
        CancellationToken cancellationToken)
    {
        PrintSetup(connects, rounds, warmup);
        DataBench.PrintSetup(dataMiB, roundTrips);
        CapThreadPool(poolThreads);
        var listener = LoopbackListener.Start(IPAddress.Loopback);
        IrpLog.Line("listener", listener.Describe());
        var session = WskSession.Open();
        if (session is null)
        {
            listener.Dispose();
            return ExitCodes.ProviderUnavailable;
        }

        var remote = SockAddrIn.From(listener.EndPoint.Address.GetAddressBytes(), (ushort)listener.EndPoint.Port);
        var connectClients = new List<BenchClient>
        {
            new RawClient(listener.EndPoint),
            new FaithfulClient(session.Npi, remote),
            new ObservableClient(session.Npi, remote),
        };
        if (LibcConnect.IsAvailable) connectClients.Insert(1, new FloorClient(listener.EndPoint));
        else IrpLog.Line("floor", $"not available on {RuntimeInformation.OSDescription}: the libc connect() floor is Linux only");
        BenchClient[] clients = connectClients.ToArray();

        var total = Stopwatch.StartNew();
        long? overflowsBefore = ListenOverflows.Read();
        var results = await MeasureAllAsync(clients, connects, rounds, warmup, cancellationToken).ConfigureAwait(false);
        if (results is not null) BenchReport.Print(clients, Concurrencies, results);
        bool dataDone = results is not null && await RunDataAsync(session, dataMiB, roundTrips, rounds, warmup > 0, cancellationToken)
            .ConfigureAwait(false);

        Console.WriteLine();
        // Checked before deregistering, because WskDeregister waits for every socket to be closed: a leak would hang it.
        int sockets = session.Registration.OpenSockets, connections = session.Registration.Transport.OpenConnections;
        bool leaked = sockets != 0 || connections != 0;
        IrpLog.Line("check", string.Create(Inv,
            $"registration.OpenSockets = {sockets}, registration.Transport.OpenConnections = {connections}: " +
            $"{(leaked ? "LEAK, not deregistering (WskDeregister would wait forever)" : "nothing left open")}"));
        if (!leaked) session.Dispose();
        listener.Dispose();
        IrpLog.Line("listener", $"stopped after accepting {listener.Accepted:N0} connections; " + (ListenOverflows.Read() - overflowsBefore is { } dropped
            ? string.Create(Inv, $"{dropped} SYNs dropped on a full accept queue during the run (TcpExt ListenOverflows, system-wide)")
            : "ListenOverflows not readable"));
        IrpLog.Line("bench", string.Create(Inv, $"done in {total.Elapsed.TotalSeconds:0.0} s"));
        if (leaked) return ExitCodes.SocketsLeft;
        return results is not null && dataDone ? ExitCodes.Success : ExitCodes.Interrupted;
    }

    private static Task<bool> RunDataAsync(WskSession session, int dataMiB, int roundTrips, int rounds, bool warmup,
        CancellationToken cancellationToken)
    {
        var rawSocket = new RawSocketDataClient();
        var rawStream = new RawStreamDataClient();
        DataClient[] clients =
        {
            rawSocket,
            new WskDataClient(session.Npi) { Baseline = rawSocket },
            rawStream,
            new WskStreamDataClient(session.Npi) { Baseline = rawStream },
        };
        return DataBench.RunAsync(clients, dataMiB, roundTrips, rounds, warmup, cancellationToken);
    }

    /// <summary>Warm-up, then rounds of A B C at each concurrency; null when interrupted.</summary>
    private static async Task<MeasurementResult[,,]?> MeasureAllAsync(
        BenchClient[] clients, int connects, int rounds, int warmup, CancellationToken cancellationToken)
    {
        if (warmup > 0)
        {
            foreach (int concurrency in Concurrencies)
                foreach (var client in clients)
                    await Measurement.RunAsync(client, concurrency, warmup).ConfigureAwait(false);
            IrpLog.Line("warm-up", string.Create(Inv, $"{warmup:N0} connects per client and concurrency, discarded"));
        }

        var results = new MeasurementResult[rounds, Concurrencies.Length, clients.Length];
        for (int r = 0; r < rounds; r++)
        {
            var line = new StringBuilder(string.Create(Inv, $"{r + 1}/{rounds}"));
            var round = Stopwatch.StartNew();
            for (int c = 0; c < Concurrencies.Length; c++)
            {
                line.Append(string.Create(Inv, $"   conc {Concurrencies[c]}:"));
                for (int k = 0; k < clients.Length; k++)
                {
                    if (cancellationToken.IsCancellationRequested)
                    {
                        IrpLog.Line("note", "interrupted: no table");
                        return null;
                    }
                    long? overflowsBefore = ListenOverflows.Read();
                    var result = await Measurement.RunAsync(clients[k], Concurrencies[c], connects).ConfigureAwait(false);
                    results[r, c, k] = result;
                    line.Append(string.Create(Inv, $" {result.ConnectsPerSecond,7:N0}/s"));
                    if (ListenOverflows.Read() - overflowsBefore is > 0 and var dropped)
                        line.Append(string.Create(Inv, $" ({dropped} SYN drops)"));
                }
            }
            IrpLog.Line("round", line.Append(string.Create(Inv,
                $"   ({round.Elapsed.TotalSeconds:0.0} s, {ThreadPool.ThreadCount} pool threads)")).ToString());
        }
        return results;
    }

    /// <summary>
    /// Workers whose connects complete inside the call never yield their thread, so the pool sees queued work that does
    /// not start and keeps injecting threads (10 on 2 cores in one run); those crowd the listener's accept threads off
    /// the cores until the accept queue overflows and 64 connects stall for a 1 s SYN retry. Capping the pool at the
    /// core count stopped that (0 SYN drops in 96 measurements) and costs raw .NET nothing it could use: it never blocks.
    /// </summary>
    private static void CapThreadPool(int poolThreads)
    {
        ThreadPool.GetMinThreads(out int minWorkers, out int minIo);
        ThreadPool.GetMaxThreads(out int maxWorkers, out int maxIo);
        if (poolThreads <= 0)
        {
            IrpLog.Line("note", string.Create(Inv, $"thread pool left alone (--pool-threads 0): {minWorkers} to {maxWorkers} worker threads"));
            return;
        }
        if (poolThreads < minWorkers) ThreadPool.SetMinThreads(poolThreads, minIo);
        bool capped = ThreadPool.SetMaxThreads(poolThreads, maxIo);
        IrpLog.Line("note", capped
            ? string.Create(Inv, $"thread pool capped at {poolThreads} worker threads (--pool-threads): a client that completes " +
                                 $"inside the call never yields, and the threads the pool would inject for it crowd out the accept threads")
            : string.Create(Inv, $"thread pool cap at {poolThreads} refused by the runtime; pool left at {minWorkers} to {maxWorkers}"));
    }

    private static void PrintSetup(int connects, int rounds, int warmup)
    {
        IrpLog.Line("bench", string.Create(Inv,
            $"{connects:N0} connects per measurement, {rounds} rounds (A F B C at concurrency {string.Join(" then ", Concurrencies)}), " +
            $"medians reported; {warmup:N0} warm-up connects per client and concurrency"));
        IrpLog.Line("bench", "A = raw: new Socket, await ConnectAsync(EndPoint), close with SO_LINGER 0; F = the floor: " +
                             "blocking libc socket() and connect() through P/Invoke, close with SO_LINGER 0 (Linux only; " +
                             "it holds a pool thread per connect, so at 64 its connects in flight are the pool's threads); B = WskSocketConnect, " +
                             "12 parameters, pre-encoded SOCKADDRs, one reused IRP per worker, WskCloseSocket; C = the " +
                             "WskProviderDispatchReactive.ConnectObservable observable built once, subscribed per connect, awaited without Rx operators");
        IrpLog.Line("machine", string.Create(Inv,
            $"{Environment.ProcessorCount} cores, {RuntimeInformation.FrameworkDescription}, {RuntimeInformation.OSDescription}, " +
            $"{(GCSettings.IsServerGC ? "server" : "workstation")} GC, " +
            $"DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS={Environment.GetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS") ?? "unset"}"));
#if DEBUG
        IrpLog.Line("WARNING", "Debug build: the numbers mean little. Run: dotnet run -c Release --project Examples -- bench");
#endif
        IrpLog.Line("note", "latency is the connect only (socket creation to connected), not the close; p50/p99 are nearest-rank");
        IrpLog.Line("note", "bytes/connect = GC.GetTotalAllocatedBytes(precise) delta / connects, process-wide: it includes the " +
                            "listener's accept allocations, which are the same for every client, so 'extra B' vs raw is the client's own");
        IrpLog.Line("note", "clients close abortively (SO_LINGER 0 / WskCloseSocket: a RST, which also ends the server's side), " +
                            "so no TIME_WAIT builds up over the run");
        IrpLog.Line("note", "'x raw', 'extra B' and 'p99 x raw' are medians of per-round comparisons with the raw run of the same round");
    }
}
