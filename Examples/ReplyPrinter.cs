using System;
using System.Globalization;
using System.Text;

namespace Wsk.Examples;

/// <summary>
/// Prints a peer's reply as text, one "reply" line per line of it, as each receive brings it. A line cut by a receive's
/// end is printed at once, not held back (a server that prompts without a newline must be seen before the timeout);
/// its rest, from the next receive, is printed as a "reply+" line, so a cut is not mistaken for a line end.
/// </summary>
internal sealed class ReplyPrinter
{
    // Stateful, so a UTF-8 character split across two receives is decoded whole; bytes that are not UTF-8 become U+FFFD.
    private readonly Decoder _utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false).GetDecoder();
    private bool _midLine; // the last line printed was cut by the end of its receive

    /// <summary>Bytes printed so far.</summary>
    public long Bytes { get; private set; }

    public void Print(ReadOnlySpan<byte> data)
    {
        Bytes += data.Length;
        Write(data, flush: false);
    }

    /// <summary>Prints what the decoder still holds (an incomplete character at the very end).</summary>
    public void Flush() => Write(ReadOnlySpan<byte>.Empty, flush: true);

    private void Write(ReadOnlySpan<byte> data, bool flush)
    {
        var chars = new char[_utf8.GetCharCount(data, flush)];
        int count = _utf8.GetChars(data, chars, flush);
        if (count == 0) return;
        string[] lines = new string(chars, 0, count).Split('\n');
        // After a final '\n' Split leaves an empty piece: that is the end of the last line, not a line of its own.
        int last = lines[^1].Length == 0 ? lines.Length - 1 : lines.Length;
        for (int i = 0; i < last; i++)
        {
            bool complete = i < lines.Length - 1;
            string line = complete && lines[i].EndsWith('\r') ? lines[i][..^1] : lines[i]; // CRLF is one line end
            IrpLog.Line(i == 0 && _midLine ? "reply+" : "reply", Visible(line));
        }
        _midLine = last == lines.Length;
    }

    /// <summary>
    /// Control characters other than tab escaped, so they cannot move the cursor or hide text: as in --send (\r, \xNN),
    /// except the C1 controls, which are characters of two UTF-8 bytes and are shown as \uNNNN.
    /// </summary>
    private static string Visible(string line)
    {
        var text = new StringBuilder(line.Length);
        foreach (char c in line)
        {
            if (c == '\t' || !char.IsControl(c)) text.Append(c);
            else if (c == '\r') text.Append(@"\r");
            else text.Append(c < 0x80 ? @"\x" : @"\u").Append(((int)c).ToString(c < 0x80 ? "X2" : "X4", CultureInfo.InvariantCulture));
        }
        return text.ToString();
    }
}
