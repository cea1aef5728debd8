using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Workflows.Engine.Runtime;
using Workflows.Host.Observability;

namespace Workflows.Host.Persistence;

/// <summary>
/// Commits an engine <see cref="Changeset"/> in one transaction, with the same version checks as
/// <see cref="InMemoryWorkflowStore"/>: an instance is inserted when its expected version is 0, otherwise
/// updated only if its row is still at the expected version; a changed row throws
/// <see cref="ConcurrencyConflictException"/> and nothing is written.
/// </summary>
/// <remarks>
/// Round trips: BEGIN with one batched SaveChanges (instance updates guarded by the version token, bookmark deletes,
/// every insert, and the close of a claimed task whose row version was read), one UPDATE per other closed task, and
/// COMMIT. A start on PostgreSQL with a <see cref="CommitHook"/> (an intake) inserts only: one round trip.
/// </remarks>
internal sealed class ChangesetStore(WorkflowsDbContext db, HostTelemetry telemetry, ILogger<ChangesetStore> logger)
{
    /// <summary>
    /// Commits the changeset and whatever <see cref="CommitOptions.AlsoInTransaction"/> stages in the same transaction:
    /// it runs after the changeset's rows are tracked and before they are saved, may run SQL on the context (inside the
    /// transaction) and track more rows, which are saved with the changeset. If anything fails, nothing is written.
    /// With a <see cref="CommitOptions.Claim"/>, that task is closed only if its row is still at the version the caller
    /// read (checked by the closing UPDATE, in the same batch) and keeps the actor as claimant; otherwise
    /// <see cref="TaskClaimLostException"/> is thrown and nothing is written. A <see cref="CommitOptions.Hook"/> takes a
    /// value from the database as part of the commit (the dossier number); a commit that only inserts rows, on
    /// PostgreSQL, is then sent with the hook's statement as one batch and committed in one round trip
    /// (<see cref="InsertBatch"/>), and <see cref="CommitOptions.AlsoInTransaction"/> must only track rows, not run SQL.
    /// </summary>
    public async Task CommitAsync(Changeset changeset, CommitOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(changeset);
        ArgumentNullException.ThrowIfNull(options);
        var (alsoInTransaction, claim, hook) = options;
        // One span per commit, so a trace shows the request, the commit and its SQL statements nested.
        using var activity = HostTelemetry.Source.StartActivity("workflows.commit");
        activity?.SetTag("workflows.instance.id", changeset.Instances.Count > 0 ? changeset.Instance.Id : null);
        var started = Stopwatch.GetTimestamp();
        var committed = false;
        db.ChangeTracker.Clear();
        // A start (nothing but new rows) with a hook may go in one round trip; anything else needs the transaction first.
        var oneRoundTrip = hook is not null && claim is null && changeset.TasksClosed.Count == 0 && db.Database.IsNpgsql();
        var transaction = oneRoundTrip ? null : await db.Database.BeginTransactionAsync(cancellationToken);
        try
        {
            Stage(changeset, claim);
            if (alsoInTransaction is not null)
            {
                await alsoInTransaction(db, cancellationToken);
            }

            // After the projection: it tracks the dossiers the new tasks take their columns from.
            TaskDossierColumns.Fill(db, [changeset]);
            if (oneRoundTrip)
            {
                db.ChangeTracker.DetectChanges();
                if (InsertBatch.CanWrite(db))
                {
                    await InsertBatch.ExecuteAsync(db, hook!, logger, cancellationToken);
                    committed = true;
                    return;
                }

                transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            }

            if (hook is not null)
            {
                await hook.BeforeSaveAsync(db, cancellationToken);
            }

            await db.SaveChangesAsync(cancellationToken);
            await CloseTasksAsync(changeset, claim, cancellationToken);
            if (hook is not null)
            {
                await hook.AfterSaveAsync(db, cancellationToken);
            }

            await transaction!.CommitAsync(cancellationToken);
            committed = true;
        }
        catch (DbUpdateException failure) when (transaction is not null)
        {
            await transaction.RollbackAsync(CancellationToken.None);
            db.ChangeTracker.Clear();
            if (await FindConflictAsync(changeset, cancellationToken) is { } conflict)
            {
                throw conflict;
            }

            if (failure is DbUpdateConcurrencyException concurrency)
            {
                // The instance is where it was read, but a row read with it changed: the claimed task (claimed,
                // forwarded or closed by someone else) or the dossier (a calendar edit moved its due time).
                foreach (var entry in concurrency.Entries)
                {
                    switch (entry.Entity)
                    {
                        case TaskRow task when claim is not null && task.Id == claim.TaskId:
                            throw new TaskClaimLostException(claim.TaskId);
                        case DossierRow dossier:
                            throw new ConcurrencyConflictException(dossier.Id, dossier.RowVersion - 1, dossier.RowVersion);
                    }
                }
            }

            throw;
        }
        finally
        {
            if (transaction is not null)
            {
                await transaction.DisposeAsync();
            }

            db.ChangeTracker.Clear();
            telemetry.Committed(Stopwatch.GetElapsedTime(started), transaction is null ? "batch" : "transaction", committed);
            activity?.SetStatus(committed ? ActivityStatusCode.Ok : ActivityStatusCode.Error);
        }
    }

