namespace Wsk.Core;

/// <summary>
/// WskCaptureProviderNPI's wait (wsk-contract §7) as a pure function of a timeline, so the shell's timer-driven waits
/// can be checked against it in virtual time.
/// </summary>
public static class CaptureRules
{
    /// <summary>WSK_NO_WAIT.</summary>
    public const uint NoWait = 0;

    /// <summary>WSK_INFINITE_WAIT.</summary>
    public const uint InfiniteWait = 0xFFFF_FFFF;

    /// <summary>
    /// What a capture waiting <paramref name="waitMilliseconds"/> answers, and when (milliseconds after it began), given
    /// when the provider becomes ready and when WskDeregister begins (null: not within the wait; 0: already so).
    /// A ready provider is captured at once; deregistration (begun or beginning) answers STATUS_DEVICE_NOT_READY; a wait
    /// that runs out answers STATUS_DEVICE_NOT_READY. At one instant, a timer due then fires before anything else happens.
    /// </summary>
    /// <returns>The status and the time it is answered; the time is null for a wait that never ends.</returns>
    public static (NtStatus Status, long? At) Outcome(uint waitMilliseconds, long? readyAt, long? deregisterAt)
    {
        if (deregisterAt == 0) return (NtStatus.DeviceNotReady, 0);
        if (readyAt == 0) return (NtStatus.Success, 0);
        if (waitMilliseconds == NoWait) return (NtStatus.DeviceNotReady, 0);
        long? deadline = waitMilliseconds == InfiniteWait ? null : waitMilliseconds;
        long? first = Min(Min(readyAt, deregisterAt), deadline);
        if (first is null) return (NtStatus.DeviceNotReady, null);
        if (deadline is { } d && d <= first) return (NtStatus.DeviceNotReady, d);
        return deregisterAt == first ? (NtStatus.DeviceNotReady, first) : (NtStatus.Success, first);
    }

    private static long? Min(long? a, long? b) => a is null ? b : b is null ? a : System.Math.Min(a.Value, b.Value);
}
