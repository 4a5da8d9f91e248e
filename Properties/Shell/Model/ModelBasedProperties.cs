using System.Linq;
using FsCheck;
using FsCheck.Experimental;
using Xunit;
using Xunit.Abstractions;

namespace Wsk.Properties.Shell.Model;

/// <summary>The shell over the simulated network agrees with the pure model after every step of every generated life.</summary>
public sealed class ModelBasedProperties(ITestOutputHelper output)
{
    /// <summary>Sequences per run: at least 1,000, so that rare paths run in every run.</summary>
    public const int Sequences = 1000;

    /// <summary>
    /// Run through <c>Check.One</c> rather than <c>[Property]</c> so that the step statistics can be printed after the run
    /// (the classify table of a machine run). A failure throws with FsCheck's "(seed,gamma)" pair: to replay it, add
    /// <c>.WithReplay(seed, gamma)</c> to the config below (the gamma FsCheck prints is always odd).
    /// </summary>
    [Fact]
    public void The_shell_agrees_with_the_model_after_every_step()
    {
        var machine = new WskMachine(maxSteps: 30);
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(Sequences).WithQuietOnSuccess(true), machine.ToProperty());
        int steps = machine.Stats.Values.Sum();
        output.WriteLine($"{Sequences} sequences, {steps} steps");
        foreach (var (kind, n) in machine.Stats.OrderByDescending(p => p.Value))
            output.WriteLine($"{100.0 * n / steps,6:0.0}% {kind}");
        Assert.True(steps > Sequences);
    }
}
