using System;
using System.Linq;
using Wsk.Core;
using Xunit;

namespace Wsk.Properties.Core;

/// <summary>A decision's events as a value: in order, inline up to four and in an array beyond, and nothing past the end.</summary>
public class ReaderEventsFacts
{
    private static ReaderEvent E(long id) => new(ReaderEventKind.Completed, id);

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(9)]
    public void Events_keep_their_order_and_count_and_nothing_is_read_past_the_end(int count)
    {
        var events = ReaderEvents.None;
        for (int i = 1; i <= count; i++) events = events.Add(E(i));
        Assert.Equal(count, events.Count);
        Assert.Equal(Enumerable.Range(1, count).Select(i => (long)i), events.Select(e => e.Id));
        for (int i = 0; i < count; i++) Assert.Equal(i + 1, events[i].Id);
        Assert.Throws<ArgumentOutOfRangeException>(() => events[count]);
        Assert.Throws<ArgumentOutOfRangeException>(() => events[-1]);
    }
}
