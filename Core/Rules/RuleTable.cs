using System;
using System.Collections.Generic;

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
        foreach (var (rule, status, _) in rows) _byRule[Convert.ToInt32(rule, System.Globalization.CultureInfo.InvariantCulture)] = status;
    }

    /// <summary>Every rule with its status and the reason for that status.</summary>
    public IReadOnlyList<(TRule Rule, NtStatus Status, string Why)> Rows { get; }

    /// <summary>The status of one rule.</summary>
    public NtStatus StatusOf(TRule rule) => _byRule[Convert.ToInt32(rule, System.Globalization.CultureInfo.InvariantCulture)];

    /// <summary>The status of the broken rule with the highest precedence; STATUS_SUCCESS when none is broken.</summary>
    public NtStatus StatusFor(IEnumerable<TRule> broken)
    {
        TRule? first = null;
        foreach (var rule in broken)
            if (first is null || Comparer<TRule>.Default.Compare(rule, first.Value) < 0) first = rule;
        return first is { } r ? StatusOf(r) : NtStatus.Success;
    }
}
