namespace Wsk.Examples;

/// <summary>
/// What the process returns. A failed connect is a status the library reports, not a crash, so it gets its own code
/// (2) distinct from a command line the parser refused (1), which System.CommandLine returns by itself.
/// </summary>
internal static class ExitCodes
{
    /// <summary>Every connect ended as expected (the demo's successes succeeded, its failures failed the expected way).</summary>
    public const int Success = 0;

    /// <summary>The command line was not understood (System.CommandLine's own code for a parse error).</summary>
    public const int BadCommandLine = 1;

    /// <summary>A connect ended with another status than expected (for example STATUS_CONNECTION_REFUSED in remote mode).</summary>
    public const int ConnectFailed = 2;

    /// <summary>WskRegister or WskCaptureProviderNpi did not return STATUS_SUCCESS.</summary>
    public const int ProviderUnavailable = 3;

    /// <summary>bench only: sockets were still open at the end (registration.OpenSockets or Transport.OpenConnections not 0).</summary>
    public const int SocketsLeft = 4;

    /// <summary>
    /// The data did not go through: the demo's echo differed from what was sent, or (--send) the send failed or the
    /// connection was reset before the peer closed it.
    /// </summary>
    public const int DataFailed = 5;

    /// <summary>--send only: --timeout passed before the peer closed (what arrived until then was printed).</summary>
    public const int TimedOut = 6;

    /// <summary>Interrupted (Ctrl+C / SIGTERM): the pending IRPs were cancelled (128 + SIGINT, as shells report it).</summary>
    public const int Interrupted = 130;

    /// <summary>The exit-code table, as --help shows it.</summary>
    public const string Help =
        "Exit codes: 0 every connect ended as expected (demo: and the echo matched; --send: and the peer closed the " +
        "connection); 1 bad command line; 2 a connect ended with another status than expected (in remote mode: any " +
        "connect that did not return STATUS_SUCCESS, e.g. STATUS_CONNECTION_REFUSED); 3 the provider could not be " +
        "registered or captured; 4 (bench) sockets were left open; 5 the data did not go through (demo: the echo " +
        "differed; --send: the send failed or the peer reset the connection); 6 (--send) --timeout passed before the " +
        "peer closed; 130 interrupted (Ctrl+C cancels the pending IRP). 'bench' returns 0 whatever the goal verdicts.";
}
