using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text.RegularExpressions;
using Wsk.Core;
using Wsk.Shell;
using Xunit;

namespace Wsk.Properties.Shell;

/// <summary>
/// docs/contract.md is a promise: every rule the code names has one row, every row names tests that exist (or says it is
/// unchecked, from a pinned list), and the statuses it gives are the ones the code's tables give.
/// </summary>
public sealed class ContractAgreesWithCode
{
    /// <summary>The rules the contract names besides the enum members, area by area as the document orders them.</summary>
    private static readonly string[] Catalogue =
    {
        "CompletesOnce", "PendingCompletesLater", "ReturnedIsCompleted", "CancelCompletesOnce", "InformationOnFailureIsNull",
        "BuffersHeldUntilCompletion", "CompletionRoutineDoesNotWait",
        "SuccessHandsOverSocket", "FailureLeavesNoSocket", "FamilyFromLocalAddress", "ConnectFailuresFromOs",
        "CloseCompletesPending", "CloseIsAbortiveUnlessDisconnected", "CloseNeverFails", "ZeroByteReceiveIsGracefulClose",
        "SendCompletesWhenAllSent", "ForcedClosedAfterConnectFailure", "AddressQueryNeedsState",
        "CallbacksStartDisabled", "EnableOrsConnectionEvents", "DisableOneEvent", "DisableWhileRunningWaits",
        "StaticEventsStayEnabled", "IndicationAnswer", "PartialAcceptStopsIndications", "KeptIndicationReleased",
        "NullIndicationMeansDead", "IndicationsSerialized",
        "CancelReachesReceive", "WaitAllFillsOrSaysWhy", "BytesInOrder",
        "StreamReadIsOneReceive", "StreamWriteIsOneSend", "StreamCancelLosesNoData", "StreamEndReadsZero", "StreamDisposeCloses",
        "PipeBackpressure", "PipeEndCompletes", "PipeDisposeCloses",
        "EyeballsAskBoth", "EyeballsResolutionDelay", "EyeballsInterleave", "EyeballsAttemptDelay", "EyeballsFirstWins",
        "EyeballsAllFail", "EyeballsCancelAll",
        "TransportListQuery", "TransportListChange", "CacheSd", "ReleaseSd", "SdCachedUntilCompletion",
        "StaticCallbacksBeforeSockets", "TdiCallsBeforeSockets",
        "RegistrationPairs", "CaptureWait", "DeregisterWaitsForReleases", "DeregisterCancelsListChange", "NotReadyAfterDeregister",
        "SharingTable", "DefaultSdForbidsSharing", "SecurityOptionBeforeBind",
        "NamePendingAlways", "AddressInfoInResult", "NameNotFound", "NumericHostAndService", "ServiceNames", "PassiveNullNode",
        "AddressInfoOrder", "AddressInfoFreedOnce", "NameInfoFormat", "NameRequired", "NameBufferTooSmall", "ResolverAnswersOnce",
        "ResolverFailures", "ResolverChoice",
        "NtStatusLayout", "PendingIsSuccess",
        "AddressFamilies", "SocketCategories",
    };

    /// <summary>The rows no test checks. Adding one here is a decision, made in review, not an accident.</summary>
    private static readonly string[] Unchecked = { "BuffersHeldUntilCompletion" };

    /// <summary>
    /// What the citation scan reads, relative to the repository root: every file below these folders (build output aside)
    /// and these files. Core, Shell and Examples join the folders once their comments cite rule names only.
    /// </summary>
    private static readonly string[] ScannedFolders = { "Core", "Shell", "Properties", "docs", "Examples" };

    private static readonly string[] ScannedFiles = { "README.md", "Directory.Build.props", "Directory.Packages.props" };

    /// <summary>Citations of files outside the repository or of tasks being worked on (split so this file does not hold them).</summary>
    private static readonly string[] Forbidden = { "wsk" + "-contract", "connect" + "-baseline", "the " + "issue", "work " + "item" };

