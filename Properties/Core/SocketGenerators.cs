using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using FsCheck;
using FsCheck.Fluent;
using Wsk.Core;

namespace Wsk.Properties.Core;

/// <summary>
/// A WSK_BUF described by numbers: a window of <see cref="BufferLength"/> bytes that starts <see cref="Slack"/> bytes into
/// a larger array (so a check that looked at the array instead of the window would be caught), an offset and a length.
/// </summary>
/// <param name="BufferLength">The window's length (the MDL's byte count).</param>
/// <param name="Slack">Bytes of the backing array before and after the window.</param>
/// <param name="Offset">WSK_BUF.Offset (may be negative or huge).</param>
/// <param name="Length">WSK_BUF.Length (may be negative or huge).</param>
public readonly record struct WskBufShape(int BufferLength, int Slack, int Offset, int Length)
{
    /// <summary>The WSK_BUF over a fresh window of the backing array.</summary>
    public WskBuf ToWskBuf() => new(new Memory<byte>(new byte[Slack + BufferLength + Slack], Slack, BufferLength), Offset, Length);

    /// <inheritdoc/>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"WskBuf(buffer {BufferLength} (+{Slack} slack), offset {Offset}, length {Length})");
}

/// <summary>What the event-callback simulation does at one step.</summary>
public enum EventOpKind : byte
{
    /// <summary>WskControlSocket(SO_WSK_EVENT_CALLBACK) with Mask, with or without an IRP.</summary>
    Control,
    /// <summary>The provider wants to call the callback of event Mask (it starts only if MayIndicate says so).</summary>
    CallbackStart,
    /// <summary>The running callback of event Mask returns.</summary>
    CallbackEnd,
}

/// <summary>One step of the event-callback simulation.</summary>
/// <param name="Kind">What happens.</param>
/// <param name="Mask">Control: the EventMask; callbacks: the event.</param>
/// <param name="HasIrp">Control: whether an IRP was given.</param>
public readonly record struct EventOp(EventOpKind Kind, uint Mask, bool HasIrp = false)
{
    /// <inheritdoc/>
    public override string ToString() => Kind switch
    {
        EventOpKind.Control => string.Create(CultureInfo.InvariantCulture, $"Control(0x{Mask:X}{(HasIrp ? ", irp" : "")})"),
        EventOpKind.CallbackStart => string.Create(CultureInfo.InvariantCulture, $"Start(0x{Mask:X})"),
        _ => string.Create(CultureInfo.InvariantCulture, $"End(0x{Mask:X})"),
    };
}

/// <summary>A socket's callbacks: which the dispatch provides, which are static, and what happens to them.</summary>
/// <param name="Available">Events whose callback the dispatch provides (connection events only, as the shell computes it).</param>
/// <param name="StaticMask">The client's WSK_SET_STATIC_EVENT_CALLBACKS mask (may name events of other socket categories).</param>
/// <param name="Ops">The steps.</param>
public sealed record EventScenario(uint Available, uint StaticMask, EventOp[] Ops)
{
    /// <inheritdoc/>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"available 0x{Available:X}, static 0x{StaticMask:X}: {string.Join(" ", Ops)}");
}

/// <summary>One receive indication and the client's answer to it.</summary>
/// <param name="Returned">What WskReceiveEvent returned.</param>
/// <param name="Indicated">BytesIndicated (≥ 1).</param>
/// <param name="Accepted">*BytesAccepted as the client left it.</param>
public readonly record struct IndicationCase(NtStatus Returned, long Indicated, long Accepted)
{
    /// <inheritdoc/>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Returned.Name ?? Returned.ToString()}, indicated {Indicated}, accepted {Accepted}");
}

/// <summary>What happens on the receive path of a connection in the indication stream simulation.</summary>
public enum StreamStepKind : byte
{
    /// <summary>Bytes arrive from the peer; if indications are on, the provider indicates everything it holds.</summary>
    Arrive,
    /// <summary>The client posts a WskReceive of Length bytes (0 re-arms only): it takes held bytes and re-arms indications.</summary>
    Receive,
}

