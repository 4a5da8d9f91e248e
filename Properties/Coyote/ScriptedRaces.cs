using System.Linq;
using System.Threading.Tasks;
using Microsoft.Coyote.Random;
using Microsoft.Coyote.Specifications;
using Wsk.Core;
using Wsk.Properties.Shell;
using Wsk.Shell;
using Xunit;
using Xunit.Abstractions;
using static Wsk.Properties.Coyote.ReceiveRaces;

namespace Wsk.Properties.Coyote;

/// <summary>
/// The connect and receive races of <see cref="ConnectRaces"/> and <see cref="ReceiveRaces"/> over the scripted transport
/// instead of the simulated network: the transport answers when a task settles it (not when a clock says so), may ignore
/// a cancel or answer twice, and its peer never sends (a receive waits until it is cancelled or its socket goes), so the
/// provider meets the same rules from a transport that behaves differently.
/// </summary>
[Collection(CoyoteCollection.Name)]
public sealed class ScriptedRaces(ITestOutputHelper output)
{
    private static readonly Script[] PendingScripts =
        { Script.PendingSuccess, Script.PendingRefused, Script.PendingIgnoresCancel, Script.PendingDoubleAnswer };

    /// <summary>
    /// A WskSocketConnect pending on the scripted transport (Coyote picks the script: an answer of SUCCESS, of
    /// CONNECTION_REFUSED, a SUCCESS that ignores the cancel, or a transport bug that answers SUCCESS twice), raced by
    /// IoCancelIrp, the transport settling it, WskCloseSocket of the socket it produced and WskReleaseProviderNpi +
    /// WskDeregister. The connect completes exactly once (a second answer is refused and recorded, never delivered), with
    /// STATUS_SUCCESS exactly when it carries a socket; a connect that ignores the cancel always succeeds; the socket is
    /// closed by the task waiting for it; no connection leaks (the second answer's included) and WskDeregister returns.
    /// </summary>
    [Fact]
    public void Scripted_connect_completion_cancel_close_and_deregister_end_with_one_completion_and_nothing_leaked() =>
        CoyoteRun.Check(output, nameof(Scripted_connect_completion_cancel_close_and_deregister_end_with_one_completion_and_nothing_leaked), async () =>
        {
            var script = PendingScripts[Generator.Create().NextInteger(PendingScripts.Length)];
            var rig = new ScriptedRig();
            var connect = new Irp();
            var completed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            // The client's completion routine: it signals, and never waits for another completion.
            connect.SetCompletionRoutine((_, _) =>
            {
                completed.TrySetResult();
                return NtStatus.MoreProcessingRequired;
            });
            Require(rig.Connect(connect, script) == NtStatus.Pending, "the connect pends until the transport is settled");

            var close = new Irp();
            var cancel = Task.Run(() => connect.Cancel());
            var settle = Task.Run(rig.Transport.SettleAll);
            var closer = Task.Run(async () =>
            {
                await completed.Task;
                if (connect.IoStatus.Socket is { } socket) socket.WskCloseSocket(close);
            });
            var deregister = Task.Run(rig.Finish); // returns only once the connect has completed and its socket is closed
            await cancel;
            await settle;
            await closer;
            await deregister;

            Specification.Assert(connect.IsCompleted, $"the connect is still pending: {Show(connect)}");
            Specification.Assert(connect.CompletionCount == 1, $"the connect completed {connect.CompletionCount} times");
            var status = connect.IoStatus.Status;
            bool answeredTwice = connect.Violations.Count > 0;
            CoyoteRun.Outcome($"{script}: connect {status.Name}{(answeredTwice ? ", second answer refused" : "")}");
            Specification.Assert(connect.Violations.All(v => v.Rule == CallingRule.IrpCompletedTwice)
                && connect.Violations.Count <= (script == Script.PendingDoubleAnswer ? 1 : 0),
                $"only a transport that answers twice has its second answer refused: " +
                $"{string.Join("; ", connect.Violations.Select(v => $"{v.Rule} {v.AttemptedStatus.Name} {v.Detail}"))}");
            Specification.Assert(script switch
            {
                Script.PendingRefused => status == NtStatus.ConnectionRefused || status == NtStatus.Cancelled,
                Script.PendingIgnoresCancel => status == NtStatus.Success,
                _ => status == NtStatus.Success || status == NtStatus.Cancelled,
            }, $"{script}: the connect ends with its answer or CANCELLED: {Show(connect)}");
            Specification.Assert(status == NtStatus.Success == connect.IoStatus.Socket is not null,
                $"a socket exactly when the connect succeeded: {Show(connect)}");
            if (status == NtStatus.Success)
            {
                CompletedOnce(close, "the close");
                Specification.Assert(close.IoStatus.Status == NtStatus.Success, $"close never fails: {Show(close)}");
            }
            Specification.Assert(rig.Transport.OpenConnections == 0 && rig.Registration.OpenSockets == 0,
                $"nothing leaked: {rig.Transport.OpenConnections} connection(s), {rig.Registration.OpenSockets} socket(s) open");
            Specification.Assert(rig.Registration.IsDeregistered && rig.Registration.PendingCalls == 0,
                $"deregistered with no call pending ({rig.Registration.PendingCalls})");
            var findings = rig.Verifier.Verify();
            Specification.Assert(findings.All(f => f.Rule == VerifierRule.IrpCompletedTwice) && findings.Count == (answeredTwice ? 1 : 0),
                $"the verifier finds the second answer and nothing else: {string.Join("; ", findings)}");
        });

