using System;
using System.Collections.Generic;
using System.Globalization;
using LanguageExt;

namespace Wsk.Core;

/// <summary>
/// A table of rules in precedence order, each with its status: the one shape both the connect rules and the three-step
/// socket rules take. The rule enum's values are the precedence; the first rule a request breaks decides its status.
/// </summary>
/// <typeparam name="TRule">The rule enum, numbered 0, 1, 2… in precedence order.</typeparam>
public sealed class RuleTable<TRule> where TRule : struct, Enum
{
    private readonly NtStatus[] _byRule;

    /// <summary>Indexes <paramref name="rows"/>, which must list every rule once, in enum order.</summary>
    public RuleTable(IReadOnlyList<(TRule Rule, NtStatus Status, string Why)> rows)
    {
        Rows = rows;
        _byRule = new NtStatus[rows.Count];
        foreach (var (rule, status, _) in rows) _byRule[Index(rule)] = status;
    }

    /// <summary>Every rule with its status and the reason for that status.</summary>
    public IReadOnlyList<(TRule Rule, NtStatus Status, string Why)> Rows { get; }

    /// <summary>The status of one rule.</summary>
    public NtStatus StatusOf(TRule rule) => _byRule[Index(rule)];

    /// <summary>
    /// The status of the broken rule with the highest precedence; STATUS_SUCCESS when none is broken.
    /// </summary>
    public NtStatus StatusFor(IEnumerable<TRule> broken)
    {
        TRule? first = null;
        foreach (var rule in broken) first = First(first, rule);
        return first is { } r ? StatusOf(r) : NtStatus.Success;
    }

    /// <summary>
    /// The one status a rejected call returns: the status of the violation with the highest precedence
    /// (lowest rule value); STATUS_SUCCESS for none.
    /// </summary>
    public NtStatus StatusFor(IEnumerable<RuleViolation<TRule>> violations)
    {
        TRule? first = null;
        foreach (var violation in violations) first = First(first, violation.Rule);
        return first is { } r ? StatusOf(r) : NtStatus.Success;
    }

    /// <summary>A violation of <paramref name="rule"/>, carrying the rule's status.</summary>
    public RuleViolation<TRule> Violation(TRule rule, string detail) => new(rule, StatusOf(rule), detail);

    /// <summary>A failed validation holding one violation of <paramref name="rule"/>.</summary>
    public Validation<RuleViolation<TRule>, T> Fail<T>(TRule rule, string detail) =>
        Prelude.Fail<RuleViolation<TRule>, T>(Violation(rule, detail));

    private static TRule First(TRule? first, TRule rule) =>
        first is { } f && Comparer<TRule>.Default.Compare(f, rule) <= 0 ? f : rule;

    private static int Index(TRule rule) => Convert.ToInt32(rule, CultureInfo.InvariantCulture);
}
