using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using Wsk.Core;

namespace Wsk.Properties.Core;

/// <summary>A security descriptor that lookups consider cached by one client.</summary>
/// <param name="Client">The client that cached it.</param>
/// <param name="Handle">The handle WSK_CACHE_SD gave out.</param>
public readonly record struct CachedSd(ClientId Client, SecurityDescriptorHandle Handle);

/// <summary>
/// A generated WskSocketConnect request together with the world it is validated against: which (client, SD) pairs are
/// live cached security descriptors. <see cref="SdCached"/> is the fact validation is given for that world.
/// </summary>
/// <param name="Request">The request, valid or not.</param>
/// <param name="CachedSds">The live cached SDs.</param>
public sealed record RequestCase(ConnectRequest Request, IReadOnlyList<CachedSd> CachedSds)
{
    /// <summary>True when <paramref name="handle"/> is a live SD cached by <paramref name="client"/>.</summary>
    public bool IsCached(ClientId client, SecurityDescriptorHandle handle) => CachedSds.Contains(new CachedSd(client, handle));

    /// <summary>The fact to hand to <see cref="ConnectValidation.Validate"/>: the request's SD is a live SD of its client.</summary>
    public bool SdCached => Request.SecurityDescriptor is { } sd && IsCached(Request.Client, sd);

    /// <inheritdoc/>
    public override string ToString()
    {
        var r = Request;
        var sb = new StringBuilder();
        sb.Append("Request(client ").Append(r.Client.Value)
          .Append(", type ").Append(r.SocketType)
          .Append(", proto ").Append(r.Protocol)
          .Append(", local ").Append(Show(r.LocalAddress))
          .Append(", remote ").Append(Show(r.RemoteAddress))
          .Append(", flags 0x").Append(r.Flags.ToString("X", System.Globalization.CultureInfo.InvariantCulture))
          .Append(", sd ").Append(r.SecurityDescriptor is { } sd ? sd.Value.ToString(System.Globalization.CultureInfo.InvariantCulture) : "null")
          .Append(") cached [")
          .Append(string.Join(", ", CachedSds.Select(c => $"{c.Client.Value}/{c.Handle.Value}")))
          .Append(']');
        return sb.ToString();
    }

    private static string Show(SockAddrArgument a) => a.Address switch
    {
        null when a.Kind == SockAddrArgumentKind.Null => "null",
        SockAddrIn6 v6 => $"{v6} (flow {v6.FlowInfo}, scope {v6.ScopeId})",
        _ => a.ToString(),
    };
}

/// <summary>A byte string for the SOCKADDR codec and the way it was built (for <c>Collect</c>).</summary>
/// <param name="Kind">How the bytes were made: valid-v4, valid-v6, valid+tail, truncated, short, unknown-family, random.</param>
/// <param name="Bytes">The bytes.</param>
public sealed record CodecBytes(string Kind, byte[] Bytes)
{
    /// <inheritdoc/>
    public override string ToString() => $"{Kind}: [{Convert.ToHexString(Bytes)}] ({Bytes.Length} bytes)";
}

/// <summary>
/// Every generator the Core properties use, in one place so the Shell properties can reuse them (the request generator in
/// particular). Generators aim at every branch of the code under test: each field of a request is sometimes valid and
/// sometimes wrong in each of the ways a rule knows about, and command sequences are biased towards the orders a real
/// call goes through while still producing out-of-order noise.
/// </summary>
public static class CoreGen
{
    // ------------------------------------------------------------------ numbers

    /// <summary>A uniformly distributed 16-bit value.</summary>
    public static Gen<int> UInt16Bits => Gen.Choose(0, 0xFFFF);

    /// <summary>Any 32-bit unsigned value (uniform over the full range, unlike FsCheck's size-bound default).</summary>
    public static Gen<uint> AnyUInt32 =>
        from hi in UInt16Bits
        from lo in UInt16Bits
        select ((uint)hi << 16) | (uint)lo;

    /// <summary>Any 32-bit signed value, with the edges over-represented.</summary>
    public static Gen<int> AnyInt32 => Gen.Frequency(
        (6, AnyUInt32.Select(u => unchecked((int)u))),
        (1, Gen.Elements(0, 1, -1, int.MinValue, int.MaxValue, 0x103, 0x102)));

    /// <summary>Any 64-bit unsigned value.</summary>
    public static Gen<ulong> AnyUInt64 =>
        from hi in AnyUInt32
        from lo in AnyUInt32
        select ((ulong)hi << 32) | lo;

    /// <summary>Any 128-bit unsigned value.</summary>
    public static Gen<UInt128> AnyUInt128 =>
        from hi in AnyUInt64
        from lo in AnyUInt64
        select new UInt128(hi, lo);

