namespace Wsk.Core;

// ---- state ----

/// <summary>Whether receive indications go on.</summary>
public enum IndicationFlow : byte
{
    /// <summary>Indications go on.</summary>
    Flowing,
    /// <summary>Indications stopped (PartialAcceptStopsIndications); only the receive reader resumes them.</summary>
    Stopped,
}

// ---- commands ----

/// <summary>What the client's WskReceiveEvent answered.</summary>
/// <param name="Returned">The callback's return value.</param>
/// <param name="BytesIndicated">The bytes indicated.</param>
/// <param name="BytesAccepted">*BytesAccepted: the bytes the client says it took.</param>
public readonly record struct IndicationAnswer(NtStatus Returned, long BytesIndicated, long BytesAccepted);

// ---- events ----

/// <summary>How an indication ended.</summary>
public enum IndicationAction : byte
{
    /// <summary>The client consumed every byte; indications go on.</summary>
    Consumed,
    /// <summary>
    /// The client consumed Consumed bytes; the rest waits for a WskReceive, and indications stop until then.
    /// </summary>
    PartlyConsumed,
    /// <summary>
    /// The client kept the indication (STATUS_PENDING) and returns it with WskRelease; indications go on.
    /// </summary>
    KeptByClient,
    /// <summary>
    /// STATUS_DATA_NOT_ACCEPTED: the data waits for a WskReceive, and indications stop until one is posted.
    /// </summary>
    NotAccepted,
}

/// <summary>The outcome of one indication.</summary>
/// <param name="Action">What to do.</param>
/// <param name="Consumed">Bytes taken by the client (all of them when kept).</param>
/// <param name="ClientBrokeContract">
/// The callback answered outside the contract (recorded, then treated as stated).
/// </param>
public readonly record struct IndicationOutcome(IndicationAction Action, long Consumed, bool ClientBrokeContract)
{
    /// <summary>Whether indications go on after this one.</summary>
    public bool IndicationsContinue => Action is IndicationAction.Consumed or IndicationAction.KeptByClient;
}

// ---- the decider ----

/// <summary>
/// What the provider does with a receive indication once the client's WskReceiveEvent returned (rule IndicationAnswer:
/// SUCCESS, partial, PENDING, DATA_NOT_ACCEPTED).
/// </summary>
public static class IndicationDecider
{
    /// <summary>Before any indication.</summary>
    public const IndicationFlow Initial = IndicationFlow.Flowing;

    /// <summary>What one answer means (it does not depend on the flow: a stopped flow indicates nothing).</summary>
    public static IndicationOutcome Decide(IndicationAnswer answer)
    {
        var (returned, bytesIndicated, bytesAccepted) = answer;
        if (returned == NtStatus.Success)
        {
            // All consumed, or part: then the rest stays with the provider and indications stop until a WskReceive
            // takes it. An accepted count outside [0, indicated] is the client's bug: treat it as "all consumed".
            if (bytesAccepted <= 0 || bytesAccepted >= bytesIndicated)
                return new IndicationOutcome(IndicationAction.Consumed, bytesIndicated,
                    bytesAccepted is < 0 || bytesAccepted > bytesIndicated);
            return new IndicationOutcome(IndicationAction.PartlyConsumed, bytesAccepted, false);
        }
        if (returned == NtStatus.Pending)
            return new IndicationOutcome(IndicationAction.KeptByClient, bytesIndicated, false);
        if (returned == NtStatus.DataNotAccepted) return new IndicationOutcome(IndicationAction.NotAccepted, 0, false);
        // Any other answer is outside the contract: keep the data with the provider, as for DATA_NOT_ACCEPTED.
        return new IndicationOutcome(IndicationAction.NotAccepted, 0, true);
    }

    /// <summary>The flow after <paramref name="outcome"/>.</summary>
    public static IndicationFlow Evolve(IndicationFlow flow, IndicationOutcome outcome) =>
        outcome.IndicationsContinue ? flow : IndicationFlow.Stopped;

    /// <summary>True once indications stopped: none follows until the receive reader resumes them.</summary>
    public static bool IsTerminal(IndicationFlow flow) => flow == IndicationFlow.Stopped;
}