/// <summary>One step of the indication stream simulation.</summary>
/// <param name="Kind">Arrive or Receive.</param>
/// <param name="Bytes">Arrive: bytes arriving (≥ 1); Receive: the receive buffer's length (≥ 0).</param>
/// <param name="Returned">Arrive: what the client's WskReceiveEvent returns, if it is called.</param>
/// <param name="AcceptedChoice">Arrive: how the client picks *BytesAccepted from what is indicated.</param>
/// <param name="AcceptedRaw">Arrive: the raw number the choice uses.</param>
public readonly record struct StreamStep(StreamStepKind Kind, int Bytes, NtStatus Returned = default, int AcceptedChoice = 0, long AcceptedRaw = 0)
{
    /// <summary>*BytesAccepted for an indication of <paramref name="indicated"/> bytes.</summary>
    public long AcceptedFor(long indicated) => AcceptedChoice switch
    {
        0 => indicated,                                    // all
        1 => 0,                                            // untouched
        2 => 1 + Math.Abs(AcceptedRaw % Math.Max(1, indicated)), // 1..indicated (mostly a part)
        3 => indicated + 1 + Math.Abs(AcceptedRaw % 100),  // above
        4 => -1 - Math.Abs(AcceptedRaw % 100),             // negative
        _ => AcceptedRaw,                                  // anything
    };

    /// <inheritdoc/>
    public override string ToString() => Kind == StreamStepKind.Arrive
        ? string.Create(CultureInfo.InvariantCulture, $"Arrive({Bytes}, {Returned.Name ?? Returned.ToString()}, choice {AcceptedChoice}/{AcceptedRaw})")
        : string.Create(CultureInfo.InvariantCulture, $"Receive({Bytes})");
}

/// <summary>
/// Generators for the socket, event-callback and indication deciders. Flags mix the supported bit of each call with the
/// other calls' bits (the WSK_FLAG_* spaces overlap) and random junk; buffers are mostly well formed; command sequences
/// are either free or shaped towards the orders that reach a graceful close.
/// </summary>
public static class SocketGen
{
    // ------------------------------------------------------------------ WSK_BUF

    private static int ClampToInt(long v) => (int)Math.Clamp(v, int.MinValue, int.MaxValue);

    /// <summary>An offset for a window of <paramref name="len"/> bytes: inside, at the end, past it, negative, near int limits.</summary>
    public static Gen<int> OffsetFor(int len) => Gen.Frequency(
        (4, Gen.Choose(0, len)),
        (1, Gen.Constant(len)),
        (1, Gen.Choose(len + 1, len + 10)),
        (1, Gen.Choose(-10, -1)),
        (1, Gen.Elements(int.MinValue, int.MaxValue, int.MaxValue - 1, int.MaxValue - len, -1)),
        (1, CoreGen.AnyInt32));

    /// <summary>A length to go with <paramref name="offset"/>: fitting, one too many, negative, overflowing offset+length.</summary>
    public static Gen<int> LengthFor(int len, int offset) => Gen.Frequency(
        (4, offset >= 0 && offset <= len ? Gen.Choose(0, len - offset) : Gen.Choose(0, len)),
        (1, Gen.Constant(ClampToInt((long)len - offset + 1))),
        (1, Gen.Constant(ClampToInt((long)len - offset))),
        (1, Gen.Choose(-10, -1)),
        (1, Gen.Elements(int.MaxValue, int.MinValue, ClampToInt((long)int.MaxValue - offset + 1), int.MaxValue - 1)),
        (1, CoreGen.AnyInt32));

    /// <summary>A WSK_BUF of every shape.</summary>
    public static Gen<WskBufShape> BufShape =>
        from len in Gen.Frequency((1, Gen.Constant(0)), (6, Gen.Choose(1, 64)), (1, Gen.Elements(255, 256, 4096)))
        from slack in Gen.Elements(0, 0, 3, 17)
        from offset in OffsetFor(len)
        from length in LengthFor(len, offset)
        select new WskBufShape(len, slack, offset, length);

