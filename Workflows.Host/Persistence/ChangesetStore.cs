using Microsoft.EntityFrameworkCore;
using Workflows.Engine.InMemory;
using Workflows.Engine.Runtime;

namespace Workflows.Host.Persistence;

/// <summary>
/// Commits an engine <see cref="Changeset"/> in one transaction, with the same version checks as
/// <see cref="InMemoryWorkflowStore"/>: an instance is inserted when its expected version is 0, otherwise
/// updated only if its row is still at the expected version; a changed row throws
/// <see cref="ConcurrencyConflictException"/> and nothing is written.
/// </summary>
/// <remarks>
/// Round trips: one batched SaveChanges (instance updates guarded by the version token, bookmark deletes,
/// every insert) plus one UPDATE per closed task, inside one transaction.
/// </remarks>
internal sealed class ChangesetStore(WorkflowsDbContext db)
{
    public Task CommitAsync(Changeset changeset, CancellationToken cancellationToken = default) =>
        CommitAsync(changeset, alsoInTransaction: null, cancellationToken);

    /// <summary>
    /// Commits the changeset and whatever <paramref name="alsoInTransaction"/> stages in the same transaction:
    /// it runs after the changeset's rows are tracked and before they are saved, may run SQL on the context
    /// (inside the transaction) and track more rows, which are saved with the changeset. If anything fails,
    /// nothing is written.
    /// </summary>
    public async Task CommitAsync(Changeset changeset, Func<WorkflowsDbContext, CancellationToken, Task>? alsoInTransaction, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(changeset);
        db.ChangeTracker.Clear();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        try
        {
            Stage(changeset);
            if (alsoInTransaction is not null)
            {
                await alsoInTransaction(db, cancellationToken);
            }

            await db.SaveChangesAsync(cancellationToken);
            await CloseTasksAsync(changeset, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            await transaction.RollbackAsync(CancellationToken.None);
            db.ChangeTracker.Clear();
            if (await FindConflictAsync(changeset, cancellationToken) is { } conflict)
            {
                throw conflict;
            }

            throw;
        }
        finally
        {
            db.ChangeTracker.Clear();
        }
    }

    /// <summary>Rebuilds an instance as the engine left it: columns, tokens from JSON, bookmarks from rows.</summary>
    public async Task<WorkflowInstance?> LoadInstanceAsync(Guid id, CancellationToken cancellationToken = default)
    {
        var row = await db.Instances.AsNoTracking().SingleOrDefaultAsync(i => i.Id == id, cancellationToken);
        if (row is null)
        {
            return null;
        }

        var bookmarks = await db.Bookmarks.AsNoTracking().Where(b => b.InstanceId == id).ToListAsync(cancellationToken);
        return RowMapping.ToInstance(row, bookmarks);
    }

    private void Stage(Changeset changeset)
    {
        foreach (var change in changeset.Instances)
        {
            if (change.IsNew)
            {
                db.Instances.Add(RowMapping.ToRow(change.State));
                continue;
            }

            // UPDATE instances SET ... WHERE id = @id AND version = @expected
            var row = RowMapping.ToRow(change.State);
            var entry = db.Instances.Attach(row);
            entry.State = EntityState.Modified;
            entry.Property(i => i.Version).OriginalValue = change.ExpectedVersion;
            entry.Property(i => i.CreatedAt).IsModified = false;
        }

        foreach (var id in changeset.BookmarksRemoved)
        {
            db.Bookmarks.Remove(new BookmarkRow { Id = id, NodeId = string.Empty, Kind = string.Empty });
        }

        db.Bookmarks.AddRange(changeset.BookmarksCreated.Select(RowMapping.ToRow));
        db.Tasks.AddRange(changeset.TasksOpened.Select(RowMapping.ToRow));
        db.Journal.AddRange(changeset.Journal.Select(RowMapping.ToRow));
        db.Outbox.AddRange(changeset.Outbox.Select(RowMapping.ToRow));
    }

    private async Task CloseTasksAsync(Changeset changeset, CancellationToken cancellationToken)
    {
        foreach (var closed in changeset.TasksClosed)
        {
            var state = closed.Reason == TaskCloseReason.Completed ? TaskStates.Completed : TaskStates.Cancelled;
            var updated = await db.Tasks
                .Where(t => t.Id == closed.TaskId && t.State == TaskStates.Open)
                .ExecuteUpdateAsync(s => s
                    .SetProperty(t => t.State, state)
                    .SetProperty(t => t.ClosedAt, closed.ClosedAt)
                    .SetProperty(t => t.Outcome, closed.Outcome)
                    .SetProperty(t => t.Actor, closed.Actor)
                    .SetProperty(t => t.Note, closed.Note)
                    .SetProperty(t => t.RowVersion, t => t.RowVersion + 1), cancellationToken);
            if (updated == 0)
            {
                // The instance version check passed, so a task that is not open means the data is inconsistent.
                throw new DbUpdateConcurrencyException($"Task {closed.TaskId} of instance {closed.InstanceId} is not open.");
            }
        }
    }

    private async Task<ConcurrencyConflictException?> FindConflictAsync(Changeset changeset, CancellationToken cancellationToken)
    {
        foreach (var change in changeset.Instances)
        {
            var actual = await db.Instances.AsNoTracking()
                .Where(i => i.Id == change.State.Id)
                .Select(i => (int?)i.Version)
                .SingleOrDefaultAsync(cancellationToken) ?? 0;
            if (actual != change.ExpectedVersion)
            {
                return new ConcurrencyConflictException(change.State.Id, change.ExpectedVersion, actual);
            }
        }

        return null;
    }
}
