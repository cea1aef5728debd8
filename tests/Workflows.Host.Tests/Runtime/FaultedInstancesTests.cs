using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Workflows.Host.Intake;
using Workflows.Host.Persistence;
using Workflows.Host.Tests.Intake;
using Workflows.Host.Tests.Support;

namespace Workflows.Host.Tests.Runtime;

/// <summary>
/// Decisions that fail or run out of their limits: the dossier is faulted quickly, counted, listed, shown to the desk,
/// and an administrator retries it after publishing a fixed definition. On SQLite and PostgreSQL.
/// </summary>
public abstract class FaultedInstancesTests(DatabaseFixture database)
{
    /// <summary>
    /// One built-in call over 242,000 elements (the floor area of 120.5 m² times 2,000): Jint 2 ran such a join for
    /// 18-30 s between two statement checks. It depends on the data, so the validator's dry run without data passes it.
    /// </summary>
    internal const string HeavyExpression = "new Array(Math.round(data.floorArea) * 2000).join('ab').length > 0 ? 'large' : 'small'";

    [Fact]
    public async Task A_decision_with_a_heavy_builtin_call_faults_the_dossier_within_a_second_and_is_counted_and_listed()
    {
        await using var app = new WorkflowsApp(database, clock: new ManualClock(IntakeTests.ReceivedAt.AddHours(1)));
        using var admin = app.ClientWithKey(WorkflowsApp.AdministratorKey);
        await PublishAsync(app, "F.0001", HeavyExpression);
        var faultedBefore = await FaultedCountAsync(admin);
        using var intake = app.ClientWithKey(WorkflowsApp.IntakeKey);
        var externalCode = IntakeTests.NewExternalCode();

        var watch = Stopwatch.StartNew();
        var response = await intake.PostAsJsonAsync("/api/intake/dossiers", IntakeTests.Body(externalCode, "F.0001"));
        watch.Stop();

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(1), $"The intake answered after {watch.Elapsed.TotalMilliseconds:0} ms.");
        var code = (string)(await response.Content.ReadFromJsonAsync<JsonObject>())!["dossierCode"]!;
        Assert.Equal(faultedBefore + 1, await FaultedCountAsync(admin));
        var listed = Assert.Single((await admin.GetFromJsonAsync<JsonArray>("/api/runtime/faulted"))!, f => (string?)f!["dossierCode"] == code)!;
        Assert.Equal(("check", "F.0001", 1), ((string?)listed["nodeId"], (string?)listed["procedureCode"], (int?)listed["procedureVersion"]));
        Assert.Matches("memory|longer than", (string)listed["reason"]!);

