using System;
using System.Net;
using System.Net.Sockets;
using System.Threading.Tasks;
using Wsk.Core;
using Wsk.Shell;

// One loopback connect with the README tour's calls, against a listener in this process. Exit 0 only when the
// connect returned STATUS_SUCCESS, the socket closed and the registration ends with no socket open.
using var listener = new TcpListener(IPAddress.Loopback, 0);
listener.Start();
ushort port = (ushort)((IPEndPoint)listener.LocalEndpoint).Port;
Task<Socket> accepted = listener.AcceptSocketAsync();

WskRegistration.WskRegister(new WskClientNpi(null, new WskClientDispatch()), out var registration);
registration.WskCaptureProviderNpi(WskWait.NoWait, out var npi);

var irp = new Irp();
irp.SetCompletionRoutine((i, ctx) => NtStatus.MoreProcessingRequired);
byte[] local = SockAddrCodec.Encode(SockAddrIn.Any());
byte[] remote = SockAddrCodec.Encode(SockAddrIn.Loopback(port));
NtStatus status = npi!.Dispatch.WskSocketConnect(npi.Client, SocketTypes.Stream, Protocols.Tcp, local, remote,
    0, null, null, null, null, null, irp);
IoStatus io = status.IsPending ? await irp.WaitAsync() : irp.IoStatus;
Console.WriteLine($"WskSocketConnect to 127.0.0.1:{port} returned {status}, completed {io.Status}");

NtStatus closed = io.Socket is { } socket ? socket.WskCloseSocket(new Irp()) : io.Status;
Console.WriteLine($"WskCloseSocket: {closed}");
using (Socket peer = await accepted.WaitAsync(TimeSpan.FromSeconds(10))) { }
registration.WskReleaseProviderNpi(npi);
registration.WskDeregister();
Console.WriteLine($"open sockets after WskDeregister: {registration.OpenSockets}");

bool ok = io.Status == NtStatus.Success && closed == NtStatus.Success && registration.OpenSockets == 0;
Console.WriteLine(ok ? "smoke: the packed Wsk.Shell connected on loopback" : "smoke: FAILED");
return ok ? 0 : 1;
