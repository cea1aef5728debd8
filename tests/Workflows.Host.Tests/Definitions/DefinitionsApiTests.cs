using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Workflows.Host.Tests.Support;

namespace Workflows.Host.Tests.Definitions;

[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "xunit disposes the app through IAsyncLifetime.DisposeAsync.")]
public abstract class DefinitionsApiTests(DatabaseFixture database) : IAsyncLifetime
{
    private WorkflowsApp app = null!;
    private HttpClient client = null!;

    public Task InitializeAsync()
    {
        app = new WorkflowsApp(database);
        client = app.ClientWithKey(WorkflowsApp.DesignerKey);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        client.Dispose();
        await app.DisposeAsync();
    }

    [Fact]
    public async Task A_draft_is_created_validated_published_and_served()
    {
        var created = await PostAsync("/api/definitions", Procedure("API.0001"));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var draft = await JsonAsync(created);
        Assert.Equal(("draft", 1), ((string?)draft["status"], (int?)draft["version"]));
        Assert.Empty(draft["problems"]!.AsArray());

        var problems = await JsonAsync(await PostAsync("/api/definitions/API.0001/draft/validate", null));
        Assert.Empty(problems.AsArray());

        var published = await PostAsync("/api/definitions/API.0001/draft/publish", null);
        Assert.Equal(HttpStatusCode.OK, published.StatusCode);
        Assert.Equal("published", (string?)(await JsonAsync(published))["status"]);

        var latest = await JsonAsync(await client.GetAsync(Url("/api/definitions/API.0001")));
        Assert.Equal("API.0001", (string?)latest["definition"]!["code"]);
        var search = await JsonAsync(await client.GetAsync(Url("/api/definitions?search=api.0001")));
        Assert.Equal(1, (int?)search["total"]);
        var export = await client.GetAsync(Url("/api/definitions/API.0001/versions/1/export"));
        Assert.Equal("application/json", export.Content.Headers.ContentType?.MediaType);
        Assert.Equal("API.0001", (string?)JsonNode.Parse(await export.Content.ReadAsStringAsync())!["code"]);
    }

