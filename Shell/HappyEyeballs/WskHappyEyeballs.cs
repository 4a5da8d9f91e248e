using System;
using System.Reactive.Concurrency;
using System.Threading;
using System.Threading.Tasks;
using Wsk.Core;

namespace Wsk.Shell;

/// <summary>
/// A connect by name that races the addresses as RFC 8305 says (Happy Eyeballs): the AAAA and A lookups at once, a
/// resolution delay when A answers first, the addresses alternated by family (IPv6 first), a new attempt every
/// attempt delay while none has connected, each attempt one WskSocketConnect IRP; the first to connect wins, every
/// other attempt is cancelled and a loser that connected anyway is closed.
/// </summary>
public static class WskHappyEyeballs
{
    /// <summary>
    /// Connects to <paramref name="port"/> at the addresses <paramref name="lookups"/> gives. Cancelling the token
    /// cancels every lookup and attempt: STATUS_CANCELLED, unless an attempt had already won (the socket is then the
    /// caller's). Never throws for a failed connect.
    /// </summary>
    /// <param name="dispatch">The provider dispatch every attempt goes through.</param>
    /// <param name="client">The client making the attempts.</param>
    /// <param name="lookups">Where the addresses come from, one family at a time.</param>
    /// <param name="port">The port to connect to (1 to 65535).</param>
    /// <param name="options">Timings and order, RFC 8305's recommendations by default.</param>
    /// <param name="scheduler">Where the delays run (a virtual clock in tests); the default scheduler if null.</param>
    /// <param name="onStep">Called with every step (lookups, attempts, timers, the outcome), as it happens.</param>
    /// <param name="cancellationToken">Cancels the whole connect.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="port"/> is not 1 to 65535.</exception>
    public static Task<EyeballsCompletion> ConnectAsync(this WskProviderDispatch dispatch, ClientId client,
        IEyeballsLookups lookups, int port, HappyEyeballsOptions? options = null, IScheduler? scheduler = null,
        Action<EyeballsStep>? onStep = null, CancellationToken cancellationToken = default)
    {
        var runner = Runner(dispatch, client, lookups, port, options, scheduler, onStep);
        if (cancellationToken.CanBeCanceled)
        {
            var registration = cancellationToken.Register(static r => ((EyeballsRunner)r!).Cancel(), runner);
            runner.Result.ContinueWith(static (_, r) => ((CancellationTokenRegistration)r!).Unregister(), registration,
                TaskScheduler.Default);
        }
        runner.Start();
        return runner.Result;
    }

    /// <summary>
    /// Connects by name: the AAAA and A lookups are WskGetAddressInfo IRPs of <paramref name="npi"/>'s client (the
    /// provider's resolver answers), then the race of
    /// <see cref="ConnectAsync(WskProviderDispatch, ClientId, IEyeballsLookups, int, HappyEyeballsOptions?,
    /// IScheduler?, Action{EyeballsStep}?, CancellationToken)"/>.
    /// </summary>
    /// <param name="npi">The capture whose client resolves and connects.</param>
    /// <param name="host">The host name, or a numeric address.</param>
    /// <param name="port">The port to connect to (1 to 65535).</param>
    /// <param name="options">Timings and order, RFC 8305's recommendations by default.</param>
    /// <param name="scheduler">Where the delays run (a virtual clock in tests); the default scheduler if null.</param>
    /// <param name="onStep">Called with every step, as it happens.</param>
    /// <param name="cancellationToken">Cancels every lookup and attempt.</param>
    /// <exception cref="ArgumentException"><paramref name="host"/> is null or empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="port"/> is not 1 to 65535.</exception>
    public static Task<EyeballsCompletion> ConnectAsync(this WskProviderNpi npi, string host, int port,
        HappyEyeballsOptions? options = null, IScheduler? scheduler = null, Action<EyeballsStep>? onStep = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(npi);
        return npi.Dispatch.ConnectAsync(npi.Client.Id, new AddressInfoLookups(npi.Dispatch, npi.Client, host), port,
            options, scheduler, onStep, cancellationToken);
    }

