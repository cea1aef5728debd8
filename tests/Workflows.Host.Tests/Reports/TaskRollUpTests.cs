using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Workflows.Host.Persistence;
using Workflows.Host.Reports;
using Workflows.Host.Tests.Support;

namespace Workflows.Host.Tests.Reports;

/// <summary>
/// The summaries by department and by step and the bottleneck view read whole months from the task roll-ups
/// (task_month_counts, task_minute_counts, kept by triggers) and the rest from the rows: these tests hold whole, cut and
/// partial periods to an independent calculation over five months of generated tasks (a seventh of them in
/// sub-processes), and follow a sub-process task as it closes into the roll-ups.
/// </summary>
public abstract class TaskRollUpTests(DatabaseFixture database)
{
    private static readonly ReportData Data = ReportData.FiveMonths();

    private static int Month(DateTimeOffset t) => (t.ToOffset(ReportData.Vietnam).Year * 100) + t.ToOffset(ReportData.Vietnam).Month;

    [Theory]
    [InlineData("2025-12-01", "2026-03-31")] // whole months: the roll-ups alone, and the open tasks as rows
    [InlineData("2025-11-16", "2026-02-28")] // starts mid-month
    [InlineData("2026-01-01", "2026-04-30")] // ends after now: in progress is late against now
    [InlineData("2026-02-10", "2026-02-20")] // inside one month
    public async Task Department_and_step_summaries_and_bottlenecks_over_whole_and_cut_months_equal_a_count_of_the_raw_tasks(string from, string to)
    {
        await using var app = await Data.StartAsync(database);
        using var client = app.ClientWithKey(WorkflowsApp.AdministratorKey);
        var (fromDay, toDay) = (DateOnly.Parse(from, CultureInfo.InvariantCulture), DateOnly.Parse(to, CultureInfo.InvariantCulture));
        var period = $"from={from}&to={to}";

        var departments = await ReportData.GetAsync<SummaryReport>(client, $"/api/reports/summary?{period}&groupBy=department");
        Assert.Equal(
            Data.Tasks.GroupBy(t => t.Department).OrderBy(g => g.Key, StringComparer.Ordinal)
                .Select(g => Expected.TaskRow(g.Key, g.Key, g.ToList(), fromDay, toDay)),
            departments.Rows);
        Assert.Equal(Expected.TaskRow("", "Tổng cộng", Data.Tasks, fromDay, toDay), departments.Total);

        var steps = await ReportData.GetAsync<SummaryReport>(client, $"/api/reports/summary?{period}&groupBy=step");
        Assert.Equal(
            Data.Tasks.GroupBy(t => $"{t.Dossier.ProcedureCode}/{t.NodeId}").OrderBy(g => g.Key, StringComparer.Ordinal)
                .Select(g => Expected.TaskRow(g.Key, g.First().StepName, g.ToList(), fromDay, toDay)),
            steps.Rows);

        // One department's steps of one procedure: both filters read the roll-up too.
        var land = await ReportData.GetAsync<SummaryReport>(client, $"/api/reports/summary?{period}&groupBy=step&procedure=1.001&department=land");
        var landTasks = Data.Tasks.Where(t => t.Dossier.ProcedureCode == "1.001" && t.Department == "land").ToList();
        Assert.Equal(Expected.TaskRow("", "Tổng cộng", landTasks, fromDay, toDay), land.Total);

        var bottlenecks = await ReportData.GetAsync<BottleneckReport>(client, $"/api/reports/bottlenecks?{period}");
        var expected = Expected.Bottlenecks(Data, fromDay, toDay);
        Assert.True(expected.Count(r => r.Completed > 0) > 5);
        Assert.Equal(expected, bottlenecks.Rows);

        var one = await ReportData.GetAsync<BottleneckReport>(client, $"/api/reports/bottlenecks?{period}&procedure=1.002");
        Assert.Equal(expected.Where(r => r.ProcedureCode == "1.002"), one.Rows);
    }