    // ------------------------------------------------------------------ socket commands

    private static Gen<uint> RandomFlags => Gen.OneOf(CoreGen.AnyUInt32, Gen.Choose(0, 15).Select(f => (uint)f));

    /// <summary>WskSend flags: 0, NODELAY, OOB (not supported), DRAIN's bit, combinations, high bits, junk.</summary>
    public static Gen<uint> SendFlags => Gen.Frequency(
        (6, Gen.Constant(0u)),
        (4, Gen.Constant(WskFlags.NoDelay)),
        (1, Gen.Elements(WskFlags.Oob, WskFlags.Oob | WskFlags.NoDelay, 0x4u, 0x8u, 0x8000_0000u, WskFlags.NoDelay | 0x100u)),
        (1, RandomFlags));

    /// <summary>WskReceive flags: 0, WAITALL, DRAIN (not supported), bit 0, combinations, junk.</summary>
    public static Gen<uint> ReceiveFlags => Gen.Frequency(
        (6, Gen.Constant(0u)),
        (4, Gen.Constant(WskFlags.WaitAll)),
        (1, Gen.Elements(WskFlags.Drain, WskFlags.WaitAll | WskFlags.Drain, 0x1u, 0x8u, 0x8000_0000u)),
        (1, RandomFlags));

    /// <summary>WskDisconnect flags: 0, ABORTIVE, other bits with and without ABORTIVE, junk.</summary>
    public static Gen<uint> DisconnectFlags => Gen.Frequency(
        (6, Gen.Constant(0u)),
        (4, Gen.Constant(WskFlags.Abortive)),
        (1, Gen.Elements(0x2u, 0x3u, 0x8u, 0x9u, 0x8000_0001u)),
        (1, RandomFlags));

    private static Gen<bool> MostlyWellFormed => Gen.Frequency((7, Gen.Constant(true)), (1, Gen.Constant(false)));

    /// <summary>A WskSend as the shell builds it (a buffer is always there), well formed or not.</summary>
    public static Gen<SocketCommand> Send =>
        from f in SendFlags from ok in MostlyWellFormed select new SocketCommand(SocketCommandKind.Send, f, true, ok);

    /// <summary>A WskReceive as the shell builds it, well formed or not.</summary>
    public static Gen<SocketCommand> Receive =>
        from f in ReceiveFlags from ok in MostlyWellFormed select new SocketCommand(SocketCommandKind.Receive, f, true, ok);

    /// <summary>A WskDisconnect, with or without a buffer (well formed or not; without one the flag is meaningless).</summary>
    public static Gen<SocketCommand> Disconnect =>
        from f in DisconnectFlags
        from has in Gen.Frequency((2, Gen.Constant(false)), (1, Gen.Constant(true)))
        from ok in MostlyWellFormed
        select new SocketCommand(SocketCommandKind.Disconnect, f, has, ok);

    /// <summary>A graceful disconnect that goes ahead (no flags; no buffer or a good one).</summary>
    public static Gen<SocketCommand> GracefulDisconnect =>
        Gen.Elements(new SocketCommand(SocketCommandKind.Disconnect, 0, false, true), new SocketCommand(SocketCommandKind.Disconnect, 0, true, true));

    /// <summary>A command other than close.</summary>
    public static Gen<SocketCommand> OpenCommand => Gen.Frequency(
        (5, Send),
        (5, Receive),
        (4, Disconnect),
        (2, Gen.Constant(new SocketCommand(SocketCommandKind.PeerShutdown))),
        (2, Gen.Constant(new SocketCommand(SocketCommandKind.DisconnectFinished))),
        (1, Gen.Constant(new SocketCommand(SocketCommandKind.PeerReset))));

    /// <summary>Any command, close now and then.</summary>
    public static Gen<SocketCommand> AnyCommand => Gen.Frequency((17, OpenCommand), (1, Gen.Constant(new SocketCommand(SocketCommandKind.Close))));

