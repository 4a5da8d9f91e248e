using System;
using Wsk.Core;

namespace Wsk.Shell;

/// <summary>The hooks the provider calls, only when this verifier is attached; each records what it saw.</summary>
public sealed partial class WskVerifier
{
    internal void OnRegistered(WskRegistration registration)
    {
        lock (_gate) _registrations.Add(registration);
    }

    internal void OnDeregistered(WskRegistration registration)
    {
        lock (_gate) _registrations.Remove(registration);
    }

    internal void OnCaptured(WskClient client)
    {
        lock (_gate) _clients.Add(client);
    }

    internal void OnReleased(WskClient client, bool first)
    {
        lock (_gate) _clients.Remove(client);
        if (!first)
            Report(VerifierRule.ClientUsedAfterRelease, Name(client.Id),
                $"{nameof(WskRegistration.WskReleaseProviderNpi)} called again", bugCheck: false);
    }

    /// <summary>
    /// A call the gate refused for <paramref name="rule"/>: exactly one finding, on the object the rule is about (the
    /// IRP for an IRP in use, the socket for a closed socket, the client for a released one, the socket or client for a
    /// missing IRP, whichever the call has first of IRP, socket and client for the IRQL).
    /// </summary>
    internal void OnRefused(CallingRule rule, string call, Irql irql, Irp? irp, object? socket, ClientId? client)
    {
        object? subject = irp ?? socket ?? (object?)client;
        switch (rule)
        {
            case CallingRule.IrqlAboveDispatch:
                Report(VerifierRule.IrqlAboveDispatch, subject is null ? call : Name(subject),
                    $"{call} at IRQL {irql}, above DISPATCH_LEVEL", true);
                break;
            case CallingRule.IrqlAbovePassive:
                Report(VerifierRule.IrqlAbovePassive, subject is null ? call : Name(subject),
                    $"{call} at IRQL {irql}, above PASSIVE_LEVEL", true);
                break;
            case CallingRule.OutOfOrder when socket is WskAddressInfo list:
                Report(VerifierRule.AddressInfoNotHeld, Name(list),
                    $"{call} of a list the client does not hold (freed already, or not this provider's)", true);
                break;
            case CallingRule.SocketClosed:
                Report(VerifierRule.CallAfterClose, Name(socket!),
                    $"{call} after {nameof(WskConnectedSocket.WskCloseSocket)}", true);
                break;
            case CallingRule.IrpMissing:
                subject = socket ?? (object?)client;
                Report(VerifierRule.IrpMissing, subject is null ? call : Name(subject),
                    $"{call} without the IRP it requires", false);
                break;
            case CallingRule.IrpInUse:
                Report(VerifierRule.IrpReusedWhilePending, Name(irp!),
                    irp!.IsDelivering ? $"{call} from inside its own completion routine"
                        : $"{call} while an earlier call owns it", true);
                break;
            case CallingRule.ClientReleased:
                Report(VerifierRule.ClientUsedAfterRelease, client is { } id ? Name(id) : call,
                    $"{call} through a released or unknown client", false);
                break;
            case CallingRule.OutOfOrder:
                Report(VerifierRule.IndicationNotHeld, Name(socket!),
                    $"{call} of a data indication the client does not hold (never kept, or released already)", true);
                break;
        }
    }

    internal void OnAddressInfoGiven(WskAddressInfo list)
    {
        lock (_gate) _addressInfos.Add(list);
    }

    internal void OnAddressInfoFreed(WskAddressInfo list)
    {
        lock (_gate) _addressInfos.Remove(list);
    }

    internal void OnSubmitted(Irp irp, string call, SecurityDescriptorHandle? sd = null)
    {
        irp.Verifier = this;
        lock (_gate) _pending[irp] = (call, sd);
    }

    internal void OnCompleted(Irp irp)
    {
        lock (_gate) _pending.Remove(irp);
    }

    internal void OnIrpViolation(Irp irp, CallingRule rule, string detail)
    {
        if (rule is CallingRule.IrpCompletedTwice or CallingRule.IrpCompletedWhileIdle)
            Report(VerifierRule.IrpCompletedTwice, Name(irp), detail, bugCheck: true);
    }

    internal void OnWaitInCompletionRoutine(Irp waited, Irp delivering) =>
        Report(VerifierRule.CompletionRoutineWaits, Name(delivering),
            $"its completion routine waits for {Name(waited)}, which has not completed", bugCheck: false);

    /// <summary>
    /// A socket came to be: a connected <see cref="WskConnectedSocket"/> or a three-step
    /// <see cref="WskUnconnectedSocket"/>.
    /// </summary>
    internal void OnSocketOpened(object socket)
    {
        lock (_gate) _sockets.Add(socket);
    }

    internal void OnSocketClosed(object socket)
    {
        lock (_gate) _sockets.Remove(socket);
    }

    /// <summary>
    /// A three-step socket connected: from now on <paramref name="connected"/> is the socket (closing either handle
    /// closes it), and it keeps the unconnected socket's name.
    /// </summary>
    internal void OnSocketHandedOver(WskUnconnectedSocket unconnected, WskConnectedSocket connected)
    {
        lock (_gate)
        {
            _sockets.Remove(unconnected);
            _sockets.Add(connected);
            if (_names.TryGetValue(unconnected, out var name)) _names.AddOrUpdate(connected, name);
        }
    }

    internal void OnCallEntered(WskConnectedSocket socket, string call)
    {
        lock (_gate)
        {
            if (!_inCall.TryGetValue(socket, out var calls)) _inCall[socket] = calls = new();
            calls.Add((Environment.CurrentManagedThreadId, call));
        }
    }

    internal void OnCallExited(WskConnectedSocket socket)
    {
        lock (_gate)
        {
            if (!_inCall.TryGetValue(socket, out var calls)) return;
            int thread = Environment.CurrentManagedThreadId;
            int at = calls.FindLastIndex(c => c.Thread == thread);
            if (at >= 0) calls.RemoveAt(at);
            if (calls.Count == 0) _inCall.Remove(socket);
        }
    }

    /// <summary>
    /// A close while another thread is inside a call on the same socket. Calls on the closing thread itself are not
    /// counted: a callback that runs inside a call may close its socket.
    /// </summary>
    internal void OnClosing(WskConnectedSocket socket)
    {
        string? other = null;
        lock (_gate)
        {
            int thread = Environment.CurrentManagedThreadId;
            if (_inCall.TryGetValue(socket, out var calls))
                foreach (var c in calls)
                    if (c.Thread != thread) { other = c.Call; break; }
        }
        if (other is not null)
            Report(VerifierRule.CloseOverlapsCall, Name(socket),
                $"{nameof(WskConnectedSocket.WskCloseSocket)} while {other} is still running on another thread",
                bugCheck: false);
    }

    internal void OnSdReleased(SecurityDescriptorHandle handle)
    {
        string? user = null;
        lock (_gate)
        {
            foreach (var (irp, use) in _pending)
                if (use.Sd == handle) { user = Name(irp); break; }
        }
        if (user is not null)
            Report(VerifierRule.SecurityDescriptorReleasedWhileInUse, Name(handle),
                $"released while {user} ({nameof(WskProviderDispatch.WskSocketConnect)}) is pending", false);
    }
}
