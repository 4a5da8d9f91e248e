using Wsk.Core;
using Xunit;

namespace Wsk.Properties.Core;

/// <summary>What the command line accepts as an address: the literal forms only, never inet_aton's shorthands.</summary>
public class SockAddrParseFacts
{
    [Theory]
    [InlineData("80:80")]
    [InlineData("127.1:80")]
    [InlineData("0x7f000001:80")]
    [InlineData("017.0.0.1:80")]
    [InlineData("1.2.3.4.5:80")]
    [InlineData("256.0.0.1:80")]
    [InlineData("::1:80")]
    [InlineData("[127.0.0.1]:80")]
    [InlineData("127.0.0.1:65536")]
    [InlineData("localhost:80")]
    public void Shorthands_and_malformed_literals_are_refused(string text) => Assert.Null(SockAddr.TryParse(text));

    [Theory]
    [InlineData("127.0.0.1:80", "127.0.0.1:80")]
    [InlineData("0.0.0.0:0", "0.0.0.0:0")]
    [InlineData("[::1]:8080", "[::1]:8080")]
    [InlineData("[fe80::1%3]:22", "[fe80::1%3]:22")]
    public void Literals_parse_to_the_address_they_name(string text, string shown) => Assert.Equal(shown, SockAddr.TryParse(text)?.ToString());
}