    private static Gen<SocketCommand[]> ArrayBetween(Gen<SocketCommand> g, int min, int max) =>
        Gen.Choose(min, max).SelectMany(n => Gen.ArrayOf(g, n));

    /// <summary>
    /// Command sequences: free ones (close anywhere); shaped ones that put a graceful disconnect and the peer's FIN (in
    /// either order) among random commands, then close, then more commands, so the graceful close path and the after-close
    /// path occur often; and ones with an early FIN, so the half-open socket (peer done, we still send) is used.
    /// </summary>
    public static Gen<SocketCommand[]> Commands => Gen.Frequency(
        (3, ArrayBetween(AnyCommand, 0, 30)),
        (2, from a in ArrayBetween(OpenCommand, 0, 8)
            from d in GracefulDisconnect
            from finished in Gen.Frequency((4, Gen.Constant(true)), (1, Gen.Constant(false))) // an unfinished one must not count
            from b in ArrayBetween(OpenCommand, 0, 4)
            from finFirst in Gen.Elements(false, true)
            from c in ArrayBetween(OpenCommand, 0, 3)
            from tail in ArrayBetween(AnyCommand, 0, 6)
            let fin = new SocketCommand(SocketCommandKind.PeerShutdown)
            let done = finished ? new[] { new SocketCommand(SocketCommandKind.DisconnectFinished) } : System.Array.Empty<SocketCommand>()
            select a.Concat(finFirst ? new[] { fin, d } : new[] { d, fin }).Concat(done).Concat(b).Concat(c)
                    .Append(new SocketCommand(SocketCommandKind.Close)).Concat(tail).ToArray()),
        (1, from a in ArrayBetween(OpenCommand, 0, 3)
            from b in ArrayBetween(OpenCommand, 1, 10)
            from tail in ArrayBetween(AnyCommand, 0, 5)
            select a.Append(new SocketCommand(SocketCommandKind.PeerShutdown)).Concat(b).Concat(tail).ToArray()));

    // ------------------------------------------------------------------ event callbacks

    /// <summary>The three connection events.</summary>
    public static readonly uint[] ConnectionEvents = { WskEvents.SendBacklog, WskEvents.Receive, WskEvents.Disconnect };

    /// <summary>Events of other socket categories and bits that name no event.</summary>
    public static readonly uint[] OtherEventBits = { 0x100u, 0x200u, 0x1u, 0x20u, 0x4000_0000u };

    /// <summary>A subset of the bits of <paramref name="mask"/>.</summary>
    public static Gen<uint> SubsetOf(uint mask) => CoreGen.AnyUInt32.Select(r => r & mask);

    /// <summary>A non-empty subset of <paramref name="mask"/>'s bits (0 if the mask is 0).</summary>
    public static Gen<uint> NonEmptySubsetOf(uint mask) => mask == 0 ? Gen.Constant(0u) : SubsetOf(mask).Where(s => s != 0);

    /// <summary>One connection event.</summary>
    public static Gen<uint> OneConnectionEvent => Gen.Elements(ConnectionEvents);

    /// <summary>An EventMask to enable: subsets of what is available, of all connection events, 0, with junk bits.</summary>
    public static Gen<uint> EnableMask(uint available) => Gen.Frequency(
        (4, NonEmptySubsetOf(available)),
        (3, NonEmptySubsetOf(WskEvents.ConnectionEvents)),
        (1, Gen.Constant(0u)),
        (1, from s in SubsetOf(WskEvents.ConnectionEvents) from j in Gen.Elements(OtherEventBits) select s | j),
        (1, CoreGen.AnyUInt32.Select(m => m & ~WskEvents.Disable)));

