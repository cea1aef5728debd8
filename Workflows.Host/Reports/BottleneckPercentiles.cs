using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Workflows.Host.Persistence;

namespace Workflows.Host.Reports;

/// <summary>
/// The completed-task half of the bottleneck report: per (procedure, step, department), the tasks completed in the
/// period, the nearest-rank median and 90th percentile of their stored working minutes, the median allotted minutes
/// and how many closed after their due time. Whole closing months come from task_minute_counts (a count per minute
/// value), the rest from the rows as one count per value too (<see cref="CompletedTaskRows"/>); the nearest rank is the
/// first value whose cumulative count reaches ⌈p × n⌉, what percentile_disc picks from the rows. PostgreSQL ranks in SQL
/// (window sums over the merged counts); SQLite counts each distinct value per group in SQL and ranks the (small)
/// histograms here.
/// </summary>
internal sealed partial class ReportStatistics
{
    /// <summary>One group's completed tasks; minutes are null when no completed task has stored facts.</summary>
    private sealed record CompletedTasks(
        string ProcedureCode, string NodeId, string Department, string? ProcedureName, string? StepName,
        int Count, long? MedianWorked, long? P90Worked, long? MedianAllotted, int Late);

    private async Task<List<CompletedTasks>> CompletedTaskPercentilesInSqlAsync(ReportPeriod period, RollUpSplit? split, string? procedure, CancellationToken cancellationToken)
    {
        var connection = db.Database.GetDbConnection();
        await using var command = connection.CreateCommand();
        command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        Parameter(command, "start", period.Start.ToUniversalTime());
        Parameter(command, "end", period.End.ToUniversalTime());
        if (procedure is not null)
        {
            Parameter(command, "procedure", procedure);
        }

        var byProcedure = procedure is null ? string.Empty : "AND t.procedure_code = @procedure";
        string rows;
        string rolledUp;
        if (split is null)
        {
            rows = "t.closed_at >= @start AND t.closed_at < @end";
            rolledUp = string.Empty;
        }
        else
        {
            // The tasks the roll-up does not count (ix_tasks_not_rolled_up, whose filter this repeats) and those closed in
            // a month the period cuts (ix_tasks_closed_at), as separate arms so each reads its own index.
            var arms = new List<string>
            {
                "(NOT t.rolled_up AND t.closed_at >= @start AND t.closed_at < @end)",
            };
            for (var i = 0; i < split.PartialRanges.Count; i++)
            {
                var (from, to) = split.PartialRanges[i];
                Parameter(command, $"from{i}", (from > period.Start ? from : period.Start).ToUniversalTime());
                Parameter(command, $"to{i}", (to < period.End ? to : period.End).ToUniversalTime());
                arms.Add($"(t.closed_at >= @from{i} AND t.closed_at < @to{i})");
            }

            rows = $"({string.Join(" OR ", arms)})";
            var (startMonth, endMonth) = WholeClosedMonths(period);
            Parameter(command, "start_month", startMonth);
            Parameter(command, "end_month", endMonth);
            Parameter(command, "partial", split.PartialMonths.ToArray());
            rolledUp = $"""
                SELECT c.procedure_code, c.procedure_name, c.node_id, nullif(c.step_name, '') AS step_name, c.department, c.measure, c.minutes, c.tasks, c.late
                FROM task_minute_counts c
                WHERE c.tasks <> 0 AND c.closed_month >= @start_month AND c.closed_month < @end_month AND c.closed_month <> ALL(@partial)
                {(procedure is null ? string.Empty : "AND c.procedure_code = @procedure")}
                UNION ALL
                """;
        }

        // One count per (group, measure, minutes) from both parts, then the nearest ranks over their running sums.
        command.CommandText = $"""
            WITH bars AS (
                SELECT procedure_code, node_id, department, measure, minutes, max(procedure_name) AS procedure_name, max(step_name) AS step_name,
                       sum(tasks) AS tasks, sum(late) AS late
                FROM (
                    {rolledUp}
                    SELECT t.procedure_code, t.procedure_name, t.node_id, t.step_name, t.department, m.measure, m.minutes, 1 AS tasks,
                           CASE WHEN t.closed_at > t.due_at THEN 1 ELSE 0 END AS late
                    FROM tasks t
                    CROSS JOIN LATERAL (VALUES ({TaskMinuteCountRow.Worked}, t.worked_minutes), ({TaskMinuteCountRow.Allotted}, t.allotted_minutes)) AS m (measure, minutes)
                    WHERE t.state = '{TaskStates.Completed}' AND t.dossier_id IS NOT NULL AND {rows}
                    {byProcedure}
                ) AS u
                GROUP BY procedure_code, node_id, department, measure, minutes
            ), ranked AS (
                SELECT b.*,
                       sum(tasks) OVER (PARTITION BY procedure_code, node_id, department, measure ORDER BY minutes) AS cumulative,
                       sum(tasks) FILTER (WHERE minutes IS NOT NULL) OVER (PARTITION BY procedure_code, node_id, department, measure) AS valued
                FROM bars b
            )
            SELECT procedure_code, node_id, department, max(procedure_name), max(step_name),
                   (sum(tasks) FILTER (WHERE measure = {TaskMinuteCountRow.Worked}))::int,
                   min(minutes) FILTER (WHERE measure = {TaskMinuteCountRow.Worked} AND cumulative >= greatest(1, ceil(0.5 * valued))),
                   min(minutes) FILTER (WHERE measure = {TaskMinuteCountRow.Worked} AND cumulative >= greatest(1, ceil(0.9 * valued))),
                   min(minutes) FILTER (WHERE measure = {TaskMinuteCountRow.Allotted} AND cumulative >= greatest(1, ceil(0.5 * valued))),
                   (sum(late) FILTER (WHERE measure = {TaskMinuteCountRow.Worked}))::int
            FROM ranked
            GROUP BY procedure_code, node_id, department
            """;
        var opened = connection.State != System.Data.ConnectionState.Open;
        if (opened)
        {
            await connection.OpenAsync(cancellationToken);
        }

        try
        {
            if (command.Transaction is not null)
            {
                // The counts per minute value are sorted twice (grouping, running sums): in memory rather than in temporary
                // files, for this snapshot's transaction only (a year's 190,000 counts: 1 s instead of 2.3 s under load).
                await using var memory = connection.CreateCommand();
                memory.Transaction = command.Transaction;
                memory.CommandText = "SET LOCAL work_mem = '64MB'";
                await memory.ExecuteNonQueryAsync(cancellationToken);
            }

            var result = new List<CompletedTasks>();
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                result.Add(new CompletedTasks(
                    reader.GetString(0), reader.GetString(1), reader.GetString(2),
                    reader.IsDBNull(3) ? null : reader.GetString(3), reader.IsDBNull(4) ? null : reader.GetString(4),
                    reader.GetInt32(5),
                    reader.IsDBNull(6) ? null : reader.GetInt64(6),
                    reader.IsDBNull(7) ? null : reader.GetInt64(7),
                    reader.IsDBNull(8) ? null : reader.GetInt64(8),
                    reader.GetInt32(9)));
            }

            return result;
        }
        finally
        {
            if (opened)
            {
                await connection.CloseAsync();
            }
        }
    }

    private static void Parameter(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }

    private async Task<List<CompletedTasks>> CompletedTaskPercentilesFromHistogramsAsync(
        IQueryable<TaskOfDossier> tasks, ReportPeriod period, RollUpSplit? split, string? procedure, CancellationToken cancellationToken)
    {
        var completed = CompletedTaskRows(tasks, period, split);
        var groups = (await completed
            .GroupBy(t => new { t.ProcedureCode, t.NodeId, t.Department })
            .Select(g => new
            {
                g.Key.ProcedureCode,
                g.Key.NodeId,
                g.Key.Department,
                ProcedureName = g.Max(t => t.ProcedureName),
                StepName = g.Max(t => t.StepName),
                Count = g.Count(),
                Late = g.Count(t => t.ClosedAt > t.DueAt),
            })
            .ToListAsync(cancellationToken))
            .Select(g => new CompletedTasks(g.ProcedureCode, g.NodeId, g.Department, g.ProcedureName, g.StepName, g.Count, null, null, null, g.Late))
            .ToList();
        var worked = await MinuteHistogramsAsync(completed.Select(t => new StepMinutes { ProcedureCode = t.ProcedureCode, NodeId = t.NodeId, Department = t.Department, Minutes = t.WorkedMinutes }), cancellationToken);
        var allotted = await MinuteHistogramsAsync(completed.Select(t => new StepMinutes { ProcedureCode = t.ProcedureCode, NodeId = t.NodeId, Department = t.Department, Minutes = t.AllottedMinutes }), cancellationToken);
        if (split is not null)
        {
            // The whole months' counts per minute value join the rows' histograms (a value may then appear twice: ranking adds them up).
            var counts = WholeMonthMinuteCounts(period, split, procedure);
            var rolledUp = await counts
                .Where(c => c.Measure == TaskMinuteCountRow.Worked)
                .GroupBy(c => new { c.ProcedureCode, c.NodeId, c.Department })
                .Select(g => new
                {
                    g.Key.ProcedureCode,
                    g.Key.NodeId,
                    g.Key.Department,
                    ProcedureName = g.Max(c => c.ProcedureName),
                    StepName = g.Max(c => c.StepName),
                    Count = g.Sum(c => c.Tasks),
                    Late = g.Sum(c => c.Late),
                })
                .ToListAsync(cancellationToken);
            groups = groups
                .Concat(rolledUp.Select(g => new CompletedTasks(g.ProcedureCode, g.NodeId, g.Department, g.ProcedureName, g.StepName == string.Empty ? null : g.StepName, g.Count, null, null, null, g.Late)))
                .GroupBy(g => (g.ProcedureCode, g.NodeId, g.Department))
                .Select(g => new CompletedTasks(
                    g.Key.ProcedureCode, g.Key.NodeId, g.Key.Department,
                    g.Select(c => c.ProcedureName).Where(n => n is not null).Max(StringComparer.Ordinal),
                    g.Select(c => c.StepName).Where(n => n is not null).Max(StringComparer.Ordinal),
                    g.Sum(c => c.Count), null, null, null, g.Sum(c => c.Late)))
                .ToList();
            await AddHistograms(worked, counts.Where(c => c.Measure == TaskMinuteCountRow.Worked), cancellationToken);
            await AddHistograms(allotted, counts.Where(c => c.Measure == TaskMinuteCountRow.Allotted), cancellationToken);
        }

        return groups.Select(g =>
        {
            var key = (g.ProcedureCode, g.NodeId, g.Department);
            var w = worked.GetValueOrDefault(key);
            var a = allotted.GetValueOrDefault(key);
            return g with
            {
                MedianWorked = w is null ? null : NearestRank(w, 50),
                P90Worked = w is null ? null : NearestRank(w, 90),
                MedianAllotted = a is null ? null : NearestRank(a, 50),
            };
        }).ToList();
    }

    /// <summary>Adds the roll-up's counts per minute value to the histograms, kept sorted by minutes.</summary>
    private static async Task AddHistograms(
        Dictionary<(string, string, string), List<(long Value, int Count)>> histograms, IQueryable<TaskMinuteCountRow> counts, CancellationToken cancellationToken)
    {
        var bars = counts
            .GroupBy(c => new { c.ProcedureCode, c.NodeId, c.Department, c.Minutes })
            .Select(g => new HistogramBar(g.Key.ProcedureCode, g.Key.NodeId, g.Key.Department, g.Key.Minutes, g.Sum(c => c.Tasks)));
        foreach (var (key, list) in await Histograms(bars, cancellationToken))
        {
            if (histograms.TryGetValue(key, out var existing))
            {
                existing.AddRange(list);
                existing.Sort((x, y) => x.Value.CompareTo(y.Value));
            }
            else
            {
                histograms[key] = list;
            }
        }
    }

    private sealed record HistogramBar(string ProcedureCode, string NodeId, string Department, long Minutes, int Count);

    /// <summary>A completed task's minutes of one measure (worked or allotted; null without stored facts).</summary>
    private sealed class StepMinutes
    {
        public required string ProcedureCode { get; init; }

        public required string NodeId { get; init; }

        public required string Department { get; init; }

        public long? Minutes { get; init; }
    }

    /// <summary>
    /// The rows' histogram of one measure: how many tasks of each group have each minute value, counted in SQL. The
    /// worked and the allotted histograms differ only by the column <paramref name="steps"/> reads.
    /// </summary>
    private static Task<Dictionary<(string, string, string), List<(long Value, int Count)>>> MinuteHistogramsAsync(IQueryable<StepMinutes> steps, CancellationToken cancellationToken) =>
        Histograms(
            steps.Where(s => s.Minutes != null)
                .GroupBy(s => new { s.ProcedureCode, s.NodeId, s.Department, s.Minutes })
                .Select(g => new HistogramBar(g.Key.ProcedureCode, g.Key.NodeId, g.Key.Department, g.Key.Minutes!.Value, g.Count())),
            cancellationToken);

    /// <summary>Each group's (minutes, count) bars, sorted by minutes.</summary>
    private static async Task<Dictionary<(string, string, string), List<(long Value, int Count)>>> Histograms(IQueryable<HistogramBar> bars, CancellationToken cancellationToken)
    {
        var histograms = new Dictionary<(string, string, string), List<(long Value, int Count)>>();
        await foreach (var bar in bars.AsAsyncEnumerable().WithCancellation(cancellationToken))
        {
            var key = (bar.ProcedureCode, bar.NodeId, bar.Department);
            if (!histograms.TryGetValue(key, out var list))
            {
                histograms[key] = list = [];
            }

            list.Add((bar.Minutes, bar.Count));
        }

        foreach (var list in histograms.Values)
        {
            list.Sort((x, y) => x.Value.CompareTo(y.Value));
        }

        return histograms;
    }
}
