using System;
using System.IO;
using System.Linq;
using Wsk.Core;
using Xunit;

namespace Wsk.Properties.Shell;

/// <summary>The README's sharing and socket-rule tables say what the code's tables say.</summary>
public sealed class ReadmeAgreesWithIssue5Tables
{
    private static readonly string[] Lines = File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "README.md"));

    private static string[] Cells(string line) => line.Split('|').Select(c => c.Trim()).ToArray();

    [Fact]
    public void The_sharing_table_matches_AddressSharing()
    {
        var names = new[] { "none W", "none S", "REUSE W", "REUSE S", "EXCL W", "EXCL S" };
        var header = Array.FindIndex(Lines, l => l.StartsWith("| 2nd \\ 1st |", StringComparison.Ordinal));
        Assert.True(header >= 0, "README has no sharing table");
        for (int row = 0; row < 6; row++)
        {
            var cells = Cells(Lines[header + 2 + row]);
            Assert.Equal(names[row], cells[1]);
            for (int col = 0; col < 6; col++)
            {
                var verdict = AddressSharing.Cell((ShareOption)(row / 2), row % 2 == 0, (ShareOption)(col / 2), col % 2 == 0);
                var word = verdict switch { ShareVerdict.Success => "SUCCESS", ShareVerdict.InUse => "INUSE", ShareVerdict.Denied => "DENIED", _ => "CHECK" };
                Assert.Equal(word, cells[2 + col]);
            }
        }
    }

    [Fact]
    public void The_socket_rules_table_matches_SocketRules()
    {
        foreach (var (rule, status, _) in SocketRules.Table)
        {
            var row = Lines.Select(Cells).FirstOrDefault(c => c.Length == 5 && c[2] == $"`SocketRule.{rule}`" && c[3] == $"`{status.Name}`"
                && c[1] == ((int)rule + 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
            Assert.True(row is not null, $"README has no socket-rule row {(int)rule + 1} `{rule}` `{status.Name}`");
        }
        Assert.Equal(SocketRules.Table.Count, Lines.Count(l => l.Contains("| `SocketRule.", StringComparison.Ordinal)));
    }
}
