using System.Diagnostics;

namespace Wsk.Shell;

/// <summary>
/// The names a telemetry pipeline subscribes to: the <see cref="System.Diagnostics.Metrics.Meter"/> of every
/// <see cref="WskProvider"/> (one shared meter, or one from <see cref="WskProvider.MeterFactory"/>) and the
/// <see cref="System.Diagnostics.ActivitySource"/> of the connect spans. Nothing is measured or allocated for them
/// while nobody listens.
/// </summary>
public static class WskTelemetry
{
    /// <summary>The meter's name, "Wsk.Shell" (its version is the assembly's).</summary>
    public const string MeterName = "Wsk.Shell";

    /// <summary>The activity source's name, "Wsk.Shell".</summary>
    public const string ActivitySourceName = "Wsk.Shell";

    /// <summary>The operation name of the span of one connect, "Wsk.Shell.Connect".</summary>
    public const string ConnectActivityName = "Wsk.Shell.Connect";

    /// <summary>The version the meter and the activity source carry: the assembly's.</summary>
    internal static string? Version { get; } = typeof(WskTelemetry).Assembly.GetName().Version?.ToString();

    /// <summary>The connect spans' source (one per process, as the runtime's own sources are).</summary>
    internal static ActivitySource Source { get; } = new(ActivitySourceName, Version);
}
