using System;
using System.Collections.Generic;

namespace Wsk.Properties.Core;

/// <summary>One step of a decider fold: the command, the state it met, the event it produced and the state after.</summary>
public readonly record struct FoldStep<TCommand, TState, TEvent>(int Index, TCommand Command, TState Before, TEvent Event, TState After);

/// <summary>Folds commands through any decider (<c>decide</c>, then <c>evolve</c>), keeping every step for the properties to judge.</summary>
public static class DeciderFold
{
    public static List<FoldStep<TCommand, TState, TEvent>> Run<TCommand, TState, TEvent>(
        TState initial, Func<TCommand, TState, TEvent> decide, Func<TState, TEvent, TState> evolve, IEnumerable<TCommand> commands)
    {
        var steps = new List<FoldStep<TCommand, TState, TEvent>>();
        var state = initial;
        int i = 0;
        foreach (var command in commands)
        {
            var e = decide(command, state);
            var next = evolve(state, e);
            steps.Add(new FoldStep<TCommand, TState, TEvent>(i++, command, state, e, next));
            state = next;
        }
        return steps;
    }
}
