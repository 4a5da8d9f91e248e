using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Threading.Tasks;

namespace Wsk.Examples;

/// <summary>
/// The yardstick: what a .NET program writes without this library. The close uses SO_LINGER 0, which resets the
/// connection instead of leaving it in TIME_WAIT, exactly as WskCloseSocket does, so both sides pay for the same close
/// and a long run does not exhaust ephemeral ports.
/// </summary>
internal sealed class RawClient : BenchClient
{
    private readonly IPEndPoint _remote;

    public RawClient(IPEndPoint remote) => _remote = remote;

    public override string Name => "raw Socket.ConnectAsync";

    public override bool IsBaseline => true;

    public override async Task WorkerAsync(Measurement measurement)
    {
        int inline = 0, pending = 0, failed = 0;
        string? firstFailure = null;
        while (measurement.TryTake(out int index))
        {
            // Socket creation is timed, as WskSocketConnect creates its socket inside the call too.
            long start = Stopwatch.GetTimestamp();
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                Task connect = socket.ConnectAsync(_remote);
                if (connect.IsCompleted) inline++;
                else pending++;
                await connect.ConfigureAwait(false);
            }
            catch (SocketException e)
            {
                failed++;
                firstFailure ??= e.SocketErrorCode.ToString();
            }
            measurement.Latencies[index] = Stopwatch.GetTimestamp() - start;
            socket.LingerState = new LingerOption(true, 0);
            socket.Dispose();
        }
        measurement.Add(inline, pending, failed, firstFailure);
    }
}
