using System;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using Wsk.Core;
using Wsk.Shell;

namespace Wsk.Properties.Shell.Streams;

/// <summary>
/// A registration over the real transport whose connects become <see cref="WskStream"/>s: what the TLS and HTTP tests
/// hand to SslStream and to SocketsHttpHandler. It counts the connects it makes; the registration counts the sockets
/// still open.
/// </summary>
public sealed class WskStreamWorld : IDisposable
{
    private int _connects;

    public WskStreamWorld()
    {
        WskRegistration.WskRegister(new WskClientNpi(null, new WskClientDispatch()), new OsTransport(), out var registration);
        Registration = registration;
        registration.WskCaptureProviderNpi(WskWait.NoWait, out var npi);
        Npi = npi!;
    }

    public WskRegistration Registration { get; }
    public WskProviderNpi Npi { get; }

    /// <summary>How many connects succeeded so far.</summary>
    public int Connects => Volatile.Read(ref _connects);

    /// <summary>
    /// WskSocketConnect to <paramref name="host"/>:<paramref name="port"/> (an IP literal: a connect resolves no names),
    /// and the connected socket as a stream that owns it.
    /// </summary>
    public async ValueTask<WskStream> ConnectAsync(string host, int port, CancellationToken cancellationToken)
    {
        SockAddr remote = SockAddr.From(IPAddress.Parse(host), port);
        var done = await Npi.Dispatch.ConnectAsync(ConnectRequest.Tcp(Npi.Client.Id, remote), cancellationToken);
        if (!done.IsSuccess) throw new InvalidOperationException($"WskSocketConnect to {remote} failed: {done.Status}");
        Interlocked.Increment(ref _connects);
        return done.Socket.AsStream();
    }

    /// <summary>Runs <paramref name="body"/> with a token cancelled after <paramref name="seconds"/>, and fails clearly past it.</summary>
    public static T Bounded<T>(string what, Func<CancellationToken, Task<T>> body, int seconds = 30)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        var run = Task.Run(() => body(cts.Token));
        try
        {
            // A few seconds past the token: a body that ignores its token still fails here rather than hanging the run.
            return run.WaitAsync(TimeSpan.FromSeconds(seconds + 5)).GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is TimeoutException || (e is OperationCanceledException && cts.IsCancellationRequested))
        {
            throw new TimeoutException($"{what} did not finish within {seconds} s", e);
        }
    }

    public void Dispose() => Registration.WskReleaseProviderNpi(Npi);
}
