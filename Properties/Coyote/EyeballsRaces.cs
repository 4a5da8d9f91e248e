using System;
using System.Threading.Tasks;
using Microsoft.Coyote.Specifications;
using Wsk.Core;
using Wsk.Shell;
using Wsk.Shell.Simulation;
using Wsk.Properties.Shell.HappyEyeballs;
using Xunit;
using Xunit.Abstractions;
using static Wsk.Properties.Shell.HappyEyeballs.EyeballsWorld;

namespace Wsk.Properties.Coyote;

/// <summary>
/// A Happy Eyeballs connect whose two attempts overlap (the attempt delay is the least RFC 8305 allows, 10 ms), one of
/// them perhaps connecting after it lost, raced by the caller's cancel, the network answering (a task advancing the
/// virtual clock) and WskReleaseProviderNpi + WskDeregister, every interleaving explored by Coyote: commands arrive from
/// IRP completions, timers and the cancel on different tasks, and the runner must fold them one at a time.
/// </summary>
[Collection(CoyoteCollection.Name)]
public sealed class EyeballsRaces(ITestOutputHelper output)
{
    /// <summary>
    /// One outcome; a socket exactly when it succeeded, from one of the two addresses; the winner closed by the task
    /// waiting for it, every loser closed by the runner, nothing leaked, the verifier silent, and deregister returning.
    /// </summary>
    [Fact]
    public void Attempts_timers_cancel_and_deregister_end_with_one_outcome_and_nothing_leaked() =>
        CoyoteRun.Check(output, nameof(Attempts_timers_cancel_and_deregister_end_with_one_outcome_and_nothing_leaked), async () =>
        {
            var world = new EyeballsWorld(seed: 5);
            var (time, network, registration, npi) = (world.Time, world.Network, world.Registration, world.Npi);
            // Either IPv6 answers first (10 ms), or it is slow (15 ms) and its answer is already on its way when the
            // IPv4 winner (started at 10 ms, 1 ms to connect) cancels it: the loser connects anyway and must be closed.
            bool slowSix = Microsoft.Coyote.Random.Generator.Create().NextBoolean();
            network.Listen(Six);
            network.Listen(Four);
            network.ScriptEndpoint(Six, slowSix
                ? FaultScript.PendingFor(TimeSpan.FromMilliseconds(15)) with { IgnoresCancel = true }
                : FaultScript.PendingFor(TimeSpan.FromMilliseconds(10)));
            network.ScriptEndpoint(Four, FaultScript.PendingFor(TimeSpan.FromMilliseconds(slowSix ? 1 : 10)));
            var lookups = new ScriptedLookups(time, new ScriptedAnswer(TimeSpan.Zero, NtStatus.Success, new SockAddr[] { Six }),
                new ScriptedAnswer(TimeSpan.Zero, NtStatus.Success, new SockAddr[] { Four }));
            var options = HappyEyeballsOptions.Default with { AttemptDelay = HappyEyeballsOptions.MinimumAttemptDelay };
            using var cancel = new System.Threading.CancellationTokenSource();
            var connect = npi.Dispatch.ConnectAsync(npi.Client.Id, lookups, 443, options, time, cancellationToken: cancel.Token);

            var clock = Task.Run(async () =>
            {
                for (int ms = 0; ms < 40; ms += 5)
                {
                    lock (time) time.AdvanceBy(TimeSpan.FromMilliseconds(5)); // one driver of the virtual clock at a time
                    await Task.Yield();
                }
            });
            // Coyote's own choice of when the cancel comes (or that it never does), so every phase is reached.
            int yields = Microsoft.Coyote.Random.Generator.Create().NextInteger(20);
            var canceller = Task.Run(async () =>
            {
                for (int i = 0; i < yields; i++) await Task.Yield();
                if (yields < 16) cancel.Cancel();
            });
            var owner = Task.Run(async () =>
            {
                var done = await connect;
                done.Socket?.WskCloseSocket(new Irp());
                return done;
            });
            await clock;
            await canceller;
            var completion = await owner;
            lock (time) time.AdvanceBy(TimeSpan.FromSeconds(1)); // whatever is still due: nothing may be left pending
            await Task.Run(() =>
            {
                registration.WskReleaseProviderNpi(npi);
                registration.WskDeregister(); // returns only once every socket, the losers' included, is closed
            });

            var status = completion.Status;
            CoyoteRun.Outcome(status == NtStatus.Success ? $"won by {(completion.Address is SockAddrIn6 ? "IPv6" : "IPv4")}" : $"ended {status.Name}");
            Specification.Assert(status == NtStatus.Success || status == NtStatus.Cancelled, $"the connect won or was cancelled: {status}");
            Specification.Assert(status == NtStatus.Success == completion.Socket is not null, "a socket exactly when it succeeded");
            Specification.Assert(network.OpenConnections == 0 && registration.OpenSockets == 0,
                $"nothing leaked: {network.OpenConnections} connection(s), {registration.OpenSockets} socket(s) open");
            var findings = world.Verifier.Verify();
            Specification.Assert(findings.Count == 0, "the verifier: " + string.Join("; ", findings));
        });
}
