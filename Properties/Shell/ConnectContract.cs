using System;
using System.Collections.Generic;
using System.Linq;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Xunit;
using Wsk.Core;
using Wsk.Shell;

namespace Wsk.Properties.Shell;

/// <summary>
/// The WskSocketConnect contract, stated once and run against every transport (see the subclasses).
/// Each property classifies its runs by path, so the output shows that SUCCESS, PENDING and each failure really ran.
/// Every assertion is exact: each target carries the outcome its world declares (<see cref="Expect"/>), and the world
/// declares what it can do (<see cref="WorldCapabilities"/>); no property accepts "whatever the world did".
/// </summary>
public abstract class ConnectContract
{
    protected abstract ConnectWorld World { get; }

    private Arbitrary<(Target Target, bool Cancel, bool Faithful)> Runs =>
        (from target in World.Targets
         from cancel in Gen.Frequency((3, Gen.Constant(false)), (1, Gen.Constant(true)))
         from faithful in Gen.Elements(false, true)
         select (target, cancel, faithful))
        .ToArbitrary();

    /// <summary>Runs where a cancel has something to race: every one is cancelled.</summary>
    private Arbitrary<(Target Target, bool Faithful)> CancelledRuns =>
        (from target in World.PendingTargets
         from faithful in Gen.Elements(false, true)
         select (target, faithful))
        .ToArbitrary();

    private static string Short(NtStatus s) => s.Name?.Replace("STATUS_", "") ?? s.ToString();

    private static string Names(NtStatus[] statuses) => string.Join("|", statuses.Select(Short));

    [Fact]
    public void The_declared_capabilities_are_exactly_what_the_targets_declare()
    {
        var declared = World.Declarations.ToArray();
        var derived = new WorldCapabilities(
            PendingOnDemand: declared.Any(e => e.Answer == Answer.Pending),
            CompletesBeforeReturn: declared.Any(e => e.Answer == Answer.BeforeReturn),
            CancelCanWin: declared.Any(e => e.Answer == Answer.Pending && e.OnCancel == CancelOutcome.Wins),
            CancelCanLose: declared.Any(e => e.Answer == Answer.Pending && e.OnCancel == CancelOutcome.Loses),
            OsDecidesTiming: declared.Any(e => e.Answer == Answer.OsDecides),
            CancelledStatus: World.Capabilities.CancelledStatus);
        Assert.Equal(derived, World.Capabilities);
        Assert.False(World.Capabilities.CancelledStatus.IsSuccess); // a won cancel is a failure, never a socket
    }

    [Property(MaxTest = 60)]
    public Property Every_IRP_completes_exactly_once_and_the_return_tells_when() =>
        Prop.ForAll(Runs, input =>
        {
            var run = ConnectRun.Execute(World, input.Target, input.Cancel, input.Faithful);
            var allowed = run.Allowed(World);
            bool exactlyOnce = run.Answered && run.Completions == 1 && run.RoutineCalls == 1 && run.Violations.Count == 0;
            // The shape the world declared, and an inline return is the completion status.
            bool returnContract = run.ReturnedAsDeclared && (run.Returned.IsPending || run.Final.Status == run.Returned);
            bool finalAsDeclared = allowed.Contains(run.Final.Status);
            return (exactlyOnce && returnContract && finalAsDeclared)
                .Label($"{run.Target}: returned {run.Returned} ({run.Shape}), completed {run.Final.Status} ×{run.Completions}, " +
                       $"declared {run.Target.Expect.Answer} ⇒ {Names(allowed)} (routine ×{run.RoutineCalls}, answered {run.Answered}, " +
                       $"violations {run.Violations.Count})")
                .Classify(true, run.Path)
                .Classify(true, $"{run.Target.Expect.Answer} took {run.Shape}")
                .Classify(input.Faithful, "faithful twelve-parameter form")
                .Collect(run.Target.Kind);
        });

