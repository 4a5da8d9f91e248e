using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Reactive.Concurrency;
using Wsk.Core;

namespace Wsk.Shell;

/// <summary>
/// The outcome of one WskSocket: the unbound socket exactly on STATUS_SUCCESS (the receiver closes it).
/// </summary>
/// <param name="Status">The IRP's final status.</param>
/// <param name="Socket">The new socket on success.</param>
/// <param name="ReturnStatus">What the call returned.</param>
/// <param name="Violations">For a rejected call, every rule it broke.</param>
public sealed record SocketCompletion(
    NtStatus Status, WskUnconnectedSocket? Socket, NtStatus ReturnStatus,
    IReadOnlyList<RuleViolation<SocketRule>> Violations) : IWskCompletion
{
    /// <summary>True when the socket was created: STATUS_SUCCESS, and <see cref="Socket"/> is the new socket.</summary>
    [MemberNotNullWhen(true, nameof(Socket))]
    public bool IsSuccess => Status == NtStatus.Success && Socket is not null;

    /// <inheritdoc/>
    public bool IsRejected => Violations.Count > 0 || Violations is NotSubmitted<SocketRule>;

    internal static SocketCompletion From(
        Irp irp, NtStatus returned, IReadOnlyList<RuleViolation<SocketRule>> violations) =>
        new(irp.FinalStatusOfFreshCall(returned), irp.IoStatus.Information as WskUnconnectedSocket, returned,
            NotSubmitted<SocketRule>.Unless(irp, returned, violations));
}

/// <summary>
/// The outcome of an IRP-based call that makes no socket (WskBind, WskControlSocket, WskControlClient).
/// </summary>
/// <param name="Status">The IRP's final status (or the return status of a call made without an IRP).</param>
/// <param name="Output">What the call wrote to its output buffer (null when it had none).</param>
/// <param name="OutputSizeReturned">Bytes written, or bytes needed with STATUS_BUFFER_OVERFLOW.</param>
/// <param name="ReturnStatus">What the call returned.</param>
/// <param name="Violations">For a rejected WskBind, every rule it broke.</param>
public sealed record OperationCompletion(
    NtStatus Status, byte[]? Output, long OutputSizeReturned, NtStatus ReturnStatus,
    IReadOnlyList<RuleViolation<SocketRule>> Violations) : IWskCompletion
{
    /// <inheritdoc/>
    public bool IsRejected => Violations.Count > 0 || Violations is NotSubmitted<SocketRule>;

    /// <summary>The output as a ULONG (an option's value), or null when fewer than 4 bytes came back.</summary>
    public uint? Value =>
        Output is { Length: >= 4 } && Status.IsSuccess ? BinaryPrimitives.ReadUInt32LittleEndian(Output) : null;

    /// <summary>A call with no output buffer: its status, and the rules it broke when it was rejected.</summary>
    internal static OperationCompletion From(
        Irp irp, NtStatus returned, IReadOnlyList<RuleViolation<SocketRule>> violations) =>
        new(irp.FinalStatusOfFreshCall(returned), null, 0, returned,
            NotSubmitted<SocketRule>.Unless(irp, returned, violations));
}

/// <summary>
/// The reactive forms of the three-step path: cold observables, one call with its own IRP per
/// subscription, exactly one completion then <c>OnCompleted</c>; a failure is a status, a caller bug an <c>OnError</c>;
/// disposing a pending call cancels its IRP, and a socket that arrives anyway is closed. Each takes an optional
/// scheduler for the delivery, as
/// <see cref="WskProviderDispatchReactive.ConnectObservable(WskProviderDispatch, ConnectRequest, IScheduler?)"/>
/// does.
/// </summary>
public static class WskThreeStep
{
    private static readonly Action<Irp> CloseOrphanSocket =
        static irp => (irp.IoStatus.Information as WskUnconnectedSocket)?.WskCloseSocket(new Irp());

    /// <summary>WskSocket.</summary>
    public static IObservable<SocketCompletion> Socket(this WskProviderDispatch dispatch, SocketRequest request,
        IScheduler? scheduler = null)
    {
        ArgumentNullException.ThrowIfNull(dispatch);
        ArgumentNullException.ThrowIfNull(request);
        return new IrpObservable<(WskProviderDispatch, SocketRequest), IReadOnlyList<RuleViolation<SocketRule>>,
            SocketCompletion>((dispatch, request),
            static (s, irp) => (s.Item1.WskSocket(s.Item2, irp, out var violations), violations),
            SocketCompletion.From, CloseOrphanSocket, scheduler);
    }

