using System;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Wsk.Core;
using Wsk.Shell;

namespace Wsk.Examples;

/// <summary>
/// A connect by name (<see cref="WskHappyEyeballs"/>): each lookup's and each attempt's life printed, one line per
/// step, with the milliseconds since the connect began; then which address won, or every attempt's status.
/// </summary>
internal static class NameConnect
{
    /// <summary>
    /// The resolver for a name on the command line: the table that maps <c>localhost</c> to both ::1 and 127.0.0.1
    /// (the hosts file often maps it to one only), the OS resolver for any other name.
    /// </summary>
    public static IWskResolver ResolverFor(string host) =>
        string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase) ? TableResolver.Loopback : OsResolver.Shared;

    /// <summary>Connects <paramref name="session"/>'s client to <paramref name="host"/>:<paramref name="port"/>, printing every step.</summary>
    public static async Task<EyeballsCompletion> ConnectAsync(WskSession session, string host, int port, CancellationToken cancellationToken)
    {
        IrpLog.Line("eyeballs", string.Create(CultureInfo.InvariantCulture,
            $"connect to {host}:{port}: AAAA and A lookups (WskGetAddressInfo), then WskSocketConnect attempts raced as RFC 8305 says"));
        var clock = Stopwatch.StartNew();
        var completion = await session.Npi.ConnectAsync(host, port, onStep: step => Print(clock.Elapsed, step.Event),
            cancellationToken: cancellationToken).ConfigureAwait(false);
        Report(completion, clock.Elapsed);
        return completion;
    }

    /// <summary>WskCloseSocket of the winner, printed as the other closes are.</summary>
    public static async Task CloseAsync(WskConnectedSocket socket, WskRegistration registration, string how)
    {
        var irp = new Irp();
        if (socket.WskCloseSocket(irp).IsPending) await irp.WaitAsync().ConfigureAwait(false);
        IrpLog.Line("eyeballs", $"WskCloseSocket → {irp.IoStatus.Status}  {how}  open sockets {registration.OpenSockets}");
    }

    /// <summary>One line for <paramref name="e"/>, at <paramref name="elapsed"/> since the connect began.</summary>
    public static void Print(TimeSpan elapsed, EyeballsEvent e)
    {
        string at = string.Create(CultureInfo.InvariantCulture, $"{elapsed.TotalMilliseconds,7:0.0} ms");
        string family = e.Family == AddressFamilies.Inet6 ? "AAAA" : "A";
        string attempt = string.Create(CultureInfo.InvariantCulture, $"attempt {e.Id}");
        switch (e.Kind)
        {
            case EyeballsEventKind.LookupStarted: IrpLog.Line("lookup", $"{at}  {family} started"); break;
            case EyeballsEventKind.LookupRecorded:
                IrpLog.Line("lookup", $"{at}  {family} answered {e.Status}  {Addresses(e)}");
                break;
            case EyeballsEventKind.LookupCancelled: IrpLog.Line("lookup", $"{at}  {family} cancelled"); break;
            case EyeballsEventKind.ResolutionDelayStarted: IrpLog.Line("eyeballs", $"{at}  resolution delay: waiting for AAAA"); break;
            case EyeballsEventKind.AttemptStarted: IrpLog.Line(attempt, $"{at}  WskSocketConnect → {e.Address}"); break;
            case EyeballsEventKind.AttemptDelayStarted: IrpLog.Line("eyeballs", $"{at}  attempt delay armed"); break;
            case EyeballsEventKind.AttemptDelayRanOut: IrpLog.Line("eyeballs", $"{at}  attempt delay ran out: next address"); break;
            case EyeballsEventKind.AttemptEnded: IrpLog.Line(attempt, $"{at}  ended {e.Status}"); break;
            case EyeballsEventKind.AttemptCancelled: IrpLog.Line(attempt, $"{at}  IoCancelIrp: another attempt won or all stop"); break;
            case EyeballsEventKind.LoserClosed: IrpLog.Line(attempt, $"{at}  connected too late: WskCloseSocket"); break;
            case EyeballsEventKind.Won: IrpLog.Line(attempt, $"{at}  won"); break;
            case EyeballsEventKind.Failed: IrpLog.Line("eyeballs", $"{at}  failed {e.Status}"); break;
            case EyeballsEventKind.Cancelled: IrpLog.Line("eyeballs", $"{at}  cancelled by the caller"); break;
            default: IrpLog.Line("eyeballs", $"{at}  {e.Kind}"); break;
        }
    }

    private static string Addresses(EyeballsEvent e) =>
        e.Addresses.IsDefaultOrEmpty ? "no address" : string.Join(", ", e.Addresses.Select(a => a.ToString()));

    private static void Report(EyeballsCompletion completion, TimeSpan elapsed)
    {
        string after = string.Create(CultureInfo.InvariantCulture, $"after {elapsed.TotalMilliseconds:0.0} ms");
        string attempts = string.Join("; ", completion.Attempts.Select(a => $"{a.Address} {a.Status}"));
        if (completion.IsSuccess)
            IrpLog.Line("eyeballs", string.Create(CultureInfo.InvariantCulture,
                $"{completion.Address} won {after}, {completion.Attempts.Count} attempt(s) started; " +
                $"local {completion.Socket.LocalAddress?.ToString() ?? "?"}"));
        else
            IrpLog.Line("eyeballs", $"failed with {completion.Status} {after}; attempts: {(attempts.Length == 0 ? "none" : attempts)}");
    }
}
