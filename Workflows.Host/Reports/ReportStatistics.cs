using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Workflows.Engine.Calendar;
using Workflows.Engine.Deadlines;
using Workflows.Host.Persistence;

namespace Workflows.Host.Reports;

/// <summary>
/// The statistics leaders watch, aggregated in SQL: GROUP BY with conditional counts over the rows that touch the
/// period, reading what needs the working calendar or the local day (early / on time / late, working minutes) from
/// the facts stored on each row when it completed (<see cref="StoredFacts"/>, filled for older rows by
/// <see cref="ReportFacts"/> first). The Host only adds up the grouped rows, never one object per dossier or task.
/// </summary>
/// <remarks>
/// <para>Definitions, for a period [start, end) of local (UTC+7) days and the reference instant
/// <c>min(end, now)</c>:</para>
/// <list type="bullet">
/// <item>A dossier is <b>received in the period</b> when received_at is in [start, end), split by its channel
/// (online, inPerson, postal); <b>carried over</b> when received before start and not finished at start
/// (completed_at null or ≥ start).</item>
/// <item>A dossier is <b>finished</b> when completed_at is set (statuses 3, 7, 8, 9, 10); <b>finished in the
/// period</b> when completed_at is in [start, end). Refused (3), withdrawn (7) and stopped (8) are counted
/// apart; every other finished dossier (9 resolved, 10 result returned) is <b>resolved</b>.</item>
/// <item>A resolved dossier is <b>early</b> when completed on an earlier local day than its ORIGINAL due day,
/// <b>on time</b> when completed by its original due instant, <b>late</b> otherwise
/// (<see cref="Sla.Classify"/>). Statistics always use original_due_at, even when the appointment moved.</item>
/// <item>A dossier is <b>in progress</b> at the end of the period when received before end and not finished
/// before end; <b>within time</b> when the reference instant ≤ original_due_at, <b>late</b> otherwise (for a
/// period that ends in the future, the reference is now).</item>
/// <item><b>Waiting for supplement</b>: unfinished dossiers whose current status is 5 (the status is only known
/// now, so this column is a snapshot of today).</item>
/// <item><b>On-time rate</b> = (early + on time) / resolved, as a percentage with 2 decimals.</item>
/// <item>Tasks (department and step groupings, bottlenecks) follow the same rules with opened_at, their own
/// due_at and closed_at: a completed task is resolved (early / on time / late), a cancelled task is counted as
/// cancelled; an open task is waiting for supplement when its dossier's status is 5. A task belongs to the
/// dossier of its instance, or of its instance's parent (a sub-process); tasks of instances without a dossier
/// are not reported.</item>
/// <item>A dossier matches a department filter when it has at least one task of that department.</item>
/// </list>
/// </remarks>
internal sealed partial class ReportStatistics(WorkflowsDbContext db, WorkingCalendar calendar, TimeProvider time)
{
    private const int Refused = 3;
    private const int SupplementRequested = 5;
    private const int Withdrawn = 7;
    private const int Stopped = 8;
    private const int ResultReturned = 10;
    private const string TotalLabel = "Tổng cộng";

    /// <summary>The current instant, in the calendar's offset.</summary>
    public DateTimeOffset Now => time.GetUtcNow().ToOffset(calendar.UtcOffset);

