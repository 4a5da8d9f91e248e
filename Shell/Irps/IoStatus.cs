using System.Diagnostics.CodeAnalysis;
using Wsk.Core;

namespace Wsk.Shell;

/// <summary>
/// IO_STATUS_BLOCK: the final status of an IRP and its information. For WskSocketConnect the information is the new
/// <see cref="WskConnectedSocket"/> on success and null on failure (rule InformationOnFailureIsNull).
/// </summary>
/// <param name="Status">The final status.</param>
/// <param name="Information">The operation's result object (a socket, an address, a byte count), or null.</param>
public readonly record struct IoStatus(NtStatus Status, object? Information)
{
    /// <summary>The socket carried by <see cref="Information"/>, if it is one.</summary>
    public WskConnectedSocket? Socket => Information as WskConnectedSocket;

    /// <summary>
    /// True with the socket when <see cref="Information"/> holds one: for a WskSocketConnect IRP, exactly when it
    /// succeeded (rule InformationOnFailureIsNull).
    /// </summary>
    public bool TryGetSocket([NotNullWhen(true)] out WskConnectedSocket? socket)
    {
        socket = Socket;
        return socket is not null;
    }
}
