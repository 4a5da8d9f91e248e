using System.Collections.Generic;
using System.Threading;
using Wsk.Core;
using Wsk.Shell;

namespace Wsk.Properties.Shell;

/// <summary>How the scripted transport answers a connect; chosen by the remote port, so a request carries its script.</summary>
public enum Script : ushort
{
    /// <summary>Connected inside the call.</summary>
    InlineSuccess = 1,
    /// <summary>Refused inside the call.</summary>
    InlineRefused = 2,
    /// <summary>Pending; answers SUCCESS when settled.</summary>
    PendingSuccess = 3,
    /// <summary>Pending; answers CONNECTION_REFUSED when settled.</summary>
    PendingRefused = 4,
    /// <summary>Pending; answers SUCCESS on its sink before Connect returns (completion before the call returns).</summary>
    AnswerBeforeReturn = 5,
    /// <summary>Pending; answers IO_TIMEOUT when settled (a black hole whose retry budget ran out).</summary>
    PendingTimeout = 6,
    /// <summary>Pending; when settled answers SUCCESS twice (a transport bug the provider must absorb).</summary>
    PendingDoubleAnswer = 7,
    /// <summary>Pending; ignores cancel and answers SUCCESS when settled (the cancel loses the race).</summary>
    PendingIgnoresCancel = 8,
}

/// <summary>
/// A deterministic transport for the shell's own logic: the remote port selects a <see cref="Script"/>, pending
/// connects wait until <see cref="SettleAll"/>, and a cancel answers STATUS_CANCELLED at once unless the script ignores it.
/// </summary>
public sealed class ScriptedTransport : IThreeStepTransport
{
    private readonly List<Pending> _pending = new();
    private int _open;
    private int _unconnected;
    private int _nextPort = 40000;

    public int OpenConnections => Volatile.Read(ref _open);

    public TransportConnectResult Connect(ushort family, SockAddr localAddress, SockAddr remoteAddress, ITransportConnectSink sink)
    {
        var connect = (Local: localAddress, Remote: remoteAddress);
        var script = (Script)((remoteAddress as SockAddrIn)?.Port ?? (remoteAddress as SockAddrIn6)!.Port);
        switch (script)
        {
            case Script.InlineSuccess:
                return TransportConnectResult.Done(NtStatus.Success, Open(connect));
            case Script.InlineRefused:
                return TransportConnectResult.Done(NtStatus.ConnectionRefused);
            case Script.AnswerBeforeReturn:
                sink.OnConnectCompleted(NtStatus.Success, Open(connect));
                return TransportConnectResult.Later(new Pending(this, connect, sink, script) { Answered = 1 });
            default:
                var pending = new Pending(this, connect, sink, script);
                lock (_pending) _pending.Add(pending);
                return TransportConnectResult.Later(pending);
        }
    }

    /// <summary>Three-step sockets this transport has open and not yet connected or closed.</summary>
    public int OpenUnconnected => Volatile.Read(ref _unconnected);

    public NtStatus OpenSocket(ushort family, out ITransportSocket? socket)
    {
        Interlocked.Increment(ref _unconnected);
        socket = new FakeSocket(this, family);
        return NtStatus.Success;
    }

    /// <summary>Answers every pending connect per its script.</summary>
    public void SettleAll()
    {
        Pending[] all;
        lock (_pending) { all = _pending.ToArray(); _pending.Clear(); }
        foreach (var p in all) p.Settle();
    }

    private FakeConnection Open((SockAddr Local, SockAddr Remote) connect)
    {
        Interlocked.Increment(ref _open);
        return new FakeConnection(this, connect);
    }

    private sealed class Pending : ITransportCancel
    {
        private readonly ScriptedTransport _transport;
        private readonly (SockAddr Local, SockAddr Remote) _connect;
        private readonly ITransportConnectSink _sink;
        private readonly Script _script;
        public int Answered;

        public Pending(ScriptedTransport transport, (SockAddr Local, SockAddr Remote) connect, ITransportConnectSink sink, Script script)
        {
            _transport = transport;
            _connect = connect;
            _sink = sink;
            _script = script;
        }

        public void Cancel()
        {
            if (_script == Script.PendingIgnoresCancel) return;
            if (Interlocked.Exchange(ref Answered, 1) == 0) _sink.OnConnectCompleted(NtStatus.Cancelled, null);
        }

