using System;
using System.Linq;
using Wsk.Core;
using Xunit;

namespace Wsk.Properties.Core;

/// <summary>The Decide, Evolve and IsTerminal of the three-step, event-callback and indication deciders agree.</summary>
public sealed class DeciderOrderFacts
{
    [Fact]
    public void A_three_step_command_decides_a_step_exactly_when_the_phase_can_take_it()
    {
        foreach (var phase in Enum.GetValues<SocketPhase>())
            foreach (var command in Enum.GetValues<UnconnectedSocketCommand>())
            {
                if (UnconnectedSocketDecider.Decide(command, phase) is { } step)
                {
                    Assert.Equal(StepOf(command), step);
                    Assert.True(step == SocketStep.Closed || UnconnectedSocketDecider.Evolve(phase, step) != phase, $"{command} in {phase}");
                }
                else
                    Assert.Equal(phase, UnconnectedSocketDecider.Evolve(phase, StepOf(command)));
            }
        Assert.Equal(SocketPhase.Created, UnconnectedSocketDecider.Initial);
        Assert.Equal(new[] { SocketPhase.Closed }, Enum.GetValues<SocketPhase>().Where(UnconnectedSocketDecider.IsTerminal));
    }

    [Fact]
    public void The_three_step_life_folds_from_Initial()
    {
        var phase = UnconnectedSocketDecider.Initial;
        foreach (var command in new[] { UnconnectedSocketCommand.Bind, UnconnectedSocketCommand.StartConnect, UnconnectedSocketCommand.ConnectSucceeded })
            phase = UnconnectedSocketDecider.Evolve(phase, UnconnectedSocketDecider.Decide(command, phase)!.Value);
        Assert.Equal(SocketPhase.Connected, phase);
        Assert.Null(UnconnectedSocketDecider.Decide(UnconnectedSocketCommand.Bind, phase));
        Assert.True(UnconnectedSocketDecider.IsTerminal(UnconnectedSocketDecider.Evolve(phase, SocketStep.Closed)));
    }

    [Fact]
    public void Event_callbacks_evolve_to_the_decided_state_and_a_refusal_keeps_it()
    {
        var state = EventCallbackDecider.Initial(WskEvents.ConnectionEvents, WskEvents.Receive);
        Assert.Equal(new EventState(WskEvents.ConnectionEvents, WskEvents.Receive, WskEvents.Receive, 0), state);
        var enable = EventCallbackDecider.Decide(new(WskEvents.Disconnect, false), state);
        Assert.Equal(enable.Next, EventCallbackDecider.Evolve(state, enable));
        var refused = EventCallbackDecider.Decide(new(WskEvents.Receive | WskEvents.Disable, false), state);
        Assert.Equal(NtStatus.InvalidParameter, refused.Status);
        Assert.Equal(state, EventCallbackDecider.Evolve(state, refused));
        Assert.False(EventCallbackDecider.IsTerminal(state));
    }

    [Fact]
    public void Indications_stop_for_good_on_an_answer_that_does_not_take_everything()
    {
        var flow = IndicationDecider.Initial;
        flow = IndicationDecider.Evolve(flow, IndicationDecider.Decide(new(NtStatus.Success, 10, 10)));
        flow = IndicationDecider.Evolve(flow, IndicationDecider.Decide(new(NtStatus.Pending, 10, 0)));
        Assert.Equal(IndicationFlow.Flowing, flow);
        Assert.False(IndicationDecider.IsTerminal(flow));
        flow = IndicationDecider.Evolve(flow, IndicationDecider.Decide(new(NtStatus.Success, 10, 4)));
        Assert.True(IndicationDecider.IsTerminal(flow));
        Assert.Equal(IndicationFlow.Stopped, IndicationDecider.Evolve(flow, IndicationDecider.Decide(new(NtStatus.Success, 10, 10))));
        Assert.Equal(IndicationFlow.Stopped, IndicationDecider.Evolve(IndicationFlow.Flowing, IndicationDecider.Decide(new(NtStatus.DataNotAccepted, 10, 0))));
    }

    private static SocketStep StepOf(UnconnectedSocketCommand command) => command switch
    {
        UnconnectedSocketCommand.Bind => SocketStep.Bound,
        UnconnectedSocketCommand.StartConnect => SocketStep.ConnectStarted,
        UnconnectedSocketCommand.ConnectSucceeded => SocketStep.Connected,
        UnconnectedSocketCommand.ConnectFailed => SocketStep.ConnectFailed,
        _ => SocketStep.Closed,
    };
}