    /// <summary>A byte.</summary>
    public static Gen<byte> AnyByte => Gen.Choose(0, 255).Select(b => (byte)b);

    /// <summary>A byte array of exactly <paramref name="length"/> bytes.</summary>
    public static Gen<byte[]> BytesOf(int length) => Gen.ArrayOf(AnyByte, length);

    /// <summary>A byte array whose length is drawn from [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public static Gen<byte[]> BytesBetween(int min, int max) => Gen.Choose(min, max).SelectMany(BytesOf);

    // ------------------------------------------------------------------ ports and addresses

    /// <summary>A port: 0 sometimes, well-known ports sometimes, any non-zero port mostly.</summary>
    public static Gen<ushort> Port => Gen.Frequency(
        (1, Gen.Constant((ushort)0)),
        (1, Gen.Elements<ushort>(80, 443, 445, 8080, 65535)),
        (5, Gen.Choose(1, 65535).Select(p => (ushort)p)));

    /// <summary>A port other than 0.</summary>
    public static Gen<ushort> NonZeroPort => Gen.Frequency(
        (1, Gen.Elements<ushort>(1, 80, 443, 445, 8080, 65535)),
        (5, Gen.Choose(1, 65535).Select(p => (ushort)p)));

    /// <summary>An IPv4 address (as a number) that is not the wildcard: loopback, 127/8, private, broadcast, random.</summary>
    public static Gen<uint> IPv4NonWildcard => Gen.Frequency(
        (1, Gen.Constant(0x7F00_0001u)),
        (1, AnyUInt32.Select(u => 0x7F00_0000u | (u & 0x00FF_FFFF))),
        (1, AnyUInt32.Select(u => 0x0A00_0000u | (u & 0x00FF_FFFF))),
        (1, Gen.Constant(0xFFFF_FFFFu)),
        (5, AnyUInt32.Where(u => u != 0)));

    /// <summary>An IPv4 address, the wildcard 0.0.0.0 sometimes.</summary>
    public static Gen<uint> IPv4Address => Gen.Frequency((1, Gen.Constant(0u)), (6, IPv4NonWildcard));

    /// <summary>An IPv6 address that is not the wildcard: ::1, v4-mapped, link-local, random.</summary>
    public static Gen<UInt128> IPv6NonWildcard => Gen.Frequency(
        (1, Gen.Constant(UInt128.One)),
        (1, AnyUInt32.Select(v4 => new UInt128(0, 0x0000_FFFF_0000_0000ul | v4))),
        (1, AnyUInt64.Select(low => new UInt128(0xFE80_0000_0000_0000ul, low))),
        (5, AnyUInt128.Where(a => a != UInt128.Zero)));

    /// <summary>An IPv6 address, the wildcard :: sometimes.</summary>
    public static Gen<UInt128> IPv6Address => Gen.Frequency((1, Gen.Constant(UInt128.Zero)), (6, IPv6NonWildcard));

    /// <summary>sin6_flowinfo: mostly 0.</summary>
    public static Gen<uint> FlowInfo => Gen.Frequency((3, Gen.Constant(0u)), (1, Gen.Choose(1, 0xFFFFF).Select(f => (uint)f)), (1, AnyUInt32));

    /// <summary>sin6_scope_id: mostly 0, small interface indexes, any value.</summary>
    public static Gen<uint> ScopeId => Gen.Frequency((3, Gen.Constant(0u)), (2, Gen.Choose(1, 64).Select(s => (uint)s)), (1, AnyUInt32));

    /// <summary>A SOCKADDR_IN, including the wildcard and port 0.</summary>
    public static Gen<SockAddrIn> SockAddrV4 =>
        from a in IPv4Address
        from p in Port
        select new SockAddrIn(a, p);

    /// <summary>A SOCKADDR_IN6 with flow information and scope, including the wildcard and port 0.</summary>
    public static Gen<SockAddrIn6> SockAddrV6 =>
        from a in IPv6Address
        from p in Port
        from f in FlowInfo
        from s in ScopeId
        select new SockAddrIn6(a, p, f, s);

    /// <summary>A SOCKADDR_IN6 with flow information 0 (what text carries) and scope 0.</summary>
    public static Gen<SockAddrIn6> SockAddrV6NoScope =>
        from a in IPv6Address
        from p in Port
        select new SockAddrIn6(a, p);

    /// <summary>Any valid IPv4 or IPv6 address.</summary>
    public static Gen<SockAddr> ValidSockAddr => Gen.OneOf(SockAddrV4.Select(a => (SockAddr)a), SockAddrV6.Select(a => (SockAddr)a));

