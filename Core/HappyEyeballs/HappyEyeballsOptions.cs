using System;

namespace Wsk.Core;

/// <summary>
/// The timings and the order of a Happy Eyeballs connect (RFC 8305): the resolution delay waited for the AAAA answer
/// after the A answer came first (50 ms), the connection attempt delay between attempts (250 ms; 10 ms to 2 s), the
/// family tried first (IPv6) and how many of its addresses go first before the families alternate (1).
/// </summary>
public sealed record HappyEyeballsOptions
{
    /// <summary>The least attempt delay RFC 8305 allows.</summary>
    public static readonly TimeSpan MinimumAttemptDelay = TimeSpan.FromMilliseconds(10);

    /// <summary>The greatest attempt delay RFC 8305 allows.</summary>
    public static readonly TimeSpan MaximumAttemptDelay = TimeSpan.FromSeconds(2);

    /// <summary>RFC 8305's recommendations.</summary>
    public static readonly HappyEyeballsOptions Default = new();

    private readonly TimeSpan _attemptDelay = TimeSpan.FromMilliseconds(250);
    private readonly TimeSpan _resolutionDelay = TimeSpan.FromMilliseconds(50);
    private readonly ushort _preferredFamily = AddressFamilies.Inet6;
    private readonly int _firstFamilyCount = 1;

    /// <summary>How long to wait for AAAA once A has answered first (rule EyeballsResolutionDelay).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Negative.</exception>
    public TimeSpan ResolutionDelay
    {
        get => _resolutionDelay;
        init => _resolutionDelay = value >= TimeSpan.Zero ? value
            : throw new ArgumentOutOfRangeException(nameof(ResolutionDelay), value, "a delay is not negative");
    }

    /// <summary>How long an attempt runs alone before the next starts (rule EyeballsAttemptDelay).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Outside 10 ms to 2 s.</exception>
    public TimeSpan AttemptDelay
    {
        get => _attemptDelay;
        init => _attemptDelay = value >= MinimumAttemptDelay && value <= MaximumAttemptDelay ? value
            : throw new ArgumentOutOfRangeException(nameof(AttemptDelay), value,
                "RFC 8305 keeps the connection attempt delay between 10 ms and 2 s");
    }

    /// <summary>The family tried first: AF_INET6 (23) or AF_INET (2).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Another family.</exception>
    public ushort PreferredFamily
    {
        get => _preferredFamily;
        init => _preferredFamily = value is AddressFamilies.Inet6 or AddressFamilies.Inet ? value
            : throw new ArgumentOutOfRangeException(nameof(PreferredFamily), value, "AF_INET6 (23) or AF_INET (2)");
    }

    /// <summary>How many addresses of the preferred family go first before the families alternate.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Less than 1.</exception>
    public int FirstFamilyCount
    {
        get => _firstFamilyCount;
        init => _firstFamilyCount = value >= 1 ? value
            : throw new ArgumentOutOfRangeException(nameof(FirstFamilyCount), value, "at least 1");
    }
}
