using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using Wsk.Core;

namespace Wsk.Shell;

/// <summary>The outcome of one WskSocket: the unbound socket exactly on STATUS_SUCCESS (the receiver closes it).</summary>
/// <param name="Status">The IRP's final status.</param>
/// <param name="Socket">The new socket on success.</param>
/// <param name="ReturnStatus">What the call returned.</param>
/// <param name="Violations">For a rejected call, every rule it broke.</param>
public sealed record SocketCompletion(NtStatus Status, WskUnconnectedSocket? Socket, NtStatus ReturnStatus, IReadOnlyList<SocketViolation> Violations)
{
    internal static SocketCompletion From(Irp irp, NtStatus returned) =>
        new(irp.FinalStatusOfFreshCall(returned), irp.IoStatus.Information as WskUnconnectedSocket, returned, irp.SocketViolations());
}

/// <summary>The outcome of an IRP-based call that makes no socket (WskBind, WskControlSocket, WskControlClient).</summary>
/// <param name="Status">The IRP's final status (or the return status of a call made without an IRP).</param>
/// <param name="Output">What the call wrote to its output buffer (null when it had none).</param>
/// <param name="OutputSizeReturned">Bytes written, or bytes needed with STATUS_BUFFER_OVERFLOW.</param>
/// <param name="ReturnStatus">What the call returned.</param>
/// <param name="Violations">For a rejected WskBind, every rule it broke.</param>
public sealed record OperationCompletion(NtStatus Status, byte[]? Output, long OutputSizeReturned, NtStatus ReturnStatus,
    IReadOnlyList<SocketViolation> Violations)
{
    /// <summary>The output as a ULONG (an option's value), or null when fewer than 4 bytes came back.</summary>
    public uint? Value => Output is { Length: >= 4 } && Status.IsSuccess ? BinaryPrimitives.ReadUInt32LittleEndian(Output) : null;
}

/// <summary>
/// The reactive forms of the three-step path (wsk-contract §1): cold observables, one call with its own IRP per
/// subscription, exactly one completion then <c>OnCompleted</c>; a failure is a status, a caller bug an <c>OnError</c>;
/// disposing a pending call cancels its IRP, and a socket that arrives anyway is closed.
/// </summary>
public static class WskThreeStep
{
    private static readonly Action<Irp> CloseOrphanSocket = static irp => (irp.IoStatus.Information as WskUnconnectedSocket)?.WskCloseSocket(new Irp());

    /// <summary>WskSocket.</summary>
    public static IObservable<SocketCompletion> Socket(this WskProviderDispatch dispatch, SocketRequest request)
    {
        ArgumentNullException.ThrowIfNull(dispatch);
        ArgumentNullException.ThrowIfNull(request);
        return new IrpObservable<(WskProviderDispatch, SocketRequest), SocketCompletion>((dispatch, request),
            static (s, irp) => s.Item1.WskSocket(s.Item2, irp), SocketCompletion.From, CloseOrphanSocket);
    }

    /// <summary>WskBind.</summary>
    public static IObservable<OperationCompletion> Bind(this WskUnconnectedSocket socket, SockAddr localAddress)
    {
        ArgumentNullException.ThrowIfNull(socket);
        return new IrpObservable<(WskUnconnectedSocket, SockAddr), OperationCompletion>((socket, localAddress),
            static (s, irp) => s.Item1.WskBind(s.Item2, 0, irp),
            static (irp, returned) => new OperationCompletion(irp.FinalStatusOfFreshCall(returned), null, 0, returned, irp.SocketViolations()), null);
    }

    /// <summary>WskConnect: the connected <see cref="WskConnectedSocket"/> in the completion, as WskSocketConnect's observable gives it.</summary>
    public static IObservable<ConnectCompletion> Connect(this WskUnconnectedSocket socket, SockAddr remoteAddress)
    {
        ArgumentNullException.ThrowIfNull(socket);
        return new IrpObservable<(WskUnconnectedSocket, SockAddr), ConnectCompletion>((socket, remoteAddress),
            static (s, irp) => s.Item1.WskConnect(s.Item2, 0, irp), ConnectCompletion.From, WskProviderDispatchReactive.CloseOrphan);
    }

    /// <summary>WskControlSocket: WskSetOption with <paramref name="input"/>, or WskGetOption into <paramref name="outputSize"/> bytes.</summary>
    public static IObservable<OperationCompletion> ControlSocket(this WskUnconnectedSocket socket, WskControlSocketType requestType, uint level, uint code,
        byte[]? input = null, int outputSize = 0)
    {
        ArgumentNullException.ThrowIfNull(socket);
        return new IrpObservable<ControlCall, OperationCompletion>(new ControlCall(socket, requestType, level, code, input, outputSize),
            static (c, irp) =>
            {
                // Each subscription has its own IRP, so the IRP can carry its own output buffer to the result.
                var output = c.OutputSize > 0 ? new byte[c.OutputSize] : null;
                if (output is not null) OutputOf.AddOrUpdate(irp, output);
                return c.Socket.WskControlSocket(c.Type, c.Code, c.Level, c.Input?.Length ?? 0, c.Input, output?.Length ?? 0, output, out _, irp);
            },
            static (irp, returned) => new OperationCompletion(irp.IoStatus.Status, OutputOf.TryGetValue(irp, out var o) ? o : null,
                irp.IoStatus.Information is long n ? n : 0, returned, Array.Empty<SocketViolation>()), null);
    }

    /// <summary>WskSetOption of a ULONG option (SO_REUSEADDR, SO_EXCLUSIVEADDRUSE, SO_KEEPALIVE, IPV6_V6ONLY).</summary>
    public static IObservable<OperationCompletion> SetOption(this WskUnconnectedSocket socket, uint level, uint code, uint value)
    {
        var input = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(input, value);
        return socket.ControlSocket(WskControlSocketType.SetOption, level, code, input);
    }

    /// <summary>WskGetOption of a ULONG option: <see cref="OperationCompletion.Value"/> holds it.</summary>
    public static IObservable<OperationCompletion> GetOption(this WskUnconnectedSocket socket, uint level, uint code) =>
        socket.ControlSocket(WskControlSocketType.GetOption, level, code, outputSize: sizeof(uint));

    private sealed record ControlCall(WskUnconnectedSocket Socket, WskControlSocketType Type, uint Level, uint Code, byte[]? Input, int OutputSize);

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<Irp, byte[]> OutputOf = new();
}
