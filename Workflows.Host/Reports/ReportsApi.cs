using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Workflows.Engine.Calendar;
using Workflows.Host.Access;
using Workflows.Host.Infrastructure;
using Workflows.Host.Persistence;

namespace Workflows.Host.Reports;

/// <summary>
/// /api/reports: statistics for the centre's leaders (policy Staff). Periods are local (UTC+7) days:
/// <c>from</c> and <c>to</c> as yyyy-MM-dd, both included; <c>to</c> defaults to today and <c>from</c> to the
/// first day of <c>to</c>'s month. See <see cref="ReportStatistics"/> for the definitions.
/// </summary>
internal static class ReportsApi
{
    /// <summary>Longest period a report may cover.</summary>
    public const int MaxDays = 1096;

    public const string XlsxContentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    private static readonly Dictionary<string, ReportGrouping> Groupings = new(StringComparer.OrdinalIgnoreCase)
    {
        ["procedure"] = ReportGrouping.Procedure,
        ["department"] = ReportGrouping.Department,
        ["step"] = ReportGrouping.Step,
        ["receptionPoint"] = ReportGrouping.ReceptionPoint,
        ["channel"] = ReportGrouping.Channel,
        ["month"] = ReportGrouping.Month,
    };

    public static IEndpointRouteBuilder MapReportsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/reports").WithTags("Reports").RequireAuthorization(Policies.Staff);
        api.MapGet("/summary", Summary)
            .WithSummary("Dossiers (or tasks) received, carried over, finished early / on time / late and in progress, per group");
        api.MapGet("/summary.xlsx", SummaryWorkbook)
            .WithSummary("The summary as an Excel workbook with Vietnamese headers");
        api.MapGet("/bottlenecks", Bottlenecks)
            .WithSummary("Working time per procedure step and department: median, 90th percentile, share late");
        api.MapGet("/indicators", Indicators)
            .WithSummary("Decision 766 indicators the data supports: on-time, online, digitised and results-returned shares");
        return app;
    }

    public static string GroupingName(ReportGrouping grouping) => Groupings.First(g => g.Value == grouping).Key;

    private static async Task<Results<Ok<SummaryReport>, ValidationProblem>> Summary(
        string? from, string? to, string? groupBy, string? procedure, string? department,
        WorkflowsDbContext db, WorkingCalendar calendar, TimeProvider time, CancellationToken cancellationToken)
    {
        var statistics = new ReportStatistics(db, calendar, time);
        if (!TryParseSummary(from, to, groupBy, procedure, department, statistics.Now, out var query, out var errors))
        {
            return TypedResults.ValidationProblem(errors);
        }

        return TypedResults.Ok(await statistics.SummaryAsync(query, cancellationToken));
    }

    private static async Task<Results<FileContentHttpResult, ValidationProblem>> SummaryWorkbook(
        string? from, string? to, string? groupBy, string? procedure, string? department,
        WorkflowsDbContext db, WorkingCalendar calendar, TimeProvider time, CancellationToken cancellationToken)
    {
        var statistics = new ReportStatistics(db, calendar, time);
        if (!TryParseSummary(from, to, groupBy, procedure, department, statistics.Now, out var query, out var errors))
        {
            return TypedResults.ValidationProblem(errors);
        }

        var report = await statistics.SummaryAsync(query, cancellationToken);
        var fileName = string.Create(CultureInfo.InvariantCulture, $"bao-cao-tong-hop-{report.From:yyyyMMdd}-{report.To:yyyyMMdd}.xlsx");
        return TypedResults.File(SummaryWorkbookWriter.Write(report, query.GroupBy), XlsxContentType, fileName);
    }

    private static async Task<Results<Ok<BottleneckReport>, ValidationProblem>> Bottlenecks(
        string? from, string? to, string? procedure,
        WorkflowsDbContext db, WorkingCalendar calendar, TimeProvider time, CancellationToken cancellationToken)
    {
        var statistics = new ReportStatistics(db, calendar, time);
        var errors = new Dictionary<string, string[]>();
        var period = ParsePeriod(from, to, statistics.Now, errors);
        var code = ParseCode(procedure, "procedure", 64, errors);
        if (errors.Count > 0 || period is null)
        {
            return TypedResults.ValidationProblem(errors);
        }

        return TypedResults.Ok(await statistics.BottlenecksAsync(period, code, cancellationToken));
    }

    private static async Task<Results<Ok<IndicatorReport>, ValidationProblem>> Indicators(
        string? from, string? to,
        WorkflowsDbContext db, WorkingCalendar calendar, TimeProvider time, CancellationToken cancellationToken)
    {
        var statistics = new ReportStatistics(db, calendar, time);
        var errors = new Dictionary<string, string[]>();
        var period = ParsePeriod(from, to, statistics.Now, errors);
        if (errors.Count > 0 || period is null)
        {
            return TypedResults.ValidationProblem(errors);
        }

        return TypedResults.Ok(await statistics.IndicatorsAsync(period, cancellationToken));
    }

    private static bool TryParseSummary(
        string? from, string? to, string? groupBy, string? procedure, string? department, DateTimeOffset now,
        out SummaryQuery query, out Dictionary<string, string[]> errors)
    {
        errors = [];
        var period = ParsePeriod(from, to, now, errors);
        var grouping = ReportGrouping.Procedure;
        if (!string.IsNullOrWhiteSpace(groupBy) && !Groupings.TryGetValue(groupBy.Trim(), out grouping))
        {
            errors["groupBy"] = [$"One of: {string.Join(", ", Groupings.Keys)}."];
        }

        var procedureCode = ParseCode(procedure, "procedure", 64, errors);
        var departmentId = ParseCode(department, "department", 128, errors);
        query = new SummaryQuery(period!, grouping, procedureCode, departmentId);
        return errors.Count == 0 && period is not null;
    }

    private static string? ParseCode(string? value, string field, int maxLength, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        var trimmed = value.Trim();
        if (trimmed.Length > maxLength)
        {
            errors[field] = [$"At most {maxLength} characters."];
            return null;
        }

        return trimmed;
    }

    /// <summary>The local days from..to (both included) as instants at the calendar's offset.</summary>
    private static ReportPeriod? ParsePeriod(string? from, string? to, DateTimeOffset now, Dictionary<string, string[]> errors)
    {
        var today = DateOnly.FromDateTime(now.DateTime);
        var toDay = today;
        if (!string.IsNullOrWhiteSpace(to) && !DateOnly.TryParseExact(to.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out toDay))
        {
            errors["to"] = ["A date as yyyy-MM-dd."];
        }

        var fromDay = new DateOnly(toDay.Year, toDay.Month, 1);
        if (!string.IsNullOrWhiteSpace(from) && !DateOnly.TryParseExact(from.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out fromDay))
        {
            errors["from"] = ["A date as yyyy-MM-dd."];
        }

        if (!errors.ContainsKey("to") && !InputLimits.IsInRange(toDay))
        {
            errors["to"] = [InputLimits.DayRangeMessage];
        }

        if (!errors.ContainsKey("from") && !InputLimits.IsInRange(fromDay))
        {
            errors["from"] = [InputLimits.DayRangeMessage];
        }

        if (errors.ContainsKey("from") || errors.ContainsKey("to"))
        {
            return null;
        }

        if (fromDay > toDay)
        {
            errors["from"] = ["The period must not start after it ends (from ≤ to)."];
            return null;
        }

        if (toDay.DayNumber - fromDay.DayNumber + 1 > MaxDays)
        {
            errors["to"] = [$"A report covers at most {MaxDays} days."];
            return null;
        }

        var offset = now.Offset;
        return new ReportPeriod(
            fromDay,
            toDay,
            new DateTimeOffset(fromDay.ToDateTime(TimeOnly.MinValue), offset),
            new DateTimeOffset(toDay.AddDays(1).ToDateTime(TimeOnly.MinValue), offset));
    }
}
