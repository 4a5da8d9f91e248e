using System;
using System.Diagnostics;
using System.Threading.Tasks;
using Wsk.Core;
using Wsk.Shell;

namespace Wsk.Examples;

/// <summary>
/// The reactive form: one cold
/// <see cref="WskProviderDispatchReactive.ConnectObservable(WskProviderDispatch, ConnectRequest, System.Reactive.Concurrency.IScheduler?)"/>
/// observable built once and subscribed once per connect
/// (each subscription is one WskSocketConnect with its own IRP), awaited through a reused <see cref="CompletionAwaiter"/>
/// so that what is measured is the observable itself, not Rx LINQ around it.
/// </summary>
internal sealed class ObservableClient : BenchClient
{
    private readonly IObservable<ConnectCompletion> _connect;

    public ObservableClient(WskProviderNpi npi, SockAddr remote) =>
        _connect = npi.Dispatch.ConnectObservable(ConnectRequest.Tcp(npi.Client.Id, remote));

    public override string Name => "WskProviderDispatchReactive.ConnectObservable (Rx)";

    public override async Task WorkerAsync(Measurement measurement)
    {
        var awaiter = new CompletionAwaiter();
        var closeIrp = new Irp();
        var tally = new WorkerTally();
        while (measurement.TryTake(out int index))
        {
            long start = Stopwatch.GetTimestamp();
            ValueTask<ConnectCompletion> next = awaiter.Next();
            IDisposable subscription = _connect.Subscribe(awaiter);
            ConnectCompletion completion = await next.ConfigureAwait(false);
            measurement.Latencies[index] = Stopwatch.GetTimestamp() - start;

            subscription.Dispose(); // after the completion: nothing to cancel, the socket is ours
            completion.Socket?.WskCloseSocket(closeIrp);
            tally.Count(completion.ReturnStatus, completion.Status);
        }
        tally.AddTo(measurement);
    }
}
