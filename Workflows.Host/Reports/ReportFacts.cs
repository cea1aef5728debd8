using Microsoft.EntityFrameworkCore;
using Workflows.Engine.Calendar;
using Workflows.Host.Persistence;

namespace Workflows.Host.Reports;

/// <summary>
/// Fills the report facts (<see cref="StoredFacts"/>) of rows that were written without them: rows from before the
/// columns existed, and rows a tool wrote straight into the tables (imports, generated history, benchmarks). The
/// commit path stores them when a task or dossier completes and at intake, so normally nothing is pending.
/// </summary>
/// <remarks>
/// Why here and not in SQL in the migration: the working minutes need the working calendar (holidays, make-up days,
/// sessions), which only the Host knows. So the migration only adds the columns, and this fill runs before every
/// report: batched (<see cref="BatchSize"/> rows a transaction, never a whole table in memory), idempotent (it picks
/// rows whose facts are null, through partial indexes that are empty once filled, so the check costs two index probes),
/// and restartable (a batch that lost a race with a commit is read again). ReportFactsFill runs it at start-up, so
/// the first report after an upgrade does not pay for the history.
/// </remarks>
internal sealed class ReportFacts(WorkflowsDbContext db, WorkingCalendar calendar)
{
    public const int BatchSize = 1000;

    /// <summary>Fills every row still without facts; returns how many rows it read (a row that lost a race is read again).</summary>
    public async Task<int> FillAsync(CancellationToken cancellationToken)
    {
        var rows = 0;
        int batch;
        while ((batch = await FillTasksAsync(cancellationToken)) > 0)
        {
            rows += batch;
        }

        while ((batch = await FillDossiersAsync(cancellationToken)) > 0)
        {
            rows += batch;
        }

        return rows;
    }

    private async Task<int> FillTasksAsync(CancellationToken cancellationToken)
    {
        var pending = await db.Tasks.AsNoTracking()
            .Where(t => t.State == TaskStates.Completed && t.Timeliness == null && t.ClosedAt != null)
            .OrderBy(t => t.Id)
            .Select(t => new { t.Id, t.OpenedAt, t.DueAt, ClosedAt = t.ClosedAt!.Value, t.RowVersion })
            .Take(BatchSize)
            .ToListAsync(cancellationToken);
        foreach (var t in pending)
        {
            var (worked, allotted, timeliness) = StoredFacts.CompletedTask(calendar, t.OpenedAt, t.DueAt, t.ClosedAt);
            var entry = db.Tasks.Attach(new TaskRow { Id = t.Id, NodeId = string.Empty, Department = string.Empty, State = string.Empty, RowVersion = t.RowVersion });
            entry.Property(r => r.WorkedMinutes).CurrentValue = worked;
            entry.Property(r => r.AllottedMinutes).CurrentValue = allotted;
            entry.Property(r => r.Timeliness).CurrentValue = timeliness;
            entry.Property(r => r.WorkedMinutes).IsModified = true;
            entry.Property(r => r.AllottedMinutes).IsModified = true;
            entry.Property(r => r.Timeliness).IsModified = true;
        }

        return await SaveAsync(pending.Count, cancellationToken);
    }

    private async Task<int> FillDossiersAsync(CancellationToken cancellationToken)
    {
        var pending = await db.Dossiers.AsNoTracking()
            .Where(d => (d.CompletedAt != null && d.Timeliness == null) || d.DocumentCount == null)
            .OrderBy(d => d.Id)
            .Select(d => new { d.Id, d.OriginalDueAt, d.CompletedAt, d.Timeliness, d.DocumentCount, d.Documents, d.RowVersion })
            .Take(BatchSize)
            .ToListAsync(cancellationToken);
        foreach (var d in pending)
        {
            var entry = db.Dossiers.Attach(new DossierRow
            {
                Id = d.Id, Code = string.Empty, IntakeClient = string.Empty, ExternalCode = string.Empty, PayloadHash = string.Empty,
                ProcedureCode = string.Empty, ProcedureName = string.Empty, ApplicantName = string.Empty, Channel = string.Empty,
                ReceptionPoint = string.Empty, Documents = string.Empty, RowVersion = d.RowVersion,
            });
            if (d.CompletedAt is { } completed && d.Timeliness is null)
            {
                entry.Property(r => r.Timeliness).CurrentValue = StoredFacts.Timeliness(calendar, d.OriginalDueAt, completed);
                entry.Property(r => r.Timeliness).IsModified = true;
            }

            if (d.DocumentCount is null)
            {
                entry.Property(r => r.DocumentCount).CurrentValue = StoredFacts.DocumentCount(d.Documents);
                entry.Property(r => r.DocumentCount).IsModified = true;
            }
        }

        return await SaveAsync(pending.Count, cancellationToken);
    }

    // One batched UPDATE per row version read; a row changed since (a dossier's status moved) is read again next round.
    private async Task<int> SaveAsync(int count, CancellationToken cancellationToken)
    {
        if (count == 0)
        {
            return 0;
        }

        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
        }
        finally
        {
            db.ChangeTracker.Clear();
        }

        return count;
    }
}
