using System;
using System.Buffers.Binary;

namespace Wsk.Core;

/// <summary>The facts of one WskControlSocket call on a three-step socket.</summary>
/// <param name="RequestType">WskSetOption, WskGetOption or WskIoctl.</param>
/// <param name="Code">The option name.</param>
/// <param name="Level">The option level.</param>
/// <param name="InputSize">InputSize.</param>
/// <param name="Input">InputBuffer (a ULONG, or a pointer-sized SD handle for SO_WSK_SECURITY).</param>
/// <param name="OutputSize">OutputSize.</param>
/// <param name="OutputCapacity">Length of OutputBuffer, -1 for NULL.</param>
/// <param name="HasIrp">Whether an IRP was given.</param>
/// <param name="Family">The socket's family.</param>
/// <param name="Phase">The socket's phase.</param>
public readonly record struct OptionCall(
    WskControlSocketType RequestType, uint Code, uint Level, long InputSize, byte[]? Input, long OutputSize,
    int OutputCapacity, bool HasIrp, ushort Family, SocketPhase Phase);

/// <summary>What the shell does with an allowed option call.</summary>
public enum OptionAction : byte
{
    /// <summary>Nothing (refused).</summary>
    None,
    /// <summary>
    /// Keep <see cref="OptionDecision.Options"/> as the socket's options (and apply them to the OS socket).
    /// </summary>
    Set,
    /// <summary>Write <see cref="OptionDecision.Value"/> as a ULONG to the output buffer.</summary>
    WriteValue,
    /// <summary>
    /// Cache a copy of the socket's SD for the client and write its handle (0 when the socket has none).
    /// </summary>
    WriteDescriptorCopy,
}

/// <summary>The answer to an option call.</summary>
/// <param name="Status">The status (the IRP completes with it).</param>
/// <param name="Options">The options after the call.</param>
/// <param name="Action">What to do.</param>
/// <param name="Value">For <see cref="OptionAction.WriteValue"/>: the ULONG.</param>
/// <param name="OutputSize">Bytes written to the output buffer.</param>
public readonly record struct OptionDecision(
    NtStatus Status, SocketOptions Options, OptionAction Action, uint Value = 0, long OutputSize = 0);

/// <summary>
/// WskControlSocket for the options the three-step path needs, as a pure decision. Model decisions: every one of these
/// options needs an IRP (STATUS_INVALID_PARAMETER without one); the bind-shaping options (SO_REUSEADDR,
/// SO_EXCLUSIVEADDRUSE, SO_WSK_SECURITY, IPV6_V6ONLY) may be set only before WskBind; turning on one of SO_REUSEADDR /
/// SO_EXCLUSIVEADDRUSE while the other is on is refused (Winsock's WSAEINVAL); IOCTLs are not offered.
/// </summary>
public static class SocketOptionRules
{
    /// <summary>
    /// Decides one call; <paramref name="resolve"/> turns an SD handle of this client into its descriptor (null if not
    /// cached).
    /// </summary>
    public static OptionDecision Decide(
        in OptionCall call, SocketOptions current, Func<SecurityDescriptorHandle, SecurityDescriptor?> resolve)
    {
        var refuse = new OptionDecision(NtStatus.InvalidParameter, current, OptionAction.None);
        if (call.RequestType == WskControlSocketType.Ioctl) return refuse with { Status = NtStatus.NotSupported };
        if (call.RequestType is not (WskControlSocketType.SetOption or WskControlSocketType.GetOption)) return refuse;
        bool set = call.RequestType == WskControlSocketType.SetOption;
        // Connection callbacks exist only once connected.
        if (call.Level == SocketOptionCodes.SolSocket && call.Code == SocketOptionCodes.WskEventCallback && set)
            return refuse with { Status = NtStatus.InvalidDeviceState };
        bool known = call.Level switch
        {
            SocketOptionCodes.SolSocket => call.Code is SocketOptionCodes.ReuseAddress
                or SocketOptionCodes.ExclusiveAddressUse or SocketOptionCodes.KeepAlive
                or SocketOptionCodes.WskSecurity,
            SocketOptionCodes.IpProtoIpv6 =>
                call.Code == SocketOptionCodes.Ipv6V6Only && call.Family == AddressFamilies.Inet6,
            _ => false,
        };
        if (!known || !call.HasIrp) return refuse;
        bool security = call.Code == SocketOptionCodes.WskSecurity;
        int size = security ? PointerCodec.Size : sizeof(uint);
        if (!set)
        {
            if (call.OutputSize < size || call.OutputCapacity < call.OutputSize) return refuse;
            return security
                ? new OptionDecision(NtStatus.Success, current, OptionAction.WriteDescriptorCopy, OutputSize: size)
                : new OptionDecision(
                    NtStatus.Success, current, OptionAction.WriteValue, ValueOf(call.Code, current), size);
        }
        if (call.InputSize != size || call.Input is null || call.Input.Length < size) return refuse;
        bool shapesBind = call.Code != SocketOptionCodes.KeepAlive;
        if (shapesBind && call.Phase != SocketPhase.Created) return refuse;
        if (security)
        {
            var handle = PointerCodec.Read(call.Input);
            // A NULL pointer restores the default SD (the address is not shared).
            if (handle.Value == 0) return Set(current with { Descriptor = null });
            return resolve(handle) is { } descriptor ? Set(current with { Descriptor = descriptor }) : refuse;
        }
        bool on = BinaryPrimitives.ReadUInt32LittleEndian(call.Input) != 0;
        return call.Code switch
        {
            SocketOptionCodes.ReuseAddress when on && current.Share == ShareOption.ExclusiveAddressUse => refuse,
            SocketOptionCodes.ExclusiveAddressUse when on && current.Share == ShareOption.ReuseAddress => refuse,
            SocketOptionCodes.ReuseAddress => Share(current, ShareOption.ReuseAddress, on),
            SocketOptionCodes.ExclusiveAddressUse => Share(current, ShareOption.ExclusiveAddressUse, on),
            SocketOptionCodes.KeepAlive => Set(current with { KeepAlive = on }),
            _ => Set(current with { V6Only = on }),
        };
    }

    /// <summary>Turns <paramref name="option"/> on, or off if it is the one on.</summary>
    private static OptionDecision Share(SocketOptions current, ShareOption option, bool on) =>
        Set(current with { Share = on ? option : current.Share == option ? ShareOption.None : current.Share });

    private static OptionDecision Set(SocketOptions options) => new(NtStatus.Success, options, OptionAction.Set);

    private static uint ValueOf(uint code, SocketOptions o) => code switch
    {
        SocketOptionCodes.ReuseAddress => o.Share == ShareOption.ReuseAddress ? 1u : 0u,
        SocketOptionCodes.ExclusiveAddressUse => o.Share == ShareOption.ExclusiveAddressUse ? 1u : 0u,
        SocketOptionCodes.KeepAlive => o.KeepAlive ? 1u : 0u,
        _ => o.V6Only ? 1u : 0u,
    };
}
