using System;
using System.Collections.Generic;
using System.Net;
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
    /// a socket that connected anyway is closed. The completion is delivered on the thread that completed the IRP
    /// (the subscribing thread when the connect finished inside the call): use <c>ObserveOn</c> to move it.
    /// </summary>
    public static IObservable<ConnectCompletion> Connect(this WskProviderDispatch dispatch, ConnectRequest request)
    {
        ArgumentNullException.ThrowIfNull(dispatch);
        ArgumentNullException.ThrowIfNull(request);
        return new IrpObservable<(WskProviderDispatch, ConnectRequest), IReadOnlyList<RuleViolation<ConnectRule>>,
            ConnectCompletion>((dispatch, request),
            static (s, irp) => (s.Item1.WskSocketConnect(s.Item2, irp, out var violations), violations),
            ConnectCompletion.From, CloseOrphan);
    }

    /// <summary>
    /// <see cref="Connect(WskProviderDispatch, ConnectRequest)"/> of
    /// <see cref="ConnectRequest.Tcp(ClientId, EndPoint)"/>: STREAM/TCP from the wildcard of the end point's family
    /// to the address it names.
    /// </summary>
    /// <exception cref="ArgumentException">A <see cref="DnsEndPoint"/> (a connect does not resolve names) or any end
    /// point other than an IPv4 or IPv6 <see cref="IPEndPoint"/>; thrown at the call, before any subscription.
    /// </exception>
    public static IObservable<ConnectCompletion> Connect(this WskProviderDispatch dispatch, ClientId client,
        EndPoint remoteEndPoint) => dispatch.Connect(ConnectRequest.Tcp(client, remoteEndPoint));

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
