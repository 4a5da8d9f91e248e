using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Wsk.Core;
using Wsk.Shell;
using Xunit;

namespace Wsk.Properties.Shell.Disposal;

/// <summary>
/// Disposal of captures and registrations, and the bounded WskDeregister that reports what is still open (rules RegistrationPairs,
/// DeregisterWaitsForReleases), in virtual time.
/// </summary>
public sealed class RegistrationDisposalFacts
{
    [Fact]
    public void Disposing_a_capture_releases_it_once_and_after_an_explicit_release_does_nothing()
    {
        var rig = new DisposalRig();
        rig.Registration.WskCaptureProviderNpi(WskWait.NoWait, out var second);
        Assert.Equal(2, rig.Registration.CapturedClients);
        rig.Npi.Dispose();
        rig.Npi.Dispose();
        Assert.False(rig.Npi.Client.IsLive);
        Assert.Equal(1, rig.Registration.CapturedClients);
        rig.Registration.WskReleaseProviderNpi(second!);
        second!.Dispose();
        Assert.Equal(0, rig.Registration.CapturedClients);
        Assert.Empty(rig.Verifier.Findings);
    }

    [Fact]
    public void A_release_after_dispose_is_still_a_second_release_for_the_verifier()
    {
        var rig = new DisposalRig();
        rig.Npi.Dispose();
        var e = Assert.Throws<WskContractViolationException>(() => rig.Registration.WskReleaseProviderNpi(rig.Npi));
        Assert.Equal(CallingRule.ClientReleased, e.Rule);
        var finding = Assert.Single(rig.Verifier.Findings);
        Assert.Equal((VerifierRule.ClientUsedAfterRelease, rig.Verifier.NameOf(rig.Npi.Client)), (finding.Rule, finding.Object));
    }

    [Fact]
    public async Task The_bounded_deregister_gives_up_at_its_limit_names_the_leaked_socket_and_finishes_once_it_is_closed()
    {
        var rig = new DisposalRig();
        var (leaked, _) = rig.Pair();
        rig.Npi.Dispose();
        var waiting = rig.Registration.DeregisterAsync(TimeSpan.FromSeconds(10));
        Assert.True(rig.Registration.IsDeregistering);
        rig.Time.Advance(TimeSpan.FromSeconds(9));
        Assert.False(DisposalRig.EndsWithin(waiting, 50));
        rig.Time.Advance(TimeSpan.FromSeconds(1));
        DisposalRig.Within2s(waiting);
        var result = await waiting;
        Assert.False(result.IsDeregistered);
        Assert.Equal((1, 0, 0), (result.OpenSockets, result.CapturedClients, result.PendingCalls));
        Assert.Equal("still open: 1 socket, 0 captures, 0 pending calls", result.ToString());
        Assert.False(rig.Registration.IsDeregistered);
        Assert.Contains(rig.Verifier.Verify(), f => f.Rule == VerifierRule.SocketLeaked && f.Object == rig.Verifier.NameOf(leaked));

        leaked.Dispose(); // the wait gave up; the deregistration did not
        Assert.True(rig.Registration.IsDeregistered);
        var again = await rig.Registration.DeregisterAsync(TimeSpan.Zero);
        Assert.True(again.IsDeregistered);
        Assert.Equal("deregistered", again.ToString());
        Assert.Empty(rig.Verifier.Verify());
    }

    [Fact]
    public async Task The_bounded_deregister_names_unreleased_captures_and_ends_early_on_its_token()
    {
        var rig = new DisposalRig();
        using var cancel = new CancellationTokenSource();
        var waiting = rig.Registration.DeregisterAsync(Timeout.InfiniteTimeSpan, cancel.Token);
        Assert.False(DisposalRig.EndsWithin(waiting, 50));
        cancel.Cancel();
        DisposalRig.Within2s(waiting);
        var result = await waiting;
        Assert.Equal((0, 1, false), (result.OpenSockets, result.CapturedClients, result.IsDeregistered));
        Assert.Equal(rig.Npi.Client, Assert.Single(result.UnreleasedClients));
        Assert.False(rig.Registration.WskDeregister(TimeSpan.Zero, out var now));
        Assert.Equal(1, now.CapturedClients);
        Assert.Throws<WskContractViolationException>(() => rig.Registration.WskDeregister(TimeSpan.Zero, out _, Irql.DispatchLevel));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => rig.Registration.DeregisterAsync(TimeSpan.FromSeconds(-3)));
        rig.Npi.Dispose();
        Assert.True(rig.Registration.WskDeregister(TimeSpan.Zero, out var done));
        Assert.True(done.IsDeregistered);
    }

    [Fact]
    public async Task Using_and_await_using_release_and_deregister_in_reverse_order()
    {
        var rig = new DisposalRig();
        var registration = rig.Registration;
        await using (registration)
        {
            using var npi = rig.Npi;
            await using var socket = rig.Pair().Socket;
            Assert.Equal((1, 1), (registration.OpenSockets, registration.CapturedClients));
        }
        Assert.True(registration.IsDeregistered);
        registration.Dispose(); // a second dispose: nothing
        await registration.DisposeAsync();
        Assert.Empty(rig.Verifier.Verify());
    }

    [Fact]
    public void Dispose_of_a_registration_with_a_leaked_socket_returns_at_its_limit_and_the_verifier_reports_the_leak()
    {
        var rig = new DisposalRig();
        var (leaked, _) = rig.Pair();
        rig.Npi.Dispose();
        var disposing = Task.Run(rig.Registration.Dispose);
        try
        {
            Assert.False(DisposalRig.EndsWithin(disposing, 50));
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5); // real time, for a loaded machine; the limit is virtual
            while (!disposing.IsCompleted && DateTime.UtcNow < deadline)
            {
                rig.Time.Advance(TimeSpan.FromSeconds(1)); // the timer may start after this thread's first advances
                DisposalRig.EndsWithin(disposing, 5);
            }
            DisposalRig.Within2s(disposing);
            Assert.True(rig.Time.GetUtcNow() - rig.Time.Start >= WskRegistration.DefaultDeregisterTimeout);
            Assert.False(rig.Registration.IsDeregistered);
            var leak = Assert.Single(rig.Verifier.Verify());
            Assert.Equal((VerifierRule.SocketLeaked, rig.Verifier.NameOf(leaked)), (leak.Rule, leak.Object));
        }
        finally
        {
            leaked.Dispose(); // also ends a dispose still waiting when an assertion failed
        }
        Assert.True(rig.Registration.IsDeregistered);
    }
}
