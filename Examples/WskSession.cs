using System;
using Wsk.Core;
using Wsk.Shell;

namespace Wsk.Examples;

/// <summary>
/// One client's WSK life around the work it does: WskRegister and WskCaptureProviderNpi when opened,
/// WskReleaseProviderNpi and WskDeregister when disposed, each step printed. Kept in one place so every command tears
/// down in the order WSK requires (release the capture before deregistering, or WskDeregister waits forever).
/// </summary>
internal sealed class WskSession : IDisposable
{
    private bool _disposed;

    private WskSession(WskRegistration registration, WskProviderNpi npi)
    {
        Registration = registration;
        Npi = npi;
    }

    public WskRegistration Registration { get; }

    public WskProviderNpi Npi { get; }

    public WskClient Client => Npi.Client;

    public WskProviderDispatch Dispatch => Npi.Dispatch;

    /// <summary>
    /// Registers and captures; null (after printing why) when either does not return STATUS_SUCCESS. With
    /// <paramref name="resolver"/>, the registration is over the OS transport with its name calls answered there.
    /// </summary>
    public static WskSession? Open(IWskResolver? resolver = null)
    {
        var clientNpi = new WskClientNpi(null, new WskClientDispatch());
        WskRegistration registration;
        var registered = resolver is null
            ? WskRegistration.WskRegister(clientNpi, out registration)
            : WskRegistration.WskRegister(clientNpi, WskProvider.Shared.Transport, resolver, out registration);
        IrpLog.Line("provider", $"WskRegister → {registered}");
        if (registered != NtStatus.Success) return null;

        // WSK_NO_WAIT: this provider is ready as soon as it is registered, so there is nothing worth waiting for.
        var captured = registration.WskCaptureProviderNpi(0, out var npi);
        IrpLog.Line("provider", $"WskCaptureProviderNpi(WSK_NO_WAIT) → {captured}" +
                                (npi is null ? "" : $"  client {npi.Client.Id.Value}, dispatch version 0x{npi.Dispatch.Version:X4}"));
        if (captured != NtStatus.Success || npi is null)
        {
            registration.WskDeregister();
            return null;
        }
        return new WskSession(registration, npi);
    }

    /// <summary>Releases the capture and deregisters; by then every socket must be closed, or WskDeregister blocks.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        Registration.WskReleaseProviderNpi(Npi);
        IrpLog.Line("provider", $"WskReleaseProviderNpi(client {Client.Id.Value})  captured clients {Registration.CapturedClients}");
        Registration.WskDeregister();
        IrpLog.Line("provider", $"WskDeregister returned  open sockets {Registration.OpenSockets}, " +
                                $"open OS connections {Registration.Transport.OpenConnections}");
    }
}