        public void Settle()
        {
            if (Interlocked.Exchange(ref Answered, 1) != 0) return;
            switch (_script)
            {
                case Script.PendingRefused: _sink.OnConnectCompleted(NtStatus.ConnectionRefused, null); break;
                case Script.PendingTimeout: _sink.OnConnectCompleted(NtStatus.IoTimeout, null); break;
                case Script.PendingDoubleAnswer:
                    _sink.OnConnectCompleted(NtStatus.Success, _transport.Open(_connect));
                    _sink.OnConnectCompleted(NtStatus.Success, _transport.Open(_connect));
                    break;
                default: _sink.OnConnectCompleted(NtStatus.Success, _transport.Open(_connect)); break;
            }
        }
    }

    /// <summary>A three-step socket: binds anything (port 0 gets the next fake port), connects by the same scripts.</summary>
    private sealed class FakeSocket : ITransportSocket
    {
        private readonly ScriptedTransport _transport;
        private readonly ushort _family;
        private SockAddr? _bound;
        private int _consumed;

        public FakeSocket(ScriptedTransport transport, ushort family)
        {
            _transport = transport;
            _family = family;
        }

        public NtStatus Apply(SocketOptions options) => NtStatus.Success;

        public NtStatus Bind(SockAddr local, out SockAddr? bound)
        {
            ushort port = (ushort)Interlocked.Increment(ref _transport._nextPort);
            bound = _bound = local switch
            {
                SockAddrIn { Port: 0 } v4 => v4 with { Port = port },
                SockAddrIn6 { Port: 0 } v6 => v6 with { Port = port },
                var a => a,
            };
            return NtStatus.Success;
        }

        public TransportConnectResult Connect(SockAddr remote, ITransportConnectSink sink)
        {
            if (Interlocked.Exchange(ref _consumed, 1) != 0) return TransportConnectResult.Done(NtStatus.InvalidDeviceState);
            Interlocked.Decrement(ref _transport._unconnected);
            var local = _bound!;
            return _transport.Connect(_family, local, remote, sink);
        }

        public void Close()
        {
            if (Interlocked.Exchange(ref _consumed, 1) == 0) Interlocked.Decrement(ref _transport._unconnected);
        }
    }

    private sealed class FakeConnection : ITransportConnection
    {
        private readonly ScriptedTransport _transport;
        private readonly (SockAddr Local, SockAddr Remote) _connect;
        private int _closed;

        public FakeConnection(ScriptedTransport transport, (SockAddr Local, SockAddr Remote) connect)
        {
            _transport = transport;
            _connect = connect;
        }

        public NtStatus GetLocalAddress(out SockAddr? address)
        {
            // A bound socket never reports port 0: stand in an ephemeral port the way the OS would.
            address = _connect.Local switch
            {
                SockAddrIn { Port: 0 } v4 => v4 with { Port = 49152 },
                SockAddrIn6 { Port: 0 } v6 => v6 with { Port = 49152 },
                var a => a,
            };
            return NtStatus.Success;
        }

        public NtStatus GetRemoteAddress(out SockAddr? address)
        {
            address = _connect.Remote;
            return NtStatus.Success;
        }

        // The scripted peer takes every byte and never sends any: receives wait until cancelled.
        public TransportIoResult Send(System.ReadOnlyMemory<byte> data, ITransportIoSink sink) => TransportIoResult.Done(NtStatus.Success, data.Length);

        public TransportIoResult Receive(System.Memory<byte> buffer, TransportReceiveMode mode, ITransportIoSink sink) =>
            TransportIoResult.Later(new SilentRead(sink));

        public NtStatus Shutdown() => NtStatus.Success;

        public NtStatus Abort() => NtStatus.Success;

        public long IdealSendBacklog => 65536;

        public void Close(bool abortive)
        {
            if (Interlocked.Exchange(ref _closed, 1) == 0) Interlocked.Decrement(ref _transport._open);
        }

        private sealed class SilentRead(ITransportIoSink sink) : ITransportCancel
        {
            private int _answered;

            public void Cancel()
            {
                if (Interlocked.Exchange(ref _answered, 1) == 0) sink.OnIoCompleted(NtStatus.Cancelled, 0);
            }
        }
    }
}
