using System;
using System.Globalization;
using System.Linq;
using System.Text.RegularExpressions;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Wsk.Core;

namespace Wsk.Properties.Core;

/// <summary>NTSTATUS arithmetic and printing (rules NtStatusLayout, PendingIsSuccess).</summary>
public class NtStatusProperties
{
    private static readonly Regex NamedFormat = new(@"^(STATUS_[A-Z_]+) \(0x([0-9A-F]{8})\)$", RegexOptions.CultureInvariant);
    private static readonly Regex UnnamedFormat = new(@"^0x([0-9A-F]{8})$", RegexOptions.CultureInvariant);

    /// <summary>
    /// The codes written independently from ntstatus.h (mingw-w64), not copied from the library: a typo in either shows up.
    /// </summary>
    private static readonly (string Name, uint Value)[] Header =
    {
        ("STATUS_SUCCESS", 0x00000000), ("STATUS_TIMEOUT", 0x00000102), ("STATUS_PENDING", 0x00000103),
        ("STATUS_EVENT_PENDING", 0x40000013), ("STATUS_BUFFER_OVERFLOW", 0x80000005), ("STATUS_UNSUCCESSFUL", 0xC0000001),
        ("STATUS_NOT_IMPLEMENTED", 0xC0000002), ("STATUS_INVALID_HANDLE", 0xC0000008), ("STATUS_INVALID_PARAMETER", 0xC000000D),
        ("STATUS_MORE_PROCESSING_REQUIRED", 0xC0000016), ("STATUS_ACCESS_DENIED", 0xC0000022),
        ("STATUS_SHARING_VIOLATION", 0xC0000043), ("STATUS_INSUFFICIENT_RESOURCES", 0xC000009A),
        ("STATUS_DEVICE_NOT_READY", 0xC00000A3), ("STATUS_IO_TIMEOUT", 0xC00000B5), ("STATUS_FILE_FORCED_CLOSED", 0xC00000B6),
        ("STATUS_NOT_SUPPORTED", 0xC00000BB), ("STATUS_NETWORK_BUSY", 0xC00000BF), ("STATUS_REQUEST_NOT_ACCEPTED", 0xC00000D0),
        ("STATUS_CANCELLED", 0xC0000120), ("STATUS_INVALID_CONNECTION", 0xC0000140), ("STATUS_INVALID_ADDRESS", 0xC0000141),
        ("STATUS_INVALID_DEVICE_STATE", 0xC0000184), ("STATUS_INVALID_ADDRESS_COMPONENT", 0xC0000207),
        ("STATUS_NOT_FOUND", 0xC0000225), ("STATUS_ADDRESS_ALREADY_EXISTS", 0xC000020A), ("STATUS_CONNECTION_DISCONNECTED", 0xC000020C),
        ("STATUS_CONNECTION_RESET", 0xC000020D), ("STATUS_DATA_NOT_ACCEPTED", 0xC000021B),
        ("STATUS_CONNECTION_REFUSED", 0xC0000236), ("STATUS_GRACEFUL_DISCONNECT", 0xC0000237),
        ("STATUS_ADDRESS_ALREADY_ASSOCIATED", 0xC0000238), ("STATUS_CONNECTION_ACTIVE", 0xC000023B),
        ("STATUS_NETWORK_UNREACHABLE", 0xC000023C), ("STATUS_HOST_UNREACHABLE", 0xC000023D),
        ("STATUS_PROTOCOL_UNREACHABLE", 0xC000023E), ("STATUS_PORT_UNREACHABLE", 0xC000023F),
        ("STATUS_CONNECTION_ABORTED", 0xC0000241), ("STATUS_NO_MATCH", 0xC0000272), ("STATUS_NOINTERFACE", 0xC00002B9),
        ("STATUS_HOST_DOWN", 0xC0000350),
    };

    private static string SeverityLabel(NtStatus s) => "severity " + s.Severity;

    [Property(MaxTest = 500)]
    public Property IsSuccessIffNonNegative() =>
        Prop.ForAll(CoreArb.AnyStatus(), s =>
            (s.IsSuccess == (s.Value >= 0)).Label($"IsSuccess {s.IsSuccess} for 0x{(uint)s.Value:X8}")
            .And((s.IsSuccess == (s.Severity is NtSeverity.Success or NtSeverity.Informational)).Label("NT_SUCCESS ⇔ severity 0 or 1"))
            .And((s.IsError == (s.Severity == NtSeverity.Error)).Label("IsError ⇔ severity 3"))
            .And((s.IsWarning == (s.Severity == NtSeverity.Warning)).Label("IsWarning ⇔ severity 2"))
            .And((s.IsInformation == (s.Severity == NtSeverity.Informational)).Label("IsInformation ⇔ severity 1"))
            .And((s.IsPending == (s.Value == 0x103)).Label("IsPending ⇔ 0x103"))
            .Classify(s.Severity == NtSeverity.Success, "severity success")
            .Classify(s.Severity == NtSeverity.Informational, "severity informational")
            .Classify(s.Severity == NtSeverity.Warning, "severity warning")
            .Classify(s.Severity == NtSeverity.Error, "severity error")
            .Classify(s.IsPending, "STATUS_PENDING"));

