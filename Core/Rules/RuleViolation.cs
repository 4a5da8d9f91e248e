namespace Wsk.Core;

/// <summary>
/// One broken rule, with the parameter it concerns in words: the shape of every violation (connect, three-step).
/// Made by <see cref="RuleTable{TRule}.Violation"/>, so its status is always the rule's status in the table.
/// </summary>
/// <typeparam name="TRule">The rule enum.</typeparam>
public sealed record RuleViolation<TRule> where TRule : struct, System.Enum
{
    internal RuleViolation(TRule rule, NtStatus status, string detail)
    {
        Rule = rule;
        Status = status;
        Detail = detail;
    }

    /// <summary>Which rule.</summary>
    public TRule Rule { get; }

    /// <summary>The status this violation maps to.</summary>
    public NtStatus Status { get; }

    /// <summary>What was wrong, for people.</summary>
    public string Detail { get; }

    /// <inheritdoc/>
    public override string ToString() => $"{Rule}: {Detail} ⇒ {Status}";
}
