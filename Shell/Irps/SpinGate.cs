using System.Threading;

namespace Wsk.Shell;

/// <summary>
/// A lock for a few instructions that allocates nothing: one word taken by compare-and-swap and spun on while held.
/// Keep it as a mutable field (never readonly, never copied) and hold it only around code that cannot block or call
/// out.
/// </summary>
internal struct SpinGate
{
    private int _held;

    /// <summary>
    /// Takes the gate, spinning (and yielding, as <see cref="SpinWait"/> does) while another holds it.
    /// </summary>
    public void Enter()
    {
        var spin = new SpinWait();
        while (Interlocked.Exchange(ref _held, 1) != 0) spin.SpinOnce();
    }

    /// <summary>Gives the gate back.</summary>
    public void Exit() => Volatile.Write(ref _held, 0);
}