    /// <summary>
    /// Commits several changesets (of different instances) in one transaction: one batched SaveChanges for all their
    /// rows and whatever <paramref name="alsoInTransaction"/> stages (the dossier projection), then COMMIT. Each instance
    /// is updated only at its expected version; if any row fails (a conflict, a constraint), nothing of the batch is
    /// written and the failure is thrown: the caller commits the changesets one by one instead, where a conflict is
    /// told apart from the rest (<see cref="CommitAsync"/>).
    /// </summary>
    /// <remarks>Round trips: BEGIN, the batched statements (EF splits them by its batch size), one UPDATE per task
    /// closed by the changesets (none for a timer that only opens the next step), COMMIT.</remarks>
    public async Task CommitManyAsync(
        IReadOnlyList<Changeset> changesets,
        Func<WorkflowsDbContext, IReadOnlyList<Changeset>, CancellationToken, Task>? alsoInTransaction,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(changesets);
        if (changesets.Count == 0)
        {
            return;
        }

        using var activity = HostTelemetry.Source.StartActivity("workflows.commit-batch");
        activity?.SetTag("workflows.changesets", changesets.Count);
        var started = Stopwatch.GetTimestamp();
        var committed = false;
        db.ChangeTracker.Clear();
        try
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            foreach (var changeset in changesets)
            {
                Stage(changeset, claim: null);
            }

            if (alsoInTransaction is not null)
            {
                await alsoInTransaction(db, changesets, cancellationToken);
            }

            TaskDossierColumns.Fill(db, changesets);
            await db.SaveChangesAsync(cancellationToken);
            foreach (var changeset in changesets)
            {
                await CloseTasksAsync(changeset, claim: null, cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
            committed = true;
        }
        finally
        {
            db.ChangeTracker.Clear();
            telemetry.Committed(Stopwatch.GetElapsedTime(started), "many", committed);
            activity?.SetStatus(committed ? ActivityStatusCode.Ok : ActivityStatusCode.Error);
        }
    }

    /// <summary>Rebuilds an instance as the engine left it: columns, tokens from JSON, bookmarks from rows.</summary>
    public async Task<WorkflowInstance?> LoadInstanceAsync(Guid id, CancellationToken cancellationToken = default)
    {
        // One round trip: the instance LEFT JOIN its bookmarks (an instance has a handful, so repeating the instance
        // columns per bookmark costs less than a second query and its autocommit transaction).
        var loaded = await WithBookmarks(db.Instances.AsNoTracking().Where(i => i.Id == id)).SingleOrDefaultAsync(cancellationToken);
        return loaded is null ? null : RowMapping.ToInstance(loaded.Instance, loaded.Bookmarks);
    }

    /// <summary>Rebuilds several instances in one round trip (the due timers of a sweep); missing ids are left out.</summary>
    public async Task<IReadOnlyDictionary<Guid, WorkflowInstance>> LoadInstancesAsync(IReadOnlyCollection<Guid> ids, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var loaded = await WithBookmarks(db.Instances.AsNoTracking().Where(i => ids.Contains(i.Id))).ToListAsync(cancellationToken);
        return loaded.ToDictionary(l => l.Instance.Id, l => RowMapping.ToInstance(l.Instance, l.Bookmarks));
    }

    // Each instance row with its bookmark rows, in the same query (what RowMapping.ToInstance rebuilds an instance from).
    private IQueryable<LoadedInstance> WithBookmarks(IQueryable<InstanceRow> instances) =>
        instances.Select(i => new LoadedInstance { Instance = i, Bookmarks = db.Bookmarks.Where(b => b.InstanceId == i.Id).ToList() });

    private sealed class LoadedInstance
    {
        public required InstanceRow Instance { get; init; }

        public required List<BookmarkRow> Bookmarks { get; init; }
    }

    private void Stage(Changeset changeset, TaskClaim? claim)
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

        // The claimed task, read at a known row version, closes in the same batch: UPDATE tasks ... WHERE id = @id AND
        // row_version = @read. Any claim, forward or close since the read changed the row version, so the update finds
        // nothing and the commit fails as a lost claim; the read checked it was open, in the caller's departments and
        // unclaimed or the caller's.
        if (claim is not null && changeset.TasksClosed.FirstOrDefault(t => t.TaskId == claim.TaskId) is { } closed)
        {
            var readVersion = claim.RowVersion;
            // OpenedAt and DueAt are known, not written: the projection reads them to store the report facts.
            var entry = db.Tasks.Attach(new TaskRow
            {
                Id = closed.TaskId, NodeId = string.Empty, Department = string.Empty, State = TaskStates.Open, RowVersion = readVersion,
                OpenedAt = claim.OpenedAt, DueAt = claim.DueAt,
            });
            entry.Property(t => t.State).CurrentValue = closed.Reason == TaskCloseReason.Completed ? TaskStates.Completed : TaskStates.Cancelled;
            entry.Property(t => t.ClaimedBy).CurrentValue = claim.Actor;
            entry.Property(t => t.ClosedAt).CurrentValue = closed.ClosedAt;
            entry.Property(t => t.Outcome).CurrentValue = closed.Outcome;
            entry.Property(t => t.Actor).CurrentValue = closed.Actor;
            entry.Property(t => t.Note).CurrentValue = closed.Note;
            entry.Property(t => t.RowVersion).CurrentValue = readVersion + 1;
            foreach (var property in entry.Properties)
            {
                property.IsModified = property.Metadata.Name is nameof(TaskRow.State) or nameof(TaskRow.ClaimedBy) or nameof(TaskRow.ClosedAt)
                    or nameof(TaskRow.Outcome) or nameof(TaskRow.Actor) or nameof(TaskRow.Note) or nameof(TaskRow.RowVersion);
            }
        }
    }

