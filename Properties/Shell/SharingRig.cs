using System;
using System.Buffers.Binary;
using System.Reactive.Linq;
using Wsk.Core;
using Wsk.Shell;

namespace Wsk.Properties.Shell;

/// <summary>Which SD the first socket carries in a sharing case.</summary>
public enum SdCase { Allows, Denies, Null }

/// <summary>How the second socket binds.</summary>
public enum SecondVia { ThreeStepFaithful, ThreeStepRx, SocketConnect }

/// <summary>One cell of the sharing table with an SD case, a family and the API the second socket goes through.</summary>
public sealed record SharingCase(ShareOption Second, bool SecondWildcard, ShareOption First, bool FirstWildcard, SdCase Sd, bool V6, SecondVia Via)
{
    public ShareVerdict Verdict => AddressSharing.Cell(Second, SecondWildcard, First, FirstWildcard);

    public string Cell => $"{Name(Second, SecondWildcard)} vs {Name(First, FirstWildcard)}";

    private static string Name(ShareOption o, bool w) =>
        $"{o switch { ShareOption.None => "none", ShareOption.ReuseAddress => "REUSE", _ => "EXCL" }} {(w ? "W" : "S")}";

    public override string ToString() => $"{Cell}, SD {Sd}, {(V6 ? "IPv6" : "IPv4")}, second via {Via}";
}

/// <summary>
/// Runs sharing cases through a real provider on loopback: a first three-step socket with its option and SD binds
/// (port 0, so the OS picks a free port), then a second socket binds the same port; both are closed afterwards.
/// </summary>
public sealed class SharingRig : IDisposable
{
    public static readonly ProcessId FirstOwner = new(1001), SecondOwner = new(1002), Stranger = new(1003);
    private readonly LoopbackListeners _listeners = new();
    private readonly WskRegistration _registration;
    private readonly WskProviderNpi _npi;

    public SharingRig() : this(new OsTransport()) { }

    /// <summary>The same rig over <paramref name="transport"/>, a transport over real OS sockets.</summary>
    public SharingRig(ITransport transport)
    {
        WskRegistration.WskRegister(new WskClientNpi(null, new WskClientDispatch()), transport, out _registration);
        _registration.WskCaptureProviderNpi(WskWait.NoWait, out var npi);
        _npi = npi!;
    }

    public bool HasIPv6 => _listeners.OpenV6 != 0;

    public WskRegistration Registration => _registration;

    /// <summary>What the model says the second bind gets.</summary>
    public static NtStatus Expected(SharingCase c) =>
        AddressSharing.StatusOf(c.Verdict, Descriptor(c.Sd), new SecurityContext(SecondOwner));

    private static SecurityDescriptor? Descriptor(SdCase sd) => sd switch
    {
        SdCase.Allows => new SecurityDescriptor(FirstOwner, new[] { SecondOwner }),
        SdCase.Denies => new SecurityDescriptor(FirstOwner, new[] { Stranger }),
        _ => null,
    };

    /// <summary>Runs one case; returns the second bind's status and whether the OS really holds the port on success.</summary>
    public (NtStatus Status, bool OsBound, bool AskedOs) Run(SharingCase c)
    {
        ushort family = c.V6 ? AddressFamilies.Inet6 : AddressFamilies.Inet;
        var first = Open(family, FirstOwner, Descriptor(c.Sd));
        WskUnconnectedSocket? second = null;
        WskConnectedSocket? connected = null;
        try
        {
            SetShare(first, c.First);
            if (first.WskBind(Address(c.V6, c.FirstWildcard, 0), 0, new Irp()) != NtStatus.Success)
                throw new InvalidOperationException($"first bind failed for {c}");
            ushort port = AddressSharing.PortOf(first.LocalAddress!);
            var local = Address(c.V6, c.SecondWildcard, port);
            if (c.Via == SecondVia.SocketConnect)
            {
                var remote = c.V6 ? (SockAddr)SockAddrIn6.Loopback(_listeners.OpenV6) : SockAddrIn.Loopback(_listeners.OpenV4);
                var irp = new Irp();
                var returned = _npi.Dispatch.WskSocketConnect(new ConnectRequest(_npi.Client.Id, SocketTypes.Stream, Protocols.Tcp, local, remote,
                    OwningProcess: SecondOwner), irp);
                var status = returned.IsPending ? irp.WaitAsync().AsTask().Result.Status : returned;
                connected = irp.IoStatus.Socket;
                bool held = connected?.LocalAddress is { } a && AddressSharing.PortOf(a) == port;
                // A refusal the table made never reached the OS: the status is the table's, not an errno's.
                return (status, held, status == NtStatus.Success);
            }
            second = Open(family, SecondOwner, null, rx: c.Via == SecondVia.ThreeStepRx);
            SetShare(second, c.Second, rx: c.Via == SecondVia.ThreeStepRx);
            var bound = c.Via == SecondVia.ThreeStepRx
                ? second.Bind(local).Wait().Status
                : second.WskBind(SockAddrCodec.Encode(local), 0, new Irp());
            return (bound, second.LocalAddress is { } l && AddressSharing.PortOf(l) == port, second.Phase != SocketPhase.Created);
        }
        finally
        {
            connected?.WskCloseSocket(new Irp());
            second?.WskCloseSocket(new Irp());
            first.WskCloseSocket(new Irp());
        }
    }

    private WskUnconnectedSocket Open(ushort family, ProcessId owner, SecurityDescriptor? descriptor, bool rx = false)
    {
        var client = _npi.Client;
        SecurityDescriptorHandle? handle = descriptor is null ? null : client.CacheSecurityDescriptor(descriptor);
        WskUnconnectedSocket socket;
        if (rx)
        {
            socket = _npi.Dispatch.Socket(new SocketRequest(client.Id, family, OwningProcess: owner, SecurityDescriptor: handle)).Wait().Socket!;
        }
        else
        {
            var irp = new Irp();
            _npi.Dispatch.WskSocket(client, family, SocketTypes.Stream, Protocols.Tcp, (uint)SocketCategory.Connection, null, null, owner, null, handle, irp);
            socket = (WskUnconnectedSocket)irp.IoStatus.Information!;
        }
        // The socket took its own copy: the handle can go at once, and must not work any more afterwards.
        if (handle is { } h) client.ReleaseSecurityDescriptor(h);
        return socket;
    }

    private static void SetShare(WskUnconnectedSocket socket, ShareOption option, bool rx = false)
    {
        if (option == ShareOption.None) return;
        uint code = option == ShareOption.ReuseAddress ? SocketOptionCodes.ReuseAddress : SocketOptionCodes.ExclusiveAddressUse;
        var status = rx
            ? socket.SetOption(SocketOptionCodes.SolSocket, code, 1).Wait().Status
            : socket.WskControlSocket(WskControlSocketType.SetOption, code, SocketOptionCodes.SolSocket, 4, One, 0, null, out _, new Irp());
        if (status != NtStatus.Success) throw new InvalidOperationException($"setting {option}: {status}");
    }

    private static readonly byte[] One = BitConverter.GetBytes(1u);

    private static SockAddr Address(bool v6, bool wildcard, ushort port) => (v6, wildcard) switch
    {
        (false, true) => SockAddrIn.Any(port),
        (false, false) => SockAddrIn.Loopback(port),
        (true, true) => SockAddrIn6.Any(port),
        _ => SockAddrIn6.Loopback(port),
    };

    public void Dispose()
    {
        _registration.WskReleaseProviderNpi(_npi);
        _registration.WskDeregister();
        _listeners.Dispose();
    }
}