    [Property(MaxTest = 40)]
    public Property A_cancelled_pending_connect_ends_exactly_as_the_world_declares() =>
        Prop.ForAll(CancelledRuns, input =>
        {
            var run = ConnectRun.Execute(World, input.Target, cancel: true, input.Faithful);
            var expect = run.Target.Expect;
            // Declared PENDING every time: the call returned PENDING, so the cancel met a pending call.
            bool shape = run.ReturnedAsDeclared && run.Cancelled;
            var allowed = run.Allowed(World);
            bool final = allowed.Contains(run.Final.Status) && run.Completions == 1 && run.Violations.Count == 0
                         && (run.Final.Status == NtStatus.Success) == (run.Final.Socket is not null);
            bool nothingLeft = run.SocketsAfterClose == run.SocketsBefore && run.ConnectionsAfterClose == run.ConnectionsBefore;
            return (shape && final && nothingLeft)
                .Label($"{run.Target}: returned {run.Returned} ({run.Shape}), cancelled {run.Cancelled}, completed {run.Final.Status}; " +
                       $"declared {expect.Answer}, cancel {expect.OnCancel} ⇒ {Names(allowed)}; sockets {run.SocketsBefore}→{run.SocketsAfterClose}")
                .Classify(true, $"cancel {expect.OnCancel}: {run.Path}")
                .Collect(run.Target.Kind);
        });

    [Property(MaxTest = 60)]
    public Property Success_iff_a_socket_and_failure_leaves_no_socket_behind() =>
        Prop.ForAll(Runs, input =>
        {
            var run = ConnectRun.Execute(World, input.Target, input.Cancel, input.Faithful);
            bool asDeclared = run.Allowed(World).Contains(run.Final.Status);
            bool socketIffSuccess = run.Succeeded == (run.Final.Socket is not null);
            bool failureOpensNothing = run.Succeeded
                || (run.SocketsAfterCompletion == run.SocketsBefore && run.ConnectionsAfterCompletion == run.ConnectionsBefore
                    && run.Final.Information is null);
            bool successOpensOne = !run.Succeeded
                || (run.SocketsAfterCompletion == run.SocketsBefore + 1 && run.ConnectionsAfterCompletion == run.ConnectionsBefore + 1);
            bool closeReleases = run.SocketsAfterClose == run.SocketsBefore && run.ConnectionsAfterClose == run.ConnectionsBefore;
            return (asDeclared && socketIffSuccess && failureOpensNothing && successOpensOne && closeReleases)
                .Label($"{run.Target}: {run.Final.Status} (declared {Names(run.Allowed(World))}), " +
                       $"sockets {run.SocketsBefore}→{run.SocketsAfterCompletion}→{run.SocketsAfterClose}, " +
                       $"OS {run.ConnectionsBefore}→{run.ConnectionsAfterCompletion}→{run.ConnectionsAfterClose}")
                .Classify(true, run.Path);
        });

    [Property(MaxTest = 40)]
    public Property A_connected_socket_has_the_local_family_a_bound_port_and_the_requested_peer() =>
        Prop.ForAll(
            (from target in World.ConnectingTargets from faithful in Gen.Elements(false, true) select (target, faithful)).ToArbitrary(),
            input =>
            {
                // Only targets declared to connect: a run that fails to connect fails the property.
                var run = ConnectRun.Execute(World, input.target, cancel: false, input.faithful);
                var asked = run.Target.Local;
                bool family = run.SocketFamily == asked.Family && run.LocalAddress?.Family == asked.Family;
                bool bound = run.LocalAddress switch
                {
                    SockAddrIn v4 => v4.Port != 0 && (((SockAddrIn)asked).IsWildcard || v4.Address == ((SockAddrIn)asked).Address)
                                      && (((SockAddrIn)asked).Port == 0 || v4.Port == ((SockAddrIn)asked).Port),
                    SockAddrIn6 v6 => v6.Port != 0 && (((SockAddrIn6)asked).IsWildcard || v6.Address == ((SockAddrIn6)asked).Address)
                                      && (((SockAddrIn6)asked).Port == 0 || v6.Port == ((SockAddrIn6)asked).Port),
                    _ => false,
                };
                bool peer = Equals(run.RemoteAddress, run.Target.Remote);
                return (run.Succeeded && family && bound && peer)
                    .Label($"{run.Target}: {run.Final.Status}, family {run.SocketFamily}, local {run.LocalAddress}, remote {run.RemoteAddress}")
                    .Classify(true, $"connected {run.Target.Kind}, " +
                                    $"asked {(asked is SockAddrIn { IsWildcard: true } or SockAddrIn6 { IsWildcard: true } ? "wildcard" : "specific")}");
            });

