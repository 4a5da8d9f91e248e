using System;
using System.Globalization;
using System.Threading;
using System.Threading.Tasks;
using Wsk.Core;
using Wsk.Shell;

namespace Wsk.Examples;

/// <summary>
/// host:port --send: one connect, one WskSend of the payload, then WskReceive after WskReceive, each reply printed as
/// it arrives, until the peer closes (a 0-byte receive), resets, or --timeout passes. That is enough to talk to a real
/// server with a line protocol or HTTP/1.0, which answers and closes.
/// </summary>
internal static class SendCommand
{
    private const int ReceiveBufferSize = 4096;

    private enum Ending
    {
        PeerClosed,
        TimedOut,
        Reset,
        Failed,
    }

    public static async Task<int> RunAsync(Target target, SockAddr? local, byte[] payload, double timeoutSeconds,
        CancellationToken cancellationToken)
    {
        string connect = target.Address is null ? "connect by name (WskHappyEyeballs.ConnectAsync)" : "WskSocketConnect";
        IrpLog.Line("remote", string.Create(CultureInfo.InvariantCulture,
            $"{connect} to {target}, WskSend of {payload.Length} bytes, then WskReceive until the peer closes or {timeoutSeconds:0.###} s pass"));
        using var session = WskSession.Open(target.Host is { } host ? NameConnect.ResolverFor(host) : null);
        if (session is null) return ExitCodes.ProviderUnavailable;
        var (irp, socket, status) = await ConnectAsync(session, target, local, cancellationToken).ConfigureAwait(false);
        if (socket is null)
        {
            if (cancellationToken.IsCancellationRequested) return Interrupted();
            IrpLog.Line("summary", $"the connect failed with {status}: nothing sent");
            return ExitCodes.ConnectFailed;
        }

        // The timeout counts from the connect: it covers the send and every receive, and ends the pending IRP by cancelling it.
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(TimeSpan.FromSeconds(timeoutSeconds));
        var reply = new ReplyPrinter();
        var ending = Ending.Failed;
        bool ourSideShut = false;
        try
        {
            ending = await SendAsync(socket, payload, deadline.Token).ConfigureAwait(false)
                ? await ReceiveUntilEndAsync(socket, reply, deadline.Token).ConfigureAwait(false)
                : deadline.IsCancellationRequested ? Ending.TimedOut : Ending.Failed;
            reply.Flush();
            if (ending == Ending.PeerClosed)
            {
                // The peer is done; ending our side too makes the close graceful (no reset for a server that behaved).
                var disconnect = await SocketCalls.DisconnectAsync(socket, cancellationToken).ConfigureAwait(false);
                ourSideShut = disconnect.Status.IsSuccess;
            }
        }
        finally
        {
            // WSK closes abortively unless both directions were shut down: say which, since the server sees the difference.
            string how = ourSideShut ? "graceful: both directions were shut down"
                : ending == Ending.Reset ? "the peer had already reset the connection"
                : "abortive (reset): the peer had not closed its side";
            if (irp is { } number) await SocketCalls.CloseAsync(socket, number, session.Registration, how).ConfigureAwait(false);
            else await NameConnect.CloseAsync(socket, session.Registration, how).ConfigureAwait(false);
        }
        if (cancellationToken.IsCancellationRequested) return Interrupted();
        return Report(ending, reply.Bytes, timeoutSeconds);
    }

    /// <summary>One WskSocketConnect to an address literal (its IRP number returned), or a Happy Eyeballs race by name.</summary>
    private static async Task<(int? Irp, WskConnectedSocket? Socket, NtStatus Status)> ConnectAsync(WskSession session, Target target,
        SockAddr? local, CancellationToken cancellationToken)
    {
        if (target.Address is not { } remote)
        {
            var byName = await NameConnect.ConnectAsync(session, target.Host!, target.Port, cancellationToken).ConfigureAwait(false);
            return (null, byName.Socket, byName.Status);
        }
        var request = ConnectRequest.Tcp(session.Client.Id, remote);
        if (local is not null) request = request with { LocalAddress = local };
        var (irp, connect) = await SocketCalls.ConnectAsync(session, request, "--send", cancellationToken).ConfigureAwait(false);
        return (irp, connect.Socket, connect.Status);
    }

    /// <summary>Sends the payload; an empty one is not sent (for a server that speaks first, e.g. SMTP's greeting).</summary>
    private static Task<bool> SendAsync(WskConnectedSocket socket, byte[] payload, CancellationToken cancellationToken)
    {
        if (payload.Length > 0) return SocketCalls.SendAsync(socket, payload, cancellationToken);
        IrpLog.Line("note", "empty payload: nothing sent, only receiving");
        return Task.FromResult(true);
    }

    private static async Task<Ending> ReceiveUntilEndAsync(WskConnectedSocket socket, ReplyPrinter reply, CancellationToken deadline)
    {
        var buffer = new byte[ReceiveBufferSize];
        while (true)
        {
            // One buffer for every receive: each IRP has completed, so the socket no longer owns it, before the next.
            var received = await SocketCalls.IoAsync($"WskReceive into {buffer.Length} bytes",
                irp => socket.WskReceive(WskBuf.Of(buffer), 0, irp), Meaning, deadline).ConfigureAwait(false);
            if (received.Status.IsSuccess && received.Bytes > 0)
            {
                reply.Print(buffer.AsSpan(0, (int)received.Bytes));
                continue;
            }
            if (received.Status.IsSuccess) return Ending.PeerClosed;
            if (received.Status == NtStatus.Cancelled) return Ending.TimedOut; // Ctrl+C too; the caller tells them apart
            return received.Status == NtStatus.ConnectionReset ? Ending.Reset : Ending.Failed;
        }
    }

    /// <summary>What a receive's completion means here, where the bytes alone do not say it.</summary>
    private static string? Meaning(IoCompletion r) =>
        r.Status.IsSuccess && r.Bytes == 0 ? "the peer shut down its side (FIN)"
        : r.Status == NtStatus.Cancelled ? "IoCancelIrp: nothing had arrived for it"
        : null;

    private static int Report(Ending ending, long bytes, double timeoutSeconds)
    {
        string received = string.Create(CultureInfo.InvariantCulture, $"{bytes} bytes received");
        switch (ending)
        {
            case Ending.PeerClosed:
                IrpLog.Line("summary", $"peer closed: {received}");
                return ExitCodes.Success;
            case Ending.TimedOut:
                IrpLog.Line("summary", string.Create(CultureInfo.InvariantCulture,
                    $"timed out: the peer did not close within {timeoutSeconds:0.###} s; {received}"));
                return ExitCodes.TimedOut;
            case Ending.Reset:
                IrpLog.Line("summary", $"reset: the peer reset the connection; {received}");
                return ExitCodes.DataFailed;
            default:
                IrpLog.Line("summary", $"failed: the send or a receive ended with an error (see above); {received}");
                return ExitCodes.DataFailed;
        }
    }

    private static int Interrupted()
    {
        IrpLog.Line("note", "interrupted: the pending IRP was cancelled");
        return ExitCodes.Interrupted;
    }
}
