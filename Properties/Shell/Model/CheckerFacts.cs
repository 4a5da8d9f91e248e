using System;
using System.Linq;
using System.Text.RegularExpressions;
using FsCheck;
using FsCheck.Experimental;
using Wsk.Core;
using Wsk.Shell.Simulation;
using Xunit;
using Xunit.Abstractions;

namespace Wsk.Properties.Shell.Model;

/// <summary>The checker checks: a planted double completion and a planted leak are caught, shrunk, and replayable.</summary>
public sealed class CheckerFacts(ITestOutputHelper output)
{
    private string FailureOf(Func<SimulatedNetwork, Wsk.Shell.ITransport> plant)
    {
        var e = Assert.ThrowsAny<Exception>(() =>
            Check.One(Config.QuickThrowOnFailure.WithMaxTest(1000), new WskMachine(plant: plant).ToProperty()));
        output.WriteLine(e.Message);
        return e.Message;
    }

    /// <summary>Caught (falsified, with the replay pair printed) and shrunk to a few steps, fewer than the original run had.</summary>
    private static void CaughtAndShrunk(string message, string rule, int atMostSteps)
    {
        Assert.Contains("Falsifiable", message);
        Assert.Matches(@"\(\d+,\d+\)", message); // the (seed,gamma) pair to replay
        Assert.Contains(rule, message);
        int shrinks = int.Parse(Regex.Match(message, @"\((\d+) shrinks?\)").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        int original = Steps(message, "Original:"), shrunk = Steps(message, "Shrunk:");
        Assert.True(shrinks > 0 && shrunk <= atMostSteps && shrunk <= original, $"{shrinks} shrinks, {original} → {shrunk} steps");
    }

    private static int Steps(string message, string section)
    {
        var lines = message.Split('\n');
        int from = Array.FindIndex(lines, l => l.Trim() == section);
        return lines.Skip(from + 1)
            .TakeWhile(l => !l.Trim().StartsWith("Shrunk:", StringComparison.Ordinal) && !l.Contains("with exception", StringComparison.Ordinal))
            .Count(l => l.Contains(" -> ", StringComparison.Ordinal));
    }

    [Fact]
    public void A_planted_double_completion_is_caught_and_shrunk() =>
        CaughtAndShrunk(FailureOf(PlantedBugs.DoubleAnswer), "IrpCompletedTwice", atMostSteps: 5);

    [Fact]
    public void A_planted_leaked_socket_is_caught_and_shrunk() =>
        CaughtAndShrunk(FailureOf(PlantedBugs.LeakOnClose), "transport connections", atMostSteps: 5);
}
