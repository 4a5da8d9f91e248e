using System;
using System.Collections.Generic;
using System.Linq;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Wsk.Core;

namespace Wsk.Properties.Core;

/// <summary>
/// What the provider does with the answer of WskReceiveEvent, against rule IndicationAnswer: STATUS_SUCCESS consumed
/// everything, or *BytesAccepted of it (a part: indications stop until a WskReceive takes the rest); STATUS_PENDING:
/// the client keeps the indication and gives it back with WskRelease (indications go on); STATUS_DATA_NOT_ACCEPTED: the
/// provider keeps the data and indications stop until a WskReceive; anything else is outside the contract.
/// </summary>
public class IndicationDeciderProperties
{
    // Literal values from ntstatus.h so that the model does not lean on the library's constants.
    private static readonly NtStatus StatusSuccess = NtStatus.FromUInt32(0x0000_0000);
    private static readonly NtStatus StatusPending = NtStatus.FromUInt32(0x0000_0103);
    private static readonly NtStatus StatusDataNotAccepted = NtStatus.FromUInt32(0xC000_021B);

    /// <summary>The contract's outcome and the path that decided it.</summary>
    private static (IndicationAction Action, long Consumed, bool Broke, bool Continue, string Path) Oracle(NtStatus returned, long indicated, long accepted)
    {
        if (returned == StatusSuccess)
        {
            if (accepted > 0 && accepted < indicated) return (IndicationAction.PartlyConsumed, accepted, false, false, "SUCCESS, part accepted");
            if (accepted == indicated) return (IndicationAction.Consumed, indicated, false, true, "SUCCESS, all accepted");
            if (accepted == 0) return (IndicationAction.Consumed, indicated, false, true, "SUCCESS, BytesAccepted untouched (0)");
            return (IndicationAction.Consumed, indicated, true, true, accepted < 0 ? "SUCCESS, negative (broken)" : "SUCCESS, above indicated (broken)");
        }
        if (returned == StatusPending) return (IndicationAction.KeptByClient, indicated, false, true, "PENDING (kept)");
        if (returned == StatusDataNotAccepted) return (IndicationAction.NotAccepted, 0, false, false, "DATA_NOT_ACCEPTED");
        return (IndicationAction.NotAccepted, 0, true, false, returned.IsSuccess ? "other NT_SUCCESS status (broken)" : "other failure status (broken)");
    }

    private static string Show(IndicationOutcome o) =>
        $"{o.Action}({o.Consumed}){(o.ClientBrokeContract ? ", client broke contract" : "")}, indications {(o.IndicationsContinue ? "continue" : "stop")}";

    /// <summary>One indication's outcome against the contract's table.</summary>
    [Property(MaxTest = 2000)]
    public Property OutcomeFollowsTheContract() =>
        Prop.ForAll(SocketArb.IndicationCases(), c =>
        {
            var o = IndicationDecider.Decide(new(c.Returned, c.Indicated, c.Accepted));
            var x = Oracle(c.Returned, c.Indicated, c.Accepted);
            return (o.Action == x.Action && o.Consumed == x.Consumed && o.ClientBrokeContract == x.Broke && o.IndicationsContinue == x.Continue)
                .Label($"{c}: got {Show(o)}, expected {x.Action}({x.Consumed}){(x.Broke ? ", client broke contract" : "")}, "
                       + $"indications {(x.Continue ? "continue" : "stop")} [{x.Path}]")
                .Classify(c.Indicated == 1, "one byte indicated")
                .Classify(c.Indicated > int.MaxValue - 1, "huge indication")
                .Collect(x.Path);
        });