    [Property(MaxTest = 500)]
    public Property FieldsRecomposeTheValue() =>
        Prop.ForAll(CoreArb.AnyStatus(), s =>
        {
            const uint reservedBit = 0x1000_0000; // the 'N' bit, between the customer bit and the facility
            uint value = (uint)s.Value;
            uint recomposed = ((uint)s.Severity << 30) | (s.IsCustomer ? 1u << 29 : 0) | (value & reservedBit)
                              | ((uint)s.Facility << 16) | (uint)s.Code;
            return (recomposed == value).Label($"recomposed 0x{recomposed:X8} from 0x{value:X8}")
                .And((s.Facility is >= 0 and <= 0xFFF).Label("facility is 12 bits"))
                .And((s.Code is >= 0 and <= 0xFFFF).Label("code is 16 bits"))
                .And(((int)s.Severity is >= 0 and <= 3).Label("severity is 2 bits"))
                .And((NtStatus.FromUInt32(value) == s).Label("FromUInt32 round trip"))
                .Classify(s.IsCustomer, "customer bit")
                .Classify((value & reservedBit) != 0, "reserved bit")
                .Classify(s.Facility != 0, "non-zero facility")
                .Collect(SeverityLabel(s));
        });

    [Property]
    public Property PendingIsSuccessAndPending() =>
        Prop.ForAll(CoreArb.AnyStatus(), other =>
            (NtStatus.Pending.IsSuccess && NtStatus.Pending.IsPending && NtStatus.Pending.Value == 0x103).Label("PENDING is NT_SUCCESS and pending")
            .And((NtStatus.Timeout.IsSuccess && !NtStatus.Timeout.IsPending).Label("TIMEOUT is NT_SUCCESS, not pending"))
            .And((other.IsPending == (other == NtStatus.Pending)).Label("only PENDING is pending"))
            .And((!other.IsPending || other.IsSuccess).Label("pending ⇒ NT_SUCCESS"))
            .Classify(other.IsPending, "pending")
            .Classify(other.IsSuccess && !other.IsPending, "NT_SUCCESS, not pending"));

    [Property(MaxTest = 300)]
    public Property EveryNamedConstantPrintsNameAndHex() =>
        Prop.ForAll(Gen.Elements(NtStatusNames.All.ToArray()).ToArbitrary(), named =>
        {
            var text = named.Status.ToString();
            var m = NamedFormat.Match(text);
            return m.Success.Label($"'{text}' has the form NAME (0xXXXXXXXX)")
                .And(() => m.Groups[1].Value == named.Name)
                .And(() => uint.Parse(m.Groups[2].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture) == (uint)named.Status.Value)
                .And((named.Status.Name == named.Name).Label("Name"))
                .And((NtStatusNames.TryGet(named.Status) == named.Name).Label("TryGet"))
                .Collect(named.Status.Severity);
        });

    [Property(MaxTest = 500)]
    public Property EveryStatusPrintsItsHexAndNameWhenNamed() =>
        Prop.ForAll(CoreArb.AnyStatus(), s =>
        {
            var text = s.ToString();
            var named = NtStatusNames.All.Where(n => n.Status == s).Select(n => n.Name).ToArray();
            var hex = "0x" + ((uint)s.Value).ToString("X8", CultureInfo.InvariantCulture);
            var expected = named.Length == 1 ? $"{named[0]} ({hex})" : hex;
            return (named.Length <= 1).Label("a value has at most one name")
                .And((text == expected).Label($"'{text}' expected '{expected}'"))
                .And((named.Length == 1 ? NamedFormat.IsMatch(text) : UnnamedFormat.IsMatch(text)).Label("format"))
                .Classify(named.Length == 1, "named")
                .Classify(named.Length == 0, "unnamed");
        });

    [Property(MaxTest = 200)]
    public Property KnownValuesMatchTheHeader() =>
        Prop.ForAll(Gen.Elements(Header).ToArbitrary(), h =>
        {
            var lib = NtStatusNames.All.Where(n => n.Name == h.Name).ToArray();
            return (lib.Length == 1).Label($"{h.Name} is named exactly once by the library")
                .And(() => (uint)lib[0].Status.Value == h.Value)
                .And(() => lib[0].Status.ToString() == $"{h.Name} (0x{h.Value:X8})")
                .Collect(h.Name);
        });

    [Property(MaxTest = 1)]
    public Property NamesAndValuesAreUniqueAndMatchTheHeaderTable() =>
        Prop.ForAll(Gen.Constant(0).ToArbitrary(), _ =>
            (NtStatusNames.All.Select(n => n.Name).Distinct().Count() == NtStatusNames.All.Count).Label("names unique")
            .And((NtStatusNames.All.Select(n => n.Status.Value).Distinct().Count() == NtStatusNames.All.Count).Label("values unique"))
            .And(NtStatusNames.All.Select(n => (n.Name, (uint)n.Status.Value)).OrderBy(x => x.Name, StringComparer.Ordinal)
                .SequenceEqual(Header.OrderBy(x => x.Name, StringComparer.Ordinal)).Label("library table = header table"))
            .And((NtStatus.ConnectionRefused.Value == unchecked((int)0xC0000236)).Label("CONNECTION_REFUSED value"))
            .And((NtStatus.ConnectionRefused.ToString() == "STATUS_CONNECTION_REFUSED (0xC0000236)").Label("CONNECTION_REFUSED text"))
            .And((NtStatus.Pending.ToString() == "STATUS_PENDING (0x00000103)").Label("PENDING text"))
            .And((new NtStatus(unchecked((int)0xC0DE0001)).ToString() == "0xC0DE0001").Label("unnamed text")));
}
