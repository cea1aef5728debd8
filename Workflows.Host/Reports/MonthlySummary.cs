using System.Globalization;
using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using Workflows.Host.Persistence;

namespace Workflows.Host.Reports;

/// <summary>
/// The summary by month in one grouped query. A dossier counts in several months (received in one, carried over
/// into the next, finished in a third), so the query does not group by one month: it places each dossier's receipt,
/// completion and original due time in the period's months (CASE over the month boundaries) and counts the
/// dossiers per combination, channel, status and timeliness. A combination holds the same answer for every month,
/// so the months and the total are added up here from a few hundred grouped rows, whatever the number of dossiers.
/// </summary>
internal sealed partial class ReportStatistics
{
    private async Task<(List<SummaryRow> Rows, SummaryRow Total)> MonthRowsAsync(
        ReportPeriod period, DateTimeOffset now, string? procedure, string? department, CancellationToken cancellationToken)
    {
        var months = Months(period).ToList();
        var count = months.Count;
        // Boundaries b0 = start, b1..bM = each month's end: bucket k holds [b(k), b(k+1)); -1 before the period, M after.
        var bounds = months.Select(m => m.Start).Append(months[^1].End).ToList();
        // A month's in-progress dossiers are late when their original due time is before min(month end, now).
        var references = months.Select(m => m.End < now ? m.End : now).ToList();

        // Whole months from the roll-up where it can answer (MonthlyRollUp), the rest from the rows.
        var dossiers = TouchingDossiers(period, procedure, department);
        var grouped = new List<PlacedCount>();
        if (Split(period, department) is not { } split)
        {
            grouped.AddRange(await PlacedRowsAsync(dossiers, bounds, references, cancellationToken));
        }
        else
        {
            grouped.AddRange(await PlacedRowsAsync(NotRolledUp(dossiers), bounds, references, cancellationToken));
            if (split.PartialRanges.Count > 0)
            {
                grouped.AddRange(await PlacedRowsAsync(RolledUpInPartialMonths(dossiers, split), bounds, references, cancellationToken));
            }

            grouped.AddRange(await WholeMonthPlacementsAsync(split, bounds, references, procedure, cancellationToken));
        }

        var tallies = months.Select(m => new Tally(m.From.ToString("MM/yyyy", CultureInfo.InvariantCulture))).ToList();
        var total = new Tally(TotalLabel);
        foreach (var g in grouped)
        {
            var placement = new Placement(g.Channel, g.Status, g.Timeliness, WaitingForSupplement: g.Completed == count + 1 && g.Status == SupplementRequested);
            for (var m = 0; m < count; m++)
            {
                // Touching month m: received before its end and not finished before its start.
                if (g.Received <= m && g.Completed >= m)
                {
                    Add(tallies[m], placement, g.Count, received: g.Received == m, finished: g.Completed == m, lateInProgress: g.Due <= m);
                }
            }

            Add(total, placement, g.Count, received: g.Received >= 0, finished: g.Completed < count, lateInProgress: g.Due <= count - 1);
        }

        var rows = months.Select((m, i) => ToRow(m.From.ToString("yyyy-MM", CultureInfo.InvariantCulture), tallies[i])).ToList();
        return (rows, ToRow(string.Empty, total));
    }

    private static Task<List<PlacedCount>> PlacedRowsAsync(
        IQueryable<DossierRow> dossiers, List<DateTimeOffset> bounds, List<DateTimeOffset> references, CancellationToken cancellationToken) =>
        dossiers
            .Select(MonthPlacement(bounds, references))
            .GroupBy(p => new { p.Received, p.Completed, p.Due, p.Channel, p.Status, p.Timeliness })
            .Select(g => new PlacedCount(g.Key.Received, g.Key.Completed, g.Key.Due, g.Key.Channel, g.Key.Status, g.Key.Timeliness, g.Count()))
            .ToListAsync(cancellationToken);

    private static void Add(Tally tally, Placement p, int count, bool received, bool finished, bool lateInProgress)
    {
        if (received)
        {
            tally.Received += count;
            switch (p.Channel)
            {
                case "online": tally.Online += count; break;
                case "inPerson": tally.InPerson += count; break;
                case "postal": tally.Postal += count; break;
            }
        }
        else
        {
            tally.CarriedOver += count;
        }

        if (finished)
        {
            switch (p.Status)
            {
                case Refused: tally.Refused += count; break;
                case Withdrawn: tally.Withdrawn += count; break;
                case Stopped: tally.Stopped += count; break;
                default:
                    if (p.Status == ResultReturned)
                    {
                        tally.Returned += count;
                    }

                    switch (p.Timeliness)
                    {
                        case StoredFacts.Early: tally.Early += count; break;
                        case StoredFacts.Late: tally.Late += count; break;
                        default: tally.OnTime += count; break;
                    }

                    break;
            }
        }
        else
        {
            tally.InProgress += count;
            if (lateInProgress)
            {
                tally.InProgressLate += count;
            }
        }

        if (p.WaitingForSupplement)
        {
            tally.Supplement += count;
        }
    }

