using System;
using System.Reactive.Concurrency;
using System.Reactive.Disposables;
using System.Reactive.Linq;
using System.Threading;
using Wsk.Core;

namespace Wsk.Shell;

/// <summary>
/// The reactive forms of WskControlClient and of the registration life cycle (rules TransportListChange,
/// RegistrationPairs, CaptureWait). Each is cold: the
/// call is made per subscription. Waits run on the provider's clock, so a test drives them in virtual time. Each takes
/// an optional scheduler for the delivery: without one the completion arrives where the call finished (inside
/// <c>Subscribe</c> for a call answered at once), with one it is always delivered on that scheduler.
/// </summary>
public static class WskRegistrationReactive
{
    /// <summary>
    /// WskControlClient. WSK_TRANSPORT_LIST_CHANGE takes an IRP: the completion arrives when the list changes
    /// (STATUS_SUCCESS) or deregistration cancels it (STATUS_CANCELLED); disposing first cancels the IRP. Every other
    /// code answers inside the call, without an IRP; <paramref name="outputSize"/> bytes are offered as its output
    /// buffer.
    /// </summary>
    public static IObservable<OperationCompletion> ControlClient(this WskProviderDispatch dispatch, WskClient client,
        uint controlCode, object? input = null, long inputSize = 0, int outputSize = 0, IScheduler? scheduler = null)
    {
        ArgumentNullException.ThrowIfNull(dispatch);
        ArgumentNullException.ThrowIfNull(client);
        if (controlCode == ClientControlCodes.TransportListChange)
            return new IrpObservable<(WskProviderDispatch, WskClient), OperationCompletion>((dispatch, client),
                static (s, irp) => s.Item1.WskControlClient(s.Item2, ClientControlCodes.TransportListChange, 0, null, 0,
                    null, out _, irp),
                static (irp, returned) =>
                    OperationCompletion.From(irp, returned, Array.Empty<RuleViolation<SocketRule>>()),
                null, scheduler);
        return Observable.Defer(() =>
        {
            var output = outputSize > 0 ? new byte[outputSize] : null;
            NtStatus status;
            long returned;
            try
            {
                status = dispatch.WskControlClient(client, controlCode, inputSize, input, outputSize, output,
                    out returned, null);
            }
            catch (WskContractViolationException e)
            {
                return scheduler is null
                    ? Observable.Throw<OperationCompletion>(e)
                    : Observable.Throw<OperationCompletion>(e, scheduler);
            }
            var completion =
                new OperationCompletion(status, output, returned, status, Array.Empty<RuleViolation<SocketRule>>());
            return scheduler is null ? Observable.Return(completion) : Observable.Return(completion, scheduler);
        });
    }

    /// <summary>The next change of the transport list (one WSK_TRANSPORT_LIST_CHANGE IRP per subscription).</summary>
    public static IObservable<OperationCompletion> TransportListChanges(this WskClient client,
        IScheduler? scheduler = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        return client.Registration.Dispatch.ControlClient(client, ClientControlCodes.TransportListChange,
            scheduler: scheduler);
    }

    /// <summary>
    /// WskCaptureProviderNPI without blocking: one capture per subscription, exactly one completion. Disposing while it
    /// waits abandons the wait; an NPI captured after the subscriber left is released.
    /// </summary>
    public static IObservable<CaptureCompletion> Capture(this WskRegistration registration,
        uint waitTimeoutMilliseconds, IScheduler? scheduler = null)
    {
        ArgumentNullException.ThrowIfNull(registration);
        return Observable.Create<CaptureCompletion>(observer =>
        {
            const int Open = 0, Gone = 1, Delivered = 2;
            int state = Open;
            CaptureCompletion? arrived = null; // whoever takes it (the delivery or the disposal) owns its NPI
            var cancel = new CancellationTokenSource();
            void Release(CaptureCompletion? completion)
            {
                if (completion?.Npi is { } npi) registration.WskReleaseProviderNpi(npi);
            }
            void Deliver()
            {
                if (Interlocked.Exchange(ref arrived, null) is not { } completion) return;
                if (Interlocked.CompareExchange(ref state, Delivered, Open) != Open)
                {
                    Release(completion);
                    return;
                }
                observer.OnNext(completion);
                observer.OnCompleted();
            }
            var capture = registration.CaptureProviderNpiAsync(waitTimeoutMilliseconds, cancel.Token);
            capture.AsTask().ContinueWith(t =>
            {
                Volatile.Write(ref arrived, t.Result);
                if (scheduler is null) Deliver();
                else scheduler.Schedule(Deliver);
            }, CancellationToken.None, System.Threading.Tasks.TaskContinuationOptions.ExecuteSynchronously,
                System.Threading.Tasks.TaskScheduler.Default);
            return Disposable.Create(() =>
            {
                if (Interlocked.CompareExchange(ref state, Gone, Open) != Open) return;
                cancel.Cancel();
                Release(Interlocked.Exchange(ref arrived, null));
            });
        });
    }

    /// <summary>WskDeregister without blocking: emits STATUS_SUCCESS when it has finished, then completes.</summary>
    public static IObservable<NtStatus> Deregister(this WskRegistration registration, IScheduler? scheduler = null)
    {
        ArgumentNullException.ThrowIfNull(registration);
        return scheduler is null ? Observable.FromAsync(Finish) : Observable.FromAsync(Finish, scheduler);

        async System.Threading.Tasks.Task<NtStatus> Finish()
        {
            await registration.DeregisterAsync().ConfigureAwait(false);
            return NtStatus.Success;
        }
    }
}
