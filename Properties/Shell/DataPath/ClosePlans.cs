using FsCheck;
using FsCheck.Fluent;
using Wsk.Core;

namespace Wsk.Properties.Shell.DataPath;

/// <summary>
/// What "close with N pending IRPs" closes over, shared by every transport's run of that property: receives and sends
/// left pending, maybe a graceful disconnect waiting behind them, and which callbacks are on.
/// </summary>
public static class ClosePlans
{
    /// <summary>Up to six receives, up to <paramref name="maxSends"/> sends, a disconnect or not, and an event mask.</summary>
    public static Arbitrary<(int receives, int sends, bool disconnect, uint events)> Upto(int maxSends) =>
        (from receives in Gen.Choose(0, 6)
         from sends in Gen.Choose(0, maxSends)
         from disconnect in Gen.Elements(false, true)
         from events in Gen.Elements(0u, WskEvents.Disconnect, WskEvents.Receive | WskEvents.Disconnect)
         select (receives, sends, disconnect, events)).ToArbitrary();
}
