using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Workflows.Engine.Runtime;
using Workflows.Host.Persistence;

namespace Workflows.Host.Replay;

/// <summary>
/// History is not news: in a replay's own provider (<see cref="ReplayServices"/>), every outbox message a save adds is
/// written as already delivered at the instant it was made, so the live outbox dispatcher never sends a replayed
/// dossier's SMS, e-mail, status push or warning (nor logs it). Only <see cref="OutboxKinds.ResumeParent"/> stays
/// pending: the runner delivers it inline and marks it itself, and one left pending is how a sub-process's parent still
/// goes on.
/// </summary>
internal sealed class ReplayedOutbox : SaveChangesInterceptor
{
    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        ArgumentNullException.ThrowIfNull(eventData);
        MarkDelivered(eventData.Context);
        return result;
    }

    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(
        DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(eventData);
        MarkDelivered(eventData.Context);
        return ValueTask.FromResult(result);
    }

    private static void MarkDelivered(DbContext? context)
    {
        if (context is null)
        {
            return;
        }

        foreach (var entry in context.ChangeTracker.Entries<OutboxRow>())
        {
            if (entry.State == EntityState.Added && entry.Entity.DeliveredAt is null && entry.Entity.Kind != OutboxKinds.ResumeParent)
            {
                entry.Entity.DeliveredAt = entry.Entity.CreatedAt;
            }
        }
    }
}
