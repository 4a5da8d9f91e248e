using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Reactive.Concurrency;
using Wsk.Core;
using Wsk.Shell;
using Wsk.Shell.Simulation;

namespace Wsk.Examples;

/// <summary>
/// The fault-injection tour: on the simulated network, in virtual time, one connect refused, one lost in a black hole
/// until its SYN retries run out (STATUS_IO_TIMEOUT), one connection reset mid-stream, and two cancels racing a pending
/// connect (one wins, one loses). Prints each IRP's timeline in virtual milliseconds, then what the verifier found.
/// The same seed prints the same output.
/// </summary>
internal static class FaultsCommand
{
    private static readonly SockAddrIn Server = new(0xC000_0201, 80);

    public static int Run(int seed)
    {
        var time = new HistoricalScheduler();
        var network = new SimulatedNetwork(time, seed) { JitterMilliseconds = 3 };
        var listener = network.Listen(Server);
        if (WskRegistration.WskRegister(new WskClientNpi(null, new WskClientDispatch()), network, out var registration) != NtStatus.Success
            || registration.WskCaptureProviderNpi(WskWait.NoWait, out var npi) != NtStatus.Success)
            return ExitCodes.ProviderUnavailable;
        var verifier = new WskVerifier().Attach(registration);
        var timelines = new Timelines(network);
        var checks = new List<(string Irp, NtStatus Expected, Irp Actual)>();

        Irp Connect(string name, FaultScript script, SockAddr remote, NtStatus expected)
        {
            network.ScriptNextConnect(script);
            var irp = timelines.Track(name);
            timelines.Add(name, $"WskSocketConnect → {remote}  [{Describe(script)}]");
            var returned = npi!.Dispatch.WskSocketConnect(ConnectRequest.Tcp(npi.Client.Id, remote), irp);
            timelines.Add(name, $"returned {returned}");
            checks.Add((name, expected, irp));
            return irp;
        }

        IrpLog.Line("faults", $"simulated network, seed {seed}, virtual time; the listener is {Server}");
        Connect("refuse", FaultScript.PendingFor(TimeSpan.FromMilliseconds(20), ConnectFault.Refuse), Server, NtStatus.ConnectionRefused);
        Connect("timeout", FaultScript.BlackHoleWith(retryBudget: 3), new SockAddrIn(0xC000_0263, 80), NtStatus.IoTimeout);
        var won = Connect("cancel-wins", FaultScript.PendingFor(TimeSpan.FromMilliseconds(50)), Server, NtStatus.Cancelled);
        var lost = Connect("cancel-loses", FaultScript.PendingFor(TimeSpan.FromMilliseconds(50)) with { IgnoresCancel = true }, Server, NtStatus.Success);
        time.Schedule(TimeSpan.FromMilliseconds(10), () =>
        {
            timelines.Add("cancel-wins", "IoCancelIrp");
            won.Cancel();
            timelines.Add("cancel-loses", "IoCancelIrp (the answer is already on its way)");
            lost.Cancel();
        });

        // Reset mid-stream: connected inline; the peer's stack resets the connection once it has 8 bytes.
        var connected = Connect("reset", new FaultScript(ResetAfterBytes: 8), Server, NtStatus.Success);
        var socket = connected.IoStatus.Socket!;
        listener.TryAccept(out _);
        var receive = timelines.Track("reset:receive");
        timelines.Add("reset:receive", "WskReceive 64 B");
        timelines.Add("reset:receive", $"returned {socket.WskReceive(WskBuf.Of(new byte[64]), 0, receive)}");
        checks.Add(("reset:receive", NtStatus.ConnectionReset, receive));
        time.Schedule(TimeSpan.FromMilliseconds(5), () =>
        {
            var send = timelines.Track("reset:send");
            timelines.Add("reset:send", "WskSend 16 B (the peer resets after 8)");
            timelines.Add("reset:send", $"returned {socket.WskSend(WskBuf.Of(new byte[16]), 0, send)}");
            checks.Add(("reset:send", NtStatus.Success, send));
        });

        time.AdvanceBy(TimeSpan.FromSeconds(10));
        var close = timelines.Track("reset:close");
        timelines.Add("reset:close", "WskCloseSocket");
        timelines.Add("reset:close", $"returned {socket.WskCloseSocket(close)}");
        lost.IoStatus.Socket?.WskCloseSocket(new Irp());
        registration.WskReleaseProviderNpi(npi!);
        registration.WskDeregister();

        timelines.Print();
        var findings = verifier.Verify();
        IrpLog.Line("verifier", findings.Count == 0 ? "no findings: every IRP completed once, nothing left open" : string.Join("; ", findings));
        bool asExpected = checks.All(c => c.Actual.IsCompleted && c.Actual.IoStatus.Status == c.Expected);
        foreach (var (name, expected, irp) in checks.Where(c => !(c.Actual.IsCompleted && c.Actual.IoStatus.Status == c.Expected)))
            IrpLog.Line("faults", $"UNEXPECTED: {name} ended {irp.IoStatus.Status}, wanted {expected}");
        return asExpected && findings.Count == 0 ? ExitCodes.Success : ExitCodes.ConnectFailed;
    }

    private static string Describe(FaultScript s) => s.Fault switch
    {
        ConnectFault.BlackHole => $"black hole, {s.RetryBudget} SYN retries, gives up after {s.GiveUpAfter?.TotalSeconds:0} s",
        _ => $"{(s.Fault == ConnectFault.None ? "accept" : s.Fault.ToString())}, {s.Timing}" +
             (s.Timing == CompletionTiming.Pending ? string.Create(CultureInfo.InvariantCulture, $" {s.Delay.TotalMilliseconds:0} ms") : "") +
             (s.IgnoresCancel ? ", ignores cancel" : "") + (s.ResetAfterBytes is { } n ? $", reset after {n} B" : ""),
    };

    /// <summary>Each IRP's events, stamped with virtual time; its completion routine adds the completion.</summary>
    private sealed class Timelines(SimulatedNetwork network)
    {
        private readonly Dictionary<string, List<string>> _lines = new();

        public Irp Track(string name)
        {
            var irp = new Irp();
            irp.SetCompletionRoutine((i, ctx) =>
            {
                var io = i.IoStatus;
                string what = io.Information switch
                {
                    WskConnectedSocket s => $"socket {s.LocalAddress} → {s.RemoteAddress}",
                    long bytes => $"{bytes} B",
                    _ => "no socket",
                };
                Add((string)ctx!, $"completed {io.Status}  {what}");
                return NtStatus.MoreProcessingRequired;
            }, name);
            _lines[name] = new List<string>();
            return irp;
        }

        public void Add(string name, string text) =>
            _lines[name].Add(string.Create(CultureInfo.InvariantCulture, $"t={network.Now.TotalMilliseconds,9:0.000} ms  {text}"));

        public void Print()
        {
            foreach (var (name, lines) in _lines)
            {
                IrpLog.Line("irp", name);
                foreach (var line in lines) IrpLog.Line("", "  " + line);
            }
        }
    }
}
