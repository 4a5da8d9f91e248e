using System;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using Wsk.Core;
using Wsk.Shell;
using Xunit;

namespace Wsk.Properties.Shell;

/// <summary>
/// The README's tour is this test's body, word for word (checked below): the documentation cannot drift from an API
/// that compiles and runs.
/// </summary>
public sealed class ReadmeTour
{
    private const string Begin = "// README-TOUR-BEGIN", End = "// README-TOUR-END";

    [Fact]
    public async Task The_tour_runs_against_a_loopback_echo_server()
    {
        using var listener = EchoListener.Start();
        using var cancellation = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var cancellationToken = cancellation.Token;

        // README-TOUR-BEGIN
        // Registration (rule RegistrationPairs): register, capture the provider NPI, …, release, deregister.
        WskRegistration.WskRegister(new WskClientNpi(null, new WskClientDispatch()), out var registration);
        if (!registration.TryCaptureProviderNpi(WskWait.NoWait, out var npi)) throw new InvalidOperationException("no provider");

        // 1. The faithful form: twelve parameters, SOCKADDRs as the bytes the pointers designate, an IRP, an NTSTATUS back.
        var irp = new Irp();
        irp.SetCompletionRoutine((i, ctx) => NtStatus.MoreProcessingRequired);
        byte[] local = SockAddrCodec.Encode(SockAddrIn.Any());
        byte[] remote = SockAddrCodec.Encode(SockAddrIn.Loopback(listener.Port)); // an int port, range-checked
        NtStatus status = npi.Dispatch.WskSocketConnect(npi.Client, SocketTypes.Stream, Protocols.Tcp, local, remote,
            0, null, null, null, null, null, irp);
        IoStatus io = status.IsPending ? await irp.WaitAsync() : irp.IoStatus; // test PENDING explicitly: NT_SUCCESS(PENDING) is true
        if (!io.TryGetSocket(out var socket)) throw new IOException($"connect: {io.Status}"); // the socket exactly on success
        Console.WriteLine(socket);                 // WskConnectedSocket 127.0.0.1:40112 -> 127.0.0.1:7 (IPv4, open)

        // 2. The request form: an immutable record, validated as a whole (every violation is listed, not just the first).
        var request = ConnectRequest.Tcp(npi.Client.Id, listener.EndPoint); // an IPEndPoint; SockAddr.FromEndPoint converts
        var rejected = new Irp();
        status = npi.Dispatch.WskSocketConnect(request with { Flags = 2 }, rejected, out var broken); // STATUS_INVALID_PARAMETER; broken lists why

        // 3. Reactive: cold, one connect per subscription, exactly one OnNext then OnCompleted; failures are statuses.
        npi.Dispatch.ConnectObservable(request).Subscribe(c => c.Socket?.WskCloseSocket(new Irp()));

        // 4. Awaitable: cancelling the token cancels the IRP; the result is STATUS_CANCELLED or the real result.
        ConnectCompletion done = await npi.Dispatch.ConnectAsync(npi.Client.Id, listener.EndPoint, cancellationToken);
        if (done.IsSuccess) await done.Socket.CloseAsync(); // IsSuccess: Socket is not null

        // 5. The connected socket: awaitables over the IRP calls, and the event stream.
        IoCompletion sent = await socket.SendAsync(WskBuf.CopyOf("hello\n"u8)); // Bytes = 6; ReadOnlyMemory<byte> is sent in place
        var reply = new byte[4096];
        IoCompletion got = await socket.ReceiveAsync(WskBuf.Of(reply)); // the echo; Bytes = 0 would mean the peer shut down
        using (socket.Events().Subscribe(e => Console.WriteLine(e)))   // DataReceived…, then Disconnected
            await socket.DisconnectAsync();                              // graceful: FIN after pending sends

        socket.WskCloseSocket(new Irp());                                // cancels what is pending; never fails
        registration.WskReleaseProviderNpi(npi);
        registration.WskDeregister();                                    // returns once every NPI is released and socket closed
        // README-TOUR-END

        Assert.Equal(NtStatus.Success, io.Status);
        Assert.Equal(NtStatus.InvalidParameter, status);
        Assert.Equal(ConnectRule.FlagsNotZero, Assert.Single(broken).Rule);
        Assert.Equal(NtStatus.Success, done.Status);
        Assert.Equal(6, sent.Bytes);
        Assert.Equal("hello\n", System.Text.Encoding.ASCII.GetString(reply, 0, (int)got.Bytes));
        Assert.Equal(0, registration.OpenSockets);
    }

    [Fact]
    public void The_README_shows_the_tour_word_for_word()
    {
        var source = File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "ReadmeTour.cs"));
        int from = Array.FindIndex(source, l => l.Trim() == Begin) + 1, to = Array.FindIndex(source, l => l.Trim() == End);
        var tour = source[from..to].Select(l => l.Length >= 8 ? l[8..] : l.TrimStart()).ToArray();

        var readme = File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "README.md"));
        int start = Array.FindIndex(readme, l => l.StartsWith("## A short tour", StringComparison.Ordinal));
        int open = Array.FindIndex(readme, start, l => l.StartsWith("```csharp", StringComparison.Ordinal));
        int close = Array.FindIndex(readme, open + 1, l => l.StartsWith("```", StringComparison.Ordinal));
        var shown = readme[(open + 1)..close].SkipWhile(l => l.StartsWith("using ", StringComparison.Ordinal) || l.Length == 0).ToArray();
        Assert.Equal(string.Join("\n", tour), string.Join("\n", shown));
    }

    /// <summary>
    /// A loopback echo server: echoes each connection's bytes back and closes after the client's FIN. Its port is an
    /// <see cref="int"/>, as <see cref="IPEndPoint.Port"/> is.
    /// </summary>
    private sealed class EchoListener : IDisposable
    {
        private readonly Socket _socket;

        private EchoListener(Socket socket) => _socket = socket;

        public IPEndPoint EndPoint => (IPEndPoint)_socket.LocalEndPoint!;

        public int Port => EndPoint.Port;

        public void Dispose() => _socket.Dispose();

        public static EchoListener Start()
        {
            var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            listener.Listen(16);
            _ = Task.Run(() => AcceptAll(listener));
            return new EchoListener(listener);
        }

        private static async Task AcceptAll(Socket listener)
        {
            while (true)
            {
                Socket connection;
                try { connection = await listener.AcceptAsync(); }
                catch (Exception) { return; }
                _ = Task.Run(() => Echo(connection));
            }
        }

        private static async Task Echo(Socket connection)
        {
            using (connection)
            {
                var buffer = new byte[4096];
                try
                {
                    int n;
                    while ((n = await connection.ReceiveAsync(buffer, SocketFlags.None)) > 0)
                        await connection.SendAsync(buffer.AsMemory(0, n), SocketFlags.None);
                    connection.Shutdown(SocketShutdown.Send);
                }
                catch (SocketException) { }
            }
        }
    }
}
