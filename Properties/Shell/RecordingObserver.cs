using System;
using System.Collections.Generic;
using System.Threading;
using Wsk.Shell;

namespace Wsk.Properties.Shell;

/// <summary>Records every notification, in order, so properties can judge the Rx grammar (OnNext* then one terminal).</summary>
public sealed class RecordingObserver : IObserver<ConnectCompletion>
{
    private readonly List<ConnectCompletion> _completions = new();
    private readonly ManualResetEventSlim _terminal = new();
    private int _completed;
    private int _errors;
    private bool _nextBeforeCompleted = true;

    public int Count { get { lock (_completions) return _completions.Count; } }
    public IReadOnlyList<ConnectCompletion> Completions { get { lock (_completions) return _completions.ToArray(); } }
    public int Completed => Volatile.Read(ref _completed);
    public int Errors => Volatile.Read(ref _errors);
    public bool OnNextBeforeCompleted => _nextBeforeCompleted;

    public bool WaitForTerminal(TimeSpan within) => _terminal.Wait(within);

    public void OnNext(ConnectCompletion value)
    {
        lock (_completions)
        {
            if (_completed > 0) _nextBeforeCompleted = false;
            _completions.Add(value);
        }
    }

    public void OnError(Exception error)
    {
        Interlocked.Increment(ref _errors);
        _terminal.Set();
    }

    public void OnCompleted()
    {
        lock (_completions) if (_completions.Count == 0) _nextBeforeCompleted = false;
        Interlocked.Increment(ref _completed);
        _terminal.Set();
    }

    public override string ToString() => $"{Count} OnNext, {Completed} OnCompleted, {Errors} OnError";
}
