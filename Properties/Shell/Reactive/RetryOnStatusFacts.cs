using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Reactive.Concurrency;
using System.Reactive.Linq;
using Wsk.Core;
using Wsk.Properties.Shell.Simulation;
using Wsk.Shell;
using Wsk.Shell.Simulation;
using Xunit;

namespace Wsk.Properties.Shell.Reactive;

/// <summary>
/// ErrorOnStatus and RetryOnStatus over real WskSocketConnect IRPs on the simulated network, in virtual time: every
/// attempt is a new subscription (a new IRP), the waits are exactly the backoff, and nothing outlives a dispose.
/// </summary>
public sealed class RetryOnStatusFacts
{
    private static readonly TimeSpan RoundTrip = TimeSpan.FromMilliseconds(10);
    private static readonly FaultScript RefusedLater = FaultScript.PendingFor(RoundTrip, ConnectFault.Refuse);

    /// <summary>The rig, plus a connect observable that logs when each attempt starts and completes.</summary>
    private sealed class Attempts
    {
        public Attempts(SimulatedRig rig, ConnectRequest? request = null)
        {
            Rig = rig;
            var connect = rig.Npi.Dispatch.ConnectObservable(request ?? ConnectRequest.Tcp(rig.Npi.Client.Id, SimulatedRig.Server));
            Source = Observable.Defer(() =>
            {
                Starts.Add(rig.Network.Now.TotalMilliseconds);
                return connect.Do(_ => Ends.Add(rig.Network.Now.TotalMilliseconds));
            });
        }

        public SimulatedRig Rig { get; }
        public IObservable<ConnectCompletion> Source { get; }
        public List<double> Starts { get; } = new();
        public List<double> Ends { get; } = new();
        public List<ConnectCompletion> Delivered { get; } = new();
        public Exception? Error { get; private set; }
        public bool Completed { get; private set; }

        public IDisposable Run(IObservable<ConnectCompletion> pipeline) =>
            pipeline.Subscribe(Delivered.Add, e => Error = e, () => Completed = true);

        public static string Times(IEnumerable<double> ms) => string.Join(" ", ms.Select(m => m.ToString(CultureInfo.InvariantCulture)));
    }

    private static TimeSpan Linear(int attempt) => TimeSpan.FromMilliseconds(100 * attempt);

    [Fact]
    public void Two_refusals_then_a_success_make_three_IRPs_wait_exactly_the_backoff_and_hand_over_one_socket()
    {
        var verifier = new WskVerifier();
        var rig = new SimulatedRig(verifier: verifier);
        rig.Network.ScriptNextConnect(RefusedLater);
        rig.Network.ScriptNextConnect(RefusedLater);
        var a = new Attempts(rig);

        using (a.Run(a.Source.RetryOnStatus(5, Linear, rig.Time)))
        {
            rig.Time.AdvanceBy(TimeSpan.FromSeconds(10));
        }

        // Refused at 10 ms, wait 100 ms; refused at 120 ms, wait 200 ms; the third connect succeeds inline at 320 ms.
        Assert.Equal("0 110 320", Attempts.Times(a.Starts));
        Assert.Equal("10 120 320", Attempts.Times(a.Ends));
        var only = Assert.Single(a.Delivered);
        Assert.Equal(NtStatus.Success, only.Status);
        Assert.True(a.Completed);
        Assert.Null(a.Error);
        Assert.Equal(1, rig.Registration.OpenSockets);
        Assert.True(rig.Listener.TryAccept(out _));
        Assert.False(rig.Listener.TryAccept(out _));
        only.Socket!.WskCloseSocket(new Irp());
        rig.Finish();
        Assert.Empty(verifier.Verify());
    }

