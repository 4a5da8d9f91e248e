using System;
using System.CommandLine.Parsing;
using System.Globalization;
using Wsk.Core;

namespace Wsk.Examples;

/// <summary>
/// Where host:port points: an address literal (<see cref="Address"/>, parsed by <see cref="SockAddr.TryParse"/>), or a
/// host name and a port, resolved at connect time by Happy Eyeballs.
/// </summary>
internal sealed record Target(SockAddr? Address, string? Host, int Port)
{
    public override string ToString() => Address?.ToString() ?? string.Create(CultureInfo.InvariantCulture, $"{Host}:{Port}");
}

/// <summary>
/// Turns a command-line token into a <see cref="SockAddr"/> with the library's own parser, so the command line accepts
/// exactly what <see cref="SockAddr.TryParse"/> accepts and nothing is parsed twice in two different ways; host:port
/// also takes a host name.
/// </summary>
internal static class AddressSyntax
{
    /// <summary>The form shown in --help.</summary>
    public const string HelpName = "addr:port";

    /// <summary>System.CommandLine custom parser for --local: an address literal only, or null with a parse error.</summary>
    public static SockAddr? Parse(ArgumentResult result)
    {
        if (result.Tokens.Count == 0) return null;
        string text = result.Tokens[0].Value;
        if (SockAddr.TryParse(text) is { } address) return address;
        if (RefusedOption(result, text)) return null;
        result.AddError(
            $"'{text}' is not an address with a port. Write an IPv4 literal such as 127.0.0.1:8080 or a bracketed IPv6 " +
            "literal such as [::1]:8080 (the port is 0-65535).");
        return null;
    }

    /// <summary>System.CommandLine custom parser for host:port: an address literal, or a host name and a port 1-65535.</summary>
    public static Target? ParseTarget(ArgumentResult result)
    {
        if (result.Tokens.Count == 0) return null;
        string text = result.Tokens[0].Value;
        if (SockAddr.TryParse(text) is { } address) return new Target(address, null, address.Port);
        if (RefusedOption(result, text)) return null;
        int colon = text.LastIndexOf(':');
        if (colon > 0 && IsHostName(text.AsSpan(0, colon))
                      && int.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int port)
                      && port is >= 1 and <= 65535)
            return new Target(null, text[..colon], port);
        result.AddError(
            $"'{text}' is not a host with a port. Write a host name such as localhost:6379, an IPv4 literal such as " +
            "127.0.0.1:8080 or a bracketed IPv6 literal such as [::1]:8080 (the port is 1-65535 with a name).");
        return null;
    }

    // An unknown option lands here, as the one token the optional host:port argument takes.
    private static bool RefusedOption(ArgumentResult result, string text)
    {
        if (!text.StartsWith('-')) return false;
        result.AddError($"Unknown option '{text}'.");
        return true;
    }

    /// <summary>RFC 1123 host name: dot-separated labels of letters, digits and inner hyphens, 1-63 each, 253 in all.</summary>
    private static bool IsHostName(ReadOnlySpan<char> name)
    {
        if (name.Length is 0 or > 253) return false;
        foreach (var range in name.Split('.'))
        {
            var label = name[range];
            if (label.Length is 0 or > 63 || label[0] == '-' || label[^1] == '-') return false;
            foreach (char c in label)
                if (!char.IsAsciiLetterOrDigit(c) && c != '-') return false;
        }
        // All digits and dots is a mistyped IPv4 literal (999.1.1.1), not a name.
        return name.ContainsAnyExcept("0123456789.");
    }
}
