using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using Wsk.Core;

namespace Wsk.Shell;

/// <summary>
/// For a WskSocket, WskBind or WskConnect rejected by validation: every rule the call broke, kept beside its IRP (as
/// <see cref="Irp.ParameterViolations"/> keeps WskSocketConnect's). Empty for any other outcome.
/// </summary>
public static class IrpSocketViolations
{
    private static readonly ConditionalWeakTable<Irp, IReadOnlyList<RuleViolation<SocketRule>>> s_byIrp = new();

    /// <summary>The violations of the IRP's last three-step call.</summary>
    public static IReadOnlyList<RuleViolation<SocketRule>> SocketViolations(this Irp irp) =>
        s_byIrp.TryGetValue(irp, out var list) ? list : Array.Empty<RuleViolation<SocketRule>>();

    internal static void Set(Irp irp, IReadOnlyList<RuleViolation<SocketRule>> violations) => s_byIrp.AddOrUpdate(irp, violations);

    internal static void Clear(Irp irp) => s_byIrp.Remove(irp);
}
