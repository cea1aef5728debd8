using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Workflows.Engine.Calendar;
using Workflows.Host.Persistence;
using Workflows.Host.Reports;
using Workflows.Host.Runtime;
using Workflows.Host.Tests.Support;
using Workflows.Host.Tests.Tasks;

namespace Workflows.Host.Tests.Reports;

/// <summary>
/// The reports read facts stored on the rows and aggregate in SQL; these tests hold them to an independent calculation
/// over five months of generated dossiers (several procedures, departments, channels; early, on time and late; refusals,
/// withdrawals, stops and supplements), written straight into the tables without facts, so the fill runs too.
/// </summary>
public abstract class ReportsAtScaleTests(DatabaseFixture database)
{
    private static readonly ReportData Data = ReportData.FiveMonths();

    [Fact]
    public async Task The_summary_by_month_over_five_months_equals_a_count_of_the_raw_data_month_by_month()
    {
        await using var app = await Data.StartAsync(database);
        using var client = app.ClientWithKey(WorkflowsApp.AdministratorKey);

        var report = await ReportData.GetAsync<SummaryReport>(client, "/api/reports/summary?from=2025-11-10&to=2026-04-03&groupBy=month");

        SummaryRow[] expected =
        [
            Expected.DossierRow("2025-11", "11/2025", Data.Dossiers, new(2025, 11, 10), new(2025, 11, 30)),
            Expected.DossierRow("2025-12", "12/2025", Data.Dossiers, new(2025, 12, 1), new(2025, 12, 31)),
            Expected.DossierRow("2026-01", "01/2026", Data.Dossiers, new(2026, 1, 1), new(2026, 1, 31)),
            Expected.DossierRow("2026-02", "02/2026", Data.Dossiers, new(2026, 2, 1), new(2026, 2, 28)),
            Expected.DossierRow("2026-03", "03/2026", Data.Dossiers, new(2026, 3, 1), new(2026, 3, 31)),
            Expected.DossierRow("2026-04", "04/2026", Data.Dossiers, new(2026, 4, 1), new(2026, 4, 3)),
        ];
        Assert.Equal(expected, report.Rows);
        Assert.Equal(Expected.DossierRow("", "Tổng cộng", Data.Dossiers, new(2025, 11, 10), new(2026, 4, 3)), report.Total);
        // The data covers what the months must add up: carried over, late and on time, supplements.
        Assert.All(report.Rows.Take(5), r => Assert.True(r.CarriedOver > 0 && r.Finished.Early > 0 && r.Finished.Late > 0, r.ToString()));
        Assert.True(report.Total.WaitingForSupplement > 0);

        // A department's months: dossiers that department worked on, the same single query with a filter.
        var land = await ReportData.GetAsync<SummaryReport>(client, "/api/reports/summary?from=2025-12-15&to=2026-02-10&groupBy=month&department=land");
        var landDossiers = Data.Dossiers.Where(d => Data.Tasks.Any(t => t.Dossier == d && t.Department == "land")).ToList();
        Assert.Equal(
            [
                Expected.DossierRow("2025-12", "12/2025", landDossiers, new(2025, 12, 15), new(2025, 12, 31)),
                Expected.DossierRow("2026-01", "01/2026", landDossiers, new(2026, 1, 1), new(2026, 1, 31)),
                Expected.DossierRow("2026-02", "02/2026", landDossiers, new(2026, 2, 1), new(2026, 2, 10)),
            ],
            land.Rows);
        Assert.Equal(Expected.DossierRow("", "Tổng cộng", landDossiers, new(2025, 12, 15), new(2026, 2, 10)), land.Total);
    }

    [Theory]
    [InlineData("2025-11-03", "2026-04-03")]
    [InlineData("2026-01-05", "2026-02-13")]
    public async Task The_summaries_by_procedure_department_and_step_equal_counts_of_the_raw_data(string from, string to)
    {
        await using var app = await Data.StartAsync(database);
        using var client = app.ClientWithKey(WorkflowsApp.AdministratorKey);
        var (fromDay, toDay) = (DateOnly.Parse(from, System.Globalization.CultureInfo.InvariantCulture), DateOnly.Parse(to, System.Globalization.CultureInfo.InvariantCulture));
        var period = $"from={from}&to={to}";

        var procedures = await ReportData.GetAsync<SummaryReport>(client, $"/api/reports/summary?{period}&groupBy=procedure");
        Assert.Equal(
            Data.Dossiers.GroupBy(d => d.ProcedureCode).OrderBy(g => g.Key, StringComparer.Ordinal)
                .Select(g => Expected.DossierRow(g.Key, g.First().ProcedureName, g.ToList(), fromDay, toDay)),
            procedures.Rows);
        Assert.Equal(Expected.DossierRow("", "Tổng cộng", Data.Dossiers, fromDay, toDay), procedures.Total);

        var departments = await ReportData.GetAsync<SummaryReport>(client, $"/api/reports/summary?{period}&groupBy=department");
        Assert.Equal(
            Data.Tasks.GroupBy(t => t.Department).OrderBy(g => g.Key, StringComparer.Ordinal)
                .Select(g => Expected.TaskRow(g.Key, g.Key, g.ToList(), fromDay, toDay)),
            departments.Rows);
        Assert.Equal(Expected.TaskRow("", "Tổng cộng", Data.Tasks, fromDay, toDay), departments.Total);
        Assert.True(departments.Rows.Count >= 5);

        var steps = await ReportData.GetAsync<SummaryReport>(client, $"/api/reports/summary?{period}&groupBy=step");
        Assert.Equal(
            Data.Tasks.GroupBy(t => $"{t.Dossier.ProcedureCode}/{t.NodeId}").OrderBy(g => g.Key, StringComparer.Ordinal)
                .Select(g => Expected.TaskRow(g.Key, g.First().StepName, g.ToList(), fromDay, toDay)),
            steps.Rows);
    }

