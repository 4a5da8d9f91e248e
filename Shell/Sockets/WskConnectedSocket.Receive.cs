using System;
using Wsk.Core;

namespace Wsk.Shell;

/// <summary>
/// The client's calls on the incoming stream: WskReceive, WskRelease and the cancel of a pending receive.
/// </summary>
public sealed partial class WskConnectedSocket
{
    /// <summary>
    /// WskReceive: completes with the bytes that arrived (at least one), or with the full buffer under
    /// WSK_FLAG_WAITALL; STATUS_SUCCESS with 0 bytes means the peer shut down gracefully. Any other flag
    /// (WSK_FLAG_DRAIN included) answers STATUS_NOT_SUPPORTED. A zero-length receive completes at once and lets stopped
    /// indications resume. The buffer belongs to the socket until the IRP completes; <c>IoStatus.Information</c> is the
    /// byte count (a <see cref="long"/>). A read-only WSK_BUF (<see cref="WskBuf.IsReadOnly"/>) is no place to
    /// receive into: STATUS_INVALID_PARAMETER, as for one outside its memory.
    /// </summary>
    public NtStatus WskReceive(WskBuf buffer, uint flags, Irp irp)
    {
        using var call = VerifiedCall.Enter(this, nameof(WskReceive));
        var submitted = Begin(irp, new SocketCommand(SocketCommandKind.Receive, flags, true,
            buffer.IsWellFormed && !buffer.IsReadOnly), out var decided);
        if (decided.Kind == SocketEventKind.Refused) return Refuse(submitted, decided.Status);
        var io = new SocketIo(this, submitted, SocketIoKind.Receive, buffer, flags);
        lock (_gate)
        {
            io.ReaderId = ++Receiving.LastId;
            (Receiving.Receives ??= new()).Add(io);
        }
        Drive(ReaderCommand.Post(io.ReaderId, buffer.Length, io.WaitAll));
        if (io.IsDone) return io.Irp.IoStatus.Status;
        io.Irp.SetCancelRoutine(io); // runs at once if the IRP was cancelled meanwhile
        return NtStatus.Pending;
    }

    /// <summary>
    /// WskRelease: hands back an indication the client kept by returning STATUS_PENDING from its receive callback.
    /// Releasing anything else, or twice, is a contract violation (CallingRule.OutOfOrder), as is a release after
    /// close.
    /// </summary>
    /// <exception cref="WskContractViolationException">The indication is not one the client holds, or the socket was
    /// closed.</exception>
    public NtStatus WskRelease(DataIndication indication)
    {
        ArgumentNullException.ThrowIfNull(indication);
        EnsureOpen(nameof(WskRelease));
        lock (_gate)
        {
            if (Receiving.Kept is not null && Receiving.Kept.Remove(indication)) return NtStatus.Success;
        }
        return CallGate.Refuse(_registration, CallingRule.OutOfOrder, nameof(WskRelease), Irql.PassiveLevel, null,
            this, null);
    }

    /// <summary>Indications the client kept and has not released yet.</summary>
    public int KeptIndications
    {
        get { lock (_gate) return Receiving.Kept?.Count ?? 0; }
    }

    /// <summary>IoCancelIrp on a pending receive: the reader decides (complete now, or end its read).</summary>
    private void CancelReceive(SocketIo io) => Drive(ReaderCommand.Cancel(io.ReaderId));
}
