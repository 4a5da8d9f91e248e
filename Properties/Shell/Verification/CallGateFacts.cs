using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using Wsk.Core;
using Wsk.Shell;
using Xunit;

namespace Wsk.Properties.Shell.Verification;

/// <summary>
/// Every IRP-taking entry point goes through the one call gate: found by reflection, each must have a row in the table
/// below, and each row answers every breach that applies to it with the decided outcome (the bug-check exception, or the
/// returned status with nothing completed) and exactly one verifier finding named by the verifier's one scheme.
/// </summary>
public sealed class CallGateFacts
{
    public enum Breach { IrqlAboveDispatch, NullIrp, IrpInUse, IrpInOwnCompletionRoutine, ReleasedClient, ClosedSocket }

    private enum On { Dispatch, Socket, Unconnected }

    private sealed record Entry(string Signature, On Target, bool TakesIrql, bool IrpRequired, string Call, Func<World, Irp?, Irql, NtStatus> Invoke);

    /// <summary>A registration over the scripted transport with a verifier, a connected socket and a three-step socket.</summary>
    private sealed class World
    {
        public World()
        {
            WskRegistration.WskRegister(new WskClientNpi(null, new WskClientDispatch()), Transport, out var registration);
            Registration = registration;
            Verifier.Attach(registration);
            registration.WskCaptureProviderNpi(WskWait.NoWait, out var npi);
            Npi = npi!;
            Client = Npi.Client;
            var irp = new Irp();
            Assert.Equal(NtStatus.Success, Dispatch.WskSocketConnect(ConnectRequest.Tcp(Client.Id, SockAddrIn.Loopback((ushort)Script.InlineSuccess)), irp));
            Socket = irp.IoStatus.Socket!;
            var made = new Irp();
            Assert.Equal(NtStatus.Success, Dispatch.WskSocket(new SocketRequest(Client.Id, AddressFamilies.Inet), made));
            Unconnected = (WskUnconnectedSocket)made.IoStatus.Information!;
            Assert.Empty(Verifier.Findings);
        }

        public ScriptedTransport Transport { get; } = new();
        public WskVerifier Verifier { get; } = new();
        public WskRegistration Registration { get; }
        public WskProviderNpi Npi { get; }
        public WskProviderDispatch Dispatch => Npi.Dispatch;
        /// <summary>The client the dispatch rows call through (a released one for <see cref="Breach.ReleasedClient"/>).</summary>
        public WskClient Client { get; set; }
        public WskConnectedSocket Socket { get; }
        public WskUnconnectedSocket Unconnected { get; }

        /// <summary>An IRP owned by a WskSocketConnect the scripted transport leaves pending.</summary>
        public Irp Busy()
        {
            var irp = new Irp();
            Assert.Equal(NtStatus.Pending,
                Dispatch.WskSocketConnect(ConnectRequest.Tcp(Npi.Client.Id, SockAddrIn.Loopback((ushort)Script.PendingSuccess)), irp));
            return irp;
        }

        public WskClient Released()
        {
            Registration.WskCaptureProviderNpi(WskWait.NoWait, out var extra);
            Registration.WskReleaseProviderNpi(extra!);
            return extra!.Client;
        }

        public string NameOfTarget(On target) => target switch
        {
            On.Socket => Verifier.NameOf(Socket),
            On.Unconnected => Verifier.NameOf(Unconnected),
            _ => Verifier.NameOf(Client),
        };
    }

    private static readonly SockAddrIn Remote = SockAddrIn.Loopback((ushort)Script.InlineSuccess);
    private static readonly byte[] AnyBytes = SockAddrCodec.Encode(SockAddrIn.Any());
    private static readonly byte[] RemoteBytes = SockAddrCodec.Encode(Remote);

