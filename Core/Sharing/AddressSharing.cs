using System.Collections.Generic;

namespace Wsk.Core;

/// <summary>
/// The address-sharing option a socket carries into its bind (rule SecurityOptionBeforeBind): set with
/// WskControlSocket before bind.
/// </summary>
public enum ShareOption : byte
{
    /// <summary>Neither option set (the default).</summary>
    None,
    /// <summary>SO_REUSEADDR = 1.</summary>
    ReuseAddress,
    /// <summary>SO_EXCLUSIVEADDRUSE = 1.</summary>
    ExclusiveAddressUse,
}

/// <summary>One cell of the sharing table.</summary>
public enum ShareVerdict : byte
{
    /// <summary>The second bind may share the address.</summary>
    Success,
    /// <summary>STATUS_ADDRESS_ALREADY_EXISTS.</summary>
    InUse,
    /// <summary>STATUS_ACCESS_DENIED.</summary>
    Denied,
    /// <summary>The second socket's security context is checked against the first socket's SD.</summary>
    Check,
}

/// <summary>An address a socket of this provider holds, as the sharing table sees it.</summary>
/// <param name="Address">The bound address, with the port actually held (never 0).</param>
/// <param name="Option">The sharing option the socket had when it bound.</param>
/// <param name="Descriptor">The socket's SD (a copy taken when it was given; null = the default SD, which shares with
/// nobody).</param>
/// <param name="DualStack">An IPv6 socket with IPV6_V6ONLY = 0: a wildcard bind also holds the IPv4 wildcard of its
/// port.</param>
public sealed record Binding(
    SockAddr Address, ShareOption Option, SecurityDescriptor? Descriptor, bool DualStack = false);

/// <summary>A bind about to be made.</summary>
/// <param name="Address">The local address asked for.</param>
/// <param name="Option">The socket's sharing option.</param>
/// <param name="Context">Whose security context a CHECK cell tests (OwningProcess / OwningThread, default the calling
/// process).</param>
/// <param name="DualStack">IPv6 with IPV6_V6ONLY = 0.</param>
public sealed record BindAttempt(SockAddr Address, ShareOption Option, SecurityContext Context, bool DualStack = false);

/// <summary>
/// Microsoft's address-sharing table as a pure function (rule SharingTable), and the decision a provider
/// takes with it before any bind reaches the operating system. Linux's own rules (SO_REUSEADDR for TIME_WAIT,
/// SO_REUSEPORT for co-binding) are not consulted: the shell configures the OS so that it allows whatever this decides
/// to allow.
/// </summary>
public static class AddressSharing
{
    // Rows: the second socket; columns: the first. Index = option * 2 + (specific ? 1 : 0), in the order
    // none W, none S, REUSE W, REUSE S, EXCL W, EXCL S.
    private const ShareVerdict
        S = ShareVerdict.Success, U = ShareVerdict.InUse, D = ShareVerdict.Denied, C = ShareVerdict.Check;
    private static readonly ShareVerdict[,] Cells =
    {
        { U, S, U, S, U, S },
        { C, U, C, D, D, U },
        { D, S, S, S, D, S },
        { C, D, S, S, D, D },
        { U, U, U, U, U, U },
        { C, U, C, U, D, U },
    };

    /// <summary>The cell for a second bind (its option, wildcard or specific) onto an address the first socket
    /// holds.</summary>
    public static ShareVerdict Cell(ShareOption second, bool secondWildcard, ShareOption first, bool firstWildcard) =>
        Cells[Index(second, secondWildcard), Index(first, firstWildcard)];

    private static int Index(ShareOption option, bool wildcard) => (int)option * 2 + (wildcard ? 0 : 1);

    /// <summary>The status a verdict gives, with CHECK resolved against <paramref name="firstDescriptor"/>.</summary>
    public static NtStatus StatusOf(
        ShareVerdict verdict, SecurityDescriptor? firstDescriptor, SecurityContext second) => verdict switch
    {
        ShareVerdict.Success => NtStatus.Success,
        ShareVerdict.InUse => NtStatus.AddressAlreadyExists,
        ShareVerdict.Denied => NtStatus.AccessDenied,
        // A NULL SD is the default SD, which lets nobody share (rule DefaultSdForbidsSharing).
        _ => firstDescriptor is { } sd && sd.Allows(second) ? NtStatus.Success : NtStatus.AccessDenied,
    };

    /// <summary>
    /// Whether two bindings contend for one transport address: same port, and the same family with at least
    /// one wildcard or the same specific address (different specific addresses never conflict); a dual-stack IPv6
    /// wildcard also covers every IPv4 address of its port.
    /// </summary>
    public static bool Overlaps(SockAddr a, bool aDualStack, SockAddr b, bool bDualStack)
    {
        if (PortOf(a) != PortOf(b)) return false;
        if (a.Family == b.Family) return IsWildcard(a) || IsWildcard(b) || a switch
        {
            SockAddrIn v4 => v4.Address == ((SockAddrIn)b).Address,
            SockAddrIn6 v6 => v6.Address == ((SockAddrIn6)b).Address && v6.ScopeId == ((SockAddrIn6)b).ScopeId,
            _ => false,
        };
        return (a is SockAddrIn6 && aDualStack && IsWildcard(a) && b is SockAddrIn)
            || (b is SockAddrIn6 && bDualStack && IsWildcard(b) && a is SockAddrIn);
    }

    /// <summary>
    /// The provider's decision for <paramref name="attempt"/> against every address this provider's sockets
    /// hold. Port 0 asks for a port nobody holds, so it never conflicts. Against several holders, the bind must be
    /// allowed by each; STATUS_ADDRESS_ALREADY_EXISTS outranks STATUS_ACCESS_DENIED (the address is taken, whoever
    /// asks).
    /// </summary>
    public static NtStatus Decide(BindAttempt attempt, IEnumerable<Binding> held)
    {
        if (PortOf(attempt.Address) == 0) return NtStatus.Success;
        var result = NtStatus.Success;
        foreach (var first in held)
        {
            if (!Overlaps(attempt.Address, attempt.DualStack, first.Address, first.DualStack)) continue;
            var verdict = Cell(attempt.Option, IsWildcard(attempt.Address), first.Option, IsWildcard(first.Address));
            var status = StatusOf(verdict, first.Descriptor, attempt.Context);
            if (status == NtStatus.AddressAlreadyExists) return status;
            if (status != NtStatus.Success) result = status;
        }
        return result;
    }

    /// <summary>The port of an IPv4/IPv6 address.</summary>
    public static ushort PortOf(SockAddr address) => address.Port;

    /// <summary>True for INADDR_ANY / in6addr_any.</summary>
    public static bool IsWildcard(SockAddr address) => address.IsWildcard;
}
