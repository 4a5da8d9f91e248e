using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Threading.Tasks;

namespace Wsk.Examples;

/// <summary>
/// The floor: blocking libc connect() through P/Invoke, against the same listener in the same rounds, so a run shows
/// what the kernel's own connect costs beside what .NET and this library add to it. A blocking call holds its pool
/// thread, so at concurrency 64 the connects in flight are as many as the pool has threads (the bench caps it at the
/// core count): the kernel's cost with every core busy, not 64 overlapping connects.
/// </summary>
internal sealed class FloorClient : BenchClient
{
    private readonly IPEndPoint _remote;

    public FloorClient(IPEndPoint remote) => _remote = remote;

    public override string Name => "floor: libc connect()";

    public override bool IsFloor => true;

    public override Task WorkerAsync(Measurement measurement)
    {
        var address = LibcConnect.Encode(_remote);
        int failed = 0, done = 0;
        string? firstFailure = null;
        while (measurement.TryTake(out int index))
        {
            long start = Stopwatch.GetTimestamp();
            int fd = LibcConnect.Socket();
            int errno = fd < 0 ? -fd : LibcConnect.Connect(fd, ref address);
            measurement.Latencies[index] = Stopwatch.GetTimestamp() - start;
            done++;
            if (errno != 0)
            {
                failed++;
                firstFailure ??= string.Create(CultureInfo.InvariantCulture, $"errno {errno}");
            }
            if (fd >= 0) LibcConnect.CloseAbortively(fd);
        }
        measurement.Add(done, 0, failed, firstFailure);
        return Task.CompletedTask;
    }
}
