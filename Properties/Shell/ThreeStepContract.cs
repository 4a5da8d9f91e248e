using System;
using System.Collections.Generic;
using System.Linq;
using System.Reactive.Linq;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Wsk.Core;
using Wsk.Shell;

namespace Wsk.Properties.Shell;

/// <summary>
/// The three-step path run once per transport, as the connect contract is: a socket goes through
/// its steps in a random order, some of them out of place; each call completes its IRP once with the status the socket
/// rules give, and a successful WskConnect hands over the same connected <see cref="WskConnectedSocket"/> type WskSocketConnect gives.
/// </summary>
public abstract class ThreeStepContract
{
    protected abstract ConnectWorld World { get; }

    private enum Step { SetReuse, GetReuse, SetKeepAlive, Bind, Connect, ConnectUnbound }

    [Property(MaxTest = 60)]
    public Property Each_step_completes_once_with_the_status_the_socket_rules_give() =>
        Prop.ForAll(
            (from target in World.Targets
             from steps in Gen.Shuffle(Enum.GetValues<Step>()).Select(s => s.Take(4).Append(Step.Bind).Append(Step.Connect).ToArray())
             from rx in Gen.Elements(false, true)
             select (target, steps, rx)).ToArbitrary(),
            input =>
            {
                var (target, steps, rx) = input;
                // The baseline, taken before the socket exists: a leak is measured against it, never against the present.
                int sockets = World.Registration.OpenSockets, connections = World.Transport.OpenConnections;
                var request = new SocketRequest(World.Client, target.Local.Family);
                var socket = rx ? World.Dispatch.Socket(request).Wait().Socket! : Create(request);
                var phase = SocketPhase.Created;
                bool ok = true;
                string last = "";
                WskConnectedSocket? connected = null;
                foreach (var step in steps)
                {
                    var (status, completions, expected) = Do(socket, step, phase, target, rx, ref connected);
                    ok &= status == expected && completions == 1;
                    last = $"{step} in {phase}: {status.Name} ×{completions}, expected {expected.Name} ×1";
                    if (!ok) break;
                    phase = socket.Phase;
                }
                string path = connected is not null ? "connected: WskSocket handed over" : $"ended {phase}";
                if (connected is not null) ok &= Equals(connected.RemoteAddress, target.Remote);
                socket.WskCloseSocket(new Irp()); // closes the connected socket it handed over, too
                bool released = World.WaitUntilNoSocketsOpen(sockets, connections);
                return (ok && released).Label($"{target}, steps {string.Join(",", steps)}: {last}; released {released} " +
                                              $"(sockets {World.Registration.OpenSockets}/{sockets}, OS {World.Transport.OpenConnections}/{connections})")
                    .Classify(true, path).Collect(rx ? "Rx" : "faithful");
            });

    /// <summary>Everything one Rx call emits: its one completion's status and how many completions came (must be one).</summary>
    private IReadOnlyList<T> All<T>(IObservable<T> observable) => observable.Timeout(World.AnswerWithin).ToList().Wait().ToArray();

    private static NtStatus Usable(SocketPhase phase) =>
        phase is SocketPhase.Created or SocketPhase.Bound ? NtStatus.Success : NtStatus.InvalidDeviceState;

    private WskUnconnectedSocket Create(SocketRequest request)
    {
        var irp = new Irp();
        World.Dispatch.WskSocket(request, irp);
        return (WskUnconnectedSocket)irp.IoStatus.Information!;
    }

