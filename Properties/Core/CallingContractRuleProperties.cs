using System;
using System.Collections.Generic;
using System.Linq;
using Wsk.Core;
using Xunit;

namespace Wsk.Properties.Core;

/// <summary>
/// <see cref="CallingContract.Check"/> over every combination of facts: the first broken rule in the documented order,
/// none when nothing is broken, and each rule's outcome (bug check or returned status).
/// </summary>
public sealed class CallingContractRuleProperties
{
    private static readonly CallingRule[] Order =
    {
        CallingRule.IrqlAboveDispatch, CallingRule.IrqlAbovePassive, CallingRule.SocketClosed, CallingRule.IrpMissing, CallingRule.IrpInUse,
        CallingRule.ClientReleased,
    };

    private static IEnumerable<CallFacts> AllFacts()
    {
        bool[] both = { false, true };
        return from irql in Enum.GetValues<Irql>()
               from required in both
               from has in both
               from idle in both
               from live in both
               from open in both
               from passiveOnly in both
               select new CallFacts(irql, required, has, idle, live, open, passiveOnly);
    }

    private static bool Breaks(CallFacts f, CallingRule rule) => rule switch
    {
        CallingRule.IrqlAboveDispatch => f.Irql > Irql.DispatchLevel,
        CallingRule.IrqlAbovePassive => f.PassiveOnly && f.Irql > Irql.PassiveLevel,
        CallingRule.SocketClosed => !f.SocketOpen,
        CallingRule.IrpMissing => f.IrpRequired && !f.HasIrp,
        CallingRule.IrpInUse => f.HasIrp && !f.IrpIdle,
        CallingRule.ClientReleased => !f.ClientLive,
        _ => false,
    };

    [Fact]
    public void Check_answers_the_first_broken_rule_in_the_documented_order()
    {
        foreach (var facts in AllFacts())
        {
            CallingRule? expected = Order.Cast<CallingRule?>().FirstOrDefault(r => Breaks(facts, r!.Value));
            Assert.True(expected == CallingContract.Check(facts), $"{facts}: expected {expected}, got {CallingContract.Check(facts)}");
        }
    }

    [Fact]
    public void Only_a_missing_IRP_and_a_released_client_are_answered_with_a_status()
    {
        foreach (var rule in Order)
        {
            var returned = CallingContract.ReturnedStatus(rule);
            Assert.Equal(returned is null ? CallingOutcome.BugCheck : CallingOutcome.Returned, CallingContract.OutcomeOf(rule));
        }
        Assert.Equal(NtStatus.InvalidParameter, CallingContract.ReturnedStatus(CallingRule.IrpMissing));
        Assert.Equal(NtStatus.InvalidHandle, CallingContract.ReturnedStatus(CallingRule.ClientReleased));
        Assert.Equal(CallingOutcome.Admitted, CallingContract.OutcomeOf(CallingRule.None));
    }
}