    public async Task<SummaryReport> SummaryAsync(SummaryQuery query, CancellationToken cancellationToken)
    {
        await new ReportFacts(db, calendar).FillAsync(cancellationToken);
        await using var snapshot = await ReadSnapshot.BeginAsync(db, cancellationToken);
        var now = Now;
        var period = query.Period;
        List<SummaryRow> rows;
        SummaryRow total;
        string counts;
        switch (query.GroupBy)
        {
            case ReportGrouping.Department or ReportGrouping.Step:
            {
                counts = "tasks";
                var facts = await TaskFactsAsync(period, now, query.Procedure, query.Department, cancellationToken);
                Func<Dimensions, (string, string)> key = query.GroupBy == ReportGrouping.Department
                    ? d => (d.Department, d.Department)
                    : d => ($"{d.ProcedureCode}/{d.NodeId}", d.StepName);
                rows = ToRows(RollUp(facts, key));
                total = SingleRow(facts, string.Empty, TotalLabel);
                break;
            }

            case ReportGrouping.Month:
            {
                counts = "dossiers";
                (rows, total) = await MonthRowsAsync(period, now, query.Procedure, query.Department, cancellationToken);
                break;
            }

            default:
            {
                counts = "dossiers";
                var facts = await DossierFactsAsync(period, now, query.Procedure, query.Department, cancellationToken);
                Func<Dimensions, (string, string)> key = query.GroupBy switch
                {
                    ReportGrouping.ReceptionPoint => d => (d.ReceptionPoint, d.ReceptionPoint),
                    ReportGrouping.Channel => d => (d.Channel, ChannelLabel(d.Channel)),
                    _ => d => (d.ProcedureCode, d.ProcedureName),
                };
                rows = ToRows(RollUp(facts, key));
                total = SingleRow(facts, string.Empty, TotalLabel);
                break;
            }
        }

        return new SummaryReport(period.From, period.To, ReportsApi.GroupingName(query.GroupBy), counts, now, rows, total);
    }

    /// <summary>
    /// Per (procedure, step, department): tasks completed in the period with the nearest-rank median and 90th
    /// percentile of their actual working time (opened → closed) and the median allotted working time
    /// (opened → due), the share closed after their due time; and the tasks open now and open past their due
    /// time. Sorted by late share, then 90th percentile, both descending (rows without completed tasks last).
    /// </summary>
    public async Task<BottleneckReport> BottlenecksAsync(ReportPeriod period, string? procedure, CancellationToken cancellationToken)
    {
        await new ReportFacts(db, calendar).FillAsync(cancellationToken);
        await using var snapshot = await ReadSnapshot.BeginAsync(db, cancellationToken);
        var now = Now;
        var split = Split(period);
        var tasks = TaskDossiers();
        if (procedure is not null)
        {
            tasks = tasks.Where(t => t.ProcedureCode == procedure);
        }

        var groups = new Dictionary<(string Procedure, string Node, string Department), BottleneckTally>();
        BottleneckTally Get(string procedureCode, string node, string department) =>
            groups.TryGetValue((procedureCode, node, department), out var tally)
                ? tally
                : groups[(procedureCode, node, department)] = new BottleneckTally();

        var completed = db.Database.IsNpgsql()
            ? await CompletedTaskPercentilesInSqlAsync(period, split, procedure, cancellationToken)
            : await CompletedTaskPercentilesFromHistogramsAsync(tasks, period, split, procedure, cancellationToken);
        foreach (var c in completed)
        {
            var tally = Get(c.ProcedureCode, c.NodeId, c.Department);
            tally.Name(c.ProcedureName, c.StepName);
            tally.Completed = c;
        }

        // Open tasks are never rolled up: the condition leads the planner to ix_tasks_not_rolled_up.
        var open = await tasks
            .Where(t => !t.RolledUp && t.State == TaskStates.Open)
            .GroupBy(t => new { t.ProcedureCode, t.NodeId, t.Department })
            .Select(g => new
            {
                g.Key.ProcedureCode,
                g.Key.NodeId,
                g.Key.Department,
                ProcedureName = g.Max(t => t.ProcedureName),
                StepName = g.Max(t => t.StepName),
                Open = g.Count(),
                Late = g.Count(t => t.DueAt < now),
            })
            .ToListAsync(cancellationToken);
        foreach (var group in open)
        {
            var tally = Get(group.ProcedureCode, group.NodeId, group.Department);
            tally.Name(group.ProcedureName, group.StepName);
            tally.Open = group.Open;
            tally.OpenLate = group.Late;
        }

        var rows = groups
            .Select(g =>
            {
                var (procedureCode, node, department) = g.Key;
                var t = g.Value;
                var c = t.Completed;
                var n = c?.Count ?? 0;
                return new BottleneckRow(
                    procedureCode,
                    t.ProcedureName ?? procedureCode,
                    node,
                    t.StepName ?? node,
                    department,
                    n,
                    c?.MedianWorked is { } median ? Hours(median) : null,
                    c?.P90Worked is { } p90 ? Hours(p90) : null,
                    c?.MedianAllotted is { } allotted ? Hours(allotted) : null,
                    c?.Late ?? 0,
                    Percentage(c?.Late ?? 0, n),
                    t.Open,
                    t.OpenLate);
            })
            .OrderByDescending(r => r.LateShare ?? -1m)
            .ThenByDescending(r => r.P90WorkingHours ?? -1m)
            .ThenBy(r => r.ProcedureCode, StringComparer.Ordinal)
            .ThenBy(r => r.NodeId, StringComparer.Ordinal)
            .ThenBy(r => r.Department, StringComparer.Ordinal)
            .ToList();
        return new BottleneckReport(period.From, period.To, now, rows);
    }

