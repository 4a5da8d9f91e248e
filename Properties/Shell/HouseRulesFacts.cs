using System;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using Xunit;

namespace Wsk.Properties.Shell;

/// <summary>
/// The house's shape as facts: rooms small enough to read, lines within the width <c>.editorconfig</c> gives, every
/// decider written in one order, and no lock on a public object.
/// </summary>
public sealed class HouseRulesFacts
{
    private static readonly string Root = FindRoot();

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Functional.sln"))) return dir.FullName;
        throw new InvalidOperationException("no Functional.sln above " + AppContext.BaseDirectory);
    }

    private static string[] SourcesUnder(string folder) =>
        Directory.EnumerateFiles(Path.Combine(Root, folder), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                        && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .OrderBy(f => f, StringComparer.Ordinal).ToArray();

    private static string Relative(string path) => Path.GetRelativePath(Root, path);

    /// <summary>The max_line_length .editorconfig gives the section whose glob is exactly <paramref name="section"/>.</summary>
    private static int WidthOf(string section)
    {
        var lines = File.ReadAllLines(Path.Combine(Root, ".editorconfig"));
        int start = Array.IndexOf(lines, $"[{section}]");
        Assert.True(start >= 0, $".editorconfig has no [{section}] section");
        var width = lines.Skip(start + 1).TakeWhile(l => !l.StartsWith('[')).Select(l => Regex.Match(l, @"^max_line_length\s*=\s*(\d+)"))
            .Single(m => m.Success);
        return int.Parse(width.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
    }

    [Theory]
    [InlineData("Core")]
    [InlineData("Shell")]
    public void No_file_holds_more_than_300_lines(string folder)
    {
        var over = SourcesUnder(folder).Select(f => (File: Relative(f), Lines: File.ReadAllLines(f).Length)).Where(f => f.Lines > 300).ToArray();
        Assert.True(over.Length == 0, "over 300 lines: " + string.Join(", ", over.Select(o => $"{o.File} ({o.Lines})")));
    }

    [Theory]
    [InlineData("Core", "*.cs")]
    [InlineData("Shell", "*.cs")]
    [InlineData("Properties", "{Properties,Examples}/**.cs")]
    [InlineData("Examples", "{Properties,Examples}/**.cs")]
    public void No_line_is_wider_than_the_editorconfig_allows(string folder, string section)
    {
        int width = WidthOf(section);
        var wide = SourcesUnder(folder)
            .SelectMany(f => File.ReadAllLines(f).Select((l, i) => (File: Relative(f), Line: i + 1, l.Length)))
            .Where(l => l.Length > width).ToArray();
        Assert.True(wide.Length == 0,
            $"{wide.Length} lines wider than {width}: " + string.Join(", ", wide.Take(10).Select(w => $"{w.File}:{w.Line} ({w.Length})")));
    }

    [Fact]
    public void Every_decider_is_written_state_commands_events_Initial_Decide_Evolve_IsTerminal()
    {
        var deciders = SourcesUnder("Core").Where(f => Path.GetFileName(f).EndsWith("Decider.cs", StringComparison.Ordinal)).ToArray();
        Assert.Equal(9, deciders.Length);
        foreach (var file in deciders)
        {
            var text = File.ReadAllText(file);
            int at(string pattern)
            {
                var m = Regex.Match(text, pattern, RegexOptions.Multiline);
                Assert.True(m.Success, $"{Relative(file)} has no {pattern}");
                return m.Index;
            }
            int decider = at(@"^public static class \w+Decider\b");
            int[] members = { at(@"\bInitial\b\s*(=>|\{|=|\()"), at(@"\bDecide\s*\("), at(@"\bEvolve\s*\("), at(@"\bIsTerminal\s*\(") };
            Assert.True(Enumerable.Range(1, members.Length - 1).All(k => members[k - 1] < members[k]),
                $"{Relative(file)}: Initial, Decide, Evolve, IsTerminal out of order");
            var types = Regex.Matches(text, @"^public (?:readonly |sealed |abstract )*(?:record struct|record|struct|enum|class) (\w+)", RegexOptions.Multiline)
                .Where(m => !m.Groups[1].Value.EndsWith("Decider", StringComparison.Ordinal)).ToArray();
            Assert.True(types.Length > 0 && types.All(t => t.Index < decider), $"{Relative(file)}: the state, commands and events come before the decider");
        }
    }

    [Fact]
    public void Core_reaches_for_no_socket_clock_thread_file_or_console()
    {
        var outside = new Regex(@"using System\.(Net\.Sockets|Threading|IO)\b|\bConsole\.|DateTime\.(Utc)?Now|Stopwatch|"
            + @"TimeProvider|\bTask\b|new Thread\(|\bThread\.|\bSocket\b|Environment\.", RegexOptions.CultureInvariant);
        var reaching = SourcesUnder("Core")
            .SelectMany(f => File.ReadAllLines(f).Select((l, i) => (File: Relative(f), Line: i + 1, Text: l)))
            .Where(l => !l.Text.TrimStart().StartsWith("//", StringComparison.Ordinal) && outside.IsMatch(l.Text))
            .Select(l => $"{l.File}:{l.Line}: {l.Text.Trim()}").ToArray();
        Assert.True(reaching.Length == 0, string.Join(Environment.NewLine, reaching));
    }

    [Theory]
    [InlineData("Core")]
    [InlineData("Shell")]
    public void Nothing_locks_this(string folder)
    {
        var locking = SourcesUnder(folder).Where(f => File.ReadAllText(f).Contains("lock (this)", StringComparison.Ordinal)).Select(Relative).ToArray();
        Assert.Empty(locking);
    }
}
