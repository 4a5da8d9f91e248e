using System.IO.Pipelines;

namespace Wsk.Shell;

/// <summary>The stream and pipe forms of a connected socket.</summary>
public static class WskSocketStreams
{
    /// <summary>A <see cref="WskStream"/> over <paramref name="socket"/> (disposing it closes the socket when
    /// <paramref name="ownsSocket"/>).</summary>
    public static WskStream AsStream(this WskConnectedSocket socket, bool ownsSocket = true) => new(socket, ownsSocket);

    /// <summary>A <see cref="WskDuplexPipe"/> over <paramref name="socket"/>, which the pipe owns from now
    /// on.</summary>
    public static WskDuplexPipe AsDuplexPipe(this WskConnectedSocket socket, PipeOptions? input = null,
        PipeOptions? output = null) => new(socket, input, output);
}