    /// <summary>
    /// The Decision 766/QĐ-TTg indicators the data supports, each numerator / denominator (no weights):
    /// on-time rate ((early + on time) / resolved in the period), online share (received online / received),
    /// digitised share (received with at least one document recorded / received) and results-returned share
    /// (status 10 / resolved in the period).
    /// </summary>
    public async Task<IndicatorReport> IndicatorsAsync(ReportPeriod period, CancellationToken cancellationToken)
    {
        await new ReportFacts(db, calendar).FillAsync(cancellationToken);
        await using var snapshot = await ReadSnapshot.BeginAsync(db, cancellationToken);
        var now = Now;
        var total = RollUp(await DossierFactsAsync(period, now, null, null, cancellationToken), _ => (string.Empty, string.Empty))
            .Values.SingleOrDefault() ?? new Tally(string.Empty);
        var received = db.Dossiers.AsNoTracking().Where(d => d.ReceivedAt >= period.Start && d.ReceivedAt < period.End && d.DocumentCount > 0);
        int digitised;
        if (Split(period, null) is not { } split)
        {
            digitised = await received.CountAsync(cancellationToken);
        }
        else
        {
            digitised = await NotRolledUp(received).CountAsync(cancellationToken)
                + (split.PartialRanges.Count > 0 ? await RolledUpInPartialMonths(received, split).CountAsync(cancellationToken) : 0)
                + await WholeMonthDigitisedAsync(split, period, cancellationToken);
        }

        var resolved = total.Early + total.OnTime + total.Late;
        Indicator Make(string code, string name, int numerator, int denominator) =>
            new(code, name, numerator, denominator, Percentage(numerator, denominator));
        return new IndicatorReport(period.From, period.To, now,
        [
            Make("onTimeRate", "Tỷ lệ hồ sơ giải quyết đúng hạn và trước hạn", total.Early + total.OnTime, resolved),
            Make("onlineShare", "Tỷ lệ hồ sơ tiếp nhận trực tuyến", total.Online, total.Received),
            Make("digitisedShare", "Tỷ lệ hồ sơ có thành phần hồ sơ được số hoá", digitised, total.Received),
            Make("resultsReturnedShare", "Tỷ lệ hồ sơ đã trả kết quả", total.Returned, resolved),
        ]);
    }

    /// <summary>Nearest-rank percentile of a histogram sorted by value: the value at rank ⌈p/100 × n⌉ (at least 1).</summary>
    internal static long NearestRank(IReadOnlyList<(long Value, int Count)> sortedHistogram, int percentile)
    {
        var n = sortedHistogram.Sum(h => h.Count);
        var rank = Math.Max(1, (int)Math.Ceiling(percentile * n / 100.0));
        var seen = 0;
        foreach (var (value, count) in sortedHistogram)
        {
            seen += count;
            if (seen >= rank)
            {
                return value;
            }
        }

        throw new ArgumentException("The histogram is empty.", nameof(sortedHistogram));
    }

