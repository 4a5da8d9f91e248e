using System;
using System.Linq;
using System.Reactive.Linq;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Wsk.Core;
using Wsk.Shell;
using Xunit;

namespace Wsk.Properties.Shell;

/// <summary>WskControlClient through the faithful call and the Rx form, on a scripted provider.</summary>
public sealed class ClientControlProperties
{
    private static (WskRegistration, WskProviderNpi, WskProvider) World()
    {
        var provider = new WskProvider(new ScriptedTransport());
        WskRegistration.WskRegister(new WskClientNpi(null, new WskClientDispatch()), provider, out var registration);
        registration.WskCaptureProviderNpi(WskWait.NoWait, out var npi);
        return (registration, npi!, provider);
    }

    private static void End(WskRegistration registration, WskProviderNpi npi)
    {
        registration.WskReleaseProviderNpi(npi);
        registration.WskDeregister();
    }

    private static Gen<WskTransport[]> Subsets => Gen.SubListOf(TransportCatalogue.All.ToArray()).Select(l => l.ToArray());

    [Property(MaxTest = 100)]
    public Property The_size_probe_tells_the_size_and_the_list_never_offers_a_connection_triple_WskSocketConnect_rejects() =>
        Prop.ForAll(
            (from offered in Subsets
             from slack in Gen.Frequency((2, Gen.Constant(0)), (2, Gen.Choose(-60, -1)), (1, Gen.Choose(1, 40)))
             from rx in Gen.Elements(false, true)
             select (offered, slack, rx)).ToArbitrary(),
            input =>
            {
                var (registration, npi, provider) = World();
                provider.SetTransports(input.offered);
                var probe = Call(npi, input.rx, null, 0);
                long needed = probe.OutputSizeReturned;
                int size = (int)Math.Max(0, needed + input.slack);
                var query = Call(npi, input.rx, new byte[size], size);
                var listed = query.Status == NtStatus.Success
                    ? WskTransportCodec.Decode(query.Output.AsSpan(0, (int)query.OutputSizeReturned))
                    : Array.Empty<WskTransport>();
                // Every connection-oriented triple listed is one WskSocketConnect accepts (no transport or family violation).
                bool noFalseOffer = listed.All(t => !TransportCatalogue.Accepts(SocketCategory.Connection, t.SocketType, t.Protocol)
                    || ConnectValidation.Validate(new ConnectRequest(npi.Client.Id, t.SocketType, t.Protocol,
                            t.AddressFamily == AddressFamilies.Inet6 ? SockAddrIn6.Any() : SockAddrIn.Any(),
                            t.AddressFamily == AddressFamilies.Inet6 ? SockAddrIn6.Loopback(80) : SockAddrIn.Loopback(80)), false)
                        .IsSuccess);
                bool probeOk = needed == input.offered.Length * WskTransportCodec.Size
                               && probe.Status == (needed == 0 ? NtStatus.Success : NtStatus.BufferOverflow);
                bool queryOk = size >= needed
                    ? query.Status == NtStatus.Success && listed.SequenceEqual(input.offered)
                    : query.Status == NtStatus.BufferOverflow && query.OutputSizeReturned == needed;
                End(registration, npi);
                return (probeOk && queryOk && noFalseOffer)
                    .Label($"{input.offered.Length} offered, buffer {size}/{needed}: probe {probe.Status}, query {query.Status}, listed {listed.Count}")
                    .Classify(size >= needed, "buffer large enough")
                    .Classify(size < needed, "too small: STATUS_BUFFER_OVERFLOW")
                    .Collect(input.rx ? "Rx" : "faithful");
            });

    private static OperationCompletion Call(WskProviderNpi npi, bool rx, byte[]? output, int size)
    {
        if (rx) return npi.Dispatch.ControlClient(npi.Client, ClientControlCodes.TransportListQuery, outputSize: size).Wait();
        var status = npi.Dispatch.WskControlClient(npi.Client, ClientControlCodes.TransportListQuery, 0, null, size, output, out long returned, null);
        return new OperationCompletion(status, output, returned, status, Array.Empty<RuleViolation<SocketRule>>());
    }

