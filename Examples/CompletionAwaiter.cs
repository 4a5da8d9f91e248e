using System;
using System.Threading.Tasks;
using System.Threading.Tasks.Sources;
using Wsk.Shell;

namespace Wsk.Examples;

/// <summary>
/// A reusable observer that can be awaited: the smallest bridge from the one-shot connect observable to an await, with
/// no Rx operator, Task or TaskCompletionSource per connect. Like the library's IRP it runs the continuation on the
/// thread that delivers the value (inline when the connect finished inside Subscribe).
/// </summary>
internal sealed class CompletionAwaiter : IObserver<ConnectCompletion>, IValueTaskSource<ConnectCompletion>
{
    private ManualResetValueTaskSourceCore<ConnectCompletion> _core;

    public CompletionAwaiter() => _core.RunContinuationsAsynchronously = false;

    /// <summary>Arms the awaiter for one more value. Call before subscribing: the value may arrive inside Subscribe.</summary>
    public ValueTask<ConnectCompletion> Next()
    {
        _core.Reset();
        return new ValueTask<ConnectCompletion>(this, _core.Version);
    }

    public void OnNext(ConnectCompletion value) => _core.SetResult(value);

    public void OnError(Exception error) => _core.SetException(error);

    /// <summary>
    /// Nothing to do: the value already arrived. It may even come after the next use was armed (the awaiting worker ran
    /// on inside OnNext and subscribed again), which is why it must not touch the state.
    /// </summary>
    public void OnCompleted()
    {
    }

    ConnectCompletion IValueTaskSource<ConnectCompletion>.GetResult(short token) => _core.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource<ConnectCompletion>.GetStatus(short token) => _core.GetStatus(token);

    void IValueTaskSource<ConnectCompletion>.OnCompleted(
        Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);
}
