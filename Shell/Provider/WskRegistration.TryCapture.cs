using System.Diagnostics.CodeAnalysis;
using Wsk.Core;

namespace Wsk.Shell;

public sealed partial class WskRegistration
{
    /// <summary>
    /// <see cref="WskCaptureProviderNpi"/> in the .NET Try form: true with the NPI exactly when the capture answered
    /// STATUS_SUCCESS (the other statuses say why not; the NtStatus form gives them).
    /// </summary>
    /// <param name="waitTimeoutMilliseconds">WSK_NO_WAIT (0), a timeout, or WSK_INFINITE_WAIT (0xFFFFFFFF).</param>
    /// <param name="providerNpi">The captured NPI when true; the caller releases it.</param>
    /// <param name="irql">The caller's IRQL.</param>
    /// <exception cref="WskContractViolationException">Above DISPATCH_LEVEL, or a wait above PASSIVE_LEVEL.</exception>
    public bool TryCaptureProviderNpi(uint waitTimeoutMilliseconds, [NotNullWhen(true)] out WskProviderNpi? providerNpi,
        Irql irql = Irql.PassiveLevel)
    {
        var status = WskCaptureProviderNpi(waitTimeoutMilliseconds, out providerNpi, irql);
        if (status == NtStatus.Success && providerNpi is not null) return true;
        providerNpi = null;
        return false;
    }
}