    /// <summary>
    /// Connects to <paramref name="endPoint"/>'s host and port as
    /// <see cref="ConnectAsync(WskProviderNpi, string, int, HappyEyeballsOptions?, IScheduler?, Action{EyeballsStep}?,
    /// CancellationToken)"/>
    /// does; the end point's family, if it names one, is the family tried first.
    /// </summary>
    /// <param name="npi">The capture whose client resolves and connects.</param>
    /// <param name="endPoint">The host and port.</param>
    /// <param name="options">Timings and order, RFC 8305's recommendations by default.</param>
    /// <param name="cancellationToken">Cancels every lookup and attempt.</param>
    public static Task<EyeballsCompletion> ConnectAsync(this WskProviderNpi npi, System.Net.DnsEndPoint endPoint,
        HappyEyeballsOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(endPoint);
        options ??= HappyEyeballsOptions.Default;
        if (endPoint.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork)
            options = options with { PreferredFamily = AddressFamilies.Inet };
        return npi.ConnectAsync(endPoint.Host, endPoint.Port, options, cancellationToken: cancellationToken);
    }

    /// <summary>
    /// A cold observable of one connect per subscription; disposing before the outcome cancels it. The completion is
    /// delivered where it was decided (on <paramref name="scheduler"/>'s thread, or an IRP's completion), and it goes
    /// to
    /// the observer or, when the subscriber left first, nowhere: a socket in it is then closed, never leaked.
    /// </summary>
    /// <param name="dispatch">The provider dispatch every attempt goes through.</param>
    /// <param name="client">The client making the attempts.</param>
    /// <param name="lookups">Where the addresses come from, one family at a time.</param>
    /// <param name="port">The port to connect to (1 to 65535).</param>
    /// <param name="options">Timings and order, RFC 8305's recommendations by default.</param>
    /// <param name="scheduler">Where the delays run (a virtual clock in tests); the default scheduler if null.</param>
    /// <param name="onStep">Called with every step, as it happens.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="port"/> is not 1 to 65535.</exception>
    public static IObservable<EyeballsCompletion> ConnectObservable(this WskProviderDispatch dispatch, ClientId client,
        IEyeballsLookups lookups, int port, HappyEyeballsOptions? options = null, IScheduler? scheduler = null,
        Action<EyeballsStep>? onStep = null)
    {
        ArgumentNullException.ThrowIfNull(dispatch);
        ArgumentNullException.ThrowIfNull(lookups);
        CheckPort(port);
        return new Connects(() => Runner(dispatch, client, lookups, port, options, scheduler, onStep));
    }

    private sealed class Connects(Func<EyeballsRunner> runner) : IObservable<EyeballsCompletion>
    {
        public IDisposable Subscribe(IObserver<EyeballsCompletion> observer)
        {
            ArgumentNullException.ThrowIfNull(observer);
            var subscription = new Subscription(runner(), observer);
            subscription.Runner.Result.ContinueWith(static (t, s) => ((Subscription)s!).Deliver(t.Result), subscription,
                CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            subscription.Runner.Start();
            return subscription;
        }
    }

    /// <summary>The completion goes to the observer or, if the subscriber left first, is closed: never both.</summary>
    private sealed class Subscription(EyeballsRunner runner, IObserver<EyeballsCompletion> observer) : IDisposable
    {
        private const int Open = 0, Delivered = 1, Left = 2;
        private int _state;

        public EyeballsRunner Runner => runner;

        public void Deliver(EyeballsCompletion completion)
        {
            if (Interlocked.CompareExchange(ref _state, Delivered, Open) != Open)
            {
                completion.Socket?.WskCloseSocket(new Irp()); // nobody is there to own it
                return;
            }
            observer.OnNext(completion);
            observer.OnCompleted();
        }

        public void Dispose()
        {
            if (Interlocked.CompareExchange(ref _state, Left, Open) == Open) runner.Cancel();
        }
    }

    private static EyeballsRunner Runner(WskProviderDispatch dispatch, ClientId client, IEyeballsLookups lookups,
        int port, HappyEyeballsOptions? options, IScheduler? scheduler, Action<EyeballsStep>? onStep)
    {
        ArgumentNullException.ThrowIfNull(dispatch);
        ArgumentNullException.ThrowIfNull(lookups);
        CheckPort(port);
        return new EyeballsRunner(dispatch, client, port, lookups, options ?? HappyEyeballsOptions.Default,
            scheduler ?? DefaultScheduler.Instance, onStep);
    }

    private static void CheckPort(int port)
    {
        if (port is < 1 or > 65535)
            throw new ArgumentOutOfRangeException(nameof(port), port, "a port to connect to is 1 to 65535");
    }
}
