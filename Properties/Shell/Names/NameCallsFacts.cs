using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Sockets;
using System.Reactive.Concurrency;
using System.Threading;
using System.Threading.Tasks;
using Wsk.Core;
using Wsk.Shell;
using Wsk.Shell.Simulation;
using Xunit;

namespace Wsk.Properties.Shell.Names;

/// <summary>
/// The name calls' pending life on the simulated DNS (cancel, per-family answers, the trace), the list's ownership as
/// the verifier sees it, the PASSIVE_LEVEL rule, the Rx and awaitable forms, and the resolvers themselves.
/// </summary>
public sealed class NameCallsFacts
{
    private static readonly SockAddr V4 = new SockAddrIn(0xC000_0201, 0), V6 = new SockAddrIn6(((UInt128)0x2001_0db8 << 96) | 1, 0);

    [Fact]
    public void A_never_answering_lookup_pends_until_cancelled_and_completes_once_with_STATUS_CANCELLED()
    {
        using var w = new NameWorld(NameWorld.Simulated);
        w.Network!.ScriptDns("stuck.test", AddressFamilies.Inet, DnsAnswer.NeverAnswers);
        w.Network.ScriptDns("stuck.test", AddressFamilies.Inet6, DnsAnswer.NeverAnswers);
        var irp = new Irp();
        var result = new AddressInfoResult();
        Assert.Equal(NtStatus.Pending, w.GetAddressInfo("stuck.test", "80", result, irp));
        w.Time!.AdvanceBy(TimeSpan.FromHours(1));
        Assert.True(irp.IsPending);
        Assert.True(irp.Cancel());
        Assert.Equal((NtStatus.Cancelled, (object?)0L), (irp.IoStatus.Status, irp.IoStatus.Information));
        w.Time.AdvanceBy(TimeSpan.FromHours(1));
        Assert.Equal(1, irp.CompletionCount);
        Assert.Empty(irp.Violations);
        Assert.Null(result.Value);
        Assert.Equal(2, w.Network.Trace.Count(l => l.EndsWith("cancelled", StringComparison.Ordinal)));
        Assert.Empty(w.Verifier.Findings);
    }

    [Fact]
    public async Task The_awaitable_form_cancels_its_IRP_when_the_token_is_cancelled()
    {
        using var w = new NameWorld(NameWorld.Simulated);
        w.Network!.ScriptDns("stuck.test", AddressFamilies.Inet, DnsAnswer.NeverAnswers);
        using var cts = new CancellationTokenSource();
        var pending = w.Dispatch.GetAddressInfoAsync(new AddressInfoRequest(w.Client.Id, "stuck.test", "80",
            Hints: new AddrInfoHints(Family: AddressFamilies.Inet)), cts.Token);
        w.Time!.AdvanceBy(TimeSpan.FromMinutes(1));
        Assert.False(pending.IsCompleted);
        await cts.CancelAsync();
        var done = await pending;
        Assert.Equal((NtStatus.Cancelled, NtStatus.Pending, false), (done.Status, done.ReturnStatus, done.IsSuccess));
        Assert.Null(done.AddressInfo);
    }

    [Fact]
    public void A_and_AAAA_are_asked_at_once_and_each_answer_arrives_at_its_own_virtual_time()
    {
        using var w = new NameWorld(NameWorld.Simulated);
        w.Network!.ScriptDns("dual.test", AddressFamilies.Inet, DnsAnswer.Records(TimeSpan.FromMilliseconds(50), V4));
        w.Network.ScriptDns("dual.test", AddressFamilies.Inet6, DnsAnswer.Records(TimeSpan.FromMilliseconds(200), V6));
        var seen = new List<(ushort Family, TimeSpan At, NtStatus Status)>();
        foreach (var family in new[] { AddressFamilies.Inet6, AddressFamilies.Inet })
        {
            var sink = new Sink(a => seen.Add((family, w.Network.Now, a)));
            Assert.True(w.Network.LookUpAddresses("dual.test", family, sink).Status.IsPending);
        }
        w.Time!.AdvanceBy(TimeSpan.FromSeconds(1));
        Assert.Equal(new[] { (AddressFamilies.Inet, TimeSpan.FromMilliseconds(50), NtStatus.Success),
            (AddressFamilies.Inet6, TimeSpan.FromMilliseconds(200), NtStatus.Success) }, seen);

        var irp = new Irp();
        var result = new AddressInfoResult();
        Assert.Equal(NtStatus.Pending, w.GetAddressInfo("dual.test", "443", result, irp));
        w.Time.AdvanceBy(TimeSpan.FromMilliseconds(100));
        Assert.True(irp.IsPending); // the call waits for both answers
        w.Time.AdvanceBy(TimeSpan.FromMilliseconds(100));
        Assert.Equal(NtStatus.Success, irp.IoStatus.Status);
        Assert.Equal(new[] { V6 with { Port = 443 }, V4 with { Port = 443 } }, result.Value!.Entries.Select(e => e.Address));
        w.Dispatch.WskFreeAddressInfo(w.Client, result.Value);
    }

