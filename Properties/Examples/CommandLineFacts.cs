using System;
using System.Collections.Generic;
using System.CommandLine;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using Wsk.Examples;
using Xunit;

namespace Wsk.Properties.Examples;

/// <summary>
/// The example program's command line, run in process through <c>Program.RunAsync</c> with its output captured: what
/// a usage error prints and returns, what the subcommands' help shows, and that remote mode makes every connect asked.
/// </summary>
public sealed class CommandLineFacts
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    private const string NotAHost = "'";

    private const string HostHelp = "' is not a host with a port. Write a host name such as localhost:6379, an IPv4 literal such as 127.0.0.1:8080 " +
                                    "or a bracketed IPv6 literal such as [::1]:8080 (the port is 1-65535 with a name).";

    private static async Task<(int Code, string[] Output, string[] Error)> Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        int code = await Program.RunAsync(args, new InvocationConfiguration { Output = output, Error = error }).WaitAsync(Bound);
        return (code, Lines(output), Lines(error));
    }

    private static string[] Lines(StringWriter writer) =>
        writer.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);

    [Theory]
    [InlineData("--count abc", "--count takes a whole number of at least 1, got 'abc'.", "")]
    [InlineData("--count 0", "--count takes a whole number of at least 1, got '0'.", "")]
    [InlineData("127.0.0.1:9 --send x --timeout soon", "--timeout takes a number of seconds more than 0 and at most 86400, got 'soon'.", "")]
    [InlineData("127.0.0.1:9 --send x --timeout NaN", "--timeout takes a number of seconds more than 0 and at most 86400, got 'NaN'.", "")]
    [InlineData("bench --connects many", "--connects takes a whole number of at least 100, got 'many'.", "bench ")]
    [InlineData("bench --rounds 1.5", "--rounds takes a whole number of at least 1, got '1.5'.", "bench ")]
    [InlineData("bench --data-mib lots", "--data-mib takes a whole number of at least 0, got 'lots'.", "bench ")]
    [InlineData("bench --round-trips -1", "--round-trips takes a whole number of at least 0, got '-1'.", "bench ")]
    [InlineData("faults --seed x", "--seed takes a whole number, got 'x'.", "faults ")]
    [InlineData("--bogus", "Unknown option '--bogus'.", "")]
    [InlineData("bench --bogus", "Unrecognized command or argument '--bogus'.", "bench ")]
    [InlineData("127.0.0.1:80 bench", "bench connects to its own listeners; remove '127.0.0.1:80'.", "bench ")]
    [InlineData("127.0.0.1:80 faults", "faults connects to its own listeners; remove '127.0.0.1:80'.", "faults ")]
    [InlineData("bad..name:80", NotAHost + "bad..name:80" + HostHelp, "")]
    [InlineData("localhost:0", NotAHost + "localhost:0" + HostHelp, "")]
    [InlineData("localhost", NotAHost + "localhost" + HostHelp, "")]
    [InlineData("999.1.1.1:80", NotAHost + "999.1.1.1:80" + HostHelp, "")]
    [InlineData("localhost:80 --local 127.0.0.1:0", "--local applies to an address literal; a connect by name picks each attempt's family itself.", "")]
    public async Task A_usage_error_is_one_line_that_says_what_is_wrong_then_a_pointer_to_help_and_exit_1(
        string commandLine, string message, string command)
    {
        var (code, output, error) = await Run(commandLine.Split(' '));

        Assert.Equal(ExitCodes.BadCommandLine, code);
        Assert.Empty(output);
        Assert.Equal(new[] { message, $"See '{command}--help' for what the command line takes." }, error);
    }

    [Theory]
    [InlineData("bench", "--connects")]
    [InlineData("bench", "--data-mib")]
    [InlineData("bench", "--round-trips")]
    [InlineData("faults", "--seed")]
    public async Task Bench_and_faults_help_shows_only_what_they_accept(string command, string option)
    {
        var (code, output, error) = await Run(command, "--help");

        Assert.Equal(ExitCodes.Success, code);
        Assert.Empty(error);
        string usage = output[Array.IndexOf(output, "Usage:") + 1].Trim();
        Assert.EndsWith($" {command} [options]", usage, StringComparison.Ordinal);
        Assert.DoesNotContain(output, line => line.Contains("remote", StringComparison.Ordinal) || line.Contains("host:port", StringComparison.Ordinal));
        Assert.Contains(output, line => line.TrimStart().StartsWith(option, StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_root_help_still_shows_host_port()
    {
        var (code, output, _) = await Run("--help");

        Assert.Equal(ExitCodes.Success, code);
        Assert.Contains(output, line => line.TrimStart().StartsWith("<host:port>", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Remote_mode_without_send_makes_every_connect_and_exits_0()
    {
        // The listener accepts and keeps each connection open: a run that waited for the peer to close would time out.
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(16);
        int port = ((IPEndPoint)listener.LocalEndPoint!).Port;
        var accepted = new List<Socket>();
        using var stop = new CancellationTokenSource(Bound);
        var accepting = Task.Run(async () =>
        {
            while (accepted.Count < 3) accepted.Add(await listener.AcceptAsync(stop.Token));
        });
        try
        {
            var (code, _, error) = await Run($"127.0.0.1:{port}", "--count", "3");

            Assert.Equal(ExitCodes.Success, code);
            Assert.Empty(error);
            await accepting.WaitAsync(TimeSpan.FromSeconds(10));
            Assert.Equal(3, accepted.Count);
        }
        finally
        {
            await stop.CancelAsync();
            foreach (var socket in accepted) socket.Dispose();
        }
    }

    [Fact]
    public async Task A_host_name_is_accepted_and_remote_mode_connects_to_it_and_exits_0()
    {
        // localhost answers ::1 and 127.0.0.1: one listener on each loopback (same port when ::1 has it) takes the winner.
        using var v4 = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        v4.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        v4.Listen(16);
        int port = ((IPEndPoint)v4.LocalEndPoint!).Port;
        using var v6 = new Socket(AddressFamily.InterNetworkV6, SocketType.Stream, ProtocolType.Tcp) { DualMode = false };
        try
        {
            v6.Bind(new IPEndPoint(IPAddress.IPv6Loopback, port));
            v6.Listen(16);
        }
        catch (SocketException)
        {
            // no ::1 (or the port is taken there): the IPv6 attempt fails and IPv4 wins
        }

        var (code, _, error) = await Run($"localhost:{port}");

        Assert.Equal(ExitCodes.Success, code);
        Assert.Empty(error);
        // The winner's connection waits in one listener's accept queue.
        Assert.True(v4.Poll(0, SelectMode.SelectRead) || (v6.IsBound && v6.Poll(0, SelectMode.SelectRead)));
    }
}
