using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Workflows.Host.Persistence;
using Workflows.Host.Tests.Support;

namespace Workflows.Host.Tests.Persistence;

/// <summary>
/// The Host writes a task's report columns (its dossier, procedure and channel; a sub-process task its parent's) with
/// the row it inserts, so the database looks nothing up on the intake and completion path; the triggers remain the
/// fallback for the rows that arrive without them. Each class has its own database, because the first one switches the
/// fallback off in it.
/// </summary>
public abstract class HostWrittenTaskColumnsTests(DatabaseFixture database)
{
    [Fact]
    public async Task Tasks_opened_by_intake_and_by_a_completion_starting_a_sub_process_carry_their_dossiers_columns_with_no_trigger_to_fill_them()
    {
        await using var app = new WorkflowsApp(database, TaskColumnsDefinitions.Path);
        await using (var scope = app.Services.CreateAsyncScope())
        {
            // Only what the Host writes is left: no lookup when a task or a dossier is inserted.
            var db = scope.ServiceProvider.GetRequiredService<WorkflowsDbContext>();
            await db.Database.ExecuteSqlRawAsync(database.Provider == "Sqlite"
                ? "DROP TRIGGER tasks_report_columns_insert; DROP TRIGGER dossiers_task_columns_insert;"
                : "ALTER TABLE tasks DISABLE TRIGGER tasks_report_columns_insert; ALTER TABLE dossiers DISABLE TRIGGER dossiers_task_columns_insert;");
        }

        var code = await TestFolders.ReceiveAsync(app, TaskColumnsDefinitions.Parent);
        var dossier = await TaskColumnsDefinitions.DossierAsync(app, code);
        (Guid?, string?, string?, string?) expected = (dossier, TaskColumnsDefinitions.Parent, TaskColumnsDefinitions.ParentName, "inPerson");

        var receive = await TaskColumnsDefinitions.TaskAsync(app, dossier, "receive");
        Assert.Equal((expected, false), (receive.Columns, receive.RolledUp));

        await TaskColumnsDefinitions.CompleteAsync(app, receive.Id, WorkflowsApp.DeskOfficerKey);

        // The completion started the sub-process: its first task belongs to the parent's dossier.
        var confirm = await TaskColumnsDefinitions.TaskAsync(app, dossier, "confirm");
        Assert.NotEqual(dossier, confirm.Instance);
        Assert.Equal((expected, false), (confirm.Columns, confirm.RolledUp));
        // Closed with its facts, the first task is counted by the roll-ups (the update trigger, kept).
        var completed = await TaskColumnsDefinitions.TaskAsync(app, dossier, "receive");
        Assert.Equal((expected, true), (completed.Columns, completed.RolledUp));
    }
}

/// <summary>The triggers' fallback for the task rows that arrive without their columns, whoever writes them.</summary>
public abstract class TaskColumnsFallbackTests(DatabaseFixture database)
{
    [Fact]
    public async Task A_task_written_without_its_columns_takes_them_from_the_trigger_before_or_after_its_dossier_and_its_rolled_up_from_its_state()
    {
        await using var app = new WorkflowsApp(database, TaskColumnsDefinitions.Path);
        var code = await TestFolders.ReceiveAsync(app, TaskColumnsDefinitions.Parent);
        var dossier = await TaskColumnsDefinitions.DossierAsync(app, code);
        (Guid?, string?, string?, string?) expected = (dossier, TaskColumnsDefinitions.Parent, TaskColumnsDefinitions.ParentName, "inPerson");
        await TaskColumnsDefinitions.CompleteAsync(app, (await TaskColumnsDefinitions.TaskAsync(app, dossier, "receive")).Id, WorkflowsApp.DeskOfficerKey);
        var confirm = await TaskColumnsDefinitions.TaskAsync(app, dossier, "confirm");

        // The sub-process resumed on its own: nobody read its parent's dossier, the trigger looks it up.
        await TaskColumnsDefinitions.CompleteAsync(app, confirm.Id, WorkflowsApp.UrbanOfficerKey);
        var check = await TaskColumnsDefinitions.TaskAsync(app, dossier, "check");
        Assert.Equal((confirm.Instance, expected, false), (check.Instance, check.Columns, check.RolledUp));

        // Plain SQL, as an import or a tool writes: an open task, and a task closed with its facts (counted).
        var opened = new DateTimeOffset(2026, 3, 3, 9, 0, 0, TimeSpan.FromHours(7));
        var (plain, closed) = (Guid.NewGuid(), Guid.NewGuid());
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<WorkflowsDbContext>();
            await InsertTaskAsync(db, plain, dossier, opened, closedAt: null);
            await InsertTaskAsync(db, closed, dossier, opened, closedAt: opened.AddHours(2));
        }

