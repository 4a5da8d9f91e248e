using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;
using Wsk.Core;
using Wsk.Shell;

namespace Wsk.Examples;

/// <summary>
/// The data path's calls in their faithful IRP form, each printed as it lives. Not the library's awaitable forms
/// (SendAsync, ReceiveAsync, ...): those hand back the return status only once the IRP has completed, so "returned
/// STATUS_PENDING" would be printed seconds late for a receive that waits for a server, and the log would lie about when.
/// </summary>
internal static class SocketCalls
{
    /// <summary>A connect that keeps its socket (the caller owns it and must close it), printed like the demo's connects.</summary>
    public static async Task<(int Irp, ConnectCompletion Completion)> ConnectAsync(
        WskSession session, ConnectRequest request, string purpose, CancellationToken cancellationToken)
    {
        int number = IrpLog.NextIrp();
        IrpLog.Submitted(number, request, purpose);
        long start = Stopwatch.GetTimestamp();
        IReadOnlyList<RuleViolation<ConnectRule>> violations = Array.Empty<RuleViolation<ConnectRule>>();
        var (irp, returned) = await CallAsync(number, i => session.Dispatch.WskSocketConnect(request, i, out violations), cancellationToken)
            .ConfigureAwait(false);
        // Cancelled late, the connect may still have succeeded: the socket is then ours like any other, so it is returned.
        var completion = new ConnectCompletion(irp.IoStatus.Status, irp.IoStatus.Socket, returned, violations);
        IrpLog.Completed(number, completion, Stopwatch.GetElapsedTime(start).TotalMicroseconds, NtStatus.Success);
        return (number, completion);
    }

    /// <summary>WskSend of all of <paramref name="data"/>; true when every byte was handed to the transport.</summary>
    public static async Task<bool> SendAsync(WskConnectedSocket socket, byte[] data, CancellationToken cancellationToken)
    {
        var sent = await IoAsync($"WskSend {data.Length} bytes {PayloadSyntax.Quote(data)}",
            irp => socket.WskSend(WskBuf.Of(data), 0, irp), null, cancellationToken).ConfigureAwait(false);
        return sent.Status.IsSuccess && sent.Bytes == data.Length;
    }

    /// <summary>A graceful WskDisconnect: our FIN after every pending send; receiving stays open.</summary>
    public static Task<IoCompletion> DisconnectAsync(WskConnectedSocket socket, CancellationToken cancellationToken) =>
        IoAsync("WskDisconnect graceful (flags 0, no final buffer): sends our FIN",
            irp => socket.WskDisconnect(null, 0, irp), null, cancellationToken);

    /// <summary>
    /// One send, receive or disconnect on a fresh IRP. <paramref name="detail"/> adds to the completed line. Cancelling
    /// the token cancels the IRP, which still completes exactly once, so this always returns the IRP's real outcome.
    /// </summary>
    public static async Task<IoCompletion> IoAsync(string call, Func<Irp, NtStatus> invoke,
        Func<IoCompletion, string?>? detail, CancellationToken cancellationToken)
    {
        int number = IrpLog.NextIrp();
        IrpLog.Submitted(number, call);
        var (irp, returned) = await CallAsync(number, invoke, cancellationToken).ConfigureAwait(false);
        long? bytes = irp.IoStatus.Information as long?; // a send's or receive's count; a disconnect has none
        var completion = new IoCompletion(irp.IoStatus.Status, bytes ?? 0, returned);
        IrpLog.Completed(number, completion.Status, bytes, detail?.Invoke(completion));
        return completion;
    }

    /// <summary>
    /// WskCloseSocket, which never fails but may pend while an event callback runs. <paramref name="how"/> says whether
    /// the release is graceful: WSK closes abortively (a reset) unless both directions were already shut down.
    /// </summary>
    public static async Task CloseAsync(WskConnectedSocket socket, int connectIrp, WskRegistration registration, string how)
    {
        var irp = new Irp();
        var returned = socket.WskCloseSocket(irp);
        if (returned.IsPending) await irp.WaitAsync().ConfigureAwait(false);
        IrpLog.Closed(connectIrp, irp.IoStatus.Status, registration, how);
    }

    /// <summary>Makes the call, prints what it returned at once, then waits for the completion if it is still to come.</summary>
    private static async Task<(Irp Irp, NtStatus Returned)> CallAsync(int number, Func<Irp, NtStatus> invoke, CancellationToken cancellationToken)
    {
        var irp = new Irp();
        var returned = invoke(irp);
        IrpLog.Returned(number, returned);
        if (returned.IsPending)
        {
            // IoCancelIrp: the IRP then completes with STATUS_CANCELLED, or with its real result if that came first.
            using var cancel = cancellationToken.Register(static state => ((Irp)state!).Cancel(), irp);
            await irp.WaitAsync().ConfigureAwait(false);
        }
        return (irp, returned);
    }
}