        // The desk reads the fault on the dossier, and its intake system hears of it.
        var dossier = (await admin.GetFromJsonAsync<JsonObject>($"/api/dossiers/{code}"))!;
        Assert.Equal("check", (string?)dossier["fault"]!["nodeId"]);
        Assert.Contains("quản trị viên", (string)dossier["fault"]!["message"]!, StringComparison.Ordinal);
        var messages = await StatusMessagesAsync(app, code);
        Assert.Contains(messages, m => (string?)m["fault"]?["nodeId"] == "check");
    }

    [Fact]
    public async Task An_administrator_retries_a_faulted_dossier_on_the_fixed_version_and_it_continues()
    {
        await using var app = new WorkflowsApp(database, clock: new ManualClock(IntakeTests.ReceivedAt.AddHours(1)));
        using var admin = app.ClientWithKey(WorkflowsApp.AdministratorKey);
        await PublishAsync(app, "F.0002", "data.owner.isOrganisation ? 'large' : 'small'");
        using var intake = app.ClientWithKey(WorkflowsApp.IntakeKey);
        var created = await intake.PostAsJsonAsync("/api/intake/dossiers", IntakeTests.Body(IntakeTests.NewExternalCode(), "F.0002"));
        var code = (string)(await created.Content.ReadFromJsonAsync<JsonObject>())!["dossierCode"]!;
        var faulted = Assert.Single((await admin.GetFromJsonAsync<JsonArray>("/api/runtime/faulted"))!, f => (string?)f!["dossierCode"] == code)!;
        var id = (string)faulted["instanceId"]!;
        Assert.Contains("TypeError", (string)faulted["reason"]!, StringComparison.Ordinal);

        // Retried on its own broken version, it faults again and stays listed.
        var again = await admin.PostAsJsonAsync($"/api/runtime/faulted/{id}/retry", new { version = 1 });
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal("faulted", (string?)(await again.Content.ReadFromJsonAsync<JsonObject>())!["status"]);

        await PublishAsync(app, "F.0002", "data.floorArea > 250 ? 'large' : 'small'");
        Assert.Equal(2, (int?)Assert.Single((await admin.GetFromJsonAsync<JsonArray>("/api/runtime/faulted"))!, f => (string?)f!["instanceId"] == id)!["latestPublishedVersion"]);
        var retried = await admin.PostAsJsonAsync($"/api/runtime/faulted/{id}/retry", new { });

        Assert.Equal(HttpStatusCode.OK, retried.StatusCode);
        var result = (await retried.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal(("running", 2), ((string?)result["status"], (int?)result["procedureVersion"]));
        Assert.DoesNotContain((await admin.GetFromJsonAsync<JsonArray>("/api/runtime/faulted"))!, f => (string?)f!["instanceId"] == id);
        var dossier = (await admin.GetFromJsonAsync<JsonObject>($"/api/dossiers/{code}"))!;
        Assert.Null(dossier["fault"]);
        Assert.Equal((2, 2), ((int?)dossier["status"], (int?)dossier["procedure"]!["version"]));
        Assert.Equal("receive", (string?)Assert.Single(dossier["currentSteps"]!.AsArray())!["nodeId"]);

        // The desk's officer works it on from there.
        using var desk = app.ClientWithKey(WorkflowsApp.DeskOfficerKey);
        var task = Assert.Single((await desk.GetFromJsonAsync<JsonObject>("/api/tasks?pageSize=200"))!["items"]!.AsArray(), t => (string?)t!["instanceId"] == id)!;
        var completed = await desk.PostAsJsonAsync($"/api/tasks/{(string)task["id"]!}/complete", new { outcome = "approved" });
        Assert.Equal(HttpStatusCode.OK, completed.StatusCode);
        Assert.Equal(4, (int?)(await admin.GetFromJsonAsync<JsonObject>($"/api/dossiers/{code}"))!["status"]);

        var done = await admin.PostAsJsonAsync($"/api/runtime/faulted/{id}/retry", new { });
        Assert.Equal(HttpStatusCode.Conflict, done.StatusCode);
    }

    [Fact]
    public async Task A_retry_on_a_version_without_the_node_the_dossier_stands_on_is_refused_and_the_dossier_stays_faulted()
    {
        await using var app = new WorkflowsApp(database, clock: new ManualClock(IntakeTests.ReceivedAt.AddHours(1)));
        using var admin = app.ClientWithKey(WorkflowsApp.AdministratorKey);
        await PublishAsync(app, "F.0003", "data.owner.isOrganisation ? 'large' : 'small'");
        using var intake = app.ClientWithKey(WorkflowsApp.IntakeKey);
        var created = await intake.PostAsJsonAsync("/api/intake/dossiers", IntakeTests.Body(IntakeTests.NewExternalCode(), "F.0003"));
        var code = (string)(await created.Content.ReadFromJsonAsync<JsonObject>())!["dossierCode"]!;
        var id = (string)Assert.Single((await admin.GetFromJsonAsync<JsonArray>("/api/runtime/faulted"))!, f => (string?)f!["dossierCode"] == code)!["instanceId"]!;
        var renamed = Procedure("F.0003", "data.floorArea > 250 ? 'large' : 'small'");
        renamed["flowchart"] = JsonNode.Parse(renamed["flowchart"]!.ToJsonString().Replace("\"check\"", "\"sizeCheck\"", StringComparison.Ordinal));
        await PublishAsync(app, renamed);

        var refused = await admin.PostAsJsonAsync($"/api/runtime/faulted/{id}/retry", new { });
        var unknownVersion = await admin.PostAsJsonAsync($"/api/runtime/faulted/{id}/retry", new { version = 9 });

        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Contains("'check'", (string)(await refused.Content.ReadFromJsonAsync<JsonObject>())!["detail"]!, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, unknownVersion.StatusCode);
        Assert.NotNull((await unknownVersion.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!["version"]);
        Assert.Contains((await admin.GetFromJsonAsync<JsonArray>("/api/runtime/faulted"))!, f => (string?)f!["instanceId"] == id);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.PostAsJsonAsync($"/api/runtime/faulted/{Guid.NewGuid()}/retry", new { })).StatusCode);
    }

    [Fact]
    public async Task A_script_error_keeps_its_kind_and_node_but_no_personal_data_in_the_journal_or_the_fault()
    {
        await using var app = new WorkflowsApp(database, clock: new ManualClock(IntakeTests.ReceivedAt.AddHours(1)));
        using var admin = app.ClientWithKey(WorkflowsApp.AdministratorKey);
        await PublishAsync(app, "F.0004", "(function () { throw new Error(JSON.stringify(data)); })()");
        using var intake = app.ClientWithKey(WorkflowsApp.IntakeKey);
        var created = await intake.PostAsJsonAsync("/api/intake/dossiers", IntakeTests.Body(IntakeTests.NewExternalCode(), "F.0004", applicant: "Trần Thị Bích Ngọc"));
        var code = (string)(await created.Content.ReadFromJsonAsync<JsonObject>())!["dossierCode"]!;

        using var scope = app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<WorkflowsDbContext>();
        var row = await db.Dossiers.AsNoTracking().SingleAsync(d => d.Code == code);
        var journal = await db.Journal.AsNoTracking().Where(j => j.InstanceId == row.Id).ToListAsync();
        var fault = Assert.Single(journal, j => j.Kind == "faulted");
        Assert.Equal("check", fault.NodeId);
        Assert.Contains("Error", fault.Detail, StringComparison.Ordinal);
        var instance = await db.Instances.AsNoTracking().SingleAsync(i => i.Id == row.Id);
        var written = string.Join('\n', journal.Select(j => $"{j.Outcome} {j.Note} {j.Detail}")) + instance.Fault
            + string.Join('\n', (await admin.GetFromJsonAsync<JsonArray>("/api/runtime/faulted"))!.Select(f => f!.ToJsonString()))
            + string.Join('\n', (await StatusMessagesAsync(app, code)).Select(m => m["fault"]?.ToJsonString()));
        foreach (var personal in new[] { "Trần Thị Bích Ngọc", "001203004005", "0912345678", "12 Trần Phú", "floorArea" })
        {
            Assert.DoesNotContain(personal, written, StringComparison.Ordinal);
        }
    }

    /// <summary>T.0001 with a decision between the start and the first step.</summary>
    internal static JsonObject Procedure(string code, string expression)
    {
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(WorkflowsApp.SampleDefinitions, "procedures", "T.0001-thu-tuc-thu.json")))!.AsObject();
        json["code"] = code;
        json["name"] = "Thủ tục thử: quyết định theo diện tích";
        var flowchart = json["flowchart"]!;
        flowchart["nodes"]!.AsArray().Insert(1, new JsonObject
        {
            ["type"] = "Decision", ["id"] = "check", ["name"] = "Công trình lớn?", ["expression"] = expression, ["outcomes"] = new JsonArray("large", "small"),
        });
        var connections = flowchart["connections"]!.AsArray();
        connections.RemoveAt(0);
        connections.Insert(0, JsonNode.Parse("""{ "from": "start", "to": "check" }"""));
        connections.Insert(1, JsonNode.Parse("""{ "from": "check", "to": "receive", "outcome": "large" }"""));
        connections.Insert(2, JsonNode.Parse("""{ "from": "check", "to": "receive", "outcome": "small" }"""));
        return json;
    }

    internal static Task PublishAsync(WorkflowsApp app, string code, string expression) => PublishAsync(app, Procedure(code, expression));

    internal static async Task PublishAsync(WorkflowsApp app, JsonObject procedure)
    {
        using var designer = app.ClientWithKey(WorkflowsApp.DesignerKey);
        var draft = await designer.PostAsync(new Uri("/api/definitions", UriKind.Relative), new StringContent(procedure.ToJsonString(), Encoding.UTF8, "application/json"));
        Assert.True(draft.IsSuccessStatusCode, await draft.Content.ReadAsStringAsync());
        var published = await designer.PostAsync(new Uri($"/api/definitions/{(string)procedure["code"]!}/draft/publish", UriKind.Relative), null);
        Assert.True(published.IsSuccessStatusCode, await published.Content.ReadAsStringAsync());
    }

    private static async Task<int> FaultedCountAsync(HttpClient admin) =>
        (int)(await admin.GetFromJsonAsync<JsonObject>("/api/runtime/status"))!["faultedInstances"]!;

    private static async Task<List<JsonNode>> StatusMessagesAsync(WorkflowsApp app, string code)
    {
        using var scope = app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<WorkflowsDbContext>();
        var id = await db.Dossiers.AsNoTracking().Where(d => d.Code == code).Select(d => d.Id).SingleAsync();
        var payloads = await db.Outbox.AsNoTracking().Where(o => o.InstanceId == id && o.Kind == "statusChanged").Select(o => o.Payload).ToListAsync();
        return payloads.Select(p => JsonNode.Parse(p)!).ToList();
    }
}

public sealed class SqliteFaultedInstancesTests(SqliteDatabase database) : FaultedInstancesTests(database), IClassFixture<SqliteDatabase>;

public sealed class PostgresFaultedInstancesTests(PostgresDatabase database) : FaultedInstancesTests(database), IClassFixture<PostgresDatabase>;