    /// <summary>
    /// d => new MonthPlacementRow { Received = bucket(received_at), Completed = completed_at null ? M + 1 : bucket(completed_at),
    /// Due = first month whose reference is after original_due_at (M if none), ... }, as CASE expressions in SQL.
    /// </summary>
    private static Expression<Func<DossierRow, MonthPlacementRow>> MonthPlacement(List<DateTimeOffset> bounds, List<DateTimeOffset> references)
    {
        var d = Expression.Parameter(typeof(DossierRow), "d");
        var months = bounds.Count - 1;
        var completedAt = Expression.Property(d, nameof(DossierRow.CompletedAt));
        var completed = Expression.Condition(
            Expression.Equal(completedAt, Expression.Constant(null, typeof(DateTimeOffset?))),
            Expression.Constant(months + 1),
            Bucket(Expression.Property(completedAt, nameof(Nullable<DateTimeOffset>.Value)), bounds, -1));
        var body = Expression.MemberInit(
            Expression.New(typeof(MonthPlacementRow)),
            Expression.Bind(typeof(MonthPlacementRow).GetProperty(nameof(MonthPlacementRow.Received))!, Bucket(Expression.Property(d, nameof(DossierRow.ReceivedAt)), bounds, -1)),
            Expression.Bind(typeof(MonthPlacementRow).GetProperty(nameof(MonthPlacementRow.Completed))!, completed),
            Expression.Bind(typeof(MonthPlacementRow).GetProperty(nameof(MonthPlacementRow.Due))!, Bucket(Expression.Property(d, nameof(DossierRow.OriginalDueAt)), references, 0)),
            Expression.Bind(typeof(MonthPlacementRow).GetProperty(nameof(MonthPlacementRow.Channel))!, Expression.Property(d, nameof(DossierRow.Channel))),
            Expression.Bind(typeof(MonthPlacementRow).GetProperty(nameof(MonthPlacementRow.Status))!, Expression.Property(d, nameof(DossierRow.Status))),
            Expression.Bind(typeof(MonthPlacementRow).GetProperty(nameof(MonthPlacementRow.Timeliness))!, Expression.Property(d, nameof(DossierRow.Timeliness))));
        return Expression.Lambda<Func<DossierRow, MonthPlacementRow>>(body, d);
    }

    /// <summary>
    /// instant &lt; t0 ? first : instant &lt; t1 ? first + 1 : … : first + n, for non-decreasing thresholds t0..t(n-1):
    /// the number of thresholds at or before the instant, plus <paramref name="first"/>.
    /// </summary>
    private static Expression Bucket<T>(Expression instant, List<T> thresholds, int first)
    {
        Expression result = Expression.Constant(first + thresholds.Count);
        for (var k = thresholds.Count - 1; k >= 0; k--)
        {
            result = Expression.Condition(
                Expression.LessThan(instant, Expression.Constant(thresholds[k], typeof(T))),
                Expression.Constant(first + k),
                result);
        }

        return result;
    }

    /// <summary>Where a dossier falls in the period's months (see <see cref="MonthPlacement"/>).</summary>
    private sealed class MonthPlacementRow
    {
        public int Received { get; init; }

        public int Completed { get; init; }

        public int Due { get; init; }

        public string Channel { get; init; } = string.Empty;

        public int Status { get; init; }

        public int? Timeliness { get; init; }

        /// <summary>How many dossiers the row stands for (the roll-up's count; rows are counted).</summary>
        public int Dossiers { get; init; }
    }

    /// <summary>The dossiers of one placement in the period's months.</summary>
    private sealed record PlacedCount(int Received, int Completed, int Due, string Channel, int Status, int? Timeliness, int Count);

    /// <summary>What a grouped row's dossiers share besides their months (unfinished with status 5: waiting for a supplement now).</summary>
    private sealed record Placement(string Channel, int Status, int? Timeliness, bool WaitingForSupplement);
}
