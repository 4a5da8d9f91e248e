using System;
using System.Net;
using System.Threading.Tasks;
using Wsk.Core;
using Wsk.Shell;

namespace Wsk.Examples;

/// <summary>
/// The faithful data path: WskSend and WskReceive on a connected socket, one IRP per direction reused for every call
/// (as a driver reuses the IRPs it allocated), the request's WSK_BUF built once, awaited only when the call pended.
/// </summary>
internal sealed class WskDataClient(WskProviderNpi npi) : DataClient
{
    public override string Name => "WskSend/WskReceive (IRPs)";

    public override async Task<DataConnection> OpenAsync(IPEndPoint server) =>
        new Connection(await WskConnect.OpenAsync(npi, server).ConfigureAwait(false));

    private sealed class Connection : DataConnection
    {
        private readonly WskConnectedSocket _socket;
        private readonly Irp _sendIrp = new();
        private readonly Irp _receiveIrp = new();
        private readonly WskBuf _request;

        public Connection(WskConnectedSocket socket)
        {
            _socket = socket;
            _request = WskBuf.Of((ReadOnlyMemory<byte>)Request);
        }

        public override async Task BulkAsync(ReadOnlyMemory<byte> chunk, int count)
        {
            var buffer = WskBuf.Of(chunk);
            for (int i = 0; i < count; i++)
            {
                NtStatus returned = _socket.WskSend(buffer, 0, _sendIrp);
                IoStatus io = returned.IsPending ? await _sendIrp.WaitAsync().ConfigureAwait(false) : _sendIrp.IoStatus;
                WskConnect.Check(io, "WskSend");
            }
        }

        public override async Task RoundTripsAsync(DataMeasurement measurement)
        {
            while (measurement.TryTake())
            {
                NtStatus returned = _socket.WskSend(_request, 0, _sendIrp);
                WskConnect.Check(returned.IsPending ? await _sendIrp.WaitAsync().ConfigureAwait(false) : _sendIrp.IoStatus, "WskSend");
                int got = 0;
                while (got < MessageSize)
                {
                    returned = _socket.WskReceive(WskBuf.Of(Response.AsMemory(got)), 0, _receiveIrp);
                    IoStatus io = returned.IsPending ? await _receiveIrp.WaitAsync().ConfigureAwait(false) : _receiveIrp.IoStatus;
                    long n = WskConnect.Check(io, "WskReceive");
                    if (n == 0) throw Ended("WskReceive");
                    got += (int)n;
                }
            }
        }

        public override async ValueTask DisposeAsync()
        {
            var closeIrp = new Irp();
            if (_socket.WskCloseSocket(closeIrp).IsPending) await closeIrp.WaitAsync().ConfigureAwait(false);
        }
    }
}

/// <summary>The Stream form: <see cref="WskStream"/> ReadAsync/WriteAsync (one WskReceive / one WskSend each).</summary>
internal sealed class WskStreamDataClient(WskProviderNpi npi) : DataClient
{
    public override string Name => "WskStream";

    public override async Task<DataConnection> OpenAsync(IPEndPoint server) =>
        new StreamDataConnection(new WskStream(await WskConnect.OpenAsync(npi, server).ConfigureAwait(false), ownsSocket: true),
            "WskStream.ReadAsync");
}

/// <summary>The connect both WSK data clients open their connection with, and the status check of a data call.</summary>
internal static class WskConnect
{
    public static async Task<WskConnectedSocket> OpenAsync(WskProviderNpi npi, IPEndPoint server)
    {
        var irp = new Irp();
        byte[] local = SockAddrCodec.Encode(SockAddrIn.Any());
        byte[] remote = SockAddrCodec.Encode(SockAddrIn.From(server.Address.GetAddressBytes(), (ushort)server.Port));
        NtStatus returned = npi.Dispatch.WskSocketConnect(npi.Client, SocketTypes.Stream, Protocols.Tcp, local, remote,
            flags: 0, socketContext: null, dispatch: null, owningProcess: null, owningThread: null, securityDescriptor: null, irp);
        IoStatus io = returned.IsPending ? await irp.WaitAsync().ConfigureAwait(false) : irp.IoStatus;
        return io.Socket ?? throw new InvalidOperationException($"WskSocketConnect to {server} completed with {io.Status}");
    }

    /// <summary>The byte count of a successful call; throws on any other status.</summary>
    public static long Check(IoStatus io, string call) =>
        io.Status.IsSuccess ? io.Information as long? ?? 0 : throw new InvalidOperationException($"{call} completed with {io.Status}");
}
