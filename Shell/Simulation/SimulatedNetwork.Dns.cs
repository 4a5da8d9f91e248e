using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Wsk.Core;

namespace Wsk.Shell.Simulation;

/// <summary>What the simulated DNS does with one question (a name and a record type).</summary>
public enum DnsOutcome
{
    /// <summary>The records (none: NODATA, STATUS_NOT_FOUND).</summary>
    Answer,
    /// <summary>NXDOMAIN: the name does not exist (STATUS_NOT_FOUND).</summary>
    NxDomain,
    /// <summary>SERVFAIL: the server failed (STATUS_IO_TIMEOUT, a retry may succeed).</summary>
    ServerFailure,
    /// <summary>No answer ever: the lookup ends only when cancelled (STATUS_CANCELLED).</summary>
    NeverAnswers,
}

/// <summary>The simulated DNS's answer to one question, after its own delay of virtual time (zero: inline).</summary>
/// <param name="Outcome">What it answers.</param>
/// <param name="Addresses">The records, for <see cref="DnsOutcome.Answer"/>.</param>
/// <param name="Delay">Virtual time until the answer; zero answers inside the call.</param>
public sealed record DnsAnswer(DnsOutcome Outcome, IReadOnlyList<SockAddr> Addresses, TimeSpan Delay)
{
    /// <summary>These records, after <paramref name="delay"/>.</summary>
    public static DnsAnswer Records(TimeSpan delay, params SockAddr[] addresses) =>
        new(DnsOutcome.Answer, addresses, delay);

    /// <summary>NXDOMAIN after <paramref name="delay"/>.</summary>
    public static DnsAnswer NxDomain(TimeSpan delay) => new(DnsOutcome.NxDomain, Array.Empty<SockAddr>(), delay);

    /// <summary>SERVFAIL after <paramref name="delay"/>.</summary>
    public static DnsAnswer ServerFailure(TimeSpan delay) =>
        new(DnsOutcome.ServerFailure, Array.Empty<SockAddr>(), delay);

    /// <summary>A question that is never answered.</summary>
    public static DnsAnswer NeverAnswers { get; } =
        new(DnsOutcome.NeverAnswers, Array.Empty<SockAddr>(), TimeSpan.Zero);
}

/// <summary>
/// The simulated DNS: the network is the resolver of the registrations over it. A and AAAA are answered each after
/// its own delay on the network's scheduler, every question and answer goes to the trace, and a name without records
/// is NXDOMAIN after <see cref="DnsLatency"/>.
/// </summary>
public sealed partial class SimulatedNetwork : IWskResolver
{
    private readonly Dictionary<(string Name, ushort Family), DnsAnswer> _dns = new();
    private readonly List<(string Name, SockAddr Address)> _reverse = new();
    private long _questions;

    /// <summary>How long an answer takes when no script gives its delay (unknown names, reverse lookups).</summary>
    public TimeSpan DnsLatency { get; set; } = TimeSpan.FromMilliseconds(1);