    [Fact]
    public void An_exhausted_retry_passes_the_last_failure_on_and_ErrorOnStatus_makes_it_an_error()
    {
        var rig = new SimulatedRig();
        rig.Network.ScriptEndpoint(SimulatedRig.Server, RefusedLater);
        var values = new Attempts(rig);
        var errors = new Attempts(rig);

        values.Run(values.Source.RetryOnStatus(3, Linear, rig.Time));
        rig.Time.AdvanceBy(TimeSpan.FromSeconds(10));
        errors.Run(errors.Source.RetryOnStatus(2, Linear, rig.Time).ErrorOnStatus(WskStatusReactive.IsTransient));
        rig.Time.AdvanceBy(TimeSpan.FromSeconds(10));

        Assert.Equal("0 110 320", Attempts.Times(values.Starts));
        Assert.Equal(NtStatus.ConnectionRefused, Assert.Single(values.Delivered).Status);
        Assert.True(values.Completed);
        Assert.Equal(2, errors.Starts.Count);
        Assert.Empty(errors.Delivered);
        var error = Assert.IsType<WskStatusException>(errors.Error);
        Assert.Equal(NtStatus.ConnectionRefused, error.Status);
        Assert.Equal(NtStatus.Pending, Assert.IsType<ConnectCompletion>(error.Completion).ReturnStatus);
        Assert.Equal(0, rig.Registration.OpenSockets);
        rig.Finish();
    }

    [Fact]
    public void Only_statuses_the_predicate_calls_transient_are_retried()
    {
        var rig = new SimulatedRig();
        rig.Network.ScriptEndpoint(SimulatedRig.Server, RefusedLater);
        var a = new Attempts(rig);

        a.Run(a.Source.RetryOnStatus(5, Linear, rig.Time, retryOn: s => s == NtStatus.IoTimeout));
        rig.Time.AdvanceBy(TimeSpan.FromSeconds(10));

        Assert.Single(a.Starts);
        Assert.Equal(NtStatus.ConnectionRefused, Assert.Single(a.Delivered).Status);
        rig.Finish();
    }

    [Fact]
    public void A_validation_rejection_and_a_contract_refusal_are_never_retried_whatever_the_predicate()
    {
        var rig = new SimulatedRig();
        var rejected = new Attempts(rig, ConnectRequest.Tcp(rig.Npi.Client.Id, SimulatedRig.Server) with { Flags = 2 });
        rejected.Run(rejected.Source.RetryOnStatus(5, Linear, rig.Time, retryOn: _ => true));
        var unknown = new Attempts(rig, ConnectRequest.Tcp(new ClientId(987_654_321), SimulatedRig.Server));
        unknown.Run(unknown.Source.RetryOnStatus(5, Linear, rig.Time, retryOn: _ => true));
        rig.Time.AdvanceBy(TimeSpan.FromSeconds(10));

        Assert.Single(rejected.Starts);
        var invalid = Assert.Single(rejected.Delivered);
        Assert.Equal(NtStatus.InvalidParameter, invalid.Status);
        Assert.True(invalid.IsRejected);
        Assert.Single(unknown.Starts);
        var handle = Assert.Single(unknown.Delivered);
        Assert.Equal(NtStatus.InvalidHandle, handle.Status);
        Assert.True(handle.IsRejected);
        rig.Finish();
    }

    [Fact]
    public void A_contract_violation_is_an_error_and_is_not_retried()
    {
        var rig = new SimulatedRig();
        var (socket, _) = rig.Pair();
        socket.WskCloseSocket(new Irp());
        int attempts = 0;
        Exception? error = null;
        var send = Observable.Defer(() =>
        {
            attempts++;
            return socket.SendObservable(WskBuf.Of(new byte[1]));
        });

        send.RetryOnStatus(5, Linear, rig.Time, retryOn: _ => true).Subscribe(_ => { }, e => error = e);
        rig.Time.AdvanceBy(TimeSpan.FromSeconds(10));

        Assert.Equal(1, attempts);
        Assert.IsType<WskContractViolationException>(error);
        rig.Finish();
    }

