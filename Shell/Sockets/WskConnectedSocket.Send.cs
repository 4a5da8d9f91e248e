using System.Collections.Generic;
using Wsk.Core;

namespace Wsk.Shell;

public sealed partial class WskConnectedSocket
{
    // Allocated on first use, as every per-operation collection here: most sockets never need them, and connect is hot.
    private HashSet<SocketIo>? _sends;
    private SocketIo? _disconnecting; // a graceful disconnect waiting for the sends before it

    /// <summary>
    /// WskSend: sends every byte of <paramref name="buffer"/>; the IRP completes when all of them are handed to the
    /// transport, with the byte count in <c>IoStatus.Information</c> (a <see cref="long"/>). WSK_FLAG_NODELAY is
    /// accepted; any other flag (WSK_FLAG_OOB included) answers STATUS_NOT_SUPPORTED. The buffer belongs to the socket
    /// until the IRP completes.
    /// </summary>
    public NtStatus WskSend(WskBuf buffer, uint flags, Irp? irp)
    {
        using var call = VerifiedCall.Enter(this, nameof(WskSend));
        var submitted = Begin(irp, new SocketCommand(SocketCommandKind.Send, flags, true, buffer.IsWellFormed),
            out var decided);
        if (decided.Kind == SocketEventKind.Refused) return Refuse(submitted, decided.Status);
        var io = new SocketIo(this, submitted, SocketIoKind.Send, buffer, flags);
        lock (_gate) (_sends ??= new()).Add(io);
        return StartSend(io);
    }

    /// <summary>
    /// WskDisconnect. Graceful (flags 0): sends <paramref name="buffer"/> if given, lets every pending send finish,
    /// then ends the outgoing stream; receiving stays open. If the pending sends never finish (a peer that stops
    /// reading), the disconnect stays pending until an abortive disconnect or close cancels it (STATUS_CANCELLED).
    /// Abortive (WSK_FLAG_ABORTIVE, no buffer): cancels every pending send and receive with STATUS_CANCELLED and resets
    /// the connection at once.
    /// </summary>
    public NtStatus WskDisconnect(WskBuf? buffer, uint flags, Irp? irp)
    {
        using var call = VerifiedCall.Enter(this, nameof(WskDisconnect));
        var submitted = Begin(irp, new SocketCommand(SocketCommandKind.Disconnect, flags, buffer is not null,
            buffer?.IsWellFormed ?? true), out var decided);
        if (decided.Kind == SocketEventKind.Refused) return Refuse(submitted, decided.Status);
        var io = new SocketIo(this, submitted, SocketIoKind.Disconnect, buffer ?? default, flags);

        if (decided.Kind == SocketEventKind.AbortStarted)
        {
            List<SocketIo> cancelled;
            ITransportCancel? cancelRead;
            lock (_gate) cancelled = TakeAllPending(close: false, out cancelRead);
            cancelRead?.Cancel();
            CancelAll(cancelled);
            var status = _connection.Abort();
            io.TryComplete(status, null);
            return status;
        }

        lock (_gate) _disconnecting = io;
        if (buffer is { } final)
        {
            // The final data travels as one more send on an IRP of the provider's own; the disconnect waits for it.
            var send = new SocketIo(this, new Irp(), SocketIoKind.Send, final, 0);
            send.Irp.Submit();
            lock (_gate) (_sends ??= new()).Add(send);
            StartSend(send);
        }
        ShutdownWhenSent();
        if (io.IsDone) return io.Irp.IoStatus.Status;
        io.Irp.SetCancelRoutine(io);
        return NtStatus.Pending;
    }

    private NtStatus StartSend(SocketIo io)
    {
        var result = _connection.Send(io.Memory, io);
        if (!result.Status.IsPending)
        {
            FinishSend(io, result.Status, result.Bytes);
            return result.Status;
        }
        io.Pending = result.Pending;
        io.Irp.SetCancelRoutine(io);
        return NtStatus.Pending;
    }

    private void FinishSend(SocketIo io, NtStatus status, int bytes)
    {
        lock (_gate) _sends?.Remove(io);
        io.Transferred = bytes;
        io.TryCompleteWithBytes(status);
        ShutdownWhenSent();
    }

    /// <summary>Ends the outgoing stream once a graceful disconnect is waiting and no send is left before it.</summary>
    private void ShutdownWhenSent()
    {
        SocketIo? disconnect;
        lock (_gate)
        {
            if (_disconnecting is null || _sends is { Count: > 0 }) return;
            disconnect = _disconnecting;
            _disconnecting = null;
        }
        var status = _connection.Shutdown();
        if (status == NtStatus.Success)
            lock (_gate) _state = SocketDecider.Evolve(_state,
                SocketDecider.Decide(new SocketCommand(SocketCommandKind.DisconnectFinished), _state));
        disconnect.TryComplete(status, null);
    }

    /// <summary>
    /// Completes a refused command's IRP with its status; null when the gate refused the call before any IRP was
    /// submitted.
    /// </summary>
    private static NtStatus Refuse(Irp? irp, NtStatus status)
    {
        irp?.IoCompleteRequest(status);
        return status;
    }
}
