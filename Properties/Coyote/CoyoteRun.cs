using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using Microsoft.Coyote;
using Microsoft.Coyote.Logging;
using Microsoft.Coyote.SystematicTesting;
using Xunit;
using Xunit.Abstractions;

namespace Wsk.Properties.Coyote;

/// <summary>
/// The Coyote tests run one at a time, after the parallel part of the suite: each one owns both cores while it explores,
/// and its schedules do not compete with unrelated tests for the thread pool.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class CoyoteCollection
{
    public const string Name = "Coyote";
}

/// <summary>
/// Runs a test under Coyote's systematic <see cref="TestingEngine"/>, in process, from an xunit fact. Coyote owns every
/// task, lock, Interlocked/Volatile operation and SpinWait of the rewritten assemblies (Wsk.Core, Wsk.Shell and this
/// one, rewritten after build by Coyote/CoyoteRewrite.targets) and picks, at each of those points, which task runs
/// next; each iteration is one schedule, the seed makes the exploration repeatable. A failed
/// <c>Specification.Assert</c>, an exception, a deadlock (every task blocked, e.g. an await that can never end) or a
/// livelock past the step bound is a bug: the xunit test fails with Coyote's report and the reproducible trace, which
/// is also written to CoyoteTraces/ under the test output (replay it with <see cref="Replay"/>).
/// </summary>
public static class CoyoteRun
{
    /// <summary>Schedules explored per test unless told otherwise (COYOTE_ITERATIONS overrides, e.g. for a long nightly run).</summary>
    public const uint DefaultIterations = 1000;

    /// <summary>The fixed seed of the schedule choices (COYOTE_SEED overrides).</summary>
    public const uint DefaultSeed = 20261201;

    private static readonly Dictionary<string, int> Outcomes = new(StringComparer.Ordinal);

    /// <summary>
    /// Counts how a schedule ended (printed after the run): evidence that the exploration reached each interleaving the
    /// test is about (a cancel winning, a completion winning, ...) and does not pass vacuously.
    /// </summary>
    public static void Outcome(string outcome)
    {
        lock (Outcomes) Outcomes[outcome] = Outcomes.GetValueOrDefault(outcome) + 1;
    }

    /// <summary>Explores <paramref name="test"/> for <paramref name="iterations"/> schedules; fails the xunit test on a bug.</summary>
    public static void Check(ITestOutputHelper output, string name, Func<Task> test, uint iterations = DefaultIterations)
    {
        RequireRewritten();
        iterations = FromEnvironment("COYOTE_ITERATIONS", iterations);
        uint seed = FromEnvironment("COYOTE_SEED", DefaultSeed);
        var configuration = Configure(Configuration.Create().WithTestingIterations(iterations).WithRandomGeneratorSeed(seed));
        Run(output, name, test, configuration, $"{iterations} iterations, seed {seed}");
    }

    /// <summary>
    /// Without the rewrite, Coyote controls nothing in the library and every schedule is the same: the tests would pass
    /// without exploring. So they refuse to run on assemblies the build step did not rewrite.
    /// </summary>
    private static void RequireRewritten()
    {
        foreach (var assembly in new[] { typeof(Wsk.Core.NtStatus).Assembly, typeof(Wsk.Shell.Irp).Assembly, typeof(CoyoteRun).Assembly })
        {
            if (!assembly.GetCustomAttributes(false).Any(a => a.GetType().Name == "RewritingSignatureAttribute"))
                throw new InvalidOperationException(
                    $"{assembly.GetName().Name} is not rewritten by Coyote: build the test project with its CoyoteRewrite step (not -p:CoyoteRewrite=false)");
        }
    }

    /// <summary>Runs <paramref name="test"/> once along <paramref name="reproducibleTrace"/> (from a failure's .trace file).</summary>
    public static void Replay(ITestOutputHelper output, string name, Func<Task> test, string reproducibleTrace) =>
        Run(output, name, test, Configure(Configuration.Create().WithReproducibleTrace(reproducibleTrace)), "replay of a trace");

    private static Configuration Configure(Configuration configuration) =>
        configuration
            // Probabilistic random walk: at every scheduling point the next task is drawn afresh, which reaches the
            // narrow windows (a lock released, another one not taken yet) these tests are about within a few hundred
            // schedules; the tests are short, so no schedule is cut off by the bound below.
            .WithRandomStrategy()
            .WithMaxSchedulingSteps(5_000)
            .WithTelemetryEnabled(false);

    private static void Run(ITestOutputHelper output, string name, Func<Task> test, Configuration configuration, string what)
    {
        lock (Outcomes) Outcomes.Clear();
        // Only this run's failure files are left behind: the ones of an earlier run of the same test go first.
        string directory = Path.Combine(AppContext.BaseDirectory, "CoyoteTraces");
        Directory.CreateDirectory(directory);
        foreach (var stale in Directory.EnumerateFiles(directory, name + ".*")) File.Delete(stale);
        var clock = Stopwatch.StartNew();
        using var log = new StringWriter(CultureInfo.InvariantCulture);
        using var engine = TestingEngine.Create(configuration, test);
        engine.SetLogger(new TextWriterLogger(log, VerbosityLevel.Warning)); // kept, and shown on a bug, not on the console
        engine.Run();
        clock.Stop();

        var report = engine.TestReport;
        int schedules = report.NumOfExploredFairPaths + report.NumOfExploredUnfairPaths;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Coyote {name}: {schedules} schedules explored ({what}) in {clock.Elapsed.TotalSeconds:0.0} s, " +
            $"{report.NumOfFoundBugs} bug(s), scheduling steps per schedule {report.MinExploredFairSteps + report.MinExploredUnfairSteps}.." +
            $"{Math.Max(report.MaxExploredFairSteps, report.MaxExploredUnfairSteps)}"));
        lock (Outcomes)
            foreach (var (outcome, count) in Outcomes.OrderBy(o => o.Key, StringComparer.Ordinal))
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {count,5} × {outcome}"));
        foreach (var invocation in report.UncontrolledInvocations ?? Enumerable.Empty<string>())
            output.WriteLine($"  uncontrolled invocation: {invocation}");
        foreach (var error in report.InternalErrors ?? Enumerable.Empty<string>())
            output.WriteLine($"  Coyote internal error: {error}");

        if (report.NumOfFoundBugs == 0) return;

        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"Coyote found a bug in {name} after {schedules} schedule(s) ({what}):");
        foreach (var bug in report.BugReports) text.AppendLine(bug);
        string tracePath = Path.Combine(directory, name + ".trace");
        File.WriteAllText(tracePath, engine.ReproducibleTrace);
        if (engine.TryEmitReports(directory, name, out var written))
            foreach (var path in written) text.AppendLine(CultureInfo.InvariantCulture, $"report: {path}");
        text.AppendLine("Coyote's log:");
        text.AppendLine(log.ToString().Trim());
        text.AppendLine(CultureInfo.InvariantCulture, $"reproducible trace ({tracePath}):");
        text.AppendLine(engine.ReproducibleTrace);
        output.WriteLine(text.ToString());
        Assert.Fail(text.ToString());
    }

    private static uint FromEnvironment(string variable, uint fallback) =>
        uint.TryParse(Environment.GetEnvironmentVariable(variable), NumberStyles.None, CultureInfo.InvariantCulture, out uint value) && value > 0
            ? value
            : fallback;
}
