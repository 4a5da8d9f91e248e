using System;
using System.Linq;
using Wsk.Core;
using Xunit;

namespace Wsk.Properties.Core;

/// <summary>
/// WskControlClient's rules and the two codecs it writes with, case by case: each control code's IRP rule, its buffer
/// rules, the size probe of the transport list, and the byte layouts.
/// </summary>
public class ClientControlRuleFacts
{
    private static ClientControlDecision Decide(uint code, bool irp = false, long inSize = 0, object? input = null, long outSize = 0,
        int capacity = 0, int transports = 0, bool sockets = false) =>
        ClientControlRules.Decide(new ClientControlCall(code, irp, inSize, input, outSize, capacity, transports, sockets));

    private static readonly ClientControlDecision Invalid = new(NtStatus.InvalidParameter, ClientControlAction.None);

    [Fact]
    public void Control_codes_and_event_bits_are_the_documented_numbers()
    {
        Assert.Equal(new uint[] { 2, 3, 4, 5, 6, 7, 8 }, new[]
        {
            ClientControlCodes.TransportListQuery, ClientControlCodes.TransportListChange, ClientControlCodes.CacheSecurityDescriptor,
            ClientControlCodes.ReleaseSecurityDescriptor, ClientControlCodes.TdiDeviceNameMapping, ClientControlCodes.SetStaticEventCallbacks,
            ClientControlCodes.TdiBehavior,
        });
        Assert.Equal(0x10u | 0x40u | 0x80u, WskEvents.ConnectionEvents);
        Assert.Equal(0x10u | 0x40u | 0x80u | 0x100u | 0x200u, WskEvents.All);
        Assert.Equal(0x8000_0000u, WskEvents.Disable);
        Assert.Equal(new Guid("2227e803-8d8b-11d4-abad-009027719e09"), WskEvents.WskInterfaceId);
        Assert.Equal((16, 28, 8), (EventCallbackControl.Size, WskTransportCodec.Size, PointerCodec.Size));
    }

    [Fact]
    public void The_transport_list_query_probes_its_size_then_writes_the_list()
    {
        // 3 transports need 84 bytes: a smaller buffer (none included) learns the size with BUFFER_OVERFLOW.
        Assert.Equal(new ClientControlDecision(NtStatus.BufferOverflow, ClientControlAction.None, 84), Decide(2, transports: 3));
        Assert.Equal(new ClientControlDecision(NtStatus.BufferOverflow, ClientControlAction.None, 84), Decide(2, outSize: 83, capacity: 83, transports: 3));
        Assert.Equal(new ClientControlDecision(NtStatus.Success, ClientControlAction.WriteTransportList, 84),
            Decide(2, outSize: 84, capacity: 84, transports: 3));
        Assert.Equal(new ClientControlDecision(NtStatus.Success, ClientControlAction.WriteTransportList, 84),
            Decide(2, outSize: 100, capacity: 100, transports: 3));
        Assert.Equal(Invalid, Decide(2, outSize: 84, capacity: 83, transports: 3));  // a buffer claiming more than it has
        Assert.Equal(Invalid, Decide(2, irp: true, outSize: 84, capacity: 84, transports: 3)); // the query takes no IRP
        // No transports: nothing to write, and an empty buffer is enough even if it claims more.
        Assert.Equal(new ClientControlDecision(NtStatus.Success, ClientControlAction.WriteTransportList, 0), Decide(2));
        Assert.Equal(new ClientControlDecision(NtStatus.Success, ClientControlAction.WriteTransportList, 0), Decide(2, outSize: 8, capacity: 0));
        Assert.Equal(28L * 1000, WskTransportCodec.SizeFor(1000));
        Assert.Equal(28L * int.MaxValue, WskTransportCodec.SizeFor(int.MaxValue)); // no overflow
    }

