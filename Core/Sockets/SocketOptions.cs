namespace Wsk.Core;

/// <summary>
/// The options of a three-step socket, as one value. <see cref="V6Only"/> starts true, as on Windows (Linux's default
/// is the opposite; the real transport sets the model's value on every IPv6 socket).
/// </summary>
/// <param name="Share">SO_REUSEADDR / SO_EXCLUSIVEADDRUSE (at most one is on).</param>
/// <param name="V6Only">IPV6_V6ONLY (IPv6 sockets).</param>
/// <param name="KeepAlive">SO_KEEPALIVE.</param>
/// <param name="Descriptor">
/// The SD the address will carry (SO_WSK_SECURITY or WskSocket's SecurityDescriptor); null = default.
/// </param>
public sealed record SocketOptions(
    ShareOption Share = ShareOption.None,
    bool V6Only = true,
    bool KeepAlive = false,
    SecurityDescriptor? Descriptor = null)
{
    /// <summary>A fresh socket's options.</summary>
    public static SocketOptions Default { get; } = new();
}
