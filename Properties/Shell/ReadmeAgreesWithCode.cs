using System;
using System.IO;
using System.Linq;
using Wsk.Core;
using Xunit;

namespace Wsk.Properties.Shell;

/// <summary>The README's tables are promises: each row must say what the code's tables say, and no row may be missing.</summary>
public sealed class ReadmeAgreesWithCode
{
    private static readonly string[] Lines = File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "README.md"));

    private static string[] Cells(string line) => line.Split('|').Select(c => c.Trim()).ToArray();

    [Fact]
    public void The_model_decisions_table_matches_ConnectRules()
    {
        var rows = Lines.Where(l => l.StartsWith("| ", StringComparison.Ordinal)
                                    && ConnectRules.Table.Rows.Any(t => l.Contains($"`{t.Rule}`", StringComparison.Ordinal)))
            .Select(Cells).Where(c => c.Length > 4 && int.TryParse(c[1], out _)).ToArray();
        Assert.Equal(ConnectRules.Table.Rows.Count, rows.Length);
        for (int i = 0; i < rows.Length; i++)
        {
            var (rule, status, _) = ConnectRules.Table.Rows[i];
            Assert.Equal((i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), rows[i][1]);
            Assert.Equal($"`{rule}`", rows[i][2]);
            Assert.Equal($"`{status.Name}`", rows[i][3]);
            Assert.Equal((int)rule, i); // precedence is the enum order
        }
    }

    [Fact]
    public void The_OS_error_table_matches_OsErrorTable()
    {
        foreach (var (error, status) in OsErrorTable.Rows)
        {
            var row = Lines.Select(Cells).SingleOrDefault(c => c.Length > 3 && c[1].StartsWith($"`{error}`", StringComparison.Ordinal));
            Assert.True(row is not null, $"README has no row for {error}");
            Assert.Equal($"`{status.Name}`", row![2]);
        }
        Assert.Contains(Lines, l => l.Contains("| anything else | `STATUS_UNSUCCESSFUL` |", StringComparison.Ordinal));
        Assert.Equal(NtStatus.Unsuccessful, OsErrorTable.ToNtStatus((OsError)(-12345)));
    }

    [Fact]
    public void The_calling_contract_table_names_real_rules()
    {
        var named = Lines.Select(Cells).Where(c => c.Length > 3 && c[1].StartsWith('`') && Enum.TryParse<CallingRule>(c[1].Trim('`'), out _))
            .Select(c => Enum.Parse<CallingRule>(c[1].Trim('`'))).ToHashSet();
        foreach (var rule in new[] { CallingRule.IrqlAboveDispatch, CallingRule.IrpMissing, CallingRule.IrpInUse,
                                     CallingRule.ClientReleased, CallingRule.SocketClosed })
            Assert.Contains(rule, named);
    }

    [Fact]
    public void The_calling_contract_decisions_table_matches_CallingContract()
    {
        var rows = Lines.Select(Cells)
            .Where(c => c.Length > 4 && int.TryParse(c[1], out _) && c[2].StartsWith('`') && Enum.TryParse<CallingRule>(c[2].Trim('`'), out _))
            .ToArray();
        var rules = rows.Select(c => Enum.Parse<CallingRule>(c[2].Trim('`'))).ToArray();
        Assert.Equal(new[] { CallingRule.IrqlAboveDispatch, CallingRule.SocketClosed, CallingRule.IrpMissing, CallingRule.IrpInUse, CallingRule.ClientReleased }
            .OrderBy(r => r), rules.OrderBy(r => r));
        for (int i = 0; i < rows.Length; i++)
        {
            Assert.Equal((i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), rows[i][1]);
            Assert.Equal(rules[i], CallingContract.Check(Breaking(rules[i])));
            if (CallingContract.ReturnedStatus(rules[i]) is { } status)
                Assert.Equal($"`{status.Name}`", rows[i][3]);
            else
                Assert.StartsWith("(bug check", rows[i][3], StringComparison.Ordinal);
            Assert.Equal(CallingContract.ReturnedStatus(rules[i]) is null ? CallingOutcome.BugCheck : CallingOutcome.Returned,
                CallingContract.OutcomeOf(rules[i]));
            // Precedence: with every later rule broken too, this one still decides (a missing IRP cannot also be in use).
            for (int j = i + 1; j < rows.Length; j++)
            {
                if ((rules[i], rules[j]) is (CallingRule.IrpMissing, CallingRule.IrpInUse) or (CallingRule.IrpInUse, CallingRule.IrpMissing)) continue;
                Assert.Equal(rules[i], CallingContract.Check(Breaking(rules[i], rules[j])));
            }
        }
    }

    private static CallFacts Breaking(params CallingRule[] rules) => new(
        Irql: rules.Contains(CallingRule.IrqlAboveDispatch) ? Irql.HighLevel : Irql.PassiveLevel,
        IrpRequired: true,
        HasIrp: !rules.Contains(CallingRule.IrpMissing),
        IrpIdle: !rules.Contains(CallingRule.IrpInUse),
        ClientLive: !rules.Contains(CallingRule.ClientReleased),
        SocketOpen: !rules.Contains(CallingRule.SocketClosed));

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
        foreach (var (rule, status, _) in SocketRules.Table.Rows)
        {
            var row = Lines.Select(Cells).FirstOrDefault(c => c.Length == 5 && c[2] == $"`SocketRule.{rule}`" && c[3] == $"`{status.Name}`"
                && c[1] == ((int)rule + 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
            Assert.True(row is not null, $"README has no socket-rule row {(int)rule + 1} `{rule}` `{status.Name}`");
        }
        Assert.Equal(SocketRules.Table.Rows.Count, Lines.Count(l => l.Contains("| `SocketRule.", StringComparison.Ordinal)));
    }
}
