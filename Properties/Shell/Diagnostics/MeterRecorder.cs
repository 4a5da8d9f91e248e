using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics.Metrics;
using System.Linq;

namespace Wsk.Properties.Shell.Diagnostics;

/// <summary>A meter factory that makes one meter of its own, so a test listens to its provider's meter only.</summary>
public sealed class OwnMeterFactory : IMeterFactory
{
    public Meter? Meter { get; private set; }

    public Meter Create(MeterOptions options)
    {
        if (Meter is not null) throw new InvalidOperationException("this factory serves one provider");
        return Meter = new Meter(options);
    }

    public void Dispose() => Meter?.Dispose();
}

/// <summary>One measurement: the instrument's name, the value and its tags.</summary>
public sealed record Measured(string Instrument, double Value, IReadOnlyDictionary<string, object?> Tags);

/// <summary>Every measurement of one meter's instruments, taken by a <see cref="MeterListener"/>.</summary>
public sealed class MeterRecorder : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentQueue<Measured> _measured = new();

    public MeterRecorder(Meter meter)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument.Meter, meter)) listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<long>((i, value, tags, _) => Add(i, value, tags));
        _listener.SetMeasurementEventCallback<double>((i, value, tags, _) => Add(i, value, tags));
        _listener.Start();
    }

    /// <summary>Every measurement so far, in order.</summary>
    public IReadOnlyList<Measured> All => _measured.ToArray();

    /// <summary>The sum of <paramref name="instrument"/>'s measurements carrying every one of the tags given.</summary>
    public double Sum(string instrument, params (string Key, object Value)[] tags) => Matching(instrument, tags).Sum(m => m.Value);

    /// <summary>How many measurements <paramref name="instrument"/> took with the tags given.</summary>
    public int Count(string instrument, params (string Key, object Value)[] tags) => Matching(instrument, tags).Count();

    /// <summary>The observable instrument's value now.</summary>
    public double Observe(string instrument)
    {
        int before = _measured.Count;
        _listener.RecordObservableInstruments();
        return _measured.Skip(before).Last(m => m.Instrument == instrument).Value;
    }

    public void Dispose() => _listener.Dispose();

    private IEnumerable<Measured> Matching(string instrument, (string Key, object Value)[] tags) =>
        _measured.Where(m => m.Instrument == instrument
            && tags.All(t => m.Tags.TryGetValue(t.Key, out var v) && Equals(v, t.Value)));

    private void Add(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var copy = new Dictionary<string, object?>();
        foreach (var tag in tags) copy[tag.Key] = tag.Value;
        _measured.Enqueue(new Measured(instrument.Name, value, copy));
    }
}