    [Property(MaxTest = 60)]
    public Property No_SD_handle_works_after_its_release() =>
        Prop.ForAll(
            (from uses in Gen.Choose(1, 3)
             from via in Gen.Elements("WskSocketConnect", "WskSocket", "SO_WSK_SECURITY", "WSK_RELEASE_SD")
             from faithfulRelease in Gen.Elements(false, true)
             select (uses, via, faithfulRelease)).ToArbitrary(),
            input =>
            {
                var (registration, npi, _) = World();
                var client = npi.Client;
                var handle = client.CacheSecurityDescriptor(new SecurityDescriptor(new ProcessId(5), Array.Empty<ProcessId>()));
                NtStatus released = input.faithfulRelease
                    ? npi.Dispatch.WskControlClient(client, ClientControlCodes.ReleaseSecurityDescriptor,
                        PointerCodec.Size, PointerCodec.ToBytes(handle), 0, null, out _, null)
                    : client.ReleaseSecurityDescriptor(handle);
                var statuses = Enumerable.Range(0, input.uses).Select(_ => Use(npi, handle, input.via)).ToArray();
                End(registration, npi);
                return (released == NtStatus.Success && statuses.All(s => s == NtStatus.InvalidParameter))
                    .Label($"released {released}; then {input.via}: {string.Join(", ", statuses)}")
                    .Collect(input.via);
            });

    private static NtStatus Use(WskProviderNpi npi, SecurityDescriptorHandle handle, string via)
    {
        var client = npi.Client;
        switch (via)
        {
            case "WskSocketConnect":
                return npi.Dispatch.WskSocketConnect(new ConnectRequest(client.Id, SocketTypes.Stream, Protocols.Tcp, SockAddrIn.Any(),
                    SockAddrIn.Loopback((ushort)Script.InlineSuccess), SecurityDescriptor: handle), new Irp());
            case "WskSocket":
                return npi.Dispatch.WskSocket(new SocketRequest(client.Id, AddressFamilies.Inet, SecurityDescriptor: handle), new Irp());
            case "SO_WSK_SECURITY":
                var irp = new Irp();
                npi.Dispatch.WskSocket(new SocketRequest(client.Id, AddressFamilies.Inet), irp);
                var socket = (WskUnconnectedSocket)irp.IoStatus.Information!;
                var status = socket.WskControlSocket(WskControlSocketType.SetOption, SocketOptionCodes.WskSecurity, SocketOptionCodes.SolSocket,
                    PointerCodec.Size, PointerCodec.ToBytes(handle), 0, null, out _, new Irp());
                socket.WskCloseSocket(new Irp());
                return status;
            default:
                return client.ReleaseSecurityDescriptor(handle);
        }
    }

    [Fact]
    public void Releasing_an_SD_a_pending_connect_uses_is_a_contract_violation_and_works_after_completion()
    {
        var (registration, npi, _) = World();
        var handle = npi.Client.CacheSecurityDescriptor(new SecurityDescriptor(new ProcessId(5), Array.Empty<ProcessId>()));
        var irp = new Irp();
        Assert.Equal(NtStatus.Pending, npi.Dispatch.WskSocketConnect(new ConnectRequest(npi.Client.Id, SocketTypes.Stream, Protocols.Tcp,
            SockAddrIn.Any(), SockAddrIn.Loopback((ushort)Script.PendingRefused), SecurityDescriptor: handle), irp));
        Assert.Equal(CallingRule.SecurityDescriptorInUse,
            Assert.Throws<WskContractViolationException>(() => npi.Client.ReleaseSecurityDescriptor(handle)).Rule);
        ((ScriptedTransport)registration.Transport).SettleAll();
        Assert.Equal(NtStatus.ConnectionRefused, irp.IoStatus.Status);
        Assert.Equal(NtStatus.Success, npi.Client.ReleaseSecurityDescriptor(handle));
        End(registration, npi);
    }

