using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using Wsk.Core;
using Wsk.Shell;

namespace Wsk.Examples;

/// <summary>
/// The demo's Happy Eyeballs section: a made-up name that resolves to ::1 and 127.0.0.1, where ::1 is a black hole
/// (<see cref="DualStackBlackHole"/>). Our connect by name races the families and connects over IPv4 after the 250 ms
/// attempt delay; beside it, .NET's <see cref="Socket.ConnectAsync(IPAddress[], int, CancellationToken)"/> tries the
/// addresses one after the other and is still waiting on ::1 when its 5 s bound ends it. Informative only: nothing here
/// changes the demo's exit code.
/// </summary>
internal static class EyeballsDemo
{
    /// <summary>The name the table resolves (.test is reserved: it never means anything on a real network).</summary>
    public const string Name = "dual.test";

    private static readonly TimeSpan DotNetBound = TimeSpan.FromSeconds(5);

    /// <summary><see cref="Name"/> → ::1 and 127.0.0.1, IPv6 first.</summary>
    public static TableResolver Resolver { get; } = new(new (string, IEnumerable<SockAddr>)[]
    {
        (Name, new SockAddr[] { SockAddrIn6.Loopback(0), SockAddrIn.Loopback(0) }),
    });

    public static async Task RunAsync(CancellationToken cancellationToken)
    {
        IrpLog.Line("demo", $"Happy Eyeballs on loopback: {Name} resolves to ::1 and 127.0.0.1, and ::1 drops every SYN");
        using var hole = DualStackBlackHole.TryStart(out var why);
        if (hole is null)
        {
            IrpLog.Line("note", $"Happy Eyeballs section skipped: {why}");
            return;
        }
        int port = hole.Port;
        IrpLog.Line("listener", string.Create(CultureInfo.InvariantCulture,
            $"127.0.0.1:{port} accepts; [::1]:{port} listen(0) with its queue filled and never drained: a black hole"));

        // .NET's connect starts first and runs beside ours; it prints only at the end.
        var dotNet = DotNetAsync(port, cancellationToken);
        using (var session = WskSession.Open(Resolver))
        {
            if (session is null) return;
            var completion = await NameConnect.ConnectAsync(session, Name, port, cancellationToken).ConfigureAwait(false);
            if (completion.Socket is { } socket)
                await NameConnect.CloseAsync(socket, session.Registration, "abortive (reset), as WSK closes").ConfigureAwait(false);
        }
        IrpLog.Line("compare", await dotNet.ConfigureAwait(false));
    }

    /// <summary>Socket.ConnectAsync over both addresses, IPv6 first, bounded; what happened, as one line.</summary>
    private static async Task<string> DotNetAsync(int port, CancellationToken cancellationToken)
    {
        using var client = new Socket(SocketType.Stream, ProtocolType.Tcp); // dual mode: both families on one socket
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bound.CancelAfter(DotNetBound);
        var clock = Stopwatch.StartNew();
        var addresses = new IPAddress[] { IPAddress.IPv6Loopback, IPAddress.Loopback };
        try
        {
            await client.ConnectAsync(addresses, port, bound.Token).ConfigureAwait(false);
            return string.Create(CultureInfo.InvariantCulture,
                $"Socket.ConnectAsync(::1, 127.0.0.1) connected to {client.RemoteEndPoint} after {clock.Elapsed.TotalMilliseconds:0.0} ms");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return string.Create(CultureInfo.InvariantCulture,
                $".NET: still waiting after {DotNetBound.TotalSeconds:0} s (Socket.ConnectAsync(::1, 127.0.0.1) tries one address after the other)");
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            return $"Socket.ConnectAsync(::1, 127.0.0.1) ended: {e.Message}";
        }
    }
}
