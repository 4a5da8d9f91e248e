using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Wsk.Core;

namespace Wsk.Shell;

/// <summary>
/// The name seam, shaped as <see cref="ITransport"/> is: each lookup answers exactly once, inside the call (a final
/// status) or later through its sink (possibly on another thread, possibly before the call returned), and a pending
/// lookup can be cancelled (it then answers STATUS_CANCELLED, or its real answer if that came first). A and AAAA are
/// asked separately, so a caller can ask both at once and see when each answer arrives.
/// </summary>
/// <remarks>
/// Statuses: STATUS_SUCCESS with at least one address (or a name); STATUS_NOT_FOUND when the name has no record of
/// that family (NXDOMAIN or no data) or the address no name; STATUS_IO_TIMEOUT when the server failed or did not
/// answer in time (a retry may succeed); STATUS_CANCELLED after <see cref="ITransportCancel.Cancel"/>.
/// </remarks>
public interface IWskResolver
{
    /// <summary>
    /// The addresses of <paramref name="name"/> of <paramref name="family"/> (AF_INET: the A records, AF_INET6: the
    /// AAAA records; WSK numbering), each with port 0.
    /// </summary>
    AddressLookup LookUpAddresses(string name, ushort family, IAddressLookupSink sink);

    /// <summary>The name of <paramref name="address"/> (its port is ignored): the reverse lookup.</summary>
    NameLookup LookUpName(SockAddr address, INameLookupSink sink);
}

/// <summary>Receives the answer of a pending address lookup.</summary>
public interface IAddressLookupSink
{
    /// <summary>The lookup finished: <paramref name="addresses"/> is not empty exactly on STATUS_SUCCESS.</summary>
    void OnAddresses(NtStatus status, IReadOnlyList<SockAddr> addresses);
}

/// <summary>Receives the answer of a pending reverse lookup.</summary>
public interface INameLookupSink
{
    /// <summary>The lookup finished: <paramref name="name"/> is set exactly on STATUS_SUCCESS.</summary>
    void OnName(NtStatus status, string? name);
}

/// <summary>What <see cref="IWskResolver.LookUpAddresses"/> returns.</summary>
/// <param name="Status">The final status, or STATUS_PENDING.</param>
/// <param name="Addresses">On STATUS_SUCCESS, the addresses.</param>
/// <param name="Pending">On STATUS_PENDING, how to cancel.</param>
public readonly record struct AddressLookup(
    NtStatus Status, IReadOnlyList<SockAddr> Addresses, ITransportCancel? Pending)
{
    /// <summary>Answered inside the call.</summary>
    public static AddressLookup Done(NtStatus status, IReadOnlyList<SockAddr>? addresses = null) =>
        new(status, addresses ?? Array.Empty<SockAddr>(), null);

    /// <summary>Will answer later, through the sink.</summary>
    public static AddressLookup Later(ITransportCancel pending) =>
        new(NtStatus.Pending, Array.Empty<SockAddr>(), pending);
}

/// <summary>What <see cref="IWskResolver.LookUpName"/> returns.</summary>
/// <param name="Status">The final status, or STATUS_PENDING.</param>
/// <param name="Name">On STATUS_SUCCESS, the name.</param>
/// <param name="Pending">On STATUS_PENDING, how to cancel.</param>
public readonly record struct NameLookup(NtStatus Status, string? Name, ITransportCancel? Pending)
{
    /// <summary>Answered inside the call.</summary>
    public static NameLookup Done(NtStatus status, string? name = null) => new(status, name, null);

    /// <summary>Will answer later, through the sink.</summary>
    public static NameLookup Later(ITransportCancel pending) => new(NtStatus.Pending, null, pending);
}

/// <summary>Awaitable forms of the resolver seam.</summary>
public static class WskResolverExtensions
{
    /// <summary>
    /// <see cref="IWskResolver.LookUpAddresses"/> as a task: cancelling <paramref name="cancellationToken"/> cancels a
    /// pending lookup, whose answer (STATUS_CANCELLED or the real one) is then the result.
    /// </summary>
    public static async ValueTask<(NtStatus Status, IReadOnlyList<SockAddr> Addresses)> LookUpAddressesAsync(
        this IWskResolver resolver, string name, ushort family, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(resolver);
        var sink = new TaskSink();
        var lookup = resolver.LookUpAddresses(name, family, sink);
        if (!lookup.Status.IsPending) return (lookup.Status, lookup.Addresses);
        using (cancellationToken.Register(static p => ((ITransportCancel)p!).Cancel(), lookup.Pending))
            return await sink.Task.ConfigureAwait(false);
    }

    private sealed class TaskSink : TaskCompletionSource<(NtStatus, IReadOnlyList<SockAddr>)>, IAddressLookupSink
    {
        public TaskSink() : base(TaskCreationOptions.RunContinuationsAsynchronously) { }

        public void OnAddresses(NtStatus status, IReadOnlyList<SockAddr> addresses) =>
            TrySetResult((status, addresses));
    }
}