    /// <summary>100 × numerator / denominator, 2 decimals (half away from zero); null when the denominator is 0.</summary>
    internal static decimal? Percentage(int numerator, int denominator) =>
        denominator == 0 ? null : Math.Round(100m * numerator / denominator, 2, MidpointRounding.AwayFromZero);

    internal static decimal Hours(long minutes) => Math.Round(minutes / 60m, 2, MidpointRounding.AwayFromZero);

    internal static string ChannelLabel(string channel) => channel switch
    {
        "online" => "Trực tuyến",
        "inPerson" => "Trực tiếp",
        "postal" => "Bưu chính",
        _ => channel,
    };

    /// <summary>The local months the period touches, each cut to the period.</summary>
    internal static IEnumerable<ReportPeriod> Months(ReportPeriod period)
    {
        var offset = period.Start.Offset;
        for (var first = new DateOnly(period.From.Year, period.From.Month, 1); first <= period.To; first = first.AddMonths(1))
        {
            var from = first < period.From ? period.From : first;
            var last = first.AddMonths(1).AddDays(-1);
            var to = last > period.To ? period.To : last;
            yield return new ReportPeriod(
                from,
                to,
                new DateTimeOffset(from.ToDateTime(TimeOnly.MinValue), offset),
                new DateTimeOffset(to.AddDays(1).ToDateTime(TimeOnly.MinValue), offset));
        }
    }

    private async Task<Facts> DossierFactsAsync(ReportPeriod period, DateTimeOffset now, string? procedure, string? department, CancellationToken cancellationToken)
    {
        var start = period.Start;
        var end = period.End;
        var reference = end < now ? end : now;
        var touching = TouchingDossiers(period, procedure, department);
        var facts = new Facts();
        if (Split(period, department) is not { } split)
        {
            facts.Counts.AddRange(await DossierCountsAsync(touching, start, end, reference, cancellationToken));
            return facts;
        }

        // Whole months from the roll-up, the rest from the rows (MonthlyRollUp).
        facts.Counts.AddRange(await DossierCountsAsync(NotRolledUp(touching), start, end, reference, cancellationToken));
        if (split.PartialRanges.Count > 0)
        {
            facts.Counts.AddRange(await DossierCountsAsync(RolledUpInPartialMonths(touching, split), start, end, reference, cancellationToken));
        }

        facts.Counts.AddRange(await WholeMonthCountFactsAsync(split, period, now, procedure, cancellationToken));
        return facts;
    }

    private static async Task<List<CountFact>> DossierCountsAsync(
        IQueryable<DossierRow> touching, DateTimeOffset start, DateTimeOffset end, DateTimeOffset reference, CancellationToken cancellationToken)
    {
        var counts = await touching
            .GroupBy(d => new { d.ProcedureCode, d.ReceptionPoint, d.Channel })
            .Select(g => new
            {
                g.Key.ProcedureCode,
                g.Key.ReceptionPoint,
                g.Key.Channel,
                ProcedureName = g.Max(d => d.ProcedureName),
                Received = g.Count(d => d.ReceivedAt >= start),
                CarriedOver = g.Count(d => d.ReceivedAt < start),
                Refused = g.Count(d => d.CompletedAt < end && d.Status == Refused),
                Withdrawn = g.Count(d => d.CompletedAt < end && d.Status == Withdrawn),
                Stopped = g.Count(d => d.CompletedAt < end && d.Status == Stopped),
                Returned = g.Count(d => d.CompletedAt < end && d.Status == ResultReturned),
                InProgress = g.Count(d => d.CompletedAt == null || d.CompletedAt >= end),
                InProgressLate = g.Count(d => (d.CompletedAt == null || d.CompletedAt >= end) && d.OriginalDueAt < reference),
                Supplement = g.Count(d => d.CompletedAt == null && d.Status == SupplementRequested),
                Early = g.Count(d => d.CompletedAt < end && d.Status != Refused && d.Status != Withdrawn && d.Status != Stopped && d.Timeliness == StoredFacts.Early),
                Late = g.Count(d => d.CompletedAt < end && d.Status != Refused && d.Status != Withdrawn && d.Status != Stopped && d.Timeliness == StoredFacts.Late),
                Resolved = g.Count(d => d.CompletedAt < end && d.Status != Refused && d.Status != Withdrawn && d.Status != Stopped),
            })
            .ToListAsync(cancellationToken);

        return counts.Select(c => new CountFact(
                new Dimensions(c.ProcedureCode, c.ProcedureName ?? c.ProcedureCode, c.ReceptionPoint, c.Channel, string.Empty, string.Empty, string.Empty),
                c.Received, c.CarriedOver, c.Early, c.Resolved - c.Early - c.Late, c.Late, c.Refused, c.Withdrawn, c.Stopped, 0, c.Returned, c.InProgress, c.InProgressLate, c.Supplement))
            .ToList();
    }

