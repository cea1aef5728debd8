using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Workflows.Host.Persistence;

namespace Workflows.Host.Tasks;

internal enum TaskWrite
{
    /// <summary>The row was changed.</summary>
    Done,
    /// <summary>Nothing to change: the row already was as asked (e.g. claimed by the caller).</summary>
    Unchanged,
    /// <summary>The task is not open any more.</summary>
    NotOpen,
    /// <summary>Another officer holds the claim.</summary>
    ClaimedByOther,
    /// <summary>The task or its instance changed since it was read.</summary>
    Changed,
    /// <summary>The task does not exist or is not in the caller's departments.</summary>
    NotFound,
}

/// <summary>
/// Host-level writes to tasks that the engine does not make: claims and forwarding. Every write is one
/// conditional UPDATE (or, for forwarding, one transaction of them), so a race is decided by the database.
/// </summary>
internal sealed class TaskCommands(WorkflowsDbContext db, TimeProvider time)
{
    public const string ForwardedKind = "taskForwarded";

    /// <summary>Claims an open task of one of <paramref name="departments"/> for <paramref name="caller"/> if nobody holds it.</summary>
    public async Task<TaskWrite> ClaimAsync(Guid id, string caller, IReadOnlySet<string> departments, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(departments);
        var mine = departments.ToList();
        var updated = await db.Tasks
            .Where(t => t.Id == id && t.State == TaskStates.Open && t.ClaimedBy == null && mine.Contains(t.Department))
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.ClaimedBy, caller).SetProperty(t => t.RowVersion, t => t.RowVersion + 1), cancellationToken);
        if (updated == 1)
        {
            return TaskWrite.Done;
        }

        var row = await Current(id, departments, cancellationToken);
        return row is null ? TaskWrite.NotFound
            : row.State != TaskStates.Open ? TaskWrite.NotOpen
            : row.ClaimedBy == caller ? TaskWrite.Unchanged
            : row.ClaimedBy is not null ? TaskWrite.ClaimedByOther
            : TaskWrite.Changed;
    }

    /// <summary>Gives up the caller's claim on an open task; only the claimant may.</summary>
    public async Task<TaskWrite> ReleaseAsync(Guid id, string caller, IReadOnlySet<string> departments, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(departments);
        var mine = departments.ToList();
        var updated = await db.Tasks
            .Where(t => t.Id == id && t.State == TaskStates.Open && t.ClaimedBy == caller && mine.Contains(t.Department))
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.ClaimedBy, (string?)null).SetProperty(t => t.RowVersion, t => t.RowVersion + 1), cancellationToken);
        if (updated == 1)
        {
            return TaskWrite.Done;
        }

        var row = await Current(id, departments, cancellationToken);
        return row is null ? TaskWrite.NotFound
            : row.State != TaskStates.Open ? TaskWrite.NotOpen
            : row.ClaimedBy is null ? TaskWrite.Unchanged
            : row.ClaimedBy != caller ? TaskWrite.ClaimedByOther
            : TaskWrite.Changed;
    }

    /// <summary>
    /// Moves an open task to <paramref name="to"/> and records it in the instance's journal, in one
    /// transaction: the task row is updated only at the row version read, and the instance's journal sequence
    /// and version are advanced only at the version read, so an engine call that read the instance before
    /// conflicts instead of overwriting the journal sequence.
    /// </summary>
    public async Task<TaskWrite> ForwardAsync(TaskRow task, string to, string actor, string? note, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(task);
        var instance = await db.Instances.AsNoTracking()
            .Where(i => i.Id == task.InstanceId)
            .Select(i => new { i.Version, i.JournalSequence })
            .SingleAsync(cancellationToken);
        var now = time.GetUtcNow();
        db.ChangeTracker.Clear();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        try
        {
            // Instance first, then task: the order ChangesetStore locks them in, so that a completion and a
            // forward of the same task wait for each other instead of deadlocking.
            var sequence = instance.JournalSequence + 1;
            var advanced = await db.Instances
                .Where(i => i.Id == task.InstanceId && i.Version == instance.Version)
                .ExecuteUpdateAsync(s => s
                    .SetProperty(i => i.JournalSequence, sequence)
                    .SetProperty(i => i.Version, instance.Version + 1)
                    .SetProperty(i => i.UpdatedAt, now), cancellationToken);
            if (advanced == 0)
            {
                await transaction.RollbackAsync(CancellationToken.None);
                return TaskWrite.Changed;
            }

            var moved = await db.Tasks
                .Where(t => t.Id == task.Id && t.RowVersion == task.RowVersion && t.State == TaskStates.Open)
                .ExecuteUpdateAsync(s => s
                    .SetProperty(t => t.Department, to)
                    .SetProperty(t => t.ClaimedBy, (string?)null)
                    .SetProperty(t => t.RowVersion, t => t.RowVersion + 1), cancellationToken);
            if (moved == 0)
            {
                await transaction.RollbackAsync(CancellationToken.None);
                return TaskWrite.Changed;
            }

            db.Journal.Add(new JournalRow
            {
                InstanceId = task.InstanceId,
                Sequence = sequence,
                At = now,
                Kind = ForwardedKind,
                NodeId = task.NodeId,
                Actor = actor,
                Note = note,
                Detail = $"{task.Department} → {to}",
            });
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return TaskWrite.Done;
        }
        catch (Exception e) when (e is DbUpdateException || IsTransientConflict(e))
        {
            // A journal row at that sequence already exists, or the database chose this transaction as the
            // victim of a conflict (deadlock, serialization failure, busy file): someone else wrote meanwhile.
            await transaction.RollbackAsync(CancellationToken.None);
            return TaskWrite.Changed;
        }
        finally
        {
            db.ChangeTracker.Clear();
        }
    }

    /// <summary>
    /// The database gave up on a transaction because of a concurrent one: a PostgreSQL deadlock or
    /// serialization failure, or a SQLite file still locked after the busy timeout. Retrying would do; the
    /// caller answers 409 instead.
    /// </summary>
    public static bool IsTransientConflict(Exception exception) => exception switch
    {
        SqliteException sqlite => sqlite.SqliteErrorCode is 5 or 6, // SQLITE_BUSY, SQLITE_LOCKED
        DbException db => db.SqlState is "40P01" or "40001",
        // EF wraps it: in a DbUpdateException, or (Npgsql's execution strategy, for an error it deems transient) in an
        // InvalidOperationException "likely due to a transient failure".
        { InnerException: { } inner } => IsTransientConflict(inner),
        _ => false,
    };

    private async Task<TaskRow?> Current(Guid id, IReadOnlySet<string> departments, CancellationToken cancellationToken)
    {
        var row = await db.Tasks.AsNoTracking().SingleOrDefaultAsync(t => t.Id == id, cancellationToken);
        return row is not null && departments.Contains(row.Department) ? row : null;
    }
}