    [Property(MaxTest = 100)]
    public Property A_rejected_request_returns_its_rule_status_lists_every_violation_and_opens_nothing() =>
        Prop.ForAll(Mutations(), mutated =>
        {
            var (request, expectedRules) = mutated;
            int sockets = World.Registration.OpenSockets, connections = World.Transport.OpenConnections;
            var irp = new Irp();
            var returned = World.Dispatch.WskSocketConnect(request, irp, out var violations);
            var rules = violations.Select(v => v.Rule).OrderBy(r => r).ToArray();
            var expectedStatus = ConnectRules.Table.StatusOf(expectedRules.Min());
            bool ok = returned == expectedStatus && irp.IsCompleted && irp.IoStatus.Status == expectedStatus
                      && irp.IoStatus.Information is null && irp.CompletionCount == 1
                      && rules.SequenceEqual(expectedRules.OrderBy(r => r))
                      && World.Registration.OpenSockets == sockets && World.Transport.OpenConnections == connections;
            return ok.Label($"{request}: returned {returned}, expected {expectedStatus}; rules [{string.Join(", ", rules)}] " +
                            $"expected [{string.Join(", ", expectedRules.OrderBy(r => r))}]")
                .Classify(expectedRules.Count > 1, "several violations")
                .Classify(true, expectedStatus.Name!)
                .Collect(string.Join("+", expectedRules.OrderBy(r => r)));
        });

    [Property(MaxTest = 50)]
    public Property The_observable_emits_one_completion_per_subscription_and_a_dispose_never_leaks_a_socket() =>
        Prop.ForAll(Runs, input =>
        {
            var (target, disposeEarly, _) = input;
            var expect = target.Expect;
            World.Arrange(target);
            int sockets = World.Registration.OpenSockets, connections = World.Transport.OpenConnections;
            var observer = new RecordingObserver();
            var request = new ConnectRequest(World.Client, SocketTypes.Stream, Protocols.Tcp, target.Local, target.Remote);
            var subscription = World.Dispatch.ConnectObservable(request).Subscribe(observer);
            bool emittedInside = observer.Count > 0;
            // Declared inside the call: heard inside Subscribe; declared pending: not; the OS's choice: either, classified.
            bool timing = expect.Answer switch
            {
                Answer.Inline or Answer.BeforeReturn => emittedInside,
                Answer.Pending => !emittedInside,
                _ => true,
            };
            if (disposeEarly) subscription.Dispose();
            else if (!emittedInside) World.Settle(); // only a pending connect needs the world to answer
            bool settled = disposeEarly || observer.WaitForTerminal(World.AnswerWithin);
            var received = observer.Completions;
            foreach (var c in received) c.Socket?.WskCloseSocket(new Irp()); // the receiver owns what it received
            bool noLeak = World.WaitUntilNoSocketsOpen(sockets, connections);
            // A dispose before the completion is heard silences the subscription: nothing more arrives, ever.
            bool grammar = disposeEarly && !emittedInside
                ? observer.Count == 0 && observer.Errors == 0 && observer.Completed == 0
                : observer.Errors == 0 && received.Count == 1 && observer.Completed == 1 && observer.OnNextBeforeCompleted;
            bool statusAsDeclared = received.All(c => c.Status == expect.Status && (c.Status == NtStatus.Success) == (c.Socket is not null)
                                                      && expect.ReturnShape(c.ReturnStatus, completedWhenReturned: emittedInside,
                                                          c.ReturnStatus.IsPending ? c.Status : c.ReturnStatus));
            string path = received.Count == 0 ? "disposed before completion (cancelled)" : $"{received[0].ReturnStatus.Name} ⇒ {received[0].Status.Name}";
            return (timing && settled && noLeak && grammar && statusAsDeclared)
                .Label($"{target} dispose-early={disposeEarly}: {observer}, declared {expect.Answer} ⇒ {Short(expect.Status)}, " +
                       $"emitted inside {emittedInside}, settled {settled}, no leak {noLeak} " +
                       $"(sockets {World.Registration.OpenSockets}/{sockets}, OS {World.Transport.OpenConnections}/{connections})")
                .Classify(true, (disposeEarly ? "disposed early: " : "") + path)
                .Classify(emittedInside, "emitted inside Subscribe");
        });