        var (plainRow, closedRow) = (await TaskColumnsDefinitions.TaskAsync(app, plain), await TaskColumnsDefinitions.TaskAsync(app, closed));
        Assert.Equal((expected, false), (plainRow.Columns, plainRow.RolledUp));
        Assert.Equal((expected, true), (closedRow.Columns, closedRow.RolledUp));

        // A task written before its dossier in one transaction: the dossier's insert fills it.
        var (instance, early) = (Guid.NewGuid(), Guid.NewGuid());
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<WorkflowsDbContext>();
            await using var transaction = await db.Database.BeginTransactionAsync();
            db.Instances.Add(new InstanceRow { Id = instance, DefinitionCode = "S.1001", DefinitionVersion = 1, Status = "running", Data = "{}", Tokens = "[]", CreatedAt = opened, UpdatedAt = opened, Version = 1 });
            await db.SaveChangesAsync();
            await InsertTaskAsync(db, early, instance, opened, closedAt: null);
            db.Dossiers.Add(new DossierRow
            {
                Id = instance, Code = "TASKCOLUMNS-EARLY", IntakeClient = "task-columns-test", ExternalCode = "E-1", PayloadHash = new string('0', 64),
                ProcedureCode = "S.1001", ProcedureVersion = 1, ProcedureName = "Thủ tục nhập tay", ApplicantName = "Phạm Văn G", Channel = "postal",
                ReceptionPoint = "ward-2", ReceivedAt = opened, CountingFrom = opened, OriginalDueAt = opened.AddDays(10), DueAt = opened.AddDays(10), Status = 2,
                Documents = "[]", DocumentCount = 0, CreatedAt = opened, UpdatedAt = opened, RowVersion = 1,
            });
            await db.SaveChangesAsync();
            await transaction.CommitAsync();
        }

        var filled = await TaskColumnsDefinitions.TaskAsync(app, early);
        (Guid?, string?, string?, string?) own = (instance, "S.1001", "Thủ tục nhập tay", "postal");
        Assert.Equal((own, false), (filled.Columns, filled.RolledUp));
    }

    // A task row by plain SQL, without the report columns and rolled_up (left to their defaults).
    private async Task InsertTaskAsync(WorkflowsDbContext db, Guid id, Guid instance, DateTimeOffset opened, DateTimeOffset? closedAt)
    {
        var sqlite = database.Provider == "Sqlite";
        object Instant(DateTimeOffset value) => sqlite ? BulkRows.SqliteInstant(value) : value.ToUniversalTime();
        object Id(Guid value) => sqlite ? value.ToString().ToUpperInvariant() : value;
        if (closedAt is not { } closed)
        {
            await db.Database.ExecuteSqlRawAsync(
                "INSERT INTO tasks (id, instance_id, node_id, department, state, opened_at, due_at, row_version) VALUES ({0}, {1}, 'imported', 'urban-management', 'open', {2}, {3}, 0)",
                Id(id), Id(instance), Instant(opened), Instant(opened.AddDays(1)));
            return;
        }

        await db.Database.ExecuteSqlRawAsync(
            "INSERT INTO tasks (id, instance_id, node_id, department, state, opened_at, due_at, closed_at, worked_minutes, allotted_minutes, timeliness, row_version) "
            + "VALUES ({0}, {1}, 'imported', 'urban-management', 'completed', {2}, {3}, {4}, 120, 480, 0, 0)",
            Id(id), Id(instance), Instant(opened), Instant(opened.AddDays(1)), Instant(closed));
    }
}

/// <summary>A procedure whose second node is a two-step sub-process, and the reads the tests share.</summary>
internal static class TaskColumnsDefinitions
{
    public const string Parent = "S.1001";
    public const string ParentName = "Thủ tục thử: liên thông hai bước";

