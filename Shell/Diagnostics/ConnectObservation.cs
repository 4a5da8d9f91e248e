using System;
using System.Buffers.Binary;
using System.Diagnostics;
using System.Net;
using Wsk.Core;

namespace Wsk.Shell;

/// <summary>
/// One observed connect: when it started (only if the duration is measured), its span (only if the source has a
/// listener) and its address family. Created only when somebody listens, so an unobserved connect allocates nothing
/// for it.
/// </summary>
internal sealed class ConnectObservation
{
    private readonly WskMetrics _metrics;
    private readonly string _network;
    private readonly long _started;
    private readonly Activity? _activity;

    public ConnectObservation(WskMetrics metrics, string network, SockAddr local, SockAddr remote, bool timed)
    {
        _metrics = metrics;
        _network = network;
        _started = timed ? Stopwatch.GetTimestamp() : 0;
        _activity = StartActivity(network, local, remote);
    }

    /// <summary>
    /// The connect completed with <paramref name="status"/> (and <paramref name="socket"/> on success): the
    /// measurements and the end of the span, before the IRP's completion routine runs.
    /// </summary>
    public void Completed(NtStatus status, WskConnectedSocket? socket)
    {
        double? seconds = _started != 0 ? Stopwatch.GetElapsedTime(_started).TotalSeconds : null;
        _metrics.ConnectCompleted(_network, status, seconds);
        if (_activity is not { } activity) return;
        activity.SetTag(WskMetrics.StatusTag, WskMetrics.StatusName(status));
        if (socket is not null && socket.TryGetLocalAddress(out var bound)) SetAddress(activity, "local", bound);
        if (!status.IsSuccess)
        {
            activity.SetTag("error.type", WskMetrics.StatusName(status));
            activity.SetStatus(ActivityStatusCode.Error, WskMetrics.StatusName(status));
        }
        activity.Stop();
    }

    private static Activity? StartActivity(string network, SockAddr local, SockAddr remote)
    {
        var source = WskTelemetry.Source;
        if (!source.HasListeners()) return null;
        // The span ends when the IRP completes, maybe on another thread: the caller's ambient activity is kept.
        var caller = Activity.Current;
        var activity = source.StartActivity(WskTelemetry.ConnectActivityName, ActivityKind.Client);
        Activity.Current = caller;
        if (activity is null) return null;
        activity.DisplayName = "wsk connect " + remote;
        activity.SetTag(WskMetrics.NetworkTypeTag, network);
        SetAddress(activity, "peer", remote);
        SetAddress(activity, "local", local);
        return activity;
    }

    private static void SetAddress(Activity activity, string side, SockAddr? address)
    {
        if (address is null) return;
        activity.SetTag("network." + side + ".address", HostOf(address));
        activity.SetTag("network." + side + ".port", (int)address.Port);
    }

    private static string HostOf(SockAddr address)
    {
        Span<byte> bytes = stackalloc byte[16];
        switch (address)
        {
            case SockAddrIn v4:
                BinaryPrimitives.WriteUInt32BigEndian(bytes, v4.Address);
                return new IPAddress(bytes[..4]).ToString();
            case SockAddrIn6 v6:
                BinaryPrimitives.WriteUInt128BigEndian(bytes, v6.Address);
                return new IPAddress(bytes, v6.ScopeId).ToString();
            default:
                return address.ToString();
        }
    }
}

/// <summary>
/// A handover with an observation: the connect runner runs this instead of the plain handover when somebody listens,
/// so the unobserved runner is the same object as before and allocates nothing more.
/// </summary>
/// <typeparam name="THandover">The call's own handover.</typeparam>
internal struct ObservedHandover<THandover> : IConnectHandover where THandover : IConnectHandover
{
    private THandover _inner; // not readonly: a struct handover changes in place
    private readonly ConnectObservation _observation;

    public ObservedHandover(THandover inner, ConnectObservation observation)
    {
        _inner = inner;
        _observation = observation;
    }

    public readonly WskRegistration Registration => _inner.Registration;

    public TransportConnectResult StartTransport(ITransportConnectSink sink) => _inner.StartTransport(sink);

    public WskConnectedSocket Connected(ITransportConnection connection) => _inner.Connected(connection);

    public void Failed() => _inner.Failed();

    public void Completed(NtStatus status, WskConnectedSocket? socket)
    {
        _inner.Completed(status, socket);
        _observation.Completed(status, socket);
    }
}

/// <summary>Starts a connect runner, observed when somebody listens.</summary>
internal static class ConnectRun
{
    /// <summary>Runs <paramref name="handover"/>'s connect from <paramref name="local"/> to
    /// <paramref name="remote"/> over <paramref name="irp"/>; returns what the call returns.</summary>
    public static NtStatus Start<THandover>(Irp irp, THandover handover, ushort family, SockAddr local,
        SockAddr remote) where THandover : IConnectHandover
    {
        var observation = handover.Registration.Provider.Metrics.BeginConnect(family, local, remote);
        return observation is null
            ? new ConnectRunner<THandover>(irp, handover).Start()
            : new ConnectRunner<ObservedHandover<THandover>>(irp, new(handover, observation)).Start();
    }
}
