using System;
using System.Collections.Generic;
using System.Linq;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using LanguageExt;
using Wsk.Core;

namespace Wsk.Properties.Core;

/// <summary>
/// ConnectValidation against an oracle written from the rule descriptions (ConnectRules, ConnectValidation's remarks,
/// rules FlagsNotZero, FamilyFromLocalAddress and SecurityDescriptorNotCached), not from the validator's code.
/// </summary>
public class ValidationProperties
{
    /// <summary>
    /// The rules <paramref name="c"/> breaks, read off the descriptions one by one:
    /// <list type="bullet">
    /// <item>TransportNotConnectionOriented: (SocketType, Protocol) ≠ (STREAM 1, TCP 6).</item>
    /// <item>LocalAddressMissing / LocalAddressTruncated / LocalFamilyNotSupported: LocalAddress is NULL / too short / of a family other than 2 or 23.</item>
    /// <item>RemoteAddressMissing / RemoteAddressTruncated: the same for RemoteAddress.</item>
    /// <item>RemoteFamilyMismatch: RemoteAddress is of a family the provider does not offer (it can never match the socket's family),
    /// or LocalAddress is a usable IPv4/IPv6 address and RemoteAddress is the other IP family. A truncated or unusable local
    /// address gives the socket no family to mismatch (ConnectValidation: "judged only against a local address that is itself usable").</item>
    /// <item>RemoteAddressNotConnectable: RemoteAddress is the wildcard or has port 0. MODEL READING: the remote parameter
    /// reports one violation, so a remote of the wrong family is reported as a mismatch only, not also as unconnectable.</item>
    /// <item>FlagsNotZero: Flags ≠ 0.</item>
    /// <item>SecurityDescriptorNotCached: an SD is given and it is not a live SD cached by this request's client.</item>
    /// </list>
    /// </summary>
    public static SortedSet<ConnectRule> ExpectedRules(RequestCase c)
    {
        var r = c.Request;
        var rules = new SortedSet<ConnectRule>();
        if (r.SocketType != 1 || r.Protocol != 6) rules.Add(ConnectRule.TransportNotConnectionOriented);

        switch (r.LocalAddress.Kind)
        {
            case SockAddrArgumentKind.Null: rules.Add(ConnectRule.LocalAddressMissing); break;
            case SockAddrArgumentKind.Truncated: rules.Add(ConnectRule.LocalAddressTruncated); break;
            case SockAddrArgumentKind.FamilyNotOffered: rules.Add(ConnectRule.LocalFamilyNotSupported); break;
        }

        var local = r.LocalAddress.Address;
        var remote = r.RemoteAddress.Address;
        bool localUsable = local is SockAddrIn or SockAddrIn6;
        switch (r.RemoteAddress.Kind)
        {
            case SockAddrArgumentKind.Null: rules.Add(ConnectRule.RemoteAddressMissing); break;
            case SockAddrArgumentKind.Truncated: rules.Add(ConnectRule.RemoteAddressTruncated); break;
            case SockAddrArgumentKind.FamilyNotOffered: rules.Add(ConnectRule.RemoteFamilyMismatch); break;
            case SockAddrArgumentKind.Address when localUsable && (remote is SockAddrIn) != (local is SockAddrIn):
                rules.Add(ConnectRule.RemoteFamilyMismatch);
                break;
            case SockAddrArgumentKind.Address when remote is SockAddrIn v4 && (v4.Address == 0 || v4.Port == 0):
                rules.Add(ConnectRule.RemoteAddressNotConnectable);
                break;
            case SockAddrArgumentKind.Address when remote is SockAddrIn6 v6 && (v6.Address == UInt128.Zero || v6.Port == 0):
                rules.Add(ConnectRule.RemoteAddressNotConnectable);
                break;
        }

        if (r.Flags != 0) rules.Add(ConnectRule.FlagsNotZero);
        if (r.SecurityDescriptor is { } sd && !c.CachedSds.Any(x => x.Client == r.Client && x.Handle == sd))
            rules.Add(ConnectRule.SecurityDescriptorNotCached);
        return rules;
    }

    /// <summary>The status each rule returns, written from the model decisions (ConnectRules' reasons).</summary>
    private static NtStatus ExpectedStatusOf(ConnectRule rule) => rule switch
    {
        ConnectRule.TransportNotConnectionOriented => NtStatus.NotSupported,
        ConnectRule.LocalFamilyNotSupported => NtStatus.NotSupported,
        ConnectRule.RemoteAddressNotConnectable => NtStatus.InvalidAddress,
        _ => NtStatus.InvalidParameter,
    };

    private sealed record Outcome(ValidConnect? Valid, IReadOnlyList<RuleViolation<ConnectRule>> Violations)
    {
        public bool IsSuccess => Valid is not null;
    }

    private static Outcome Run(RequestCase c) =>
        ConnectValidation.Validate(c.Request, c.SdCached).Match(
            Succ: v => new Outcome(v, Array.Empty<RuleViolation<ConnectRule>>()),
            Fail: errs => new Outcome(null, errs.ToList()));

