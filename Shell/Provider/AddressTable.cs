using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using Wsk.Core;

namespace Wsk.Shell;

/// <summary>
/// The addresses held by the sockets of one network stack, and the one place where a bind is judged against them with
/// the pure <see cref="AddressSharing.Decide"/> (rule SharingTable). A decision and the entry it allows are made under
/// one lock, so two racing binds cannot both pass against an empty table. An entry lasts as long as its holder says it
/// does (a socket that is closed no longer holds anything), so no close path needs to know about the table.
/// </summary>
public sealed class AddressTable
{
    private static readonly ConditionalWeakTable<ITransport, AddressTable> s_perTransport = new();
    private readonly object _gate = new();
    private readonly List<Entry> _entries = new();

    /// <summary>The host's table: every socket of this process on the real OS.</summary>
    public static AddressTable Host { get; } = new();

    internal static AddressTable Of(ITransport transport) =>
        s_perTransport.GetValue(transport, static _ => new AddressTable());

    /// <summary>The bindings held right now.</summary>
    public IReadOnlyList<Binding> Held
    {
        get
        {
            lock (_gate)
            {
                Prune();
                return _entries.ConvertAll(static e => e.Binding);
            }
        }
    }

    /// <summary>
    /// Judges <paramref name="attempt"/>; when allowed, runs <paramref name="bind"/> (the OS bind, under the table's
    /// lock so that the port it picks for port 0 is entered before anyone else is judged) and enters what it bound.
    /// </summary>
    /// <returns>The table's refusal, the OS's failure, or STATUS_SUCCESS with the entry.</returns>
    internal NtStatus Bind(BindAttempt attempt, SecurityDescriptor? descriptor, Func<bool> holds, BindCall bind,
        out Entry? entry)
    {
        entry = null;
        lock (_gate)
        {
            Prune();
            var decided = AddressSharing.Decide(attempt, Bindings());
            if (decided != NtStatus.Success) return decided;
            var status = bind(out var bound);
            if (status != NtStatus.Success || bound is null) return status.IsSuccess ? NtStatus.Unsuccessful : status;
            entry = new Entry(new Binding(bound, attempt.Option, descriptor, attempt.DualStack), holds);
            _entries.Add(entry);
            return NtStatus.Success;
        }
    }

    /// <summary>
    /// Enters an address the OS chose (a port-0 bind made inside a connect); nothing is judged: nobody held it.
    /// </summary>
    internal void Enter(Binding binding, Func<bool> holds)
    {
        lock (_gate) _entries.Add(new Entry(binding, holds));
    }

    /// <summary>
    /// Withdraws <paramref name="entry"/> (a bind whose socket failed before it could hold anything).
    /// </summary>
    internal void Withdraw(Entry entry)
    {
        lock (_gate) _entries.Remove(entry);
    }

    private IEnumerable<Binding> Bindings()
    {
        foreach (var e in _entries) yield return e.Binding;
    }

    private void Prune() => _entries.RemoveAll(static e => !e.Holds());

    /// <summary>The OS bind: a status, and on success the address really held.</summary>
    internal delegate NtStatus BindCall(out SockAddr? bound);

    /// <summary>One held address and who says it is still held.</summary>
    internal sealed record Entry(Binding Binding, Func<bool> Holds);
}
