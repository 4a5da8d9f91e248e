using System.Collections.Generic;
using Wsk.Core;

namespace Wsk.Shell;

/// <summary>
/// WskSocketConnect's own part of a connect: validation, the SD it pins until the IRP completes, the address it
/// reserved in the sharing table, the one-shot transport connect, and the new socket. A struct, kept inside its
/// <see cref="ConnectRunner{THandover}"/>: the usual wildcard, port-0, no-SD connect allocates nothing for it.
/// </summary>
internal struct SocketConnectHandover : IConnectHandover
{
    private readonly WskRegistration _registration;
    private readonly ValidConnect _connect;
    private Holdings? _holdings; // created only by a connect that pins an SD or reserves an address

    private SocketConnectHandover(WskRegistration registration, ValidConnect connect)
    {
        _registration = registration;
        _connect = connect;
        _holdings = null;
    }

    /// <summary>WskSocketConnect on a submitted IRP: validation, the sharing check, then the transport.</summary>
    /// <param name="registration">The registration the call came through.</param>
    /// <param name="request">The request.</param>
    /// <param name="irp">The submitted IRP.</param>
    /// <param name="violations">For a request rejected by validation, every rule it broke; else empty.</param>
    public static NtStatus Run(WskRegistration registration, ConnectRequest request, Irp irp,
        out IReadOnlyList<RuleViolation<ConnectRule>> violations)
    {
        var validation = ConnectValidation.ValidateAddresses(
            request, registration.IsCachedSd(request.Client, request.SecurityDescriptor));
        if (validation.IsFail)
        {
            var broken = validation.FailToSeq().ToArray();
            violations = broken;
            return ConnectRejection.Reject(irp, ConnectRules.Table.StatusFor(broken));
        }
        violations = System.Array.Empty<RuleViolation<ConnectRule>>();
        var (local, remote) = validation.Match(static v => v, static _ => default);
        var handover = new SocketConnectHandover(registration, new ValidConnect(local.Family, local, remote, request));
        var refused = handover.Reserve();
        return refused == NtStatus.Success
            ? ConnectRun.Start(irp, handover, local.Family, local, remote)
            : ConnectRejection.Reject(irp, refused);
    }

    /// <summary>
    /// Pins the SD for the life of the IRP (rule SdCachedUntilCompletion) and judges the bind against the address table
    /// before the transport binds (rule SharingTable). The wildcard with port 0 is not bound before connect and takes a
    /// port nobody holds: nothing to judge, nothing entered. A specific address with port 0 is entered once the OS has
    /// chosen the port.
    /// </summary>
    private NtStatus Reserve()
    {
        var request = _connect.Request;
        if (request.SecurityDescriptor is null && _connect.BindsAnywhere) return NtStatus.Success; // nothing to hold
        var holdings = _holdings = new Holdings(_connect.LocalAddress);
        if (request.SecurityDescriptor is { } handle)
        {
            holdings.Descriptor = _registration.PinSd(request.Client, handle);
            if (holdings.Descriptor is null) // released meanwhile
                return ConnectRules.Table.StatusOf(ConnectRule.SecurityDescriptorNotCached);
            holdings.PinnedSd = handle;
        }
        if (_connect.BindsAnywhere || AddressSharing.PortOf(_connect.LocalAddress) == 0) return NtStatus.Success;
        var attempt = new BindAttempt(_connect.LocalAddress, ShareOption.None,
            new SecurityContext(request.OwningProcess ?? WskRegistration.CallingProcess, request.OwningThread));
        var status = _registration.Transport.Addresses.Bind(attempt, holdings.Descriptor, holdings.Holds,
            holdings.ReserveOnly, out holdings.Reserved);
        if (status != NtStatus.Success) Unpin();
        return status;
    }

    public readonly WskRegistration Registration => _registration;

    public readonly TransportConnectResult StartTransport(ITransportConnectSink sink) =>
        _registration.Transport.Connect(_connect.Family, _connect.LocalAddress, _connect.RemoteAddress, sink);

    public readonly WskConnectedSocket Connected(ITransportConnection connection)
    {
        uint staticEvents = _registration.TryGetClient(_connect.Request.Client, out var client)
            ? client.StaticEventMask
            : 0;
        var socket = new WskConnectedSocket(_registration, connection, _connect, staticEvents);
        _registration.SocketOpened();
        _registration.Verifier?.OnSocketOpened(socket);
        if (_holdings is { } holdings)
        {
            holdings.Socket = socket;
            if (holdings.Reserved is null && !_connect.BindsAnywhere
                && connection.GetLocalAddress(out var bound).IsSuccess && bound is not null)
            {
                var binding = new Binding(bound, ShareOption.None, holdings.Descriptor);
                _registration.Transport.Addresses.Enter(binding, holdings.Holds);
            }
            Unpin();
        }
        return socket;
    }

    public readonly void Completed(NtStatus status, WskConnectedSocket? socket) { }

    public readonly void Failed()
    {
        if (_holdings is not { } holdings) return;
        holdings.Failed = true;
        if (holdings.Reserved is { } entry) _registration.Transport.Addresses.Withdraw(entry);
        Unpin();
    }

    private readonly void Unpin()
    {
        if (_holdings?.PinnedSd is { } handle) _registration.UnpinSd(handle);
        if (_holdings is not null) _holdings.PinnedSd = null;
    }

    /// <summary>What a connect holds while it runs: the pinned SD, the reserved address, then the socket.</summary>
    private sealed class Holdings
    {
        private readonly SockAddr _local;
        public SecurityDescriptorHandle? PinnedSd;
        public SecurityDescriptor? Descriptor;
        public AddressTable.Entry? Reserved;
        public volatile WskConnectedSocket? Socket;
        public volatile bool Failed;

        public Holdings(SockAddr local) => _local = local;

        // Lock-free: the address table asks while it holds its own lock.
        public bool Holds() => Socket is { } socket ? !socket.IsClosed : !Failed;

        /// <summary>
        /// The table's bind: the address is only reserved; the transport binds it inside its connect.
        /// </summary>
        public NtStatus ReserveOnly(out SockAddr? bound)
        {
            bound = _local;
            return NtStatus.Success;
        }
    }
}