    [Property(MaxTest = 30)]
    public Property The_observable_is_cold_each_subscription_is_its_own_connect() =>
        Prop.ForAll(Runs, input =>
        {
            World.Arrange(input.Target);
            var request = new ConnectRequest(World.Client, SocketTypes.Stream, Protocols.Tcp, input.Target.Local, input.Target.Remote);
            var observable = World.Dispatch.ConnectObservable(request);
            var first = new RecordingObserver();
            var second = new RecordingObserver();
            observable.Subscribe(first);
            observable.Subscribe(second);
            // Settle only what is still pending: on loopback each release lets one pending connect in.
            if (first.Count == 0) World.Settle();
            bool done = first.WaitForTerminal(World.AnswerWithin);
            if (second.Count == 0) World.Settle();
            done &= second.WaitForTerminal(World.AnswerWithin);
            var all = first.Completions.Concat(second.Completions).ToArray();
            var sockets = all.Select(c => c.Socket).Where(s => s is not null).ToArray();
            foreach (var s in sockets) s!.WskCloseSocket(new Irp());
            bool distinct = sockets.Distinct().Count() == sockets.Length;
            // Each subscription is its own connect, so each ends as the target declares.
            bool asDeclared = all.All(c => c.Status == input.Target.Expect.Status)
                              && sockets.Length == (input.Target.Expect.Status == NtStatus.Success ? 2 : 0);
            return (done && first.Completions.Count == 1 && second.Completions.Count == 1 && distinct && asDeclared)
                .Label($"{input.Target}: first {first}, second {second}, declared {Short(input.Target.Expect.Status)}")
                .Classify(true, $"{sockets.Length} sockets from 2 subscriptions");
        });

    [Property(MaxTest = 40)]
    public Property The_awaitable_form_returns_a_status_and_cancellation_cancels_the_IRP() =>
        Prop.ForAll(Runs, input =>
        {
            World.Arrange(input.Target);
            int sockets = World.Registration.OpenSockets, connections = World.Transport.OpenConnections;
            using var cts = new System.Threading.CancellationTokenSource();
            var request = new ConnectRequest(World.Client, SocketTypes.Stream, Protocols.Tcp, input.Target.Local, input.Target.Remote);
            var pendingTask = World.Dispatch.ConnectAsync(request, cts.Token).AsTask();
            bool completedInside = pendingTask.IsCompleted;
            if (input.Cancel) cts.Cancel();
            if (!pendingTask.IsCompleted) World.Settle();
            bool done = pendingTask.Wait(World.AnswerWithin);
            if (!done) return false.Label($"{input.Target} cancel={input.Cancel}: no completion within {World.AnswerWithin}");
            var c = pendingTask.Result;
            c.Socket?.WskCloseSocket(new Irp());
            var expect = input.Target.Expect;
            // The token reaches the IRP only if the call returned PENDING and the task was still waiting.
            bool cancelled = input.Cancel && c.ReturnStatus.IsPending && !completedInside;
            var allowed = expect.Finals(cancelled, World.Capabilities.CancelledStatus);
            bool shape = (c.Status == NtStatus.Success) == (c.Socket is not null) && allowed.Contains(c.Status)
                         && expect.ReturnShape(c.ReturnStatus, completedInside, c.ReturnStatus.IsPending ? c.Status : c.ReturnStatus);
            return (shape && World.WaitUntilNoSocketsOpen(sockets, connections))
                .Label($"{input.Target} cancel={input.Cancel}: returned {c.ReturnStatus}, completed {c.Status}; " +
                       $"declared {expect.Answer}, cancel {expect.OnCancel} ⇒ {Names(allowed)}")
                .Classify(true, $"{(input.Cancel ? "cancelled token: " : "")}{c.ReturnStatus.Name} ⇒ {c.Status.Name}");
        });

