using System;
using System.Threading;
using Wsk.Core;

namespace Wsk.Shell;

/// <summary>
/// A cold observable of one connect: each subscription makes one WskSocketConnect with its own IRP and emits exactly
/// one <see cref="ConnectCompletion"/>, then completes. A failed connect is an <c>OnNext</c> with its status; only a
/// caller bug (a <see cref="WskContractViolationException"/>) is an <c>OnError</c>. Disposing before the completion
/// cancels the IRP, and a socket that connected anyway is closed, never leaked.
/// </summary>
internal sealed class ConnectObservable : IObservable<ConnectCompletion>
{
    private readonly WskProviderDispatch _dispatch;
    private readonly ConnectRequest _request;

    public ConnectObservable(WskProviderDispatch dispatch, ConnectRequest request)
    {
        _dispatch = dispatch;
        _request = request;
    }

    public IDisposable Subscribe(IObserver<ConnectCompletion> observer)
    {
        ArgumentNullException.ThrowIfNull(observer);
        var subscription = new Subscription(observer);
        subscription.Start(_dispatch, _request);
        return subscription;
    }

    /// <summary>
    /// Joins two facts, each set once, with one CAS-guarded flag word: the call returned, and the IRP completed. The
    /// emission needs both (the return status is part of the result); disposal before emission turns it into a close.
    /// </summary>
    private sealed class Subscription : IDisposable
    {
        private const int Returned = 1, Completed = 2, Emitted = 4, Disposed = 8;
        private static readonly IrpCompletionRoutine OnIrpCompleted = static (_, context) =>
        {
            ((Subscription)context!).Set(Completed);
            return NtStatus.MoreProcessingRequired;
        };

        private readonly IObserver<ConnectCompletion> _observer;
        private readonly Irp _irp = new();
        private NtStatus _returned;
        private int _flags;

        public Subscription(IObserver<ConnectCompletion> observer) => _observer = observer;

        public void Start(WskProviderDispatch dispatch, ConnectRequest request)
        {
            _irp.SetCompletionRoutine(OnIrpCompleted, this);
            try
            {
                _returned = dispatch.WskSocketConnect(request, _irp);
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
                _observer.OnNext(ConnectCompletion.From(_irp, _returned));
                _observer.OnCompleted();
            }
            else if ((now & (Completed | Disposed | Emitted)) == (Completed | Disposed) && (old & (Completed | Disposed)) != (Completed | Disposed))
            {
                // Nobody will receive this socket: the subscriber left before the completion reached it.
                _irp.IoStatus.Socket?.WskCloseSocket(new Irp());
            }
            return old;
        }
    }
}
