using System;
using System.Linq;
using System.Reactive.Linq;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Wsk.Core;
using Wsk.Shell;

namespace Wsk.Properties.Shell;

/// <summary>
/// The three-step path (wsk-contract §1, §6) run once per transport, as the connect contract is: a socket goes through
/// its steps in a random order, some of them out of place; each call completes its IRP once with the status the socket
/// rules give, and a successful WskConnect hands over the same connected <see cref="WskSocket"/> type WskSocketConnect gives.
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
                int sockets = World.Registration.OpenSockets;
                var request = new SocketRequest(World.Client, target.Local.Family);
                var socket = rx ? World.Dispatch.Socket(request).Wait().Socket! : Create(request);
                var phase = SocketPhase.Created;
                bool ok = true;
                string last = "";
                WskSocket? connected = null;
                foreach (var step in steps)
                {
                    var (status, completions, expected) = Do(socket, step, phase, target, rx, ref connected);
                    ok &= status == expected && completions == 1;
                    last = $"{step} in {phase}: {status.Name}, expected {expected.Name}";
                    if (!ok) break;
                    phase = socket.Phase;
                }
                string path = connected is not null ? "connected: WskSocket handed over" : $"ended {phase}";
                if (connected is not null) ok &= connected.RemoteAddress is not null;
                socket.WskCloseSocket(new Irp());
                bool released = World.WaitUntilNoSocketsOpen(sockets, World.Transport.OpenConnections) || World.Registration.OpenSockets == sockets;
                return (ok && released).Label($"{target}, steps {string.Join(",", steps)}: {last}")
                    .Classify(true, path).Collect(rx ? "Rx" : "faithful");
            });

    private static NtStatus Usable(SocketPhase phase) =>
        phase is SocketPhase.Created or SocketPhase.Bound ? NtStatus.Success : NtStatus.InvalidDeviceState;

    private WskUnconnectedSocket Create(SocketRequest request)
    {
        var irp = new Irp();
        World.Dispatch.WskSocket(request, irp);
        return (WskUnconnectedSocket)irp.IoStatus.Information!;
    }

    private (NtStatus Status, long Completions, NtStatus Expected) Do(WskUnconnectedSocket socket, Step step, SocketPhase phase, Target target, bool rx,
        ref WskSocket? connected)
    {
        var irp = new Irp();
        NtStatus status;
        switch (step)
        {
            case Step.SetReuse:
                status = rx ? socket.SetOption(SocketOptionCodes.SolSocket, SocketOptionCodes.ReuseAddress, 1).Wait().Status
                    : socket.WskControlSocket(ControlSocketRequests.SetOption, SocketOptionCodes.ReuseAddress, SocketOptionCodes.SolSocket, 4,
                        BitConverter.GetBytes(1u), 0, null, out _, irp);
                return (status, rx ? 1 : irp.CompletionCount, phase switch
                {
                    SocketPhase.Created => NtStatus.Success,
                    SocketPhase.Bound => NtStatus.InvalidParameter, // shapes the bind: too late
                    _ => NtStatus.InvalidDeviceState, // connected or failed: no longer this socket's options
                });
            case Step.GetReuse:
                status = rx ? socket.GetOption(SocketOptionCodes.SolSocket, SocketOptionCodes.ReuseAddress).Wait().Status
                    : socket.WskControlSocket(ControlSocketRequests.GetOption, SocketOptionCodes.ReuseAddress, SocketOptionCodes.SolSocket, 0, null,
                        4, new byte[4], out _, irp);
                return (status, rx ? 1 : irp.CompletionCount, Usable(phase));
            case Step.SetKeepAlive:
                status = socket.WskControlSocket(ControlSocketRequests.SetOption, SocketOptionCodes.KeepAlive, SocketOptionCodes.SolSocket, 4,
                    BitConverter.GetBytes(1u), 0, null, out _, irp);
                return (status, irp.CompletionCount, Usable(phase));
            case Step.Bind:
                // A specific local address with port 0 (the wildcard binds the same way): the OS picks a free port.
                status = rx ? socket.Bind(target.Local).Wait().Status : socket.WskBind(target.Local, 0, irp);
                return (status, rx ? 1 : irp.CompletionCount, phase switch
                {
                    // A fresh socket binds unless the OS refuses the address (not ours; held by a socket outside the provider).
                    SocketPhase.Created => target.Kind.Contains("not ours", StringComparison.Ordinal) ? NtStatus.InvalidAddressComponent
                        : target.Kind.Contains("in use", StringComparison.Ordinal) ? NtStatus.AddressAlreadyExists : NtStatus.Success,
                    SocketPhase.Failed => NtStatus.FileForcedClosed,
                    _ => NtStatus.AddressAlreadyAssociated,
                });
            default:
                var expected = phase switch
                {
                    SocketPhase.Created => NtStatus.InvalidDeviceState,
                    SocketPhase.Connected => NtStatus.ConnectionActive,
                    SocketPhase.Failed => NtStatus.FileForcedClosed,
                    _ => (NtStatus?)null, // bound: the network decides
                };
                ConnectCompletion completion;
                if (rx)
                {
                    var observable = socket.Connect(target.Remote).Replay();
                    observable.Connect();
                    World.Settle();
                    completion = observable.Timeout(World.AnswerWithin).Wait();
                }
                else
                {
                    var returned = socket.WskConnect(target.Remote, 0, irp);
                    if (returned.IsPending) World.Settle();
                    irp.WaitAsync().AsTask().Wait(World.AnswerWithin);
                    completion = new ConnectCompletion(irp.IoStatus.Status, irp.IoStatus.Socket, returned, Array.Empty<ConnectViolation>());
                }
                if (completion.Socket is { } s) connected = s;
                bool shape = (completion.Status == NtStatus.Success) == (completion.Socket is not null)
                             && (completion.Socket is null || ReferenceEquals(socket.ConnectedSocket, completion.Socket));
                var expect = expected ?? (shape ? completion.Status : NtStatus.Unsuccessful);
                return (completion.Status, rx ? 1 : irp.CompletionCount, expect);
        }
    }
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