    /// <summary>A valid address of <paramref name="family"/> (AF_INET or AF_INET6), wildcard and port 0 included.</summary>
    public static Gen<SockAddr> ValidSockAddrOf(ushort family) =>
        family == AddressFamilies.Inet6 ? SockAddrV6.Select(a => (SockAddr)a) : SockAddrV4.Select(a => (SockAddr)a);

    /// <summary>A connectable address of <paramref name="family"/>: not the wildcard, port not 0.</summary>
    public static Gen<SockAddr> ConnectableOf(ushort family) => family == AddressFamilies.Inet6
        ? from a in IPv6NonWildcard from p in NonZeroPort from f in FlowInfo from s in ScopeId select (SockAddr)new SockAddrIn6(a, p, f, s)
        : from a in IPv4NonWildcard from p in NonZeroPort select (SockAddr)new SockAddrIn(a, p);

    /// <summary>An address of <paramref name="family"/> that names no peer: the wildcard, port 0, or both.</summary>
    public static Gen<SockAddr> NotConnectableOf(ushort family) => family == AddressFamilies.Inet6
        ? Gen.OneOf(
            from p in Port from s in ScopeId select (SockAddr)new SockAddrIn6(UInt128.Zero, p, 0, s),
            from a in IPv6Address from f in FlowInfo select (SockAddr)new SockAddrIn6(a, 0, f, 0))
        : Gen.OneOf(
            Port.Select(p => (SockAddr)new SockAddrIn(0, p)),
            IPv4Address.Select(a => (SockAddr)new SockAddrIn(a, 0)));

    /// <summary>A valid family: AF_INET or AF_INET6.</summary>
    public static Gen<ushort> ValidFamily => Gen.Elements(AddressFamilies.Inet, AddressFamilies.Inet6);

    /// <summary>Families the provider does not offer: AF_UNSPEC, AF_UNIX, Linux AF_INET6 (10), 17, others; never 2 or 23.</summary>
    public static Gen<ushort> UnsupportedFamily => Gen.Frequency(
        (4, Gen.Elements<ushort>(AddressFamilies.Unspecified, AddressFamilies.Unix, 10, 17, 6, 65535)),
        (1, UInt16Bits.Select(f => (ushort)f).Where(f => !TransportCatalogue.IsSupportedFamily(f))));

    /// <summary>A header whose family the provider does not offer (what <see cref="SockAddrCodec.Decode"/> gives for one).</summary>
    public static Gen<SockAddrArgument> UnsupportedAddr => UnsupportedFamily.Select(SockAddrArgument.FamilyNotOffered);

    /// <summary>
    /// Bytes too short for their family, in the shapes <see cref="SockAddrCodec.Decode"/> produces: fewer than 2 bytes
    /// (family unspecified), or an AF_INET/AF_INET6 header shorter than SOCKADDR_IN/SOCKADDR_IN6.
    /// </summary>
    public static Gen<SockAddrArgument> TruncatedAddr => Gen.OneOf(
        Gen.Choose(0, 1).Select(n => SockAddrArgument.Truncated(AddressFamilies.Unspecified, n)),
        Gen.Choose(2, SockAddrIn.Size - 1).Select(n => SockAddrArgument.Truncated(AddressFamilies.Inet, n)),
        Gen.Choose(2, SockAddrIn6.Size - 1).Select(n => SockAddrArgument.Truncated(AddressFamilies.Inet6, n)));

    /// <summary>The request side of a SOCKADDR argument: valid v4, valid v6, NULL, truncated, unsupported family.</summary>
    public static Gen<SockAddrArgument> RequestSockAddr => Gen.Frequency(
        (4, SockAddrV4.Select(a => (SockAddrArgument)a)),
        (4, SockAddrV6.Select(a => (SockAddrArgument)a)),
        (1, Gen.Constant(SockAddrArgument.Null)),
        (1, TruncatedAddr),
        (1, UnsupportedAddr));

    /// <summary>
    /// A RemoteAddress to go with <paramref name="local"/>: mostly the same family (connectable, or the wildcard/port 0),
    /// sometimes the other family, NULL, truncated or unsupported.
    /// </summary>
    public static Gen<SockAddrArgument> RemoteFor(SockAddrArgument local)
    {
        ushort family = local.Address is { } address ? address.Family : AddressFamilies.Inet;
        ushort other = family == AddressFamilies.Inet ? AddressFamilies.Inet6 : AddressFamilies.Inet;
        return Gen.Frequency(
            (6, ConnectableOf(family).Select(a => (SockAddrArgument)a)),
            (1, NotConnectableOf(family).Select(a => (SockAddrArgument)a)),
            (2, ValidSockAddrOf(other).Select(a => (SockAddrArgument)a)),
            (1, Gen.Constant(SockAddrArgument.Null)),
            (1, TruncatedAddr),
            (1, UnsupportedAddr));
    }

