using System;
using System.Buffers.Binary;

namespace Wsk.Core;

/// <summary>Where a three-step connection socket is in its life.</summary>
public enum SocketPhase : byte
{
    /// <summary>Created by WskSocket, not bound: options that shape the bind may still change.</summary>
    Created,
    /// <summary>WskBind succeeded.</summary>
    Bound,
    /// <summary>A WskConnect is pending.</summary>
    Connecting,
    /// <summary>WskConnect succeeded: the socket is the connected socket from here on.</summary>
    Connected,
    /// <summary>A WskConnect failed: the transport socket is gone and only WskCloseSocket remains (STATUS_FILE_FORCED_CLOSED).</summary>
    Failed,
    /// <summary>WskCloseSocket was called.</summary>
    Closed,
}

/// <summary>What happened to a three-step socket.</summary>
public enum SocketStep : byte
{
    /// <summary>WskBind succeeded.</summary>
    Bound,
    /// <summary>WskConnect was admitted and handed to the transport.</summary>
    ConnectStarted,
    /// <summary>The connect completed with STATUS_SUCCESS.</summary>
    Connected,
    /// <summary>The connect completed with a failure (or was cancelled): the socket cannot be used any more.</summary>
    ConnectFailed,
    /// <summary>WskCloseSocket.</summary>
    Closed,
}

/// <summary>The socket's life as a fold (admission is <see cref="SocketValidation"/>: it decides which steps may happen).</summary>
public static class UnconnectedSocketDecider
{
    /// <summary>The phase after <paramref name="step"/>; a step the phase cannot take leaves it unchanged.</summary>
    public static SocketPhase Evolve(SocketPhase phase, SocketStep step) => (phase, step) switch
    {
        (_, SocketStep.Closed) => SocketPhase.Closed,
        (SocketPhase.Created, SocketStep.Bound) => SocketPhase.Bound,
        (SocketPhase.Bound, SocketStep.ConnectStarted) => SocketPhase.Connecting,
        (SocketPhase.Connecting, SocketStep.Connected) => SocketPhase.Connected,
        (SocketPhase.Connecting, SocketStep.ConnectFailed) => SocketPhase.Failed,
        _ => phase,
    };
}

/// <summary>WskControlSocket's RequestType (WSK_CONTROL_SOCKET_TYPE).</summary>
public static class ControlSocketRequests
{
    /// <summary>WskSetOption.</summary>
    public const uint SetOption = 0;
    /// <summary>WskGetOption.</summary>
    public const uint GetOption = 1;
    /// <summary>WskIoctl.</summary>
    public const uint Ioctl = 2;
}

/// <summary>Option levels and names this library implements (ws2def.h / ws2ipdef.h / wsk.h values).</summary>
public static class SocketOptionCodes
{
    /// <summary>SOL_SOCKET.</summary>
    public const uint SolSocket = 0xFFFF;
    /// <summary>IPPROTO_IPV6 as an option level.</summary>
    public const uint IpProtoIpv6 = 41;
    /// <summary>SO_REUSEADDR.</summary>
    public const uint ReuseAddress = 0x0004;
    /// <summary>SO_KEEPALIVE.</summary>
    public const uint KeepAlive = 0x0008;
    /// <summary>SO_EXCLUSIVEADDRUSE = ~SO_REUSEADDR.</summary>
    public const uint ExclusiveAddressUse = ~ReuseAddress;
    /// <summary>SO_WSK_SECURITY.</summary>
    public const uint WskSecurity = 0x4001;
    /// <summary>SO_WSK_EVENT_CALLBACK (a connected socket's business; refused before connect).</summary>
    public const uint WskEventCallback = 0x4002;
    /// <summary>IPV6_V6ONLY.</summary>
    public const uint Ipv6V6Only = 27;
}

/// <summary>
/// The options of a three-step socket, as one value. <see cref="V6Only"/> starts true, as on Windows (Linux's default
/// is the opposite; the real transport sets the model's value on every IPv6 socket).
/// </summary>
/// <param name="Share">SO_REUSEADDR / SO_EXCLUSIVEADDRUSE (at most one is on).</param>
/// <param name="V6Only">IPV6_V6ONLY (IPv6 sockets).</param>
/// <param name="KeepAlive">SO_KEEPALIVE.</param>
/// <param name="Descriptor">The SD the address will carry (SO_WSK_SECURITY or WskSocket's SecurityDescriptor); null = default.</param>
public sealed record SocketOptions(ShareOption Share = ShareOption.None, bool V6Only = true, bool KeepAlive = false, SecurityDescriptor? Descriptor = null)
{
    /// <summary>A fresh socket's options.</summary>
    public static SocketOptions Default { get; } = new();
}

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
    uint RequestType, uint Code, uint Level, long InputSize, byte[]? Input, long OutputSize, int OutputCapacity, bool HasIrp,
    ushort Family, SocketPhase Phase);

