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
/// Whose security context a bind runs under: the OwningThread's impersonation token when a
/// thread is given, else the OwningProcess, which is the calling process when the caller passed NULL.
/// </summary>
/// <param name="Process">The owning process (already resolved: never "NULL").</param>
/// <param name="Thread">The owning thread, or null.</param>
public readonly record struct SecurityContext(ProcessId Process, ThreadId? Thread = null);

/// <summary>
/// The small security-descriptor model: who owns the address, and who else may share it (the DACL, reduced to two
/// lists). Immutable: caching one (WSK_CACHE_SD) or giving one to a socket keeps this value, so a later release of the
/// handle does not change what an address already bound was shared with.
/// </summary>
/// <param name="Owner">The owning process; it may always share its own address.</param>
/// <param name="MayShare">Other processes allowed to bind the same address.</param>
/// <param name="ThreadsMayShare">Threads whose impersonation token is allowed (null: none).</param>
public sealed record SecurityDescriptor(
    ProcessId Owner,
    System.Collections.Generic.IReadOnlyList<ProcessId> MayShare,
    System.Collections.Generic.IReadOnlyList<ThreadId>? ThreadsMayShare = null)
{
    /// <summary>
    /// The access check of a CHECK cell. A thread, when given, speaks for itself (an impersonating thread's token
    /// replaces the process token in Windows' access checks); otherwise the process does.
    /// </summary>
    public bool Allows(SecurityContext context) => context.Thread is { } thread
        ? ThreadsMayShare is { } threads && Contains(threads, thread)
        : context.Process == Owner || Contains(MayShare, context.Process);

    private static bool Contains<T>(System.Collections.Generic.IReadOnlyList<T> list, T item) where T : struct
    {
        for (int i = 0; i < list.Count; i++)
            if (list[i].Equals(item)) return true;
        return false;
    }
}