    private static readonly Entry[] Table =
    {
        new("WskProviderDispatch.WskSocketConnect(WskClient, UInt16, UInt32, Byte[], Byte[], UInt32, Object, ConnectionDispatch, " +
            "ProcessId?, ThreadId?, SecurityDescriptorHandle?, Irp, Irql)",
            On.Dispatch, true, true, "WskSocketConnect",
            (w, irp, irql) => w.Dispatch.WskSocketConnect(w.Client, SocketTypes.Stream, Protocols.Tcp, AnyBytes, RemoteBytes, 0,
                null, null, null, null, null, irp, irql)),
        new("WskProviderDispatch.WskSocketConnect(ConnectRequest, Irp, Irql)", On.Dispatch, true, true, "WskSocketConnect",
            (w, irp, irql) => w.Dispatch.WskSocketConnect(ConnectRequest.Tcp(w.Client.Id, Remote), irp, irql)),
        new("WskProviderDispatch.WskSocketConnect(ConnectRequest, Irp, IReadOnlyList`1&, Irql)", On.Dispatch, true, true, "WskSocketConnect",
            (w, irp, irql) => w.Dispatch.WskSocketConnect(ConnectRequest.Tcp(w.Client.Id, Remote), irp, out _, irql)),
        new("WskProviderDispatch.WskSocket(WskClient, UInt16, UInt16, UInt32, UInt32, Object, ConnectionDispatch, " +
            "ProcessId?, ThreadId?, SecurityDescriptorHandle?, Irp, Irql)",
            On.Dispatch, true, true, "WskSocket",
            (w, irp, irql) => w.Dispatch.WskSocket(w.Client, AddressFamilies.Inet, SocketTypes.Stream, Protocols.Tcp, (uint)SocketCategory.Connection,
                null, null, null, null, null, irp, irql)),
        new("WskProviderDispatch.WskSocket(SocketRequest, Irp, Irql)", On.Dispatch, true, true, "WskSocket",
            (w, irp, irql) => w.Dispatch.WskSocket(new SocketRequest(w.Client.Id, AddressFamilies.Inet), irp, irql)),
        new("WskProviderDispatch.WskSocket(SocketRequest, Irp, IReadOnlyList`1&, Irql)", On.Dispatch, true, true, "WskSocket",
            (w, irp, irql) => w.Dispatch.WskSocket(new SocketRequest(w.Client.Id, AddressFamilies.Inet), irp, out _, irql)),
        new("WskProviderDispatch.WskControlClient(WskClient, UInt32, Int64, Object, Int64, Byte[], Int64&, Irp, Irql)",
            On.Dispatch, true, true, "WskControlClient",
            (w, irp, irql) => w.Dispatch.WskControlClient(w.Client, ClientControlCodes.TransportListChange, 0, null, 0, null, out _, irp, irql)),
        new("WskProviderDispatch.WskGetAddressInfo(WskClient, String, String, UInt32, Guid?, AddrInfoHints, AddressInfoResult, " +
            "ProcessId?, ThreadId?, Irp, Irql)", On.Dispatch, true, true, "WskGetAddressInfo",
            (w, irp, irql) => w.Dispatch.WskGetAddressInfo(w.Client, "127.0.0.1", "80", NameSpaces.All, null, null, new AddressInfoResult(),
                null, null, irp, irql)),
        new("WskProviderDispatch.WskGetNameInfo(WskClient, Byte[], UInt32, NameBuffer, NameBuffer, UInt32, ProcessId?, ThreadId?, Irp, Irql)",
            On.Dispatch, true, true, "WskGetNameInfo",
            (w, irp, irql) => w.Dispatch.WskGetNameInfo(w.Client, RemoteBytes, SockAddrIn.Size, new NameBuffer(64), null, NameInfoFlags.NumericHost,
                null, null, irp, irql)),

        new("WskConnectedSocket.WskSend(WskBuf, UInt32, Irp)", On.Socket, false, true, "WskSend",
            (w, irp, _) => w.Socket.WskSend(WskBuf.Of(new byte[1]), 0, irp)),
        new("WskConnectedSocket.WskReceive(WskBuf, UInt32, Irp)", On.Socket, false, true, "WskReceive",
            (w, irp, _) => w.Socket.WskReceive(WskBuf.Of(new byte[1]), 0, irp!)),
        new("WskConnectedSocket.WskDisconnect(WskBuf?, UInt32, Irp)", On.Socket, false, true, "WskDisconnect",
            (w, irp, _) => w.Socket.WskDisconnect(null, 0, irp)),
        new("WskConnectedSocket.WskControlSocket(WskControlSocketType, UInt32, UInt32, Object, Irp)", On.Socket, false, false, "WskControlSocket",
            (w, irp, _) => w.Socket.WskControlSocket(WskControlSocketType.SetOption, SocketOptionCodes.WskEventCallback, SocketOptionCodes.SolSocket,
                new EventCallbackControl(Guid.Empty, WskEvents.Receive | WskEvents.Disable), irp)),
        new("WskConnectedSocket.DisableEventCallback(UInt32, Irp)", On.Socket, false, false, "WskControlSocket",
            (w, irp, _) => w.Socket.DisableEventCallback(WskEvents.Receive, irp)),
        new("WskConnectedSocket.WskGetLocalAddress(Irp)", On.Socket, false, true, "WskGetLocalAddress", (w, irp, _) => w.Socket.WskGetLocalAddress(irp)),
        new("WskConnectedSocket.WskGetRemoteAddress(Irp)", On.Socket, false, true, "WskGetRemoteAddress", (w, irp, _) => w.Socket.WskGetRemoteAddress(irp)),
        new("WskConnectedSocket.WskCloseSocket(Irp)", On.Socket, false, true, "WskCloseSocket", (w, irp, _) => w.Socket.WskCloseSocket(irp)),

        new("WskUnconnectedSocket.WskControlSocket(WskControlSocketType, UInt32, UInt32, Int64, Byte[], Int64, Byte[], Int64&, Irp, Irql)",
            On.Unconnected, true, false, "WskControlSocket",
            (w, irp, irql) => w.Unconnected.WskControlSocket(WskControlSocketType.GetOption, SocketOptionCodes.KeepAlive, SocketOptionCodes.SolSocket, 0, null,
                4, new byte[4], out _, irp, irql)),
        new("WskUnconnectedSocket.WskBind(Byte[], UInt32, Irp, Irql)", On.Unconnected, true, true, "WskBind",
            (w, irp, irql) => w.Unconnected.WskBind(AnyBytes, 0, irp, irql)),
        new("WskUnconnectedSocket.WskBind(SockAddrArgument, UInt32, Irp, Irql)", On.Unconnected, true, true, "WskBind",
            (w, irp, irql) => w.Unconnected.WskBind(SockAddrIn.Any(), 0, irp, irql)),
        new("WskUnconnectedSocket.WskBind(SockAddrArgument, UInt32, Irp, IReadOnlyList`1&, Irql)", On.Unconnected, true, true, "WskBind",
            (w, irp, irql) => w.Unconnected.WskBind(SockAddrIn.Any(), 0, irp, out _, irql)),
        new("WskUnconnectedSocket.WskConnect(Byte[], UInt32, Irp, Irql)", On.Unconnected, true, true, "WskConnect",
            (w, irp, irql) => w.Unconnected.WskConnect(RemoteBytes, 0, irp, irql)),
        new("WskUnconnectedSocket.WskConnect(SockAddrArgument, UInt32, Irp, Irql)", On.Unconnected, true, true, "WskConnect",
            (w, irp, irql) => w.Unconnected.WskConnect(Remote, 0, irp, irql)),
        new("WskUnconnectedSocket.WskConnect(SockAddrArgument, UInt32, Irp, IReadOnlyList`1&, Irql)", On.Unconnected, true, true, "WskConnect",
            (w, irp, irql) => w.Unconnected.WskConnect(Remote, 0, irp, out _, irql)),
        new("WskUnconnectedSocket.WskCloseSocket(Irp)", On.Unconnected, false, true, "WskCloseSocket", (w, irp, _) => w.Unconnected.WskCloseSocket(irp)),
    };

