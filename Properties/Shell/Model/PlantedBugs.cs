using System;
using Wsk.Core;
using Wsk.Shell;
using Wsk.Shell.Simulation;

namespace Wsk.Properties.Shell.Model;

/// <summary>
/// Deliberately broken transports, kept to test the checker itself: the model-based property must fail on each and
/// shrink the failure to a short sequence.
/// </summary>
public static class PlantedBugs
{
    /// <summary>Answers every pending connect twice (the double completion the provider must never deliver).</summary>
    public static ITransport DoubleAnswer(SimulatedNetwork network) => new DoubleAnswering(network);

    /// <summary>Never releases a closed connection (a leaked socket).</summary>
    public static ITransport LeakOnClose(SimulatedNetwork network) => new Leaking(network);

    private sealed class DoubleAnswering(SimulatedNetwork inner) : ITransport
    {
        public int OpenConnections => inner.OpenConnections;

        public TransportConnectResult Connect(ushort family, SockAddr localAddress, SockAddr remoteAddress, ITransportConnectSink sink) =>
            inner.Connect(family, localAddress, remoteAddress, new Twice(sink));

        private sealed class Twice(ITransportConnectSink sink) : ITransportConnectSink
        {
            public void OnConnectCompleted(NtStatus status, ITransportConnection? connection)
            {
                sink.OnConnectCompleted(status, connection);
                sink.OnConnectCompleted(status, connection);
            }
        }
    }

    private sealed class Leaking(SimulatedNetwork inner) : ITransport
    {
        private int _leaked;

        public int OpenConnections => inner.OpenConnections + _leaked;

        public TransportConnectResult Connect(ushort family, SockAddr localAddress, SockAddr remoteAddress, ITransportConnectSink sink)
        {
            var result = inner.Connect(family, localAddress, remoteAddress, new Wrap(this, sink));
            return result.Connection is { } c ? result with { Connection = new Leaky(this, c) } : result;
        }

        private sealed class Wrap(Leaking owner, ITransportConnectSink sink) : ITransportConnectSink
        {
            public void OnConnectCompleted(NtStatus status, ITransportConnection? connection) =>
                sink.OnConnectCompleted(status, connection is null ? null : new Leaky(owner, connection));
        }

        private sealed class Leaky(Leaking owner, ITransportConnection inner) : ITransportConnection
        {
            public NtStatus GetLocalAddress(out SockAddr? address) => inner.GetLocalAddress(out address);
            public NtStatus GetRemoteAddress(out SockAddr? address) => inner.GetRemoteAddress(out address);
            public TransportIoResult Send(ReadOnlyMemory<byte> data, ITransportIoSink sink) => inner.Send(data, sink);
            public TransportIoResult Receive(Memory<byte> buffer, TransportReceiveMode mode, ITransportIoSink sink) => inner.Receive(buffer, mode, sink);
            public NtStatus Shutdown() => inner.Shutdown();
            public NtStatus Abort() => inner.Abort();
            public long IdealSendBacklog => inner.IdealSendBacklog;

            // The bug: the connection is released below, but counted as still open, as if the socket had leaked.
            public void Close(bool abortive)
            {
                inner.Close(abortive);
                System.Threading.Interlocked.Increment(ref owner._leaked);
            }
        }
    }
}
