using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata;
using Npgsql;

namespace Workflows.Host.Persistence;

/// <summary>
/// A value a commit takes from the database while it writes (e.g. the day's next dossier number, whose counter row
/// stays locked until the commit). <see cref="ChangesetStore"/> runs it one of two ways:
/// <list type="bullet">
/// <item>PostgreSQL, a commit that only inserts: <see cref="PostgresLead"/> opens the batch of the inserts, sent
/// without an explicit transaction, so PostgreSQL runs the whole batch as one implicit transaction and commits it at
/// its end: one round trip, all or nothing (<see cref="InsertBatch"/>). <see cref="ColumnSql"/> lets an inserted
/// column use what the lead statement took.</item>
/// <item>Otherwise, inside an explicit transaction: <see cref="BeforeSaveAsync"/> before the rows are saved,
/// <see cref="AfterSaveAsync"/> after them (where it writes what it took into them), then COMMIT.</item>
/// </list>
/// </summary>
internal abstract class CommitHook
{
    /// <summary>Transactional path: runs before the rows are saved (may throw to write nothing).</summary>
    public virtual Task BeforeSaveAsync(WorkflowsDbContext db, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Transactional path: runs after the rows are saved, just before COMMIT.</summary>
    public abstract Task AfterSaveAsync(WorkflowsDbContext db, CancellationToken cancellationToken);

    /// <summary>One-round-trip path: the statement that opens the batch (positional parameters).</summary>
    public abstract NpgsqlBatchCommand PostgresLead();

    /// <summary>One-round-trip path: reads the lead statement's result; the reader is on its result set.</summary>
    public abstract Task ReadLeadAsync(NpgsqlDataReader reader, CancellationToken cancellationToken);

    /// <summary>
    /// One-round-trip path: the SQL an inserted row's column is written with, <c>{0}</c> standing for its parameter;
    /// null for the parameter alone.
    /// </summary>
    public virtual string? ColumnSql(EntityEntry entry, IProperty property) => null;
}