    private async Task CloseTasksAsync(Changeset changeset, TaskClaim? claim, CancellationToken cancellationToken)
    {
        foreach (var closed in changeset.TasksClosed)
        {
            if (claim is not null && claim.TaskId == closed.TaskId)
            {
                continue; // closed by SaveChanges at the version read (Stage)
            }

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

/// <summary>What a commit does besides writing the changeset (see <see cref="ChangesetStore.CommitAsync"/>).</summary>
/// <param name="AlsoInTransaction">Rows (or SQL) staged in the same transaction, e.g. the dossier projection.</param>
/// <param name="Claim">The task the changeset closes, at the row version its completer read.</param>
/// <param name="Hook">A value taken from the database as part of the commit (the dossier number).</param>
internal sealed record CommitOptions(
    Func<WorkflowsDbContext, CancellationToken, Task>? AlsoInTransaction = null,
    TaskClaim? Claim = null,
    CommitHook? Hook = null);

/// <summary>
/// The task a changeset closes on behalf of <paramref name="Actor"/>, who read it at <paramref name="RowVersion"/>
/// open, in one of their departments and unclaimed or claimed by them: the close succeeds only at that version.
/// </summary>
/// <summary>
/// The task a completion claims, as read: its row version (the close's condition) and its times, which the dossier
/// projection needs for the report facts it stores with the close (no second read of the task).
/// </summary>
internal sealed record TaskClaim(Guid TaskId, string Actor, int RowVersion, DateTimeOffset OpenedAt, DateTimeOffset DueAt);

/// <summary>The task was closed or claimed by someone else before the changeset closing it committed; nothing was written.</summary>
internal sealed class TaskClaimLostException(Guid taskId)
    : Exception($"Task {taskId} is not open or is claimed by another officer.")
{
    public Guid TaskId { get; } = taskId;
}
