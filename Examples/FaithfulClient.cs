using System;
using System.Diagnostics;
using System.Threading.Tasks;
using Wsk.Core;
using Wsk.Shell;

namespace Wsk.Examples;

/// <summary>
/// WskSocketConnect as a kernel client calls it: twelve parameters, SOCKADDRs as bytes encoded once up front, one IRP
/// per worker reused for every connect (as a driver reuses an IRP it allocated) and one reused for every close.
/// </summary>
internal sealed class FaithfulClient : BenchClient
{
    private readonly WskProviderDispatch _dispatch;
    private readonly WskClient _client;
    private readonly byte[] _local;
    private readonly byte[] _remote;

    public FaithfulClient(WskProviderNpi npi, SockAddr remote)
    {
        _dispatch = npi.Dispatch;
        _client = npi.Client;
        _local = SockAddrCodec.Encode(remote.Family == AddressFamilies.Inet6 ? SockAddrIn6.Any() : SockAddrIn.Any());
        _remote = SockAddrCodec.Encode(remote);
    }

    public override string Name => "WskSocketConnect (12 args)";

    public override async Task WorkerAsync(Measurement measurement)
    {
        var irp = new Irp();
        var closeIrp = new Irp();
        var tally = new WorkerTally();
        while (measurement.TryTake(out int index))
        {
            long start = Stopwatch.GetTimestamp();
            NtStatus returned = _dispatch.WskSocketConnect(_client, SocketTypes.Stream, Protocols.Tcp, _local, _remote,
                flags: 0, socketContext: null, dispatch: null, owningProcess: null, owningThread: null,
                securityDescriptor: null, irp);
            // Not pending: the IRP was completed inside the call and IoStatus is already final.
            IoStatus io = returned.IsPending ? await irp.WaitAsync().ConfigureAwait(false) : irp.IoStatus;
            measurement.Latencies[index] = Stopwatch.GetTimestamp() - start;

            io.Socket?.WskCloseSocket(closeIrp); // abortive, and completes inside the call
            tally.Count(returned, io.Status);
        }
        tally.AddTo(measurement);
    }
}
