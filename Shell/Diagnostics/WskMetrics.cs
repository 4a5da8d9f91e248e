using System.Collections.Generic;
using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;
using System.Threading;
using Wsk.Core;

namespace Wsk.Shell;

/// <summary>
/// The instruments of one <see cref="Meter"/> (named <see cref="WskTelemetry.MeterName"/>), shared by every provider
/// that measures into it. Each hook is called where the shell already passes once per event and first asks whether
/// anybody listens: unobserved, a hook reads one flag and allocates nothing.
/// </summary>
internal sealed class WskMetrics
{
    internal const string StatusTag = "wsk.status";
    internal const string NetworkTypeTag = "network.type";
    internal const string OperationTag = "wsk.operation";

    private static readonly ConditionalWeakTable<Meter, WskMetrics> s_byMeter = new();
    private readonly Counter<long> _started;
    private readonly Counter<long> _completed;
    private readonly Histogram<double> _duration;
    private readonly UpDownCounter<long> _pending;
    private readonly Counter<long> _cancelled;
    private readonly Counter<long> _sent;
    private readonly Counter<long> _received;
    // The registrations measured into this meter: the open-socket count is read from them when observed, so a
    // connect pays no counter of its own for it.
    private readonly ConditionalWeakTable<WskRegistration, object?> _registrations = new();

    private WskMetrics(Meter meter)
    {
        Meter = meter;
        _started = meter.CreateCounter<long>("wsk.connect.started", "{connect}",
            "Connects handed to the transport (WskSocketConnect and WskConnect).");
        _completed = meter.CreateCounter<long>("wsk.connect.completed", "{connect}",
            "Connects completed, by their final NTSTATUS.");
        _duration = meter.CreateHistogram("wsk.connect.duration", "s",
            "From the connect call to the completion of its IRP.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBoundaries() });
        _pending = meter.CreateUpDownCounter<long>("wsk.connect.pending", "{connect}",
            "Connects started and not yet completed.");
        _cancelled = meter.CreateCounter<long>("wsk.irp.cancelled", "{irp}",
            "Connect and socket IRPs completed with STATUS_CANCELLED.");
        _sent = meter.CreateCounter<long>("wsk.socket.sent", "By", "Bytes sent by completed WskSend IRPs.");
        _received = meter.CreateCounter<long>("wsk.socket.received", "By",
            "Bytes received by completed WskReceive IRPs and taken by receive callbacks.");
        meter.CreateObservableUpDownCounter("wsk.socket.open", OpenSockets, "{socket}",
            "Connected and unconnected sockets created and not yet closed.");
    }

    /// <summary>The instruments of the shared meter (providers without a meter factory).</summary>
    public static WskMetrics Shared { get; } = For(new Meter(WskTelemetry.MeterName, WskTelemetry.Version));

    /// <summary>The meter measured into.</summary>
    public Meter Meter { get; }

    /// <summary>The instruments of <paramref name="meter"/>, created once per meter.</summary>
    public static WskMetrics For(Meter meter) => s_byMeter.GetValue(meter, static m => new WskMetrics(m));

    /// <summary>
    /// A connect is about to start: its observation when a listener takes any of the connect instruments or the span,
    /// else null (and nothing measured).
    /// </summary>
    public ConnectObservation? BeginConnect(ushort family, SockAddr local, SockAddr remote)
    {
        if (!_started.Enabled && !_completed.Enabled && !_duration.Enabled && !_pending.Enabled && !_cancelled.Enabled
            && !WskTelemetry.Source.HasListeners())
            return null;
        var network = NetworkType(family);
        if (_started.Enabled) _started.Add(1, new KeyValuePair<string, object?>(NetworkTypeTag, network));
        if (_pending.Enabled) _pending.Add(1, new KeyValuePair<string, object?>(NetworkTypeTag, network));
        return new ConnectObservation(this, network, local, remote, _duration.Enabled);
    }

    /// <summary>The observed connect completed with <paramref name="status"/>.</summary>
    internal void ConnectCompleted(string network, NtStatus status, double? seconds)
    {
        var networkTag = new KeyValuePair<string, object?>(NetworkTypeTag, network);
        if (_pending.Enabled) _pending.Add(-1, networkTag);
        if (status == NtStatus.Cancelled && _cancelled.Enabled)
            _cancelled.Add(1, new KeyValuePair<string, object?>(OperationTag, "connect"));
        if (!_completed.Enabled && !(seconds.HasValue && _duration.Enabled)) return;
        var statusTag = new KeyValuePair<string, object?>(StatusTag, StatusName(status));
        if (_completed.Enabled) _completed.Add(1, networkTag, statusTag);
        if (seconds is { } s && _duration.Enabled) _duration.Record(s, networkTag, statusTag);
    }

    /// <summary>A socket IRP completed, with the bytes it moved.</summary>
    public void IoCompleted(SocketIoKind kind, NtStatus status, int bytes)
    {
        if (status == NtStatus.Cancelled && _cancelled.Enabled)
            _cancelled.Add(1, new KeyValuePair<string, object?>(OperationTag, OperationName(kind)));
        if (bytes <= 0) return;
        if (kind == SocketIoKind.Send && _sent.Enabled) _sent.Add(bytes);
        else if (kind == SocketIoKind.Receive) Received(bytes);
    }

    /// <summary>The client took <paramref name="bytes"/> (a receive IRP, or a receive callback's answer).</summary>
    public void Received(long bytes)
    {
        if (bytes > 0 && _received.Enabled) _received.Add(bytes);
    }

    /// <summary>A registration whose open sockets the observable instrument counts.</summary>
    public void Track(WskRegistration registration) => _registrations.AddOrUpdate(registration, null);

    private long OpenSockets()
    {
        long open = 0;
        foreach (var (registration, _) in _registrations) open += registration.OpenSockets;
        return open;
    }

    /// <summary>
    /// 10 µs to 50 s in 1-2-5 steps: an inline loopback connect takes tens of microseconds, a SYN timeout tens of
    /// seconds. Computed, not a constant array (the Coyote rewrite cannot take those).
    /// </summary>
    private static double[] DurationBoundaries()
    {
        var bounds = new List<double>();
        for (long micros = 10; micros <= 10_000_000; micros *= 10)
        {
            bounds.Add(micros / 1_000_000.0);
            bounds.Add(2 * micros / 1_000_000.0);
            bounds.Add(5 * micros / 1_000_000.0);
        }
        return bounds.ToArray();
    }

    /// <summary>The status tag: the NTSTATUS name, or its hexadecimal value when it has none.</summary>
    internal static string StatusName(NtStatus status) => status.Name ?? status.ToString();

    internal static string NetworkType(ushort family) => family switch
    {
        AddressFamilies.Inet => "ipv4",
        AddressFamilies.Inet6 => "ipv6",
        _ => "unknown",
    };

    private static string OperationName(SocketIoKind kind) => kind switch
    {
        SocketIoKind.Send => "send",
        SocketIoKind.Receive => "receive",
        SocketIoKind.Disconnect => "disconnect",
        SocketIoKind.EventDisable => "event_disable",
        _ => "close",
    };
}
