using System.Collections.Generic;

namespace Wsk.Shell;

/// <summary>
/// What a bounded WskDeregister found (<see cref="WskRegistration.DeregisterAsync(System.TimeSpan,
/// System.Threading.CancellationToken)"/>): finished, or what still holds it up (rule DeregisterWaitsForReleases).
/// </summary>
/// <param name="IsDeregistered">True when deregistration finished within the limit.</param>
/// <param name="OpenSockets">Sockets of the registration not yet closed.</param>
/// <param name="CapturedClients">Captures of the provider NPI not yet released.</param>
/// <param name="PendingCalls">Provider calls whose IRP is still pending.</param>
/// <param name="UnreleasedClients">The clients of those captures, by id.</param>
public sealed record DeregisterResult(bool IsDeregistered, int OpenSockets, int CapturedClients, int PendingCalls,
    IReadOnlyList<WskClient> UnreleasedClients)
{
    /// <summary>"deregistered", or what is still open: "still open: 1 socket, 0 captures, 0 pending calls".</summary>
    public override string ToString() => IsDeregistered
        ? "deregistered"
        : $"still open: {OpenSockets} socket{Plural(OpenSockets)}, " +
          $"{CapturedClients} capture{Plural(CapturedClients)}, {PendingCalls} pending call{Plural(PendingCalls)}";

    private static string Plural(int n) => n == 1 ? "" : "s";
}
