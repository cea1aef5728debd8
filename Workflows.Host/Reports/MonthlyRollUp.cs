using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using Workflows.Host.Persistence;

namespace Workflows.Host.Reports;

/// <summary>
/// Whole months from the roll-up, the rest from the rows. <c>dossier_month_counts</c> counts the finished dossiers whose
/// facts are stored by the local months of their receipt, completion and original due time, and a dossier-level report
/// only compares those instants with month boundaries — except where the period starts or ends mid-month, and where the
/// reference instant is now (which only open dossiers can be late against: a finished dossier is never in progress
/// after now). So a report reads three disjoint parts in one snapshot: the dossiers the roll-up does not count (open,
/// or facts not yet filled; the partial index ix_dossiers_not_rolled_up), the counted dossiers with an instant in a
/// partial month (index ranges over that month), and the roll-up's rows with no month in a partial month, compared
/// by month: for an instant x outside the boundary's month, x &lt; b exactly when month(x) &lt; month(b).
/// </summary>
/// <remarks>
/// The roll-up has no department: a report filtered by department reads the rows, as before. Its months are UTC+7
/// months (the triggers'); a calendar with another offset reads the rows too.
/// </remarks>
internal sealed partial class ReportStatistics
{
    /// <summary>The months cut by the period (read as rows), as month keys and as [start, end) instants.</summary>
    private sealed record RollUpSplit(List<int> PartialMonths, List<(DateTimeOffset Start, DateTimeOffset End)> PartialRanges);

    private static int MonthKey(DateTimeOffset instant) => DossierMonthCountRow.MonthKey(instant);

    /// <summary>How the period splits between roll-up and rows; null when the roll-up cannot answer (department filter, other offset).</summary>
    private RollUpSplit? Split(ReportPeriod period, string? department) => department is null ? Split(period) : null;

    /// <summary>How the period splits between the roll-ups' whole months and rows; null when the calendar's offset is not the roll-ups'.</summary>
    private RollUpSplit? Split(ReportPeriod period)
    {
        if (calendar.UtcOffset != DossierMonthCountRow.MonthOffset)
        {
            return null;
        }

        var partial = new List<DateOnly>();
        if (period.From.Day != 1)
        {
            partial.Add(new DateOnly(period.From.Year, period.From.Month, 1));
        }

        var lastMonth = new DateOnly(period.To.Year, period.To.Month, 1);
        if (period.To != lastMonth.AddMonths(1).AddDays(-1) && !partial.Contains(lastMonth))
        {
            partial.Add(lastMonth);
        }

        DateTimeOffset Local(DateOnly day) => new(day.ToDateTime(TimeOnly.MinValue), DossierMonthCountRow.MonthOffset);
        return new RollUpSplit(
            partial.Select(m => (m.Year * 100) + m.Month).ToList(),
            partial.Select(m => (Local(m), Local(m.AddMonths(1)))).ToList());
    }

    /// <summary>The dossiers the roll-up does not count (see <see cref="DossierMonthCountRow.IsCounted"/>).</summary>
    private static IQueryable<DossierRow> NotRolledUp(IQueryable<DossierRow> dossiers) =>
        dossiers.Where(d => d.CompletedAt == null || d.Timeliness == null || d.DocumentCount == null);

    /// <summary>The counted dossiers received, completed or due in a partial month: the roll-up cannot place them against the period's bounds.</summary>
    private static IQueryable<DossierRow> RolledUpInPartialMonths(IQueryable<DossierRow> dossiers, RollUpSplit split) =>
        dossiers
            .Where(d => d.CompletedAt != null && d.Timeliness != null && d.DocumentCount != null)
            .Where(InPartialMonths<DossierRow>(split, nameof(DossierRow.ReceivedAt), nameof(DossierRow.CompletedAt), nameof(DossierRow.OriginalDueAt)));

    /// <summary>Whether any of the named instants falls in one of the split's partial months (or, when given, <paramref name="orElse"/> holds).</summary>
    private static Expression<Func<T, bool>> InPartialMonths<T>(RollUpSplit split, params string[] instants) => InPartialMonths<T>(split, null, instants);