    // ------------------------------------------------------------------ statuses

    /// <summary>Every status the library names.</summary>
    public static Gen<NtStatus> NamedStatus => Gen.Elements(NtStatusNames.All.Select(n => n.Status).ToArray());

    /// <summary>An NTSTATUS built field by field, so every severity, the customer bit and the reserved bit all occur.</summary>
    public static Gen<NtStatus> FieldwiseStatus =>
        from severity in Gen.Choose(0, 3)
        from customer in Gen.Elements(false, true)
        from reserved in Gen.Frequency((4, Gen.Constant(false)), (1, Gen.Constant(true)))
        from facility in Gen.Frequency((2, Gen.Constant(0)), (1, Gen.Elements(0x7, 0x12, 0xFFF)), (2, Gen.Choose(0, 0xFFF)))
        from code in UInt16Bits
        select NtStatus.FromUInt32(((uint)severity << 30) | (customer ? 1u << 29 : 0) | (reserved ? 1u << 28 : 0)
                                   | ((uint)facility << 16) | (uint)code);

    /// <summary>Any NTSTATUS: named, field by field, fully random, and the edges.</summary>
    public static Gen<NtStatus> AnyStatus => Gen.Frequency(
        (3, NamedStatus),
        (3, FieldwiseStatus),
        (2, AnyInt32.Select(v => new NtStatus(v))),
        (1, Gen.Elements(0u, 0x103u, 0x102u, 0x3FFF_FFFFu, 0x4000_0000u, 0x7FFF_FFFFu, 0x8000_0000u, 0xBFFF_FFFFu,
                         0xC000_0000u, 0xFFFF_FFFFu, 0x1000_0000u).Select(NtStatus.FromUInt32)));

    /// <summary>Error statuses a call can fail with: the rule statuses, the OS-error table's, and random NT_ERROR codes.</summary>
    public static Gen<NtStatus> ErrorStatus => Gen.Frequency(
        (4, Gen.Elements(
            NtStatus.InvalidParameter, NtStatus.NotSupported, NtStatus.InvalidAddress, NtStatus.ConnectionRefused,
            NtStatus.IoTimeout, NtStatus.NetworkUnreachable, NtStatus.HostUnreachable, NtStatus.AddressAlreadyExists,
            NtStatus.InvalidAddressComponent, NtStatus.Cancelled, NtStatus.ConnectionReset, NtStatus.Unsuccessful,
            NtStatus.InsufficientResources, NtStatus.AccessDenied)),
        (1, UInt16Bits.Select(c => NtStatus.FromUInt32(0xC000_0000u | (uint)c))));

    /// <summary>A final or non-final status for an IRP completion: SUCCESS, PENDING, STATUS_TIMEOUT (NT_SUCCESS), errors, anything.</summary>
    public static Gen<NtStatus> CompletionStatus => Gen.Frequency(
        (3, Gen.Constant(NtStatus.Success)),
        (2, Gen.Constant(NtStatus.Pending)),
        (1, Gen.Constant(NtStatus.Timeout)),
        (4, ErrorStatus),
        (1, AnyStatus));

    /// <summary>A validation outcome as the shell submits it: SUCCESS, or a rejection status.</summary>
    public static Gen<NtStatus> ValidationOutcome => Gen.Frequency(
        (5, Gen.Constant(NtStatus.Success)),
        (2, Gen.Elements(ConnectRules.Table.Rows.Select(t => t.Status).Distinct().ToArray())),
        (1, ErrorStatus));

    /// <summary>What a Submit may carry: a validation outcome mostly, and rarely PENDING (not an outcome: a shell bug to absorb).</summary>
    public static Gen<NtStatus> SubmitStatus => Gen.Frequency((12, ValidationOutcome), (1, Gen.Constant(NtStatus.Pending)));

    // ------------------------------------------------------------------ requests

    /// <summary>SocketType: STREAM mostly, DGRAM, RAW, and types that do not exist.</summary>
    public static Gen<ushort> SocketType => Gen.Frequency(
        (6, Gen.Constant(SocketTypes.Stream)),
        (1, Gen.Constant(SocketTypes.Datagram)),
        (1, Gen.Constant(SocketTypes.Raw)),
        (1, Gen.Elements<ushort>(0, 4, 5, 10, 65535)));

    /// <summary>Protocol: TCP mostly, UDP, IP (0), and others.</summary>
    public static Gen<uint> Protocol => Gen.Frequency(
        (6, Gen.Constant(Protocols.Tcp)),
        (1, Gen.Constant(Protocols.Udp)),
        (1, Gen.Constant(Protocols.Ip)),
        (1, Gen.OneOf(Gen.Elements(Protocols.Icmp, Protocols.Ipv6, Protocols.Raw, 0xFFFF_FFFFu), AnyUInt32)));