/// <summary>What the shell does with an allowed option call.</summary>
public enum OptionAction : byte
{
    /// <summary>Nothing (refused).</summary>
    None,
    /// <summary>Keep <see cref="OptionDecision.Options"/> as the socket's options (and apply them to the OS socket).</summary>
    Set,
    /// <summary>Write <see cref="OptionDecision.Value"/> as a ULONG to the output buffer.</summary>
    WriteValue,
    /// <summary>Cache a copy of the socket's SD for the client and write its handle (0 when the socket has none).</summary>
    WriteDescriptorCopy,
}

/// <summary>The answer to an option call.</summary>
/// <param name="Status">The status (the IRP completes with it).</param>
/// <param name="Options">The options after the call.</param>
/// <param name="Action">What to do.</param>
/// <param name="Value">For <see cref="OptionAction.WriteValue"/>: the ULONG.</param>
/// <param name="OutputSize">Bytes written to the output buffer.</param>
public readonly record struct OptionDecision(NtStatus Status, SocketOptions Options, OptionAction Action, uint Value = 0, long OutputSize = 0);

/// <summary>
/// WskControlSocket for the options the three-step path needs (wsk-contract §6, §9), as a pure decision. Model decisions:
/// every one of these options needs an IRP (STATUS_INVALID_PARAMETER without one); the bind-shaping options
/// (SO_REUSEADDR, SO_EXCLUSIVEADDRUSE, SO_WSK_SECURITY, IPV6_V6ONLY) may be set only before WskBind; turning on one of
/// SO_REUSEADDR / SO_EXCLUSIVEADDRUSE while the other is on is refused (Winsock's WSAEINVAL); IOCTLs are not offered.
/// </summary>
public static class SocketOptionRules
{
    /// <summary>Decides one call; <paramref name="resolve"/> turns an SD handle of this client into its descriptor (null if not cached).</summary>
    public static OptionDecision Decide(in OptionCall call, SocketOptions current, Func<SecurityDescriptorHandle, SecurityDescriptor?> resolve)
    {
        var refuse = new OptionDecision(NtStatus.InvalidParameter, current, OptionAction.None);
        if (call.RequestType == ControlSocketRequests.Ioctl) return refuse with { Status = NtStatus.NotSupported };
        if (call.RequestType is not (ControlSocketRequests.SetOption or ControlSocketRequests.GetOption)) return refuse;
        bool set = call.RequestType == ControlSocketRequests.SetOption;
        if (call.Level == SocketOptionCodes.SolSocket && call.Code == SocketOptionCodes.WskEventCallback && set)
            return refuse with { Status = NtStatus.InvalidDeviceState }; // connection callbacks exist only once connected
        bool known = call.Level switch
        {
            SocketOptionCodes.SolSocket => call.Code is SocketOptionCodes.ReuseAddress or SocketOptionCodes.ExclusiveAddressUse
                or SocketOptionCodes.KeepAlive or SocketOptionCodes.WskSecurity,
            SocketOptionCodes.IpProtoIpv6 => call.Code == SocketOptionCodes.Ipv6V6Only && call.Family == AddressFamilies.Inet6,
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
                : new OptionDecision(NtStatus.Success, current, OptionAction.WriteValue, ValueOf(call.Code, current), size);
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
            SocketOptionCodes.ReuseAddress => Set(current with { Share = on ? ShareOption.ReuseAddress : Off(current, ShareOption.ReuseAddress) }),
            SocketOptionCodes.ExclusiveAddressUse =>
                Set(current with { Share = on ? ShareOption.ExclusiveAddressUse : Off(current, ShareOption.ExclusiveAddressUse) }),
            SocketOptionCodes.KeepAlive => Set(current with { KeepAlive = on }),
            _ => Set(current with { V6Only = on }),
        };
    }

    private static ShareOption Off(SocketOptions current, ShareOption option) => current.Share == option ? ShareOption.None : current.Share;

    private static OptionDecision Set(SocketOptions options) => new(NtStatus.Success, options, OptionAction.Set);

    private static uint ValueOf(uint code, SocketOptions o) => code switch
    {
        SocketOptionCodes.ReuseAddress => o.Share == ShareOption.ReuseAddress ? 1u : 0u,
        SocketOptionCodes.ExclusiveAddressUse => o.Share == ShareOption.ExclusiveAddressUse ? 1u : 0u,
        SocketOptionCodes.KeepAlive => o.KeepAlive ? 1u : 0u,
        _ => o.V6Only ? 1u : 0u,
    };
}
