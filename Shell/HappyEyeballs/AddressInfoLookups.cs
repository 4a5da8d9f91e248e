using System;
using System.Collections.Generic;
using System.Linq;
using Wsk.Core;

namespace Wsk.Shell;

/// <summary>
/// The lookups of a connect by name as WSK makes them: one WskGetAddressInfo IRP per family (hints: that family,
/// SOCK_STREAM, IPPROTO_TCP), the list freed with WskFreeAddressInfo as soon as its addresses are read, a cancel of the
/// lookup a cancel of its IRP. The provider's resolver answers (the OS's, a table, or the simulated DNS).
/// </summary>
public sealed class AddressInfoLookups : IEyeballsLookups
{
    private readonly WskProviderDispatch _dispatch;
    private readonly WskClient _client;
    private readonly string _host;
    private readonly Action<ushort, Irp>? _onLookup;

    /// <summary>Lookups of <paramref name="host"/> through <paramref name="dispatch"/> for <paramref
    /// name="client"/>.</summary>
    /// <param name="dispatch">The provider dispatch the name calls go through.</param>
    /// <param name="client">The client making them.</param>
    /// <param name="host">The host name (or a numeric address).</param>
    /// <param name="onLookup">Called with each lookup's family and IRP as it is made, to follow its life.</param>
    /// <exception cref="ArgumentException"><paramref name="host"/> is null or empty.</exception>
    public AddressInfoLookups(WskProviderDispatch dispatch, WskClient client, string host,
        Action<ushort, Irp>? onLookup = null)
    {
        ArgumentNullException.ThrowIfNull(dispatch);
        ArgumentNullException.ThrowIfNull(client);
        ArgumentException.ThrowIfNullOrEmpty(host);
        _dispatch = dispatch;
        _client = client;
        _host = host;
        _onLookup = onLookup;
    }

    /// <inheritdoc/>
    public IDisposable Lookup(ushort family, Action<NtStatus, IReadOnlyList<SockAddr>> answer)
    {
        var irp = new Irp();
        var result = new AddressInfoResult();
        var lookup = new Pending(irp);
        irp.SetCompletionRoutine(static (done, context) =>
        {
            var (self, answered, list, pending) =
                ((AddressInfoLookups, Action<NtStatus, IReadOnlyList<SockAddr>>, AddressInfoResult, Pending))context!;
            var addresses = list.Value is { } info
                ? info.Entries.Select(e => e.Address).ToArray()
                : Array.Empty<SockAddr>();
            if (list.Value is { } held) self._dispatch.WskFreeAddressInfo(self._client, held);
            if (!pending.IsCancelled) answered(done.IoStatus.Status, addresses);
            return NtStatus.MoreProcessingRequired;
        }, (this, answer, result, lookup));
        _onLookup?.Invoke(family, irp);
        var hints = new AddrInfoHints(Family: family, SocketType: SocketTypes.Stream, Protocol: Protocols.Tcp);
        var returned = _dispatch.WskGetAddressInfo(_client, _host, null, NameSpaces.All, null, hints, result, null,
            null, irp);
        if (irp.RefusedBeforeSubmission(returned)) answer(returned, Array.Empty<SockAddr>());
        return lookup;
    }

    /// <summary>A lookup the connect may cancel: its IRP is cancelled, and a late answer dropped.</summary>
    private sealed class Pending(Irp irp) : IDisposable
    {
        private volatile bool _cancelled;

        public bool IsCancelled => _cancelled;

        public void Dispose()
        {
            _cancelled = true;
            irp.Cancel();
        }
    }
}
