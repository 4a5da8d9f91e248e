using System;
using System.Collections.Generic;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Text;

namespace Wsk.Examples;

/// <summary>
/// The escapes of --send, both ways: a shell passes "\r\n" as four characters, so the payload is decoded here; and what
/// the program prints of bytes it sent or received uses the same escapes, so a printed payload can be pasted back.
/// </summary>
internal static class PayloadSyntax
{
    /// <summary>The escapes, as --help lists them.</summary>
    public const string Help = @"Escapes: \r \n \t \\ and \xNN (one byte, two hex digits, e.g. \x00); any other backslash is an error, " +
                               "so a typo is not sent. The rest is sent as UTF-8.";

    /// <summary>System.CommandLine custom parser for --send.</summary>
    public static byte[]? Parse(ArgumentResult result)
    {
        if (result.Tokens.Count == 0) return null;
        var bytes = Decode(result.Tokens[0].Value, out string? error);
        if (error is not null) result.AddError($"--send: {error}. {Help}");
        return bytes;
    }

    /// <summary>The bytes <paramref name="text"/> stands for, or null with the reason.</summary>
    public static byte[]? Decode(string text, out string? error)
    {
        error = null;
        var bytes = new List<byte>(text.Length);
        var run = new StringBuilder(); // plain text since the last \xNN, encoded as UTF-8 when the run ends
        for (int i = 0; i < text.Length; i++)
        {
            if (text[i] != '\\')
            {
                run.Append(text[i]);
                continue;
            }
            char escape = ++i < text.Length ? text[i] : '\0';
            switch (escape)
            {
                case 'r': run.Append('\r'); break;
                case 'n': run.Append('\n'); break;
                case 't': run.Append('\t'); break;
                case '\\': run.Append('\\'); break;
                case 'x' when i + 2 < text.Length && byte.TryParse(text.AsSpan(i + 1, 2), NumberStyles.AllowHexSpecifier,
                    CultureInfo.InvariantCulture, out byte value):
                    bytes.AddRange(Encoding.UTF8.GetBytes(run.ToString()));
                    run.Clear();
                    bytes.Add(value);
                    i += 2;
                    break;
                default:
                    error = i >= text.Length ? @"the payload ends with a lone backslash (write \\ for a backslash)"
                        : escape == 'x' ? string.Create(CultureInfo.InvariantCulture, $@"'\x' at position {i} needs two hex digits")
                        : string.Create(CultureInfo.InvariantCulture, $@"'\{escape}' at position {i} is not an escape");
                    return null;
            }
        }
        bytes.AddRange(Encoding.UTF8.GetBytes(run.ToString()));
        return bytes.ToArray();
    }

    /// <summary>
    /// <paramref name="data"/> in double quotes with the same escapes (printable ASCII as is, anything else escaped), cut
    /// after <paramref name="limit"/> characters so one IRP stays on one line.
    /// </summary>
    public static string Quote(ReadOnlySpan<byte> data, int limit = 60)
    {
        var text = new StringBuilder("\"");
        foreach (byte b in data)
        {
            if (text.Length > limit)
            {
                text.Append('…');
                break;
            }
            text.Append(b switch
            {
                (byte)'\r' => @"\r",
                (byte)'\n' => @"\n",
                (byte)'\t' => @"\t",
                (byte)'\\' => @"\\",
                >= 0x20 and < 0x7F => ((char)b).ToString(),
                _ => string.Create(CultureInfo.InvariantCulture, $@"\x{b:X2}"),
            });
        }
        return text.Append('"').ToString();
    }
}