    /// <summary>An EventMask to disable: one event (often a static one), several, none, another category's, junk.</summary>
    public static Gen<uint> DisableMask(uint staticMask)
    {
        var choices = new List<(int, Gen<uint>)>
        {
            (6, OneConnectionEvent.Select(e => e | WskEvents.Disable)),
            (1, NonEmptySubsetOf(WskEvents.ConnectionEvents).Where(m => System.Numerics.BitOperations.PopCount(m) >= 2).Select(m => m | WskEvents.Disable)),
            (1, Gen.Constant(WskEvents.Disable)),
            (1, Gen.Elements(OtherEventBits).Select(b => b | WskEvents.Disable)),
            (1, from e in OneConnectionEvent from j in Gen.Elements(OtherEventBits) select e | j | WskEvents.Disable),
            (1, CoreGen.AnyUInt32.Select(m => m | WskEvents.Disable)),
        };
        var statics = ConnectionEvents.Where(e => (e & staticMask) != 0).ToArray();
        if (statics.Length > 0) choices.Add((3, Gen.Elements(statics).Select(e => e | WskEvents.Disable)));
        return Gen.Frequency(choices.ToArray());
    }

    /// <summary>Any control mask: enable or disable.</summary>
    public static Gen<uint> ControlMask(uint available, uint staticMask) =>
        Gen.Frequency((1, EnableMask(available)), (1, DisableMask(staticMask)));

    /// <summary>Which callbacks a dispatch provides: any subset of the connection events.</summary>
    public static Gen<uint> AvailableEvents => Gen.Frequency(
        (1, Gen.Constant(WskEvents.ConnectionEvents)),
        (3, SubsetOf(WskEvents.ConnectionEvents)));

    /// <summary>A static mask: none mostly; connection events; other categories' events too.</summary>
    public static Gen<uint> StaticMask => Gen.Frequency(
        (3, Gen.Constant(0u)),
        (2, NonEmptySubsetOf(WskEvents.ConnectionEvents)),
        (1, SubsetOf(WskEvents.ConnectionEvents | 0x100u | 0x200u)));

    /// <summary>
    /// An arbitrary event state as a running socket can have it: static ⊆ available, static ⊆ enabled ⊆ available, and
    /// callbacks in flight among the available ones (enabled or already disabled while running).
    /// </summary>
    public static Gen<EventState> AnyEventState =>
        from available in AvailableEvents
        from st in SubsetOf(available)
        from extra in SubsetOf(available)
        from inFlight in Gen.Frequency((2, Gen.Constant(0u)), (3, SubsetOf(available)))
        select new EventState(available, st | extra, st, inFlight);

    /// <summary>An event state with a control request for it.</summary>
    public static Gen<(EventState State, uint Mask, bool HasIrp)> ControlCase =>
        from s in AnyEventState
        from mask in ControlMask(s.Available, s.Static)
        from irp in Gen.Elements(false, true)
        select (s, mask, irp);

    /// <summary>One simulation step, given the socket's available and static events.</summary>
    public static Gen<EventOp> EventOpFor(uint available, uint staticMask) => Gen.Frequency(
        (4, from m in ControlMask(available, staticMask) from irp in Gen.Elements(false, true) select new EventOp(EventOpKind.Control, m, irp)),
        (3, OneConnectionEvent.Select(e => new EventOp(EventOpKind.CallbackStart, e))),
        (2, OneConnectionEvent.Select(e => new EventOp(EventOpKind.CallbackEnd, e))));

    /// <summary>A socket's callbacks and a sequence of steps.</summary>
    public static Gen<EventScenario> EventScenarios =>
        from available in AvailableEvents
        from st in StaticMask
        from n in Gen.Choose(0, 25)
        from ops in Gen.ArrayOf(EventOpFor(available, st), n)
        select new EventScenario(available, st, ops);

    // ------------------------------------------------------------------ receive indications

    /// <summary>What a WskReceiveEvent may return: the three statuses of the contract, and others (odd NT_SUCCESS ones too).</summary>
    public static Gen<NtStatus> IndicationReturn => Gen.Frequency(
        (4, Gen.Constant(NtStatus.Success)),
        (2, Gen.Constant(NtStatus.Pending)),
        (2, Gen.Constant(NtStatus.DataNotAccepted)),
        (1, Gen.Elements(NtStatus.Timeout, NtStatus.EventPending, NtStatus.InvalidParameter, NtStatus.Unsuccessful,
                         NtStatus.RequestNotAccepted, NtStatus.BufferOverflow)),
        (1, CoreGen.AnyStatus));

