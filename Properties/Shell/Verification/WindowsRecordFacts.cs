using Wsk.Core;
using Wsk.Shell;
using Xunit;

namespace Wsk.Properties.Shell.Verification;

/// <summary>
/// What real Windows answers, as recorded by Wine's netio conformance driver (dlls/ntoskrnl.exe/tests/driver_netio.c,
/// which runs on Windows): each recorded behaviour, checked on its own.
/// </summary>
public sealed class WindowsRecordFacts
{
    private sealed class World
    {
        public World()
        {
            WskRegistration.WskRegister(new WskClientNpi(null, new WskClientDispatch()), new ScriptedTransport(), out var registration);
            Registration = registration;
            Verifier.Attach(registration);
            registration.WskCaptureProviderNpi(WskWait.NoWait, out var npi);
            Npi = npi!;
        }

        public WskVerifier Verifier { get; } = new();
        public WskRegistration Registration { get; }
        public WskProviderNpi Npi { get; }
        public WskProviderDispatch Dispatch => Npi.Dispatch;

        public WskUnconnectedSocket NewSocket()
        {
            var irp = new Irp();
            Assert.Equal(NtStatus.Success, Dispatch.WskSocket(Npi.Client, AddressFamilies.Inet, SocketTypes.Stream, Protocols.Tcp,
                (uint)SocketCategory.Connection, null, null, null, null, null, irp));
            return (WskUnconnectedSocket)irp.IoStatus.Information!;
        }
    }

    private static readonly SockAddrIn Remote = SockAddrIn.Loopback((ushort)Script.InlineSuccess);

    /// <summary>An IRP whose completion routine counts its runs (the record's irp_completion_routine setting its event).</summary>
    private static Irp Counted(int[] runs)
    {
        var irp = new Irp();
        irp.SetCompletionRoutine((_, _) =>
        {
            runs[0]++;
            return NtStatus.MoreProcessingRequired;
        });
        return irp;
    }

    [Fact]
    public void A_NULL_IRP_with_a_live_client_returns_STATUS_INVALID_PARAMETER_and_nothing_is_created()
    {
        // Record: WskGetAddressInfo(Client, ..., NULL) returns STATUS_INVALID_PARAMETER; no IRP is touched.
        var w = new World();
        int sockets = w.Registration.OpenSockets;
        Assert.Equal(NtStatus.InvalidParameter, w.Dispatch.WskSocketConnect(ConnectRequest.Tcp(w.Npi.Client.Id, Remote), null));
        Assert.Equal(sockets, w.Registration.OpenSockets);
        Assert.Equal(VerifierRule.IrpMissing, Assert.Single(w.Verifier.Findings).Rule);
    }

    [Fact]
    public void WskSocket_with_a_NULL_client_and_a_NULL_IRP_returns_STATUS_INVALID_PARAMETER()
    {
        // Record: WskSocket(NULL, AF_INET, SOCK_STREAM, IPPROTO_TCP, ..., NULL) returns STATUS_INVALID_PARAMETER: the missing
        // IRP is judged before the client.
        var w = new World();
        Assert.Equal(NtStatus.InvalidParameter, w.Dispatch.WskSocket(null, AddressFamilies.Inet, SocketTypes.Stream, Protocols.Tcp,
            (uint)SocketCategory.Connection, null, null, null, null, null, null));
        Assert.Equal(VerifierRule.IrpMissing, Assert.Single(w.Verifier.Findings).Rule);
        Assert.Equal(CallingRule.IrpMissing,
            CallingContract.Check(new CallFacts(Irql.PassiveLevel, IrpRequired: true, HasIrp: false, IrpIdle: true, ClientLive: false, SocketOpen: true)));
    }

    [Fact]
    public void WskSocket_with_a_NULL_client_and_an_IRP_returns_STATUS_INVALID_HANDLE_and_leaves_the_IRP_to_the_next_call()
    {
        // Record: WskSocket(NULL, ..., wsk_irp) returns STATUS_INVALID_HANDLE; the same IRP then goes to WskSocket with the
        // live client, and the one wait on the event its completion routine sets sees that call's result: the refused call
        // completed nothing.
        var w = new World();
        var runs = new int[1];
        var irp = Counted(runs);
        Assert.Equal(NtStatus.InvalidHandle, w.Dispatch.WskSocket(null, AddressFamilies.Inet, SocketTypes.Stream, Protocols.Tcp,
            (uint)SocketCategory.Connection, null, null, null, null, null, irp));
        Assert.Equal(0, runs[0]);
        Assert.Equal(0, irp.SubmissionCount);
        Assert.Equal(VerifierRule.ClientUsedAfterRelease, Assert.Single(w.Verifier.Findings).Rule);

        Assert.Equal(NtStatus.Success, w.Dispatch.WskSocket(w.Npi.Client, AddressFamilies.Inet, SocketTypes.Stream, Protocols.Tcp,
            (uint)SocketCategory.Connection, null, null, null, null, null, irp));
        Assert.Equal(1, runs[0]);
        Assert.Equal(NtStatus.Success, irp.IoStatus.Status);
        var socket = Assert.IsType<WskUnconnectedSocket>(irp.IoStatus.Information);
        socket.WskCloseSocket(new Irp());
    }

    [Fact]
    public void WskConnect_on_an_unbound_socket_returns_STATUS_INVALID_DEVICE_STATE_and_completes_the_IRP_with_it()
    {
        // Record: WskConnect(socket, addr, 0, wsk_irp) before WskBind returns STATUS_INVALID_DEVICE_STATE, and the IRP
        // completes with STATUS_INVALID_DEVICE_STATE and Information 0.
        var w = new World();
        var socket = w.NewSocket();
        var runs = new int[1];
        var irp = Counted(runs);
        Assert.Equal(NtStatus.InvalidDeviceState, socket.WskConnect(Remote, 0, irp));
        Assert.Equal(1, runs[0]);
        Assert.Equal(NtStatus.InvalidDeviceState, irp.IoStatus.Status);
        Assert.Null(irp.IoStatus.Information);
        socket.WskCloseSocket(new Irp());
        Assert.Empty(w.Verifier.Findings); // a state the call reports through its IRP is no breach
    }

    [Fact]
    public void WskCloseSocket_completes_a_pending_call_with_STATUS_CANCELLED_and_Information_0()
    {
        // Record: a WskAccept pending on the socket completes with STATUS_CANCELLED and Information 0 when WskCloseSocket
        // runs, and the close IRP with STATUS_SUCCESS and Information 0. Here the pending call is a receive that gets no data.
        var w = new World();
        var connect = new Irp();
        Assert.Equal(NtStatus.Success, w.Dispatch.WskSocketConnect(ConnectRequest.Tcp(w.Npi.Client.Id, Remote), connect));
        var socket = connect.IoStatus.Socket!;
        var receive = new Irp();
        Assert.Equal(NtStatus.Pending, socket.WskReceive(WskBuf.Of(new byte[16]), 0, receive));
        var close = new Irp();
        Assert.Equal(NtStatus.Success, socket.WskCloseSocket(close));
        Assert.Equal(NtStatus.Cancelled, receive.IoStatus.Status);
        Assert.True(receive.IoStatus.Information is null or 0L, $"Information {receive.IoStatus.Information}");
        Assert.Equal(NtStatus.Success, close.IoStatus.Status);
        Assert.Null(close.IoStatus.Information);
        Assert.Empty(w.Verifier.Findings);
    }
}