    /// <summary>
    /// A stream of arrivals and WskReceives through the decider, byte by byte (each byte numbered in arrival order). When
    /// indications are on, an arrival indicates every byte the provider holds; the decider's Consumed bytes go to the client,
    /// the rest stays with the provider; a WskReceive takes held bytes and re-arms indications (a zero-length one only
    /// re-arms). No byte is lost or duplicated: every indication consumes between 0 and the indicated count, the client gets
    /// bytes 0..k-1 in order, client bytes + provider bytes = bytes arrived, and indications go on only when nothing of
    /// the indication was left behind.
    /// </summary>
    [Property(MaxTest = 1000)]
    public Property NoByteLostOrDuplicated() =>
        Prop.ForAll(SocketArb.Streams(), stream =>
        {
            var held = new Queue<long>();
            var client = new List<long>();
            long arrived = 0;
            bool indicationsOn = true;
            var failures = new List<string>();
            var log = new List<string>();
            var labels = new SortedSet<string>(StringComparer.Ordinal);
            for (int i = 0; i < stream.Length && failures.Count == 0; i++)
            {
                var step = stream[i];
                if (step.Kind == StreamStepKind.Receive)
                {
                    int take = Math.Min(step.Bytes, held.Count);
                    for (int k = 0; k < take; k++) client.Add(held.Dequeue());
                    if (!indicationsOn) labels.Add(take > 0 ? "receive drained held bytes" : "receive re-armed");
                    indicationsOn = true;
                    log.Add($"{i}:Receive({step.Bytes}) took {take}");
                    continue;
                }
                for (int k = 0; k < step.Bytes; k++) held.Enqueue(arrived++);
                if (!indicationsOn)
                {
                    labels.Add("data held while indications stopped");
                    log.Add($"{i}:Arrive({step.Bytes}) held");
                    continue;
                }
                long indicated = held.Count;
                long accepted = step.AcceptedFor(indicated);
                var o = IndicationDecider.Decide(new(step.Returned, indicated, accepted));
                log.Add($"{i}:Arrive({step.Bytes}) indicated {indicated}, {step.Returned.Name ?? step.Returned.ToString()}/{accepted} → {Show(o)}");
                if (o.Consumed < 0 || o.Consumed > indicated)
                {
                    failures.Add($"step {i}: consumed {o.Consumed} of {indicated} indicated ({(o.Consumed < 0 ? "bytes duplicated" : "bytes lost")})");
                    break;
                }
                for (long k = 0; k < o.Consumed; k++) client.Add(held.Dequeue());
                long retained = held.Count;
                if (o.Consumed + retained != indicated) failures.Add($"step {i}: consumed {o.Consumed} + retained {retained} ≠ indicated {indicated}");
                if (o.IndicationsContinue && retained != 0)
                    failures.Add($"step {i}: indications continue with {retained} bytes left behind");
                if (o.Action == IndicationAction.PartlyConsumed && o.Consumed != accepted)
                    failures.Add($"step {i}: partly consumed {o.Consumed}, the client accepted {accepted}");
                indicationsOn = o.IndicationsContinue;
                labels.Add(o.Action switch
                {
                    IndicationAction.PartlyConsumed => "partial",
                    IndicationAction.NotAccepted => o.ClientBrokeContract ? "broken answer kept by provider" : "not accepted",
                    IndicationAction.KeptByClient => "kept by client",
                    _ => o.ClientBrokeContract ? "broken count consumed all" : "consumed",
                });
            }
            if (failures.Count == 0)
            {
                for (int k = 0; k < client.Count; k++)
                    if (client[k] != k) { failures.Add($"client byte {k} is byte {client[k]} of the stream (lost or duplicated)"); break; }
                if (client.Count + held.Count != arrived)
                    failures.Add($"client {client.Count} + provider {held.Count} ≠ arrived {arrived}");
            }
            int rearms = labels.Count(l => l.StartsWith("receive", StringComparison.Ordinal));
            return (failures.Count == 0).Label(string.Join("; ", failures) + " in " + string.Join(" | ", log))
                .Classify(labels.Contains("partial"), "partly consumed")
                .Classify(labels.Contains("broken answer kept by provider") || labels.Contains("broken count consumed all"), "client broke the contract")
                .Collect(!labels.Any(l => l is "partial" or "not accepted" or "broken answer kept by provider") ? "indications never stopped"
                    : rearms == 0 ? "stopped, never re-armed"
                    : held.Count > 0 && !indicationsOn ? "stopped, re-armed by a receive, stopped again"
                    : "stopped, re-armed by a receive");
        });
}
