using System.Threading;
using Wsk.Core;

namespace Wsk.Shell;

/// <summary>What a socket operation is.</summary>
internal enum SocketIoKind : byte
{
    Send,
    Receive,
    Disconnect,
    EventDisable,
    Close,
}

/// <summary>
/// One IRP-carrying operation of a socket while the provider owns it. Its completion is guarded once more (beside the
/// IRP's own guard) because several parties may try to end it: the transport's answer, an IRP cancel, an abortive
/// disconnect and close. Whoever wins completes the IRP; the others do nothing.
/// </summary>
internal sealed class SocketIo : ITransportIoSink, IIrpCancelRoutine
{
    private int _done;

    public SocketIo(WskConnectedSocket socket, Irp irp, SocketIoKind kind, WskBuf buffer = default, uint flags = 0)
    {
        Socket = socket;
        Irp = irp;
        Kind = kind;
        // The slice only (a WskBuf is wider, and every call allocates one of these); a malformed buffer is refused
        // before any byte moves, so it keeps none.
        Memory = buffer.IsWellFormed ? buffer.Memory : default;
        Flags = flags;
    }

    public WskConnectedSocket Socket { get; }
    public Irp Irp { get; }
    public SocketIoKind Kind { get; }
    /// <summary>The bytes of the call's WSK_BUF (Offset and Length applied).</summary>
    public System.Memory<byte> Memory { get; }
    public uint Flags { get; }

    /// <summary>Bytes moved so far (a WAITALL receive fills its buffer over several transport receives).</summary>
    public int Transferred { get; set; }

    /// <summary>For a receive: its name in the reader's decider.</summary>
    public long ReaderId { get; set; }

    /// <summary>For a receive: the status the reader decided it completes with.</summary>
    public NtStatus FinalStatus { get; set; }

    /// <summary>
    /// The transport I/O running for this operation, if any (sends; a receive's read belongs to the reader).
    /// </summary>
    public ITransportCancel? Pending { get; set; }

    /// <summary>For an event disable: the event whose running callback it waits for.</summary>
    public uint WaitForEvent { get; init; }

    public bool IsDone => Volatile.Read(ref _done) != 0;

    public bool WaitAll => Kind == SocketIoKind.Receive && (Flags & WskFlags.WaitAll) != 0;

    public int Remaining => Memory.Length - Transferred;

    /// <summary>Completes the IRP once; false when someone else already did.</summary>
    public bool TryComplete(NtStatus status, object? information)
    {
        if (Interlocked.Exchange(ref _done, 1) != 0) return false;
        try
        {
            Socket.Metrics.IoCompleted(Kind, status, Transferred); // before the completion routine: it may look
        }
        finally
        {
            Irp.IoCompleteRequest(status, information); // even when a listener throws
        }
        return true;
    }

    /// <summary>Completes with the bytes moved as Information.</summary>
    public bool TryCompleteWithBytes(NtStatus status) => TryComplete(status, (long)Transferred);

    void ITransportIoSink.OnIoCompleted(NtStatus status, int bytes) => Socket.OnIoCompleted(this, status, bytes);

    void IIrpCancelRoutine.OnCancel(Irp irp) => Socket.OnIrpCancelled(this);
}
