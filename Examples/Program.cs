using System;
using System.CommandLine;
using System.CommandLine.Invocation;
using System.CommandLine.Parsing;
using System.Threading.Tasks;
using Wsk.Core;

namespace Wsk.Examples;

/// <summary>Command-line wiring only: every behaviour lives in the command classes.</summary>
internal static class Program
{
    // System.CommandLine 2.0.0 handles SIGINT/SIGTERM only when ProcessTerminationTimeout is set (its default is null):
    // without it Ctrl+C kills the process before a pending IRP can be cancelled and the provider deregistered.
    private static readonly InvocationConfiguration Invocation = new() { ProcessTerminationTimeout = TimeSpan.FromSeconds(5) };

    private const double DefaultTimeoutSeconds = 5;

    // CancellationTokenSource.CancelAfter takes at most int.MaxValue ms (about 24.8 days); a day is plenty here.
    private const double MaxTimeoutSeconds = 86_400;

    private static Task<int> Main(string[] args) => RunAsync(args, Invocation);

    /// <summary>
    /// Parses and runs. A command line the parser refuses gets one line per error and a pointer to --help (not the whole
    /// help) on <see cref="InvocationConfiguration.Error"/>, and <see cref="ExitCodes.BadCommandLine"/>.
    /// </summary>
    internal static Task<int> RunAsync(string[] args, InvocationConfiguration invocation)
    {
        var root = Build();
        var parse = root.Parse(args);
        // host:port is the root's alone: hidden from bench's and faults' help, whose usage would otherwise show it.
        if (parse.CommandResult.Command != root)
            foreach (var argument in root.Arguments) argument.Hidden = true;
        if (parse.Action is not ParseErrorAction) return parse.InvokeAsync(invocation);
        foreach (var error in parse.Errors) invocation.Error.WriteLine(error.Message);
        string command = parse.CommandResult.Command is RootCommand ? "" : parse.CommandResult.Command.Name + " ";
        invocation.Error.WriteLine($"See '{command}--help' for what the command line takes.");
        return Task.FromResult(ExitCodes.BadCommandLine);
    }

