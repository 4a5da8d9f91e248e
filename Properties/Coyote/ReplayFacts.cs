using System;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Coyote.Specifications;
using Wsk.Core;
using Wsk.Shell;
using Xunit;
using Xunit.Abstractions;
using Xunit.Sdk;
using static Wsk.Properties.Coyote.ReceiveRaces;

namespace Wsk.Properties.Coyote;

/// <summary>
/// A Coyote failure comes with a reproducible trace; this checks that the trace does reproduce it. The scenario has a
/// planted bug: a test-only transport whose cancel and answer each check "not answered yet" and then answer, two steps
/// another task can come between, so on some schedules a pending connect is answered twice. The provider refuses the
/// second completion and records it; the scenario's assertion that the connect IRP saw no refused completion fails.
/// </summary>
[Collection(CoyoteCollection.Name)]
public sealed class ReplayFacts(ITestOutputHelper output)
{
    private const string Planted = "planted double answer";

    [Fact]
    public void A_failure_found_by_CoyoteRun_replays_from_its_saved_trace()
    {
        string name = nameof(A_failure_found_by_CoyoteRun_replays_from_its_saved_trace);
        var found = Assert.ThrowsAny<XunitException>(() => CoyoteRun.Check(output, name, PlantedDoubleAnswer, iterations: 200));
        Assert.Contains(Planted, found.Message, StringComparison.Ordinal);
        string tracePath = Path.Combine(AppContext.BaseDirectory, "CoyoteTraces", name + ".trace");
        Assert.True(File.Exists(tracePath), $"the failure's trace was saved to {tracePath}");
        string trace = File.ReadAllText(tracePath);

        var replayed = Assert.ThrowsAny<XunitException>(() => CoyoteRun.Replay(output, name + ".replay", PlantedDoubleAnswer, trace));
        Assert.Contains("replay of a trace", replayed.Message, StringComparison.Ordinal);
        Assert.Equal(AssertionOf(found.Message), AssertionOf(replayed.Message));
    }

    /// <summary>A pending connect, cancelled by one task while the racy transport answers it on another.</summary>
    private static async Task PlantedDoubleAnswer()
    {
        var transport = new RacyTransport();
        WskRegistration.WskRegister(new WskClientNpi(null, new WskClientDispatch()), transport, out var registration);
        registration.WskCaptureProviderNpi(WskWait.NoWait, out var npi);
        var connect = new Irp();
        Require(npi!.Dispatch.WskSocketConnect(ConnectRequest.Tcp(npi.Client.Id, SockAddrIn.Loopback(80)), connect) == NtStatus.Pending,
            "the racy transport leaves the connect pending");
        var cancel = Task.Run(() => connect.Cancel());
        var answer = Task.Run(transport.Answer);
        await cancel;
        await answer;

        CoyoteRun.Outcome(connect.Violations.Count == 0 ? "answered once" : "answered twice");
        Specification.Assert(connect.Violations.Count == 0,
            $"{Planted}: the connect saw {connect.Violations.Count} refused completion(s): " +
            string.Join("; ", connect.Violations.Select(v => $"{v.Rule} {v.AttemptedStatus.Name}")));
        registration.WskReleaseProviderNpi(npi);
        registration.WskDeregister();
    }

    /// <summary>The first line of Coyote's bug report: the failed assertion, with the numbers of its schedule.</summary>
    private static string AssertionOf(string message) =>
        message.Split('\n').Select(l => l.Trim()).First(l => l.StartsWith(Planted, StringComparison.Ordinal));

    /// <summary>
    /// A transport whose pending connect can be answered twice: its cancel (CANCELLED) and its answer (CONNECTION_REFUSED,
    /// so no connection is ever opened) each check the flag, then set it, then answer. The bug is planted on purpose.
    /// </summary>
    private sealed class RacyTransport : ITransport, ITransportCancel
    {
        private ITransportConnectSink? _sink;
        private int _answered;
        private int _answers;

        public int OpenConnections => 0;

        public TransportConnectResult Connect(ushort family, SockAddr localAddress, SockAddr remoteAddress, ITransportConnectSink sink)
        {
            _sink = sink;
            return TransportConnectResult.Later(this);
        }

        public void Cancel() => AnswerOnceInTheory(NtStatus.Cancelled);

        public void Answer() => AnswerOnceInTheory(NtStatus.ConnectionRefused);

        private void AnswerOnceInTheory(NtStatus status)
        {
            if (Volatile.Read(ref _answered) != 0) return;
            Interlocked.Increment(ref _answers); // a scheduling point between the check and the set: the planted window
            Volatile.Write(ref _answered, 1);
            _sink!.OnConnectCompleted(status, null);
        }
    }
}
