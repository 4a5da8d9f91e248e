using System;
using System.Threading;
using System.Threading.Tasks;

namespace Wsk.Shell;

/// <summary>The one wait the awaitable forms share: for a pending IRP, with the caller's token cancelling it.</summary>
internal static class IrpWaits
{
    /// <summary>
    /// Waits until <paramref name="irp"/> completes; cancelling <paramref name="cancellationToken"/> meanwhile cancels
    /// the IRP (rule CancelCompletesOnce), which then completes with STATUS_CANCELLED or its real result.
    /// </summary>
    internal static async ValueTask UntilCompleted(Irp irp, CancellationToken cancellationToken)
    {
        var registration = cancellationToken.CanBeCanceled
            ? cancellationToken.Register(static state => ((Irp)state!).Cancel(), irp)
            : default;
        try
        {
            await irp.WaitAsync().ConfigureAwait(false);
        }
        finally
        {
            // Unregister, not Dispose: Dispose waits for a cancel callback running on another thread, and the
            // awaiting continuation has no reason to. A cancel that still runs finds the IRP completed and does
            // nothing (this IRP is never reused).
            registration.Unregister();
        }
    }

    /// <summary>
    /// Waits until <paramref name="irp"/> completes, for at most <paramref name="timeout"/> on <paramref name="time"/>
    /// (<see cref="Timeout.InfiniteTimeSpan"/>: no limit) or until <paramref name="cancellationToken"/> is cancelled.
    /// True when the IRP completed; the IRP itself is left as it is either way.
    /// </summary>
    internal static ValueTask<bool> Within(Irp irp, TimeSpan timeout, TimeProvider time,
        CancellationToken cancellationToken) =>
        Within(irp.WaitAsync().AsTask(), timeout, time, cancellationToken);

    /// <summary>The same bounded wait for any task: true when <paramref name="task"/> ended within the limit.</summary>
    internal static async ValueTask<bool> Within(Task task, TimeSpan timeout, TimeProvider time,
        CancellationToken cancellationToken)
    {
        if (task.IsCompleted) return true;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        await Task.WhenAny(task, Task.Delay(timeout, time, stop.Token)).ConfigureAwait(false);
        stop.Cancel(); // the timer goes with the wait that no longer needs it
        return task.IsCompleted;
    }

    /// <summary>A limit is not negative, or it is <see cref="Timeout.InfiniteTimeSpan"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Any other negative limit.</exception>
    internal static void CheckLimit(TimeSpan timeout, string parameter)
    {
        if (timeout < TimeSpan.Zero && timeout != Timeout.InfiniteTimeSpan)
            throw new ArgumentOutOfRangeException(parameter, timeout,
                "a limit is not negative (or Timeout.InfiniteTimeSpan)");
    }
}
