using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Workflows.Host.Persistence;

namespace Workflows.Host.Reports;

/// <summary>
/// The completed-task half of the bottleneck report: per (procedure, step, department), the tasks completed in the
/// period, the nearest-rank median and 90th percentile of their stored working minutes, the median allotted minutes
/// and how many closed after their due time. PostgreSQL ranks in SQL (percentile_disc is the nearest rank: the first
/// value whose cumulative share reaches p); SQLite has no ordered-set aggregates, so it counts each distinct value
/// per group in SQL and ranks the (small) histograms here.
/// </summary>
internal sealed partial class ReportStatistics
{
    /// <summary>One group's completed tasks; minutes are null when no completed task has stored facts.</summary>
    private sealed record CompletedTasks(
        string ProcedureCode, string NodeId, string Department, string? ProcedureName, string? StepName,
        int Count, long? MedianWorked, long? P90Worked, long? MedianAllotted, int Late);

    private async Task<List<CompletedTasks>> CompletedTaskPercentilesInSqlAsync(ReportPeriod period, string? procedure, CancellationToken cancellationToken)
    {
        // The tasks of a dossier's instance or of its sub-processes (TaskDossiers); the period on closed_at (ix_tasks_closed_at).
        var sql = $"""
            SELECT d.procedure_code, t.node_id, t.department, max(d.procedure_name), max(t.step_name), count(*)::int,
                   percentile_disc(ARRAY[0.5, 0.9]) WITHIN GROUP (ORDER BY t.worked_minutes),
                   percentile_disc(0.5) WITHIN GROUP (ORDER BY t.allotted_minutes),
                   (count(*) FILTER (WHERE t.closed_at > t.due_at))::int
            FROM tasks t
            JOIN instances i ON i.id = t.instance_id
            JOIN dossiers d ON d.id = coalesce(i.parent_instance_id, i.id)
            WHERE t.state = '{TaskStates.Completed}' AND t.closed_at >= @start AND t.closed_at < @end
            {(procedure is null ? string.Empty : "AND d.procedure_code = @procedure")}
            GROUP BY d.procedure_code, t.node_id, t.department
            """;
        var connection = db.Database.GetDbConnection();
        var opened = connection.State != System.Data.ConnectionState.Open;
        if (opened)
        {
            await connection.OpenAsync(cancellationToken);
        }

        try
        {
            await using var command = connection.CreateCommand();
            command.CommandText = sql;
            Parameter(command, "start", period.Start.ToUniversalTime());
            Parameter(command, "end", period.End.ToUniversalTime());
            if (procedure is not null)
            {
                Parameter(command, "procedure", procedure);
            }

            var rows = new List<CompletedTasks>();
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                rows.Add(new CompletedTasks(
                    reader.GetString(0), reader.GetString(1), reader.GetString(2),
                    reader.IsDBNull(3) ? null : reader.GetString(3), reader.IsDBNull(4) ? null : reader.GetString(4),
                    reader.GetInt32(5),
                    Percentile(reader, 6, 0),
                    Percentile(reader, 6, 1),
                    reader.IsDBNull(7) ? null : reader.GetInt64(7),
                    reader.GetInt32(8)));
            }

            return rows;
        }
        finally
        {
            if (opened)
            {
                await connection.CloseAsync();
            }
        }
    }

    // percentile_disc(ARRAY[0.5, 0.9]) ranks both from one sort; its elements are null when every value is.
    private static long? Percentile(DbDataReader reader, int ordinal, int index) =>
        reader.IsDBNull(ordinal) ? null : reader.GetFieldValue<long?[]>(ordinal)[index];

    private static void Parameter(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }

    private static async Task<List<CompletedTasks>> CompletedTaskPercentilesFromHistogramsAsync(IQueryable<TaskOfDossier> tasks, ReportPeriod period, CancellationToken cancellationToken)
    {
        var completed = tasks.Where(t => t.State == TaskStates.Completed && t.ClosedAt >= period.Start && t.ClosedAt < period.End);
        var groups = await completed
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
            .ToListAsync(cancellationToken);
        var worked = await Histograms(completed.Where(t => t.WorkedMinutes != null).Select(t => new { t.ProcedureCode, t.NodeId, t.Department, Minutes = t.WorkedMinutes!.Value }).GroupBy(t => new { t.ProcedureCode, t.NodeId, t.Department, t.Minutes })
            .Select(g => new HistogramBar(g.Key.ProcedureCode, g.Key.NodeId, g.Key.Department, g.Key.Minutes, g.Count())), cancellationToken);
        var allotted = await Histograms(completed.Where(t => t.AllottedMinutes != null).Select(t => new { t.ProcedureCode, t.NodeId, t.Department, Minutes = t.AllottedMinutes!.Value }).GroupBy(t => new { t.ProcedureCode, t.NodeId, t.Department, t.Minutes })
            .Select(g => new HistogramBar(g.Key.ProcedureCode, g.Key.NodeId, g.Key.Department, g.Key.Minutes, g.Count())), cancellationToken);
        return groups.Select(g =>
        {
            var key = (g.ProcedureCode, g.NodeId, g.Department);
            var w = worked.GetValueOrDefault(key);
            var a = allotted.GetValueOrDefault(key);
            return new CompletedTasks(
                g.ProcedureCode, g.NodeId, g.Department, g.ProcedureName, g.StepName, g.Count,
                w is null ? null : NearestRank(w, 50),
                w is null ? null : NearestRank(w, 90),
                a is null ? null : NearestRank(a, 50),
                g.Late);
        }).ToList();
    }

    private sealed record HistogramBar(string ProcedureCode, string NodeId, string Department, long Minutes, int Count);

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
