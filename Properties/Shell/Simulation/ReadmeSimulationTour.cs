using System;
using System.IO;
using System.Linq;
using System.Reactive.Concurrency;
using Wsk.Core;
using Wsk.Shell;
using Wsk.Shell.Simulation;
using Xunit;

namespace Wsk.Properties.Shell.Simulation;

/// <summary>The README's "test your own WSK client" example is this test's body, word for word (checked below).</summary>
public sealed class ReadmeSimulationTour
{
    private const string Begin = "// README-SIMULATION-BEGIN", End = "// README-SIMULATION-END";

    /// <summary>The user's logic under test in the README: a client that retries a connect that timed out.</summary>
    private sealed class MyRetryingClient(WskProviderNpi npi, IScheduler scheduler)
    {
        public WskConnectedSocket? Socket { get; private set; }
        public int Attempts { get; private set; }

        public void Start(SockAddr remote)
        {
            Attempts++;
            var irp = new Irp();
            irp.SetCompletionRoutine((done, _) =>
            {
                if (done.IoStatus.Socket is { } socket) Socket = socket;
                // No WSK call inside a completion routine (rule CompletionRoutineDoesNotWait): the retry is scheduled, on the same clock.
                else if (done.IoStatus.Status == NtStatus.IoTimeout && Attempts < 3) scheduler.Schedule(() => Start(remote));
                return NtStatus.MoreProcessingRequired;
            });
            npi.Dispatch.WskSocketConnect(ConnectRequest.Tcp(npi.Client.Id, remote), irp);
        }

        public void Stop() => Socket?.WskCloseSocket(new Irp());
    }

    [Fact]
    public void The_example_runs()
    {
        // README-SIMULATION-BEGIN
        var time = new HistoricalScheduler();                                 // virtual time: a test never sleeps
        var network = new SimulatedNetwork(time, seed: 42);                   // same seed, same script: same trace
        var server = network.Listen(new SockAddrIn(0xC000_0201, 80));         // 192.0.2.1:80 accepts...
        network.ScriptNextConnect(FaultScript.BlackHoleWith(retryBudget: 3)); // ...but the first SYN is lost
        WskRegistration.WskRegister(new WskClientNpi(null, new WskClientDispatch()), network, out var registration);
        var verifier = new WskVerifier().Attach(registration);                // every caller mistake becomes a finding
        registration.WskCaptureProviderNpi(WskWait.NoWait, out var npi);

        var client = new MyRetryingClient(npi!, time);                        // your WSK-client logic
        client.Start(server.Endpoint);
        time.AdvanceBy(TimeSpan.FromSeconds(8));                              // 1+2+4 s of SYN retries: IO_TIMEOUT, retry
        Assert.Equal(2, client.Attempts);
        Assert.True(server.TryAccept(out var peer) && client.Socket is not null);
        peer.Write("hello"u8);                                                // the far end is yours to drive

        client.Stop();
        registration.WskReleaseProviderNpi(npi!);
        registration.WskDeregister();
        Assert.Empty(verifier.Verify());                                      // nothing leaked or completed twice
        // README-SIMULATION-END
    }

    [Fact]
    public void The_README_shows_the_example_word_for_word()
    {
        var source = File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "ReadmeSimulationTour.cs"));
        int from = Array.FindIndex(source, l => l.Trim() == Begin) + 1, to = Array.FindIndex(source, l => l.Trim() == End);
        var example = source[from..to].Select(l => l.Length >= 8 ? l[8..] : l.TrimStart()).ToArray();
        Assert.True(example.Count(l => l.Length > 0) <= 20, "the README promises at most 20 lines of code");

        var readme = File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "README.md"));
        int start = Array.FindIndex(readme, l => l.StartsWith("## Testing your own WSK client", StringComparison.Ordinal));
        int open = Array.FindIndex(readme, start, l => l.StartsWith("```csharp", StringComparison.Ordinal));
        int close = Array.FindIndex(readme, open + 1, l => l.StartsWith("```", StringComparison.Ordinal));
        Assert.Equal(string.Join("\n", example), string.Join("\n", readme[(open + 1)..close]));
    }
}
