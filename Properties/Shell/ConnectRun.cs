using System;
using System.Collections.Generic;
using System.Threading;
using Wsk.Core;
using Wsk.Shell;

namespace Wsk.Properties.Shell;

/// <summary>Everything one faithful WskSocketConnect showed, recorded for the properties to judge.</summary>
public sealed record ConnectRun(
    Target Target,
    NtStatus Returned,
    bool CompletedWhenReturned,
    NtStatus StatusWhenReturned,
    bool Cancelled,
    bool Answered,
    IoStatus Final,
    long Completions,
    int RoutineCalls,
    IReadOnlyList<IrpViolation> Violations,
    int SocketsBefore,
    int SocketsAfterCompletion,
    int ConnectionsBefore,
    int ConnectionsAfterCompletion,
    int SocketsAfterClose,
    int ConnectionsAfterClose,
    ushort SocketFamily,
    SockAddr? LocalAddress,
    SockAddr? RemoteAddress)
{
    public bool Succeeded => Final.Status == NtStatus.Success;

    /// <summary>The final statuses the world declared for this run (exactly one unless the OS races a cancel).</summary>
    public NtStatus[] Allowed(ConnectWorld world) => Target.Expect.Finals(Cancelled, world.Capabilities.CancelledStatus);

    /// <summary>Whether the call returned in the shape the world declared for the target.</summary>
    public bool ReturnedAsDeclared => Target.Expect.ReturnShape(Returned, CompletedWhenReturned, StatusWhenReturned);

    /// <summary>Classification of the return shape actually taken (shows which of an OS-decided target's shapes ran).</summary>
    public string Shape => !Returned.IsPending ? "inline" : CompletedWhenReturned ? "completed before return" : "pending";

    /// <summary>Classification label of the path taken: return status ⇒ final status.</summary>
    public string Path => $"{Short(Returned)} ⇒ {Short(Final.Status)}{(Cancelled ? " (cancelled)" : "")}";

    private static string Short(NtStatus s) => s.Name?.Replace("STATUS_", "") ?? s.ToString();

    /// <summary>
    /// Runs one connect to <paramref name="target"/> through the faithful path: submit; if PENDING, maybe cancel, then
    /// let the world answer and wait (bounded) for the one completion; read the socket; close it.
    /// </summary>
    public static ConnectRun Execute(ConnectWorld world, Target target, bool cancel, bool faithful = false)
    {
        var calls = new Counter();
        var irp = new Irp();
        irp.SetCompletionRoutine(static (_, ctx) =>
        {
            Interlocked.Increment(ref ((Counter)ctx!).Value);
            return NtStatus.MoreProcessingRequired;
        }, calls);

        world.Arrange(target);
        int socketsBefore = world.Registration.OpenSockets, connectionsBefore = world.Transport.OpenConnections;
        var request = new ConnectRequest(world.Client, SocketTypes.Stream, Protocols.Tcp, target.Local, target.Remote);
        // Both forms share one path; the suite runs each, as the runtime's socket tests run each API flavour.
        var returned = faithful
            ? world.Dispatch.WskSocketConnect(world.Npi.Client, SocketTypes.Stream, Protocols.Tcp, Bytes(target.Local), Bytes(target.Remote),
                0, null, null, null, null, null, irp)
            : world.Dispatch.WskSocketConnect(request, irp);
        bool completedWhenReturned = irp.IsCompleted;
        var statusWhenReturned = irp.IoStatus.Status;

        bool answered = true;
        if (returned.IsPending)
        {
            if (cancel) irp.Cancel();
            world.Settle();
            var wait = irp.WaitAsync().AsTask();
            answered = wait.Wait(world.AnswerWithin);
        }
        int routineCalls = Volatile.Read(ref calls.Value);
        var final = irp.IoStatus;
        int socketsAfter = world.Registration.OpenSockets, connectionsAfter = world.Transport.OpenConnections;

        var socket = final.Socket;
        var local = socket?.LocalAddress;
        var remote = socket?.RemoteAddress;
        ushort family = socket?.Family ?? 0;
        socket?.WskCloseSocket(new Irp());

        return new ConnectRun(target, returned, completedWhenReturned, statusWhenReturned, cancel && returned.IsPending, answered,
            final, irp.CompletionCount, routineCalls, irp.Violations, socketsBefore, socketsAfter, connectionsBefore, connectionsAfter,
            world.Registration.OpenSockets, world.Transport.OpenConnections, family, local, remote);
    }

    private static byte[] Bytes(SockAddr address) =>
        SockAddrCodec.Encode(address);

    private sealed class Counter
    {
        public int Value;
    }
}
