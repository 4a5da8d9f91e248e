using System;
using System.Collections.Generic;
using System.Linq;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Wsk.Core;
using Wsk.Shell;
using Xunit;

namespace Wsk.Properties.Shell;

/// <summary>
/// The sharing table on real loopback sockets (rule SharingTable): every cell with an SD that allows, one that denies and
/// none, through WskBind (faithful and Rx) and WskSocketConnect, agrees with the pure table; a SUCCESS really holds the
/// port at the OS, and a refusal is the provider's (the second socket never reached the OS).
/// </summary>
public class SharingOnLoopbackProperties : IClassFixture<SharingRigFixture>
{
    private static readonly ShareOption[] Options = Enum.GetValues<ShareOption>();
    private readonly SharingRig _rig;

    public SharingOnLoopbackProperties(SharingRigFixture fixture) : this(fixture.Rig) { }

    /// <summary>The same properties on <paramref name="rig"/>.</summary>
    protected SharingOnLoopbackProperties(SharingRig rig) => _rig = rig;

    /// <summary>All 36 cells × 3 SD cases.</summary>
    public static IEnumerable<(ShareOption, bool, ShareOption, bool, SdCase)> AllCells() =>
        from second in Options
        from secondW in new[] { true, false }
        from first in Options
        from firstW in new[] { true, false }
        from sd in Enum.GetValues<SdCase>()
        select (second, secondW, first, firstW, sd);

    private Gen<bool> Family => _rig.HasIPv6 ? Gen.Elements(false, true) : Gen.Constant(false);

    private static Gen<SecondVia> ViaFor(ShareOption second) => second == ShareOption.None
        ? Gen.Elements(Enum.GetValues<SecondVia>())
        : Gen.Elements(SecondVia.ThreeStepFaithful, SecondVia.ThreeStepRx); // WskSocketConnect sets no option

    [Property(MaxTest = 4)]
    public Property Every_cell_and_SD_case_agrees_with_the_pure_table_on_loopback() =>
        Prop.ForAll(
            (from v6 in Family
             from vias in Gen.ArrayOf(Gen.Elements(Enum.GetValues<SecondVia>()), 108)
             select (v6, vias)).ToArbitrary(),
            input =>
            {
                var mismatches = new List<string>();
                var tally = new SortedDictionary<string, int>();
                int i = 0;
                foreach (var (second, secondW, first, firstW, sd) in AllCells())
                {
                    var via = second == ShareOption.None || input.vias[i] != SecondVia.SocketConnect ? input.vias[i] : SecondVia.ThreeStepFaithful;
                    i++;
                    var c = new SharingCase(second, secondW, first, firstW, sd, input.v6, via);
                    var (status, osBound, askedOs) = _rig.Run(c);
                    var expected = SharingRig.Expected(c);
                    bool ok = status == expected && (status == NtStatus.Success ? osBound && askedOs : !askedOs);
                    if (!ok) mismatches.Add($"{c}: got {status.Name} (OS bound {osBound}, asked {askedOs}), table says {expected.Name}");
                    var key = expected.Name!.Replace("STATUS_", "");
                    tally[key] = tally.TryGetValue(key, out var n) ? n + 1 : 1;
                }
                return (mismatches.Count == 0)
                    .Label(string.Join("\n", mismatches))
                    .Collect($"{(input.v6 ? "IPv6" : "IPv4")}: " + string.Join(", ", tally.Select(t => $"{t.Key} {t.Value}")));
            });

    [Property(MaxTest = 100)]
    public Property One_random_case_agrees_and_shows_its_path() =>
        Prop.ForAll(
            (from second in Gen.Elements(Options)
             from secondW in Gen.Elements(true, false)
             from first in Gen.Elements(Options)
             from firstW in Gen.Elements(true, false)
             from sd in Gen.Elements(Enum.GetValues<SdCase>())
             from v6 in Family
             from via in ViaFor(second)
             select new SharingCase(second, secondW, first, firstW, sd, v6, via)).ToArbitrary(),
            c =>
            {
                var (status, osBound, askedOs) = _rig.Run(c);
                var expected = SharingRig.Expected(c);
                bool ok = status == expected && (status == NtStatus.Success ? osBound && askedOs : !askedOs);
                return ok.Label($"{c}: got {status}, table says {expected}")
                    .Classify(true, $"{c.Verdict} ⇒ {expected.Name}")
                    .Classify(c.Verdict == ShareVerdict.Check, $"CHECK with SD {c.Sd}")
                    .Collect(c.Via);
            });
}

/// <summary>One rig (listeners, registration) for the whole class: the cases reuse it and close their own sockets.</summary>
public class SharingRigFixture : IDisposable
{
    public SharingRigFixture() : this(new OsTransport()) { }

    protected SharingRigFixture(ITransport transport) => Rig = new SharingRig(transport);

    public SharingRig Rig { get; }

    public void Dispose() => Rig.Dispose();
}
