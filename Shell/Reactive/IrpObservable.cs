using System;
using System.Reactive.Concurrency;
using System.Reactive.Disposables;
using System.Threading;
using Wsk.Core;

namespace Wsk.Shell;

/// <summary>
/// A cold observable of one IRP-based call: each subscription makes the call with its own IRP and emits exactly one
/// result built from the IRP, the return status and what else the call gave back (its detail), then completes. A
/// failure is an <c>OnNext</c> with its status; only a caller bug (a <see cref="WskContractViolationException"/>) is an
/// <c>OnError</c>. Disposing before the completion cancels the IRP, and a result that arrives nevertheless is handed to
/// the orphan handler (a socket is closed, never leaked). Without a scheduler the result is delivered on the thread
/// that completed the IRP, which is the subscribing thread, inside <c>Subscribe</c>, when the call finished inside
/// itself; with one, <c>OnNext</c>, <c>OnCompleted</c> and <c>OnError</c> are scheduled on it, never run inside
/// <c>Subscribe</c>, and a subscriber that leaves before the scheduled delivery runs turns the result into an orphan.
/// </summary>
/// <typeparam name="TState">What the call needs (kept in a field, so no closure is allocated per
/// observable).</typeparam>
/// <typeparam name="TDetail">
/// What the call gives back beside its status (the rules a rejected call broke, an output buffer), kept per
/// subscription.
/// </typeparam>
/// <typeparam name="TResult">What a subscriber receives.</typeparam>
internal sealed class IrpObservable<TState, TDetail, TResult> : IObservable<TResult>
{
    private readonly TState _state;
    private readonly Func<TState, Irp, (NtStatus Returned, TDetail Detail)> _call;
    private readonly Func<Irp, NtStatus, TDetail, TResult> _result;
    private readonly Action<Irp>? _orphan;
    private readonly Action<Irp, TDetail>? _orphanDetail;
    private readonly IScheduler? _scheduler;

    public IrpObservable(TState state, Func<TState, Irp, (NtStatus Returned, TDetail Detail)> call,
        Func<Irp, NtStatus, TDetail, TResult> result, Action<Irp>? orphan, IScheduler? scheduler)
        : this(state, call, result, orphan, null, scheduler)
    {
    }

    private IrpObservable(TState state, Func<TState, Irp, (NtStatus Returned, TDetail Detail)> call,
        Func<Irp, NtStatus, TDetail, TResult> result, Action<Irp>? orphan, Action<Irp, TDetail>? orphanDetail,
        IScheduler? scheduler)
    {
        _state = state;
        _call = call;
        _result = result;
        _orphan = orphan;
        _orphanDetail = orphanDetail;
        _scheduler = scheduler;
    }

    /// <summary>An observable whose orphan handler needs what the call gave back (a result holder).</summary>
    public static IrpObservable<TState, TDetail, TResult> WithDetailOrphan(TState state,
        Func<TState, Irp, (NtStatus Returned, TDetail Detail)> call, Func<Irp, NtStatus, TDetail, TResult> result,
        Action<Irp, TDetail> orphan, IScheduler? scheduler) =>
        new(state, call, result, null, orphan, scheduler);

    public IDisposable Subscribe(IObserver<TResult> observer)
    {
        ArgumentNullException.ThrowIfNull(observer);
        var subscription = _scheduler is null
            ? new Subscription(this, observer)
            : new ScheduledSubscription(this, observer, _scheduler);
        subscription.Start();
        return subscription;
    }

    /// <summary>
    /// Joins two facts, each set once, with one CAS-guarded flag word: the call returned, and the IRP completed. The
    /// emission needs both (the return status is part of the result); disposal before emission turns it into an orphan.
    /// This one delivers where the emission happens.
    /// </summary>
    private class Subscription : IDisposable
    {
        protected const int Returned = 1, Completed = 2, Emitted = 4, Disposed = 8, Handed = 16;
        private static readonly IrpCompletionRoutine OnIrpCompleted = static (_, context) =>
        {
            ((Subscription)context!).Set(Completed);
            return NtStatus.MoreProcessingRequired;
        };

        private readonly IrpObservable<TState, TDetail, TResult> _owner;
        private readonly IObserver<TResult> _observer;
        private readonly Irp _irp = new();
        private NtStatus _returned;
        private TDetail _detail = default!;
        private int _flags;

        public Subscription(IrpObservable<TState, TDetail, TResult> owner, IObserver<TResult> observer)
        {
            _owner = owner;
            _observer = observer;
        }

        protected IObserver<TResult> Observer => _observer;

        protected ref int Flags => ref _flags;

        public void Start()
        {
            _irp.SetCompletionRoutine(OnIrpCompleted, this);
            try
            {
                (_returned, _detail) = _owner._call(_owner._state, _irp);
            }
            catch (WskContractViolationException e)
            {
                Violated(e);
                return;
            }
            // Refused by the call gate with a status (no IRP completion will come): the return is the whole result.
            if (_irp.RefusedBeforeSubmission(_returned)) Set(Completed);
            Set(Returned);
        }

