using System;
using Wsk.Core;

namespace Wsk.Shell.Simulation;

/// <summary>
/// The simulated host's ports: binds, ephemeral ports, and the keys a host and an endpoint are found by.
/// </summary>
public sealed partial class SimulatedNetwork
{
    private bool TryBind(SockAddr local)
    {
        if (PortOf(local) == 0) return true; // the stack picks a free port
        lock (_gate) return !_listeners.ContainsKey(EndpointKey.Of(local)) && _boundLocal.Add(EndpointKey.Of(local));
    }

    /// <summary>
    /// A three-step socket's bind: a port nobody on this host holds (a free ephemeral one for port 0), or
    /// STATUS_ADDRESS_ALREADY_EXISTS at once, as bind() answers.
    /// </summary>
    internal NtStatus Bind(SockAddr local, out SockAddr? bound)
    {
        lock (_gate)
        {
            bound = null;
            if (PortOf(local) != 0)
            {
                if (!TryBind(local)) return NtStatus.AddressAlreadyExists;
                bound = local;
                return NtStatus.Success;
            }
            for (int tries = 0; tries < EphemeralPorts; tries++)
            {
                var candidate = WithPort(local, NextEphemeral());
                if (!TryBind(candidate)) continue;
                bound = candidate;
                return NtStatus.Success;
            }
            return NtStatus.AddressAlreadyExists; // every ephemeral port is held
        }
    }

    /// <summary>Under <see cref="_gate"/>: the next ephemeral port, wrapping round to the start of the range.</summary>
    private ushort NextEphemeral()
    {
        var port = _nextEphemeral++;
        if (_nextEphemeral == 0) _nextEphemeral = FirstEphemeral;
        return port;
    }

    private static ushort PortOf(SockAddr address) => AddressSharing.PortOf(address);

    private static SockAddr WithPort(SockAddr address, ushort port) => address switch
    {
        SockAddrIn v4 => v4 with { Port = port },
        SockAddrIn6 v6 => v6 with { Port = port },
        _ => address,
    };

    /// <summary>
    /// A connect that opened nothing (refused, timed out, cancelled) gives its explicitly bound local port back.
    /// </summary>
    internal void Unbind(SockAddr local)
    {
        lock (_gate) _boundLocal.Remove(EndpointKey.Of(local));
    }

    /// <summary>A host: family and address.</summary>
    private readonly record struct HostKey(ushort Family, UInt128 Address)
    {
        public static HostKey Of(SockAddr a) => a switch
        {
            SockAddrIn v4 => new(a.Family, v4.Address),
            SockAddrIn6 v6 => new(a.Family, v6.Address),
            _ => new(a.Family, UInt128.Zero),
        };
    }

    /// <summary>A host and a port.</summary>
    private readonly record struct EndpointKey(HostKey Host, ushort Port)
    {
        public static EndpointKey Of(SockAddr a) => new(HostKey.Of(a), a switch
        {
            SockAddrIn v4 => v4.Port,
            SockAddrIn6 v6 => v6.Port,
            _ => (ushort)0,
        });
    }
}