    /// <summary>Flags: 0 mostly; reserved bits sometimes.</summary>
    public static Gen<uint> Flags => Gen.Frequency(
        (8, Gen.Constant(0u)),
        (2, Gen.OneOf(Gen.Elements(1u, 2u, 0x8000_0000u), AnyUInt32.Where(f => f != 0))));

    /// <summary>A client.</summary>
    public static Gen<ClientId> Client => Gen.Choose(1, 4).Select(c => new ClientId(c));

    /// <summary>An SD handle (never 0: 0 is never issued).</summary>
    public static Gen<SecurityDescriptorHandle> SdHandle => Gen.Choose(1, 50).Select(h => new SecurityDescriptorHandle(h));

    /// <summary>Live cached SDs of random clients.</summary>
    public static Gen<CachedSd[]> CachedSdWorld =>
        Gen.Choose(0, 4).SelectMany(n => Gen.ArrayOf(from c in Client from h in SdHandle select new CachedSd(c, h), n));

    private enum SdChoice { None, CachedHere, CachedByOther, NeverCached }

    private static Gen<(SecurityDescriptorHandle? Sd, CachedSd[] World)> SdFor(ClientId client, Gen<SdChoice> choice) =>
        from world in CachedSdWorld
        from c in choice
        from h in SdHandle
        from otherClient in Gen.Choose(5, 9).Select(o => new ClientId(o))
        select c switch
        {
            SdChoice.None => ((SecurityDescriptorHandle?)null, world),
            SdChoice.CachedHere => ((SecurityDescriptorHandle?)h, world.Append(new CachedSd(client, h)).ToArray()),
            // The same handle value is cached, but by a different client: not this client's SD.
            SdChoice.CachedByOther => ((SecurityDescriptorHandle?)h,
                world.Where(w => !(w.Client == client && w.Handle == h)).Append(new CachedSd(otherClient, h)).ToArray()),
            _ => ((SecurityDescriptorHandle?)h, world.Where(w => !(w.Client == client && w.Handle == h)).ToArray()),
        };

    private static Gen<SdChoice> AnySdChoice => Gen.Frequency(
        (5, Gen.Constant(SdChoice.None)),
        (3, Gen.Constant(SdChoice.CachedHere)),
        (1, Gen.Constant(SdChoice.CachedByOther)),
        (1, Gen.Constant(SdChoice.NeverCached)));

    private static Gen<SdChoice> GoodSdChoice => Gen.Frequency((2, Gen.Constant(SdChoice.None)), (1, Gen.Constant(SdChoice.CachedHere)));

    /// <summary>The optional parameters that no rule checks: context, dispatch, owners.</summary>
    private static Gen<(object? Context, ConnectionDispatch? Dispatch, ProcessId? Process, ThreadId? Thread)> Extras =>
        from ctx in Gen.Elements<object?>(null, "socket-context", 42)
        from dispatch in Gen.Elements<ConnectionDispatch?>(null, new ConnectionDispatch())
        from process in Gen.Frequency((2, Gen.Constant((ProcessId?)null)), (1, Gen.Choose(1, 99).Select(p => (ProcessId?)new ProcessId(p))))
        from thread in Gen.Frequency((2, Gen.Constant((ThreadId?)null)), (1, Gen.Choose(1, 99).Select(t => (ThreadId?)new ThreadId(t))))
        select (ctx, dispatch, process, thread);

    /// <summary>A request that breaks no rule: STREAM/TCP, valid local, connectable remote of its family, Flags 0, SD null or cached.</summary>
    public static Gen<RequestCase> ValidRequestCase =>
        from client in Client
        from local in Gen.Frequency(
            (1, ValidFamily.Select(f => f == AddressFamilies.Inet6 ? (SockAddr)SockAddrIn6.Any() : SockAddrIn.Any())),
            (5, ValidSockAddr))
        from remote in ConnectableOf(local.Family)
        from sd in SdFor(client, GoodSdChoice)
        from x in Extras
        select new RequestCase(
            new ConnectRequest(client, SocketTypes.Stream, Protocols.Tcp, local, remote, 0, x.Context, x.Dispatch, x.Process, x.Thread, sd.Sd),
            sd.World);

    /// <summary>A request whose every field is independently valid or invalid, so violations co-occur.</summary>
    public static Gen<RequestCase> MixedRequestCase =>
        from client in Client
        from type in SocketType
        from protocol in Protocol
        from local in RequestSockAddr
        from remote in RemoteFor(local)
        from flags in Flags
        from sd in SdFor(client, AnySdChoice)
        from x in Extras
        select new RequestCase(
            new ConnectRequest(client, type, protocol, local, remote, flags, x.Context, x.Dispatch, x.Process, x.Thread, sd.Sd),
            sd.World);