    [Fact]
    public void Each_control_code_has_its_IRP_rule_and_buffer_rules()
    {
        // The change notification needs an IRP and stays pending.
        Assert.Equal(new ClientControlDecision(NtStatus.Pending, ClientControlAction.ArmTransportListChange), Decide(3, irp: true));
        Assert.Equal(Invalid, Decide(3));
        // Cache SD: a descriptor in, a pointer out, no IRP.
        var sd = new SecurityDescriptor(new ProcessId(1), Array.Empty<ProcessId>());
        var cached = new ClientControlDecision(NtStatus.Success, ClientControlAction.CacheSecurityDescriptor, 8);
        Assert.Equal(cached, Decide(4, inSize: 1, input: sd, outSize: 8, capacity: 8));
        Assert.Equal(cached, Decide(4, inSize: 1, input: sd, outSize: 8, capacity: 16));
        Assert.Equal(Invalid, Decide(4, irp: true, inSize: 1, input: sd, outSize: 8, capacity: 8));
        Assert.Equal(Invalid, Decide(4, inSize: 0, input: sd, outSize: 8, capacity: 8));
        Assert.Equal(Invalid, Decide(4, inSize: 1, input: "sd", outSize: 8, capacity: 8));
        Assert.Equal(Invalid, Decide(4, inSize: 1, input: sd, outSize: 7, capacity: 8));
        Assert.Equal(Invalid, Decide(4, inSize: 1, input: sd, outSize: 8, capacity: 7));
        // Release SD: exactly a pointer in, no IRP.
        var released = new ClientControlDecision(NtStatus.Success, ClientControlAction.ReleaseSecurityDescriptor);
        Assert.Equal(released, Decide(5, inSize: 8, input: new byte[8]));
        Assert.Equal(released, Decide(5, inSize: 8, input: new byte[9]));
        Assert.Equal(Invalid, Decide(5, irp: true, inSize: 8, input: new byte[8]));
        Assert.Equal(Invalid, Decide(5, inSize: 7, input: new byte[8]));
        Assert.Equal(Invalid, Decide(5, inSize: 9, input: new byte[9]));
        Assert.Equal(Invalid, Decide(5, inSize: 8, input: new byte[7]));
        Assert.Equal(Invalid, Decide(5, inSize: 8, input: sd));
        // TDI codes are not offered; unknown codes are invalid.
        Assert.Equal(new ClientControlDecision(NtStatus.NotSupported, ClientControlAction.None), Decide(6));
        Assert.Equal(new ClientControlDecision(NtStatus.NotSupported, ClientControlAction.None), Decide(8, irp: true));
        Assert.Equal(Invalid, Decide(0));
        Assert.Equal(Invalid, Decide(1));
        Assert.Equal(Invalid, Decide(9));
    }

    [Fact]
    public void Static_event_callbacks_need_the_WSK_interface_a_known_mask_and_no_socket_yet()
    {
        var good = new EventCallbackControl(WskEvents.WskInterfaceId, WskEvents.Receive);
        var set = new ClientControlDecision(NtStatus.Success, ClientControlAction.SetStaticEventCallbacks);
        Assert.Equal(set, Decide(7, inSize: 16, input: good));
        Assert.Equal(set, Decide(7, inSize: 16, input: good with { EventMask = WskEvents.All }));
        Assert.Equal(new ClientControlDecision(NtStatus.InvalidDeviceState, ClientControlAction.None), Decide(7, inSize: 16, input: good, sockets: true));
        Assert.Equal(Invalid, Decide(7, irp: true, inSize: 16, input: good));
        Assert.Equal(Invalid, Decide(7, inSize: 15, input: good));
        Assert.Equal(Invalid, Decide(7, inSize: 16, input: new byte[16]));
        Assert.Equal(Invalid, Decide(7, inSize: 16, input: good with { NpiId = Guid.Empty }));
        Assert.Equal(Invalid, Decide(7, inSize: 16, input: good with { EventMask = 0 }));
        Assert.Equal(Invalid, Decide(7, inSize: 16, input: good with { EventMask = WskEvents.Receive | 0x1 }));
        Assert.Equal(Invalid, Decide(7, inSize: 16, input: good with { EventMask = WskEvents.Disable | WskEvents.Receive }));
    }

    [Fact]
    public void Transport_entries_and_pointers_have_their_byte_layout_and_round_trip()
    {
        var provider = new Guid("01234567-89ab-cdef-0123-456789abcdef");
        var list = new[] { new WskTransport(0x0100, 1, 6, 2, provider), new WskTransport(0x0302, 2, 17, 23, Guid.Empty) };
        var bytes = new byte[WskTransportCodec.SizeFor(list.Length)];
        bytes.AsSpan().Fill(0xEE); // the reserved bytes must be cleared, not left as they were
        WskTransportCodec.Encode(list, bytes);
        Assert.Equal(new byte[] { 0x00, 0x01, 1, 0, 6, 0, 0, 0, 2, 0, 0, 0 }, bytes[..12]);
        Assert.Equal(provider.ToByteArray(), bytes[12..28]);
        Assert.Equal(new byte[] { 0x02, 0x03, 2, 0, 17, 0, 0, 0, 23, 0, 0, 0 }, bytes[28..40]);
        Assert.Equal(Guid.Empty.ToByteArray(), bytes[40..56]);
        Assert.Equal(list, WskTransportCodec.Decode(bytes));
        Assert.Empty(WskTransportCodec.Decode(bytes.AsSpan(0, 27)));           // a partial entry is not an entry
        Assert.Single(WskTransportCodec.Decode(bytes.AsSpan(0, 55)));

        var handle = new SecurityDescriptorHandle(0x0102_0304_0506_0708);
        var pointer = PointerCodec.ToBytes(handle);
        Assert.Equal(new byte[] { 8, 7, 6, 5, 4, 3, 2, 1 }, pointer);
        Assert.Equal(handle, PointerCodec.Read(pointer));
        Assert.Equal(new SecurityDescriptorHandle(-2), PointerCodec.Read(PointerCodec.ToBytes(new SecurityDescriptorHandle(-2))));
        Assert.True(new[] { 0L, 1L, long.MaxValue, long.MinValue }.All(v => PointerCodec.Read(PointerCodec.ToBytes(new(v))).Value == v));
    }
}
