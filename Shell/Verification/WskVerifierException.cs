using System;

namespace Wsk.Shell;

/// <summary>
/// Thrown, when <see cref="WskVerifier.ThrowOnBugCheck"/> is set, for a finding whose kernel analogue is a bug check.
/// </summary>
public sealed class WskVerifierException : InvalidOperationException
{
    /// <summary>Creates the exception for <paramref name="finding"/>.</summary>
    public WskVerifierException(VerifierFinding finding)
        : base($"WSK verifier bug check: {finding}") => Finding = finding;

    /// <summary>The finding.</summary>
    public VerifierFinding Finding { get; }
}