    /// <summary>Requests of every kind: fully valid ones often enough to exercise success, and mixed ones.</summary>
    public static Gen<RequestCase> RequestCases => Gen.Frequency((1, ValidRequestCase), (3, MixedRequestCase));

    /// <summary>Just the request (for callers with their own SD world).</summary>
    public static Gen<ConnectRequest> Requests => RequestCases.Select(c => c.Request);

    /// <summary>
    /// A valid request broken in exactly one way, with the one rule that way breaks. Every <see cref="ConnectRule"/> occurs.
    /// </summary>
    public static Gen<(ConnectRule Rule, RequestCase Case)> SingleFaultRequest =>
        from valid in ValidRequestCase
        from rule in Gen.Elements(Enum.GetValues<ConnectRule>())
        from broken in Break(valid, rule)
        select (rule, broken);

    private static Gen<RequestCase> Break(RequestCase c, ConnectRule rule)
    {
        var r = c.Request;
        var family = r.LocalAddress.Family;
        return rule switch
        {
            ConnectRule.TransportNotConnectionOriented => Gen.OneOf(
                Gen.Elements<(ushort, uint)>((SocketTypes.Datagram, Protocols.Udp), (SocketTypes.Raw, Protocols.Ip),
                    (SocketTypes.Stream, Protocols.Udp), (SocketTypes.Datagram, Protocols.Tcp), (SocketTypes.Stream, Protocols.Ip),
                    (0, Protocols.Tcp), (SocketTypes.Stream, 0xFFFF_FFFF)),
                from t in SocketType from p in Protocol where !(t == SocketTypes.Stream && p == Protocols.Tcp) select (t, p))
                .Select(tp => c with { Request = r with { SocketType = tp.Item1, Protocol = tp.Item2 } }),
            ConnectRule.LocalAddressMissing => Gen.Constant(c with { Request = r with { LocalAddress = null } }),
            ConnectRule.LocalAddressTruncated => TruncatedAddr.Select(a => c with { Request = r with { LocalAddress = a } }),
            ConnectRule.LocalFamilyNotSupported => UnsupportedAddr.Select(a => c with { Request = r with { LocalAddress = a } }),
            ConnectRule.RemoteAddressMissing => Gen.Constant(c with { Request = r with { RemoteAddress = null } }),
            ConnectRule.RemoteAddressTruncated => TruncatedAddr.Select(a => c with { Request = r with { RemoteAddress = a } }),
            ConnectRule.RemoteFamilyMismatch => Gen.OneOf(
                    ConnectableOf(family == AddressFamilies.Inet ? AddressFamilies.Inet6 : AddressFamilies.Inet)
                        .Select(a => (SockAddrArgument)a),
                    UnsupportedAddr)
                .Select(a => c with { Request = r with { RemoteAddress = a } }),
            ConnectRule.RemoteAddressNotConnectable => NotConnectableOf(family).Select(a => c with { Request = r with { RemoteAddress = a } }),
            ConnectRule.FlagsNotZero => Gen.OneOf(Gen.Elements(1u, 2u), AnyUInt32.Where(f => f != 0))
                .Select(f => c with { Request = r with { Flags = f } }),
            ConnectRule.SecurityDescriptorNotCached => SdFor(r.Client, Gen.Elements(SdChoice.CachedByOther, SdChoice.NeverCached))
                .Select(sd => new RequestCase(r with { SecurityDescriptor = sd.Sd }, sd.World)),
            _ => throw new ArgumentOutOfRangeException(nameof(rule), rule, "a rule without a way to break it"),
        };
    }

    // ------------------------------------------------------------------ codec bytes

    private static byte[] EncodeWith(SockAddr a, ushort family)
    {
        var bytes = new byte[SockAddrCodec.SizeOf(a.Family)];
        SockAddrCodec.Encode(a, bytes, family);
        return bytes;
    }

