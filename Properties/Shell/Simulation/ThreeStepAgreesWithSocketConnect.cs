using System;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Wsk.Core;
using Wsk.Shell;

namespace Wsk.Properties.Shell.Simulation;

/// <summary>
/// On the simulated network the three-step path and WskSocketConnect are one connect: for the same target (the same
/// script), a bound socket's WskConnect returns what WskSocketConnect returns, completes the IRP before returning
/// exactly when WskSocketConnect does, and ends with the same status.
/// </summary>
public sealed class ThreeStepAgreesWithSocketConnect
{
    private static readonly Lazy<SimulatedWorld> Shared = new(() => new SimulatedWorld(seed: 3));

    [Property(MaxTest = 60)]
    public Property A_bound_three_step_connect_answers_as_WskSocketConnect_does_for_the_same_script()
    {
        var world = Shared.Value;
        return Prop.ForAll(world.Targets.Where(t => t.Expect.Bind == NtStatus.Success).ToArbitrary(), target =>
        {
            var request = new ConnectRequest(world.Client, SocketTypes.Stream, Protocols.Tcp, target.Local, target.Remote);
            var direct = Shape(world, irp => world.Dispatch.WskSocketConnect(request, irp), closeSocket: true);

            var created = new Irp();
            world.Dispatch.WskSocket(new SocketRequest(world.Client, target.Local.Family), created);
            var socket = (WskUnconnectedSocket)created.IoStatus.Information!;
            var bound = socket.WskBind(target.Local, 0, new Irp());
            var threeStep = Shape(world, irp => socket.WskConnect(target.Remote, 0, irp), closeSocket: false);
            socket.WskCloseSocket(new Irp()); // closes the socket it handed over, too

            return (bound == NtStatus.Success && direct == threeStep)
                .Label($"{target}: WskSocketConnect {direct}, three-step (bind {bound.Name}) {threeStep}")
                .Classify(direct.Returned.IsPending, "pending")
                .Collect(target.Kind);
        });
    }

    /// <summary>What a connect returned, whether its IRP was completed when it returned, and its final status.</summary>
    private static (NtStatus Returned, bool CompletedWhenReturned, NtStatus Final) Shape(ConnectWorld world, Func<Irp, NtStatus> connect,
        bool closeSocket)
    {
        var irp = new Irp();
        var returned = connect(irp);
        bool completed = irp.IsCompleted;
        if (returned.IsPending) world.Settle();
        irp.WaitAsync().AsTask().Wait(world.AnswerWithin);
        if (closeSocket) irp.IoStatus.Socket?.WskCloseSocket(new Irp());
        return (returned, completed, irp.IoStatus.Status);
    }
}
