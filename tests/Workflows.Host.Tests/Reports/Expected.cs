using Workflows.Host.Reports;

namespace Workflows.Host.Tests.Reports;

/// <summary>
/// The reports computed again, straight from the generated lists and the definitions, without the production
/// code: what the API must answer.
/// </summary>
internal static class Expected
{
    public static DateTimeOffset Start(DateOnly from) => new(from.ToDateTime(TimeOnly.MinValue), ReportData.Vietnam);

    public static DateTimeOffset End(DateOnly to) => new(to.AddDays(1).ToDateTime(TimeOnly.MinValue), ReportData.Vietnam);

    public static decimal? Percent(int numerator, int denominator) =>
        denominator == 0 ? null : Math.Round(numerator * 100m / denominator, 2, MidpointRounding.AwayFromZero);

    private static DateOnly LocalDay(DateTimeOffset t) => DateOnly.FromDateTime(t.ToOffset(ReportData.Vietnam).DateTime);

    private static (int Early, int OnTime, int Late) Classify(IEnumerable<(DateTimeOffset Due, DateTimeOffset Done)> items)
    {
        int early = 0, onTime = 0, late = 0;
        foreach (var (due, done) in items)
        {
            if (done > due)
            {
                late++;
            }
            else if (LocalDay(done) < LocalDay(due))
            {
                early++;
            }
            else
            {
                onTime++;
            }
        }

        return (early, onTime, late);
    }

    public static SummaryRow DossierRow(string key, string label, IReadOnlyCollection<GeneratedDossier> dossiers, DateOnly from, DateOnly to)
    {
        var start = Start(from);
        var end = End(to);
        var reference = end < ReportData.Now ? end : ReportData.Now;
        var received = dossiers.Where(d => d.ReceivedAt >= start && d.ReceivedAt < end).ToList();
        var carried = dossiers.Count(d => d.ReceivedAt < start && (d.CompletedAt is null || d.CompletedAt >= start));
        var finished = dossiers.Where(d => d.CompletedAt >= start && d.CompletedAt < end).ToList();
        var resolved = finished.Where(d => d.Status is 9 or 10).ToList();
        var (early, onTime, late) = Classify(resolved.Select(d => (d.OriginalDueAt, d.CompletedAt!.Value)));
        var inProgress = dossiers.Where(d => d.ReceivedAt < end && (d.CompletedAt is null || d.CompletedAt >= end)).ToList();
        var inProgressLate = inProgress.Count(d => d.OriginalDueAt < reference);
        var refused = finished.Count(d => d.Status == 3);
        var withdrawn = finished.Count(d => d.Status == 7);
        var stopped = finished.Count(d => d.Status == 8);
        return new SummaryRow(
            key,
            label,
            new ReceivedCounts(received.Count, received.Count(d => d.Channel == "online"), received.Count(d => d.Channel == "inPerson"), received.Count(d => d.Channel == "postal")),
            carried,
            new FinishedCounts(finished.Count, resolved.Count, early, onTime, late, refused, withdrawn, stopped, 0),
            new InProgressCounts(inProgress.Count, inProgress.Count - inProgressLate, inProgressLate),
            dossiers.Count(d => d.ReceivedAt < end && d.CompletedAt is null && d.Status == 5),
            Percent(early + onTime, resolved.Count));
    }

    public static SummaryRow TaskRow(string key, string label, IReadOnlyCollection<GeneratedTask> tasks, DateOnly from, DateOnly to)
    {
        var start = Start(from);
        var end = End(to);
        var reference = end < ReportData.Now ? end : ReportData.Now;
        var received = tasks.Where(t => t.OpenedAt >= start && t.OpenedAt < end).ToList();
        var carried = tasks.Count(t => t.OpenedAt < start && (t.ClosedAt is null || t.ClosedAt >= start));
        var finished = tasks.Where(t => t.ClosedAt >= start && t.ClosedAt < end).ToList();
        var completed = finished.Where(t => t.State == "completed").ToList();
        var (early, onTime, late) = Classify(completed.Select(t => (t.DueAt, t.ClosedAt!.Value)));
        var inProgress = tasks.Where(t => t.OpenedAt < end && (t.ClosedAt is null || t.ClosedAt >= end)).ToList();
        var inProgressLate = inProgress.Count(t => t.DueAt < reference);
        return new SummaryRow(
            key,
            label,
            new ReceivedCounts(received.Count, received.Count(t => t.Dossier.Channel == "online"), received.Count(t => t.Dossier.Channel == "inPerson"), received.Count(t => t.Dossier.Channel == "postal")),
            carried,
            new FinishedCounts(finished.Count, completed.Count, early, onTime, late, 0, 0, 0, finished.Count(t => t.State == "cancelled")),
            new InProgressCounts(inProgress.Count, inProgress.Count - inProgressLate, inProgressLate),
            tasks.Count(t => t.OpenedAt < end && t.ClosedAt is null && t.Dossier.Status == 5),
            Percent(early + onTime, completed.Count));
    }

