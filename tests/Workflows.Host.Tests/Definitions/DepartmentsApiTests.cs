using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Workflows.Host.Tests.Support;

namespace Workflows.Host.Tests.Definitions;

/// <summary>
/// Administrators keep the departments: created, renamed and deactivated through the API, seeded from departments.json
/// without undoing their edits, and read by every place that names a department (pickers, principals, the validator).
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "xunit disposes the app through IAsyncLifetime.DisposeAsync.")]
public abstract class DepartmentsApiTests(DatabaseFixture database) : IAsyncLifetime
{
    private WorkflowsApp app = null!;
    private HttpClient admin = null!;

    public Task InitializeAsync()
    {
        app = new WorkflowsApp(database);
        admin = app.ClientWithKey(WorkflowsApp.AdministratorKey);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        admin.Dispose();
        await app.DisposeAsync();
    }

    [Fact]
    public async Task A_created_department_is_listed_given_to_officers_and_named_by_steps()
    {
        var id = NewId("phong-moi");
        var created = await admin.PostAsJsonAsync("/api/departments", new { id, name = "Phòng Văn hóa và Thông tin", kind = "department", parent = "construction", level = 1 });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("\"1\"", created.Headers.ETag?.Tag);

        using var officer = app.ClientWithKey(WorkflowsApp.DeskOfficerKey);
        var listed = (await officer.GetFromJsonAsync<JsonArray>("/api/departments"))!.Single(d => (string?)d!["id"] == id)!;
        Assert.Equal("Phòng Văn hóa và Thông tin", (string?)listed["name"]);
        Assert.Equal("construction", (string?)listed["parent"]);
        Assert.True((bool)listed["active"]!);

        // Principals may be given it, and a step may name it (the validator knows it) as soon as it is created.
        var principal = await admin.PostAsJsonAsync("/api/principals", new { name = NewId("canbo"), roles = new[] { "officer" }, departments = new[] { id } });
        Assert.Equal(HttpStatusCode.Created, principal.StatusCode);
        using var designer = app.ClientWithKey(WorkflowsApp.DesignerKey);
        var draft = await designer.PostAsync("/api/definitions/import", Json(Procedure(NewCode(), id)));
        Assert.Equal(HttpStatusCode.Created, draft.StatusCode);
        var problems = (await draft.Content.ReadFromJsonAsync<JsonObject>())!["problems"]?.AsArray() ?? [];
        Assert.DoesNotContain(problems, p => p!.ToJsonString().Contains("department", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task Bad_departments_are_refused_naming_the_field()
    {
        var badId = await admin.PostAsJsonAsync("/api/departments", new { id = "Phòng Mới", name = "Phòng mới", kind = "department" });
        Assert.Equal(HttpStatusCode.BadRequest, badId.StatusCode);
        Assert.NotNull((await badId.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!["id"]);

        var noName = await admin.PostAsJsonAsync("/api/departments", new { id = NewId("x"), name = "  ", kind = "ministry", parent = "khong-co" });
        Assert.Equal(HttpStatusCode.BadRequest, noName.StatusCode);
        var errors = (await noName.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!;
        Assert.NotNull(errors["name"]);
        Assert.NotNull(errors["kind"]);
        Assert.NotNull(errors["parent"]);

        var duplicate = await admin.PostAsJsonAsync("/api/departments", new { id = "construction", name = "Sở Xây dựng (trùng)", kind = "department" });
        Assert.Equal(HttpStatusCode.Conflict, duplicate.StatusCode);
        Assert.NotNull((await duplicate.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!["id"]);

        using var designer = app.ClientWithKey(WorkflowsApp.DesignerKey);
        var notAdministrator = await designer.PostAsJsonAsync("/api/departments", new { id = NewId("y"), name = "Phòng Y", kind = "department" });
        Assert.Equal(HttpStatusCode.Forbidden, notAdministrator.StatusCode);
    }

    [Fact]
    public async Task A_rename_is_printed_everywhere_and_an_edit_of_an_older_revision_is_refused()
    {
        var id = NewId("doi-ten");
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsJsonAsync("/api/departments", new { id, name = "Phòng cũ", kind = "agency" })).StatusCode);

        var renamed = await Put(id, new { name = "Phòng Tài nguyên", kind = "agency" }, "\"1\"");
        Assert.Equal(HttpStatusCode.OK, renamed.StatusCode);
        Assert.Equal("\"2\"", renamed.Headers.ETag?.Tag);
        var listed = (await admin.GetFromJsonAsync<JsonArray>("/api/departments"))!.Single(d => (string?)d!["id"] == id)!;
        Assert.Equal("Phòng Tài nguyên", (string?)listed["name"]);

        // Someone who read revision 1 saves over it: refused, with who saved since.
        var stale = await Put(id, new { name = "Phòng khác", kind = "agency" }, "\"1\"");
        Assert.Equal(HttpStatusCode.PreconditionFailed, stale.StatusCode);
        var problem = (await stale.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal("quan.tri", (string?)problem["savedBy"]);
        Assert.Equal("\"2\"", (string?)problem["currentETag"]);

        var emptied = await Put(id, new { name = "", kind = "agency" }, null);
        Assert.Equal(HttpStatusCode.BadRequest, emptied.StatusCode);
        Assert.NotNull((await emptied.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!["name"]);
    }

    [Fact]
    public async Task A_department_with_steps_in_a_procedure_in_force_cannot_be_deactivated()
    {
        var refused = await Put("construction", new { name = "Sở Xây dựng", kind = "department", active = false }, null);

        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        var problem = (await refused.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Contains("T.0001", (string?)problem["detail"], StringComparison.Ordinal);
        Assert.Contains("T.0001", problem["procedures"]!.AsArray().Select(p => (string?)p));
        Assert.True((bool)(await admin.GetFromJsonAsync<JsonObject>("/api/departments/construction"))!["active"]!);
    }

    [Fact]
    public async Task A_department_holding_open_tasks_cannot_be_deactivated_and_an_unused_one_can()
    {
        // v1 has its step in the new department; a dossier is received (its task opens there); v2 moves the step away.
        var id = NewId("to-cong-tac");
        var code = NewCode();
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsJsonAsync("/api/departments", new { id, name = "Tổ công tác", kind = "agency" })).StatusCode);
        using var designer = app.ClientWithKey(WorkflowsApp.DesignerKey);
        await PublishAsync(designer, Procedure(code, id));
        await TestFolders.ReceiveAsync(app, code);
        await PublishAsync(designer, Procedure(code, "construction"));

        var refused = await Put(id, new { name = "Tổ công tác", kind = "agency", active = false }, null);
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        var problem = (await refused.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal(1, (int)problem["openTasks"]!);
        Assert.Empty(problem["procedures"]!.AsArray());

        // An unused department is deactivated: gone from the pickers, kept in the full list, no longer given to principals.
        var unused = NewId("khong-dung");
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsJsonAsync("/api/departments", new { id = unused, name = "Phòng không dùng", kind = "agency" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Put(unused, new { name = "Phòng không dùng", kind = "agency", active = false }, "\"1\"")).StatusCode);
        Assert.DoesNotContain((await admin.GetFromJsonAsync<JsonArray>("/api/departments"))!, d => (string?)d!["id"] == unused);
        Assert.False((bool)(await admin.GetFromJsonAsync<JsonArray>("/api/departments?all=true"))!.Single(d => (string?)d!["id"] == unused)!["active"]!);
        var principal = await admin.PostAsJsonAsync("/api/principals", new { name = NewId("canbo"), roles = new[] { "officer" }, departments = new[] { unused } });
        Assert.Equal(HttpStatusCode.BadRequest, principal.StatusCode);
    }

    [Fact]
    public async Task Seeding_adds_new_ids_of_the_file_and_never_undoes_an_administrators_edit()
    {
        var kept = NewId("giu");
        var added = NewId("them");
        var folder = TestFolders.Write("departments-seed", $$"""[ { "id": "{{kept}}", "name": "Tên trong tệp", "kind": "agency" } ]""", []);
        await using (var first = new WorkflowsApp(database, folder))
        {
            using var firstAdmin = first.ClientWithKey(WorkflowsApp.AdministratorKey);
            var renamed = await firstAdmin.PutAsJsonAsync($"/api/departments/{kept}", new { name = "Tên quản trị viên đặt", kind = "agency" });
            Assert.Equal(HttpStatusCode.OK, renamed.StatusCode);
        }

        File.WriteAllText(Path.Combine(folder, "departments.json"), $$"""
            [ { "id": "{{kept}}", "name": "Tên mới trong tệp", "kind": "agency" },
              { "id": "{{added}}", "name": "Phòng mới trong tệp", "kind": "department" } ]
            """);
        await using var second = new WorkflowsApp(database, folder);
        using var secondAdmin = second.ClientWithKey(WorkflowsApp.AdministratorKey);
        var all = (await secondAdmin.GetFromJsonAsync<JsonArray>("/api/departments?all=true"))!;
        Assert.Equal("Tên quản trị viên đặt", (string?)all.Single(d => (string?)d!["id"] == kept)!["name"]);
        Assert.Equal("Phòng mới trong tệp", (string?)all.Single(d => (string?)d!["id"] == added)!["name"]);
    }

    [Fact]
    public async Task A_department_edited_through_one_host_is_seen_by_another_host_within_the_refresh_interval()
    {
        var id = NewId("hai-may");
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsJsonAsync("/api/departments", new { id, name = "Phòng Tư pháp", kind = "department" })).StatusCode);
        // A second Host on the same database with its background loops on, checking every 100 ms; it has read the list.
        await using var other = new WorkflowsApp(database, settings: new Dictionary<string, string>
        {
            ["Runtime:Background"] = "true",
            ["Definitions:DepartmentRefreshInterval"] = "00:00:00.100",
        });
        using var otherAdmin = other.ClientWithKey(WorkflowsApp.AdministratorKey);
        Assert.Equal("Phòng Tư pháp", await NameOnAsync(otherAdmin, id));

        var renamed = await Put(id, new { name = "Phòng Tư pháp và Hộ tịch", kind = "department" }, "\"1\"");
        Assert.Equal(HttpStatusCode.OK, renamed.StatusCode);

        // A real timer in the other process: poll its API until it shows the new name, with a deadline far above 100 ms.
        var deadline = DateTime.UtcNow.AddSeconds(15);
        var seen = await NameOnAsync(otherAdmin, id);
        while (seen != "Phòng Tư pháp và Hộ tịch" && DateTime.UtcNow < deadline)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(50)); // the polling step, not a wait for the outcome
            seen = await NameOnAsync(otherAdmin, id);
        }

        Assert.Equal("Phòng Tư pháp và Hộ tịch", seen);
    }

    private static async Task<string?> NameOnAsync(HttpClient client, string id) =>
        (string?)(await client.GetFromJsonAsync<JsonArray>("/api/departments?all=true"))!.Single(d => (string?)d!["id"] == id)!["name"];

    private async Task<HttpResponseMessage> Put(string id, object body, string? ifMatch)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, $"/api/departments/{id}") { Content = JsonContent.Create(body) };
        if (ifMatch is not null)
        {
            request.Headers.IfMatch.Add(new EntityTagHeaderValue(ifMatch));
        }

        return await admin.SendAsync(request);
    }

