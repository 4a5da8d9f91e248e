using System.Linq;
using FsCheck.Xunit;
using Wsk.Shell;

namespace Wsk.Properties.Shell.Streams;

/// <summary>
/// Whether this run's Wsk.Shell is the Coyote-rewritten one (the default build), where every <see cref="WskStream"/> read or
/// write that has to wait throws <see cref="System.InvalidProgramException"/>: its three pooling async methods do not survive
/// the rewrite. The TLS and HTTP properties then say so and skip; the focused fact in <see cref="WskStreamOnRewrittenShellFacts"/>
/// is the one that shows the fault.
/// </summary>
public static class RewrittenShell
{
    public static readonly bool IsRewritten =
        typeof(WskStream).Assembly.GetCustomAttributesData().Concat(typeof(WskStream).Module.GetCustomAttributesData())
            .Any(a => a.AttributeType.Name == "RewritingSignatureAttribute");

    public const string Reason =
        "WskStream's AwaitRead, AwaitWrite and WithCancel carry [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder…))], " +
        "and after the Coyote rewrite of Wsk.Shell they are invalid IL (InvalidProgramException on the first read that waits); " +
        "run with -p:CoyoteRewrite=false, or remove the three attributes";
}

/// <summary>A property that runs on the plain Wsk.Shell and skips, saying why, on the Coyote-rewritten one.</summary>
public sealed class PropertyOnPlainShellAttribute : PropertyAttribute
{
    public PropertyOnPlainShellAttribute()
    {
        if (RewrittenShell.IsRewritten) Skip = RewrittenShell.Reason;
    }
}
