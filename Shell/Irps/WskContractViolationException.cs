using System;
using Wsk.Core;

namespace Wsk.Shell;

/// <summary>
/// Thrown at the call when the caller breaks the calling contract (IRQL above DISPATCH_LEVEL, no IRP, an IRP still in
/// use, a released client, a closed socket). This is the analogue of a kernel bug check: the call did nothing, completed
/// nothing, and the caller's code is wrong. It is never used for a status the call can report through its IRP.
/// </summary>
public sealed class WskContractViolationException : InvalidOperationException
{
    /// <summary>Creates the exception for <paramref name="rule"/>.</summary>
    public WskContractViolationException(CallingRule rule, string message)
        : base($"WSK contract violation ({rule}): {message}") => Rule = rule;

    /// <summary>The rule that was broken.</summary>
    public CallingRule Rule { get; }
}