    private static async Task PublishAsync(HttpClient designer, JsonObject procedure)
    {
        var imported = await designer.PostAsync("/api/definitions/import", Json(procedure));
        Assert.Equal(HttpStatusCode.Created, imported.StatusCode);
        var published = await designer.PostAsync($"/api/definitions/{procedure["code"]}/draft/publish", null);
        Assert.True(published.IsSuccessStatusCode, await published.Content.ReadAsStringAsync());
    }

    private static string NewId(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 9)];

    private static string NewCode() => $"PB.{Random.Shared.Next(100000, 999999)}";

    private static StringContent Json(JsonNode node) => new(node.ToJsonString(), Encoding.UTF8, "application/json");

    /// <summary>A procedure of one step, in <paramref name="department"/>.</summary>
    private static JsonObject Procedure(string code, string department) => JsonNode.Parse($$"""
        {
          "schemaVersion": 1, "code": "{{code}}", "version": 1, "effectiveFrom": "2026-01-01",
          "name": "Thủ tục thử: phòng ban", "field": "Thử nghiệm",
          "legalTimeLimit": { "value": 5, "unit": "workingDays" },
          "committedTimeLimit": { "value": 5, "unit": "workingDays" },
          "flowchart": {
            "nodes": [
              { "type": "Start", "id": "start" },
              { "type": "Step", "id": "verify", "name": "Xác minh", "department": "{{department}}", "allottedTime": { "value": 2, "unit": "workingDays" }, "outcomes": [ "approved" ] },
              { "type": "End", "id": "issued", "result": "issued" }
            ],
            "connections": [ { "from": "start", "to": "verify" }, { "from": "verify", "to": "issued", "outcome": "approved" } ]
          }
        }
        """)!.AsObject();
}

public sealed class SqliteDepartmentsApiTests(SqliteDatabase database) : DepartmentsApiTests(database), IClassFixture<SqliteDatabase>;

public sealed class PostgresDepartmentsApiTests(PostgresDatabase database) : DepartmentsApiTests(database), IClassFixture<PostgresDatabase>;