    /// <summary>
    /// Raw bytes for the codec: valid encodings, valid encodings with trailing bytes (a SOCKADDR_STORAGE), truncated
    /// prefixes, fewer than 2 bytes, unknown families (Linux AF_INET6 = 10 among them), random bytes, and empty.
    /// </summary>
    public static Gen<CodecBytes> CodecInput => Gen.Frequency(
        (2, SockAddrV4.Select(a => new CodecBytes("valid-v4", EncodeWith(a, AddressFamilies.Inet)))),
        (2, SockAddrV6.Select(a => new CodecBytes("valid-v6", EncodeWith(a, AddressFamilies.Inet6)))),
        (1, from a in ValidSockAddr
            from tail in BytesBetween(1, 100)
            select new CodecBytes("valid+tail", EncodeWith(a, a.Family).Concat(tail).ToArray())),
        (2, from a in ValidSockAddr
            let full = EncodeWith(a, a.Family)
            from n in Gen.Choose(2, full.Length - 1)
            select new CodecBytes("truncated", full.Take(n).ToArray())),
        (1, Gen.Choose(0, 1).SelectMany(BytesOf).Select(b => new CodecBytes(b.Length == 0 ? "empty" : "short", b))),
        (2, from f in UnsupportedFamily
            from tail in BytesBetween(0, 40)
            select new CodecBytes("unknown-family", new[] { (byte)f, (byte)(f >> 8) }.Concat(tail).ToArray())),
        (1, from a in ValidSockAddr
            select new CodecBytes("linux-family", EncodeWith(a, a.Family == AddressFamilies.Inet6 ? (ushort)10 : AddressFamilies.Inet))),
        (2, BytesBetween(0, 40).Select(b => new CodecBytes("random", b))),
        (1, from f in ValidFamily
            from tail in BytesBetween(0, 40)
            select new CodecBytes("random-valid-family", new[] { (byte)f, (byte)(f >> 8) }.Concat(tail).ToArray())));

    // ------------------------------------------------------------------ decider commands

    /// <summary>One IRP command: Submit, Cancel, or Complete with any completion status (PENDING included).</summary>
    public static Gen<IrpCommand> OneIrpCommand => Gen.Frequency(
        (3, Gen.Constant(IrpCommand.Submit)),
        (2, Gen.Constant(IrpCommand.Cancel)),
        (5, CompletionStatus.Select(IrpCommand.Complete)));

    /// <summary>A sequence of IRP commands (0 to 30).</summary>
    public static Gen<IrpCommand[]> IrpCommands => Gen.Choose(0, 30).SelectMany(n => Gen.ArrayOf(OneIrpCommand, n));

    /// <summary>
    /// What a transport can answer: SUCCESS with a socket, an error without one, the two inconsistent combinations,
    /// PENDING (not a final status) and STATUS_TIMEOUT (NT_SUCCESS but not SUCCESS); inline or not.
    /// </summary>
    public static Gen<ConnectCommand> TransportAnswer =>
        from answer in Gen.Frequency(
            (4, Gen.Constant((NtStatus.Success, true))),
            (4, ErrorStatus.Select(s => (s, false))),
            (1, Gen.Constant((NtStatus.Success, false))),
            (1, ErrorStatus.Select(s => (s, true))),
            (1, Gen.Elements(false, true).Select(h => (NtStatus.Pending, h))),
            (1, Gen.Constant((NtStatus.Timeout, false))))
        from inline in Gen.Elements(false, true)
        select ConnectCommand.TransportCompleted(answer.Item1, answer.Item2, inline);

    /// <summary>Any single connect command.</summary>
    public static Gen<ConnectCommand> AnyConnectCommand => Gen.Frequency(
        (2, SubmitStatus.Select(ConnectCommand.Submit)),
        (3, TransportAnswer),
        (1, Gen.Constant(ConnectCommand.Cancel)),
        (2, Gen.Constant(ConnectCommand.Return)));

    /// <summary>Commands in any order (mostly out-of-order noise).</summary>
    public static Gen<ConnectCommand[]> RandomConnectCommands => Gen.Choose(0, 12).SelectMany(n => Gen.ArrayOf(AnyConnectCommand, n));

    /// <summary>
    /// A call-shaped sequence: sometimes a stray command first, then Submit, then in any order 0-3 transport answers,
    /// 0-2 cancels, usually one Return (sometimes none or two), and sometimes a stray extra command.
    /// </summary>
    public static Gen<ConnectCommand[]> ConnectScenario => ConnectScenarioWith(SubmitStatus, TransportAnswer);

    /// <summary>The call-shaped sequence with the Submit outcome and the transport answers drawn from the given generators.</summary>
    public static Gen<ConnectCommand[]> ConnectScenarioWith(Gen<NtStatus> submitStatus, Gen<ConnectCommand> transportAnswer) =>
        from prefix in Gen.Frequency((6, Gen.Constant(Array.Empty<ConnectCommand>())), (1, Gen.ArrayOf(AnyConnectCommand, 1)))
        from outcome in submitStatus
        from answers in Gen.Choose(0, 3).SelectMany(n => Gen.ArrayOf(transportAnswer, n))
        from cancels in Gen.Frequency((3, Gen.Constant(0)), (2, Gen.Constant(1)), (1, Gen.Constant(2)))
        from returns in Gen.Frequency((1, Gen.Constant(0)), (8, Gen.Constant(1)), (1, Gen.Constant(2)))
        from extra in Gen.Frequency((5, Gen.Constant(Array.Empty<ConnectCommand>())), (1, Gen.ArrayOf(AnyConnectCommand, 1)))
        from body in Gen.Shuffle(answers
            .Concat(Enumerable.Repeat(ConnectCommand.Cancel, cancels))
            .Concat(Enumerable.Repeat(ConnectCommand.Return, returns))
            .Concat(extra).ToArray())
        select prefix.Append(ConnectCommand.Submit(outcome)).Concat(body).ToArray();