    /// <summary>Nearest rank: the ⌈p·n/100⌉-th smallest value.</summary>
    private static long Rank(List<long> values, int percentile)
    {
        var sorted = values.Order().ToList();
        var rank = (int)Math.Ceiling(sorted.Count * percentile / 100m);
        return sorted[Math.Max(rank, 1) - 1];
    }

    private static decimal Hours(long minutes) => Math.Round(minutes / 60m, 2, MidpointRounding.AwayFromZero);

    public static List<BottleneckRow> Bottlenecks(ReportData data, DateOnly from, DateOnly to)
    {
        var start = Start(from);
        var end = End(to);
        var rows = new List<BottleneckRow>();
        foreach (var group in data.Tasks.GroupBy(t => (t.Dossier.ProcedureCode, t.NodeId, t.Department)))
        {
            var completed = group.Where(t => t.State == "completed" && t.ClosedAt >= start && t.ClosedAt < end).ToList();
            var open = group.Where(t => t.State == "open").ToList();
            if (completed.Count == 0 && open.Count == 0)
            {
                continue;
            }

            var worked = completed.Select(t => ReportData.Calendar.WorkingMinutesBetween(t.OpenedAt, t.ClosedAt!.Value)).ToList();
            var allotted = completed.Select(t => ReportData.Calendar.WorkingMinutesBetween(t.OpenedAt, t.DueAt)).ToList();
            var late = completed.Count(t => t.ClosedAt > t.DueAt);
            var any = group.First();
            rows.Add(new BottleneckRow(
                group.Key.ProcedureCode,
                any.Dossier.ProcedureName,
                group.Key.NodeId,
                any.StepName,
                group.Key.Department,
                completed.Count,
                completed.Count == 0 ? null : Hours(Rank(worked, 50)),
                completed.Count == 0 ? null : Hours(Rank(worked, 90)),
                completed.Count == 0 ? null : Hours(Rank(allotted, 50)),
                late,
                Percent(late, completed.Count),
                open.Count,
                open.Count(t => t.DueAt < ReportData.Now)));
        }

        return rows
            .OrderByDescending(r => r.LateShare ?? -1m)
            .ThenByDescending(r => r.P90WorkingHours ?? -1m)
            .ThenBy(r => r.ProcedureCode, StringComparer.Ordinal)
            .ThenBy(r => r.NodeId, StringComparer.Ordinal)
            .ThenBy(r => r.Department, StringComparer.Ordinal)
            .ToList();
    }

    public static List<(string Code, int Numerator, int Denominator)> Indicators(ReportData data, DateOnly from, DateOnly to)
    {
        var start = Start(from);
        var end = End(to);
        var received = data.Dossiers.Where(d => d.ReceivedAt >= start && d.ReceivedAt < end).ToList();
        var resolved = data.Dossiers.Where(d => d.CompletedAt >= start && d.CompletedAt < end && d.Status is 9 or 10).ToList();
        var (early, onTime, _) = Classify(resolved.Select(d => (d.OriginalDueAt, d.CompletedAt!.Value)));
        return
        [
            ("onTimeRate", early + onTime, resolved.Count),
            ("onlineShare", received.Count(d => d.Channel == "online"), received.Count),
            ("digitisedShare", received.Count(d => d.HasDocuments), received.Count),
            ("resultsReturnedShare", resolved.Count(d => d.Status == 10), resolved.Count),
        ];
    }
}
