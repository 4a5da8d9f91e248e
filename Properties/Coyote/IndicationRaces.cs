using System.Threading;
using System.Threading.Tasks;
using Microsoft.Coyote.Random;
using Microsoft.Coyote.Specifications;
using Wsk.Core;
using Wsk.Shell;
using Wsk.Properties.Shell.Simulation;
using Xunit;
using Xunit.Abstractions;
using static Wsk.Properties.Coyote.ReceiveRaces;

namespace Wsk.Properties.Coyote;

/// <summary>
/// Receive indications racing DisableEventCallback and WskCloseSocket on a simulated connection with the receive
/// callback enabled, every interleaving explored by Coyote: the peer sends two bytes apart (two indications), while the
/// client disables the receive event and then closes, or only closes (Coyote picks which, as part of the schedule).
/// </summary>
[Collection(CoyoteCollection.Name)]
public sealed class IndicationRaces(ITestOutputHelper output)
{
    /// <summary>
    /// No callback starts once the disable has completed, nor once WskCloseSocket has returned or completed; a callback
    /// already running may finish (the disable and the close then complete when it returns). The disable and the close
    /// each complete exactly once, with STATUS_SUCCESS, or the disable with STATUS_CANCELLED when the close overtook
    /// the callback it was waiting for; nothing is left open.
    /// </summary>
    [Fact]
    public void No_indication_starts_after_the_disable_completed_or_the_close_returned_and_both_complete_once() =>
        CoyoteRun.Check(output, nameof(No_indication_starts_after_the_disable_completed_or_the_close_returned_and_both_complete_once), async () =>
        {
            var rig = new SimulatedRig();
            var client = new Client();
            var connect = new Irp();
            rig.Npi.Dispatch.WskSocketConnect(
                ConnectRequest.Tcp(rig.Npi.Client.Id, SimulatedRig.Server) with { Dispatch = client.Dispatch, SocketContext = client }, connect);
            var socket = connect.IoStatus.Socket;
            Require(socket is not null, "the connect succeeds inline");
            Require(rig.Listener.TryAccept(out var peer), "the listener accepted the connection");
            Require(socket!.EnableEventCallbacks(WskEvents.Receive) == NtStatus.Success, "the receive event is enabled");
            bool disableFirst = Generator.Create().NextBoolean();

            var disable = new Irp();
            disable.SetCompletionRoutine((_, _) =>
            {
                Volatile.Write(ref client.DisableCompleted, 1);
                return NtStatus.MoreProcessingRequired;
            });
            var close = new Irp();
            NtStatus closeReturned = default;
            var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            close.SetCompletionRoutine((_, _) =>
            {
                Volatile.Write(ref client.CloseEnded, 1);
                closed.TrySetResult();
                return NtStatus.MoreProcessingRequired;
            });

            var deliver = Task.Run(() =>
            {
                peer!.Write(new byte[] { 1 });
                peer.Write(new byte[] { 2 });
            });
            var control = Task.Run(async () =>
            {
                if (disableFirst) socket.DisableEventCallback(WskEvents.Receive, disable);
                closeReturned = socket.WskCloseSocket(close);
                Volatile.Write(ref client.CloseEnded, 1);
                await closed.Task;
            });
            await deliver;
            await control;

            Specification.Assert(client.Late == 0,
                $"{client.Late} indication(s) started after the disable completed or the close returned ({client.Indications} in all)");
            Specification.Assert(client.Overlapped == 0, "indications of one socket never overlap");
            CoyoteRun.Outcome($"{(disableFirst ? $"disable {(disable.IsCompleted ? disable.IoStatus.Status.Name : "pending")}, close" : "close")}: " +
                $"{client.Indications} indication(s), close returned {closeReturned.Name}");
            CompletedOnce(close, "the close");
            Specification.Assert(close.IoStatus.Status == NtStatus.Success, $"close never fails: {Show(close)}");
            if (disableFirst)
            {
                CompletedOnce(disable, "the disable");
                Specification.Assert(disable.IoStatus.Status == NtStatus.Success || disable.IoStatus.Status == NtStatus.Cancelled,
                    $"the disable succeeds, or is cancelled by the close: {Show(disable)}");
            }
            Specification.Assert(rig.Network.OpenConnections == 0 && rig.Registration.OpenSockets == 0,
                $"nothing left open: {rig.Network.OpenConnections} connection(s), {rig.Registration.OpenSockets} socket(s)");
            rig.Finish();
        });

    /// <summary>A client whose receive callback takes every byte and notes when it was called too late.</summary>
    private sealed class Client
    {
        public int DisableCompleted;
        public int CloseEnded;
        public int Late;
        public int Indications;
        public int Overlapped;
        private int _inside;

        public Client() => Dispatch = new ConnectionDispatch(ReceiveEvent: OnReceive);

        public ConnectionDispatch Dispatch { get; }

        private NtStatus OnReceive(object? context, uint flags, DataIndication? indication, long indicated, out long accepted)
        {
            if (Volatile.Read(ref DisableCompleted) != 0 || Volatile.Read(ref CloseEnded) != 0) Interlocked.Increment(ref Late);
            if (Interlocked.Increment(ref _inside) != 1) Interlocked.Increment(ref Overlapped);
            Interlocked.Increment(ref Indications);
            accepted = indicated;
            Interlocked.Decrement(ref _inside);
            return NtStatus.Success;
        }
    }
}
