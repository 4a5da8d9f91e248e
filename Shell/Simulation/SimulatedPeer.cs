using System;

namespace Wsk.Shell.Simulation;

/// <summary>
/// The far end of a simulated connection, driven by the test: it writes, reads (a slow reader that never reads holds
/// our sends back at its receive window), ends its stream and resets. Nothing here blocks or waits.
/// </summary>
public sealed class SimulatedPeer
{
    private readonly SimulatedConnection _connection;

    internal SimulatedPeer(SimulatedConnection connection) => _connection = connection;

    /// <summary>The peer's address (the one we connected to).</summary>
    public Wsk.Core.SockAddr Address => _connection.Remote;

    /// <summary>Our end's address, as the peer sees it.</summary>
    public Wsk.Core.SockAddr RemoteAddress => _connection.Local;

    /// <summary>The peer's receive window in bytes.</summary>
    public int Window => _connection.Window;

    /// <summary>Bytes in the peer's receive window that it has not read.</summary>
    public int Buffered => _connection.PeerView().Buffered;

    /// <summary>Every byte we ever put into the peer's window.</summary>
    public long TotalReceived => _connection.PeerView().Total;

    /// <summary>True once our FIN arrived and every byte before it was read.</summary>
    public bool SawFin => _connection.PeerView().Fin;

    /// <summary>True once the connection was reset from our side (abortive disconnect or close).</summary>
    public bool SawReset => _connection.PeerView().Reset;

    /// <summary>Every byte the peer has read so far, in order.</summary>
    public byte[] ReadSoFar => _connection.PeerView().Read;

    /// <summary>Sends <paramref name="data"/> to us; false when the connection can no longer carry it.</summary>
    public bool Write(ReadOnlySpan<byte> data) => _connection.PeerWrite(data);

    /// <summary>
    /// Reads up to <paramref name="max"/> bytes of what we sent (opening the window for our waiting sends).
    /// </summary>
    public byte[] Read(int max = int.MaxValue) => _connection.PeerRead(max);

    /// <summary>Ends the peer's stream (FIN): our receives see 0 bytes after the data.</summary>
    public void Shutdown() => _connection.PeerShutdown();

    /// <summary>Resets the connection: our pending and later I/O answer STATUS_CONNECTION_RESET.</summary>
    public void Reset() => _connection.PeerReset();
}
