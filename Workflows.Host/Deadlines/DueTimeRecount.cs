using Microsoft.EntityFrameworkCore;
using Workflows.Host.Calendars;
using Workflows.Host.Infrastructure;
using Workflows.Host.Persistence;

namespace Workflows.Host.Deadlines;

/// <summary>
/// Closes the calendar-edit race. An edit recounts every open due time on the new calendar in its own transaction,
/// but a start, step or resume that counted its due time on the calendar before (on another node that has not reloaded
/// it yet, or on this node just before the swap) and commits after the edit keeps that due time. So an edit also marks
/// its year (<see cref="CalendarRow.RecountAfter"/>); once every node has reloaded the calendar, the first sweep to see
/// the mark counts every open due time again on the calendar it has just reloaded, as the edit did, and clears the mark
/// in the same transaction. A due time counted right moves nothing; a stale one moves, with its journal row and, for an
/// appointment, its statusChanged message, under the name of the administrator who made the edit.
/// </summary>
internal sealed class DueTimeRecount(WorkflowsDbContext db, CalendarProvider calendars, DueTimeRecalculator recalculator, ILogger<DueTimeRecount> logger)
{
    // "recount" in ASCII: the transaction-level advisory lock of the recount on PostgreSQL.
    private const long RecountLockKey = 0x7265636F756E74;

    /// <summary>
    /// Recounts when an edit's mark is due at <paramref name="now"/>; the caller has just reloaded the calendar. Returns
    /// what moved, or null when nothing was due, another node took the mark, or dossiers changed meanwhile (the mark
    /// stays and the next sweep tries again).
    /// </summary>
    public async Task<DueTimeChanges?> RunIfDueAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        // A handful of rows (one per stored year): compared here, not in SQL, as SQLite keeps instants as text.
        var due = (await db.Set<CalendarRow>().AsNoTracking().Where(c => c.RecountAfter != null)
                .Select(c => new { c.Year, c.RecountAfter, c.UpdatedAt, c.UpdatedBy }).ToListAsync(cancellationToken))
            .Where(c => c.RecountAfter <= now).ToList();
        if (due.Count == 0)
        {
            return null;
        }

        // The calendar in use must be the one the marks were set with: a year edited again since the reload waits.
        var loaded = calendars.Snapshot.Stored;
        if (due.Any(c => !loaded.TryGetValue(c.Year, out var row) || row.UpdatedAt != c.UpdatedAt))
        {
            return null;
        }

        // Held like an edit of this node, so the calendar does not change under the recount.
        await calendars.EditLock.WaitAsync(cancellationToken);
        try
        {
            db.ChangeTracker.Clear();
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            try
            {
                // One recount at a time across nodes, and never waiting for it: a recount of 100,000 due times holds its
                // transaction for seconds, and another node's sweep (its warnings) or an administrator's save must not
                // queue behind it. The one that does not get the lock leaves the marks to the one that has it.
                if (db.Database.IsNpgsql()
                    && !await db.Database.SqlQuery<bool>($"SELECT pg_try_advisory_xact_lock({RecountLockKey}) AS \"Value\"").SingleAsync(cancellationToken))
                {
                    await transaction.RollbackAsync(CancellationToken.None);
                    return null;
                }

                // Taking the marks first, in the same transaction: a node that gets the lock after this commits finds them cleared.
                foreach (var mark in due)
                {
                    var taken = await db.Set<CalendarRow>().Where(c => c.Year == mark.Year && c.RecountAfter == mark.RecountAfter)
                        .ExecuteUpdateAsync(s => s.SetProperty(c => c.RecountAfter, (DateTimeOffset?)null), cancellationToken);
                    if (taken == 0)
                    {
                        await transaction.RollbackAsync(CancellationToken.None);
                        return null;
                    }
                }

                var calendar = calendars.Current;
                var actor = due.OrderBy(c => c.UpdatedAt).Last().UpdatedBy;
                var changes = await recalculator.StageAsync(calendar, calendar, actor, now, cancellationToken);
                await transaction.CommitAsync(cancellationToken);
                DeadlineLog.CalendarRecounted(logger, changes.Tasks, changes.Dossiers, changes.Timers);
                return changes;
            }
            catch (Exception e) when (e is DeadlineConflictException || DatabaseErrors.IsTransientConflict(e))
            {
                await transaction.RollbackAsync(CancellationToken.None);
                DeadlineLog.CalendarRecountConflict(logger);
                return null;
            }
        }
        finally
        {
            db.ChangeTracker.Clear();
            calendars.EditLock.Release();
        }
    }
}
