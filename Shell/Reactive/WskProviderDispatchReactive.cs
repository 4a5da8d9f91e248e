using System;
using System.Collections.Generic;
using System.Net;
using System.Reactive.Concurrency;
using System.Threading;
using System.Threading.Tasks;
using Wsk.Core;

namespace Wsk.Shell;

/// <summary>The reactive and awaitable forms of WskSocketConnect.</summary>
public static class WskProviderDispatchReactive
{
    /// <summary>
    /// A cold observable of one connect per subscription: exactly one <see cref="ConnectCompletion"/> then
    /// <c>OnCompleted</c>; a failure is a status, not an <c>OnError</c>. Dispose before completion cancels the IRP;
    /// a socket that connected anyway is closed. Without <paramref name="scheduler"/> the completion is delivered on
    /// the thread that completed the IRP, which is inside <c>Subscribe</c> when the connect finished inside the call
    /// (rule ReturnedIsCompleted); with one it is always delivered on that scheduler, never inside <c>Subscribe</c>,
    /// and a subscriber that leaves before the delivery runs has its socket closed.
    /// </summary>
    /// <param name="dispatch">The provider dispatch of a captured NPI.</param>
    /// <param name="request">The connect, validated as a whole on each subscription.</param>
    /// <param name="scheduler">Where <c>OnNext</c>, <c>OnCompleted</c> and <c>OnError</c> run; null: where the IRP
    /// completed.</param>
    public static IObservable<ConnectCompletion> ConnectObservable(this WskProviderDispatch dispatch,
        ConnectRequest request, IScheduler? scheduler = null)
    {
        ArgumentNullException.ThrowIfNull(dispatch);
        ArgumentNullException.ThrowIfNull(request);
        return new IrpObservable<(WskProviderDispatch, ConnectRequest), IReadOnlyList<RuleViolation<ConnectRule>>,
            ConnectCompletion>((dispatch, request),
            static (s, irp) => (s.Item1.WskSocketConnect(s.Item2, irp, out var violations), violations),
            ConnectCompletion.From, CloseOrphan, scheduler);
    }

    /// <summary>
    /// <see cref="ConnectObservable(WskProviderDispatch, ConnectRequest, IScheduler?)"/> of
    /// <see cref="ConnectRequest.Tcp(ClientId, EndPoint)"/>: STREAM/TCP from the wildcard of the end point's family
    /// to the address it names.
    /// </summary>
    /// <exception cref="ArgumentException">A <see cref="DnsEndPoint"/> (a connect does not resolve names) or any end
    /// point other than an IPv4 or IPv6 <see cref="IPEndPoint"/>; thrown at the call, before any subscription.
    /// </exception>
    public static IObservable<ConnectCompletion> ConnectObservable(this WskProviderDispatch dispatch, ClientId client,
        EndPoint remoteEndPoint, IScheduler? scheduler = null) =>
        dispatch.ConnectObservable(ConnectRequest.Tcp(client, remoteEndPoint), scheduler);

    /// <summary>A socket that connected after its subscriber left is closed: nobody else will.</summary>
    internal static readonly Action<Irp> CloseOrphan = static irp => irp.IoStatus.Socket?.WskCloseSocket(new Irp());

    /// <summary>
    /// Awaitable WskSocketConnect. Cancelling <paramref name="cancellationToken"/> cancels the IRP; the result is then
    /// STATUS_CANCELLED, or the real result if the connect finished first (in which case the caller owns the socket).
    /// It never throws for a failed connect; it throws <see cref="WskContractViolationException"/> for a caller bug.
    /// </summary>
    public static async ValueTask<ConnectCompletion> ConnectAsync(
        this WskProviderDispatch dispatch, ConnectRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dispatch);
        ArgumentNullException.ThrowIfNull(request);
        var irp = new Irp();
        var returned = dispatch.WskSocketConnect(request, irp, out var violations);
        if (returned.IsPending) await IrpWaits.UntilCompleted(irp, cancellationToken).ConfigureAwait(false);
        return ConnectCompletion.From(irp, returned, violations);
    }

    /// <summary>
    /// <see cref="ConnectAsync(WskProviderDispatch, ConnectRequest, CancellationToken)"/> of
    /// <see cref="ConnectRequest.Tcp(ClientId, EndPoint)"/>.
    /// </summary>
    /// <exception cref="ArgumentException">A <see cref="DnsEndPoint"/> (a connect does not resolve names) or any end
    /// point other than an IPv4 or IPv6 <see cref="IPEndPoint"/>; nothing is submitted.</exception>
    public static ValueTask<ConnectCompletion> ConnectAsync(this WskProviderDispatch dispatch, ClientId client,
        EndPoint remoteEndPoint, CancellationToken cancellationToken = default) =>
        dispatch.ConnectAsync(ConnectRequest.Tcp(client, remoteEndPoint), cancellationToken);
}
