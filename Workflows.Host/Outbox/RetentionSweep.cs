using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Workflows.Host.Persistence;
using Workflows.Host.Runtime;

namespace Workflows.Host.Outbox;

/// <summary>What one retention pass did.</summary>
internal sealed record RetentionPass(int OutboxRemoved, int JournalArchived);

/// <summary>
/// Keeps the outbox and the journal to what is in flight (<see cref="RetentionOptions"/>): removes messages delivered
/// more than <see cref="RetentionOptions.DeliveredOutboxDays"/> ago (pending and dead messages stay), and moves the
/// journal rows of dossiers closed more than <see cref="RetentionOptions.JournalArchiveMonths"/> ago to
/// <c>journal_archive</c> (read back through <see cref="JournalReader"/>), a batch per statement.
/// </summary>
/// <remarks>
/// Safe with several Hosts and idempotent: on PostgreSQL each batch is selected <c>FOR UPDATE SKIP LOCKED</c>, as the
/// outbox dispatcher claims, so two sweeps take disjoint rows, and the journal's move is one statement (delete
/// returning, insert) that commits whole or not at all; a row already archived is not archived twice
/// (<c>ON CONFLICT DO NOTHING</c>). SQLite has one writer: the copy and the delete of a batch share a transaction.
/// </remarks>
internal sealed partial class RetentionSweep(
    IServiceScopeFactory scopes,
    IOptions<RetentionOptions> options,
    TimeProvider time,
    ILogger<RetentionSweep> logger) : BackgroundService
{
    private readonly RetentionOptions settings = options.Value;

    /// <summary>One batch of each at <paramref name="now"/>; a full batch means there may be more.</summary>
    public async Task<RetentionPass> RunOnceAsync(DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<WorkflowsDbContext>();
        var removed = await RemoveDeliveredMessagesAsync(db, now.AddDays(-settings.DeliveredOutboxDays), cancellationToken);
        var archived = await ArchiveJournalAsync(db, now.AddMonths(-settings.JournalArchiveMonths), cancellationToken);
        if (removed + archived > 0)
        {
            LogPass(logger, removed, archived);
        }

        return new RetentionPass(removed, archived);
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        PollingLoop.RunAsync(
            async token =>
            {
                var pass = await RunOnceAsync(time.GetUtcNow(), token);
                return pass.OutboxRemoved >= settings.BatchSize || pass.JournalArchived >= settings.BatchSize;
            },
            settings.SweepInterval,
            exception => logger.PassFailed(exception, "retention"),
            stoppingToken);

    private async Task<int> RemoveDeliveredMessagesAsync(WorkflowsDbContext db, DateTimeOffset before, CancellationToken cancellationToken)
    {
        var batch = settings.BatchSize;
        if (db.Database.IsNpgsql())
        {
            var cutoff = before.ToUniversalTime();
            return await db.Database.ExecuteSqlAsync($"""
                DELETE FROM outbox WHERE id IN (
                    SELECT id FROM outbox WHERE delivered_at < {cutoff}
                    LIMIT {batch}
                    FOR UPDATE SKIP LOCKED)
                """, cancellationToken);
        }

        var text = BulkRows.SqliteInstant(before);
        return await db.Database.ExecuteSqlAsync($"""
            DELETE FROM outbox WHERE rowid IN (SELECT rowid FROM outbox WHERE delivered_at < {text} LIMIT {batch})
            """, cancellationToken);
    }

    private async Task<int> ArchiveJournalAsync(WorkflowsDbContext db, DateTimeOffset closedBefore, CancellationToken cancellationToken)
    {
        var batch = settings.BatchSize;
        // Every journal column, from the model: a column added to the journal moves with its row without editing SQL.
        var columns = JournalModel.ColumnList(db);
        var moved = string.Join(", ", columns.Split(", ").Select(c => "j." + c));
        if (db.Database.IsNpgsql())
        {
            var cutoff = closedBefore.ToUniversalTime();
            // Parameters {0} and {1}; the column names come from the model, never from input.
            return (await db.Database.SqlQuery<int>(FormattableStringFactory.Create($$"""
                WITH batch AS (
                    SELECT j.instance_id, j.sequence
                    FROM journal AS j JOIN dossiers AS d ON d.id = j.instance_id
                    WHERE d.completed_at < {0}
                    LIMIT {1}
                    FOR UPDATE OF j SKIP LOCKED
                ), moved AS (
                    DELETE FROM journal AS j USING batch AS b
                    WHERE j.instance_id = b.instance_id AND j.sequence = b.sequence
                    RETURNING {{moved}}
                ), archived AS (
                    INSERT INTO journal_archive ({{columns}})
                    SELECT * FROM moved
                    ON CONFLICT DO NOTHING
                )
                SELECT count(*)::int AS "Value" FROM moved
                """, cutoff, batch)).ToListAsync(cancellationToken)).Single();
        }

        // The same batch twice (ordered by rowid) in one transaction of the only writer: copy, then delete.
        var text = BulkRows.SqliteInstant(closedBefore);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await db.Database.ExecuteSqlAsync(FormattableStringFactory.Create($$"""
            INSERT OR IGNORE INTO journal_archive ({{columns}})
            SELECT {{columns}} FROM journal WHERE rowid IN (
                SELECT j.rowid FROM journal AS j JOIN dossiers AS d ON d.id = j.instance_id
                WHERE d.completed_at < {0} ORDER BY j.rowid LIMIT {1})
            """, text, batch), cancellationToken);
        var count = await db.Database.ExecuteSqlAsync($"""
            DELETE FROM journal WHERE rowid IN (
                SELECT j.rowid FROM journal AS j JOIN dossiers AS d ON d.id = j.instance_id
                WHERE d.completed_at < {text} ORDER BY j.rowid LIMIT {batch})
            """, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return count;
    }

    [LoggerMessage(EventId = 2701, Level = LogLevel.Information, Message = "Retention: removed {outboxRemoved} delivered outbox messages, archived {journalArchived} journal rows")]
    private static partial void LogPass(ILogger logger, int outboxRemoved, int journalArchived);
}
