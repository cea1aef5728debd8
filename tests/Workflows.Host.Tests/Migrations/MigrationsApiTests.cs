using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Workflows.Host.Migrations;
using Workflows.Host.Persistence;
using Workflows.Host.Tests.Intake;
using Workflows.Host.Tests.Runtime;
using Workflows.Host.Tests.Support;

namespace Workflows.Host.Tests.Migrations;

/// <summary>
/// Moving running dossiers to a newly published version: the dry run, the run applied by the worker in batches, the
/// dossiers that cannot move, and a run resumed after a restart. On SQLite and PostgreSQL.
/// </summary>
public abstract class MigrationsApiTests(DatabaseFixture database)
{
    [Fact]
    public async Task A_running_dossier_moved_to_a_version_with_an_added_step_continues_on_the_new_flow()
    {
        await using var app = new WorkflowsApp(database, clock: new ManualClock(IntakeTests.ReceivedAt.AddHours(1)));
        using var admin = app.ClientWithKey(WorkflowsApp.AdministratorKey);
        await FaultedInstancesTests.PublishAsync(app, Procedure("M.0001"));
        var code = await TestFolders.ReceiveAsync(app, "M.0001");
        var before = await OpenTaskAsync(app, code);
        await FaultedInstancesTests.PublishAsync(app, WithCheckAfterReceive(Procedure("M.0001")));

        var dryRun = await admin.PostAsJsonAsync("/api/definitions/M.0001/migrations/dry-run", new { fromVersion = 1, toVersion = 2 });
        Assert.Equal(HttpStatusCode.OK, dryRun.StatusCode);
        var plan = (await dryRun.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal((1, 1, 0), ((int)plan["instances"]!, (int)plan["movable"]!, (int)plan["blocked"]!));
        var listed = Assert.Single(plan["moves"]!.AsArray())!;
        Assert.Equal(code, (string?)listed["dossierCode"]);
        Assert.Equal("receive", (string?)Assert.Single(listed["currentNodes"]!.AsArray()));
        Assert.Equal(("receive", "receive"), ((string?)listed["moves"]![0]!["from"], (string?)listed["moves"]![0]!["to"]));
        Assert.Empty(plan["cannotMove"]!.AsArray());
        Assert.Equal(1, await VersionOfAsync(app, code)); // a dry run saves nothing

        var started = await admin.PostAsJsonAsync("/api/definitions/M.0001/migrations", new { fromVersion = 1, toVersion = 2 });
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        var run = (await started.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal(("running", 1), ((string?)run["state"], (int)run["pending"]!));
        var second = await admin.PostAsJsonAsync("/api/definitions/M.0001/migrations", new { fromVersion = 1, toVersion = 2 });
        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);

        var pass = await app.Services.GetRequiredService<MigrationWorker>().RunOnceAsync();

        Assert.Equal((1, 0, 0, true), (pass.Moved, pass.Skipped, pass.Failed, pass.Completed));
        var progress = (await admin.GetFromJsonAsync<JsonObject>($"/api/definitions/M.0001/migrations/{(string)run["id"]!}"))!;
        Assert.Equal(("completed", 1, 0, 0), ((string?)progress["state"], (int)progress["moved"]!, (int)progress["skipped"]!, (int)progress["pending"]!));
        var outcome = Assert.Single(progress["outcomes"]!["items"]!.AsArray())!;
        Assert.Equal((code, "moved", "receive → receive"), ((string?)outcome["dossierCode"], (string?)outcome["outcome"], (string?)outcome["moves"]));
        var dossier = (await admin.GetFromJsonAsync<JsonObject>($"/api/dossiers/{code}"))!;
        Assert.Equal(2, (int?)dossier["procedure"]!["version"]);

        // The desk still has the step in its queue, due when it was due, and completing it follows version 2.
        using var desk = app.ClientWithKey(WorkflowsApp.DeskOfficerKey);
        var queued = Assert.Single((await desk.GetFromJsonAsync<JsonObject>("/api/tasks?pageSize=200"))!["items"]!.AsArray(), t => (string?)t!["dossierCode"] == code)!;
        Assert.Equal(before.DueAt, (DateTimeOffset)queued["dueAt"]!);
        Assert.Equal(("receive", 2), ((string?)queued["stepId"], (int?)queued["procedureVersion"]));
        var completed = await desk.PostAsJsonAsync($"/api/tasks/{(string)queued["id"]!}/complete", new { outcome = "approved" });
        Assert.Equal(HttpStatusCode.OK, completed.StatusCode);
        var after = (await admin.GetFromJsonAsync<JsonObject>($"/api/dossiers/{code}"))!;
        Assert.Equal("check", (string?)Assert.Single(after["currentSteps"]!.AsArray())!["nodeId"]);
        using var construction = app.ClientWithKey(WorkflowsApp.UrbanOfficerKey);
        Assert.Contains((await construction.GetFromJsonAsync<JsonObject>("/api/tasks?pageSize=200"))!["items"]!.AsArray(),
            t => (string?)t!["dossierCode"] == code && (string?)t["stepId"] == "check");
        Assert.Equal(1, await JournalCountAsync(app, code, "migrated"));
    }

    [Fact]
    public async Task A_dossier_on_a_removed_node_without_a_map_entry_cannot_move_and_stays_on_its_version()
    {
        await using var app = new WorkflowsApp(database, clock: new ManualClock(IntakeTests.ReceivedAt.AddHours(1)));
        using var admin = app.ClientWithKey(WorkflowsApp.AdministratorKey);
        await FaultedInstancesTests.PublishAsync(app, Procedure("M.0002"));
        var atReceive = await TestFolders.ReceiveAsync(app, "M.0002");
        var atReview = await TestFolders.ReceiveAsync(app, "M.0002");
        await TestFolders.CompleteStepAsync(app, atReview, "receive", WorkflowsApp.DeskOfficerKey, "approved", null);
        await FaultedInstancesTests.PublishAsync(app, Renamed(Procedure("M.0002"), "review", "appraise"));

        var plan = (await (await admin.PostAsJsonAsync("/api/definitions/M.0002/migrations/dry-run", new { fromVersion = 1, toVersion = 2 }))
            .Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal((2, 1, 1), ((int)plan["instances"]!, (int)plan["movable"]!, (int)plan["blocked"]!));
        Assert.Equal(atReceive, (string?)Assert.Single(plan["moves"]!.AsArray())!["dossierCode"]);
        var blocked = Assert.Single(plan["cannotMove"]!.AsArray())!;
        Assert.Equal(atReview, (string?)blocked["dossierCode"]);
        var reason = Assert.Single(blocked["reasons"]!.AsArray())!;
        Assert.Equal("review", (string?)reason["nodeId"]);
        Assert.Contains("removed", (string)reason["reason"]!, StringComparison.Ordinal);

        // With the map, both would move; a map to a node the new version lacks is refused by field.
        var mapped = (await (await admin.PostAsJsonAsync("/api/definitions/M.0002/migrations/dry-run",
            new { fromVersion = 1, toVersion = 2, nodeMap = new Dictionary<string, string> { ["review"] = "appraise" } })).Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal((2, 0), ((int)mapped["movable"]!, (int)mapped["blocked"]!));
        var wrongMap = await admin.PostAsJsonAsync("/api/definitions/M.0002/migrations/dry-run",
            new { fromVersion = 1, toVersion = 2, nodeMap = new Dictionary<string, string> { ["review"] = "nowhere" } });
        Assert.Equal(HttpStatusCode.BadRequest, wrongMap.StatusCode);
        Assert.NotNull((await wrongMap.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!["nodeMap.review"]);
        var unpublished = await admin.PostAsJsonAsync("/api/definitions/M.0002/migrations/dry-run", new { fromVersion = 1, toVersion = 3 });
        Assert.Equal(HttpStatusCode.BadRequest, unpublished.StatusCode);
        Assert.NotNull((await unpublished.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!["toVersion"]);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.PostAsJsonAsync("/api/definitions/X.9999/migrations/dry-run", new { fromVersion = 1, toVersion = 2 })).StatusCode);
        using (var designer = app.ClientWithKey(WorkflowsApp.DesignerKey))
        {
            Assert.Equal(HttpStatusCode.Forbidden, (await designer.PostAsJsonAsync("/api/definitions/M.0002/migrations/dry-run", new { fromVersion = 1, toVersion = 2 })).StatusCode);
        }

        var run = (await (await admin.PostAsJsonAsync("/api/definitions/M.0002/migrations", new { fromVersion = 1, toVersion = 2 })).Content.ReadFromJsonAsync<JsonObject>())!;
        var pass = await app.Services.GetRequiredService<MigrationWorker>().RunOnceAsync();

        Assert.Equal((1, 1, true), (pass.Moved, pass.Skipped, pass.Completed));
        var skipped = (await admin.GetFromJsonAsync<JsonObject>($"/api/definitions/M.0002/migrations/{(string)run["id"]!}?outcome=skipped"))!;
        Assert.Equal((1, 1), ((int)skipped["moved"]!, (int)skipped["skipped"]!));
        var outcome = Assert.Single(skipped["outcomes"]!["items"]!.AsArray())!;
        Assert.Equal(atReview, (string?)outcome["dossierCode"]);
        Assert.Contains("'review'", (string)outcome["reason"]!, StringComparison.Ordinal);
        Assert.Equal(2, await VersionOfAsync(app, atReceive));
        Assert.Equal(1, await VersionOfAsync(app, atReview));
        Assert.Equal(0, await JournalCountAsync(app, atReview, "migrated"));
        // It goes on on version 1 as before.
        await TestFolders.CompleteStepAsync(app, atReview, "review", WorkflowsApp.UrbanOfficerKey, "approved", null);
        Assert.Equal(9, (int?)(await admin.GetFromJsonAsync<JsonObject>($"/api/dossiers/{atReview}"))!["status"]);
    }

    [Fact]
    public async Task A_migration_stopped_after_one_batch_resumes_after_a_restart_without_moving_a_dossier_twice()
    {
        var settings = new Dictionary<string, string> { ["Migrations:BatchSize"] = "1" };
        var clock = new ManualClock(IntakeTests.ReceivedAt.AddHours(1));
        var codes = new List<string>();
        string runId;
        await using (var app = new WorkflowsApp(database, clock: clock, settings: settings))
        {
            using var admin = app.ClientWithKey(WorkflowsApp.AdministratorKey);
            await FaultedInstancesTests.PublishAsync(app, Procedure("M.0003"));
            for (var i = 0; i < 3; i++)
            {
                codes.Add(await TestFolders.ReceiveAsync(app, "M.0003"));
            }

            await FaultedInstancesTests.PublishAsync(app, WithCheckAfterReceive(Procedure("M.0003")));
            var started = await admin.PostAsJsonAsync("/api/definitions/M.0003/migrations", new { fromVersion = 1, toVersion = 2 });
            runId = (string)(await started.Content.ReadFromJsonAsync<JsonObject>())!["id"]!;

            var first = await app.Services.GetRequiredService<MigrationWorker>().RunOnceAsync();

            Assert.Equal((1, false), (first.Moved, first.Completed));
            var progress = (await admin.GetFromJsonAsync<JsonObject>($"/api/definitions/M.0003/migrations/{runId}"))!;
            Assert.Equal(("running", 1, 2), ((string?)progress["state"], (int)progress["moved"]!, (int)progress["pending"]!));
        }

        // The Host restarts: a new process on the same database continues the run where it stopped.
        await using (var restarted = new WorkflowsApp(database, clock: clock, settings: settings))
        {
            var worker = restarted.Services.GetRequiredService<MigrationWorker>();
            var passes = new List<MigrationPass>();
            for (var pass = await worker.RunOnceAsync(); pass.RunId is not null; pass = await worker.RunOnceAsync())
            {
                passes.Add(pass);
                Assert.True(passes.Count <= 3, "The run should have completed after two more passes.");
            }

            Assert.Equal([1, 1], passes.Select(p => p.Moved));
            Assert.True(passes[^1].Completed);
            using var admin = restarted.ClientWithKey(WorkflowsApp.AdministratorKey);
            var done = (await admin.GetFromJsonAsync<JsonObject>($"/api/definitions/M.0003/migrations/{runId}"))!;
            Assert.Equal(("completed", 3, 3), ((string?)done["state"], (int)done["moved"]!, (int)done["outcomes"]!["total"]!));
            foreach (var code in codes)
            {
                Assert.Equal(2, await VersionOfAsync(restarted, code));
                Assert.Equal(1, await JournalCountAsync(restarted, code, "migrated"));
                Assert.Equal(1, await OpenTaskCountAsync(restarted, code));
            }
        }
    }

    /// <summary>T.0001 (receive at the desk, review by construction) under another code.</summary>
    internal static JsonObject Procedure(string code)
    {
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(WorkflowsApp.SampleDefinitions, "procedures", "T.0001-thu-tuc-thu.json")))!.AsObject();
        json["code"] = code;
        return json;
    }

    /// <summary>A new step "check" (construction) between receive and review.</summary>
    private static JsonObject WithCheckAfterReceive(JsonObject procedure)
    {
        var flowchart = procedure["flowchart"]!;
        flowchart["nodes"]!.AsArray().Insert(2, JsonNode.Parse("""
            { "type": "Step", "id": "check", "name": "Kiểm tra hiện trạng", "department": "construction", "allottedTime": { "value": 1, "unit": "workingDays" } }
            """));
        var connections = flowchart["connections"]!.AsArray();
        connections.RemoveAt(1);
        connections.Insert(1, JsonNode.Parse("""{ "from": "receive", "to": "check", "outcome": "approved" }"""));
        connections.Insert(2, JsonNode.Parse("""{ "from": "check", "to": "review", "outcome": "approved" }"""));
        return procedure;
    }

    internal static JsonObject Renamed(JsonObject procedure, string from, string to) =>
        JsonNode.Parse(procedure.ToJsonString().Replace($"\"{from}\"", $"\"{to}\"", StringComparison.Ordinal))!.AsObject();

    private static async Task<TaskRow> OpenTaskAsync(WorkflowsApp app, string code)
    {
        using var scope = app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<WorkflowsDbContext>();
        var id = await db.Dossiers.AsNoTracking().Where(d => d.Code == code).Select(d => d.Id).SingleAsync();
        return await db.Tasks.AsNoTracking().SingleAsync(t => t.InstanceId == id && t.State == TaskStates.Open);
    }

    private static async Task<int> OpenTaskCountAsync(WorkflowsApp app, string code)
    {
        using var scope = app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<WorkflowsDbContext>();
        var id = await db.Dossiers.AsNoTracking().Where(d => d.Code == code).Select(d => d.Id).SingleAsync();
        return await db.Tasks.AsNoTracking().CountAsync(t => t.InstanceId == id && t.State == TaskStates.Open);
    }

    private static async Task<int> VersionOfAsync(WorkflowsApp app, string code)
    {
        using var scope = app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<WorkflowsDbContext>();
        var id = await db.Dossiers.AsNoTracking().Where(d => d.Code == code).Select(d => d.Id).SingleAsync();
        var version = await db.Instances.AsNoTracking().Where(i => i.Id == id).Select(i => i.DefinitionVersion).SingleAsync();
        Assert.Equal(version, await db.Dossiers.AsNoTracking().Where(d => d.Id == id).Select(d => d.ProcedureVersion).SingleAsync());
        return version;
    }

    private static async Task<int> JournalCountAsync(WorkflowsApp app, string code, string kind)
    {
        using var scope = app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<WorkflowsDbContext>();
        var id = await db.Dossiers.AsNoTracking().Where(d => d.Code == code).Select(d => d.Id).SingleAsync();
        return await db.Journal.AsNoTracking().CountAsync(j => j.InstanceId == id && j.Kind == kind);
    }
}

public sealed class SqliteMigrationsApiTests(SqliteDatabase database) : MigrationsApiTests(database), IClassFixture<SqliteDatabase>;

public sealed class PostgresMigrationsApiTests(PostgresDatabase database) : MigrationsApiTests(database), IClassFixture<PostgresDatabase>;
