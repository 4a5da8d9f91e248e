using System;
using System.Linq;
using Wsk.Core;
using Xunit;

namespace Wsk.Properties.Core;

/// <summary>
/// The address-sharing rules: when two bindings overlap, which verdict the option table gives, what a verdict costs,
/// and how a bind is judged against everything held. Written as cases from the rules, not recomputed from the code.
/// </summary>
public class AddressSharingFacts
{
    private static readonly ProcessId Owner = new(10), Friend = new(11), Stranger = new(12);
    private static readonly SecurityDescriptor SharesWithFriend = new(Owner, new[] { Friend });
    private static readonly SockAddrIn V4Any = SockAddrIn.Any() with { Port = 80 };
    private static readonly SockAddrIn V4A = new(0x7F00_0001, 80), V4B = new(0x7F00_0002, 80);
    private static readonly SockAddrIn6 V6Any = SockAddrIn6.Any() with { Port = 80 };
    private static readonly SockAddrIn6 V6A = new((UInt128)1, 80), V6B = new((UInt128)2, 80);

    [Fact]
    public void Port_and_wildcard_are_read_from_either_family()
    {
        Assert.Equal(80, AddressSharing.PortOf(V4A));
        Assert.Equal(81, AddressSharing.PortOf(V6A with { Port = 81 }));
        Assert.True(AddressSharing.IsWildcard(V4Any));
        Assert.True(AddressSharing.IsWildcard(V6Any));
        Assert.False(AddressSharing.IsWildcard(V4A));
        Assert.False(AddressSharing.IsWildcard(V6A));
    }

    public static TheoryData<SockAddr, bool, SockAddr, bool, bool> Overlapping => new()
    {
        { V4A, false, V4A, false, true },
        { V4A, false, V4B, false, false },                      // different hosts
        { V4A, false, V4A with { Port = 81 }, false, false },   // different ports never overlap
        { V4Any, false, V4A, false, true },                     // a wildcard covers every host of its family
        { V4A, false, V4Any, false, true },
        { V4Any, false, V4Any with { Port = 81 }, false, false },
        { V6A, false, V6A, false, true },
        { V6A, false, V6B, false, false },
        { V6A, false, V6A with { ScopeId = 2 }, false, false }, // another scope is another address
        { V6Any, false, V6A, false, true },
        { V6A, false, V6Any, false, true },
        { V6Any, true, V4A, false, true },                      // a dual-stack wildcard also holds IPv4
        { V4A, false, V6Any, true, true },
        { V6Any, false, V4A, false, false },                    // ... only when dual-stack
        { V4A, false, V6Any, false, false },
        { V6A, true, V4A, false, false },                       // ... and only the wildcard
        { V4A, true, V6Any, false, false },                     // the IPv4 side's flag means nothing
        { V6Any, true, V4A with { Port = 81 }, false, false },
    };

    [Theory]
    [MemberData(nameof(Overlapping))]
    public void Two_bindings_overlap_exactly_when_they_can_receive_the_same_packet(SockAddr a, bool aDual, SockAddr b, bool bDual, bool overlap)
    {
        Assert.Equal(overlap, AddressSharing.Overlaps(a, aDual, b, bDual));
        Assert.Equal(overlap, AddressSharing.Overlaps(b, bDual, a, aDual)); // symmetric
    }

    /// <summary>The sharing table: rows are the second socket, columns the first (none W, none S, REUSE W, REUSE S, EXCL W, EXCL S).</summary>
    private static readonly string[] Table =
    {
        "U S U S U S",
        "C U C D D U",
        "D S S S D S",
        "C D S S D D",
        "U U U U U U",
        "C U C U D U",
    };

    [Fact]
    public void Every_cell_of_the_sharing_table_is_the_documented_verdict()
    {
        var options = new[] { ShareOption.None, ShareOption.ReuseAddress, ShareOption.ExclusiveAddressUse };
        for (int row = 0; row < 6; row++)
        for (int column = 0; column < 6; column++)
        {
            var expected = Table[row].Split(' ')[column] switch
            {
                "S" => ShareVerdict.Success,
                "U" => ShareVerdict.InUse,
                "D" => ShareVerdict.Denied,
                _ => ShareVerdict.Check,
            };
            var cell = AddressSharing.Cell(options[row / 2], row % 2 == 0, options[column / 2], column % 2 == 0);
            Assert.True(expected == cell, $"row {row}, column {column}: expected {expected}, got {cell}");
        }
    }