    /// <summary>
    /// A connectable target broken in one or more ways, each a rule from the model-decisions table, with the rules the
    /// breakage must produce. Built from reachable targets so that no request is ever sent off this machine.
    /// </summary>
    private Arbitrary<(ConnectRequest Request, IReadOnlyList<ConnectRule> Rules)> Mutations()
    {
        var sd = World.Npi.Client.CacheSecurityDescriptor(new SecurityDescriptor(new ProcessId(1), Array.Empty<ProcessId>()));
        var released = World.Npi.Client.CacheSecurityDescriptor(new SecurityDescriptor(new ProcessId(1), Array.Empty<ProcessId>()));
        World.Npi.Client.ReleaseSecurityDescriptor(released);
        var client = World.Client;
        var breakages = new (ConnectRule Rule, Func<ConnectRequest, ConnectRequest> Apply)[]
        {
            (ConnectRule.TransportNotConnectionOriented, r => r with { SocketType = SocketTypes.Datagram, Protocol = Protocols.Udp }),
            (ConnectRule.TransportNotConnectionOriented, r => r with { Protocol = Protocols.Udp }),
            (ConnectRule.TransportNotConnectionOriented, r => r with { SocketType = SocketTypes.Raw }),
            (ConnectRule.LocalAddressMissing, r => r with { LocalAddress = null }),
            (ConnectRule.LocalAddressTruncated, r => r with
            {
                LocalAddress = SockAddrArgument.Truncated(
                    r.LocalAddress.Kind == SockAddrArgumentKind.Null ? AddressFamilies.Inet : r.LocalAddress.Family, 8),
            }),
            (ConnectRule.LocalFamilyNotSupported, r => r with { LocalAddress = SockAddrArgument.FamilyNotOffered(AddressFamilies.Unix) }),
            (ConnectRule.RemoteAddressMissing, r => r with { RemoteAddress = null }),
            (ConnectRule.RemoteAddressTruncated, r => r with
            {
                RemoteAddress = SockAddrArgument.Truncated(
                    r.RemoteAddress.Kind == SockAddrArgumentKind.Null ? AddressFamilies.Inet : r.RemoteAddress.Family, 3),
            }),
            (ConnectRule.RemoteFamilyMismatch, r => r with
            {
                RemoteAddress = r.LocalAddress.Address is SockAddrIn6 ? SockAddrIn.Loopback(9) : SockAddrIn6.Loopback(9),
            }),
            (ConnectRule.RemoteAddressNotConnectable, r => r with
            {
                RemoteAddress = r.RemoteAddress.Address switch
                {
                    SockAddrIn6 v6 => v6 with { Port = 0 },
                    SockAddrIn v4 => v4 with { Port = 0 },
                    _ => SockAddrIn.Any(),
                },
            }),
            (ConnectRule.FlagsNotZero, r => r with { Flags = 2 }), // WSK_FLAG_CONNECTION_SOCKET, a mistake seen in real code
            (ConnectRule.SecurityDescriptorNotCached, r => r with { SecurityDescriptor = released }),
            (ConnectRule.SecurityDescriptorNotCached, r => r with { SecurityDescriptor = new SecurityDescriptorHandle(long.MaxValue) }),
        };
        return (from target in World.Targets
                from picks in Gen.Frequency<IList<int>>(
                    (3, Gen.Choose(0, breakages.Length - 1).Select(i => (IList<int>)new[] { i })),
                    (2, Gen.SubListOf(Enumerable.Range(0, breakages.Length).ToArray()).Where(p => p.Count > 0).Select(p => (IList<int>)p)))
                select Build(target, picks))
            .ToArbitrary();

        (ConnectRequest, IReadOnlyList<ConnectRule>) Build(Target target, IList<int> picks)
        {
            var request = new ConnectRequest(client, SocketTypes.Stream, Protocols.Tcp, target.Local, target.Remote, SecurityDescriptor: sd);
            // Address breakages are applied in parameter order; a later one on the same parameter replaces an earlier one.
            var applied = new SortedDictionary<string, ConnectRule>();
            foreach (var i in picks)
            {
                var (rule, apply) = breakages[i];
                request = apply(request);
                applied[Parameter(rule)] = rule;
            }
            // A family mismatch is only judged against a usable local address; without one, the local rule speaks.
            if (applied.TryGetValue("remote", out var remoteRule) && remoteRule == ConnectRule.RemoteFamilyMismatch
                && request.LocalAddress.Address is not (SockAddrIn or SockAddrIn6))
                applied.Remove("remote");
            if (applied.TryGetValue("remote", out remoteRule) && remoteRule == ConnectRule.RemoteAddressNotConnectable
                && request.LocalAddress.Address is SockAddrIn or SockAddrIn6 && request.LocalAddress.Family != request.RemoteAddress.Family)
                applied["remote"] = ConnectRule.RemoteFamilyMismatch;
            return (request, applied.Values.Distinct().ToArray());
        }

        static string Parameter(ConnectRule rule) => rule switch
        {
            ConnectRule.TransportNotConnectionOriented => "transport",
            ConnectRule.LocalAddressMissing or ConnectRule.LocalAddressTruncated or ConnectRule.LocalFamilyNotSupported => "local",
            ConnectRule.FlagsNotZero => "flags",
            ConnectRule.SecurityDescriptorNotCached => "sd",
            _ => "remote",
        };
    }
}

/// <summary>The contract on real loopback sockets.</summary>
public sealed class ConnectContractOnLoopback : ConnectContract
{
    private static readonly Lazy<LoopbackWorld> Shared = new(() => new LoopbackWorld());
    protected override ConnectWorld World => Shared.Value;
}

/// <summary>The contract on the scripted transport (every pending, racing and timing-out path on demand).</summary>
public sealed class ConnectContractOnScriptedTransport : ConnectContract
{
    private static readonly Lazy<ScriptedWorld> Shared = new(() => new ScriptedWorld());
    protected override ConnectWorld World => Shared.Value;
}
