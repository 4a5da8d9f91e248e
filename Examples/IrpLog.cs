using System;
using System.Globalization;
using System.Threading;
using Wsk.Core;
using Wsk.Shell;

namespace Wsk.Examples;

/// <summary>
/// One line per event, with the actor in a fixed-width first column so an IRP's life reads down the page even when
/// several IRPs interleave. Invariant culture everywhere: the output is meant to be compared, not localised.
/// </summary>
internal static class IrpLog
{
    private static int s_nextIrp;

    /// <summary>A number for the next IRP, so its lines can be told apart from its neighbours'.</summary>
    public static int NextIrp() => Interlocked.Increment(ref s_nextIrp);

    /// <summary>A line from <paramref name="actor"/> (provider, listener, irp N, note).</summary>
    public static void Line(string actor, string text) => Console.WriteLine($"{actor,-9} {text}");

    public static void Submitted(int irp, ConnectRequest request, string purpose) =>
        Event(irp, "submitted", $"WskSocketConnect {Describe(request)}  ({purpose})");

    public static void Returned(int irp, NtStatus returned) =>
        Event(irp, "returned", returned.IsPending
            ? $"{returned}  the IRP completes later"
            : $"{returned}  the IRP was already completed inside the call");

    public static void Completed(int irp, ConnectCompletion completion, double microseconds, NtStatus expected)
    {
        string what = completion.Socket is { } socket
            ? $"local {socket.LocalAddress?.ToString() ?? "?"}  remote {socket.RemoteAddress?.ToString() ?? "?"}"
            : completion.Violations.Count > 0
                ? $"no socket; violations: {string.Join("; ", completion.Violations)}"
                : "no socket";
        string verdict = completion.Status == expected ? "as expected" : $"UNEXPECTED, wanted {expected.Name ?? expected.ToString()}";
        Event(irp, "completed", string.Create(CultureInfo.InvariantCulture,
            $"{completion.Status}  {what}  after {Duration(microseconds)}  {verdict}"));
    }

    public static void Closed(int irp, NtStatus status, WskRegistration registration) =>
        Event(irp, "closed", $"WskCloseSocket → {status}  open sockets {registration.OpenSockets}");

    /// <summary>As <see cref="Closed(int, NtStatus, WskRegistration)"/>, saying how the connection was released.</summary>
    public static void Closed(int irp, NtStatus status, WskRegistration registration, string how) =>
        Event(irp, "closed", $"WskCloseSocket → {status}  {how}  open sockets {registration.OpenSockets}");

    /// <summary>A socket call other than the connect: <paramref name="call"/> says what was asked.</summary>
    public static void Submitted(int irp, string call) => Event(irp, "submitted", call);

    /// <summary>How a send, receive or disconnect ended (no byte count for a disconnect); <paramref name="detail"/> adds to it.</summary>
    public static void Completed(int irp, NtStatus status, long? bytes, string? detail = null) =>
        Event(irp, "completed", string.Create(CultureInfo.InvariantCulture,
            $"{status}{(bytes is null ? "" : $"  {bytes} bytes")}{(detail is null ? "" : "  " + detail)}"));

    private static void Event(int irp, string what, string text) =>
        Line(string.Create(CultureInfo.InvariantCulture, $"irp {irp}"), $"{what,-9}  {text}");

    /// <summary>µs for the usual loopback connect, ms once a retry or a first-call JIT makes µs unreadable.</summary>
    private static string Duration(double microseconds) => microseconds < 10_000
        ? string.Create(CultureInfo.InvariantCulture, $"{microseconds:0} µs")
        : string.Create(CultureInfo.InvariantCulture, $"{microseconds / 1000:0.0} ms");

    private static string Describe(ConnectRequest r)
    {
        string flags = r.Flags == 0 ? "" : string.Create(CultureInfo.InvariantCulture, $" Flags=0x{r.Flags:X}");
        return $"{r.LocalAddress} → {r.RemoteAddress}{flags}";
    }
}
