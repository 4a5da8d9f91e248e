using System.Threading;
using Wsk.Core;

namespace Wsk.Shell.Simulation;

/// <summary>
/// A three-step socket on the simulated network: options are the model's business (nothing to carry), a bind holds
/// its port on the simulated host as bind() would, and the connect is the network's own connect from that address,
/// so that it answers as WskSocketConnect does for the same script.
/// </summary>
internal sealed class SimulatedSocket : ITransportSocket
{
    private readonly SimulatedNetwork _network;
    private SockAddr? _bound;
    private int _consumed;

    public SimulatedSocket(SimulatedNetwork network) => _network = network;

    public NtStatus Apply(SocketOptions options) =>
        Volatile.Read(ref _consumed) == 0 ? NtStatus.Success : NtStatus.InvalidDeviceState;

    public NtStatus Bind(SockAddr local, out SockAddr? bound)
    {
        bound = null;
        if (Volatile.Read(ref _consumed) != 0 || _bound is not null) return NtStatus.InvalidDeviceState;
        var status = _network.Bind(local, out bound);
        _bound = bound;
        return status;
    }

    public TransportConnectResult Connect(SockAddr remote, ITransportConnectSink sink)
    {
        if (Interlocked.Exchange(ref _consumed, 1) != 0 || _bound is not { } local)
            return TransportConnectResult.Done(NtStatus.InvalidDeviceState);
        return _network.Connect(local, remote, sink, bound: true);
    }

    public void Close()
    {
        if (Interlocked.Exchange(ref _consumed, 1) == 0 && _bound is { } local) _network.Unbind(local);
    }
}
