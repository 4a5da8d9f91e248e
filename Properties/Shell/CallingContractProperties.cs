using System;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Wsk.Core;
using Wsk.Shell;
using Xunit;

namespace Wsk.Properties.Shell;

/// <summary>
/// A caller that breaks the calling contract gets a <see cref="WskContractViolationException"/> at the call for a bug
/// check (IRQL, an IRP in use, a closed socket), or the status Windows returns (STATUS_INVALID_PARAMETER for no IRP,
/// STATUS_INVALID_HANDLE for a NULL, released or unknown client); either way nothing is submitted or completed.
/// </summary>
public sealed class CallingContractProperties : IDisposable
{
    private readonly ScriptedWorld _world = new();

    private enum Breach { IrqlAboveDispatch, NoIrp, IrpInUse, ReleasedClient, UnknownClient, NullClient }

    [Property(MaxTest = 100)]
    public Property A_broken_calling_contract_throws_or_returns_its_status_and_completes_nothing() =>
        Prop.ForAll(
            (from breach in Gen.Elements(Enum.GetValues<Breach>())
             from irql in Gen.Elements(Irql.DeviceLevel, Irql.HighLevel)
             from faithful in Gen.Elements(false, true)
             select (breach, irql, faithful)).ToArbitrary(),
            input =>
            {
                var (breach, irql, faithful) = input;
                var client = _world.Npi.Client;
                var busy = new Irp();
                if (breach == Breach.IrpInUse)
                    _world.Dispatch.WskSocketConnect(Request(client.Id, Script.PendingSuccess), busy); // stays pending
                if (breach == Breach.ReleasedClient)
                {
                    _world.Registration.WskCaptureProviderNpi(0, out var extra);
                    _world.Registration.WskReleaseProviderNpi(extra!);
                    client = extra!.Client;
                }
                var irp = breach switch { Breach.NoIrp => null, Breach.IrpInUse => busy, _ => new Irp() };
                var id = breach == Breach.UnknownClient ? new ClientId(-1) : client.Id;
                var callIrql = breach == Breach.IrqlAboveDispatch ? irql : Irql.DispatchLevel;
                long completionsBefore = irp?.CompletionCount ?? 0;
                int sockets = _world.Registration.OpenSockets;

                NtStatus? returned = null;
                var e = Record.Exception(() =>
                {
                    if (breach == Breach.NullClient || (faithful && breach != Breach.UnknownClient))
                        returned = _world.Dispatch.WskSocketConnect(breach == Breach.NullClient ? null : client, SocketTypes.Stream, Protocols.Tcp,
                            Bytes(SockAddrIn.Any()), Bytes(SockAddrIn.Loopback((ushort)Script.InlineSuccess)), 0, null, null, null, null, null, irp, callIrql);
                    else
                        returned = _world.Dispatch.WskSocketConnect(Request(id, Script.InlineSuccess), irp, callIrql);
                });
                _world.Settle();
                var expected = breach switch
                {
                    Breach.IrqlAboveDispatch => CallingRule.IrqlAboveDispatch,
                    Breach.NoIrp => CallingRule.IrpMissing,
                    Breach.IrpInUse => CallingRule.IrpInUse,
                    _ => CallingRule.ClientReleased,
                };
                // The busy IRP completes once, from its own connect, after Settle; the refused call added nothing.
                long completionsAfter = irp?.CompletionCount ?? 0;
                bool nothingCompleted = breach == Breach.IrpInUse ? completionsAfter == 1 && irp!.Violations.Count == 0 : completionsAfter == completionsBefore;
                busy.IoStatus.Socket?.WskCloseSocket(new Irp());
                // Bug checks throw; the two breaches Windows answers with a status return it.
                bool answered = CallingContract.ReturnedStatus(expected) is { } status
                    ? e is null && returned == status
                    : e is WskContractViolationException v && v.Rule == expected;
                return (answered && nothingCompleted && _world.Registration.OpenSockets == sockets)
                    .Label($"{breach} (faithful {faithful}): {e?.GetType().Name} {(e as WskContractViolationException)?.Rule} returned {returned}, " +
                           $"completions {completionsBefore}→{completionsAfter}")
                    .Classify(true, breach.ToString());
            });

    [Fact]
    public void A_closed_socket_refuses_every_further_call()
    {
        var irp = new Irp();
        Assert.Equal(NtStatus.Success, _world.Dispatch.WskSocketConnect(Request(_world.Client, Script.InlineSuccess), irp));
        var socket = irp.IoStatus.Socket!;
        var close = new Irp();
        Assert.Equal(NtStatus.Success, socket.WskCloseSocket(close));
        Assert.Equal(NtStatus.Success, close.IoStatus.Status);
        Assert.Equal(1, close.CompletionCount);
        Assert.Equal(CallingRule.SocketClosed, Assert.Throws<WskContractViolationException>(() => socket.WskCloseSocket(new Irp())).Rule);
        Assert.Equal(CallingRule.SocketClosed, Assert.Throws<WskContractViolationException>(() => socket.WskGetLocalAddress(new Irp())).Rule);
        Assert.Equal(CallingRule.SocketClosed, Assert.Throws<WskContractViolationException>(() => _ = socket.RemoteAddress).Rule);
    }

    [Fact]
    public void Address_queries_complete_their_IRP_with_the_address()
    {
        var irp = new Irp();
        _world.Dispatch.WskSocketConnect(Request(_world.Client, Script.InlineSuccess), irp);
        var socket = irp.IoStatus.Socket!;
        var query = new Irp();
        Assert.Equal(NtStatus.Success, socket.WskGetRemoteAddress(query));
        Assert.Equal<object?>(SockAddrIn.Loopback((ushort)Script.InlineSuccess), query.IoStatus.Information);
        Assert.Equal(NtStatus.Success, socket.WskGetLocalAddress(query)); // the same IRP, reused after completion
        Assert.IsType<SockAddrIn>(query.IoStatus.Information);
        socket.WskCloseSocket(new Irp());
    }

    private static ConnectRequest Request(ClientId client, Script script) =>
        new(client, SocketTypes.Stream, Protocols.Tcp, SockAddrIn.Any(), SockAddrIn.Loopback((ushort)script));

    private static byte[] Bytes(SockAddr address) => SockAddrCodec.Encode(address);

    public void Dispose() => _world.Dispose();
}