    [Fact]
    public void Static_callbacks_only_before_the_first_socket_and_only_real_events()
    {
        var (registration, npi, _) = World();
        var client = npi.Client;
        Assert.Equal(NtStatus.InvalidParameter, client.SetStaticEventCallbacks(WskEvents.Disable | WskEvents.Receive));
        Assert.Equal(NtStatus.InvalidParameter, npi.Dispatch.WskControlClient(client, ClientControlCodes.SetStaticEventCallbacks,
            EventCallbackControl.Size, new EventCallbackControl(Guid.Empty, WskEvents.Receive), 0, null, out _, null));
        var faithful = npi.Dispatch.WskControlClient(client, ClientControlCodes.SetStaticEventCallbacks, EventCallbackControl.Size,
            new EventCallbackControl(WskEvents.WskInterfaceId, WskEvents.Receive | WskEvents.Disconnect), 0, null, out _, null);
        Assert.Equal(NtStatus.Success, faithful);
        Assert.Equal(WskEvents.Receive | WskEvents.Disconnect, client.StaticEventMask);
        var irp = new Irp();
        npi.Dispatch.WskSocketConnect(ConnectRequest.Tcp(client.Id, SockAddrIn.Loopback((ushort)Script.InlineSuccess)), irp);
        Assert.Equal(NtStatus.InvalidDeviceState, client.SetStaticEventCallbacks(WskEvents.Receive));
        Assert.Equal(NtStatus.InvalidDeviceState, npi.Dispatch.ControlClient(client, ClientControlCodes.SetStaticEventCallbacks,
            new EventCallbackControl(WskEvents.WskInterfaceId, WskEvents.Receive), EventCallbackControl.Size).Wait().Status);
        irp.IoStatus.Socket!.WskCloseSocket(new Irp());
        End(registration, npi);
    }

    [Property(MaxTest = 60)]
    public Property Unknown_codes_TDI_and_IRP_misuse_answer_their_statuses() =>
        Prop.ForAll(
            (from code in Gen.Frequency((3, Gen.Elements(0u, 1u, 9u, 100u, 0xFFFF_FFFFu)), (2, Gen.Elements(ClientControlCodes.TdiDeviceNameMapping,
                ClientControlCodes.TdiBehavior)), (2, Gen.Elements(ClientControlCodes.TransportListQuery, ClientControlCodes.CacheSecurityDescriptor)))
             from withIrp in Gen.Elements(false, true)
             select (code, withIrp)).ToArbitrary(),
            input =>
            {
                var (registration, npi, _) = World();
                var irp = input.withIrp ? new Irp() : null;
                var output = new byte[1024];
                var status = npi.Dispatch.WskControlClient(npi.Client, input.code, 4, new byte[4], output.Length, output, out _, irp);
                var expected = input.code switch
                {
                    ClientControlCodes.TdiDeviceNameMapping or ClientControlCodes.TdiBehavior => NtStatus.NotSupported,
                    ClientControlCodes.TransportListQuery when !input.withIrp => NtStatus.Success,
                    _ => NtStatus.InvalidParameter, // unknown, or an IRP where none is allowed, or a wrong input type
                };
                bool irpOk = irp is null || (irp.CompletionCount == 1 && irp.IoStatus.Status == status);
                End(registration, npi);
                return (status == expected && irpOk).Label($"code {input.code}, IRP {input.withIrp}: {status}, expected {expected}")
                    .Classify(true, expected.Name!).Collect(input.withIrp ? "with IRP" : "no IRP");
            });

    [Fact]
    public void A_transport_list_change_IRP_completes_on_a_change_and_deregister_cancels_the_rest()
    {
        var (registration, npi, provider) = World();
        var faithful = new Irp();
        Assert.Equal(NtStatus.Pending, npi.Dispatch.WskControlClient(npi.Client, ClientControlCodes.TransportListChange, 0, null, 0, null, out _, faithful));
        var rx = npi.Client.TransportListChanges().Replay();
        rx.Connect();
        Assert.Equal(2, registration.PendingCalls);
        provider.SetTransports(TransportCatalogue.All.Where(t => t.AddressFamily == AddressFamilies.Inet));
        Assert.Equal(NtStatus.Success, faithful.IoStatus.Status);
        Assert.Equal(NtStatus.Success, rx.Wait().Status);

        var late = new Irp();
        npi.Dispatch.WskControlClient(npi.Client, ClientControlCodes.TransportListChange, 0, null, 0, null, out _, late);
        var disposed = new Irp();
        npi.Dispatch.WskControlClient(npi.Client, ClientControlCodes.TransportListChange, 0, null, 0, null, out _, disposed);
        Assert.True(disposed.Cancel());
        Assert.Equal(NtStatus.Cancelled, disposed.IoStatus.Status);
        registration.WskReleaseProviderNpi(npi);
        registration.WskDeregister();
        Assert.Equal(NtStatus.Cancelled, late.IoStatus.Status);
        Assert.Equal(1, late.CompletionCount);
    }
}
