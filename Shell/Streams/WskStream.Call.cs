using System;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using System.Threading.Tasks.Sources;
using Wsk.Core;

namespace Wsk.Shell;

public sealed partial class WskStream
{
    /// <summary>
    /// One direction of the stream: its reused IRP, and the reused source of the ValueTask a pending call returns, so
    /// that a call that waits allocates nothing here either. The IRP's own wait wakes it once the IRP is free again;
    /// the caller's continuation then runs on that thread.
    /// </summary>
    private sealed class StreamCall : IValueTaskSource<int>, IValueTaskSource
    {
        private readonly WskStream _stream;
        private readonly string _call;
        private readonly Action _onIrpCompleted;
        private ManualResetValueTaskSourceCore<int> _core;
        private ValueTaskAwaiter<IoStatus> _wait;
        private CancellationToken _token;
        private CancellationTokenRegistration _cancel;
        private int _busy;

        public StreamCall(WskStream stream, string call)
        {
            _stream = stream;
            _call = call;
            _onIrpCompleted = IrpCompleted;
        }

        public Irp Irp { get; } = new();

        /// <summary>Takes the direction for one call.</summary>
        /// <exception cref="NotSupportedException">A call of this direction is already in progress.</exception>
        public void Enter(string what)
        {
            if (Interlocked.Exchange(ref _busy, 1) != 0)
                throw new NotSupportedException(
                    $"a {what} is already in progress on this stream: one at a time per direction");
        }

        /// <summary>Frees the direction for the next call.</summary>
        public void Exit() => Volatile.Write(ref _busy, 0);

        /// <summary>
        /// The call returned STATUS_PENDING: waits for its IRP, the token cancelling the IRP meanwhile (rule
        /// CancelCompletesOnce). Returns the version of the ValueTask the call hands out.
        /// </summary>
        public short AwaitPending(CancellationToken cancellationToken)
        {
            _core.Reset();
            short version = _core.Version;
            _token = cancellationToken;
            _cancel = cancellationToken.CanBeCanceled
                ? cancellationToken.UnsafeRegister(static irp => ((Irp)irp!).Cancel(), Irp)
                : default;
            _wait = Irp.WaitAsync().GetAwaiter();
            if (_wait.IsCompleted) IrpCompleted();
            else _wait.UnsafeOnCompleted(_onIrpCompleted);
            return version;
        }

        private void IrpCompleted()
        {
            _wait.GetResult();
            _wait = default;
            _cancel.Unregister(); // a cancel still running finds the IRP completed and does nothing
            _cancel = default;
            int bytes = 0;
            Exception? failure = null;
            try { bytes = (int)_stream.Outcome(Irp, NtStatus.Pending, _token, _call); }
            catch (Exception e) { failure = e; }
            _token = default;
            // Free before the result: the caller's continuation runs inside SetResult and may make the next call.
            Exit();
            if (failure is null) _core.SetResult(bytes);
            else _core.SetException(failure);
        }

        public int GetResult(short token) => _core.GetResult(token);

        void IValueTaskSource.GetResult(short token) => _core.GetResult(token);

        public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

        public void OnCompleted(Action<object?> continuation, object? state, short token,
            ValueTaskSourceOnCompletedFlags flags) => _core.OnCompleted(continuation, state, token, flags);
    }
}