    private static string CountLabel(int n) => n switch { 0 => "valid", 1 => "1 violation", _ => $"{n} violations" };

    [Property(MaxTest = 500)]
    public Property EveryViolationPresentIsListed() =>
        Prop.ForAll(CoreArb.RequestCases(), c =>
        {
            var expected = ExpectedRules(c);
            var outcome = Run(c);
            var actual = outcome.Violations.Select(v => v.Rule).ToList();
            var p = new SortedSet<ConnectRule>(actual).SetEquals(expected)
                .Label($"rules [{string.Join(", ", actual)}], expected [{string.Join(", ", expected)}] for {c}")
                .And((actual.Distinct().Count() == actual.Count).Label("each rule listed once"))
                .And(outcome.Violations.All(v => v.Status == ConnectRules.Table.StatusOf(v.Rule) && v.Detail.Length > 0)
                    .Label("each violation carries its rule's status and a detail"));
            return p.Collect(CountLabel(expected.Count));
        });

    /// <summary>Rule by rule: each rule is listed exactly when the oracle says it is broken (the table shows every rule hit).</summary>
    [Property(MaxTest = 1000)]
    public Property EachRuleIsListedExactlyWhenBroken() =>
        Prop.ForAll(
            CoreGen.RequestCases.SelectMany(c =>
            {
                // Half the time ask about a rule the request breaks, so "broken" rows show up for every rule.
                var any = Gen.Elements(Enum.GetValues<ConnectRule>());
                var broken = ExpectedRules(c).ToArray();
                var pick = broken.Length == 0 ? any : Gen.Frequency((1, any), (1, Gen.Elements(broken)));
                return pick.Select(rule => (Case: c, Rule: rule));
            }).ToArbitrary(),
            x =>
        {
            var (c, rule) = x;
            bool broken = ExpectedRules(c).Contains(rule);
            bool listed = Run(c).Violations.Any(v => v.Rule == rule);
            return (broken == listed).Label($"{rule}: broken {broken}, listed {listed} for {c}")
                .Collect($"{rule} {(broken ? "broken" : "kept")}");
        });

    [Property(MaxTest = 500)]
    public Property SuccessIffNoRuleIsBroken() =>
        Prop.ForAll(CoreArb.RequestCases(), c =>
        {
            var expected = ExpectedRules(c);
            var outcome = Run(c);
            var p = (outcome.IsSuccess == (expected.Count == 0)).Label($"success {outcome.IsSuccess}, expected rules [{string.Join(", ", expected)}] for {c}");
            if (outcome.Valid is { } v)
            {
                bool bindsAnywhere = v.LocalAddress switch
                {
                    SockAddrIn a => a.Address == 0 && a.Port == 0,
                    SockAddrIn6 a => a.Address == UInt128.Zero && a.Port == 0,
                    _ => false,
                };
                p = p.And((v.Family == c.Request.LocalAddress.Family).Label($"Family {v.Family} vs local {c.Request.LocalAddress}"))
                    .And((v.Family == v.RemoteAddress.Family).Label("remote has the socket's family"))
                    .And((v.LocalAddress == c.Request.LocalAddress.Address && v.RemoteAddress == c.Request.RemoteAddress.Address).Label("addresses carried"))
                    .And(ReferenceEquals(v.Request, c.Request).Label("request carried"))
                    .And((v.BindsAnywhere == bindsAnywhere).Label("BindsAnywhere"))
                    .Classify(v.Family == AddressFamilies.Inet, "valid IPv4")
                    .Classify(v.Family == AddressFamilies.Inet6, "valid IPv6")
                    .Classify(v.BindsAnywhere, "binds anywhere")
                    .Classify(c.Request.SecurityDescriptor is not null, "with cached SD");
            }
            else
            {
                p = p.And((outcome.Violations.Count > 0).Label("a failure has at least one violation"))
                    .Classify(true, "rejected");
            }
            return p;
        });

    [Property(MaxTest = 500)]
    public Property NonZeroFlagsAreAlwaysReported() =>
        Prop.ForAll(CoreArb.RequestCases(), CoreGen.AnyUInt32.Where(f => f != 0).ToArbitrary(), (c, flags) =>
        {
            var withFlags = c with { Request = c.Request with { Flags = flags } };
            var outcome = Run(withFlags);
            var rules = outcome.Violations.Select(v => v.Rule).ToList();
            bool higher = rules.Any(r => r < ConnectRule.FlagsNotZero);
            var status = ConnectRules.Table.StatusFor(outcome.Violations);
            var expectedStatus = higher ? ExpectedStatusOf(rules.Min()) : NtStatus.InvalidParameter;
            return (!outcome.IsSuccess).Label("Flags ≠ 0 never validates")
                .And(rules.Contains(ConnectRule.FlagsNotZero).Label($"FlagsNotZero listed in [{string.Join(", ", rules)}]"))
                .And((status == expectedStatus).Label($"status {status}, expected {expectedStatus}"))
                .And((higher || status == NtStatus.InvalidParameter).Label("alone or with lower rules ⇒ INVALID_PARAMETER"))
                .Classify(!higher, "FlagsNotZero decides the status")
                .Classify(higher, "a higher-precedence rule decides")
                .Classify(rules.Count == 1, "FlagsNotZero alone");
        });