    /// <summary>
    /// NT_SUCCESS statuses that are neither SUCCESS nor PENDING: STATUS_TIMEOUT (0x102), STATUS_EVENT_PENDING
    /// (0x40000013), and random success/informational codes (rule PendingIsSuccess).
    /// </summary>
    public static Gen<NtStatus> OddSuccessStatus => Gen.Frequency(
        (2, Gen.Constant(NtStatus.Timeout)),
        (1, Gen.Constant(NtStatus.EventPending)),
        (1, AnyUInt32.Select(u => NtStatus.FromUInt32(u & 0x7FFF_FFFF))
            .Where(s => s != NtStatus.Success && !s.IsPending)));

    /// <summary>Call-shaped sequences where the Submit outcome or the transport answers are sometimes odd NT_SUCCESS statuses.</summary>
    public static Gen<ConnectCommand[]> ConnectScenarioWithOddSuccess => ConnectScenarioWith(
        Gen.Frequency((4, Gen.Constant(NtStatus.Success)), (1, OddSuccessStatus), (1, ErrorStatus)),
        Gen.Frequency(
            (2, TransportAnswer),
            (1, from st in OddSuccessStatus from socket in Gen.Elements(false, true) from inline in Gen.Elements(false, true)
                select ConnectCommand.TransportCompleted(st, socket, inline))));

    /// <summary>Connect command sequences: mostly call-shaped, sometimes random.</summary>
    public static Gen<ConnectCommand[]> ConnectCommands => Gen.Frequency((4, ConnectScenario), (1, RandomConnectCommands));

    // ------------------------------------------------------------------ shrinking

    /// <summary>Shrinks an array by dropping one element at a time (enough to shorten command sequences).</summary>
    public static IEnumerable<T[]> ShrinkArray<T>(T[] items)
    {
        if (items.Length > 1) yield return items.Take(items.Length / 2).ToArray();
        for (int i = 0; i < items.Length; i++)
            yield return items.Take(i).Concat(items.Skip(i + 1)).ToArray();
    }
}

/// <summary>Arbitraries over <see cref="CoreGen"/>, for <c>Prop.ForAll</c> and for <c>[Property(Arbitrary = ...)]</c>.</summary>
public static class CoreArb
{
    /// <summary>Valid IPv4/IPv6 addresses.</summary>
    public static Arbitrary<SockAddr> ValidSockAddr() => CoreGen.ValidSockAddr.ToArbitrary();

    /// <summary>Request-side SOCKADDR arguments (may be null, truncated, unsupported).</summary>
    public static Arbitrary<SockAddrArgument> RequestSockAddr() => CoreGen.RequestSockAddr.ToArbitrary();

    /// <summary>Requests with their SD world.</summary>
    public static Arbitrary<RequestCase> RequestCases() => CoreGen.RequestCases.ToArbitrary();

    /// <summary>Requests alone.</summary>
    public static Arbitrary<ConnectRequest> Requests() => CoreGen.Requests.ToArbitrary();

    /// <summary>A request broken in exactly one way.</summary>
    public static Arbitrary<(ConnectRule Rule, RequestCase Case)> SingleFaultRequest() => CoreGen.SingleFaultRequest.ToArbitrary();

    /// <summary>Any NTSTATUS.</summary>
    public static Arbitrary<NtStatus> AnyStatus() => CoreGen.AnyStatus.ToArbitrary();

    /// <summary>Codec byte strings.</summary>
    public static Arbitrary<CodecBytes> CodecInput() => CoreGen.CodecInput.ToArbitrary();

    /// <summary>IRP command sequences, shrinking by dropping commands.</summary>
    public static Arbitrary<IrpCommand[]> IrpCommands() => Arb.From(CoreGen.IrpCommands, CoreGen.ShrinkArray);

    /// <summary>Connect command sequences, shrinking by dropping commands.</summary>
    public static Arbitrary<ConnectCommand[]> ConnectCommands() => Arb.From(CoreGen.ConnectCommands, CoreGen.ShrinkArray);

    /// <summary>Call-shaped connect sequences with odd NT_SUCCESS statuses, shrinking by dropping commands.</summary>
    public static Arbitrary<ConnectCommand[]> ConnectCommandsWithOddSuccess() => Arb.From(CoreGen.ConnectScenarioWithOddSuccess, CoreGen.ShrinkArray);
}