    private static Expression<Func<T, bool>> InPartialMonths<T>(RollUpSplit split, Expression<Func<T, bool>>? orElse, params string[] instants)
    {
        var row = orElse?.Parameters[0] ?? Expression.Parameter(typeof(T), "r");
        var any = orElse?.Body;
        foreach (var name in instants)
        {
            var instant = Expression.Property(row, name);
            foreach (var (start, end) in split.PartialRanges)
            {
                var within = Expression.AndAlso(
                    Expression.GreaterThanOrEqual(instant, Expression.Constant(start, instant.Type)),
                    Expression.LessThan(instant, Expression.Constant(end, instant.Type)));
                any = any is null ? within : Expression.OrElse(any, within);
            }
        }

        return Expression.Lambda<Func<T, bool>>(any ?? Expression.Constant(false), row);
    }

    /// <summary>The roll-up's rows with no month in a partial month, of the procedure when given.</summary>
    private IQueryable<DossierMonthCountRow> WholeMonthCounts(RollUpSplit split, string? procedure)
    {
        var partial = split.PartialMonths;
        var counts = db.DossierMonthCounts.AsNoTracking()
            .Where(c => c.Dossiers != 0 && !partial.Contains(c.ReceivedMonth) && !partial.Contains(c.CompletedMonth) && !partial.Contains(c.DueMonth));
        return procedure is null ? counts : counts.Where(c => c.ProcedureCode == procedure);
    }

    /// <summary>The dossier counts of the roll-up's whole months, as <see cref="DossierFactsAsync"/> counts rows (every counted dossier is finished).</summary>
    private async Task<List<CountFact>> WholeMonthCountFactsAsync(RollUpSplit split, ReportPeriod period, DateTimeOffset now, string? procedure, CancellationToken cancellationToken)
    {
        var start = MonthKey(period.Start);
        var end = MonthKey(period.End);
        var reference = MonthKey(period.End < now ? period.End : now);
        var counts = await WholeMonthCounts(split, procedure)
            .Where(c => c.ReceivedMonth < end && c.CompletedMonth >= start)
            .GroupBy(c => new { c.ProcedureCode, c.ReceptionPoint, c.Channel })
            .Select(g => new
            {
                g.Key.ProcedureCode,
                g.Key.ReceptionPoint,
                g.Key.Channel,
                ProcedureName = g.Max(c => c.ProcedureName),
                Received = g.Sum(c => c.ReceivedMonth >= start ? c.Dossiers : 0),
                CarriedOver = g.Sum(c => c.ReceivedMonth < start ? c.Dossiers : 0),
                Refused = g.Sum(c => c.CompletedMonth < end && c.Status == Refused ? c.Dossiers : 0),
                Withdrawn = g.Sum(c => c.CompletedMonth < end && c.Status == Withdrawn ? c.Dossiers : 0),
                Stopped = g.Sum(c => c.CompletedMonth < end && c.Status == Stopped ? c.Dossiers : 0),
                Returned = g.Sum(c => c.CompletedMonth < end && c.Status == ResultReturned ? c.Dossiers : 0),
                InProgress = g.Sum(c => c.CompletedMonth >= end ? c.Dossiers : 0),
                InProgressLate = g.Sum(c => c.CompletedMonth >= end && c.DueMonth < reference ? c.Dossiers : 0),
                Early = g.Sum(c => c.CompletedMonth < end && c.Status != Refused && c.Status != Withdrawn && c.Status != Stopped && c.Timeliness == StoredFacts.Early ? c.Dossiers : 0),
                Late = g.Sum(c => c.CompletedMonth < end && c.Status != Refused && c.Status != Withdrawn && c.Status != Stopped && c.Timeliness == StoredFacts.Late ? c.Dossiers : 0),
                Resolved = g.Sum(c => c.CompletedMonth < end && c.Status != Refused && c.Status != Withdrawn && c.Status != Stopped ? c.Dossiers : 0),
            })
            .ToListAsync(cancellationToken);
        return counts.Select(c => new CountFact(
                new Dimensions(c.ProcedureCode, c.ProcedureName ?? c.ProcedureCode, c.ReceptionPoint, c.Channel, string.Empty, string.Empty, string.Empty),
                c.Received, c.CarriedOver, c.Early, c.Resolved - c.Early - c.Late, c.Late, c.Refused, c.Withdrawn, c.Stopped, 0, c.Returned, c.InProgress, c.InProgressLate, 0))
            .ToList();
    }

