using System;
using System.Collections.Generic;
using System.Linq;
using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using System.Threading;
using System.Threading.Tasks;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Microsoft.Extensions.Time.Testing;
using Wsk.Core;
using Wsk.Shell;
using Xunit;

namespace Wsk.Properties.Shell;

/// <summary>
/// The registration life cycle (rules CaptureWait, DeregisterWaitsForReleases): captures that wait run in virtual time
/// and answer what the pure timeline says; WskDeregister never returns while anything is captured, open or pending.
/// </summary>
public sealed class RegistrationLifeCycleProperties
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    [Property(MaxTest = 60)]
    public Property A_capture_answers_what_the_timeline_says_in_virtual_time() =>
        Prop.ForAll(
            (from wait in Gen.Frequency((1, Gen.Constant(WskWait.NoWait)), (3, Gen.Choose(1, 5000).Select(w => (uint)w)), (1, Gen.Constant(WskWait.Infinite)))
             from ready in Gen.Frequency((1, Gen.Constant((long?)null)), (1, Gen.Constant((long?)0)), (3, Gen.Choose(1, 6000).Select(t => (long?)t)))
             from deregister in Gen.Frequency((3, Gen.Constant((long?)null)), (1, Gen.Choose(1, 6000).Select(t => (long?)t)))
             from rx in Gen.Elements(false, true)
             select (wait, ready, deregister, rx)).ToArbitrary(),
            input =>
            {
                var (wait, readyAt, deregisterAt, rx) = input;
                var time = new FakeTimeProvider();
                var provider = new WskProvider(new ScriptedTransport(), time, attached: readyAt == 0);
                WskRegistration.WskRegister(new WskClientNpi(null, new WskClientDispatch()), provider, out var registration);
                var expected = CaptureDecider.Outcome(wait, readyAt, deregisterAt);

                var result = rx
                    ? registration.Capture(wait).ToTask()
                    : Task.Factory.StartNew(() => new CaptureCompletion(registration.WskCaptureProviderNpi(wait, out var n), n),
                        CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
                bool waiting = SpinWait.SpinUntil(() => result.IsCompleted || registration.WaitingCaptures == 1, Bound);
                // Walk the clock through every instant of the timeline; at each one the timer fires first, then the event.
                var events = new[] { readyAt, deregisterAt, expected.At }.Where(t => t is > 0).Select(t => t!.Value).Distinct().OrderBy(t => t);
                long now = 0;
                Task? deregistering = null;
                foreach (var t in events)
                {
                    if (result.IsCompleted) break;
                    time.Advance(TimeSpan.FromMilliseconds(t - now));
                    now = t;
                    if (t == deregisterAt) deregistering = registration.DeregisterAsync();
                    if (t == readyAt) provider.Attach();
                }
                bool answered = expected.At is null ? !result.Wait(20) : result.Wait(Bound);
                var got = result.IsCompleted ? result.Result : null;
                if (got?.Npi is { } npi) registration.WskReleaseProviderNpi(npi);
                if (!result.IsCompleted) { registration.DeregisterAsync(); result.Wait(Bound); }
                (deregistering ?? registration.DeregisterAsync()).Wait(Bound);
                bool ok = waiting && answered
                    && (expected.At is null ? got is null : got?.Status == expected.Status && (got.Npi is null) != (got.Status == NtStatus.Success));
                return ok.Label($"wait {wait}, ready {readyAt}, deregister {deregisterAt}: expected {expected}, got {got?.Status}")
                    .Classify(true, expected.At is null
                        ? "still waiting (infinite)"
                        : $"{expected.Status.Name} at {(expected.At == 0 ? "once" : "a later instant")}")
                    .Collect(rx ? "Rx" : "faithful");
            });

    [Property(MaxTest = 40)]
    public Property Deregister_never_returns_while_an_NPI_is_captured_a_socket_open_or_a_call_pending() =>
        Prop.ForAll(
            (from captures in Gen.Choose(1, 3)
             from sockets in Gen.Choose(0, 3)
             from pendings in Gen.Choose(0, 2)
             from order in Gen.Shuffle(Enumerable.Range(0, 6).ToArray())
             from rx in Gen.Elements(false, true)
             select (captures, sockets, pendings, order, rx)).ToArbitrary(),
            input =>
            {
                var transport = new ScriptedTransport();
                WskRegistration.WskRegister(new WskClientNpi(null, new WskClientDispatch()), transport, out var registration);
                var client = registration.Dispatch_(WskWait.NoWait);
                var held = new List<Action> { () => registration.WskReleaseProviderNpi(client) };
                for (int i = 1; i < input.captures; i++)
                {
                    registration.WskCaptureProviderNpi(WskWait.NoWait, out var npi);
                    held.Add(() => registration.WskReleaseProviderNpi(npi!));
                }
                for (int i = 0; i < input.sockets; i++)
                {
                    var irp = new Irp();
                    if (i % 2 == 0)
                        client.Dispatch.WskSocketConnect(ConnectRequest.Tcp(client.Client.Id, SockAddrIn.Loopback((ushort)Script.InlineSuccess)), irp);
                    else
                        client.Dispatch.WskSocket(new SocketRequest(client.Client.Id, AddressFamilies.Inet6), irp);
                    var socket = irp.IoStatus.Information;
                    held.Add(() =>
                    {
                        if (socket is WskConnectedSocket s) s.WskCloseSocket(new Irp());
                        else ((WskUnconnectedSocket)socket!).WskCloseSocket(new Irp());
                    });
                }
                for (int i = 0; i < input.pendings; i++)
                    client.Dispatch.WskSocketConnect(ConnectRequest.Tcp(client.Client.Id, SockAddrIn.Loopback((ushort)Script.PendingRefused)), new Irp());
                if (input.pendings > 0) held.Add(transport.SettleAll);
                // Releases happen in a random order, the last capture release last (the client is needed until then).
                var releases = held.Skip(1).OrderBy(a => input.order[held.IndexOf(a) % 6]).Append(held[0]).ToArray();
                var done = input.rx
                    ? registration.Deregister().ToTask()
                    : Task.Factory.StartNew(() => { registration.WskDeregister(); return NtStatus.Success; },
                        CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
                bool early = false;
                foreach (var release in releases)
                {
                    early |= done.IsCompleted; // something is still held here: a return now would be early
                    release();
                }
                bool finished = done.Wait(Bound);
                return (!early && finished && registration.CapturedClients == 0 && registration.OpenSockets == 0 && registration.PendingCalls == 0)
                    .Label($"early {early}, finished {finished}, left: captures {registration.CapturedClients}, " +
                           $"sockets {registration.OpenSockets}, calls {registration.PendingCalls}")
                    .Classify(input.sockets > 0, "sockets open")
                    .Classify(input.pendings > 0, "calls pending")
                    .Collect(input.rx ? "Rx" : "faithful");
            });

    [Fact]
    public void Several_registrations_pair_on_their_own_and_a_capture_after_deregister_is_not_ready()
    {
        var provider = new WskProvider(new ScriptedTransport());
        WskRegistration.WskRegister(new WskClientNpi(null, new WskClientDispatch()), provider, out var a);
        WskRegistration.WskRegister(new WskClientNpi(null, new WskClientDispatch()), provider, out var b);
        Assert.Equal(NtStatus.Success, a.WskCaptureProviderNpi(WskWait.Infinite, out var na));
        Assert.Equal(NtStatus.Success, b.WskCaptureProviderNpi(100, out var nb));
        a.WskReleaseProviderNpi(na!);
        a.WskDeregister();
        Assert.Equal(NtStatus.DeviceNotReady, a.WskCaptureProviderNpi(WskWait.NoWait, out _));
        Assert.Equal(NtStatus.DeviceNotReady, a.Capture(WskWait.Infinite).Wait().Status);
        Assert.True(nb!.Client.IsLive);
        Assert.Equal(CallingRule.WaitAbovePassive,
            Assert.Throws<WskContractViolationException>(() => b.WskCaptureProviderNpi(5, out _, Irql.DispatchLevel)).Rule);
        b.WskReleaseProviderNpi(nb);
        b.WskDeregister();
    }
}

internal static class RegistrationTestExtensions
{
    /// <summary>A fresh capture, for tests that need a client of their own.</summary>
    public static WskProviderNpi Dispatch_(this WskRegistration registration, uint wait)
    {
        registration.WskCaptureProviderNpi(wait, out var npi);
        return npi!;
    }
}
