using System;
using System.Collections.Generic;
using System.Reactive.Concurrency;
using Wsk.Core;
using Wsk.Shell;
using Wsk.Shell.Simulation;
using Xunit;

namespace Wsk.Properties.Shell.Names;

/// <summary>
/// One registration whose name calls go to one resolver: the simulated DNS (virtual time), the table resolver
/// (answers inside the call) or the OS resolver (loopback names only; over the libc transport and over SocketTransport),
/// each with a verifier attached.
/// </summary>
public sealed class NameWorld : IDisposable
{
    public const string Simulated = "simulated DNS", Table = "table resolver", Os = "OS resolver",
        OsOverSocketAsyncEventArgs = "OS resolver over SocketTransport";

    private readonly HistoricalScheduler? _time;

    public NameWorld(string kind)
    {
        Kind = kind;
        var npi = new WskClientNpi(null, new WskClientDispatch());
        WskRegistration registration;
        switch (kind)
        {
            case Simulated:
                _time = new HistoricalScheduler();
                Network = new SimulatedNetwork(_time, seed: 7);
                Network.AddHost("localhost", SockAddrIn.Loopback(0), SockAddrIn6.Loopback(0));
                WskRegistration.WskRegister(npi, Network, out registration);
                break;
            case Table:
                WskRegistration.WskRegister(npi, new ScriptedTransport(), TableResolver.Loopback, out registration);
                break;
            case OsOverSocketAsyncEventArgs:
                WskRegistration.WskRegister(npi, new SocketTransport(), OsResolver.Shared, out registration);
                break;
            default:
                WskRegistration.WskRegister(npi, out registration); // the shared provider: OsResolver
                break;
        }
        Registration = registration;
        Verifier.Attach(registration);
        registration.WskCaptureProviderNpi(WskWait.NoWait, out var captured);
        Npi = captured!;
    }

    public static IEnumerable<object[]> All() =>
        new[] { new object[] { Simulated }, new object[] { Table }, new object[] { Os }, new object[] { OsOverSocketAsyncEventArgs } };

    /// <summary>The worlds whose resolver can be asked for any name (the OS resolver is asked for loopback names only).</summary>
    public static IEnumerable<object[]> AnyName() => new[] { new object[] { Simulated }, new object[] { Table } };

    public string Kind { get; }
    public SimulatedNetwork? Network { get; }
    public HistoricalScheduler? Time => _time;
    public WskVerifier Verifier { get; } = new();
    public WskRegistration Registration { get; }
    public WskProviderNpi Npi { get; }
    public WskProviderDispatch Dispatch => Npi.Dispatch;
    public WskClient Client => Npi.Client;

    /// <summary>Whether this world's resolver maps <c>localhost</c> to ::1 (this machine's hosts file does not).</summary>
    public bool KnowsLocalhostV6 => Kind is not (Os or OsOverSocketAsyncEventArgs);

    /// <summary>The IRP's completion: virtual time advanced, or a bounded real wait for the OS resolver.</summary>
    public IoStatus Finish(Irp irp)
    {
        if (_time is not null) _time.AdvanceBy(TimeSpan.FromSeconds(5));
        else if (!irp.IsCompleted)
            irp.WaitAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10), TimeProvider.System).GetAwaiter().GetResult();
        Assert.True(irp.IsCompleted, $"{Kind}: the IRP did not complete");
        Assert.Equal(1, irp.CompletionCount);
        return irp.IoStatus;
    }

    public NtStatus GetAddressInfo(string? node, string? service, AddressInfoResult? result, Irp? irp, AddrInfoHints? hints = null,
        uint nameSpace = NameSpaces.All, Guid? provider = null, ProcessId? process = null, ThreadId? thread = null,
        Irql irql = Irql.PassiveLevel) =>
        Dispatch.WskGetAddressInfo(Client, node, service, nameSpace, provider, hints, result, process, thread, irp, irql);

    /// <summary>A successful lookup's list (the call returned PENDING, the IRP completed SUCCESS with Information 0).</summary>
    public WskAddressInfo Resolve(string? node, string? service, AddrInfoHints? hints = null)
    {
        var irp = new Irp();
        var result = new AddressInfoResult();
        Assert.Equal(NtStatus.Pending, GetAddressInfo(node, service, result, irp, hints));
        var io = Finish(irp);
        Assert.Equal(NtStatus.Success, io.Status);
        Assert.Equal(0L, io.Information);
        return Assert.IsType<WskAddressInfo>(result.Value);
    }

    public void Dispose()
    {
        Registration.WskReleaseProviderNpi(Npi);
        Registration.WskDeregister();
    }
}
