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
}
