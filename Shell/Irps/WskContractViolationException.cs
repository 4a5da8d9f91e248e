using System;
using Wsk.Core;

namespace Wsk.Shell;

/// <summary>
/// Thrown at the call when the caller breaks a rule of the calling contract that stops a real machine (IRQL above
/// DISPATCH_LEVEL, an IRP still in use, a call on a closed socket; see <see cref="CallingContract.OutcomeOf"/>). This
/// is the analogue of a kernel bug check: the call did nothing, completed nothing, and the caller's code is wrong. A
/// missing IRP and a released client are answered with a returned status instead, except by the typed conveniences that
/// have no status to return. It is never used for a status the call can report through its IRP.
/// </summary>
public sealed class WskContractViolationException : InvalidOperationException
{
    /// <summary>Creates the exception for <paramref name="rule"/>.</summary>
    public WskContractViolationException(CallingRule rule, string message)
        : base($"WSK contract violation ({rule}): {message}") => Rule = rule;

    /// <summary>The rule that was broken.</summary>
    public CallingRule Rule { get; }
}
