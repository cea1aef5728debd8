using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.DependencyInjection;
using Workflows.Host.Persistence;
using Workflows.Host.Reports;
using Workflows.Host.Tests.Support;

namespace Workflows.Host.Tests.Reports;

/// <summary>
/// The task rows carry their dossier's id, procedure and channel (of the parent dossier for a sub-process task) and
/// whether the roll-ups count them, so the task reports read no instance or dossier: these tests hold the stored columns
/// to the generated data as the triggers write them (tasks written before or after their dossier, a dossier changed or
/// deleted) and as the upgrade fills them for tasks written before the columns existed, and the reports to an
/// independent count of the raw tasks after that upgrade.
/// </summary>
public abstract class TaskReportColumnsTests(DatabaseFixture database)
{
    private static readonly ReportData Data = ReportData.FiveMonths();

    [Fact]
    public async Task Every_task_stores_its_dossiers_procedure_and_channel_a_sub_process_task_its_parents_and_whether_it_is_rolled_up()
    {
        await using var app = await Data.StartAsync(database);
        using var client = app.ClientWithKey(WorkflowsApp.AdministratorKey);
        // A report fills the facts of the completed tasks first: from then on the roll-ups count every closed task.
        await ReportData.GetAsync<BottleneckReport>(client, "/api/reports/bottlenecks?from=2026-03-01&to=2026-03-31");

        var stored = await StoredAsync(app);
        Assert.Equal(
            Data.Tasks.Select(t => (t.Id, (Guid?)t.Dossier.Id, (string?)t.Dossier.ProcedureCode, (string?)t.Dossier.ProcedureName, (string?)t.Dossier.Channel, t.ClosedAt is not null)).Order(),
            stored.Order());
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<WorkflowsDbContext>();
        var subProcessTasks = await db.Tasks.AsNoTracking()
            .Where(t => db.Instances.Any(i => i.Id == t.InstanceId && i.ParentInstanceId != null))
            .Select(t => t.Id)
            .ToListAsync();
        Assert.True(subProcessTasks.Count > 10, "The data has tasks in sub-processes.");
    }

    [Fact]
    public async Task A_sub_process_task_written_before_its_dossier_takes_the_dossiers_columns_follows_them_and_loses_them_with_it()
    {
        await using var app = await Data.StartAsync(database);
        using var client = app.ClientWithKey(WorkflowsApp.AdministratorKey);
        var id = Guid.NewGuid();
        var child = Guid.NewGuid();
        var task = Guid.NewGuid();
        var received = new DateTimeOffset(2026, 3, 2, 9, 0, 0, ReportData.Vietnam);
        var opened = received.AddDays(1);
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<WorkflowsDbContext>();
            db.Instances.Add(new InstanceRow { Id = id, DefinitionCode = "9.996", DefinitionVersion = 1, Status = "running", Data = "{}", Tokens = "[]", CreatedAt = received, UpdatedAt = received, Version = 1 });
            db.Instances.Add(new InstanceRow { Id = child, DefinitionCode = "sub", DefinitionVersion = 1, Status = "running", Data = "{}", Tokens = "[]", ParentInstanceId = id, CreatedAt = opened, UpdatedAt = opened, Version = 1 });
            db.Tasks.Add(new TaskRow { Id = task, InstanceId = child, NodeId = "consult", StepName = "Lấy ý kiến sở ngành", Department = "tax", State = TaskStates.Open, OpenedAt = opened, DueAt = opened.AddDays(2) });
            await db.SaveChangesAsync();
        }