    [Fact]
    public async Task Once_the_facts_are_filled_the_task_roll_ups_count_every_closed_task_once_by_its_months_and_minutes()
    {
        await using var app = await Data.StartAsync(database);
        using var client = app.ClientWithKey(WorkflowsApp.AdministratorKey);
        await ReportData.GetAsync<BottleneckReport>(client, "/api/reports/bottlenecks?from=2026-03-01&to=2026-03-31");

        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<WorkflowsDbContext>();
        var months = await db.TaskMonthCounts.AsNoTracking().Where(c => c.ProcedureCode.StartsWith("1.")).ToListAsync();
        var closed = Data.Tasks.Where(t => t.ClosedAt is not null).ToList();
        Assert.Equal(
            closed.GroupBy(t => (t.Dossier.ProcedureCode, t.Dossier.Channel, t.NodeId, t.Department, t.State, Month(t.OpenedAt), Month(t.ClosedAt!.Value), Month(t.DueAt)))
                .Select(g => (g.Key, g.Count())).Order(),
            months.Where(c => c.Tasks != 0).GroupBy(c => (c.ProcedureCode, c.Channel, c.NodeId, c.Department, c.State, c.OpenedMonth, c.ClosedMonth, c.DueMonth))
                .Select(g => (g.Key, g.Sum(c => c.Tasks))).Order());

        var minutes = await db.TaskMinuteCounts.AsNoTracking().Where(c => c.ProcedureCode.StartsWith("1.") && c.Measure == TaskMinuteCountRow.Worked).ToListAsync();
        var completed = closed.Where(t => t.State == "completed").ToList();
        Assert.Equal(
            completed.GroupBy(t => (t.Dossier.ProcedureCode, t.NodeId, t.Department, Month(t.ClosedAt!.Value), ReportData.Calendar.WorkingMinutesBetween(t.OpenedAt, t.ClosedAt!.Value)))
                .Select(g => (g.Key, g.Count(), g.Count(t => t.ClosedAt > t.DueAt))).Order(),
            minutes.Where(c => c.Tasks != 0).Select(c => ((c.ProcedureCode, c.NodeId, c.Department, c.ClosedMonth, c.Minutes), c.Tasks, c.Late)).Order());
    }

    [Fact]
    public async Task A_sub_process_task_closing_moves_into_the_roll_ups_under_its_dossier_and_the_reports_count_it_once()
    {
        await using var app = await Data.StartAsync(database);
        using var client = app.ClientWithKey(WorkflowsApp.AdministratorKey);
        // A procedure of its own: a dossier received 12 January whose sub-process opens a task on 14 January, due 16 January.
        var id = Guid.NewGuid();
        var child = Guid.NewGuid();
        var task = Guid.NewGuid();
        var received = new DateTimeOffset(2026, 1, 12, 9, 0, 0, ReportData.Vietnam);
        var opened = new DateTimeOffset(2026, 1, 14, 9, 0, 0, ReportData.Vietnam);
        var due = new DateTimeOffset(2026, 1, 16, 17, 0, 0, ReportData.Vietnam);
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<WorkflowsDbContext>();
            db.Instances.Add(new InstanceRow { Id = id, DefinitionCode = "9.998", DefinitionVersion = 1, Status = "running", Data = "{}", Tokens = "[]", CreatedAt = received, UpdatedAt = received, Version = 1 });
            db.Instances.Add(new InstanceRow { Id = child, DefinitionCode = "sub", DefinitionVersion = 1, Status = "running", Data = "{}", Tokens = "[]", ParentInstanceId = id, CreatedAt = opened, UpdatedAt = opened, Version = 1 });
            db.Dossiers.Add(new DossierRow
            {
                Id = id, Code = "TASKROLLUP-0001", IntakeClient = "task-roll-up-test", ExternalCode = "T-1", PayloadHash = new string('0', 64),
                ProcedureCode = "9.998", ProcedureVersion = 1, ProcedureName = "Thủ tục liên thông thử", ApplicantName = "Phạm Thị D", Channel = "postal",
                ReceptionPoint = "ward-2", ReceivedAt = received, CountingFrom = received, OriginalDueAt = due.AddDays(10), DueAt = due.AddDays(10), Status = 4,
                Documents = "[]", DocumentCount = 0, CreatedAt = received, UpdatedAt = received, RowVersion = 1,
            });
            db.Tasks.Add(new TaskRow { Id = task, InstanceId = child, NodeId = "consult", StepName = "Lấy ý kiến sở ngành", Department = "tax", State = TaskStates.Open, OpenedAt = opened, DueAt = due });
            await db.SaveChangesAsync();
        }