    /// <summary>Dossiers received in the period with at least one document recorded, from the roll-up's whole months.</summary>
    private Task<int> WholeMonthDigitisedAsync(RollUpSplit split, ReportPeriod period, CancellationToken cancellationToken)
    {
        var start = MonthKey(period.Start);
        var end = MonthKey(period.End);
        return WholeMonthCounts(split, null)
            .Where(c => c.WithDocuments && c.ReceivedMonth >= start && c.ReceivedMonth < end)
            .SumAsync(c => c.Dossiers, cancellationToken);
    }

    /// <summary>The roll-up's whole months placed in the period's months (<see cref="MonthPlacement"/> by month keys), counted per placement.</summary>
    private async Task<List<PlacedCount>> WholeMonthPlacementsAsync(
        RollUpSplit split, List<DateTimeOffset> bounds, List<DateTimeOffset> references, string? procedure, CancellationToken cancellationToken)
    {
        var boundKeys = bounds.Select(MonthKey).ToList();
        var referenceKeys = references.Select(MonthKey).ToList();
        var c = Expression.Parameter(typeof(DossierMonthCountRow), "c");
        Expression Month(string name) => Expression.Property(c, name);
        var body = Expression.MemberInit(
            Expression.New(typeof(MonthPlacementRow)),
            Expression.Bind(typeof(MonthPlacementRow).GetProperty(nameof(MonthPlacementRow.Received))!, Bucket(Month(nameof(DossierMonthCountRow.ReceivedMonth)), boundKeys, -1)),
            Expression.Bind(typeof(MonthPlacementRow).GetProperty(nameof(MonthPlacementRow.Completed))!, Bucket(Month(nameof(DossierMonthCountRow.CompletedMonth)), boundKeys, -1)),
            Expression.Bind(typeof(MonthPlacementRow).GetProperty(nameof(MonthPlacementRow.Due))!, Bucket(Month(nameof(DossierMonthCountRow.DueMonth)), referenceKeys, 0)),
            Expression.Bind(typeof(MonthPlacementRow).GetProperty(nameof(MonthPlacementRow.Channel))!, Expression.Property(c, nameof(DossierMonthCountRow.Channel))),
            Expression.Bind(typeof(MonthPlacementRow).GetProperty(nameof(MonthPlacementRow.Status))!, Expression.Property(c, nameof(DossierMonthCountRow.Status))),
            Expression.Bind(typeof(MonthPlacementRow).GetProperty(nameof(MonthPlacementRow.Timeliness))!, Expression.Convert(Expression.Property(c, nameof(DossierMonthCountRow.Timeliness)), typeof(int?))),
            Expression.Bind(typeof(MonthPlacementRow).GetProperty(nameof(MonthPlacementRow.Dossiers))!, Expression.Property(c, nameof(DossierMonthCountRow.Dossiers))));
        var start = boundKeys[0];
        var end = boundKeys[^1];
        return await WholeMonthCounts(split, procedure)
            .Where(r => r.ReceivedMonth < end && r.CompletedMonth >= start)
            .Select(Expression.Lambda<Func<DossierMonthCountRow, MonthPlacementRow>>(body, c))
            .GroupBy(p => new { p.Received, p.Completed, p.Due, p.Channel, p.Status, p.Timeliness })
            .Select(g => new PlacedCount(g.Key.Received, g.Key.Completed, g.Key.Due, g.Key.Channel, g.Key.Status, g.Key.Timeliness, g.Sum(p => p.Dossiers)))
            .ToListAsync(cancellationToken);
    }
}
