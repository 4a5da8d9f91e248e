using System;
using System.Collections.Generic;
using System.Threading;
using Wsk.Core;

namespace Wsk.Shell;

/// <summary>
/// The ADDRINFOEXW list a successful WskGetAddressInfo hands the caller: the caller's until it gives it back with
/// <see cref="WskProviderDispatch.WskFreeAddressInfo"/>, exactly once. Only the provider makes one.
/// </summary>
public sealed class WskAddressInfo
{
    private int _freed;

    internal WskAddressInfo(WskRegistration registration, IReadOnlyList<AddressInfoEntry> entries)
    {
        Registration = registration;
        Entries = entries;
    }

    /// <summary>The entries, in the order the list links them (IPv6 answers before IPv4 ones for AF_UNSPEC).</summary>
    public IReadOnlyList<AddressInfoEntry> Entries { get; }

    /// <summary>True once the list was given back with WskFreeAddressInfo.</summary>
    public bool IsFreed => Volatile.Read(ref _freed) != 0;

    internal WskRegistration Registration { get; }

    /// <summary>Marks the list freed; false when it was freed already.</summary>
    internal bool TryFree() => Interlocked.Exchange(ref _freed, 1) == 0;

    /// <inheritdoc/>
    public override string ToString() =>
        $"{nameof(WskAddressInfo)} ({Entries.Count} entries{(IsFreed ? ", freed" : "")})";
}

/// <summary>
/// The PADDRINFOEXW *Result out-parameter of WskGetAddressInfo: the provider stores the list here before the IRP
/// completes with STATUS_SUCCESS (IoStatus.Information stays 0, as on Windows).
/// </summary>
public sealed class AddressInfoResult
{
    /// <summary>The list, once a call completed successfully; null before and after a failure.</summary>
    public WskAddressInfo? Value { get; internal set; }
}

/// <summary>
/// A caller's UNICODE_STRING buffer for WskGetNameInfo: its capacity in characters, and the text the provider wrote.
/// </summary>
public sealed class NameBuffer
{
    /// <summary>A buffer of <paramref name="capacity"/> characters.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A negative capacity.</exception>
    public NameBuffer(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(capacity);
        Capacity = capacity;
    }

    /// <summary>MaximumLength, in characters.</summary>
    public int Capacity { get; }

    /// <summary>The text written by a successful call; null otherwise.</summary>
    public string? Value { get; internal set; }
}