    private (NtStatus Status, long Completions, NtStatus Expected) Do(WskUnconnectedSocket socket, Step step, SocketPhase phase, Target target, bool rx,
        ref WskConnectedSocket? connected)
    {
        var irp = new Irp();
        NtStatus status;
        long completions;
        switch (step)
        {
            case Step.SetReuse:
                if (rx) (status, completions) = One(All(socket.SetOption(SocketOptionCodes.SolSocket, SocketOptionCodes.ReuseAddress, 1)), c => c.Status);
                else (status, completions) = (socket.WskControlSocket(WskControlSocketType.SetOption, SocketOptionCodes.ReuseAddress,
                    SocketOptionCodes.SolSocket, 4, BitConverter.GetBytes(1u), 0, null, out _, irp), irp.CompletionCount);
                return (status, completions, phase switch
                {
                    SocketPhase.Created => NtStatus.Success,
                    SocketPhase.Bound => NtStatus.InvalidParameter, // shapes the bind: too late
                    _ => NtStatus.InvalidDeviceState, // connected or failed: no longer this socket's options
                });
            case Step.GetReuse:
                if (rx) (status, completions) = One(All(socket.GetOption(SocketOptionCodes.SolSocket, SocketOptionCodes.ReuseAddress)), c => c.Status);
                else (status, completions) = (socket.WskControlSocket(WskControlSocketType.GetOption, SocketOptionCodes.ReuseAddress,
                    SocketOptionCodes.SolSocket, 0, null, 4, new byte[4], out _, irp), irp.CompletionCount);
                return (status, completions, Usable(phase));
            case Step.SetKeepAlive:
                status = socket.WskControlSocket(WskControlSocketType.SetOption, SocketOptionCodes.KeepAlive, SocketOptionCodes.SolSocket, 4,
                    BitConverter.GetBytes(1u), 0, null, out _, irp);
                return (status, irp.CompletionCount, Usable(phase));
            case Step.Bind:
                // A specific local address with port 0 (the wildcard binds the same way): the OS picks a free port.
                if (rx) (status, completions) = One(All(socket.Bind(target.Local)), c => c.Status);
                else (status, completions) = (socket.WskBind(target.Local, 0, irp), irp.CompletionCount);
                return (status, completions, phase switch
                {
                    // A fresh socket binds as the world declares for the target's local address.
                    SocketPhase.Created => target.Expect.Bind,
                    SocketPhase.Failed => NtStatus.FileForcedClosed,
                    _ => NtStatus.AddressAlreadyAssociated,
                });
            default:
                var expected = phase switch
                {
                    SocketPhase.Created => NtStatus.InvalidDeviceState,
                    SocketPhase.Connected => NtStatus.ConnectionActive,
                    SocketPhase.Failed => NtStatus.FileForcedClosed,
                    // Bound: the network answers, exactly as the world declares for the target (nobody cancels here).
                    _ => target.Expect.Status,
                };
                ConnectCompletion completion;
                if (rx)
                {
                    var observable = socket.ConnectObservable(target.Remote).Replay();
                    observable.Connect();
                    World.Settle();
                    var all = All(observable);
                    completions = all.Count;
                    if (all.Count == 0) return (NtStatus.Unsuccessful, 0, expected);
                    completion = all[0];
                }
                else
                {
                    var returned = socket.WskConnect(target.Remote, 0, irp);
                    if (returned.IsPending) World.Settle();
                    irp.WaitAsync().AsTask().Wait(World.AnswerWithin);
                    completions = irp.CompletionCount;
                    completion = new ConnectCompletion(irp.IoStatus.Status, irp.IoStatus.Socket, returned, Array.Empty<RuleViolation<ConnectRule>>());
                }
                if (completion.Socket is { } s) connected = s;
                // SUCCESS hands over the socket's own WskConnectedSocket; anything else hands over nothing.
                bool shape = (completion.Status == NtStatus.Success) == (completion.Socket is not null)
                             && (completion.Socket is null || ReferenceEquals(socket.ConnectedSocket, completion.Socket));
                return (shape ? completion.Status : NtStatus.Unsuccessful, completions, expected);
        }
    }

    private static (NtStatus Status, long Completions) One<T>(IReadOnlyList<T> all, Func<T, NtStatus> status) =>
        all.Count == 0 ? (NtStatus.Unsuccessful, 0) : (status(all[0]), all.Count);
}

/// <summary>The three-step path on real loopback sockets.</summary>
public sealed class ThreeStepOnLoopback : ThreeStepContract
{
    private static readonly Lazy<LoopbackWorld> Shared = new(() => new LoopbackWorld());
    protected override ConnectWorld World => Shared.Value;
}

/// <summary>The three-step path on the scripted transport.</summary>
public sealed class ThreeStepOnScriptedTransport : ThreeStepContract
{
    private static readonly Lazy<ScriptedWorld> Shared = new(() => new ScriptedWorld());
    protected override ConnectWorld World => Shared.Value;
}