    private static readonly Regex IssueNumber = new(@"\bissue\s*#?\d", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

    private static readonly Regex Returns = new(@"returns `(STATUS_[A-Z0-9_]+)`", RegexOptions.CultureInvariant);

    private static readonly Regex Quoted = new("`([^`]+)`", RegexOptions.CultureInvariant);

    private sealed record Row(string Area, string Name, string Says, string Library, string CheckedBy);

    private static readonly Row[] Rows = ReadRows(File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "contract.md")));

    private static Row[] ReadRows(string[] lines)
    {
        var rows = new List<Row>();
        string area = "";
        foreach (var line in lines)
        {
            if (line.StartsWith("## ", StringComparison.Ordinal)) area = line[3..].Trim();
            if (!line.StartsWith("| `", StringComparison.Ordinal)) continue;
            var cells = line.Split('|').Select(c => c.Trim()).ToArray();
            if (cells.Length != 6) throw new InvalidDataException($"a rule row has {cells.Length - 2} cells, not 4: {line}");
            rows.Add(new Row(area, cells[1].Trim('`'), cells[2], cells[3], cells[4]));
        }
        return rows.ToArray();
    }

    private static Row RowOf(string name)
    {
        var found = Rows.Where(r => r.Name == name).ToArray();
        Assert.True(found.Length == 1, $"docs/contract.md has {found.Length} rows for `{name}`");
        return found[0];
    }

    private static IEnumerable<string> EnumRuleNames() =>
        Enum.GetNames<ConnectRule>()
            .Concat(Enum.GetValues<CallingRule>().Where(r => r != CallingRule.None).Select(r => r.ToString()))
            .Concat(Enum.GetNames<VerifierRule>().Select(n => $"{nameof(VerifierRule)}.{n}"))
            .Concat(Enum.GetNames<SocketRule>().Select(n => $"{nameof(SocketRule)}.{n}"))
            .Concat(Enum.GetNames<OsError>().Select(n => $"{nameof(OsError)}.{n}"))
            .Concat(Enum.GetNames<AddressInfoRule>().Select(n => $"{nameof(AddressInfoRule)}.{n}"))
            .Concat(Enum.GetNames<NameInfoRule>().Select(n => $"{nameof(NameInfoRule)}.{n}"));

    [Fact]
    public void Every_enum_rule_has_one_row()
    {
        foreach (var name in EnumRuleNames()) RowOf(name);
    }

    [Fact]
    public void The_document_defines_the_catalogue_and_the_enum_rules_each_once_and_nothing_else()
    {
        var twice = Rows.GroupBy(r => r.Name).Where(g => g.Count() > 1).Select(g => g.Key).ToArray();
        Assert.True(twice.Length == 0, $"defined more than once: {string.Join(", ", twice)}");
        var expected = EnumRuleNames().Concat(Catalogue).ToHashSet(StringComparer.Ordinal);
        Assert.Equal(expected.Count, EnumRuleNames().Count() + Catalogue.Length);
        Assert.Equal(expected.OrderBy(n => n, StringComparer.Ordinal), Rows.Select(r => r.Name).OrderBy(n => n, StringComparer.Ordinal));
    }

    [Fact]
    public void Every_row_is_checked_by_tests_that_exist_or_is_pinned_as_unchecked()
    {
        var tests = TestMethods();
        Assert.Contains($"{nameof(ContractAgreesWithCode)}.{nameof(Every_enum_rule_has_one_row)}", tests);
        foreach (var row in Rows)
        {
            if (row.CheckedBy.StartsWith("unchecked", StringComparison.Ordinal))
            {
                Assert.True(Unchecked.Contains(row.Name), $"`{row.Name}` says it is unchecked but is not in the pinned list");
                continue;
            }
            var named = Quoted.Matches(row.CheckedBy).Select(m => m.Groups[1].Value).ToArray();
            Assert.True(named.Length > 0, $"`{row.Name}` names no test");
            Assert.Equal(string.Join(", ", named.Select(n => $"`{n}`")), row.CheckedBy);
            foreach (var test in named)
                Assert.True(tests.Contains(test), $"`{row.Name}` is checked by `{test}`, which is no [Fact], [Theory] or [Property] here");
        }
        Assert.Equal(Unchecked.OrderBy(n => n, StringComparer.Ordinal),
            Rows.Where(r => r.CheckedBy.StartsWith("unchecked", StringComparison.Ordinal)).Select(r => r.Name).OrderBy(n => n, StringComparer.Ordinal));
    }

    [Fact]
    public void The_connect_rows_give_the_statuses_of_ConnectRules_in_precedence_order_as_decisions()
    {
        Assert.Equal(Enum.GetValues<ConnectRule>().Length, ConnectRules.Table.Rows.Count);
        for (int i = 0; i < ConnectRules.Table.Rows.Count; i++)
        {
            var (rule, status, _) = ConnectRules.Table.Rows[i];
            var row = RowOf(rule.ToString());
            AssertReturns(row, status);
            Assert.Contains($"(precedence {i + 1})", row.Library, StringComparison.Ordinal);
            Assert.StartsWith("**Decision:**", row.Library, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void The_three_step_rows_give_the_statuses_of_SocketRules_in_precedence_order() =>
        AssertTable(SocketRules.Table, nameof(SocketRule));

    [Fact]
    public void The_name_rows_give_the_statuses_of_NameRules_in_precedence_order()
    {
        AssertTable(NameRules.AddressInfo, nameof(AddressInfoRule));
        AssertTable(NameRules.NameInfo, nameof(NameInfoRule));
    }

    private static void AssertTable<TRule>(RuleTable<TRule> table, string prefix) where TRule : struct, Enum
    {
        Assert.Equal(Enum.GetValues<TRule>().Length, table.Rows.Count);
        for (int i = 0; i < table.Rows.Count; i++)
        {
            var (rule, status, _) = table.Rows[i];
            var row = RowOf($"{prefix}.{rule}");
            AssertReturns(row, status);
            Assert.Contains($"(precedence {i + 1})", row.Library, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void The_calling_rows_give_the_outcome_and_status_of_CallingContract()
    {
        foreach (var rule in Enum.GetValues<CallingRule>().Where(r => r != CallingRule.None))
        {
            var row = RowOf(rule.ToString());
            if (CallingContract.ReturnedStatus(rule) is { } status)
            {
                Assert.Equal(CallingOutcome.Returned, CallingContract.OutcomeOf(rule));
                AssertReturns(row, status);
                Assert.DoesNotContain("bug check", row.Library, StringComparison.OrdinalIgnoreCase);
            }
            else
            {
                Assert.Equal(CallingOutcome.BugCheck, CallingContract.OutcomeOf(rule));
                Assert.Contains("bug check", row.Library, StringComparison.OrdinalIgnoreCase);
                Assert.False(Returns.IsMatch(row.Library), $"`{rule}` is a bug check, yet its row says it returns a status");
            }
        }
    }

    [Fact]
    public void No_file_cites_an_outside_section_or_a_work_item()
    {
        var root = RepositoryRoot();
        var files = ScannedFolders.SelectMany(folder => Directory.EnumerateFiles(Path.Combine(root, folder), "*", SearchOption.AllDirectories))
            .Where(path => !IsBuildOutput(Path.GetRelativePath(root, path)))
            .Concat(ScannedFiles.Select(file => Path.Combine(root, file)))
            .ToArray();
        Assert.Contains(files, f => f.EndsWith("contract.md", StringComparison.Ordinal));
        var citations = new List<string>();
        foreach (var file in files)
        {
            var lines = File.ReadAllLines(file);
            for (int i = 0; i < lines.Length; i++)
                if (Forbidden.Any(f => lines[i].Contains(f, StringComparison.OrdinalIgnoreCase)) || IssueNumber.IsMatch(lines[i]))
                    citations.Add($"{Path.GetRelativePath(root, file)}:{i + 1}: {lines[i].Trim()}");
        }
        Assert.True(citations.Count == 0, string.Join(Environment.NewLine, citations));
    }

    private static void AssertReturns(Row row, NtStatus status)
    {
        var returned = Returns.Matches(row.Library).Select(m => m.Groups[1].Value).Distinct().ToArray();
        Assert.True(returned.Length == 1 && returned[0] == status.Name,
            $"`{row.Name}` says it returns [{string.Join(", ", returned)}]; the code returns {status.Name}");
    }

    private static HashSet<string> TestMethods()
    {
        Type[] types;
        try { types = typeof(ContractAgreesWithCode).Assembly.GetTypes(); }
        catch (ReflectionTypeLoadException e) { types = e.Types.Where(t => t is not null).ToArray()!; }
        const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        return types.SelectMany(t => t.GetMethods(all).Select(m => (Type: t, Method: m)))
            .Where(p => p.Method.GetCustomAttributes(inherit: true).Any(a => a is FactAttribute || a.GetType().Name == "PropertyAttribute"))
            .Select(p => $"{p.Type.Name}.{p.Method.Name}")
            .ToHashSet(StringComparer.Ordinal);
    }

    private static bool IsBuildOutput(string relative) =>
        relative.Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj");

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Functional.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException($"no folder above {AppContext.BaseDirectory} holds Functional.sln");
    }
}
