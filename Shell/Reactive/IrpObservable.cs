using System;
using System.Threading;
using Wsk.Core;

namespace Wsk.Shell;

/// <summary>
/// A cold observable of one IRP-based call: each subscription allocates its own IRP, makes the call, and emits exactly
/// one result, then completes. A failure is a status inside the result; only a caller bug (a
/// <see cref="WskContractViolationException"/>) is an <c>OnError</c>. Disposing before the completion cancels the IRP,
/// and whatever the completion hands over that nobody will receive (a socket) is released by <c>orphan</c>.
/// </summary>
internal sealed class IrpObservable<T> : IObservable<T>
{
    private readonly Func<Irp, NtStatus> _call;
    private readonly Func<Irp, NtStatus, T> _result;
    private readonly Action<Irp>? _orphan;

    public IrpObservable(Func<Irp, NtStatus> call, Func<Irp, NtStatus, T> result, Action<Irp>? orphan = null)
    {
        _call = call;
        _result = result;
        _orphan = orphan;
    }

    public IDisposable Subscribe(IObserver<T> observer)
    {
        ArgumentNullException.ThrowIfNull(observer);
        var subscription = new Subscription(this, observer);
        subscription.Start();
        return subscription;
    }

    /// <summary>
    /// Joins two facts, each set once, with one CAS-guarded flag word: the call returned, and the IRP completed. The
    /// emission needs both (the return status is part of the result); disposal before emission turns it into a cancel.
    /// </summary>
    private sealed class Subscription : IDisposable
    {
        private const int Returned = 1, Completed = 2, Emitted = 4, Disposed = 8;
        private static readonly IrpCompletionRoutine OnIrpCompleted = static (_, context) =>
        {
            ((Subscription)context!).Set(Completed);
            return NtStatus.MoreProcessingRequired;
        };

        private readonly IrpObservable<T> _parent;
        private readonly IObserver<T> _observer;
        private readonly Irp _irp = new();
        private NtStatus _returned;
        private int _flags;

        public Subscription(IrpObservable<T> parent, IObserver<T> observer)
        {
            _parent = parent;
            _observer = observer;
        }

        public void Start()
        {
            _irp.SetCompletionRoutine(OnIrpCompleted, this);
            try
            {
                _returned = _parent._call(_irp);
            }
            catch (WskContractViolationException e)
            {
                _observer.OnError(e);
                return;
            }
            Set(Returned);
        }

        public void Dispose()
        {
            if (Set(Disposed) is { } old && (old & Completed) == 0)
                _irp.Cancel();
        }

        /// <summary>Sets <paramref name="flag"/>, then does what the new combination calls for. Returns the old flags.</summary>
        private int? Set(int flag)
        {
            int old, now;
            do
            {
                old = Volatile.Read(ref _flags);
                if ((old & flag) != 0) return null;
                now = old | flag;
                if ((now & (Returned | Completed | Disposed)) == (Returned | Completed)) now |= Emitted;
            }
            while (Interlocked.CompareExchange(ref _flags, now, old) != old);

            if ((now & Emitted) != 0 && (old & Emitted) == 0)
            {
                _observer.OnNext(_parent._result(_irp, _returned));
                _observer.OnCompleted();
            }
            else if ((now & (Completed | Disposed | Emitted)) == (Completed | Disposed) && (old & (Completed | Disposed)) != (Completed | Disposed))
            {
                // Nobody will receive what the completion handed over: the subscriber left before it arrived.
                _parent._orphan?.Invoke(_irp);
            }
            return old;
        }
    }
}
