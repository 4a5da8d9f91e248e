using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using System.Threading;
using System.Threading.Tasks;
using Wsk.Core;
using Wsk.Shell;

namespace Wsk.Examples;

/// <summary>One connect to make, why, and the status it should end with (so a run can say whether it went as planned).</summary>
/// <param name="Purpose">Printed beside the submission.</param>
/// <param name="Request">The WskSocketConnect parameters.</param>
/// <param name="Expected">The completion status that counts as success for this connect.</param>
/// <param name="Arrange">What to set up just before the call (for a connect that needs the network in a given state).</param>
internal sealed record ConnectPlan(string Purpose, ConnectRequest Request, NtStatus Expected, Action? Arrange = null);

/// <summary>How a planned connect ended.</summary>
internal sealed record ConnectOutcome(ConnectPlan Plan, NtStatus Status)
{
    public bool AsExpected => Status == Plan.Expected;
}

/// <summary>
/// Makes planned connects through the reactive API, one after the other, printing each IRP's life. Each connect is the
/// library's cold <see cref="WskProviderDispatchReactive.ConnectObservable(WskProviderDispatch, ConnectRequest, System.Reactive.Concurrency.IScheduler?)"/>
/// observable, deferred so that "submitted" is printed at the moment of
/// subscription (which is when WskSocketConnect is really called), and concatenated so the lines of one IRP are not
/// interleaved with the next one's.
/// </summary>
internal static class ReactiveConnects
{
    /// <summary>
    /// The whole client life around the plans: register and capture, connect, release and deregister, then a summary.
    /// The plans are built once the capture exists, because a request names the client it is made through.
    /// </summary>
    /// <param name="plan">Builds the plans from the captured client's id.</param>
    /// <param name="cancellationToken">Ctrl+C: cancels the pending IRP.</param>
    /// <param name="then">
    /// More work in the same session once the connects are done (the demo's echo), run only when they all went as
    /// planned; it must close every socket it opens, since WskDeregister waits for them. Its code becomes the result.
    /// </param>
    /// <returns>The exit code: success only when every connect ended with the status its plan expected (and then succeeded).</returns>
    public static async Task<int> RunSessionAsync(Func<ClientId, IReadOnlyList<ConnectPlan>> plan, CancellationToken cancellationToken,
        Func<WskSession, CancellationToken, Task<int>>? then = null)
    {
        using var session = WskSession.Open();
        if (session is null) return ExitCodes.ProviderUnavailable;
        var plans = plan(session.Client.Id);
        try
        {
            var outcomes = await RunAsync(session, plans, cancellationToken).ConfigureAwait(false);
            int expected = 0;
            foreach (var outcome in outcomes) if (outcome.AsExpected) expected++;
            IrpLog.Line("summary", $"{expected} of {outcomes.Count} connects ended as expected");
            if (expected != outcomes.Count) return ExitCodes.ConnectFailed;
            return then is null ? ExitCodes.Success : await then(session, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The subscription was disposed: its IRP was cancelled, and WskDeregister (in Dispose) waits for it to finish.
            IrpLog.Line("note", "interrupted: the pending IRP was cancelled");
            return ExitCodes.Interrupted;
        }
    }

    /// <summary>
    /// Runs <paramref name="plans"/> in order. Cancelling <paramref name="cancellationToken"/> disposes the current
    /// subscription, which cancels its IRP (and has the library close a socket that connected anyway), then throws.
    /// </summary>
    public static async Task<IList<ConnectOutcome>> RunAsync(WskSession session, IEnumerable<ConnectPlan> plans, CancellationToken cancellationToken) =>
        await plans.ToObservable()
            .Select(plan => One(session, plan))
            .Concat()
            .ToList()
            .ToTask(cancellationToken)
            .ConfigureAwait(false);

    private static IObservable<ConnectOutcome> One(WskSession session, ConnectPlan plan) =>
        Observable.Defer(() =>
        {
            plan.Arrange?.Invoke();
            int irp = IrpLog.NextIrp();
            IrpLog.Submitted(irp, plan.Request, plan.Purpose);
            long start = Stopwatch.GetTimestamp();
            return session.Dispatch.ConnectObservable(plan.Request).Select(completion => Finish(session, plan, irp, start, completion));
        });

    /// <summary>
    /// Runs on the thread that completed the IRP (the subscribing thread when the connect finished inside the call):
    /// printing and closing there is fine, since WskCloseSocket on a connected socket completes inside its call.
    /// </summary>
    private static ConnectOutcome Finish(WskSession session, ConnectPlan plan, int irp, long start, ConnectCompletion completion)
    {
        double microseconds = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
        IrpLog.Returned(irp, completion.ReturnStatus);
        IrpLog.Completed(irp, completion, microseconds, plan.Expected);
        if (completion.Socket is { } socket)
        {
            // The receiver of a ConnectCompletion owns its socket: WSK frees it only at WskCloseSocket.
            var status = socket.WskCloseSocket(new Irp());
            IrpLog.Closed(irp, status, session.Registration);
        }
        return new ConnectOutcome(plan, completion.Status);
    }
}