    [Fact]
    public void A_verdict_costs_its_status_and_a_check_asks_the_first_sockets_descriptor()
    {
        var owner = new SecurityContext(Owner);
        var stranger = new SecurityContext(Stranger);
        Assert.Equal(NtStatus.Success, AddressSharing.StatusOf(ShareVerdict.Success, null, stranger));
        Assert.Equal(NtStatus.AddressAlreadyExists, AddressSharing.StatusOf(ShareVerdict.InUse, SharesWithFriend, owner));
        Assert.Equal(NtStatus.AccessDenied, AddressSharing.StatusOf(ShareVerdict.Denied, SharesWithFriend, owner));
        Assert.Equal(NtStatus.Success, AddressSharing.StatusOf(ShareVerdict.Check, SharesWithFriend, owner));
        Assert.Equal(NtStatus.Success, AddressSharing.StatusOf(ShareVerdict.Check, SharesWithFriend, new SecurityContext(Friend)));
        Assert.Equal(NtStatus.AccessDenied, AddressSharing.StatusOf(ShareVerdict.Check, SharesWithFriend, stranger));
        Assert.Equal(NtStatus.AccessDenied, AddressSharing.StatusOf(ShareVerdict.Check, null, owner)); // a NULL SD shares with nobody
    }

    [Fact]
    public void A_bind_is_judged_against_every_overlapping_binding_and_in_use_wins()
    {
        var stranger = new SecurityContext(Stranger);
        var reuse = new BindAttempt(V4A, ShareOption.ReuseAddress, stranger);
        var plain = new BindAttempt(V4A, ShareOption.None, stranger);
        var held = new Binding(V4A, ShareOption.None, null);
        var heldReuse = new Binding(V4A, ShareOption.ReuseAddress, null);
        var heldWildcard = new Binding(V4Any, ShareOption.None, null);
        var elsewhere = new Binding(V4B, ShareOption.None, null);

        Assert.Equal(NtStatus.Success, AddressSharing.Decide(plain, Array.Empty<Binding>()));
        Assert.Equal(NtStatus.Success, AddressSharing.Decide(plain, new[] { elsewhere }));              // no overlap
        Assert.Equal(NtStatus.AddressAlreadyExists, AddressSharing.Decide(plain, new[] { held }));     // none S over none S
        Assert.Equal(NtStatus.Success, AddressSharing.Decide(reuse, new[] { heldReuse }));             // REUSE S over REUSE S
        Assert.Equal(NtStatus.AccessDenied, AddressSharing.Decide(reuse, new[] { held }));             // REUSE S over none S
        Assert.Equal(NtStatus.AccessDenied, AddressSharing.Decide(plain, new[] { heldWildcard }));     // none S over none W: a check, NULL SD
        // A denial does not stop the search: a later binding in use still decides.
        var heldExclusive = new Binding(V4A, ShareOption.ExclusiveAddressUse, null);
        Assert.Equal(NtStatus.AddressAlreadyExists, AddressSharing.Decide(plain, new[] { heldReuse, heldExclusive }));
        Assert.Equal(NtStatus.AddressAlreadyExists, AddressSharing.Decide(plain, new[] { heldExclusive, heldReuse }));
        Assert.Equal(NtStatus.AccessDenied, AddressSharing.Decide(reuse, new[] { held, heldReuse }));
        Assert.Equal(NtStatus.AccessDenied, AddressSharing.Decide(reuse, new[] { heldReuse, held }));
        // Port 0 is never judged: the stack picks a free port.
        Assert.Equal(NtStatus.Success,
            AddressSharing.Decide(plain with { Address = V4A with { Port = 0 } }, new[] { held with { Address = V4A with { Port = 0 } } }));
        // A dual-stack IPv6 wildcard is judged against IPv4 bindings.
        Assert.Equal(NtStatus.AddressAlreadyExists,
            AddressSharing.Decide(new BindAttempt(V6Any, ShareOption.None, stranger, DualStack: true), new[] { heldWildcard }));
        Assert.Equal(NtStatus.Success, AddressSharing.Decide(new BindAttempt(V6Any, ShareOption.None, stranger), new[] { heldWildcard }));
        Assert.Equal(NtStatus.AddressAlreadyExists,
            AddressSharing.Decide(plain with { Address = V4Any }, new[] { new Binding(V6Any, ShareOption.None, null, DualStack: true) }));
        Assert.Equal(NtStatus.Success,
            AddressSharing.Decide(plain with { Address = V4Any }, new[] { new Binding(V6Any, ShareOption.None, null) }));
        Assert.True(new[] { held, heldReuse, heldWildcard, elsewhere }
            .All(b => AddressSharing.Decide(plain with { Address = V4A with { Port = 9 } }, new[] { b }) == NtStatus.Success));
    }
}
