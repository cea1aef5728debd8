using System.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Workflows.Host.Persistence;

/// <summary>
/// A read-only transaction in which several queries see one state of the database: a report that adds the monthly
/// roll-up to the rows it does not count must not see a dossier move between them (counted twice or not at all).
/// PostgreSQL: REPEATABLE READ (one snapshot for the transaction). SQLite: a deferred transaction (its snapshot is taken
/// at the first read and, unlike the default BEGIN IMMEDIATE, it does not block writers).
/// </summary>
internal static class ReadSnapshot
{
    /// <summary>Begins the snapshot; null when the context already runs in a transaction (its caller's snapshot holds).</summary>
    public static async Task<IAsyncDisposable?> BeginAsync(WorkflowsDbContext db, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        if (db.Database.CurrentTransaction is not null)
        {
            return null;
        }

        if (db.Database.IsNpgsql())
        {
            return await db.Database.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken);
        }

        await db.Database.OpenConnectionAsync(cancellationToken);
        var transaction = ((SqliteConnection)db.Database.GetDbConnection()).BeginTransaction(deferred: true);
        await db.Database.UseTransactionAsync(transaction, cancellationToken);
        return new SqliteSnapshot(db, transaction);
    }

    private sealed class SqliteSnapshot(WorkflowsDbContext db, SqliteTransaction transaction) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await db.Database.UseTransactionAsync(null);
            await transaction.DisposeAsync();
            await db.Database.CloseConnectionAsync();
        }
    }
}
