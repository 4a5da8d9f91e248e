using System;
using System.Linq;
using Wsk.Core;
using Xunit;

namespace Wsk.Properties.Core;

/// <summary>
/// WskCaptureProviderNpi's outcome and the calling contract's first broken rule, each written out case by case from the
/// rules rather than recomputed: a wrong comparison or a swapped priority changes a row.
/// </summary>
public class CaptureAndCallingRuleFacts
{
    private const uint Forever = CaptureDecider.InfiniteWait;

    /// <summary>
    /// Capture waits for the provider to be ready, for deregistration, or for its wait to run out, whichever comes first.
    /// Ties: at time 0 deregistration beats readiness, and readiness beats a zero wait; later, a wait that runs out at the
    /// same moment as readiness or deregistration wins, and deregistration beats readiness.
    /// </summary>
    [Theory]
    [InlineData(5u, null, 0L, false, 0L)]       // deregistration already under way
    [InlineData(5u, 0L, 0L, false, 0L)]         // ... even when the provider is ready
    [InlineData(5u, 0L, null, true, 0L)]        // ready: at once
    [InlineData(0u, 0L, null, true, 0L)]        // ready beats a zero wait
    [InlineData(0u, 3L, null, false, 0L)]       // no wait: not ready now
    [InlineData(0u, null, null, false, 0L)]
    [InlineData(0u, null, 3L, false, 0L)]
    [InlineData(Forever, null, null, false, null)] // nothing will ever happen: waits forever
    [InlineData(Forever, 3L, null, true, 3L)]
    [InlineData(Forever, 3L, 2L, false, 2L)]
    [InlineData(Forever, 2L, 3L, true, 2L)]
    [InlineData(Forever, 3L, 3L, false, 3L)]    // tie: deregistration wins
    [InlineData(Forever, null, 4L, false, 4L)]
    [InlineData(5u, 3L, null, true, 3L)]
    [InlineData(5u, 4L, null, true, 4L)]
    [InlineData(5u, 5L, null, false, 5L)]       // tie: the wait ran out
    [InlineData(5u, 6L, null, false, 5L)]
    [InlineData(5u, null, 6L, false, 5L)]
    [InlineData(5u, null, 5L, false, 5L)]
    [InlineData(5u, null, 4L, false, 4L)]
    [InlineData(5u, 4L, 4L, false, 4L)]
    [InlineData(5u, 4L, 3L, false, 3L)]
    [InlineData(5u, 3L, 4L, true, 3L)]
    [InlineData(5u, null, null, false, 5L)]
    [InlineData(1u, 1L, null, false, 1L)]
    [InlineData(2u, 1L, null, true, 1L)]
    [InlineData(Forever - 1, 7L, null, true, 7L)] // the largest finite wait is a deadline, not forever
    [InlineData(Forever - 1, null, null, false, (long)(Forever - 1))]
    public void Capture_ends_with_the_first_of_ready_deregistered_and_timed_out(uint wait, long? ready, long? deregister, bool success, long? at)
    {
        var (status, when) = CaptureDecider.Outcome(wait, ready, deregister);
        Assert.Equal(success ? NtStatus.Success : NtStatus.DeviceNotReady, status);
        Assert.Equal(at, when);
    }

    [Fact]
    public void A_capture_answers_once_and_nothing_after_its_answer_changes_it()
    {
        var commands = new[] { CaptureCommand.ProviderReady, CaptureCommand.DeregisterBegins, CaptureCommand.TimerRunsOut, CaptureCommand.Abandon };
        foreach (var first in commands)
        {
            var state = CaptureDecider.Evolve(CaptureDecider.Initial, CaptureDecider.Decide(CaptureCommand.Begin(5, false, false), CaptureDecider.Initial));
            Assert.Equal(CapturePhase.Waiting, state.Phase);
            var answer = CaptureDecider.Decide(first, state);
            state = CaptureDecider.Evolve(state, answer);
            Assert.True(CaptureDecider.IsTerminal(state));
            Assert.Equal(first.Kind == CaptureCommandKind.ProviderReady ? NtStatus.Success
                : first.Kind == CaptureCommandKind.Abandon ? NtStatus.Cancelled : NtStatus.DeviceNotReady, state.Status);
            foreach (var later in commands.Append(CaptureCommand.Begin(0, true, false)))
            {
                Assert.Equal(CaptureEventKind.None, CaptureDecider.Decide(later, state).Kind);
                Assert.Equal(state, CaptureDecider.Evolve(state, CaptureDecider.Decide(later, state)));
            }
        }
    }

    [Fact]
    public void Capture_wait_constants_are_the_documented_ones()
    {
        Assert.Equal(0u, CaptureDecider.NoWait);
        Assert.Equal(0xFFFF_FFFFu, CaptureDecider.InfiniteWait);
    }
}
