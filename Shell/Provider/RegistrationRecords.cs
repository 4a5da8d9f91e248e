using System;
using System.Diagnostics.CodeAnalysis;
using System.Threading.Tasks;
using Wsk.Core;

namespace Wsk.Shell;

/// <summary>WSK_CLIENT_DISPATCH: the version the client asks for (MAKE_WSK_VERSION(1,0) = 0x0100).</summary>
/// <param name="Version">Requested WSK version.</param>
public sealed record WskClientDispatch(ushort Version = 0x0100);

/// <summary>WSK_CLIENT_NPI: the client's context and dispatch.</summary>
/// <param name="ClientContext">Opaque client context.</param>
/// <param name="Dispatch">The client dispatch.</param>
public sealed record WskClientNpi(object? ClientContext, WskClientDispatch Dispatch);

/// <summary>
/// WSK_PROVIDER_NPI: the client handle and the provider's dispatch table, from one successful capture. Disposing it
/// is WskReleaseProviderNPI, once: nothing happens when the capture was released already.
/// </summary>
/// <param name="Client">The WSK_CLIENT to pass to provider calls.</param>
/// <param name="Dispatch">WSK_PROVIDER_DISPATCH.</param>
public sealed record WskProviderNpi(WskClient Client, WskProviderDispatch Dispatch) : IDisposable, IAsyncDisposable
{
    /// <summary>Releases the capture (WskReleaseProviderNPI) unless it was released already.</summary>
    public void Dispose() => Client.Registration.ReleaseIfLive(this);

    /// <summary>The same as <see cref="Dispose"/>: a release never waits.</summary>
    public ValueTask DisposeAsync()
    {
        Dispose();
        return default;
    }
}

/// <summary>The outcome of one capture: STATUS_SUCCESS with the NPI, or the status without one.</summary>
/// <param name="Status">
/// STATUS_SUCCESS, STATUS_DEVICE_NOT_READY, STATUS_NOINTERFACE or STATUS_CANCELLED (an abandoned wait).
/// </param>
/// <param name="Npi">The captured NPI exactly on success; the receiver releases it.</param>
public sealed record CaptureCompletion(NtStatus Status, WskProviderNpi? Npi)
{
    /// <summary>True when the capture succeeded: STATUS_SUCCESS, and <see cref="Npi"/> is the captured NPI.</summary>
    [MemberNotNullWhen(true, nameof(Npi))]
    public bool IsSuccess => Status == NtStatus.Success && Npi is not null;
}

/// <summary>Wait values for <see cref="WskRegistration.WskCaptureProviderNpi"/>.</summary>
public static class WskWait
{
    /// <summary>WSK_NO_WAIT: return at once.</summary>
    public const uint NoWait = CaptureDecider.NoWait;

    /// <summary>WSK_INFINITE_WAIT: wait as long as it takes.</summary>
    public const uint Infinite = CaptureDecider.InfiniteWait;
}
