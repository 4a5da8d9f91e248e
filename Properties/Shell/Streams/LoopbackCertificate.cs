using System;
using System.Net;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Wsk.Properties.Shell.Streams;

/// <summary>
/// One self-signed server certificate for the TLS tests, made once per test run: CN=localhost, SAN localhost and
/// 127.0.0.1, server-auth EKU, an ECDSA P-256 key. It goes through PFX once, so the key is a persisted one on every OS.
/// </summary>
public static class LoopbackCertificate
{
    private static readonly Lazy<X509Certificate2> Made = new(Make);

    /// <summary>The certificate, with its private key.</summary>
    public static X509Certificate2 Certificate => Made.Value;

    /// <summary>
    /// A client validation callback that accepts exactly this certificate (by SHA-256 thumbprint) and nothing else:
    /// the chain is untrusted by design, so the policy errors are not what decides.
    /// </summary>
    public static bool AcceptsOnlyOurs(object sender, System.Security.Cryptography.X509Certificates.X509Certificate? presented, X509Chain? chain,
        SslPolicyErrors errors) =>
        presented is not null && presented.GetCertHashString(HashAlgorithmName.SHA256) == Certificate.GetCertHashString(HashAlgorithmName.SHA256);

    private static X509Certificate2 Make()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1", "Server Authentication")], critical: false));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, critical: true));
        var now = DateTimeOffset.UtcNow;
        using var ephemeral = request.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(1));
        const string password = "loopback-only";
        return X509CertificateLoader.LoadPkcs12(ephemeral.Export(X509ContentType.Pfx, password), password, X509KeyStorageFlags.Exportable);
    }
}
