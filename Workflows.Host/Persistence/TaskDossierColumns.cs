using Microsoft.EntityFrameworkCore;
using Workflows.Engine.Runtime;

namespace Workflows.Host.Persistence;

/// <summary>
/// Fills the report columns of the task rows a commit inserts (<see cref="TaskRow.DossierId"/>, its procedure code and
/// name and its channel) from the dossier rows the same commit already tracks: the intake's new dossier, the dossier a
/// completion read with its task, the dossiers the projection found. The database's trigger then has nothing to look up
/// for them (migration TaskColumnsFromHost: it looks a task's dossier up only when the row arrives without one).
/// </summary>
/// <remarks>
/// The dossier of a task is its instance's, or its parent instance's for a sub-process (the trigger's
/// <c>coalesce(parent_instance_id, id)</c>), read from the changesets' instance states. A task whose dossier the commit
/// does not hold (a sub-process resumed on its own, whose parent's dossier nobody read; an instance without a dossier)
/// is left without the columns, and the trigger looks them up, as it does for every writer outside the Host. rolled_up
/// is not set here: an inserted task is open, which the roll-ups never count, so the column's default (false) is already
/// <c>task_is_counted</c> of the row; the trigger, which holds the one definition, sets it on any row that is not open.
/// </remarks>
internal static class TaskDossierColumns
{
    /// <summary>Sets the columns of the added task rows of <paramref name="changesets"/> whose dossier <paramref name="db"/> tracks.</summary>
    public static void Fill(WorkflowsDbContext db, IEnumerable<Changeset> changesets)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(changesets);
        var added = db.ChangeTracker.Entries<TaskRow>().Where(e => e.State == EntityState.Added && e.Entity.DossierId is null).ToList();
        if (added.Count == 0)
        {
            return;
        }

        var instances = new Dictionary<Guid, WorkflowInstance>();
        foreach (var change in changesets.SelectMany(c => c.Instances))
        {
            instances[change.State.Id] = change.State;
        }

        // Entries<T>() has already detected the changes above: the dossiers as staged, not as last saved.
        var dossiers = db.ChangeTracker.Entries<DossierRow>()
            .Where(e => e.State is EntityState.Added or EntityState.Unchanged or EntityState.Modified)
            .ToDictionary(e => e.Entity.Id, e => e.Entity);
        foreach (var entry in added)
        {
            var task = entry.Entity;
            if (instances.TryGetValue(task.InstanceId, out var instance)
                && dossiers.TryGetValue(instance.ParentInstanceId ?? instance.Id, out var dossier))
            {
                task.DossierId = dossier.Id;
                task.ProcedureCode = dossier.ProcedureCode;
                task.ProcedureName = dossier.ProcedureName;
                task.Channel = dossier.Channel;
            }
        }
    }
}
