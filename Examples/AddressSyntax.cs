using System.CommandLine.Parsing;
using Wsk.Core;

namespace Wsk.Examples;

/// <summary>
/// Turns a command-line token into a <see cref="SockAddr"/> with the library's own parser, so the command line accepts
/// exactly what <see cref="SockAddr.TryParse"/> accepts and nothing is parsed twice in two different ways.
/// </summary>
internal static class AddressSyntax
{
    /// <summary>The form shown in --help.</summary>
    public const string HelpName = "addr:port";

    /// <summary>System.CommandLine custom parser: the address, or null with a parse error that says what is expected.</summary>
    public static SockAddr? Parse(ArgumentResult result)
    {
        if (result.Tokens.Count == 0) return null;
        string text = result.Tokens[0].Value;
        if (SockAddr.TryParse(text) is { } address) return address;
        // An unknown option lands here, as the one token the optional host:port argument takes.
        if (text.StartsWith('-'))
        {
            result.AddError($"Unknown option '{text}'.");
            return null;
        }
        result.AddError(
            $"'{text}' is not an address with a port. Write an IPv4 literal such as 127.0.0.1:8080 or a bracketed IPv6 " +
            "literal such as [::1]:8080 (host names are not resolved; the port is 0-65535).");
        return null;
    }
}
