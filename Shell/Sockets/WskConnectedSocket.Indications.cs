using System;
using System.Collections.Generic;
using Wsk.Core;

namespace Wsk.Shell;

/// <summary>
/// The reader hands data to the client's receive callback and tells its disconnect callback the stream ended.
/// </summary>
public sealed partial class WskConnectedSocket
{
    /// <summary>
    /// Hands <paramref name="data"/> to the client's receive callback; its answer is the reader's next command.
    /// </summary>
    private ReaderCommand Indicate(ReadOnlyMemory<byte> data)
    {
        var indication = new DataIndication(data, null);
        bool ran;
        NtStatus returned;
        long accepted;
        try
        {
            ran = TryInvoke(WskEvents.Receive, indication, data.Length, out returned, out accepted);
        }
        catch
        {
            // A callback that throws took nothing; the reader is freed so the socket can still be closed.
            var tookNothing = ReaderCommand.IndicationAnswered(
                true, new IndicationOutcome(IndicationAction.Consumed, data.Length, true), data.Length);
            lock (_gate)
                Receiving.Reader = ReceiveReaderDecider.Apply(Receiving.Reader,
                    ReceiveReaderDecider.Decide(tookNothing, Receiving.Reader));
            throw;
        }
        if (!ran) return ReaderCommand.IndicationAnswered(false, default, data.Length);
        var outcome = IndicationDecider.Decide(new(returned, data.Length, accepted));
        Metrics.Received(outcome.Consumed); // bytes the client did not take come again, indicated or received
        if (outcome.Action == IndicationAction.KeptByClient)
        {
            lock (_gate)
            {
                (Receiving.Kept ??= new(ReferenceEqualityComparer.Instance)).Add(indication);
                Receiving.IndicationBuffer = null; // the client owns these bytes until WskRelease
            }
        }
        return ReaderCommand.IndicationAnswered(true, outcome, data.Length);
    }

    /// <summary>Tells the client the stream ended: gracefully (flags 0) or by a reset (WSK_FLAG_ABORTIVE).</summary>
    private void IndicateDisconnect(bool abortive)
    {
        if (!TryInvoke(WskEvents.Disconnect, null, abortive ? WskFlags.Abortive : 0, out _, out _) && abortive)
        {
            // No disconnect callback: a receive callback learns that the socket is dead from a NULL indication.
            TryInvoke(WskEvents.Receive, null, 0, out _, out _);
        }
    }
}