    private static readonly Lazy<string> Folder = new(() => TestFolders.Write(
        "task-columns",
        """
        [
          { "id": "one-stop-desk", "name": "Bộ phận Một cửa", "kind": "desk" },
          { "id": "urban-management", "name": "Phòng Quản lý đô thị" },
          { "id": "leadership", "name": "Lãnh đạo" }
        ]
        """,
        [
            ("S.1001-lien-thong.json", $$"""
                {
                  "schemaVersion": 1, "code": "S.1001", "version": 1, "effectiveFrom": "2026-01-01", "name": "{{ParentName}}",
                  "legalTimeLimit": { "value": 5, "unit": "workingDays" }, "committedTimeLimit": { "value": 5, "unit": "workingDays" },
                  "flowchart": {
                    "nodes": [
                      { "type": "Start", "id": "start" },
                      { "type": "Step", "id": "receive", "name": "Tiếp nhận hồ sơ", "department": "one-stop-desk", "allottedTime": { "value": 0.5, "unit": "workingDays" } },
                      { "type": "SubProcess", "id": "consult", "name": "Lấy ý kiến liên thông", "procedure": "S.1002" },
                      { "type": "Step", "id": "sign", "name": "Ký duyệt", "department": "leadership", "allottedTime": { "value": 1, "unit": "workingDays" }, "outcomes": [ "approved" ] },
                      { "type": "End", "id": "issued", "result": "issued" }
                    ],
                    "connections": [
                      { "from": "start", "to": "receive" },
                      { "from": "receive", "to": "consult", "outcome": "approved" },
                      { "from": "consult", "to": "sign" },
                      { "from": "sign", "to": "issued", "outcome": "approved" }
                    ]
                  }
                }
                """),
            ("S.1002-y-kien.json", """
                {
                  "schemaVersion": 1, "code": "S.1002", "version": 1, "effectiveFrom": "2026-01-01", "name": "Thủ tục thử: ý kiến hai bước",
                  "legalTimeLimit": { "value": 2, "unit": "workingDays" }, "committedTimeLimit": { "value": 2, "unit": "workingDays" },
                  "flowchart": {
                    "nodes": [
                      { "type": "Start", "id": "start" },
                      { "type": "Step", "id": "confirm", "name": "Xác nhận", "department": "urban-management", "allottedTime": { "value": 1, "unit": "workingDays" }, "outcomes": [ "approved" ] },
                      { "type": "Step", "id": "check", "name": "Kiểm tra", "department": "urban-management", "allottedTime": { "value": 1, "unit": "workingDays" }, "outcomes": [ "approved" ] },
                      { "type": "End", "id": "issued", "result": "issued" }
                    ],
                    "connections": [
                      { "from": "start", "to": "confirm" },
                      { "from": "confirm", "to": "check", "outcome": "approved" },
                      { "from": "check", "to": "issued", "outcome": "approved" }
                    ]
                  }
                }
                """),
        ]));

    public static string Path => Folder.Value;

    public static async Task<Guid> DossierAsync(WorkflowsApp app, string code)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<WorkflowsDbContext>().Dossiers.AsNoTracking().Where(d => d.Code == code).Select(d => d.Id).SingleAsync();
    }

    /// <summary>The task at <paramref name="step"/> of the dossier's instance or of its sub-process.</summary>
    public static async Task<StoredTask> TaskAsync(WorkflowsApp app, Guid dossier, string step)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<WorkflowsDbContext>();
        var id = await db.Tasks.AsNoTracking()
            .Where(t => t.NodeId == step && db.Instances.Any(i => i.Id == t.InstanceId && (i.Id == dossier || i.ParentInstanceId == dossier)))
            .Select(t => t.Id).SingleAsync();
        return await TaskAsync(app, id);
    }

    public static async Task<StoredTask> TaskAsync(WorkflowsApp app, Guid id)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var row = await scope.ServiceProvider.GetRequiredService<WorkflowsDbContext>().Tasks.AsNoTracking().SingleAsync(t => t.Id == id);
        return new StoredTask(row.Id, row.InstanceId, (row.DossierId, row.ProcedureCode, row.ProcedureName, row.Channel), row.RolledUp);
    }

    public static async Task CompleteAsync(WorkflowsApp app, Guid task, string key)
    {
        using var client = app.ClientWithKey(key);
        var response = await client.PostAsJsonAsync($"/api/tasks/{task}/complete", new { outcome = "approved" });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }
}

internal sealed record StoredTask(Guid Id, Guid Instance, (Guid? Dossier, string? Procedure, string? Name, string? Channel) Columns, bool RolledUp);

public sealed class SqliteHostWrittenTaskColumnsTests(SqliteDatabase database) : HostWrittenTaskColumnsTests(database), IClassFixture<SqliteDatabase>;

public sealed class PostgresHostWrittenTaskColumnsTests(PostgresDatabase database) : HostWrittenTaskColumnsTests(database), IClassFixture<PostgresDatabase>;

public sealed class SqliteTaskColumnsFallbackTests(SqliteDatabase database) : TaskColumnsFallbackTests(database), IClassFixture<SqliteDatabase>;

public sealed class PostgresTaskColumnsFallbackTests(PostgresDatabase database) : TaskColumnsFallbackTests(database), IClassFixture<PostgresDatabase>;
