using System;
using System.Threading.Tasks;
using Microsoft.Coyote.Specifications;
using Wsk.Core;
using Wsk.Shell;
using Wsk.Shell.Simulation;
using Wsk.Properties.Shell.Simulation;
using Xunit;
using Xunit.Abstractions;
using static Wsk.Properties.Coyote.ReceiveRaces;

namespace Wsk.Properties.Coyote;

/// <summary>
/// A WskSocketConnect pending on the simulated network (its answer is due after 10 ms of virtual time), raced by
/// IoCancelIrp, the network answering (a task advancing the virtual clock), WskCloseSocket of the socket it produced,
/// and WskReleaseProviderNpi + WskDeregister, every interleaving explored by Coyote.
/// </summary>
[Collection(CoyoteCollection.Name)]
public sealed class ConnectRaces(ITestOutputHelper output)
{
    private static readonly TimeSpan Due = TimeSpan.FromMilliseconds(10);

    /// <summary>
    /// The connect completes exactly once; with STATUS_SUCCESS exactly when it carries a socket (and then with
    /// STATUS_CANCELLED otherwise: the answer and the cancel are the only ways it can end); the socket is closed by the
    /// task waiting for it, no connection leaks, and WskDeregister returns once the socket is closed.
    /// </summary>
    [Fact]
    public void Connect_completion_cancel_close_and_deregister_end_with_one_completion_and_nothing_leaked() =>
        CoyoteRun.Check(output, nameof(Connect_completion_cancel_close_and_deregister_end_with_one_completion_and_nothing_leaked), async () =>
        {
            var rig = new SimulatedRig();
            rig.Network.ScriptNextConnect(FaultScript.PendingFor(Due));
            var connect = new Irp();
            var completed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            // The client's completion routine: it signals, and never waits for another completion.
            connect.SetCompletionRoutine((_, _) =>
            {
                completed.TrySetResult();
                return NtStatus.MoreProcessingRequired;
            });
            Require(rig.Connect(connect, SimulatedRig.Server) == NtStatus.Pending, "the connect pends until its answer is due");

            var close = new Irp();
            var cancel = Task.Run(() => connect.Cancel());
            var answer = Task.Run(() =>
            {
                lock (rig) rig.Time.AdvanceBy(Due); // the virtual clock has one driver at a time
            });
            var closer = Task.Run(async () =>
            {
                await completed.Task;
                if (connect.IoStatus.Socket is { } socket) socket.WskCloseSocket(close);
            });
            var deregister = Task.Run(() =>
            {
                rig.Registration.WskReleaseProviderNpi(rig.Npi);
                rig.Registration.WskDeregister(); // returns only once the connect has completed and its socket is closed
            });
            await cancel;
            await answer;
            await closer;
            await deregister;

            CompletedOnce(connect, "the connect");
            var status = connect.IoStatus.Status;
            CoyoteRun.Outcome($"connect {status.Name}");
            Specification.Assert(status == NtStatus.Success || status == NtStatus.Cancelled,
                $"the connect ends with its answer or CANCELLED: {Show(connect)}");
            Specification.Assert(status == NtStatus.Success == connect.IoStatus.Socket is not null,
                $"a socket exactly when the connect succeeded: {Show(connect)}");
            if (status == NtStatus.Success)
            {
                CompletedOnce(close, "the close");
                Specification.Assert(close.IoStatus.Status == NtStatus.Success, $"close never fails: {Show(close)}");
            }
            Specification.Assert(rig.Network.OpenConnections == 0 && rig.Registration.OpenSockets == 0,
                $"nothing leaked: {rig.Network.OpenConnections} connection(s), {rig.Registration.OpenSockets} socket(s) open");
            Specification.Assert(rig.Registration.IsDeregistered && rig.Registration.PendingCalls == 0,
                $"deregistered with no call pending ({rig.Registration.PendingCalls})");
        });
}
