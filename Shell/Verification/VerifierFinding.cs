namespace Wsk.Shell;

/// <summary>One finding: which rule, which object, and what happened.</summary>
/// <param name="Rule">The rule broken.</param>
/// <param name="Object">
/// The object it concerns, named by <see cref="WskVerifier.NameOf(Irp)"/> and its overloads ("IRP #3", "socket #1",
/// "client #2", "registration #1", "SD #1").
/// </param>
/// <param name="Detail">What the verifier saw.</param>
public sealed record VerifierFinding(VerifierRule Rule, string Object, string Detail)
{
    /// <inheritdoc/>
    public override string ToString() => $"{Rule} on {Object}: {Detail}";
}