    [Fact]
    public void A_send_the_socket_refuses_for_its_flags_is_never_retried()
    {
        var rig = new SimulatedRig();
        var (socket, _) = rig.Pair();
        int attempts = 0;
        var delivered = new List<IoCompletion>();
        var send = Observable.Defer(() =>
        {
            attempts++;
            return socket.SendObservable(WskBuf.Of(new byte[1]), flags: 0x4000);
        });

        send.RetryOnStatus(5, Linear, rig.Time, retryOn: _ => true).Subscribe(delivered.Add);
        rig.Time.AdvanceBy(TimeSpan.FromSeconds(10));

        Assert.Equal(1, attempts);
        var only = Assert.Single(delivered);
        Assert.Equal(NtStatus.NotSupported, only.Status);
        Assert.True(only.IsRejected);
        socket.WskCloseSocket(new Irp());
        rig.Finish();
    }

    [Fact]
    public void Disposing_during_the_wait_stops_further_attempts_and_leaves_nothing_open()
    {
        var verifier = new WskVerifier();
        var rig = new SimulatedRig(verifier: verifier);
        rig.Network.ScriptEndpoint(SimulatedRig.Server, RefusedLater);
        var a = new Attempts(rig);

        var subscription = a.Run(a.Source.RetryOnStatus(5, _ => TimeSpan.FromSeconds(1), rig.Time));
        rig.Time.AdvanceBy(TimeSpan.FromMilliseconds(500)); // refused at 10 ms, now half way through the wait
        subscription.Dispose();
        rig.Time.AdvanceBy(TimeSpan.FromSeconds(30));

        Assert.Single(a.Starts);
        Assert.Empty(a.Delivered);
        Assert.False(a.Completed);
        Assert.Equal(0, rig.Registration.OpenSockets);
        Assert.Equal(0, rig.Registration.PendingCalls);
        Assert.Equal(0, rig.Network.OpenConnections);
        rig.Finish();
        Assert.Empty(verifier.Verify());
    }

    [Fact]
    public void Disposing_during_a_pending_attempt_cancels_its_IRP_and_starts_no_other()
    {
        var rig = new SimulatedRig();
        rig.Network.ScriptNextConnect(RefusedLater);
        rig.Network.ScriptNextConnect(FaultScript.PendingFor(TimeSpan.FromSeconds(5)));
        var a = new Attempts(rig);

        var subscription = a.Run(a.Source.RetryOnStatus(5, Linear, rig.Time));
        rig.Time.AdvanceBy(TimeSpan.FromMilliseconds(200)); // the second attempt started at 110 ms and pends
        subscription.Dispose();
        rig.Time.AdvanceBy(TimeSpan.FromSeconds(30));

        Assert.Equal("0 110", Attempts.Times(a.Starts));
        Assert.Empty(a.Delivered);
        Assert.Equal(0, rig.Registration.OpenSockets);
        Assert.Equal(0, rig.Registration.PendingCalls);
        rig.Finish();
    }

    [Fact]
    public void ErrorOnStatus_never_turns_a_success_into_an_error()
    {
        var rig = new SimulatedRig();
        ConnectCompletion? delivered = null;
        Exception? error = null;

        rig.Npi.Dispatch.ConnectObservable(ConnectRequest.Tcp(rig.Npi.Client.Id, SimulatedRig.Server))
            .ErrorOnStatus(_ => true).Subscribe(c => delivered = c, e => error = e);

        Assert.Null(error);
        Assert.Equal(NtStatus.Success, delivered!.Status);
        Assert.Equal(1, rig.Registration.OpenSockets);
        delivered.Socket!.WskCloseSocket(new Irp());
        rig.Finish();
    }

    [Fact]
    public void The_exponential_backoff_doubles_up_to_its_ceiling_and_bad_arguments_throw()
    {
        var backoff = WskStatusReactive.ExponentialBackoff(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(1));

        Assert.Equal("100 200 400 800 1000 1000", Attempts.Times(Enumerable.Range(1, 6).Select(n => backoff(n).TotalMilliseconds)));
        Assert.Equal(TimeSpan.FromSeconds(1), backoff(int.MaxValue));
        Assert.Throws<ArgumentOutOfRangeException>(() => WskStatusReactive.ExponentialBackoff(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => Observable.Empty<IoCompletion>().RetryOnStatus(0, Linear, ImmediateScheduler.Instance));
    }
}
