using System;
using System.Globalization;
using System.IO;

namespace Wsk.Examples;

/// <summary>
/// Linux's count of SYNs dropped because a listener's accept queue was full (TcpExt ListenOverflows in
/// /proc/net/netstat). Each one costs a connect a 1 s retransmission, so a benchmark that saw any measured its listener
/// as much as its clients; reading it before and after says whether that happened. The counter is system-wide.
/// </summary>
internal static class ListenOverflows
{
    /// <summary>The counter now, or null where it cannot be read (not Linux, no /proc).</summary>
    public static long? Read()
    {
        try
        {
            var lines = File.ReadAllLines("/proc/net/netstat");
            for (int i = 0; i + 1 < lines.Length; i += 2)
            {
                if (!lines[i].StartsWith("TcpExt:", StringComparison.Ordinal)) continue;
                int column = Array.IndexOf(lines[i].Split(' '), "ListenOverflows");
                var values = lines[i + 1].Split(' ');
                return column > 0 && column < values.Length
                    && long.TryParse(values[column], NumberStyles.None, CultureInfo.InvariantCulture, out long value) ? value : null;
            }
            return null;
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }
}