    private static RootCommand Build()
    {
        var remote = new Argument<Target?>("remote")
        {
            Description = "Where to connect, as host:port: an IPv4 literal (127.0.0.1:8080), a bracketed IPv6 literal " +
                          "([::1]:8080), or a host name (localhost:6379), connected to by Happy Eyeballs (RFC 8305: AAAA " +
                          "and A lookups, attempts raced 250 ms apart, each step printed; localhost answers ::1 and " +
                          "127.0.0.1). Omit it to run the demo against this program's own loopback listener.",
            HelpName = "host:port",
            Arity = ArgumentArity.ZeroOrOne,
            CustomParser = AddressSyntax.ParseTarget,
        };
        var local = new Option<SockAddr?>("--local")
        {
            Description = "Local address to bind (LocalAddress of WskSocketConnect), e.g. 127.0.0.1:0. Default: the " +
                          "wildcard of the remote's family with port 0 (0.0.0.0:0 or [::]:0). Its family is the socket's " +
                          "family, so a family that differs from the remote's is rejected with STATUS_INVALID_PARAMETER. " +
                          "In the demo it applies to the connects of its own family.",
            HelpName = AddressSyntax.HelpName,
            CustomParser = AddressSyntax.Parse,
        };
        var count = new Option<int?>("--count", "-n")
        {
            Description = "Number of connects: default 1 to a remote; in the demo, connects per address family (default " +
                          $"{DemoCommand.DefaultConnectsPerFamily}). Each connect is one IRP, printed as it lives.",
            HelpName = "n",
            CustomParser = static r => NumberSyntax.Whole(r, 1),
        };
        var send = new Option<byte[]?>("--send")
        {
            Description = "With host:port: connect once, send this payload (WskSend), then print the reply as text as it " +
                          "arrives (WskReceive) until the peer closes, resets, or --timeout passes, e.g. --send " +
                          "'GET / HTTP/1.0\\r\\n\\r\\n' (in single quotes, so the shell keeps the backslashes). A line " +
                          "cut between two receives goes on in a 'reply+' line. An empty payload sends nothing and only " +
                          "receives. " + PayloadSyntax.Help,
            HelpName = "payload",
            CustomParser = PayloadSyntax.Parse,
        };
        var timeout = new Option<double>("--timeout")
        {
            Description = "With --send: seconds from the connect until the program stops waiting for the peer to close; " +
                          "the pending receive IRP is then cancelled and the socket closed.",
            DefaultValueFactory = static _ => DefaultTimeoutSeconds,
            HelpName = "seconds",
            CustomParser = static r => NumberSyntax.Seconds(r, MaxTimeoutSeconds),
        };

        var root = new RootCommand(
            "Performs WskSocketConnect (the Windows Winsock Kernel contract, modelled over Linux sockets) and prints each " +
            "IRP's life: submitted, returned (STATUS_SUCCESS when it completed inside the call, else STATUS_PENDING), " +
            "completed (status, local and remote address), closed with WskCloseSocket. Without host:port it runs a demo " +
            "against its own loopback listeners, including one refused connect and one request the provider rejects, " +
            "then sends two messages to its echo listener (WskSend) and prints the echo, received once with WskReceive " +
            "and once through the socket's event stream, before a graceful WskDisconnect. With host:port and --send it " +
            "sends a payload and prints the reply. " + ExitCodes.Help);
        root.Arguments.Add(remote);
        root.Options.Add(local);
        root.Options.Add(count);
        root.Options.Add(send);
        root.Options.Add(timeout);
        root.Validators.Add(r =>
        {
            bool sending = r.GetResult(send) is not null;
            if (sending && r.GetResult(remote) is not { Tokens.Count: > 0 })
                r.AddError("--send needs host:port (the demo sends its own messages to its echo listener).");
            if (sending && r.GetResult(count) is not null)
                r.AddError("--send makes one connection; remove --count.");
            if (r.GetResult(local) is not null && r.GetResult(remote) is { Tokens.Count: > 0 } named
                && SockAddr.TryParse(named.Tokens[0].Value) is null)
                r.AddError("--local applies to an address literal; a connect by name picks each attempt's family itself.");
            if (!sending && r.GetResult(timeout) is { Implicit: false })
                r.AddError("--timeout applies to --send only.");
        });
        // GetValue of an array option that was not given is an empty array, not null: ask whether --send was given.
        root.SetAction((parse, cancel) => parse.GetValue(remote) is { } target
            ? parse.GetResult(send) is not null && parse.GetValue(send) is { } payload
                ? SendCommand.RunAsync(target, parse.GetValue(local), payload, parse.GetValue(timeout), cancel)
                : RemoteCommand.RunAsync(target, parse.GetValue(local), parse.GetValue(count) ?? 1, cancel)
            : DemoCommand.RunAsync(parse.GetValue(local), parse.GetValue(count) ?? DemoCommand.DefaultConnectsPerFamily, cancel));
        root.Subcommands.Add(WithoutRemote(BuildBench(), remote));
        root.Subcommands.Add(WithoutRemote(BuildFaults(), remote));
        return root;
    }

    /// <summary>
    /// bench and faults make their own connects: host:port is the root's alone, so "1.2.3.4:80 bench" (which parses,
    /// as the root's argument comes before the subcommand) is refused rather than silently ignored.
    /// </summary>
    private static Command WithoutRemote(Command command, Argument<Target?> remote)
    {
        command.Validators.Add(r =>
        {
            if (r.GetResult(remote) is { Tokens.Count: > 0 } given)
                r.AddError($"{command.Name} connects to its own listeners; remove '{given.Tokens[0].Value}'.");
        });
        return command;
    }

    private static Command BuildFaults()
    {
        var seed = new Option<int>("--seed")
        {
            Description = "Seed of the simulated network (its jitter); the same seed prints the same timelines.",
            DefaultValueFactory = static _ => 1,
            HelpName = "n",
            CustomParser = static r => NumberSyntax.Whole(r),
        };
        var faults = new Command("faults",
            "Fault injection on the simulated network, in virtual time: a refused connect, a black hole that times out " +
            "after its SYN retries, a connection reset mid-stream, and a cancel that wins and one that loses the race. " +
            "Prints each IRP's timeline in virtual milliseconds and the verifier's findings; exits 0 when every IRP ended " +
            "as scripted and the verifier found nothing.");
        faults.Options.Add(seed);
        faults.SetAction(parse => FaultsCommand.Run(parse.GetValue(seed)));
        return faults;
    }

