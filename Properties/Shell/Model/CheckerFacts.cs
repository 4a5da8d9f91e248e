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

    [Fact]
    public void A_planted_double_completion_is_caught_and_shrunk()
    {
        var message = FailureOf(PlantedBugs.DoubleAnswer);
        Assert.Contains("Falsifiable", message);
        Assert.Matches(@"\(\d+,\s*\d+\)", message);
    }

    [Fact]
    public void A_planted_leaked_socket_is_caught_and_shrunk()
    {
        var message = FailureOf(PlantedBugs.LeakOnClose);
        Assert.Contains("Falsifiable", message);
    }
}
