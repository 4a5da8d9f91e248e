using System.Collections.Immutable;

namespace Wsk.Core;

/// <summary>How the reader's queue of posted receives changes.</summary>
internal static class ReaderQueue
{
    internal static ImmutableArray<PostedReceive> Remove(ReaderState state, long id) =>
        state.IndexOf(id) is var i and >= 0 ? state.Queue.RemoveAt(i) : state.Queue;
    /// <summary>The queue with <paramref name="bytes"/> more transferred into receive <paramref name="id"/>.</summary>
    internal static ImmutableArray<PostedReceive> Fill(ReaderState state, long id, int bytes) =>
        state.IndexOf(id) is var i and >= 0
            ? state.Queue.SetItem(i, state.Queue[i] with { Transferred = state.Queue[i].Transferred + bytes })
            : state.Queue;
}
