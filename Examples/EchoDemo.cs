using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Channels;
using System.Threading.Tasks;
using Wsk.Core;
using Wsk.Shell;

namespace Wsk.Examples;

/// <summary>
/// The demo's data path against its <see cref="EchoListener"/>: one message comes back through a WskReceive IRP, the
/// next through the socket's event stream, and a graceful WskDisconnect then shows the listener's own disconnect as an
/// event. Both ways of receiving on one screen, because a WSK client picks one per socket and the two read differently.
/// </summary>
internal static class EchoDemo
{
    private static readonly byte[] First = "hello through WskReceive\r\n"u8.ToArray();
    private static readonly byte[] Second = "hello through socket.Events()\r\n"u8.ToArray();

    /// <returns>The exit code: success only when the connect succeeded and both messages came back intact.</returns>
    public static async Task<int> RunAsync(WskSession session, ConnectRequest request, CancellationToken cancellationToken)
    {
        IrpLog.Line("echo", "WskSend to the echo listener; the echo comes back once through WskReceive, once through socket.Events()");
        var (irp, connect) = await SocketCalls.ConnectAsync(session, request, "echo listener", cancellationToken).ConfigureAwait(false);
        if (connect.Socket is not { } socket)
        {
            cancellationToken.ThrowIfCancellationRequested(); // a connect cancelled by Ctrl+C is an interruption, not a failure
            return ExitCodes.ConnectFailed;
        }
        int intact = 0;
        string how = "abortive (reset): the exchange did not finish";
        try
        {
            if (await ThroughReceiveAsync(socket, cancellationToken).ConfigureAwait(false)) intact++;
            cancellationToken.ThrowIfCancellationRequested();
            var (matched, bothWaysShut) = await ThroughEventsAsync(socket, cancellationToken).ConfigureAwait(false);
            if (matched) intact++;
            if (bothWaysShut) how = "graceful: both directions were shut down, so no reset";
        }
        finally
        {
            // Also on Ctrl+C: WskDeregister (when the session ends) waits for every socket to be closed.
            await SocketCalls.CloseAsync(socket, irp, session.Registration, how).ConfigureAwait(false);
        }
        IrpLog.Line("summary", $"echo: {intact} of 2 messages came back intact");
        return intact == 2 ? ExitCodes.Success : ExitCodes.DataFailed;
    }

    /// <summary>
    /// The IRP form: WSK_FLAG_WAITALL with a buffer the size of the message, because TCP keeps no message boundaries and
    /// a plain receive may legitimately complete with part of the echo.
    /// </summary>
    private static async Task<bool> ThroughReceiveAsync(WskConnectedSocket socket, CancellationToken cancellationToken)
    {
        if (!await SocketCalls.SendAsync(socket, First, cancellationToken).ConfigureAwait(false)) return false;
        var buffer = new byte[First.Length];
        var received = await SocketCalls.IoAsync($"WskReceive WSK_FLAG_WAITALL into {buffer.Length} bytes",
            irp => socket.WskReceive(WskBuf.Of(buffer), WskFlags.WaitAll, irp),
            r => $"{PayloadSyntax.Quote(buffer.AsSpan(0, (int)r.Bytes))}  {Verdict(buffer.AsSpan(0, (int)r.Bytes), First)}",
            cancellationToken).ConfigureAwait(false);
        return received.Status.IsSuccess && buffer.AsSpan(0, (int)received.Bytes).SequenceEqual(First);
    }

    /// <summary>
    /// The event form. The stream's callbacks run on the socket's reader thread; they only queue the events, and this
    /// method prints them, so the log reads in the order things were done instead of racing the reader.
    /// </summary>
    private static async Task<(bool Matched, bool BothWaysShut)> ThroughEventsAsync(WskConnectedSocket socket, CancellationToken cancellationToken)
    {
        var events = Channel.CreateUnbounded<WskSocketEvent>(new UnboundedChannelOptions { SingleReader = true });
        IrpLog.Line("events", "socket.Events(WSK_EVENT_RECEIVE | WSK_EVENT_DISCONNECT) subscribed: data is indicated, no WskReceive");
        using var subscription = socket.Events(WskEvents.Receive | WskEvents.Disconnect).Subscribe(
            e => events.Writer.TryWrite(e), error => events.Writer.TryComplete(error), () => events.Writer.TryComplete());
        if (!await SocketCalls.SendAsync(socket, Second, cancellationToken).ConfigureAwait(false)) return (false, false);

        // TCP may split the echo over several indications: gather until the message's length is back.
        var echoed = new List<byte>(Second.Length);
        bool peerGone = false, peerShutDown = false;
        while (echoed.Count < Second.Length && !peerGone && await events.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var e = await events.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            if (e is DataReceived data) echoed.AddRange(data.Data);
            peerGone = e is Disconnected;
            peerShutDown = e is Disconnected { Abortive: false };
            Print(e, echoed.Count >= Second.Length ? Verdict(echoed.ToArray(), Second) : null);
        }
        bool matched = echoed.ToArray().AsSpan().SequenceEqual(Second);

        // Our FIN ends the listener's read loop; its answering FIN arrives as Disconnected, then the stream completes.
        var disconnected = await SocketCalls.DisconnectAsync(socket, cancellationToken).ConfigureAwait(false);
        await foreach (var e in events.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            Print(e, e is Disconnected { Abortive: false } ? "the listener shut down its side; the stream completed" : null);
            peerShutDown |= e is Disconnected { Abortive: false };
        }
        return (matched, disconnected.Status.IsSuccess && peerShutDown);
    }

    private static void Print(WskSocketEvent e, string? note)
    {
        string text = e switch
        {
            DataReceived d => $"DataReceived  {d.Data.Length} bytes {PayloadSyntax.Quote(d.Data)}",
            Disconnected d => $"Disconnected(Abortive: {d.Abortive})",
            SendBacklogChanged b => $"SendBacklogChanged({b.IdealBacklogSize})",
            _ => e.ToString(),
        };
        IrpLog.Line("events", note is null ? text : $"{text}  {note}");
    }

    private static string Verdict(ReadOnlySpan<byte> echoed, ReadOnlySpan<byte> sent) =>
        echoed.SequenceEqual(sent) ? "echo matches" : "ECHO DIFFERS from what was sent";
}
