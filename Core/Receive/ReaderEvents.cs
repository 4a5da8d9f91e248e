using System;
using System.Collections;
using System.Collections.Generic;

namespace Wsk.Core;

/// <summary>
/// The events of one reader decision, in order: up to four kept inline, so that a decision allocates nothing (a receive
/// takes about six); more (a close that ends many receives) go to an array. A value: adding returns a new one.
/// </summary>
public readonly struct ReaderEvents : IReadOnlyList<ReaderEvent>
{
    private readonly ReaderEvent _e0, _e1, _e2, _e3;
    private readonly ReaderEvent[]? _more; // every event, once there are more than four

    private ReaderEvents(int count, ReaderEvent e0, ReaderEvent e1, ReaderEvent e2, ReaderEvent e3, ReaderEvent[]? more)
    {
        Count = count;
        (_e0, _e1, _e2, _e3, _more) = (e0, e1, e2, e3, more);
    }

    /// <summary>No event.</summary>
    public static ReaderEvents None => default;

    /// <summary>One event.</summary>
    public static ReaderEvents Of(ReaderEvent e) => new(1, e, default, default, default, null);

    /// <summary>Two events, in order.</summary>
    public static ReaderEvents Of(ReaderEvent first, ReaderEvent second) =>
        new(2, first, second, default, default, null);

    /// <summary>How many events.</summary>
    public int Count { get; }

    /// <summary>The events so far and then <paramref name="e"/>.</summary>
    public ReaderEvents Add(ReaderEvent e)
    {
        switch (Count)
        {
            case 0: return Of(e);
            case 1: return new(2, _e0, e, default, default, null);
            case 2: return new(3, _e0, _e1, e, default, null);
            case 3: return new(4, _e0, _e1, _e2, e, null);
        }
        var more = new ReaderEvent[Count + 1];
        for (int i = 0; i < Count; i++) more[i] = this[i];
        more[Count] = e;
        return new(Count + 1, _e0, _e1, _e2, _e3, more);
    }

    /// <summary>The event at <paramref name="index"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Outside 0 to Count - 1.</exception>
    public ReaderEvent this[int index] =>
        (uint)index >= (uint)Count ? throw new ArgumentOutOfRangeException(nameof(index))
        : _more is { } more ? more[index]
        : index switch { 0 => _e0, 1 => _e1, 2 => _e2, _ => _e3 };

    /// <summary>The events in order.</summary>
    public IEnumerator<ReaderEvent> GetEnumerator()
    {
        for (int i = 0; i < Count; i++) yield return this[i];
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
