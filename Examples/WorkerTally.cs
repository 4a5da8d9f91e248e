using Wsk.Core;

namespace Wsk.Examples;

/// <summary>
/// What one bench worker counts, kept on its stack and added to the measurement once at the end (no shared counter
/// touched per connect).
/// </summary>
internal struct WorkerTally
{
    private int _inline, _pending, _failed;
    private string? _firstFailure;

    /// <summary>One WSK connect: how the call returned and how its IRP completed.</summary>
    public void Count(NtStatus returned, NtStatus completed)
    {
        if (returned.IsPending) _pending++;
        else if (returned == NtStatus.Success) _inline++; // not pending: the IRP was completed inside the call
        if (completed != NtStatus.Success)
        {
            _failed++;
            _firstFailure ??= completed.ToString();
        }
    }

    /// <summary>Hands the counts to <paramref name="measurement"/>.</summary>
    public readonly void AddTo(Measurement measurement) => measurement.Add(_inline, _pending, _failed, _firstFailure);
}
