using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;

namespace Wsk.Core;

/// <summary>The order a Happy Eyeballs connect tries its addresses in.</summary>
public static class EyeballsOrder
{
    /// <summary>
    /// Sorts by family, alternating, <paramref name="firstCount"/> of <paramref name="first"/> first; each family
    /// keeps its own order (rule EyeballsInterleave).
    /// </summary>
    public static ImmutableArray<SockAddr> Interleave(IEnumerable<SockAddr> addresses, ushort first, int firstCount)
    {
        var list = addresses.ToList();
        var a = new Queue<SockAddr>(list.Where(x => x.Family == first));
        var b = new Queue<SockAddr>(list.Where(x => x.Family != first));
        var result = ImmutableArray.CreateBuilder<SockAddr>(list.Count);
        for (int i = 0; i < firstCount && a.Count > 0; i++) result.Add(a.Dequeue());
        while (a.Count > 0 || b.Count > 0)
        {
            if (b.Count > 0) result.Add(b.Dequeue());
            if (a.Count > 0) result.Add(a.Dequeue());
        }
        return result.MoveToImmutable();
    }

    /// <summary>The family the untried addresses start with: the preferred one while its first count lasts, then the
    /// family other than the last attempt's.</summary>
    internal static ushort FirstFamily(EyeballsState state, HappyEyeballsOptions options) =>
        PreferredStillFirst(state, options) > 0 ? options.PreferredFamily
        : HappyEyeballsDecider.Other(state.Attempts[^1].Address.Family);

    /// <summary>How many addresses of the first family go first in the untried list (at least 1).</summary>
    internal static int PreferredFirst(EyeballsState state, HappyEyeballsOptions options) =>
        Math.Max(1, PreferredStillFirst(state, options));

    /// <summary>The preferred addresses still owed a place first: the count, less the attempts made, all
    /// preferred.</summary>
    private static int PreferredStillFirst(EyeballsState state, HappyEyeballsOptions options) =>
        state.Attempts.All(a => a.Address.Family == options.PreferredFamily)
            ? options.FirstFamilyCount - state.Attempts.Length : 0;
}
