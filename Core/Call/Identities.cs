namespace Wsk.Core;

/// <summary>IRQL of a caller. Only the ordering matters to the model: WSK calls require ≤ DISPATCH_LEVEL.</summary>
public enum Irql : byte
{
    /// <summary>PASSIVE_LEVEL (0): threads, waiting allowed.</summary>
    PassiveLevel = 0,
    /// <summary>APC_LEVEL (1).</summary>
    ApcLevel = 1,
    /// <summary>DISPATCH_LEVEL (2): the highest level a WSK call accepts.</summary>
    DispatchLevel = 2,
    /// <summary>A device IRQL, above DISPATCH_LEVEL: calling WSK here is a contract violation.</summary>
    DeviceLevel = 5,
    /// <summary>HIGH_LEVEL (15 on x64).</summary>
    HighLevel = 15,
}

/// <summary>Identifies a process (the PEPROCESS analogue) for address-sharing checks.</summary>
/// <param name="Value">An opaque number; equality is identity.</param>
public readonly record struct ProcessId(int Value);

/// <summary>Identifies a thread (the PETHREAD analogue) whose security context a bind may use.</summary>
/// <param name="Value">An opaque number; equality is identity.</param>
public readonly record struct ThreadId(int Value);

/// <summary>Identifies one captured WSK_CLIENT (one successful WskCaptureProviderNPI).</summary>
/// <param name="Value">An opaque number unique within the process.</param>
public readonly record struct ClientId(long Value);

/// <summary>A handle to a security descriptor cached by a client through WSK_CACHE_SD.</summary>
/// <param name="Value">An opaque number unique within the process; 0 is never issued.</param>
public readonly record struct SecurityDescriptorHandle(long Value);

/// <summary>
/// The small security-descriptor model: who owns the address, and which other processes may share it.
/// Sharing decisions themselves belong to the address-sharing table (issue 5); here the descriptor is carried and checked
/// for being a live cached copy (wsk-contract §0.13).
/// </summary>
/// <param name="Owner">The owning process.</param>
/// <param name="MayShare">Processes allowed to bind the same address.</param>
public sealed record SecurityDescriptor(ProcessId Owner, System.Collections.Generic.IReadOnlyList<ProcessId> MayShare);
