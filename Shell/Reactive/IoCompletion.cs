using Wsk.Core;

namespace Wsk.Shell;

/// <summary>
/// The outcome of one send, receive or disconnect in the reactive and awaitable forms: a status, never an exception.
/// </summary>
/// <param name="Status">The IRP's final status.</param>
/// <param name="Bytes">Bytes transferred (0 for a receive means the peer shut down gracefully).</param>
/// <param name="ReturnStatus">
/// What the call returned: the same status (completed inside the call) or STATUS_PENDING.
/// </param>
public sealed record IoCompletion(NtStatus Status, long Bytes, NtStatus ReturnStatus) : IWskCompletion
{
    /// <summary>
    /// True when the socket refused the call at once for its arguments or its state: returned (not pending) with
    /// STATUS_INVALID_PARAMETER (a malformed WSK_BUF), STATUS_NOT_SUPPORTED (a flag it does not offer) or
    /// STATUS_INVALID_CONNECTION (after our disconnect). Making the same call again gives the same answer.
    /// </summary>
    public bool IsRejected =>
        !ReturnStatus.IsPending && (Status == NtStatus.InvalidParameter || Status == NtStatus.NotSupported
                                    || Status == NtStatus.InvalidConnection);

    internal static IoCompletion From(Irp irp, NtStatus returned) =>
        new(irp.FinalStatusOfFreshCall(returned), irp.IoStatus.Information is long bytes ? bytes : 0, returned);
}

/// <summary>Something that happened on a connected socket, as its event stream reports it.</summary>
public abstract record WskSocketEvent;

/// <summary>Data arrived (a copy: the stream's subscriber may keep it).</summary>
/// <param name="Data">The bytes.</param>
public sealed record DataReceived(byte[] Data) : WskSocketEvent;

/// <summary>The peer disconnected: gracefully (its FIN, after all its data) or abortively (a reset).</summary>
/// <param name="Abortive">True for a reset.</param>
public sealed record Disconnected(bool Abortive) : WskSocketEvent;

/// <summary>The transport's ideal send backlog.</summary>
/// <param name="IdealBacklogSize">Bytes worth keeping outstanding.</param>
public sealed record SendBacklogChanged(long IdealBacklogSize) : WskSocketEvent;