    /// <summary>
    /// Two receives pending on a scripted connection, R1 (the reader's target, its transport read pending) and R2 queued
    /// behind it; the scripted peer never sends. One task cancels R1, which makes R2 the target; another cancels R2, or
    /// does not (Coyote picks); a third tears the socket down: WskCloseSocket, or an abortive WskDisconnect then
    /// WskCloseSocket (Coyote picks). Whatever the interleaving, each receive completes exactly once, with
    /// STATUS_CANCELLED (nothing can arrive), the disconnect and the close with STATUS_SUCCESS; the transport read of the
    /// hand-over is never left behind (no connection open) and WskDeregister returns.
    /// </summary>
    [Fact]
    public void Scripted_receive_cancels_racing_the_hand_over_close_and_abortive_disconnect_complete_every_irp_once() =>
        CoyoteRun.Check(output, nameof(Scripted_receive_cancels_racing_the_hand_over_close_and_abortive_disconnect_complete_every_irp_once), async () =>
        {
            var generator = Generator.Create();
            bool cancelSecond = generator.NextBoolean();
            bool abortFirst = generator.NextBoolean();
            var rig = new ScriptedRig();
            var socket = rig.ConnectInline();
            var r1 = new Irp();
            var r2 = new Irp();
            var disconnect = new Irp();
            var close = new Irp();
            Require(socket.WskReceive(WskBuf.Of(new byte[8]), 0, r1) == NtStatus.Pending, "R1 pends: the scripted peer never sends");
            Require(socket.WskReceive(WskBuf.Of(new byte[8]), WskFlags.WaitAll, r2) == NtStatus.Pending, "R2 pends behind R1");

            var cancelFirst = Task.Run(() => r1.Cancel());
            var cancelOther = Task.Run(() => cancelSecond && r2.Cancel());
            var teardown = TearDown(socket, abortFirst, disconnect, close);
            await cancelFirst;
            await cancelOther;
            await teardown;

            CompletedOnce(r1, "R1");
            CompletedOnce(r2, "R2");
            CoyoteRun.Outcome($"{(cancelSecond ? "cancel R1 and R2" : "cancel R1")}, {(abortFirst ? "abortive disconnect, close" : "close")}: " +
                $"R1 {r1.IoStatus.Status.Name}, R2 {r2.IoStatus.Status.Name}");
            Specification.Assert(r1.IoStatus.Status == NtStatus.Cancelled && Bytes(r1) == 0, $"R1 gets nothing, so it ends CANCELLED: {Show(r1)}");
            Specification.Assert(r2.IoStatus.Status == NtStatus.Cancelled && Bytes(r2) == 0, $"R2 gets nothing, so it ends CANCELLED: {Show(r2)}");
            if (abortFirst)
            {
                CompletedOnce(disconnect, "the abortive disconnect");
                Specification.Assert(disconnect.IoStatus.Status == NtStatus.Success, $"an abortive disconnect succeeds: {Show(disconnect)}");
            }
            CompletedOnce(close, "the close");
            Specification.Assert(close.IoStatus.Status == NtStatus.Success, $"close never fails: {Show(close)}");
            Specification.Assert(rig.Transport.OpenConnections == 0 && rig.Registration.OpenSockets == 0,
                $"nothing left open: {rig.Transport.OpenConnections} connection(s), {rig.Registration.OpenSockets} socket(s)");
            rig.Finish();
            Specification.Assert(rig.Registration.IsDeregistered, "WskDeregister returned, so the registration is gone");
            NoFindings(rig.Verifier);
        });

    /// <summary>A registration and one capture over a fresh scripted transport, watched by a verifier.</summary>
    private sealed class ScriptedRig
    {
        public ScriptedRig()
        {
            WskRegistration.WskRegister(new WskClientNpi(null, new WskClientDispatch()), Transport, out var registration);
            Registration = registration;
            Verifier.Attach(registration);
            registration.WskCaptureProviderNpi(WskWait.NoWait, out var npi);
            Npi = npi!;
        }

        public ScriptedTransport Transport { get; } = new();
        public WskVerifier Verifier { get; } = new();
        public WskRegistration Registration { get; }
        public WskProviderNpi Npi { get; }

        /// <summary>WskSocketConnect under <paramref name="script"/> on <paramref name="irp"/>; returns what the call returned.</summary>
        public NtStatus Connect(Irp irp, Script script) =>
            Npi.Dispatch.WskSocketConnect(ConnectRequest.Tcp(Npi.Client.Id, SockAddrIn.Loopback((ushort)script)), irp);

        /// <summary>A socket connected inside the call.</summary>
        public WskConnectedSocket ConnectInline()
        {
            var irp = new Irp();
            Require(Connect(irp, Script.InlineSuccess) == NtStatus.Success, "the scripted connect succeeds inline");
            return irp.IoStatus.Socket!;
        }

        /// <summary>Releases the capture and deregisters (returns once every socket is closed and no call is pending).</summary>
        public void Finish()
        {
            Registration.WskReleaseProviderNpi(Npi);
            Registration.WskDeregister();
        }
    }
}
