using System;
using System.Linq;
using System.Reactive.Concurrency;
using System.Reactive.Disposables;
using System.Reactive.Linq;
using Wsk.Core;

namespace Wsk.Shell;

/// <summary>
/// Operators over the completions of the reactive forms. A failure is a value there (a refused connect is an
/// <c>OnNext</c> with its status), so Rx's <c>Retry</c> and <c>Catch</c> never see it: these turn chosen statuses into
/// errors, and retry chosen statuses with a backoff on a scheduler.
/// </summary>
public static class WskStatusReactive
{
    /// <summary>
    /// The statuses worth another attempt by default: STATUS_CONNECTION_REFUSED, STATUS_IO_TIMEOUT,
    /// STATUS_NETWORK_UNREACHABLE and STATUS_HOST_UNREACHABLE (rule ConnectFailuresFromOs: the network's answer, which
    /// may differ a moment later).
    /// </summary>
    /// <param name="status">A final status.</param>
    public static bool IsTransient(NtStatus status) =>
        status == NtStatus.ConnectionRefused || status == NtStatus.IoTimeout
        || status == NtStatus.NetworkUnreachable || status == NtStatus.HostUnreachable;

    /// <summary>
    /// Passes every completion on, but one whose status <paramref name="isError"/> picks ends the stream with a
    /// <see cref="WskStatusException"/> carrying it. A status that passes NT_SUCCESS is never an error, so a completion
    /// holding a socket always reaches the subscriber.
    /// </summary>
    /// <param name="source">A completion stream.</param>
    /// <param name="isError">Which failure statuses are errors.</param>
    public static IObservable<T> ErrorOnStatus<T>(this IObservable<T> source, Func<NtStatus, bool> isError)
        where T : IWskCompletion
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(isError);
        return source.Select(c => c.Status.IsSuccess || !isError(c.Status) ? c : throw new WskStatusException(c));
    }

    /// <summary>Ends the stream with a <see cref="WskStatusException"/> at a completion with one of
    /// <paramref name="statuses"/> (never a success, whatever the list says).</summary>
    /// <param name="source">A completion stream.</param>
    /// <param name="statuses">The failure statuses that are errors.</param>
    public static IObservable<T> ErrorOnStatus<T>(this IObservable<T> source, params NtStatus[] statuses)
        where T : IWskCompletion
    {
        ArgumentNullException.ThrowIfNull(statuses);
        var chosen = statuses.ToArray();
        return source.ErrorOnStatus(s => Array.IndexOf(chosen, s) >= 0);
    }

    /// <summary>
    /// Subscribes to <paramref name="source"/> again, after <paramref name="backoff"/> of
    /// <paramref name="scheduler"/>'s time, while its completion has a status <paramref name="retryOn"/> calls
    /// transient and fewer than <paramref name="maxAttempts"/> attempts were made. Each attempt is a new subscription,
    /// so with a cold form of this library a new call with a new IRP. The completion that ends the retries (a success,
    /// a status not retried, or the last attempt's failure) is passed on as a value; append
    /// <see cref="ErrorOnStatus{T}(IObservable{T}, Func{NtStatus, bool})"/> to make an exhausted failure an error.
    /// </summary>
    /// <remarks>
    /// Never retried: a success (its socket is handed over, exactly once), a rejected call
    /// (<see cref="IWskCompletion.IsRejected"/>: validation or the calling contract refused it, and would again), and
    /// an <c>OnError</c> (a <see cref="WskContractViolationException"/> is a caller bug). Disposing during a wait
    /// cancels the wait, so no further attempt starts; disposing during an attempt cancels its IRP as the form
    /// documents.
    /// </remarks>
    /// <param name="source">A cold completion stream of one completion per subscription.</param>
    /// <param name="maxAttempts">Attempts in all, the first included (at least 1).</param>
    /// <param name="backoff">The wait after failed attempt n (1-based) before attempt n + 1; never negative.</param>
    /// <param name="scheduler">Whose clock the waits run on (a <c>HistoricalScheduler</c> in a test).</param>
    /// <param name="retryOn">Which failure statuses are transient; null: <see cref="IsTransient"/>.</param>
    public static IObservable<T> RetryOnStatus<T>(this IObservable<T> source, int maxAttempts,
        Func<int, TimeSpan> backoff, IScheduler scheduler, Func<NtStatus, bool>? retryOn = null)
        where T : IWskCompletion
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxAttempts, 1);
        ArgumentNullException.ThrowIfNull(backoff);
        ArgumentNullException.ThrowIfNull(scheduler);
        var transient = retryOn ?? IsTransient;
        return Observable.Create<T>(observer =>
        {
            var current = new SerialDisposable();
            int attempts = 0;
            void Attempt()
            {
                attempts++;
                bool retrying = false;
                var subscription = new SingleAssignmentDisposable();
                current.Disposable = subscription;
                subscription.Disposable = source.Subscribe(completion =>
                {
                    if (attempts >= maxAttempts || completion.Status.IsSuccess || completion.IsRejected
                        || !transient(completion.Status))
                    {
                        observer.OnNext(completion);
                        return;
                    }
                    retrying = true;
                    var delay = backoff(attempts);
                    if (delay < TimeSpan.Zero)
                    {
                        observer.OnError(new ArgumentOutOfRangeException(nameof(backoff), delay,
                            $"the backoff after attempt {attempts} is negative"));
                        return;
                    }
                    // The wait replaces (and disposes) this attempt's subscription before it can start the next one.
                    var wait = new SingleAssignmentDisposable();
                    current.Disposable = wait;
                    wait.Disposable = scheduler.Schedule(delay, Attempt);
                }, observer.OnError, () =>
                {
                    if (!retrying) observer.OnCompleted();
                });
            }
            Attempt();
            return current;
        });
    }

    /// <summary>
    /// A backoff that doubles: <paramref name="first"/> after attempt 1, twice that after attempt 2, …, never more
    /// than <paramref name="max"/>.
    /// </summary>
    /// <param name="first">The first wait (not negative).</param>
    /// <param name="max">The longest wait (at least <paramref name="first"/>).</param>
    public static Func<int, TimeSpan> ExponentialBackoff(TimeSpan first, TimeSpan max)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(first, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(max, first);
        return attempt =>
        {
            var wait = first;
            for (int n = 1; n < attempt && wait < max; n++) wait = wait.Ticks > max.Ticks / 2 ? max : wait * 2;
            return wait;
        };
    }
}
