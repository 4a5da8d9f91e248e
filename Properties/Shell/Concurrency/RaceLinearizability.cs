using System;
using System.Threading;
using CsCheck;
using Wsk.Core;
using Wsk.Shell;
using Wsk.Shell.Simulation;
using Wsk.Properties.Shell.Simulation;
using Xunit;
using Xunit.Abstractions;

namespace Wsk.Properties.Shell.Concurrency;

/// <summary>
/// Cancel racing completion racing close, from several threads at once (CsCheck <c>SampleParallel</c>): whatever the
/// interleaving, the outcome must be one that some sequential order of the same calls gives (linearizability), every IRP
/// completes at most once, and no socket is left open or closed twice. See the README for why CsCheck and not Coyote.
/// </summary>
public sealed class RaceLinearizability(ITestOutputHelper output)
{
    /// <summary>A connected socket with a receive pending on it, and a connect pending on the network.</summary>
    public sealed class Racers
    {
        private readonly SimulatedRig _rig = new();
        private int _closed;

        public Racers()
        {
            (Socket, Peer) = _rig.Pair();
            Socket.WskReceive(WskBuf.Of(new byte[16]), 0, ReceiveIrp);
            _rig.Network.ScriptNextConnect(FaultScript.PendingFor(TimeSpan.FromMilliseconds(10)));
            _rig.Connect(ConnectIrp, SimulatedRig.Server);
        }

        public SimulatedNetwork Network => _rig.Network;
        public WskRegistration Registration => _rig.Registration;
        public WskConnectedSocket Socket { get; }
        public SimulatedPeer Peer { get; }
        public Irp ReceiveIrp { get; } = new();
        public Irp ConnectIrp { get; } = new();
        public Irp CloseIrp { get; } = new();

        public void Close()
        {
            // Closing twice is the caller's bug (a contract violation), not a race under test: the first caller closes,
            // a second one waits for that close to finish, as code sharing one socket would.
            if (Interlocked.Exchange(ref _closed, 1) == 0) Socket.WskCloseSocket(CloseIrp);
            else if (!SpinWait.SpinUntil(() => CloseIrp.IsCompleted, TimeSpan.FromSeconds(5)))
                throw new TimeoutException("WskCloseSocket never completed its IRP");
        }

        /// <summary>
        /// IoCancelIrp, then wait for the IRP's completion, as a client does (cancel, then wait on its event). The wait
        /// matters under concurrency: a second IoCancelIrp returns at once while the first one's cancel routine is still
        /// running, so "cancel returned" alone is not a point where the outcome is known.
        /// </summary>
        public static void CancelAndWait(Irp irp)
        {
            irp.Cancel();
            if (!SpinWait.SpinUntil(() => irp.IsCompleted, TimeSpan.FromSeconds(5)))
                throw new TimeoutException("a cancelled IRP never completed: a lost completion");
        }

        public void AnswerConnect()
        {
            lock (_rig) _rig.Time.AdvanceBy(TimeSpan.FromMilliseconds(10)); // the virtual clock has one driver at a time
        }

        public override string ToString() =>
            $"receive {Show(ReceiveIrp)}, connect {Show(ConnectIrp)}, close {Show(CloseIrp)}, sockets {Registration.OpenSockets}, " +
            $"connections {Network.OpenConnections}";

        private static string Show(Irp irp) => irp.IsCompleted ? $"{irp.IoStatus.Status.Name}×{irp.CompletionCount}" : "pending";
    }

    /// <summary>The sequential model: each call is one atomic step.</summary>
    public sealed class Expected
    {
        public NtStatus? Receive;
        public NtStatus? Connect;
        public bool Closed;
        public int Sockets = 1;

        public override string ToString() =>
            $"receive {Receive?.Name ?? "pending"}, connect {Connect?.Name ?? "pending"}, closed {Closed}, sockets {Sockets}";
    }

    private static bool Agree(Racers a, Expected m) =>
        (Same(a.ReceiveIrp, m.Receive) || DataOvertakenByClose(a, m)) && Same(a.ConnectIrp, m.Connect) && a.CloseIrp.IsCompleted == m.Closed
        && a.Registration.OpenSockets == m.Sockets && a.Network.OpenConnections == m.Sockets
        && a.CloseIrp.Violations.Count == 0 && a.CloseIrp.CompletionCount <= 1;

    /// <summary>
    /// A peer's write returns once its bytes are with the transport, not once the receive IRP has them: when another
    /// thread's write is still handing bytes to the socket, a close that follows may cancel the receive first. That is
    /// the contract (close cancels what is pending), so a receive the model completed with data may end CANCELLED, once,
    /// when the model closed the socket too.
    /// </summary>
    private static bool DataOvertakenByClose(Racers a, Expected m) =>
        m.Closed && m.Receive == NtStatus.Success && a.ReceiveIrp.CompletionCount == 1 && a.ReceiveIrp.Violations.Count == 0
        && a.ReceiveIrp.IoStatus.Status == NtStatus.Cancelled;

    private static bool Same(Irp irp, NtStatus? expected) =>
        irp.CompletionCount <= 1 && irp.Violations.Count == 0
        && (expected is { } s ? irp.IsCompleted && irp.IoStatus.Status == s : !irp.IsCompleted);

    [Fact]
    public void Cancel_completion_and_close_racing_on_several_threads_are_linearizable()
    {
        Gen.Const(0).Select(_ => (new Racers(), new Expected())).SampleParallel(
            new[]
            {
                Gen.Operation<Racers, Expected>("PeerWrite", a => a.Peer.Write(new byte[] { 1 }),
                    m => { if (!m.Closed) m.Receive ??= NtStatus.Success; }),
                Gen.Operation<Racers, Expected>("CancelReceive", a => Racers.CancelAndWait(a.ReceiveIrp), m => m.Receive ??= NtStatus.Cancelled),
                Gen.Operation<Racers, Expected>("Close", a => a.Close(), m =>
                {
                    if (m.Closed) return;
                    m.Closed = true;
                    m.Receive ??= NtStatus.Cancelled;
                    m.Sockets--;
                }),
                Gen.Operation<Racers, Expected>("AnswerConnect", a => a.AnswerConnect(), m =>
                {
                    if (m.Connect is not null) return;
                    m.Connect = NtStatus.Success;
                    m.Sockets++;
                }),
                Gen.Operation<Racers, Expected>("CancelConnect", a => Racers.CancelAndWait(a.ConnectIrp), m => m.Connect ??= NtStatus.Cancelled),
            },
            equal: Agree,
            maxSequentialOperations: 2,
            iter: 600,
            printActual: a => a.ToString(),
            printModel: m => m.ToString(),
            writeLine: output.WriteLine);
    }
}
