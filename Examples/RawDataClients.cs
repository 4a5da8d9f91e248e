using System;
using System.Net;
using System.Net.Sockets;
using System.Threading.Tasks;

namespace Wsk.Examples;

/// <summary>The yardstick of the WskSend/WskReceive row: Socket.SendAsync/ReceiveAsync, the ValueTask overloads.</summary>
internal sealed class RawSocketDataClient : DataClient
{
    public override string Name => "raw Socket Send/ReceiveAsync";

    public override async Task<DataConnection> OpenAsync(IPEndPoint server)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(server).ConfigureAwait(false);
        return new Connection(socket);
    }

    private sealed class Connection(Socket socket) : DataConnection
    {
        public override async Task BulkAsync(ReadOnlyMemory<byte> chunk, int count)
        {
            for (int i = 0; i < count; i++)
            {
                int sent = 0;
                while (sent < chunk.Length) sent += await socket.SendAsync(chunk[sent..], SocketFlags.None).ConfigureAwait(false);
            }
        }

        public override async Task RoundTripsAsync(DataMeasurement measurement)
        {
            while (measurement.TryTake())
            {
                int sent = 0;
                while (sent < MessageSize) sent += await socket.SendAsync(Request.AsMemory(sent), SocketFlags.None).ConfigureAwait(false);
                int got = 0;
                while (got < MessageSize)
                {
                    int n = await socket.ReceiveAsync(Response.AsMemory(got), SocketFlags.None).ConfigureAwait(false);
                    if (n == 0) throw Ended("ReceiveAsync");
                    got += n;
                }
            }
        }

        public override ValueTask DisposeAsync()
        {
            socket.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}

/// <summary>The yardstick of the WskStream row: NetworkStream.ReadAsync/WriteAsync (Memory overloads) over a Socket.</summary>
internal sealed class RawStreamDataClient : DataClient
{
    public override string Name => "raw NetworkStream";

    public override async Task<DataConnection> OpenAsync(IPEndPoint server)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(server).ConfigureAwait(false);
        return new StreamDataConnection(new NetworkStream(socket, ownsSocket: true), "NetworkStream.ReadAsync");
    }
}
