using System;
using Wsk.Core;

namespace Wsk.Shell;

/// <summary>
/// What every completion of the reactive and awaitable forms tells beside its own detail: the final status, what the
/// call returned, and whether the call was refused rather than performed.
/// </summary>
public interface IWskCompletion
{
    /// <summary>The IRP's final status (or the returned status of a call that submitted nothing).</summary>
    NtStatus Status { get; }

    /// <summary>What the call returned: the same status (completed inside the call) or STATUS_PENDING.</summary>
    NtStatus ReturnStatus { get; }

    /// <summary>
    /// True when the call was refused, not performed: validation rejected it (its violations are listed) or the calling
    /// contract answered with a status and submitted nothing. Making the same call again gives the same answer.
    /// </summary>
    bool IsRejected { get; }
}

/// <summary>
/// A completion whose failure status a pipeline chose to treat as an error
/// (<see cref="WskStatusReactive.ErrorOnStatus{T}(IObservable{T}, Func{NtStatus, bool})"/>): the status and the
/// whole completion it came with. A completion of a success is never turned into one, so no socket rides on it.
/// </summary>
public sealed class WskStatusException : Exception
{
    /// <summary>Wraps <paramref name="completion"/>, whose status is the error.</summary>
    /// <param name="completion">The failed completion.</param>
    public WskStatusException(IWskCompletion completion)
        : this(completion, $"the call completed with {completion?.Status}")
    {
    }

    /// <summary>Wraps <paramref name="completion"/> with a message of the caller's.</summary>
    /// <param name="completion">The failed completion.</param>
    /// <param name="message">What went wrong, in words.</param>
    public WskStatusException(IWskCompletion completion, string message)
        : base(message)
    {
        ArgumentNullException.ThrowIfNull(completion);
        Completion = completion;
    }

    /// <summary>The failure status (the completion's <see cref="IWskCompletion.Status"/>).</summary>
    public NtStatus Status => Completion.Status;

    /// <summary>
    /// The completion as the call delivered it (a <see cref="ConnectCompletion"/>, <see cref="IoCompletion"/>, …).
    /// </summary>
    public IWskCompletion Completion { get; }
}