    /// <summary>
    /// Dossiers of the procedure and department (when given) that touch the period: received before its end and not
    /// finished before its start.
    /// </summary>
    private IQueryable<DossierRow> TouchingDossiers(ReportPeriod period, string? procedure, string? department)
    {
        var start = period.Start;
        var end = period.End;
        var dossiers = db.Dossiers.AsNoTracking();
        if (procedure is not null)
        {
            dossiers = dossiers.Where(d => d.ProcedureCode == procedure);
        }

        if (department is not null)
        {
            var ids = db.Tasks.AsNoTracking().Where(t => t.Department == department && t.DossierId != null).Select(t => t.DossierId!.Value);
            dossiers = dossiers.Where(d => ids.Contains(d.Id));
        }

        return dossiers.Where(d => d.ReceivedAt < end && (d.CompletedAt == null || d.CompletedAt >= start));
    }

    private async Task<Facts> TaskFactsAsync(ReportPeriod period, DateTimeOffset now, string? procedure, string? department, CancellationToken cancellationToken)
    {
        var start = period.Start;
        var end = period.End;
        var reference = end < now ? end : now;
        var tasks = TaskDossiers();
        if (procedure is not null)
        {
            tasks = tasks.Where(t => t.ProcedureCode == procedure);
        }

        if (department is not null)
        {
            tasks = tasks.Where(t => t.Department == department);
        }

        var touching = tasks.Where(t => t.OpenedAt < end && (t.ClosedAt == null || t.ClosedAt >= start));
        var facts = new Facts();
        if (Split(period) is not { } split)
        {
            facts.Counts.AddRange(await TaskCountsAsync(touching, start, end, reference, cancellationToken));
            return facts;
        }

        // Whole months from the task roll-up, the rest from the rows (TaskRollUp).
        facts.Counts.AddRange(await TaskCountsAsync(NotRolledUp(touching), start, end, reference, cancellationToken));
        if (split.PartialRanges.Count > 0)
        {
            facts.Counts.AddRange(await TaskCountsAsync(RolledUpInPartialMonths(touching, split), start, end, reference, cancellationToken));
        }

        facts.Counts.AddRange(await WholeMonthTaskCountFactsAsync(split, period, now, procedure, department, cancellationToken));
        return facts;
    }

