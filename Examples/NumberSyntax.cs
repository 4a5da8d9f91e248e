using System.CommandLine.Parsing;
using System.Globalization;

namespace Wsk.Examples;

/// <summary>
/// The numbers of the command line (--count, --timeout, bench --connects, ...), parsed here rather than by
/// System.CommandLine's converter, so a word where a number belongs is one usage error that names the option and the
/// range it takes, and the range is checked in the same place.
/// </summary>
internal static class NumberSyntax
{
    /// <summary>A whole number of at least <paramref name="minimum"/>, or 0 with a parse error that says so.</summary>
    public static int Whole(ArgumentResult result, int minimum = int.MinValue)
    {
        string text = result.Tokens[0].Value;
        if (int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int value) && value >= minimum)
            return value;
        string range = minimum == int.MinValue ? "" : $" of at least {minimum}";
        result.AddError($"{NameOf(result)} takes a whole number{range}, got '{text}'.");
        return 0;
    }

    /// <summary>A number of seconds more than 0 and at most <paramref name="maximum"/>, or 0 with a parse error.</summary>
    public static double Seconds(ArgumentResult result, double maximum)
    {
        string text = result.Tokens[0].Value;
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) && value is > 0 && value <= maximum)
            return value;
        result.AddError(string.Create(CultureInfo.InvariantCulture,
            $"{NameOf(result)} takes a number of seconds more than 0 and at most {maximum}, got '{text}'."));
        return 0;
    }

    private static string NameOf(ArgumentResult result) =>
        result.Parent is OptionResult option ? option.IdentifierToken?.Value ?? option.Option.Name : result.Argument.Name;
}
