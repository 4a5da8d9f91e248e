using System.Collections.Generic;
using System.Globalization;
using System.Threading;
using System.Threading.Tasks;
using Wsk.Core;

namespace Wsk.Examples;

/// <summary>
/// Connects to an address given on the command line, with the same printing as the demo. Every connect is expected to
/// succeed; anything else (refused, unreachable, rejected) is printed with its status and makes the exit code 2.
/// </summary>
internal static class RemoteCommand
{
    public static Task<int> RunAsync(Target target, SockAddr? local, int count, CancellationToken cancellationToken) =>
        target.Address is { } remote
            ? RunAsync(remote, local, count, cancellationToken)
            : RunByNameAsync(target.Host!, target.Port, count, cancellationToken);

    /// <summary>Each connect is one Happy Eyeballs race by name; every one is expected to win, and its socket is closed.</summary>
    private static async Task<int> RunByNameAsync(string host, int port, int count, CancellationToken cancellationToken)
    {
        IrpLog.Line("remote", string.Create(CultureInfo.InvariantCulture,
            $"connect by name (WskHappyEyeballs.ConnectAsync) to {host}:{port}, {count} time(s)"));
        using var session = WskSession.Open(NameConnect.ResolverFor(host));
        if (session is null) return ExitCodes.ProviderUnavailable;
        int won = 0;
        for (int i = 1; i <= count && !cancellationToken.IsCancellationRequested; i++)
        {
            var completion = await NameConnect.ConnectAsync(session, host, port, cancellationToken).ConfigureAwait(false);
            if (completion.Socket is not { } socket) continue;
            won++;
            await NameConnect.CloseAsync(socket, session.Registration, "abortive (reset), as WSK closes").ConfigureAwait(false);
        }
        IrpLog.Line("summary", string.Create(CultureInfo.InvariantCulture, $"{won} of {count} connects by name connected"));
        if (cancellationToken.IsCancellationRequested) return ExitCodes.Interrupted;
        return won == count ? ExitCodes.Success : ExitCodes.ConnectFailed;
    }

    public static Task<int> RunAsync(SockAddr remote, SockAddr? local, int count, CancellationToken cancellationToken)
    {
        IrpLog.Line("remote", $"WskSocketConnect through the reactive API (WskProviderDispatchReactive.ConnectObservable) to {remote}, {count} time(s)");
        return ReactiveConnects.RunSessionAsync(client =>
        {
            var request = ConnectRequest.Tcp(client, remote);
            // No silent fix-up of --local: a family that differs from the remote's is the provider's to reject.
            if (local is not null) request = request with { LocalAddress = local };
            var plans = new List<ConnectPlan>(count);
            for (int i = 1; i <= count; i++)
                plans.Add(new ConnectPlan(string.Create(CultureInfo.InvariantCulture, $"{i} of {count}"), request, NtStatus.Success));
            return plans;
        }, cancellationToken);
    }
}