    [Fact]
    public async Task A_draft_with_problems_is_stored_but_publishing_it_is_a_409_naming_the_paths()
    {
        var procedure = Procedure("API.0002");
        procedure["flowchart"]!["nodes"]![2]!["department"] = "no-such-department";
        var created = await JsonAsync(await PostAsync("/api/definitions/import", procedure));
        Assert.Contains(created["problems"]!.AsArray(), p => (string?)p!["path"] == "$.flowchart.nodes[2].department");

        var refused = await PostAsync("/api/definitions/API.0002/draft/publish", null);
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        Assert.NotNull((await JsonAsync(refused))["errors"]!["$.flowchart.nodes[2].department"]);

        // Fixing the draft makes it publishable.
        procedure["flowchart"]!["nodes"]![2]!["department"] = "construction";
        var updated = await client.PutAsync(Url("/api/definitions/API.0002/draft"), Body(procedure));
        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync("/api/definitions/API.0002/draft/publish", null)).StatusCode);
    }

    [Fact]
    public async Task Diff_lists_added_nodes_and_the_longest_path_before_and_after()
    {
        await PostAsync("/api/definitions", Procedure("API.0003"));
        await PostAsync("/api/definitions/API.0003/draft/publish", null);

        var second = Procedure("API.0003");
        var nodes = second["flowchart"]!["nodes"]!.AsArray();
        nodes.Add(JsonNode.Parse("""{ "type": "Step", "id": "sign", "name": "Ký duyệt", "department": "construction", "allottedTime": { "value": 1, "unit": "workingDays" } }"""));
        var connections = second["flowchart"]!["connections"]!.AsArray();
        connections[2] = JsonNode.Parse("""{ "from": "review", "to": "sign", "outcome": "approved" }""");
        connections.Add(JsonNode.Parse("""{ "from": "sign", "to": "issued", "outcome": "approved" }"""));
        var draft = await JsonAsync(await PostAsync("/api/definitions", second));
        Assert.Equal(2, (int?)draft["version"]);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync("/api/definitions/API.0003/draft/publish", null)).StatusCode);

        var diff = await JsonAsync(await client.GetAsync(Url("/api/definitions/API.0003/diff?from=1&to=2")));
        Assert.Equal("sign", (string?)Assert.Single(diff["nodesAdded"]!.AsArray())!["id"]);
        Assert.Empty(diff["nodesRemoved"]!.AsArray());
        // 2.5 then 3.5 working days of the calendar's day (no calendar files here: the standard 7.5 h day).
        Assert.Equal(18.75m, (decimal?)diff["longestPathHoursBefore"]);
        Assert.Equal(26.25m, (decimal?)diff["longestPathHoursAfter"]);
        Assert.Equal(2, (await JsonAsync(await client.GetAsync(Url("/api/definitions/API.0003/versions")))).AsArray().Count);
    }

    [Fact]
    public async Task A_discarded_draft_is_gone_and_the_published_version_stays()
    {
        await PostAsync("/api/definitions", Procedure("API.0004"));
        Assert.Equal(HttpStatusCode.OK, (await PostAsync("/api/definitions/API.0004/draft/publish", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await PostAsync("/api/definitions", Procedure("API.0004"))).StatusCode);

        var discarded = await client.DeleteAsync(Url("/api/definitions/API.0004/draft"));

        Assert.Equal(HttpStatusCode.NoContent, discarded.StatusCode);
        var versions = (await JsonAsync(await client.GetAsync(Url("/api/definitions/API.0004/versions")))).AsArray();
        Assert.Equal(["published"], versions.Select(v => (string?)v!["status"]));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(Url("/api/definitions/API.0004"))).StatusCode);
        var again = await client.DeleteAsync(Url("/api/definitions/API.0004/draft"));
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
        Assert.Equal("application/problem+json", again.Content.Headers.ContentType?.MediaType);
        // A new draft can be started again after a discard.
        Assert.Equal(HttpStatusCode.Created, (await PostAsync("/api/definitions", Procedure("API.0004"))).StatusCode);
    }

    [Fact]
    public async Task The_departments_are_listed_with_their_names_and_kind()
    {
        var departments = (await JsonAsync(await client.GetAsync(Url("/api/departments")))).AsArray();

        var desk = Assert.Single(departments, d => (string?)d!["id"] == "one-stop-desk")!;
        Assert.Equal(("Bộ phận Một cửa", "desk"), ((string?)desk["name"], (string?)desk["kind"]));
        Assert.Contains(departments, d => (string?)d!["id"] == "construction" && (string?)d["name"] == "Sở Xây dựng");
        using var anonymous = app.CreateClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync(Url("/api/departments"))).StatusCode);
    }

    [Fact]
    public async Task Malformed_JSON_is_a_400_naming_the_path()
    {
        var response = await client.PostAsync(Url("/api/definitions"),
            new StringContent("""{ "code": "API.0004", "flowchart": { "nodes": [ { "type": "Start", "id": } ] } }""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var errors = (await JsonAsync(response))["errors"]!.AsObject();
        Assert.Contains(errors, e => e.Key.StartsWith("$.flowchart.nodes[0]", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_unknown_field_is_a_400_naming_its_path()
    {
        var procedure = Procedure("API.0005");
        procedure["flowchart"]!["nodes"]![1]!["colour"] = "red";
        var response = await PostAsync("/api/definitions", procedure);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await JsonAsync(response))["errors"]!.AsObject();
        Assert.Contains(errors, e => e.Key.StartsWith("$.flowchart.nodes[1]", StringComparison.Ordinal) && e.Value!.ToJsonString().Contains("colour", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Unknown_procedures_and_drafts_are_404_problems()
    {
        var missing = await client.GetAsync(Url("/api/definitions/NOPE.1"));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("application/problem+json", missing.Content.Headers.ContentType?.MediaType);
        var noDraft = await PostAsync("/api/definitions/NOPE.1/draft/publish", null);
        Assert.Equal(HttpStatusCode.NotFound, noDraft.StatusCode);
        Assert.Equal("application/problem+json", noDraft.Content.Headers.ContentType?.MediaType);
    }

    /// <summary>The sample procedure T.0001 under another code.</summary>
    private static JsonObject Procedure(string code)
    {
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(WorkflowsApp.SampleDefinitions, "procedures", "T.0001-thu-tuc-thu.json")))!.AsObject();
        json["code"] = code;
        return json;
    }

    private static Uri Url(string path) => new(path, UriKind.Relative);

    private static StringContent Body(JsonNode node) => new(node.ToJsonString(), Encoding.UTF8, "application/json");

    private Task<HttpResponseMessage> PostAsync(string path, JsonNode? body) =>
        client.PostAsync(Url(path), body is null ? null : Body(body));

    private static async Task<JsonNode> JsonAsync(HttpResponseMessage response) =>
        JsonNode.Parse(await response.Content.ReadAsStringAsync()) ?? throw new JsonException("Empty response body.");
}

public sealed class SqliteDefinitionsApiTests(SqliteDatabase database) : DefinitionsApiTests(database), IClassFixture<SqliteDatabase>;

public sealed class PostgresDefinitionsApiTests(PostgresDatabase database) : DefinitionsApiTests(database), IClassFixture<PostgresDatabase>;