        const string Steps = "/api/reports/summary?from=2026-01-01&to=2026-02-28&groupBy=step&procedure=9.998";
        const string Bottlenecks = "/api/reports/bottlenecks?from=2026-01-01&to=2026-02-28&procedure=9.998";
        var open = Assert.Single((await ReportData.GetAsync<SummaryReport>(client, Steps)).Rows);
        Assert.Equal(("9.998/consult", 1, 1, 1), (open.Key, open.Received.Total, open.Received.Postal, open.InProgress.Total));
        Assert.Equal((0, 1, 1), Only(await ReportData.GetAsync<BottleneckReport>(client, Bottlenecks)));
        Assert.Equal((0, 0), await CountedAsync(app, "9.998"));

        // Completed late on 3 February, with its facts (the commit path stores them with the state).
        var closed = new DateTimeOffset(2026, 2, 3, 10, 0, 0, ReportData.Vietnam);
        var (worked, allotted, timeliness) = StoredFacts.CompletedTask(ReportData.Calendar, opened, due, closed);
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<WorkflowsDbContext>();
            var row = await db.Tasks.SingleAsync(t => t.Id == task);
            (row.State, row.ClosedAt, row.WorkedMinutes, row.AllottedMinutes, row.Timeliness) = (TaskStates.Completed, closed, worked, allotted, timeliness);
            await db.SaveChangesAsync();
        }

        Assert.Equal((1, 2), await CountedAsync(app, "9.998"));
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<WorkflowsDbContext>();
            var count = Assert.Single(await db.TaskMonthCounts.AsNoTracking().Where(c => c.ProcedureCode == "9.998" && c.Tasks != 0).ToListAsync());
            Assert.Equal(("postal", "tax", StoredFacts.Late, 202601, 202602, 202601), (count.Channel, count.Department, count.Timeliness, count.OpenedMonth, count.ClosedMonth, count.DueMonth));
        }

        var done = Assert.Single((await ReportData.GetAsync<SummaryReport>(client, Steps)).Rows);
        Assert.Equal((1, 0, 1, 1), (done.Received.Total, done.InProgress.Total, done.Finished.Total, done.Finished.Late));
        var row2 = Assert.Single((await ReportData.GetAsync<BottleneckReport>(client, Bottlenecks)).Rows);
        Assert.Equal((1, 1, 0, ReportStatistics.Hours(worked), ReportStatistics.Hours(allotted)), (row2.Completed, row2.CompletedLate, row2.Open, row2.MedianWorkingHours, row2.MedianAllottedHours));
        // February alone (a whole month: the roll-up) sees it closed; 1-15 February (cut: the rows) too.
        Assert.Equal(1, Assert.Single((await ReportData.GetAsync<BottleneckReport>(client, "/api/reports/bottlenecks?from=2026-02-01&to=2026-02-28&procedure=9.998")).Rows).Completed);
        Assert.Equal(1, Assert.Single((await ReportData.GetAsync<BottleneckReport>(client, "/api/reports/bottlenecks?from=2026-02-01&to=2026-02-15&procedure=9.998")).Rows).Completed);

        // The dossier removed, its tasks leave the roll-ups too.
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<WorkflowsDbContext>();
            await db.Dossiers.Where(d => d.Id == id).ExecuteDeleteAsync();
        }

        Assert.Equal((0, 0), await CountedAsync(app, "9.998"));
    }

    [Fact]
    public async Task A_dossier_written_after_its_closed_tasks_brings_them_into_the_roll_ups()
    {
        await using var app = await Data.StartAsync(database);
        var id = Guid.NewGuid();
        var received = new DateTimeOffset(2026, 1, 5, 9, 0, 0, ReportData.Vietnam);
        var closed = received.AddHours(3);
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<WorkflowsDbContext>();
            db.Instances.Add(new InstanceRow { Id = id, DefinitionCode = "9.997", DefinitionVersion = 1, Status = "running", Data = "{}", Tokens = "[]", CreatedAt = received, UpdatedAt = received, Version = 1 });
            var (worked, allotted, timeliness) = StoredFacts.CompletedTask(ReportData.Calendar, received, received.AddDays(1), closed);
            db.Tasks.Add(new TaskRow
            {
                Id = Guid.NewGuid(), InstanceId = id, NodeId = "receive", StepName = "Tiếp nhận hồ sơ", Department = "one-stop", State = TaskStates.Completed,
                OpenedAt = received, DueAt = received.AddDays(1), ClosedAt = closed, WorkedMinutes = worked, AllottedMinutes = allotted, Timeliness = timeliness,
            });
            db.Tasks.Add(new TaskRow
            {
                Id = Guid.NewGuid(), InstanceId = id, NodeId = "review", Department = "land", State = TaskStates.Cancelled,
                OpenedAt = closed, DueAt = closed.AddDays(2), ClosedAt = closed.AddHours(1),
            });
            await db.SaveChangesAsync();
        }

        Assert.Equal((0, 0), await CountedAsync(app, "9.997"));
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<WorkflowsDbContext>();
            db.Dossiers.Add(new DossierRow
            {
                Id = id, Code = "TASKROLLUP-0002", IntakeClient = "task-roll-up-test", ExternalCode = "T-2", PayloadHash = new string('0', 64),
                ProcedureCode = "9.997", ProcedureVersion = 1, ProcedureName = "Thủ tục nhập sau", ApplicantName = "Võ Văn E", Channel = "online",
                ReceptionPoint = "ward-1", ReceivedAt = received, CountingFrom = received, OriginalDueAt = received.AddDays(5), DueAt = received.AddDays(5), Status = 4,
                Documents = "[]", DocumentCount = 0, CreatedAt = received, UpdatedAt = received, RowVersion = 1,
            });
            await db.SaveChangesAsync();
        }

        Assert.Equal((2, 2), await CountedAsync(app, "9.997"));
        using var client = app.ClientWithKey(WorkflowsApp.AdministratorKey);
        var total = (await ReportData.GetAsync<SummaryReport>(client, "/api/reports/summary?from=2026-01-01&to=2026-01-31&groupBy=department&procedure=9.997")).Total;
        Assert.Equal((2, 1, 1), (total.Received.Total, total.Finished.Resolved, total.Finished.Cancelled));

        // Removed again, so the class's other tests see only the generated data.
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<WorkflowsDbContext>();
            await db.Dossiers.Where(d => d.Id == id).ExecuteDeleteAsync();
        }

        Assert.Equal((0, 0), await CountedAsync(app, "9.997"));
    }

    private static (int Completed, int Open, int OpenLate) Only(BottleneckReport report)
    {
        var row = Assert.Single(report.Rows);
        return (row.Completed, row.Open, row.OpenLate);
    }

    /// <summary>The tasks task_month_counts counts for the procedure, and task_minute_counts' rows of them (two a completed task).</summary>
    private static async Task<(int Tasks, int MinuteCounts)> CountedAsync(WorkflowsApp app, string procedure)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<WorkflowsDbContext>();
        return (await db.TaskMonthCounts.Where(c => c.ProcedureCode == procedure).SumAsync(c => c.Tasks),
            await db.TaskMinuteCounts.Where(c => c.ProcedureCode == procedure).SumAsync(c => c.Tasks));
    }
}

public sealed class SqliteTaskRollUpTests(SqliteDatabase database) : TaskRollUpTests(database), IClassFixture<SqliteDatabase>;

public sealed class PostgresTaskRollUpTests(PostgresDatabase database) : TaskRollUpTests(database), IClassFixture<PostgresDatabase>;