    private sealed class Sink(Action<NtStatus> answered) : IAddressLookupSink
    {
        public void OnAddresses(NtStatus status, IReadOnlyList<SockAddr> addresses) => answered(status);
    }

    [Theory]
    [InlineData(DnsOutcome.NxDomain, DnsOutcome.Answer, 0x00000000u)]
    [InlineData(DnsOutcome.Answer, DnsOutcome.ServerFailure, 0x00000000u)]
    [InlineData(DnsOutcome.ServerFailure, DnsOutcome.NxDomain, 0xC00000B5u)]
    [InlineData(DnsOutcome.NxDomain, DnsOutcome.NxDomain, 0xC0000225u)]
    [InlineData(DnsOutcome.ServerFailure, DnsOutcome.ServerFailure, 0xC00000B5u)]
    public void One_family_answering_is_enough_and_a_server_failure_is_STATUS_IO_TIMEOUT(DnsOutcome a, DnsOutcome aaaa, uint expected)
    {
        using var w = new NameWorld(NameWorld.Simulated);
        DnsAnswer Of(DnsOutcome o, SockAddr address) => o switch
        {
            DnsOutcome.Answer => DnsAnswer.Records(TimeSpan.FromMilliseconds(5), address),
            DnsOutcome.NxDomain => DnsAnswer.NxDomain(TimeSpan.FromMilliseconds(5)),
            _ => DnsAnswer.ServerFailure(TimeSpan.FromMilliseconds(5)),
        };
        w.Network!.ScriptDns("mixed.test", AddressFamilies.Inet, Of(a, V4));
        w.Network.ScriptDns("mixed.test", AddressFamilies.Inet6, Of(aaaa, V6));
        var irp = new Irp();
        var result = new AddressInfoResult();
        Assert.Equal(NtStatus.Pending, w.GetAddressInfo("mixed.test", null, result, irp, new AddrInfoHints(AddrInfoFlags.CanonName)));
        var io = w.Finish(irp);
        Assert.Equal(NtStatus.FromUInt32(expected), io.Status);
        Assert.Equal(0L, io.Information);
        if (io.Status != NtStatus.Success)
        {
            Assert.Null(result.Value);
            return;
        }
        Assert.Equal(new[] { a == DnsOutcome.Answer ? V4 : V6 }, result.Value!.Entries.Select(e => e.Address));
        Assert.Equal("mixed.test", result.Value.Entries[0].CanonicalName);
        w.Dispatch.WskFreeAddressInfo(w.Client, result.Value);
    }

    [Fact]
    public void The_same_seed_and_script_give_the_same_trace()
    {
        IReadOnlyList<string> Run()
        {
            using var w = new NameWorld(NameWorld.Simulated);
            w.Network!.ScriptDns("dual.test", AddressFamilies.Inet6, DnsAnswer.Records(TimeSpan.FromMilliseconds(30), V6));
            var list = w.Resolve("dual.test", "80");
            w.Dispatch.WskFreeAddressInfo(w.Client, list);
            var irp = new Irp();
            w.Dispatch.WskGetNameInfo(w.Client, SockAddrCodec.Encode(SockAddrIn.Loopback(80)), 16, new NameBuffer(32), null, 0, null, null, irp);
            w.Finish(irp);
            return w.Network.Trace;
        }
        var first = Run();
        Assert.Equal(first, Run());
        Assert.Contains(first, l => l.Contains("AAAA dual.test", StringComparison.Ordinal));
        Assert.Contains(first, l => l.Contains("PTR 127.0.0.1: localhost", StringComparison.Ordinal));
    }

    [Fact]
    public void A_list_never_freed_is_reported_at_Verify()
    {
        using var w = new NameWorld(NameWorld.Table);
        var list = w.Resolve("localhost", "80");
        var leak = Assert.Single(w.Verifier.Verify(), f => f.Rule == VerifierRule.AddressInfoNotFreed);
        Assert.Equal(w.Verifier.NameOf(list), leak.Object);
        Assert.Equal("address info #1", leak.Object);
        w.Dispatch.WskFreeAddressInfo(w.Client, list);
        Assert.DoesNotContain(w.Verifier.Verify(), f => f.Rule == VerifierRule.AddressInfoNotFreed);
    }