    private static async Task<List<CountFact>> TaskCountsAsync(
        IQueryable<TaskOfDossier> touching, DateTimeOffset start, DateTimeOffset end, DateTimeOffset reference, CancellationToken cancellationToken)
    {
        var counts = await touching
            .GroupBy(t => new { t.ProcedureCode, t.Department, t.NodeId, t.Channel })
            .Select(g => new
            {
                g.Key.ProcedureCode,
                g.Key.Department,
                g.Key.NodeId,
                g.Key.Channel,
                ProcedureName = g.Max(t => t.ProcedureName),
                StepName = g.Max(t => t.StepName),
                Received = g.Count(t => t.OpenedAt >= start),
                CarriedOver = g.Count(t => t.OpenedAt < start),
                Cancelled = g.Count(t => t.ClosedAt < end && t.State == TaskStates.Cancelled),
                InProgress = g.Count(t => t.ClosedAt == null || t.ClosedAt >= end),
                InProgressLate = g.Count(t => (t.ClosedAt == null || t.ClosedAt >= end) && t.DueAt < reference),
                Supplement = g.Count(t => t.ClosedAt == null && t.WaitingForSupplement),
                Early = g.Count(t => t.ClosedAt < end && t.State == TaskStates.Completed && t.Timeliness == StoredFacts.Early),
                Late = g.Count(t => t.ClosedAt < end && t.State == TaskStates.Completed && t.Timeliness == StoredFacts.Late),
                Resolved = g.Count(t => t.ClosedAt < end && t.State == TaskStates.Completed),
            })
            .ToListAsync(cancellationToken);

        return counts.Select(c => new CountFact(
                new Dimensions(c.ProcedureCode, c.ProcedureName ?? c.ProcedureCode, string.Empty, c.Channel, c.Department, c.NodeId, c.StepName ?? c.NodeId),
                c.Received, c.CarriedOver, c.Early, c.Resolved - c.Early - c.Late, c.Late, 0, 0, 0, c.Cancelled, 0, c.InProgress, c.InProgressLate, c.Supplement))
            .ToList();
    }

    /// <summary>
    /// Tasks with the dossier they belong to (of their instance, or of its parent instance), from the task rows alone: the
    /// dossier's id, procedure and channel are stored on each task (<see cref="TaskRow.DossierId"/>), so no report joins
    /// a year of tasks with their instances and dossiers. Only whether the dossier waits for a supplement is looked up,
    /// as the set of dossiers in status 5 (on PostgreSQL the partial index ix_dossiers_waiting_supplement, read alone),
    /// which only open tasks are checked against.
    /// </summary>
    private IQueryable<TaskOfDossier> TaskDossiers()
    {
        var waiting = db.Dossiers.AsNoTracking().Where(d => d.Status == SupplementRequested).Select(d => d.Id);
        return db.Tasks.AsNoTracking()
            .Where(t => t.DossierId != null)
            .Select(t => new TaskOfDossier
            {
                DossierId = t.DossierId!.Value,
                ProcedureCode = t.ProcedureCode!,
                ProcedureName = t.ProcedureName!,
                Channel = t.Channel!,
                WaitingForSupplement = waiting.Contains(t.DossierId!.Value),
                NodeId = t.NodeId,
                StepName = t.StepName,
                Department = t.Department,
                State = t.State,
                OpenedAt = t.OpenedAt,
                DueAt = t.DueAt,
                ClosedAt = t.ClosedAt,
                WorkedMinutes = t.WorkedMinutes,
                AllottedMinutes = t.AllottedMinutes,
                Timeliness = t.Timeliness,
                RolledUp = t.RolledUp,
            });
    }

    private static Dictionary<string, Tally> RollUp(Facts facts, Func<Dimensions, (string Key, string Label)> group)
    {
        var tallies = new Dictionary<string, Tally>(StringComparer.Ordinal);
        Tally Get(Dimensions dimensions)
        {
            var (key, label) = group(dimensions);
            if (!tallies.TryGetValue(key, out var tally))
            {
                tallies[key] = tally = new Tally(label);
            }

            return tally;
        }

        foreach (var c in facts.Counts)
        {
            var tally = Get(c.Dimensions);
            tally.Received += c.Received;
            switch (c.Dimensions.Channel)
            {
                case "online": tally.Online += c.Received; break;
                case "inPerson": tally.InPerson += c.Received; break;
                case "postal": tally.Postal += c.Received; break;
            }

            tally.CarriedOver += c.CarriedOver;
            tally.Early += c.Early;
            tally.OnTime += c.OnTime;
            tally.Late += c.Late;
            tally.Refused += c.Refused;
            tally.Withdrawn += c.Withdrawn;
            tally.Stopped += c.Stopped;
            tally.Cancelled += c.Cancelled;
            tally.Returned += c.Returned;
            tally.InProgress += c.InProgress;
            tally.InProgressLate += c.InProgressLate;
            tally.Supplement += c.Supplement;
        }

        return tallies;
    }

