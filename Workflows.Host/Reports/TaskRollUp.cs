using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using Workflows.Host.Persistence;

namespace Workflows.Host.Reports;

/// <summary>
/// The task summaries (by department, by step) and the bottleneck view read whole months from the task roll-ups and the
/// rest from the rows, as <see cref="MonthlyRollUp"/> describes for dossiers. <c>task_month_counts</c> counts the closed
/// tasks (<see cref="TaskMonthCountRow.IsCounted"/>) by the local months of their opening, closing and due time, with
/// their dossier's procedure and channel; a task summary only compares those instants with the period's bounds and the
/// reference instant (which only open tasks can be late against). So it reads three disjoint parts in one snapshot: the
/// tasks the roll-up does not count (open, or facts not yet filled: <see cref="TaskRow.RolledUp"/> false,
/// ix_tasks_not_rolled_up), the counted tasks with an
/// instant in a partial month, and the roll-up's rows with no month in a partial month. The bottleneck view only places
/// completed tasks by their closing month: <c>task_minute_counts</c> for the whole months, rows for the cut ones.
/// </summary>
/// <remarks>
/// The department is a column of the task roll-ups, so a task summary filtered by department reads them too. Their months
/// are UTC+7 months; a calendar with another offset reads the rows.
/// </remarks>
internal sealed partial class ReportStatistics
{
    /// <summary>The tasks the roll-ups do not count (ix_tasks_not_rolled_up's filter): the negation of <see cref="TaskMonthCountRow.IsCounted"/>, stored on the row.</summary>
    private static readonly Expression<Func<TaskOfDossier, bool>> IsNotRolledUp = t => !t.RolledUp;

    private static IQueryable<TaskOfDossier> NotRolledUp(IQueryable<TaskOfDossier> tasks) => tasks.Where(IsNotRolledUp);

    private static IQueryable<TaskOfDossier> RolledUp(IQueryable<TaskOfDossier> tasks) => tasks.Where(t => t.RolledUp);

    /// <summary>The counted tasks opened, closed or due in a partial month: the roll-up cannot place them against the period's bounds.</summary>
    private static IQueryable<TaskOfDossier> RolledUpInPartialMonths(IQueryable<TaskOfDossier> tasks, RollUpSplit split) =>
        RolledUp(tasks).Where(InPartialMonths<TaskOfDossier>(split, nameof(TaskOfDossier.OpenedAt), nameof(TaskOfDossier.ClosedAt), nameof(TaskOfDossier.DueAt)));

    /// <summary>The task counts of the roll-up's whole months, as <see cref="TaskCountsAsync"/> counts rows (every counted task is closed).</summary>
    private async Task<List<CountFact>> WholeMonthTaskCountFactsAsync(
        RollUpSplit split, ReportPeriod period, DateTimeOffset now, string? procedure, string? department, CancellationToken cancellationToken)
    {
        var start = MonthKey(period.Start);
        var end = MonthKey(period.End);
        var reference = MonthKey(period.End < now ? period.End : now);
        var partial = split.PartialMonths;
        var counts = db.TaskMonthCounts.AsNoTracking()
            .Where(c => c.Tasks != 0 && !partial.Contains(c.OpenedMonth) && !partial.Contains(c.ClosedMonth) && !partial.Contains(c.DueMonth));
        if (procedure is not null)
        {
            counts = counts.Where(c => c.ProcedureCode == procedure);
        }

        if (department is not null)
        {
            counts = counts.Where(c => c.Department == department);
        }

        var groups = await counts
            .Where(c => c.OpenedMonth < end && c.ClosedMonth >= start)
            .GroupBy(c => new { c.ProcedureCode, c.Department, c.NodeId, c.Channel })
            .Select(g => new
            {
                g.Key.ProcedureCode,
                g.Key.Department,
                g.Key.NodeId,
                g.Key.Channel,
                ProcedureName = g.Max(c => c.ProcedureName),
                StepName = g.Max(c => c.StepName),
                Received = g.Sum(c => c.OpenedMonth >= start ? c.Tasks : 0),
                CarriedOver = g.Sum(c => c.OpenedMonth < start ? c.Tasks : 0),
                Cancelled = g.Sum(c => c.ClosedMonth < end && c.State == TaskStates.Cancelled ? c.Tasks : 0),
                InProgress = g.Sum(c => c.ClosedMonth >= end ? c.Tasks : 0),
                InProgressLate = g.Sum(c => c.ClosedMonth >= end && c.DueMonth < reference ? c.Tasks : 0),
                Early = g.Sum(c => c.ClosedMonth < end && c.State == TaskStates.Completed && c.Timeliness == StoredFacts.Early ? c.Tasks : 0),
                Late = g.Sum(c => c.ClosedMonth < end && c.State == TaskStates.Completed && c.Timeliness == StoredFacts.Late ? c.Tasks : 0),
                Resolved = g.Sum(c => c.ClosedMonth < end && c.State == TaskStates.Completed ? c.Tasks : 0),
            })
            .ToListAsync(cancellationToken);
        return groups.Select(c => new CountFact(
                new Dimensions(c.ProcedureCode, c.ProcedureName ?? c.ProcedureCode, string.Empty, c.Channel, c.Department, c.NodeId, StepLabel(c.StepName, c.NodeId)),
                c.Received, c.CarriedOver, c.Early, c.Resolved - c.Early - c.Late, c.Late, 0, 0, 0, c.Cancelled, 0, c.InProgress, c.InProgressLate, 0))
            .ToList();
    }

    // The roll-ups keep a task without a step name under an empty one (a key column cannot be null).
    private static string StepLabel(string? stepName, string nodeId) => string.IsNullOrEmpty(stepName) ? nodeId : stepName;

    /// <summary>The closing months the task roll-ups answer for the period (whole months inside it), as yyyyMM keys.</summary>
    private static (int Start, int End) WholeClosedMonths(ReportPeriod period) => (MonthKey(period.Start), MonthKey(period.End));

    /// <summary>
    /// The completed tasks of a bottleneck that are read as rows: those the roll-ups do not count, and the counted ones
    /// closed in a month the period cuts. Null split: every row.
    /// </summary>
    private static IQueryable<TaskOfDossier> CompletedTaskRows(IQueryable<TaskOfDossier> tasks, ReportPeriod period, RollUpSplit? split)
    {
        var completed = tasks.Where(t => t.State == TaskStates.Completed && t.ClosedAt >= period.Start && t.ClosedAt < period.End);
        if (split is null)
        {
            return completed;
        }

        // Not counted, or (counted and) closed in a partial month.
        return completed.Where(InPartialMonths(split, IsNotRolledUp, nameof(TaskOfDossier.ClosedAt)));
    }

    /// <summary>The minute counts of the roll-up's whole closing months, of the procedure when given.</summary>
    private IQueryable<TaskMinuteCountRow> WholeMonthMinuteCounts(ReportPeriod period, RollUpSplit split, string? procedure)
    {
        var (start, end) = WholeClosedMonths(period);
        var partial = split.PartialMonths;
        var counts = db.TaskMinuteCounts.AsNoTracking()
            .Where(c => c.Tasks != 0 && c.ClosedMonth >= start && c.ClosedMonth < end && !partial.Contains(c.ClosedMonth));
        return procedure is null ? counts : counts.Where(c => c.ProcedureCode == procedure);
    }
}