    [Property(MaxTest = 500)]
    public Property StatusIsThatOfTheHighestPrecedenceRule() =>
        Prop.ForAll(CoreArb.RequestCases(), c =>
        {
            var outcome = Run(c);
            var expected = ExpectedRules(c);
            var status = ConnectRules.Table.StatusFor(outcome.Violations);
            var expectedStatus = expected.Count == 0 ? NtStatus.Success : ExpectedStatusOf(expected.Min);
            var reversed = ConnectRules.Table.StatusFor(outcome.Violations.Reverse());
            var p = (status == expectedStatus).Label($"status {status}, expected {expectedStatus} for [{string.Join(", ", expected)}]")
                .And((reversed == status).Label("order of the list does not matter"))
                .And(outcome.Violations.All(v => v.Status == ExpectedStatusOf(v.Rule)).Label("each rule's status is the model decision"));
            return p.Collect(expected.Count == 0 ? "SUCCESS" : $"{expected.Min} ⇒ {expectedStatus.Name}");
        });

    [Property(MaxTest = 500)]
    public Property EachSingleFaultHasItsDocumentedStatus() =>
        Prop.ForAll(CoreArb.SingleFaultRequest(), fault =>
        {
            var outcome = Run(fault.Case);
            var rules = outcome.Violations.Select(v => v.Rule).ToList();
            var status = ConnectRules.Table.StatusFor(outcome.Violations);
            return (rules.Count == 1 && rules[0] == fault.Rule).Label($"rules [{string.Join(", ", rules)}], expected only {fault.Rule} for {fault.Case}")
                .And((status == ExpectedStatusOf(fault.Rule)).Label($"status {status}"))
                .And((fault.Rule != ConnectRule.TransportNotConnectionOriented || status == NtStatus.NotSupported).Label("bad type/protocol ⇒ NOT_SUPPORTED"))
                .And((fault.Rule != ConnectRule.RemoteFamilyMismatch || status == NtStatus.InvalidParameter).Label("family mismatch ⇒ INVALID_PARAMETER"))
                .And((fault.Rule != ConnectRule.SecurityDescriptorNotCached || status == NtStatus.InvalidParameter).Label("bad SD ⇒ INVALID_PARAMETER"))
                .Collect($"{fault.Rule} ⇒ {status.Name}");
        });

    [Property(MaxTest = 500)]
    public Property BadTransportIsNotSupportedWhateverElseIsWrong() =>
        Prop.ForAll(CoreArb.RequestCases(), c =>
        {
            var expected = ExpectedRules(c);
            var status = ConnectRules.Table.StatusFor(Run(c).Violations);
            bool badTransport = expected.Contains(ConnectRule.TransportNotConnectionOriented);
            return (!badTransport || status == NtStatus.NotSupported).Label($"bad transport gave {status}")
                .Classify(badTransport, "bad type/protocol")
                .Classify(badTransport && expected.Count > 1, "bad type/protocol with other faults")
                .Classify(!badTransport, "STREAM/TCP");
        });

    [Property(MaxTest = 300)]
    public Property SdFactMattersOnlyWhenAnSdIsGiven() =>
        Prop.ForAll(CoreArb.RequestCases(), c =>
        {
            static bool NotCached(Validation<RuleViolation<ConnectRule>, ValidConnect> v) =>
                v.Match(Succ: _ => false, Fail: errors => errors.Any(e => e.Rule == ConnectRule.SecurityDescriptorNotCached));
            var sd = c.Request.SecurityDescriptor;
            bool whenCached = NotCached(ConnectValidation.Validate(c.Request, securityDescriptorCached: true));
            bool whenNot = NotCached(ConnectValidation.Validate(c.Request, securityDescriptorCached: false));
            return (!whenCached && whenNot == sd is not null)
                .Label($"NotCached reported: {whenCached} when cached, {whenNot} when not, "
                       + $"for SD {sd?.Value.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "null"}")
                .Classify(sd is null, "no SD")
                .Classify(sd is { } h && c.IsCached(c.Request.Client, h), "cached SD")
                .Classify(sd is { } g && !c.IsCached(c.Request.Client, g), "SD not cached for this client");
        });

    [Property(MaxTest = 1)]
    public Property RuleTableIsInPrecedenceOrderAndComplete() =>
        Prop.ForAll(Gen.Constant(0).ToArbitrary(), _ =>
        {
            var table = ConnectRules.Table;
            var rules = Enum.GetValues<ConnectRule>();
            return (table.Rows.Count == rules.Length).Label("one row per rule")
                .And(table.Rows.Select((row, i) => (int)row.Rule == i).All(x => x).Label("rows in enum (precedence) order"))
                .And(rules.All(r => ConnectRules.Table.StatusOf(r) == ExpectedStatusOf(r)).Label("statuses are the model decisions"))
                .And((ConnectRules.Table.StatusFor(Array.Empty<RuleViolation<ConnectRule>>()) == NtStatus.Success).Label("no violation ⇒ SUCCESS"));
        });
}
