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
