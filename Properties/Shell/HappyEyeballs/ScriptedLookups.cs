using System;
using System.Collections.Generic;
using System.Reactive.Concurrency;
using System.Reactive.Disposables;
using Wsk.Core;
using Wsk.Shell;

namespace Wsk.Properties.Shell.HappyEyeballs;

/// <summary>How one family's lookup answers in virtual time: after <c>Delay</c> (never when null), with the addresses or
/// a failure status.</summary>
public sealed record ScriptedAnswer(TimeSpan? Delay, NtStatus Status, SockAddr[] Addresses);

/// <summary>Lookups answered on a scheduler as scripted; counts the lookups still asked, so a test can tell none is left.</summary>
public sealed class ScriptedLookups(IScheduler scheduler, ScriptedAnswer inet6, ScriptedAnswer inet) : IEyeballsLookups
{
    private int _asked;

    public int StillAsked => _asked;

    public List<(ushort Family, DateTimeOffset At)> Asked { get; } = new();

    public IDisposable Lookup(ushort family, Action<NtStatus, IReadOnlyList<SockAddr>> answer)
    {
        var script = family == AddressFamilies.Inet6 ? inet6 : inet;
        Asked.Add((family, scheduler.Now));
        _asked++;
        if (script.Delay is not { } delay) return Disposable.Create(() => _asked--);
        bool done = false;
        var timer = scheduler.Schedule(delay, () =>
        {
            if (done) return;
            done = true;
            _asked--;
            answer(script.Status, script.Addresses);
        });
        return Disposable.Create(() =>
        {
            timer.Dispose();
            if (!done) _asked--;
            done = true;
        });
    }
}