    /// <summary>BytesIndicated: small, the edges, large.</summary>
    public static Gen<long> Indicated => Gen.Frequency(
        (4, Gen.Choose(1, 64).Select(i => (long)i)),
        (1, Gen.Elements(1L, 2L, 65536L, int.MaxValue, long.MaxValue)),
        (1, Gen.Choose(1, int.MaxValue).Select(i => (long)i)));

    /// <summary>*BytesAccepted for <paramref name="indicated"/>: negative, 0, inside, equal, above, the long limits.</summary>
    public static Gen<long> AcceptedFor(long indicated) => Gen.Frequency(
        (2, Gen.Constant(0L)),
        (2, Gen.Constant(indicated)),
        (4, indicated > 1 ? CoreGen.AnyUInt64.Select(r => 1 + (long)(r % (ulong)(indicated - 1))) : Gen.Constant(indicated)),
        (1, Gen.Choose(1, 100).Select(d => indicated > long.MaxValue - d ? long.MaxValue : indicated + d)),
        (1, Gen.Choose(-100, -1).Select(d => (long)d)),
        (1, Gen.Elements(long.MinValue, long.MaxValue, -1L, 1L)));

    /// <summary>One indication and the client's answer.</summary>
    public static Gen<IndicationCase> IndicationCases =>
        from r in IndicationReturn
        from i in Indicated
        from a in AcceptedFor(i)
        select new IndicationCase(r, i, a);

    /// <summary>A stream of arrivals and receives.</summary>
    public static Gen<StreamStep[]> Stream =>
        Gen.Choose(0, 25).SelectMany(n => Gen.ArrayOf(Gen.Frequency(
            (3, from b in Gen.Choose(1, 50)
                from r in IndicationReturn
                from c in Gen.Frequency((3, Gen.Constant(0)), (1, Gen.Constant(1)), (3, Gen.Constant(2)), (1, Gen.Constant(3)),
                                        (1, Gen.Constant(4)), (1, Gen.Constant(5)))
                from raw in CoreGen.AnyUInt64.Select(u => (long)u)
                select new StreamStep(StreamStepKind.Arrive, b, r, c, raw)),
            (1, Gen.Frequency((1, Gen.Constant(0)), (4, Gen.Choose(1, 80))).Select(len => new StreamStep(StreamStepKind.Receive, len)))), n));
}

/// <summary>Arbitraries over <see cref="SocketGen"/>; sequences shrink by dropping steps.</summary>
public static class SocketArb
{
    /// <summary>WSK_BUF shapes.</summary>
    public static Arbitrary<WskBufShape> BufShapes() => SocketGen.BufShape.ToArbitrary();

    /// <summary>Socket command sequences.</summary>
    public static Arbitrary<SocketCommand[]> Commands() => Arb.From(SocketGen.Commands, CoreGen.ShrinkArray);

    /// <summary>Single control requests against arbitrary event states.</summary>
    public static Arbitrary<(EventState State, uint Mask, bool HasIrp)> ControlCases() => SocketGen.ControlCase.ToArbitrary();

    /// <summary>Event-callback scenarios, shrinking by dropping steps.</summary>
    public static Arbitrary<EventScenario> EventScenarios() => Arb.From(SocketGen.EventScenarios,
        s => CoreGen.ShrinkArray(s.Ops).Select(ops => s with { Ops = ops }));

    /// <summary>Single indications.</summary>
    public static Arbitrary<IndicationCase> IndicationCases() => SocketGen.IndicationCases.ToArbitrary();

    /// <summary>Indication streams, shrinking by dropping steps.</summary>
    public static Arbitrary<StreamStep[]> Streams() => Arb.From(SocketGen.Stream, CoreGen.ShrinkArray);
}
