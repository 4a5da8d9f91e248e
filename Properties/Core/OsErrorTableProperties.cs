using System;
using System.Linq;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Wsk.Core;

namespace Wsk.Properties.Core;

/// <summary>OS error → NTSTATUS (rule ConnectFailuresFromOs).</summary>
public class OsErrorTableProperties
{
    /// <summary>The mappings the contract names for connect failures, written here rather than read from the table.</summary>
    private static readonly (OsError Error, NtStatus Status)[] Required =
    {
        (OsError.ConnectionRefused, NtStatus.FromUInt32(0xC0000236)),   // STATUS_CONNECTION_REFUSED
        (OsError.TimedOut, NtStatus.FromUInt32(0xC00000B5)),            // STATUS_IO_TIMEOUT
        (OsError.NetworkUnreachable, NtStatus.FromUInt32(0xC000023C)),  // STATUS_NETWORK_UNREACHABLE
        (OsError.HostUnreachable, NtStatus.FromUInt32(0xC000023D)),     // STATUS_HOST_UNREACHABLE
        (OsError.AddressAlreadyInUse, NtStatus.FromUInt32(0xC000020A)), // STATUS_ADDRESS_ALREADY_EXISTS
        (OsError.AddressNotAvailable, NtStatus.FromUInt32(0xC0000207)), // STATUS_INVALID_ADDRESS_COMPONENT
        (OsError.OperationAborted, NtStatus.FromUInt32(0xC0000120)),    // STATUS_CANCELLED
        (OsError.ConnectionAborted, NtStatus.FromUInt32(0xC0000120)),   // STATUS_CANCELLED
        (OsError.Success, NtStatus.FromUInt32(0x00000000)),             // STATUS_SUCCESS
    };

    /// <summary>Winsock numbers as .NET's SocketError has them: the enum must not drift from them (a shell converts by a cast).</summary>
    private static readonly (OsError Error, int Winsock)[] WinsockNumbers =
    {
        (OsError.Success, 0), (OsError.OperationAborted, 995), (OsError.AccessDenied, 10013), (OsError.InvalidArgument, 10022),
        (OsError.AddressFamilyNotSupported, 10047), (OsError.AddressAlreadyInUse, 10048), (OsError.AddressNotAvailable, 10049),
        (OsError.NetworkDown, 10050), (OsError.NetworkUnreachable, 10051), (OsError.ConnectionAborted, 10053),
        (OsError.ConnectionReset, 10054), (OsError.NoBufferSpaceAvailable, 10055), (OsError.IsConnected, 10056),
        (OsError.NotConnected, 10057), (OsError.TimedOut, 10060), (OsError.ConnectionRefused, 10061),
        (OsError.HostDown, 10064), (OsError.HostUnreachable, 10065),
    };

    [Property(MaxTest = 300)]
    public Property EveryErrorMapsToItsTableRow() =>
        Prop.ForAll(Gen.Elements(Enum.GetValues<OsError>()).ToArbitrary(), error =>
        {
            var rows = OsErrorTable.Rows.Where(r => r.Error == error).ToArray();
            var status = OsErrorTable.ToNtStatus(error);
            return (rows.Length == 1).Label($"{error} has {rows.Length} rows")
                .And(() => status == rows[0].Status)
                .And((status.IsSuccess == (error == OsError.Success)).Label($"{error} ⇒ {status}: only Success maps to an NT_SUCCESS status"))
                .And((!status.IsPending).Label("never PENDING"))
                .And(((int)error == WinsockNumbers.Single(w => w.Error == error).Winsock).Label("Winsock number"))
                .Collect($"{error} ⇒ {status.Name}");
        });

    [Property(MaxTest = 500)]
    public Property UnknownErrorsAreUnsuccessful() =>
        Prop.ForAll(Gen.Frequency(
                (3, CoreGen.AnyInt32),
                (3, Gen.Choose(10000, 10110)),
                (1, Gen.Elements(-1, 1, 994, 996, 10052, 10058, 10059, 10062, 10063, 11001, 995 + 1)))
            .Where(v => !Enum.IsDefined((OsError)v)).ToArbitrary(), value =>
        {
            var status = OsErrorTable.ToNtStatus((OsError)value);
            return (status == NtStatus.Unsuccessful).Label($"{value} ⇒ {status}")
                .Classify(value is >= 10000 and <= 10110, "near the Winsock range")
                .Classify(value < 0, "negative");
        });

    [Property(MaxTest = 100)]
    public Property RequiredMappingsHold() =>
        Prop.ForAll(Gen.Elements(Required).ToArbitrary(), req =>
        {
            var status = OsErrorTable.ToNtStatus(req.Error);
            return (status == req.Status).Label($"{req.Error} ⇒ {status}, required {req.Status}")
                .Collect(req.Error);
        });

    [Property(MaxTest = 1)]
    public Property TableCoversTheEnumOnce() =>
        Prop.ForAll(Gen.Constant(0).ToArbitrary(), _ =>
            (OsErrorTable.Rows.Select(r => r.Error).OrderBy(e => e).SequenceEqual(Enum.GetValues<OsError>().OrderBy(e => e)))
            .Label("one row per OsError value, no extra rows")
            .And(OsErrorTable.Rows.All(r => r.Status.Name is not null).Label("every mapped status is a named constant")));
}