    /// <summary>Public methods that take an IRP but make no WSK call: they read what a call left on it, or name it.</summary>
    private static readonly string[] NotCalls = { "WskVerifier.NameOf(Irp)" };

    private static string TypeName(Type t) =>
        Nullable.GetUnderlyingType(t) is { } inner ? inner.Name + "?" : t.Name;

    private static string Signature(MethodInfo m) =>
        $"{m.DeclaringType!.Name}.{m.Name}({string.Join(", ", m.GetParameters().Select(p => TypeName(p.ParameterType)))})";

    [Fact]
    public void Every_public_method_that_takes_an_IRP_has_a_row_in_the_gate_table()
    {
        var found = typeof(WskProviderDispatch).Assembly.GetExportedTypes()
            .Where(t => !typeof(Delegate).IsAssignableFrom(t))
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly))
            .Where(m => m.GetParameters().Any(p => p.ParameterType == typeof(Irp)))
            .Select(Signature)
            .OrderBy(s => s, StringComparer.Ordinal)
            .ToArray();
        var covered = Table.Select(e => e.Signature).Concat(NotCalls).OrderBy(s => s, StringComparer.Ordinal).ToArray();
        Assert.Equal(covered, found);
        Assert.Equal(Table.Length, Table.Select(e => e.Signature).Distinct().Count());
    }

    private static bool Applies(Entry e, Breach b) => b switch
    {
        Breach.IrqlAboveDispatch => e.TakesIrql,
        Breach.NullIrp => e.IrpRequired,
        Breach.ReleasedClient => e.Target == On.Dispatch,
        Breach.ClosedSocket => e.Target != On.Dispatch,
        _ => true,
    };

    public static IEnumerable<object[]> Cases() =>
        from e in Table
        from b in Enum.GetValues<Breach>()
        where Applies(e, b)
        select new object[] { e.Signature, b };

    [Fact]
    public void Every_row_meets_every_breach_that_applies_to_it()
    {
        Assert.Equal(Enum.GetValues<Breach>().Length, Cases().Select(c => (Breach)c[1]).Distinct().Count());
        Assert.All(Table, e => Assert.Contains(Cases(), c => (string)c[0] == e.Signature));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void A_breach_gets_its_outcome_and_exactly_one_finding_named_by_the_verifier(string signature, Breach breach)
    {
        var entry = Table.Single(e => e.Signature == signature);
        var w = new World();
        switch (breach)
        {
            case Breach.IrqlAboveDispatch:
            {
                var irp = new Irp();
                var e = Assert.Throws<WskContractViolationException>(() => entry.Invoke(w, irp, Irql.DeviceLevel));
                Assert.Equal(CallingRule.IrqlAboveDispatch, e.Rule);
                Assert.Equal(0, irp.SubmissionCount);
                Expect(w, VerifierRule.IrqlAboveDispatch, w.Verifier.NameOf(irp), entry.Call);
                break;
            }
            case Breach.NullIrp:
            {
                Assert.Equal(NtStatus.InvalidParameter, entry.Invoke(w, null, Irql.PassiveLevel));
                Expect(w, VerifierRule.IrpMissing, w.NameOfTarget(entry.Target), entry.Call);
                break;
            }
            case Breach.IrpInUse:
            {
                var busy = w.Busy();
                var e = Assert.Throws<WskContractViolationException>(() => entry.Invoke(w, busy, Irql.PassiveLevel));
                Assert.Equal(CallingRule.IrpInUse, e.Rule);
                Assert.Equal(1, busy.SubmissionCount);
                Assert.True(busy.IsPending);
                Expect(w, VerifierRule.IrpReusedWhilePending, w.Verifier.NameOf(busy), entry.Call, "while an earlier call owns it");
                busy.Cancel();
                break;
            }
            case Breach.IrpInOwnCompletionRoutine:
            {
                var irp = new Irp();
                Exception? inside = null;
                irp.SetCompletionRoutine((i, _) =>
                {
                    inside = Record.Exception(() => entry.Invoke(w, i, Irql.PassiveLevel));
                    return NtStatus.MoreProcessingRequired;
                });
                Assert.Equal(NtStatus.Success, w.Dispatch.WskSocketConnect(ConnectRequest.Tcp(w.Npi.Client.Id, Remote), irp));
                Assert.Equal(CallingRule.IrpInUse, Assert.IsType<WskContractViolationException>(inside).Rule);
                Assert.Equal(1, irp.SubmissionCount);
                Assert.Equal(1, irp.CompletionCount);
                Assert.True(irp.IsCompleted); // the refused reuse left it free once its routine returned
                Expect(w, VerifierRule.IrpReusedWhilePending, w.Verifier.NameOf(irp), entry.Call, "from inside its own completion routine");
                irp.IoStatus.Socket!.WskCloseSocket(new Irp());
                break;
            }
            case Breach.ReleasedClient:
            {
                w.Client = w.Released();
                var irp = new Irp();
                Assert.Equal(NtStatus.InvalidHandle, entry.Invoke(w, irp, Irql.PassiveLevel));
                Assert.Equal(0, irp.SubmissionCount);
                Assert.Equal(0, irp.CompletionCount);
                Expect(w, VerifierRule.ClientUsedAfterRelease, w.Verifier.NameOf(w.Client), entry.Call);
                break;
            }
            case Breach.ClosedSocket:
            {
                var close = new Irp();
                if (entry.Target == On.Socket) w.Socket.WskCloseSocket(close);
                else w.Unconnected.WskCloseSocket(close);
                Assert.Equal(NtStatus.Success, close.IoStatus.Status);
                var irp = new Irp();
                var e = Assert.Throws<WskContractViolationException>(() => entry.Invoke(w, irp, Irql.PassiveLevel));
                Assert.Equal(CallingRule.SocketClosed, e.Rule);
                Assert.Equal(0, irp.SubmissionCount);
                Expect(w, VerifierRule.CallAfterClose, w.NameOfTarget(entry.Target), entry.Call, "after WskCloseSocket");
                break;
            }
        }
    }

    /// <summary>Exactly one finding: of <paramref name="rule"/>, on <paramref name="subject"/>, naming the call by its real name.</summary>
    private static void Expect(World w, VerifierRule rule, string subject, string call, string? saying = null)
    {
        var finding = Assert.Single(w.Verifier.Findings);
        Assert.Equal(rule, finding.Rule);
        Assert.Equal(subject, finding.Object);
        Assert.Matches(@"^(IRP|socket|client|registration|SD) #\d+$", finding.Object);
        Assert.StartsWith(call + " ", finding.Detail, StringComparison.Ordinal);
        if (saying is not null) Assert.Contains(saying, finding.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unclosed_three_step_socket_is_a_leak_and_a_connected_one_keeps_its_name()
    {
        var w = new World();
        var leaks = w.Verifier.Verify().Where(f => f.Rule == VerifierRule.SocketLeaked).Select(f => f.Object).ToArray();
        Assert.Equal(new[] { w.Verifier.NameOf(w.Socket), w.Verifier.NameOf(w.Unconnected) }.OrderBy(s => s), leaks.OrderBy(s => s));

        var bind = new Irp();
        Assert.Equal(NtStatus.Success, w.Unconnected.WskBind(SockAddrIn.Any(), 0, bind));
        var connect = new Irp();
        Assert.Equal(NtStatus.Success, w.Unconnected.WskConnect(Remote, 0, connect));
        var connected = connect.IoStatus.Socket!;
        Assert.Equal(w.Verifier.NameOf(w.Unconnected), w.Verifier.NameOf(connected));
        Assert.Contains(w.Verifier.Verify(), f => f.Rule == VerifierRule.SocketLeaked && f.Object == w.Verifier.NameOf(connected));

        w.Unconnected.WskCloseSocket(new Irp());
        w.Socket.WskCloseSocket(new Irp());
        Assert.DoesNotContain(w.Verifier.Verify(), f => f.Rule == VerifierRule.SocketLeaked);
        Assert.Empty(w.Verifier.Findings);
    }

    [Fact]
    public void The_observable_form_emits_the_returned_status_of_a_refused_call_as_its_one_result()
    {
        var w = new World();
        var released = w.Released();
        var results = new List<ConnectCompletion>();
        bool completed = false;
        Exception? error = null;
        using (w.Dispatch.ConnectObservable(ConnectRequest.Tcp(released.Id, Remote)).Subscribe(results.Add, e => error = e, () => completed = true)) { }
        Assert.Null(error);
        Assert.True(completed);
        var result = Assert.Single(results);
        Assert.Equal(NtStatus.InvalidHandle, result.Status);
        Assert.Equal(NtStatus.InvalidHandle, result.ReturnStatus);
        Assert.Null(result.Socket);
        Assert.Equal(VerifierRule.ClientUsedAfterRelease, Assert.Single(w.Verifier.Findings).Rule);
    }

    /// <summary>WskRelease takes no IRP, so reflection does not find it: its two breaches are checked here.</summary>
    [Fact]
    public void WskRelease_of_an_indication_not_held_and_after_close_each_leave_one_finding()
    {
        var w = new World();
        var stranger = new DataIndication(new byte[] { 1 }, null);
        var notHeld = Assert.Throws<WskContractViolationException>(() => w.Socket.WskRelease(stranger));
        Assert.Equal(CallingRule.OutOfOrder, notHeld.Rule);
        var finding = Assert.Single(w.Verifier.Findings);
        Assert.Equal((VerifierRule.IndicationNotHeld, w.Verifier.NameOf(w.Socket)), (finding.Rule, finding.Object));
        Assert.Contains(nameof(WskConnectedSocket.WskRelease), finding.Detail);

        w.Socket.WskCloseSocket(new Irp());
        var closed = Assert.Throws<WskContractViolationException>(() => w.Socket.WskRelease(stranger));
        Assert.Equal(CallingRule.SocketClosed, closed.Rule);
        Assert.Equal(2, w.Verifier.Findings.Count);
        var after = w.Verifier.Findings[1];
        Assert.Equal((VerifierRule.CallAfterClose, w.Verifier.NameOf(w.Socket)), (after.Rule, after.Object));
        Assert.Contains(nameof(WskConnectedSocket.WskRelease), after.Detail);
    }
}
