using System.Threading.Tasks;

namespace Wsk.Examples;

/// <summary>
/// One way of making a connect and closing it. Each client writes its own worker loop, so that the only per-connect
/// work is the connect and the close themselves: a generic per-connect callback would cost an await (and, when it does
/// not complete synchronously, an allocation) that would be charged to whichever client pends more often.
/// </summary>
internal abstract class BenchClient
{
    /// <summary>The row label.</summary>
    public abstract string Name { get; }

    /// <summary>True for the raw .NET client every other row is compared with.</summary>
    public virtual bool IsBaseline => false;

    /// <summary>True for the libc connect() floor: the kernel's own cost, which the library's rows are also compared with.</summary>
    public virtual bool IsFloor => false;

    /// <summary>Connects and closes until <paramref name="measurement"/> has no connects left, timing each connect.</summary>
    public abstract Task WorkerAsync(Measurement measurement);
}
