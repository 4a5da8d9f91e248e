using System;
using System.Collections.Generic;
using System.Linq;
using System.Reactive.Concurrency;
using System.Threading.Tasks;
using Wsk.Core;

namespace Wsk.Shell;

/// <summary>
/// Runs one Happy Eyeballs connect: what <see cref="HappyEyeballsDecider"/> decides, done against real calls — each
/// attempt one WskSocketConnect IRP, each lookup through <see cref="IEyeballsLookups"/>, each delay a timer on the
/// scheduler. Commands arrive from IRP completions, lookup answers, timers and the caller's cancel, on any thread; one
/// thread at a time folds them (the others queue), so the decider sees one command after another.
/// </summary>
internal sealed class EyeballsRunner
{
    private readonly WskProviderDispatch _dispatch;
    private readonly ClientId _client;
    private readonly int _port;
    private readonly IEyeballsLookups _lookups;
    private readonly HappyEyeballsOptions _options;
    private readonly IScheduler _scheduler;
    private readonly Action<EyeballsStep>? _onStep;
    private readonly object _gate = new();
    private readonly Queue<EyeballsCommand> _queue = new();
    private readonly Dictionary<int, Irp> _attempts = new();
    private readonly Dictionary<ushort, IDisposable> _lookupsAsked = new();
    private readonly List<IDisposable> _timers = new();
    private readonly TaskCompletionSource<EyeballsCompletion> _result =
        new(TaskCreationOptions.RunContinuationsAsynchronously);
    private EyeballsState _state = HappyEyeballsDecider.Initial;
    private bool _draining;

    public EyeballsRunner(WskProviderDispatch dispatch, ClientId client, int port, IEyeballsLookups lookups,
        HappyEyeballsOptions options, IScheduler scheduler, Action<EyeballsStep>? onStep)
    {
        _dispatch = dispatch;
        _client = client;
        _port = port;
        _lookups = lookups;
        _options = options;
        _scheduler = scheduler;
        _onStep = onStep;
    }

    /// <summary>The outcome, once decided (the winner's socket is then the caller's).</summary>
    public Task<EyeballsCompletion> Result => _result.Task;

    public void Start() => Drive(EyeballsCommand.Start);

    public void Cancel() => Drive(EyeballsCommand.Cancel);

    private void Drive(EyeballsCommand command)
    {
        lock (_gate)
        {
            _queue.Enqueue(command);
            if (_draining) return; // the thread folding now takes it next
            _draining = true;
        }
        while (true)
        {
            EyeballsCommand next;
            lock (_gate)
            {
                if (!_queue.TryDequeue(out next))
                {
                    _draining = false;
                    return;
                }
            }
            var events = HappyEyeballsDecider.Decide(next, _state, _options);
            _state = HappyEyeballsDecider.Apply(_state, events, _options);
            foreach (var e in events) Act(e);
            if (HappyEyeballsDecider.IsTerminal(_state)) Finish();
        }
    }

    private void Act(EyeballsEvent e)
    {
        _onStep?.Invoke(new EyeballsStep(_scheduler.Now, e));
        switch (e.Kind)
        {
            case EyeballsEventKind.LookupStarted:
                ushort family = e.Family;
                _lookupsAsked[family] = _lookups.Lookup(family, (status, addresses) => Drive(status.IsSuccess
                    ? EyeballsCommand.Answered(family, addresses.Select(a => a with { Port = (ushort)_port }))
                    : EyeballsCommand.LookupFailed(family, status)));
                break;
            case EyeballsEventKind.LookupCancelled:
                if (_lookupsAsked.TryGetValue(e.Family, out var lookup)) lookup.Dispose();
                break;
            case EyeballsEventKind.ResolutionDelayStarted:
                Arm(_options.ResolutionDelay, EyeballsCommand.ResolutionDelayElapsed);
                break;
            case EyeballsEventKind.AttemptDelayStarted:
                Arm(_options.AttemptDelay, EyeballsCommand.AttemptDelayElapsed(e.Generation));
                break;
            case EyeballsEventKind.AttemptStarted:
                StartAttempt(e.Id, e.Address!);
                break;
            case EyeballsEventKind.AttemptCancelled:
                _attempts[e.Id].Cancel();
                break;
            case EyeballsEventKind.LoserClosed:
                // Not waited for: this may run inside the attempt's completion routine, which must not wait.
                _attempts[e.Id].IoStatus.Socket?.WskCloseSocket(new Irp());
                break;
            case EyeballsEventKind.Won:
                var winner = _attempts[e.Id].IoStatus.Socket;
                StopTimers();
                _result.TrySetResult(new EyeballsCompletion(NtStatus.Success, winner,
                    _state.Attempts.First(a => a.Id == e.Id).Address, _state.Attempts));
                break;
            case EyeballsEventKind.Failed:
                StopTimers();
                _result.TrySetResult(new EyeballsCompletion(e.Status, null, null, _state.Attempts));
                break;
            case EyeballsEventKind.Cancelled:
                StopTimers(); // the completion waits for the cancelled attempts, so that it lists how each ended
                break;
        }
    }

    private void StartAttempt(int id, SockAddr address)
    {
        var irp = new Irp();
        _attempts[id] = irp;
        irp.SetCompletionRoutine(static (done, context) =>
        {
            var (runner, attempt) = ((EyeballsRunner, int))context!;
            runner.Drive(EyeballsCommand.AttemptCompleted(attempt, done.IoStatus.Status));
            return NtStatus.MoreProcessingRequired;
        }, (this, id));
        var returned = _dispatch.WskSocketConnect(ConnectRequest.Tcp(_client, address), irp);
        // A call the gate refused before submitting completes nothing: its status is the attempt's end.
        if (irp.RefusedBeforeSubmission(returned)) Drive(EyeballsCommand.AttemptCompleted(id, returned));
    }

    private void Arm(TimeSpan delay, EyeballsCommand command)
    {
        var timer = _scheduler.Schedule(delay, () => Drive(command));
        lock (_gate) _timers.Add(timer);
    }

    private void StopTimers()
    {
        IDisposable[] timers;
        lock (_gate)
        {
            timers = _timers.ToArray();
            _timers.Clear();
        }
        foreach (var t in timers) t.Dispose();
    }

    private void Finish()
    {
        StopTimers();
        if (_state.Phase == EyeballsPhase.Cancelled)
            _result.TrySetResult(new EyeballsCompletion(NtStatus.Cancelled, null, null, _state.Attempts));
    }
}
