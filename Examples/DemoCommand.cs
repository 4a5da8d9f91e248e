using System.Collections.Generic;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using Wsk.Core;

namespace Wsk.Examples;

/// <summary>
/// The no-argument tour: connects through the reactive API to this process's own loopback listeners (IPv4, and IPv6
/// when [::1] exists), then one connect that the network refuses and one request the provider rejects before any
/// network work, so all three ways an IRP can end are on one screen; then the data path against an echo listener
/// (<see cref="EchoDemo"/>), and Happy Eyeballs against a black-holed ::1 (<see cref="EyeballsDemo"/>).
/// </summary>
internal static class DemoCommand
{
    public const int DefaultConnectsPerFamily = 2;

    public static async Task<int> RunAsync(SockAddr? local, int connectsPerFamily, CancellationToken cancellationToken)
    {
        IrpLog.Line("demo", "WskSocketConnect through the reactive API (WskProviderDispatchReactive.ConnectObservable), one IRP after the other");
        var v4 = LoopbackListener.Start(IPAddress.Loopback);
        var v6 = LoopbackListener.TryStart(IPAddress.IPv6Loopback, out var noV6);
        using var closed = ReserveClosedPort();
        using var busy = new BusyListener();
        var echo = EchoListener.Start();
        int closedPort = ((IPEndPoint)closed.LocalEndPoint!).Port;
        IrpLog.Line("listener", $"listening on {v4.EndPoint}");
        IrpLog.Line("listener", v6 is null ? $"no IPv6 loopback listener ({noV6}): the IPv6 connects are skipped" : $"listening on {v6.EndPoint}");
        IrpLog.Line("listener", $"echo listener on {echo.EndPoint}: writes back what it reads until the client shuts down");
        IrpLog.Line("note", $"127.0.0.1:{closedPort} is bound but not listening, so a connect there is refused");
        IrpLog.Line("note", $"{busy.EndPoint} has a full accept queue, so a connect there waits for a SYN retry (~1 s)");

        try
        {
            int code = await ReactiveConnects.RunSessionAsync(client =>
            {
                var plans = new List<ConnectPlan>();
                AddSuccesses(plans, client, Remote(v4.EndPoint), local, connectsPerFamily, "IPv4 loopback listener");
                if (v6 is not null) AddSuccesses(plans, client, Remote(v6.EndPoint), local, connectsPerFamily, "IPv6 loopback listener");
                plans.Add(new ConnectPlan("accept queue full: cannot finish inside the call",
                    Request(client, Remote(busy.EndPoint), local), NtStatus.Success, busy.Fill));
                plans.Add(new ConnectPlan("nobody listens there", Request(client, SockAddrIn.Loopback((ushort)closedPort), local),
                    NtStatus.ConnectionRefused));
                // Flags is reserved: the provider rejects the request before touching the network and says why.
                plans.Add(new ConnectPlan("Flags must be 0", Request(client, Remote(v4.EndPoint), local) with { Flags = 1 },
                    NtStatus.InvalidParameter));
                return plans;
            }, cancellationToken, (session, cancel) =>
                EchoDemo.RunAsync(session, Request(session.Client.Id, Remote(echo.EndPoint), local), cancel)).ConfigureAwait(false);
            // Informative: it prints what it saw and leaves the exit code alone.
            if (!cancellationToken.IsCancellationRequested) await EyeballsDemo.RunAsync(cancellationToken).ConfigureAwait(false);
            return code;
        }
        finally
        {
            Stop(v4);
            if (v6 is not null) Stop(v6);
            echo.Dispose();
            IrpLog.Line("listener", $"{echo.EndPoint} stopped after echoing {echo.Echoed} bytes; {echo.Finished} client(s) shut down gracefully");
        }
    }

    private static void Stop(LoopbackListener listener)
    {
        listener.Dispose();
        IrpLog.Line("listener", $"{listener.EndPoint} stopped after accepting {listener.Accepted} connections");
    }

    private static void AddSuccesses(List<ConnectPlan> plans, ClientId client, SockAddr remote, SockAddr? local, int count, string purpose)
    {
        for (int i = 1; i <= count; i++)
            plans.Add(new ConnectPlan($"{purpose}, {i} of {count}", Request(client, remote, local), NtStatus.Success));
    }

    /// <summary>The usual STREAM/TCP request; --local replaces the wildcard only for its own family, as the help says.</summary>
    private static ConnectRequest Request(ClientId client, SockAddr remote, SockAddr? local)
    {
        var request = ConnectRequest.Tcp(client, remote);
        return local is not null && local.Family == remote.Family ? request with { LocalAddress = local } : request;
    }

    private static SockAddr Remote(IPEndPoint endPoint) =>
        SockAddr.TryParse(endPoint.ToString()) ?? throw new SocketException((int)SocketError.AddressNotAvailable);

    /// <summary>
    /// A port that is certainly closed: bound (so nothing else can take it during the demo) but never listening, so the
    /// kernel answers a SYN to it with a reset.
    /// </summary>
    private static Socket ReserveClosedPort()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return socket;
    }
}