    /// <summary>WskBind.</summary>
    public static IObservable<OperationCompletion> Bind(this WskUnconnectedSocket socket, SockAddr localAddress,
        IScheduler? scheduler = null)
    {
        ArgumentNullException.ThrowIfNull(socket);
        return new IrpObservable<(WskUnconnectedSocket, SockAddr), IReadOnlyList<RuleViolation<SocketRule>>,
            OperationCompletion>((socket, localAddress),
            static (s, irp) => (s.Item1.WskBind(s.Item2, 0, irp, out var violations), violations),
            OperationCompletion.From, null, scheduler);
    }

    /// <summary>
    /// WskConnect: the connected <see cref="WskConnectedSocket"/> in the completion, as WskSocketConnect's observable
    /// gives it. Its <see cref="ConnectCompletion.Violations"/> stay empty: a rejected WskConnect breaks three-step
    /// rules, which the call with the out list gives.
    /// </summary>
    public static IObservable<ConnectCompletion> ConnectObservable(this WskUnconnectedSocket socket,
        SockAddr remoteAddress, IScheduler? scheduler = null)
    {
        ArgumentNullException.ThrowIfNull(socket);
        return new IrpObservable<(WskUnconnectedSocket, SockAddr), ConnectCompletion>((socket, remoteAddress),
            static (s, irp) => s.Item1.WskConnect(s.Item2, 0, irp),
            static (irp, returned) => ConnectCompletion.From(irp, returned, Array.Empty<RuleViolation<ConnectRule>>()),
            WskProviderDispatchReactive.CloseOrphan, scheduler);
    }

    /// <summary>WskConnect to the address an <see cref="IPEndPoint"/> names.</summary>
    /// <exception cref="ArgumentException">A <see cref="DnsEndPoint"/> (a connect does not resolve names) or any end
    /// point other than an IPv4 or IPv6 <see cref="IPEndPoint"/>; thrown at the call.</exception>
    public static IObservable<ConnectCompletion> ConnectObservable(this WskUnconnectedSocket socket,
        EndPoint remoteEndPoint, IScheduler? scheduler = null) =>
        socket.ConnectObservable(SockAddr.FromEndPoint(remoteEndPoint), scheduler);

    /// <summary>
    /// WskControlSocket: WskSetOption with <paramref name="input"/>, or WskGetOption into
    /// <paramref name="outputSize"/> bytes.
    /// </summary>
    public static IObservable<OperationCompletion> ControlSocket(this WskUnconnectedSocket socket,
        WskControlSocketType requestType, uint level, uint code, byte[]? input = null, int outputSize = 0,
        IScheduler? scheduler = null)
    {
        ArgumentNullException.ThrowIfNull(socket);
        return new IrpObservable<ControlCall, byte[]?, OperationCompletion>(
            new ControlCall(socket, requestType, level, code, input, outputSize),
            static (c, irp) =>
            {
                // Each subscription has its own output buffer; it travels with the call's result to the completion.
                var output = c.OutputSize > 0 ? new byte[c.OutputSize] : null;
                var returned = c.Socket.WskControlSocket(c.Type, c.Code, c.Level, c.Input?.Length ?? 0, c.Input,
                    output?.Length ?? 0, output, out _, irp);
                return (returned, output);
            },
            static (irp, returned, output) => new OperationCompletion(irp.IoStatus.Status, output,
                irp.IoStatus.Information is long n ? n : 0, returned, Array.Empty<RuleViolation<SocketRule>>()), null,
            scheduler);
    }

    /// <summary>
    /// WskSetOption of a ULONG option (SO_REUSEADDR, SO_EXCLUSIVEADDRUSE, SO_KEEPALIVE, IPV6_V6ONLY).
    /// </summary>
    public static IObservable<OperationCompletion> SetOption(this WskUnconnectedSocket socket, uint level, uint code,
        uint value, IScheduler? scheduler = null)
    {
        var input = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(input, value);
        return socket.ControlSocket(WskControlSocketType.SetOption, level, code, input, scheduler: scheduler);
    }

    /// <summary>WskGetOption of a ULONG option: <see cref="OperationCompletion.Value"/> holds it.</summary>
    public static IObservable<OperationCompletion> GetOption(this WskUnconnectedSocket socket, uint level, uint code,
        IScheduler? scheduler = null) =>
        socket.ControlSocket(WskControlSocketType.GetOption, level, code, outputSize: sizeof(uint),
            scheduler: scheduler);

    private sealed record ControlCall(
        WskUnconnectedSocket Socket, WskControlSocketType Type, uint Level, uint Code, byte[]? Input, int OutputSize);
}
