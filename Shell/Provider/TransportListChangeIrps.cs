using System.Collections.Generic;
using Wsk.Core;

namespace Wsk.Shell;

/// <summary>
/// The WSK_TRANSPORT_LIST_CHANGE IRPs a registration keeps (rule TransportListChange): each completes once, with
/// STATUS_SUCCESS when the transport list changes, or STATUS_CANCELLED when it is cancelled or deregistration begins
/// (rule DeregisterCancelsListChange). A kept IRP counts as a pending call of the registration. Guarded by the
/// registration's gate.
/// </summary>
internal sealed class TransportListChangeIrps
{
    private readonly WskRegistration _registration;
    private readonly object _gate;
    private readonly List<Irp> _irps = new();

    public TransportListChangeIrps(WskRegistration registration, object gate)
    {
        _registration = registration;
        _gate = gate;
    }

    /// <summary>Under the gate: keeps <paramref name="irp"/> until the list changes or it is cancelled.</summary>
    public void Keep(Irp irp)
    {
        _irps.Add(irp);
        _registration.CallPending();
        irp.SetCancelRoutine(new CancelRoutine(this));
    }

    /// <summary>Under the gate: takes every kept IRP, to be completed outside it with <see cref="Complete"/>.</summary>
    public List<Irp> TakeAll()
    {
        var irps = new List<Irp>(_irps);
        _irps.Clear();
        return irps;
    }

    /// <summary>Completes IRPs taken with <see cref="TakeAll"/>.</summary>
    public void Complete(List<Irp> irps, NtStatus status)
    {
        foreach (var irp in irps) CompleteOne(irp, status);
    }

    private void CompleteOne(Irp irp, NtStatus status)
    {
        _registration.CallCompleted(); // before the completion routine, which may go on to deregister
        irp.IoCompleteRequest(status);
    }

    private sealed class CancelRoutine : IIrpCancelRoutine
    {
        private readonly TransportListChangeIrps _owner;

        public CancelRoutine(TransportListChangeIrps owner) => _owner = owner;

        public void OnCancel(Irp irp)
        {
            bool mine;
            lock (_owner._gate) mine = _owner._irps.Remove(irp);
            if (mine) _owner.CompleteOne(irp, NtStatus.Cancelled);
        }
    }
}