        Assert.Equal((null, null, null, false), await ColumnsAsync(app, task));

        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<WorkflowsDbContext>();
            db.Dossiers.Add(new DossierRow
            {
                Id = id, Code = "TASKCOLUMNS-0001", IntakeClient = "task-columns-test", ExternalCode = "C-1", PayloadHash = new string('0', 64),
                ProcedureCode = "9.996", ProcedureVersion = 1, ProcedureName = "Thủ tục liên thông sau", ApplicantName = "Đặng Thị F", Channel = "postal",
                ReceptionPoint = "ward-2", ReceivedAt = received, CountingFrom = received, OriginalDueAt = received.AddDays(10), DueAt = received.AddDays(10), Status = 5,
                Documents = "[]", DocumentCount = 0, CreatedAt = received, UpdatedAt = received, RowVersion = 1,
            });
            await db.SaveChangesAsync();
        }

        Assert.Equal((id, "9.996", "postal", false), await ColumnsAsync(app, task));
        const string Steps = "/api/reports/summary?from=2026-03-01&to=2026-03-31&groupBy=step&procedure=9.996";
        var open = Assert.Single((await ReportData.GetAsync<SummaryReport>(client, Steps)).Rows);
        Assert.Equal(("9.996/consult", 1, 1, 1, 1), (open.Key, open.Received.Total, open.Received.Postal, open.InProgress.Total, open.WaitingForSupplement));

        // The dossier's channel corrected: its task follows.
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<WorkflowsDbContext>();
            await db.Dossiers.Where(d => d.Id == id).ExecuteUpdateAsync(s => s.SetProperty(d => d.Channel, "online"));
        }

        Assert.Equal((id, "9.996", "online", false), await ColumnsAsync(app, task));
        Assert.Equal(1, Assert.Single((await ReportData.GetAsync<SummaryReport>(client, Steps)).Rows).Received.Online);

        // Closed with its facts: the roll-ups count it.
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<WorkflowsDbContext>();
            var closed = opened.AddHours(5);
            var (worked, allotted, timeliness) = StoredFacts.CompletedTask(ReportData.Calendar, opened, opened.AddDays(2), closed);
            var row = await db.Tasks.SingleAsync(t => t.Id == task);
            (row.State, row.ClosedAt, row.WorkedMinutes, row.AllottedMinutes, row.Timeliness) = (TaskStates.Completed, closed, worked, allotted, timeliness);
            await db.SaveChangesAsync();
        }

        Assert.Equal((id, "9.996", "online", true), await ColumnsAsync(app, task));

        // The dossier deleted: its task no longer belongs to one, and no report counts it.
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<WorkflowsDbContext>();
            await db.Dossiers.Where(d => d.Id == id).ExecuteDeleteAsync();
        }

        Assert.Equal((null, null, null, true), await ColumnsAsync(app, task));
        Assert.Empty((await ReportData.GetAsync<SummaryReport>(client, Steps)).Rows);
        Assert.Empty((await ReportData.GetAsync<BottleneckReport>(client, "/api/reports/bottlenecks?from=2026-03-01&to=2026-03-31&procedure=9.996")).Rows);
    }

    [Theory]
    [InlineData("2025-12-01", "2026-03-31")] // whole months
    [InlineData("2025-11-16", "2026-02-28")] // cut months
    public async Task An_upgrade_fills_the_columns_of_tasks_written_before_them_and_the_task_reports_stay_what_they_were(string from, string to)
    {
        await using var app = await Data.StartAsync(database);
        using var client = app.ClientWithKey(WorkflowsApp.AdministratorKey);
        var (fromDay, toDay) = (DateOnly.Parse(from, CultureInfo.InvariantCulture), DateOnly.Parse(to, CultureInfo.InvariantCulture));
        var period = $"from={from}&to={to}";
        await ReportData.GetAsync<BottleneckReport>(client, $"/api/reports/bottlenecks?{period}");

        // Back to the schema before the columns (the rows stay, without them), then up again: the upgrade a site runs.
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<WorkflowsDbContext>();
            var migrations = db.Database.GetMigrations().ToList();
            var columns = migrations.FindIndex(m => m.EndsWith("_TaskReportColumns", StringComparison.Ordinal));
            Assert.True(columns > 0, "The migration TaskReportColumns exists.");
            var migrator = db.GetService<IMigrator>();
            await migrator.MigrateAsync(migrations[columns - 1]);
            await migrator.MigrateAsync(migrations[^1]);
        }

        Assert.Equal(
            Data.Tasks.Select(t => (t.Id, (Guid?)t.Dossier.Id, (string?)t.Dossier.ProcedureCode, (string?)t.Dossier.ProcedureName, (string?)t.Dossier.Channel, t.ClosedAt is not null)).Order(),
            (await StoredAsync(app)).Order());

        var departments = await ReportData.GetAsync<SummaryReport>(client, $"/api/reports/summary?{period}&groupBy=department");
        Assert.Equal(
            Data.Tasks.GroupBy(t => t.Department).OrderBy(g => g.Key, StringComparer.Ordinal)
                .Select(g => Expected.TaskRow(g.Key, g.Key, g.ToList(), fromDay, toDay)),
            departments.Rows);
        var steps = await ReportData.GetAsync<SummaryReport>(client, $"/api/reports/summary?{period}&groupBy=step");
        Assert.Equal(
            Data.Tasks.GroupBy(t => $"{t.Dossier.ProcedureCode}/{t.NodeId}").OrderBy(g => g.Key, StringComparer.Ordinal)
                .Select(g => Expected.TaskRow(g.Key, g.First().StepName, g.ToList(), fromDay, toDay)),
            steps.Rows);
        Assert.Equal(Expected.Bottlenecks(Data, fromDay, toDay), (await ReportData.GetAsync<BottleneckReport>(client, $"/api/reports/bottlenecks?{period}")).Rows);

        // A task written after the upgrade carries the columns too (the triggers are back).
        var task = Data.Tasks.First(t => t.State == TaskStates.Open);
        var added = Guid.NewGuid();
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<WorkflowsDbContext>();
            db.Tasks.Add(new TaskRow { Id = added, InstanceId = task.Dossier.Id, NodeId = "extra", Department = "land", State = TaskStates.Open, OpenedAt = task.OpenedAt, DueAt = task.DueAt });
            await db.SaveChangesAsync();
        }

        Assert.Equal((task.Dossier.Id, task.Dossier.ProcedureCode, task.Dossier.Channel, false), await ColumnsAsync(app, added));
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<WorkflowsDbContext>();
            await db.Tasks.Where(t => t.Id == added).ExecuteDeleteAsync();
        }
    }

    /// <summary>The generated tasks' stored report columns.</summary>
    private static async Task<List<(Guid, Guid?, string?, string?, string?, bool)>> StoredAsync(WorkflowsApp app)
    {
        var ids = Data.Tasks.Select(t => t.Id).ToList();
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<WorkflowsDbContext>();
        var rows = await db.Tasks.AsNoTracking()
            .Where(t => ids.Contains(t.Id))
            .Select(t => new { t.Id, t.DossierId, t.ProcedureCode, t.ProcedureName, t.Channel, t.RolledUp })
            .ToListAsync();
        return rows.Select(r => (r.Id, r.DossierId, r.ProcedureCode, r.ProcedureName, r.Channel, r.RolledUp)).ToList();
    }

    private static async Task<(Guid? Dossier, string? Procedure, string? Channel, bool RolledUp)> ColumnsAsync(WorkflowsApp app, Guid task)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<WorkflowsDbContext>();
        var row = await db.Tasks.AsNoTracking().SingleAsync(t => t.Id == task);
        return (row.DossierId, row.ProcedureCode, row.Channel, row.RolledUp);
    }
}

public sealed class SqliteTaskReportColumnsTests(SqliteDatabase database) : TaskReportColumnsTests(database), IClassFixture<SqliteDatabase>;

public sealed class PostgresTaskReportColumnsTests(PostgresDatabase database) : TaskReportColumnsTests(database), IClassFixture<PostgresDatabase>;