    [Fact]
    public async Task Bottlenecks_and_indicators_over_five_months_equal_a_calculation_from_the_raw_data()
    {
        await using var app = await Data.StartAsync(database);
        using var client = app.ClientWithKey(WorkflowsApp.AdministratorKey);
        var (from, to) = (new DateOnly(2025, 11, 3), new DateOnly(2026, 4, 3));

        var bottlenecks = await ReportData.GetAsync<BottleneckReport>(client, "/api/reports/bottlenecks?from=2025-11-03&to=2026-04-03");
        var expected = Expected.Bottlenecks(Data, from, to);
        Assert.True(expected.Count > 10 && expected.All(r => r.Completed > 0));
        Assert.Equal(expected, bottlenecks.Rows);

        var indicators = await ReportData.GetAsync<IndicatorReport>(client, "/api/reports/indicators?from=2025-11-03&to=2026-04-03");
        Assert.Equal(
            Expected.Indicators(Data, from, to).Select(e => (e.Code, e.Numerator, e.Denominator, Expected.Percent(e.Numerator, e.Denominator))),
            indicators.Indicators.Select(i => (i.Code, i.Numerator, i.Denominator, i.Percentage)));
    }

    [Fact]
    public async Task Rows_written_without_report_facts_are_filled_from_the_calendar_by_the_first_report()
    {
        await using var app = await Data.StartAsync(database);
        using var client = app.ClientWithKey(WorkflowsApp.AdministratorKey);

        await ReportData.GetAsync<IndicatorReport>(client, "/api/reports/indicators?from=2026-03-01&to=2026-03-31");

        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<WorkflowsDbContext>();
        var tasks = await db.Tasks.AsNoTracking().Where(t => t.State == TaskStates.Completed).ToListAsync();
        Assert.True(tasks.Count > ReportFacts.BatchSize, "more rows than one batch");
        Assert.All(tasks, t => Assert.Equal(
            (ReportData.Calendar.WorkingMinutesBetween(t.OpenedAt, t.ClosedAt!.Value), ReportData.Calendar.WorkingMinutesBetween(t.OpenedAt, t.DueAt)),
            (t.WorkedMinutes, t.AllottedMinutes)));
        var dossiers = await db.Dossiers.AsNoTracking().Select(d => new { d.Id, d.DocumentCount, d.Timeliness, d.CompletedAt }).ToListAsync();
        var generated = Data.Dossiers.ToDictionary(d => d.Id);
        Assert.All(dossiers, d => Assert.Equal(generated[d.Id].HasDocuments ? 1 : 0, d.DocumentCount));
        Assert.All(dossiers, d => Assert.Equal(d.CompletedAt is not null, d.Timeliness is not null));
    }

    [Fact]
    public async Task Completing_a_task_stores_its_working_and_allotted_minutes_and_timeliness()
    {
        // Monday 2 March 2026, 08:00: the task opens; it is completed on Wednesday at 09:15.
        var monday = new DateTimeOffset(2026, 3, 2, 8, 0, 0, ReportData.Vietnam);
        var clock = new ManualClock(monday);
        await using var app = new WorkflowsApp(database, TaskDefinitions.Path, clock);
        using var desk = app.ClientWithKey(WorkflowsApp.DeskOfficerKey);
        Guid taskId;
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var runner = scope.ServiceProvider.GetRequiredService<WorkflowRunner>();
            var started = await runner.StartAsync(TaskDefinitions.Code, 1, new System.Text.Json.Nodes.JsonObject { ["applicant"] = "Trần Thị B" });
            taskId = Assert.Single(started.Changeset!.TasksOpened).TaskId;
        }

        clock.Now = monday.AddDays(2).AddHours(1.25);
        var response = await desk.PostAsJsonAsync($"/api/tasks/{taskId}/complete", new { outcome = "approved" });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());

        await using var read = app.Services.CreateAsyncScope();
        var db = read.ServiceProvider.GetRequiredService<WorkflowsDbContext>();
        var calendar = read.ServiceProvider.GetRequiredService<WorkingCalendar>();
        var task = await db.Tasks.AsNoTracking().SingleAsync(t => t.Id == taskId);
        Assert.Equal(TaskStates.Completed, task.State);
        // Monday 08:00 → Wednesday 09:15 (sessions 07:30-11:30 and 13:30-17:00): 7 h on Monday, 7.5 h on Tuesday and
        // 1 h 45 min on Wednesday.
        Assert.Equal(420 + 450 + 105, task.WorkedMinutes);
        Assert.Equal(calendar.WorkingMinutesBetween(task.OpenedAt, task.DueAt), task.AllottedMinutes);
        Assert.Equal(task.ClosedAt > task.DueAt ? StoredFacts.Late : task.ClosedAt!.Value.ToOffset(ReportData.Vietnam).Date < task.DueAt.ToOffset(ReportData.Vietnam).Date ? StoredFacts.Early : StoredFacts.OnTime, task.Timeliness);
    }
}

public sealed class SqliteReportsAtScaleTests(SqliteDatabase database) : ReportsAtScaleTests(database), IClassFixture<SqliteDatabase>;

public sealed class PostgresReportsAtScaleTests(PostgresDatabase database) : ReportsAtScaleTests(database), IClassFixture<PostgresDatabase>;