    private static Command BuildBench()
    {
        var connects = new Option<int>("--connects")
        {
            Description = "Connects per measurement (one client at one concurrency in one round).",
            DefaultValueFactory = static _ => BenchCommand.DefaultConnects,
            HelpName = "n",
            CustomParser = static r => NumberSyntax.Whole(r, 100),
        };
        var rounds = new Option<int>("--rounds")
        {
            Description = "Rounds; each runs the clients in turn (A F B C A F B C ..., then the data-path clients) so drift hits them alike. " +
                          "The table reports medians over rounds.",
            DefaultValueFactory = static _ => BenchCommand.DefaultRounds,
            HelpName = "r",
            CustomParser = static r => NumberSyntax.Whole(r, 1),
        };
        var warmup = new Option<int>("--warmup")
        {
            Description = "Connects each client makes at each concurrency before anything is measured (JIT tiering, pools); " +
                          "when not 0, each data-path client also runs a tenth of each data-path budget first.",
            DefaultValueFactory = static _ => BenchCommand.DefaultWarmup,
            HelpName = "n",
            CustomParser = static r => NumberSyntax.Whole(r, 0),
        };
        var poolThreads = new Option<int>("--pool-threads")
        {
            Description = "Cap on the thread pool's worker threads during the run; 0 leaves the pool alone. Default: the core " +
                          "count, because clients whose connects complete inside the call never yield, and the threads the " +
                          "pool injects for them starve the listener until its accept queue overflows (1 s SYN retries).",
            DefaultValueFactory = static _ => Environment.ProcessorCount,
            HelpName = "n",
            CustomParser = static r => NumberSyntax.Whole(r, 0),
        };

        var dataMiB = new Option<int>("--data-mib")
        {
            Description = "MiB written per bulk-throughput measurement (64 KiB writes over one connection to an in-process " +
                          "discard server); 0 leaves the bulk rows out.",
            DefaultValueFactory = static _ => DataBench.DefaultDataMiB,
            HelpName = "n",
            CustomParser = static r => NumberSyntax.Whole(r, 0),
        };
        var roundTrips = new Option<int>("--round-trips")
        {
            Description = "64-byte request/response round trips per measurement (at 1 and at 64 connections, to an in-process " +
                          "echo server); 0 leaves the round-trip rows out.",
            DefaultValueFactory = static _ => DataBench.DefaultRoundTrips,
            HelpName = "n",
            CustomParser = static r => NumberSyntax.Whole(r, 0),
        };

        var bench = new Command("bench",
            "Measures connects/s, allocated bytes per connect and p50/p99 connect latency, side by side in one run against " +
            "one in-process loopback listener (127.0.0.1), for raw .NET Socket.ConnectAsync, the faithful 12-parameter " +
            "WskSocketConnect and the WskProviderDispatchReactive.ConnectObservable observable, at concurrency 1 and 64, " +
            "beside a floor of blocking libc connect() (Linux). Prints a table of medians, " +
            "the share of our connects that completed inside the call, and whether each of our rows met the goal " +
            "(>= 0.95x raw throughput, <= 300 extra bytes/connect, p99 <= 1.1x raw). Then the data path, in the same " +
            "alternating rounds: bulk MB/s in 64 KiB writes and 64-byte round trips/s at 1 and 64 connections through " +
            "WskSend/WskReceive (against raw Socket) and WskStream (against raw NetworkStream), with bytes allocated per " +
            "operation (goal: >= 0.95x raw, no more bytes than raw). A missed goal is reported, not failed.");
        bench.Options.Add(connects);
        bench.Options.Add(rounds);
        bench.Options.Add(warmup);
        bench.Options.Add(poolThreads);
        bench.Options.Add(dataMiB);
        bench.Options.Add(roundTrips);
        bench.SetAction((parse, cancel) =>
            BenchCommand.RunAsync(parse.GetValue(connects), parse.GetValue(rounds), parse.GetValue(warmup),
                parse.GetValue(poolThreads), parse.GetValue(dataMiB), parse.GetValue(roundTrips), cancel));
        return bench;
    }
}