    /// <summary>
    /// <paramref name="name"/> has these addresses: its A and AAAA questions are answered after
    /// <see cref="DnsLatency"/> (a family without addresses answers NODATA), and its addresses map back to it.
    /// </summary>
    public void AddHost(string name, params SockAddr[] addresses)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(addresses);
        // One family, then the other, written out: the Coyote rewrite breaks constant array initialisers.
        ScriptDns(name, AddressFamilies.Inet,
            DnsAnswer.Records(DnsLatency, addresses.Where(a => a.Family == AddressFamilies.Inet).ToArray()));
        ScriptDns(name, AddressFamilies.Inet6,
            DnsAnswer.Records(DnsLatency, addresses.Where(a => a.Family == AddressFamilies.Inet6).ToArray()));
        lock (_gate)
            foreach (var a in addresses) _reverse.Add((name, a with { Port = 0 }));
    }

    /// <summary>The question for <paramref name="name"/>'s records of <paramref name="family"/> gets <paramref
    /// name="answer"/> (AF_INET: A, AF_INET6: AAAA).</summary>
    public void ScriptDns(string name, ushort family, DnsAnswer answer)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(answer);
        lock (_gate) _dns[(name.ToUpperInvariant(), family)] = answer;
    }

    /// <inheritdoc/>
    public AddressLookup LookUpAddresses(string name, ushort family, IAddressLookupSink sink)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(sink);
        DnsAnswer answer;
        long id;
        lock (_gate)
        {
            id = ++_questions;
            answer = _dns.TryGetValue((name.ToUpperInvariant(), family), out var a)
                ? a
                : DnsAnswer.NxDomain(DnsLatency);
        }
        string type = family == AddressFamilies.Inet6 ? "AAAA" : "A";
        Record($"dns #{id} {type} {name}: {answer.Outcome}");
        var addresses = answer.Addresses.Where(x => x.Family == family).Select(x => x with { Port = 0 }).ToArray();
        var status = answer.Outcome switch
        {
            DnsOutcome.Answer => addresses.Length > 0 ? NtStatus.Success : NtStatus.NotFound,
            DnsOutcome.ServerFailure => NtStatus.IoTimeout,
            _ => NtStatus.NotFound,
        };
        var question = new DnsQuestion(this, id, answer.Outcome == DnsOutcome.Answer && status.IsSuccess
            ? addresses : Array.Empty<SockAddr>(), null, status, sink, null);
        if (answer.Outcome != DnsOutcome.NeverAnswers && answer.Delay <= TimeSpan.Zero)
        {
            Record($"dns #{id} answered inline {status}");
            return AddressLookup.Done(status, question.Addresses);
        }
        if (answer.Outcome != DnsOutcome.NeverAnswers) question.Arm(answer.Delay);
        return AddressLookup.Later(question);
    }

    /// <inheritdoc/>
    public NameLookup LookUpName(SockAddr address, INameLookupSink sink)
    {
        ArgumentNullException.ThrowIfNull(address);
        ArgumentNullException.ThrowIfNull(sink);
        var key = address with { Port = 0 };
        string? name;
        long id;
        lock (_gate)
        {
            id = ++_questions;
            name = _reverse.FirstOrDefault(r => r.Address == key).Name;
        }
        Record($"dns #{id} PTR {NameShaping.NumericText(key)}: {name ?? "NXDOMAIN"}");
        var question = new DnsQuestion(this, id, Array.Empty<SockAddr>(), name,
            name is null ? NtStatus.NotFound : NtStatus.Success, null, sink);
        question.Arm(DnsLatency);
        return NameLookup.Later(question);
    }

    /// <summary>One question not answered yet: it answers once, from its timer or a cancel.</summary>
    private sealed class DnsQuestion(SimulatedNetwork network, long id, IReadOnlyList<SockAddr> addresses,
        string? name, NtStatus status, IAddressLookupSink? addressSink, INameLookupSink? nameSink) : ITransportCancel
    {
        private IDisposable? _timer;
        private int _answered;

        public IReadOnlyList<SockAddr> Addresses => addresses;

        public void Arm(TimeSpan due) => Volatile.Write(ref _timer, network.After(due, () => Answer(status)));

        public void Cancel()
        {
            Interlocked.Exchange(ref _timer, null)?.Dispose();
            Answer(NtStatus.Cancelled);
        }

        private void Answer(NtStatus final)
        {
            if (Interlocked.Exchange(ref _answered, 1) != 0) return;
            network.Record($"dns #{id} {(final == NtStatus.Cancelled ? "cancelled" : $"answered {final}")}");
            bool success = final == NtStatus.Success;
            addressSink?.OnAddresses(final, success ? addresses : Array.Empty<SockAddr>());
            nameSink?.OnName(final, success ? name : null);
        }
    }
}
