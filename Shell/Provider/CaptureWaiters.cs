using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Wsk.Core;

namespace Wsk.Shell;

/// <summary>
/// The captures of one registration that wait for the provider right now. Guarded by the registration's gate.
/// </summary>
internal sealed class CaptureWaiters
{
    private readonly object _gate;
    private readonly List<CaptureWaiter> _waiting = new();

    public CaptureWaiters(object gate) => _gate = gate;

    /// <summary>Captures waiting now.</summary>
    public int Count
    {
        get { lock (_gate) return _waiting.Count; }
    }

    /// <summary>A new capture, not yet begun.</summary>
    public CaptureWaiter NewWaiter() => new(this);

    /// <summary>
    /// Under the gate: every waiting capture takes <paramref name="command"/> and leaves the waiting list; returns
    /// those whose decider answered, with the event, to be completed outside the gate.
    /// </summary>
    public List<(CaptureWaiter Waiter, CaptureEvent Event)> TakeAll(CaptureCommand command)
    {
        var ended = new List<(CaptureWaiter, CaptureEvent)>(_waiting.Count);
        foreach (var waiter in _waiting) ended.Add((waiter, waiter.Step(command)));
        _waiting.Clear();
        return ended;
    }

    /// <summary>
    /// Under the gate: the capture waits, with a timer on <paramref name="time"/> when its wait is finite.
    /// </summary>
    public void Wait(CaptureWaiter waiter, TimeProvider time, TimeSpan? due)
    {
        _waiting.Add(waiter);
        if (due is { } d) waiter.StartTimer(time, d);
    }

    /// <summary>
    /// One capture, run by the <see cref="CaptureDecider"/>: it ends once, by the provider attaching, its timer,
    /// deregistration or abandonment. Its state changes only under the registration's gate.
    /// </summary>
    internal sealed class CaptureWaiter
    {
        private readonly CaptureWaiters _owner;
        private readonly TaskCompletionSource<CaptureCompletion> _done =
            new(TaskCreationOptions.RunContinuationsAsynchronously);
        private CaptureState _state = CaptureDecider.Initial;
        private ITimer? _timer;

        public CaptureWaiter(CaptureWaiters owner) => _owner = owner;

        public Task<CaptureCompletion> Task => _done.Task;

        /// <summary>Under the gate: feeds the decider one command.</summary>
        public CaptureEvent Step(CaptureCommand command)
        {
            var e = CaptureDecider.Decide(command, _state);
            _state = CaptureDecider.Evolve(_state, e);
            return e;
        }

        public void StartTimer(TimeProvider time, TimeSpan due) =>
            _timer = time.CreateTimer(static w => ((CaptureWaiter)w!).End(CaptureCommand.TimerRunsOut), this, due,
                Timeout.InfiniteTimeSpan);

        public void Abandon() => End(CaptureCommand.Abandon);

        public bool Complete(CaptureCompletion completion)
        {
            _timer?.Dispose();
            return _done.TrySetResult(completion);
        }

        /// <summary>The timer or the caller ends the wait, unless something else ended it first.</summary>
        private void End(CaptureCommand command)
        {
            CaptureEvent e;
            lock (_owner._gate)
            {
                e = Step(command);
                if (e.Kind != CaptureEventKind.None) _owner._waiting.Remove(this);
            }
            if (e.Kind != CaptureEventKind.None) Complete(new CaptureCompletion(e.Status, null));
        }
    }
}
