using System;
using System.Runtime.Versioning;
using Wsk.Shell;
using Wsk.Properties.Shell.DataPath;
using Xunit;

// The libc transport, which every suite below also runs on, exists on Linux only; so do these tests.
[assembly: SupportedOSPlatform("linux")]

namespace Wsk.Properties.Shell;

// The fourth world: every suite that runs on the libc transport runs again on SocketTransport (plain System.Net.Sockets,
// SocketAsyncEventArgs), as the runtime's socket tests run once per API flavour. Its loopback world makes the same
// declarations as the libc one: ConnectAsync may finish inside the call or not (the OS decides, and the runs are
// classified by the shape they took), the full queue is pending every time and a cancel of it wins.

/// <summary>The connect contract on SocketTransport over real loopback sockets.</summary>
public sealed class ConnectContractOnSocketAsyncEventArgs : ConnectContract
{
    private static readonly Lazy<LoopbackWorld> Shared = new(() => new LoopbackWorld(new SocketTransport()));
    protected override ConnectWorld World => Shared.Value;
}

/// <summary>The three-step path on SocketTransport over real loopback sockets.</summary>
public sealed class ThreeStepOnSocketAsyncEventArgs : ThreeStepContract
{
    private static readonly Lazy<LoopbackWorld> Shared = new(() => new LoopbackWorld(new SocketTransport()));
    protected override ConnectWorld World => Shared.Value;
}

/// <summary>The sharing table on SocketTransport: the same cells, the same outcomes as on the libc transport.</summary>
public sealed class SharingOnSocketAsyncEventArgs : SharingOnLoopbackProperties, IClassFixture<SocketAsyncEventArgsSharingRig>
{
    public SharingOnSocketAsyncEventArgs(SocketAsyncEventArgsSharingRig fixture) : base(fixture.Rig) { }
}

/// <summary>One sharing rig over SocketTransport for the whole class.</summary>
public sealed class SocketAsyncEventArgsSharingRig : SharingRigFixture
{
    public SocketAsyncEventArgsSharingRig() : base(new SocketTransport()) { }
}

/// <summary>Bytes end to end over SocketTransport.</summary>
public sealed class StreamOnSocketAsyncEventArgs : StreamProperties
{
    public StreamOnSocketAsyncEventArgs() : base(new SocketTransport()) { }
}

/// <summary>Receive indications over SocketTransport.</summary>
public sealed class IndicationOnSocketAsyncEventArgs : IndicationProperties
{
    public IndicationOnSocketAsyncEventArgs() : base(new SocketTransport()) { }
}

/// <summary>Disconnect and close over SocketTransport.</summary>
public sealed class LifecycleOnSocketAsyncEventArgs : LifecycleProperties
{
    public LifecycleOnSocketAsyncEventArgs() : base(new SocketTransport()) { }
}

/// <summary>The Rx forms of the connected socket over SocketTransport.</summary>
public sealed class ReactiveSocketOnSocketAsyncEventArgs : ReactiveSocketProperties
{
    public ReactiveSocketOnSocketAsyncEventArgs() : base(new SocketTransport()) { }
}

/// <summary>A cancel reaches a pending receive over SocketTransport.</summary>
public sealed class CancelReachesReceiveOnSocketAsyncEventArgs : CancelReachesReceiveProperties
{
    public CancelReachesReceiveOnSocketAsyncEventArgs() : base(new SocketTransport()) { }
}