    [Fact]
    public void A_list_freed_twice_is_a_bug_check_with_one_finding()
    {
        using var w = new NameWorld(NameWorld.Table);
        var list = w.Resolve("localhost", "80");
        w.Dispatch.WskFreeAddressInfo(w.Client, list);
        Assert.Empty(w.Verifier.Findings);
        var e = Assert.Throws<WskContractViolationException>(() => w.Dispatch.WskFreeAddressInfo(w.Client, list));
        Assert.Equal(CallingRule.OutOfOrder, e.Rule);
        Assert.Contains("WskFreeAddressInfo", e.Message, StringComparison.Ordinal);
        var finding = Assert.Single(w.Verifier.Findings);
        Assert.Equal((VerifierRule.AddressInfoNotHeld, w.Verifier.NameOf(list)), (finding.Rule, finding.Object));
        Assert.StartsWith("WskFreeAddressInfo ", finding.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void A_list_of_another_provider_cannot_be_freed_here()
    {
        using var here = new NameWorld(NameWorld.Table);
        using var there = new NameWorld(NameWorld.Simulated);
        var list = there.Resolve("localhost", "80");
        Assert.Throws<WskContractViolationException>(() => here.Dispatch.WskFreeAddressInfo(here.Client, list));
        Assert.False(list.IsFreed);
        Assert.Equal(VerifierRule.AddressInfoNotHeld, Assert.Single(here.Verifier.Findings).Rule);
        there.Dispatch.WskFreeAddressInfo(there.Client, list);
        Assert.True(list.IsFreed);
    }

    [Theory]
    [InlineData(Irql.ApcLevel)]
    [InlineData(Irql.DispatchLevel)]
    public void The_name_calls_run_at_PASSIVE_LEVEL_only(Irql irql)
    {
        using var w = new NameWorld(NameWorld.Table);
        var irp = new Irp();
        var e = Assert.Throws<WskContractViolationException>(() => w.GetAddressInfo("localhost", "80", new AddressInfoResult(), irp, irql: irql));
        Assert.Equal(CallingRule.IrqlAbovePassive, e.Rule);
        var second = new Irp();
        e = Assert.Throws<WskContractViolationException>(() => w.Dispatch.WskGetNameInfo(w.Client, SockAddrCodec.Encode(SockAddrIn.Loopback(80)), 16,
            new NameBuffer(8), null, 0, null, null, second, irql));
        Assert.Equal(CallingRule.IrqlAbovePassive, e.Rule);
        Assert.Equal((0, 0), (irp.SubmissionCount, second.SubmissionCount));
        Assert.Equal(new[] { w.Verifier.NameOf(irp), w.Verifier.NameOf(second) }, w.Verifier.Findings.Select(f => f.Object));
        Assert.All(w.Verifier.Findings, f => Assert.Equal(VerifierRule.IrqlAbovePassive, f.Rule));
    }

    [Fact]
    public void The_observable_form_emits_one_completion_and_a_list_that_arrives_after_dispose_is_freed()
    {
        using var w = new NameWorld(NameWorld.Simulated);
        var request = new AddressInfoRequest(w.Client.Id, "localhost", "80");
        var seen = new List<AddressInfoCompletion>();
        int completed = 0;
        using (w.Dispatch.GetAddressInfoObservable(request, w.Time).Subscribe(seen.Add, () => completed++))
        {
            Assert.Empty(seen); // delivered on the scheduler, never inside Subscribe
            w.Time!.AdvanceBy(TimeSpan.FromSeconds(1));
        }
        var done = Assert.Single(seen);
        Assert.Equal(1, completed);
        Assert.True(done.IsSuccess);
        Assert.Equal(NtStatus.Pending, done.ReturnStatus);
        Assert.Equal(2, done.AddressInfo.Entries.Count);
        w.Dispatch.WskFreeAddressInfo(w.Client, done.AddressInfo);

        var slow = new ManualResolver();
        WskRegistration.WskRegister(new WskClientNpi(null, new WskClientDispatch()), new ScriptedTransport(), slow, out var registration);
        var verifier = new WskVerifier().Attach(registration);
        registration.WskCaptureProviderNpi(WskWait.NoWait, out var npi);
        var late = new List<AddressInfoCompletion>();
        var subscription = npi!.Dispatch.GetAddressInfoObservable(new AddressInfoRequest(npi.Client.Id, "late.test", "80",
            Hints: new AddrInfoHints(Family: AddressFamilies.Inet))).Subscribe(late.Add);
        subscription.Dispose(); // cancels the IRP; this resolver answers anyway
        Assert.Equal(1, slow.Cancels);
        slow.Answer(V4);
        Assert.Empty(late);
        Assert.DoesNotContain(verifier.Verify(), f => f.Rule == VerifierRule.AddressInfoNotFreed);
        Assert.Empty(verifier.Findings);
        registration.WskReleaseProviderNpi(npi);
        registration.WskDeregister();
    }

    /// <summary>A resolver that answers when told and loses every cancel race.</summary>
    private sealed class ManualResolver : IWskResolver, ITransportCancel
    {
        private IAddressLookupSink? _sink;
        public int Cancels { get; private set; }
        public AddressLookup LookUpAddresses(string name, ushort family, IAddressLookupSink sink)
        {
            _sink = sink;
            return AddressLookup.Later(this);
        }
        public NameLookup LookUpName(SockAddr address, INameLookupSink sink) => NameLookup.Done(NtStatus.NotFound);
        public void Cancel() => Cancels++;
        public void Answer(SockAddr address) => _sink!.OnAddresses(NtStatus.Success, new[] { address });
    }

    [Fact]
    public async Task The_observable_and_awaitable_forms_of_name_info_give_the_texts()
    {
        using var w = new NameWorld(NameWorld.Table);
        var request = NameInfoRequest.Of(w.Client.Id, SockAddrIn.Loopback(22), NameInfoFlags.NoFqdn);
        var done = await w.Dispatch.GetNameInfoAsync(request);
        Assert.Equal((NtStatus.Success, "localhost", "ssh"), (done.Status, done.NodeName, done.ServiceName));
        NameInfoCompletion? seen = null;
        using (w.Dispatch.GetNameInfoObservable(request with { Flags = NameInfoFlags.NumericServ | NameInfoFlags.NumericHost })
            .Subscribe(c => seen = c)) { }
        Assert.Equal(("127.0.0.1", "22"), (seen?.NodeName, seen?.ServiceName));
        var rejected = await w.Dispatch.GetNameInfoAsync(request with { NodeCapacity = null, ServiceCapacity = null });
        Assert.Equal((NtStatus.InvalidParameter, true), (rejected.Status, rejected.IsRejected));
        Assert.Equal(NameInfoRule.NoBuffers, Assert.Single(rejected.Violations).Rule);
    }

    [Theory]
    [InlineData(SocketError.HostNotFound, 0xC0000225u)]
    [InlineData(SocketError.NoData, 0xC0000225u)]
    [InlineData(SocketError.TryAgain, 0xC00000B5u)]
    [InlineData(SocketError.NetworkUnreachable, 0xC000023Cu)]
    [InlineData(SocketError.NoRecovery, 0xC0000001u)]
    public void The_OS_resolver_maps_lookup_failures_to_statuses(SocketError error, uint expected)
    {
        Assert.Equal(NtStatus.FromUInt32(expected), OsResolver.StatusOf(new SocketException((int)error)));
        Assert.Equal(NtStatus.Cancelled, OsResolver.StatusOf(new OperationCanceledException()));
    }

    [Fact]
    public async Task The_OS_resolver_answers_localhost_later_through_its_sink()
    {
        var (status, addresses) = await OsResolver.Shared.LookUpAddressesAsync("localhost", AddressFamilies.Inet)
            .AsTask().WaitAsync(TimeSpan.FromSeconds(10), TimeProvider.System);
        Assert.Equal(NtStatus.Success, status);
        Assert.Contains(SockAddrIn.Loopback(0), addresses);
    }

    [Fact]
    public void The_registration_takes_the_resolver_given_or_the_transports_own_or_the_OS_one()
    {
        var network = new SimulatedNetwork(new HistoricalScheduler());
        Assert.Same(network, new WskProvider(network).Resolver);
        Assert.Same(OsResolver.Shared, new WskProvider(new ScriptedTransport()).Resolver);
        Assert.Same(OsResolver.Shared, WskProvider.Shared.Resolver);
        WskRegistration.WskRegister(new WskClientNpi(null, new WskClientDispatch()), network, TableResolver.Loopback, out var registration);
        Assert.Same(TableResolver.Loopback, registration.Provider.Resolver);
        registration.WskDeregister();
    }
}