    /// <summary>All the facts as one row.</summary>
    private static SummaryRow SingleRow(Facts facts, string key, string label)
    {
        var tallies = RollUp(facts, _ => (key, label));
        return ToRow(key, tallies.GetValueOrDefault(key) ?? new Tally(label));
    }

    private static List<SummaryRow> ToRows(Dictionary<string, Tally> tallies) =>
        tallies.OrderBy(t => t.Key, StringComparer.Ordinal).Select(t => ToRow(t.Key, t.Value)).ToList();

    private static SummaryRow ToRow(string key, Tally v)
    {
        var resolved = v.Early + v.OnTime + v.Late;
        return new SummaryRow(
            key,
            v.Label,
            new ReceivedCounts(v.Received, v.Online, v.InPerson, v.Postal),
            v.CarriedOver,
            new FinishedCounts(resolved + v.Refused + v.Withdrawn + v.Stopped + v.Cancelled, resolved, v.Early, v.OnTime, v.Late, v.Refused, v.Withdrawn, v.Stopped, v.Cancelled),
            new InProgressCounts(v.InProgress, v.InProgress - v.InProgressLate, v.InProgressLate),
            v.Supplement,
            Percentage(v.Early + v.OnTime, resolved));
    }

    private sealed class TaskOfDossier
    {
        public Guid DossierId { get; init; }

        public required string ProcedureCode { get; init; }

        public required string ProcedureName { get; init; }

        public required string Channel { get; init; }

        /// <summary>Whether the dossier is waiting for a supplement now (status 5).</summary>
        public bool WaitingForSupplement { get; init; }

        public required string NodeId { get; init; }

        public string? StepName { get; init; }

        public required string Department { get; init; }

        public required string State { get; init; }

        public DateTimeOffset OpenedAt { get; init; }

        public DateTimeOffset DueAt { get; init; }

        public DateTimeOffset? ClosedAt { get; init; }

        public long? WorkedMinutes { get; init; }

        public long? AllottedMinutes { get; init; }

        public int? Timeliness { get; init; }

        /// <summary>Whether the task roll-ups count it (<see cref="TaskRow.RolledUp"/>).</summary>
        public bool RolledUp { get; init; }
    }

    /// <summary>What a row of facts can be grouped by; fields that do not apply are empty.</summary>
    private sealed record Dimensions(string ProcedureCode, string ProcedureName, string ReceptionPoint, string Channel, string Department, string NodeId, string StepName);

    private sealed record CountFact(Dimensions Dimensions, int Received, int CarriedOver, int Early, int OnTime, int Late, int Refused, int Withdrawn, int Stopped, int Cancelled, int Returned, int InProgress, int InProgressLate, int Supplement);

    private sealed class Facts
    {
        public List<CountFact> Counts { get; } = [];
    }

    private sealed class Tally(string label)
    {
        public string Label { get; } = label;

        public int Received { get; set; }

        public int Online { get; set; }

        public int InPerson { get; set; }

        public int Postal { get; set; }

        public int CarriedOver { get; set; }

        public int Early { get; set; }

        public int OnTime { get; set; }

        public int Late { get; set; }

        public int Refused { get; set; }

        public int Withdrawn { get; set; }

        public int Stopped { get; set; }

        public int Cancelled { get; set; }

        public int Returned { get; set; }

        public int InProgress { get; set; }

        public int InProgressLate { get; set; }

        public int Supplement { get; set; }
    }

    private sealed class BottleneckTally
    {
        public string? ProcedureName { get; private set; }

        public string? StepName { get; private set; }

        public CompletedTasks? Completed { get; set; }

        public int Open { get; set; }

        public int OpenLate { get; set; }

        public void Name(string? procedureName, string? stepName)
        {
            ProcedureName ??= procedureName;
            StepName ??= stepName;
        }
    }
}