        public void Dispose()
        {
            if (Set(Disposed) is not { } old) return;
            if ((old & Completed) == 0) _irp.Cancel();
            else if ((old & Emitted) != 0) DisposedAfterEmission();
        }

        /// <summary>The call threw for a caller bug: nothing was submitted; the error is the whole result.</summary>
        protected virtual void Violated(WskContractViolationException error) => _observer.OnError(error);

        /// <summary>Both facts are in and nobody left: the result goes to the observer.</summary>
        protected virtual void OnEmitted() => Emit();

        /// <summary>The subscriber left after the emission (nothing to do when it was delivered at once).</summary>
        protected virtual void DisposedAfterEmission()
        {
        }

        /// <summary>Delivers the result and the end of the stream.</summary>
        protected void Emit()
        {
            _observer.OnNext(_owner._result(_irp, _returned, _detail));
            _observer.OnCompleted();
        }

        /// <summary>Hands the result to the orphan handler: nobody will receive it.</summary>
        protected void Orphan()
        {
            _owner._orphan?.Invoke(_irp);
            _owner._orphanDetail?.Invoke(_irp, _detail);
        }

        /// <summary>
        /// Sets <paramref name="flag"/>, then does what the new combination calls for. Returns the old flags.
        /// </summary>
        protected int? Set(int flag)
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
                OnEmitted();
            }
            else if ((now & (Completed | Disposed | Emitted)) == (Completed | Disposed)
                     && (old & (Completed | Disposed)) != (Completed | Disposed))
            {
                // Nobody will receive this result: the subscriber left before the completion reached it.
                Orphan();
            }
            return old;
        }
    }

    /// <summary>
    /// A subscription that delivers on a scheduler: the emission schedules the delivery, and whichever comes first of
    /// the delivery and a disposal sets Handed, so the result reaches the observer or the orphan handler, never both.
    /// A contract violation is delivered the same way, so nothing at all runs inside <c>Subscribe</c>.
    /// </summary>
    private sealed class ScheduledSubscription : Subscription
    {
        private static readonly Func<IScheduler, ScheduledSubscription, IDisposable> Deliver = static (_, self) =>
        {
            self.Hand(toObserver: true);
            return Disposable.Empty;
        };

        private readonly IScheduler _scheduler;
        private WskContractViolationException? _error;
        private IDisposable? _delivery;

        public ScheduledSubscription(IrpObservable<TState, TDetail, TResult> owner, IObserver<TResult> observer,
            IScheduler scheduler)
            : base(owner, observer) => _scheduler = scheduler;

        protected override void Violated(WskContractViolationException error)
        {
            _error = error;
            Set(Completed);
            Set(Returned);
        }

        protected override void OnEmitted() => Volatile.Write(ref _delivery, _scheduler.Schedule(this, Deliver));

        protected override void DisposedAfterEmission()
        {
            Hand(toObserver: false);
            Interlocked.Exchange(ref _delivery, null)?.Dispose();
        }

        /// <summary>
        /// The scheduled delivery (<paramref name="toObserver"/>) or a disposal after emission: the first sets Handed
        /// and decides where the result goes.
        /// </summary>
        private void Hand(bool toObserver)
        {
            int old;
            do
            {
                old = Volatile.Read(ref Flags);
                if ((old & Handed) != 0) return;
                if (toObserver && (old & Disposed) != 0) return; // the disposal hands it to the orphan handler
            }
            while (Interlocked.CompareExchange(ref Flags, old | Handed, old) != old);
            if (!toObserver)
            {
                if (_error is null) Orphan();
            }
            else if (_error is { } error) Observer.OnError(error);
            else Emit();
        }
    }
}

/// <summary>
/// <see cref="IrpObservable{TState, TDetail, TResult}"/> for a call that gives back nothing but its status: the
/// result is built from the IRP and the return status alone.
/// </summary>
/// <typeparam name="TState">What the call needs.</typeparam>
/// <typeparam name="TResult">What a subscriber receives.</typeparam>
internal sealed class IrpObservable<TState, TResult> : IObservable<TResult>
{
    private readonly IrpObservable<StatusCall<TState, TResult>, Func<Irp, NtStatus, TResult>, TResult> _inner;

    public IrpObservable(TState state, Func<TState, Irp, NtStatus> call, Func<Irp, NtStatus, TResult> result,
        Action<Irp>? orphan, IScheduler? scheduler) =>
        // The result builder rides along as the detail, so no closure is made for it.
        _inner = new(new StatusCall<TState, TResult>(state, call, result),
            static (c, irp) => (c.Call(c.State, irp), c.Result), static (irp, returned, build) => build(irp, returned),
            orphan, scheduler);

    public IDisposable Subscribe(IObserver<TResult> observer) => _inner.Subscribe(observer);
}

/// <summary>A status-only call and its result builder, as the state of the observable that makes it.</summary>
internal readonly record struct StatusCall<TState, TResult>(
    TState State, Func<TState, Irp, NtStatus> Call, Func<Irp, NtStatus, TResult> Result);
