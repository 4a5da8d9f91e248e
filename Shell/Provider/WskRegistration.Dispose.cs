using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Wsk.Core;

namespace Wsk.Shell;

/// <summary>
/// The .NET face of WskDeregister: a bounded form that says what is still open when it gives up, and disposal. The
/// faithful <see cref="WskDeregister(Irql)"/> still waits without limit (rule DeregisterWaitsForReleases).
/// </summary>
public sealed partial class WskRegistration : IDisposable, IAsyncDisposable
{
    /// <summary>
    /// How long <see cref="Dispose"/> and <see cref="DisposeAsync"/> wait for deregistration to finish: 30 seconds
    /// (the .NET host's shutdown timeout), on the provider's <see cref="WskProvider.Time"/>.
    /// </summary>
    public static readonly TimeSpan DefaultDeregisterTimeout = TimeSpan.FromSeconds(30);

    private int _disposed;

    /// <summary>
    /// WskDeregister bounded by <paramref name="timeout"/> (on the provider's <see cref="WskProvider.Time"/>;
    /// <see cref="Timeout.InfiniteTimeSpan"/> for no limit) and <paramref name="cancellationToken"/>. Begins
    /// deregistration as <see cref="WskDeregister(Irql)"/> does (captures refused, waiting captures ended,
    /// WSK_TRANSPORT_LIST_CHANGE IRPs cancelled) and completes with <see cref="DeregisterResult.IsDeregistered"/> true
    /// once nothing is left, or, when the limit comes first, with what is still open then: the sockets not closed, the
    /// captures not released and the calls still pending. Giving up stops only the wait: deregistration stays begun
    /// and finishes when the last of those ends.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A negative timeout other than infinite.</exception>
    public async Task<DeregisterResult> DeregisterAsync(TimeSpan timeout,
        CancellationToken cancellationToken = default)
    {
        IrpWaits.CheckLimit(timeout, nameof(timeout));
        bool deregistered = await IrpWaits.Within(DeregisterAsync(), timeout, Provider.Time, cancellationToken)
            .ConfigureAwait(false);
        return Remaining(deregistered);
    }

    /// <summary>
    /// WskDeregister that waits at most <paramref name="timeout"/>: true when deregistration finished, false when the
    /// limit came first; <paramref name="result"/> says what is still open. Blocks; requires PASSIVE_LEVEL.
    /// </summary>
    /// <exception cref="WskContractViolationException">Above PASSIVE_LEVEL (CallingRule.WaitAbovePassive).</exception>
    public bool WskDeregister(TimeSpan timeout, out DeregisterResult result, Irql irql = Irql.PassiveLevel)
    {
        CheckWait(irql, waits: true, "WskDeregister");
        result = DeregisterAsync(timeout).GetAwaiter().GetResult();
        return result.IsDeregistered;
    }

    /// <summary>
    /// Deregisters, waiting at most <see cref="DefaultDeregisterTimeout"/> for what is still open (a leaked socket
    /// does not hang the caller's shutdown; <see cref="WskVerifier"/> reports it). Once only: a second dispose, or one
    /// after deregistration finished, does nothing.
    /// </summary>
    public void Dispose()
    {
        if (IsDeregistered || Interlocked.Exchange(ref _disposed, 1) != 0) return;
        DeregisterAsync(DefaultDeregisterTimeout).GetAwaiter().GetResult();
    }

    /// <summary>The awaitable <see cref="Dispose"/>: the same bounded deregistration without blocking.</summary>
    public async ValueTask DisposeAsync()
    {
        if (IsDeregistered || Interlocked.Exchange(ref _disposed, 1) != 0) return;
        await DeregisterAsync(DefaultDeregisterTimeout).ConfigureAwait(false);
    }

    /// <summary>
    /// WskReleaseProviderNPI for a dispose: releases <paramref name="providerNpi"/> if its capture is still live, and
    /// does nothing (no finding) when it was released already.
    /// </summary>
    internal void ReleaseIfLive(WskProviderNpi providerNpi)
    {
        lock (_gate)
        {
            if (!providerNpi.Client.IsLive) return;
            WskReleaseProviderNpi(providerNpi); // the same lock, taken again: the release stays one step
        }
    }

    private DeregisterResult Remaining(bool deregistered)
    {
        lock (_gate)
            return new DeregisterResult(deregistered, Volatile.Read(ref _sockets), _captures,
                Volatile.Read(ref _calls), _clients.Values.OrderBy(c => c.Id.Value).ToArray());
    }
}
