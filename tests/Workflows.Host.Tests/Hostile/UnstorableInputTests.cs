using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Workflows.Host.Persistence;
using Workflows.Host.Tests.Intake;
using Workflows.Host.Tests.Support;

namespace Workflows.Host.Tests.Hostile;

/// <summary>
/// What a hostile or careless caller can type never makes a 500 and never writes a row: every write endpoint gets
/// NUL characters, lone surrogates and numbers no database holds, in every kind of field (strings, property names,
/// form and task data, route and query values), and answers a 400 problem naming the field.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "xunit disposes the app through IAsyncLifetime.DisposeAsync.")]
public abstract class UnstorableInputTests(DatabaseFixture database) : IAsyncLifetime
{
    private const string ValueMarker = "HOSTILE_VALUE_MARKER";
    private const string KeyMarker = "HOSTILE_KEY_MARKER";

    /// <summary>The raw JSON of each hostile value: a NUL inside a name, a lone high surrogate, a number beyond any double.</summary>
    private static readonly (string Kind, string Json)[] HostileStrings = [("NUL", "\"Nguy\\u0000n\""), ("lone surrogate", "\"An \\ud800\"")];
    private static readonly (string Kind, string Json) HugeNumber = ("huge number", "1e1000000");

    private WorkflowsApp app = null!;
    private string externalCode = null!;
    private string dossierCode = null!;
    private Guid taskId;

    public async Task InitializeAsync()
    {
        app = new WorkflowsApp(database, clock: new ManualClock(IntakeTests.ReceivedAt.AddHours(1)));
        using var intake = app.ClientWithKey(WorkflowsApp.IntakeKey);
        externalCode = IntakeTests.NewExternalCode();
        var created = await intake.PostAsJsonAsync("/api/intake/dossiers", IntakeTests.Body(externalCode));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        dossierCode = (string)(await created.Content.ReadFromJsonAsync<JsonObject>())!["dossierCode"]!;
        using var desk = app.ClientWithKey(WorkflowsApp.DeskOfficerKey);
        var queue = (await desk.GetFromJsonAsync<JsonObject>("/api/tasks"))!;
        taskId = (Guid)queue["items"]![0]!["id"]!;
    }

    public async Task DisposeAsync() => await app.DisposeAsync();

    /// <summary>A write request with one field to make hostile: a marker value (or key) in its JSON body.</summary>
    private sealed record WriteCase(string Key, HttpMethod Method, string Path, JsonNode Body, string Field, bool TakesNumbers = false);

    private IEnumerable<WriteCase> WriteCases()
    {
        var intakeBody = IntakeTests.Body(IntakeTests.NewExternalCode());
        yield return new(WorkflowsApp.IntakeKey, HttpMethod.Post, "/api/intake/dossiers", With(intakeBody, b => b["applicant"]!["name"] = ValueMarker), "applicant.name");
        yield return new(WorkflowsApp.IntakeKey, HttpMethod.Post, "/api/intake/dossiers", With(intakeBody, b => b["applicant"]!["address"] = ValueMarker), "applicant.address");
        yield return new(WorkflowsApp.IntakeKey, HttpMethod.Post, "/api/intake/dossiers", With(intakeBody, b => b["externalCode"] = ValueMarker), "externalCode");
        yield return new(WorkflowsApp.IntakeKey, HttpMethod.Post, "/api/intake/dossiers", With(intakeBody, b => b["receptionPoint"] = ValueMarker), "receptionPoint");
        yield return new(WorkflowsApp.IntakeKey, HttpMethod.Post, "/api/intake/dossiers", With(intakeBody, b => b["returnPoint"] = ValueMarker), "returnPoint");
        yield return new(WorkflowsApp.IntakeKey, HttpMethod.Post, "/api/intake/dossiers", With(intakeBody, b => b["formData"]!["siteAddress"] = ValueMarker), "formData.siteAddress", TakesNumbers: true);
        yield return new(WorkflowsApp.IntakeKey, HttpMethod.Post, "/api/intake/dossiers", With(intakeBody, b => b["formData"]![KeyMarker] = "x"), "formData.");
        yield return new(WorkflowsApp.IntakeKey, HttpMethod.Post, "/api/intake/dossiers", With(intakeBody, b => b["documents"]![1]!["name"] = ValueMarker), "documents[1].name");

        var signals = $"/api/intake/dossiers/{externalCode}/signals";
        yield return new(WorkflowsApp.IntakeKey, HttpMethod.Post, signals, new JsonObject { ["signal"] = ValueMarker }, "signal");
        yield return new(WorkflowsApp.IntakeKey, HttpMethod.Post, signals, new JsonObject { ["signal"] = "taxPaid", ["note"] = ValueMarker }, "note");
        yield return new(WorkflowsApp.IntakeKey, HttpMethod.Post, signals, new JsonObject { ["signal"] = "taxPaid", ["data"] = new JsonObject { ["amount"] = ValueMarker } }, "data.amount", TakesNumbers: true);
        yield return new(WorkflowsApp.IntakeKey, HttpMethod.Post, $"/api/intake/dossiers/{externalCode}/withdraw", new JsonObject { ["reason"] = ValueMarker }, "reason");

        var task = $"/api/tasks/{taskId}";
        yield return new(WorkflowsApp.DeskOfficerKey, HttpMethod.Post, task + "/complete", new JsonObject { ["outcome"] = "approved", ["note"] = ValueMarker }, "note");
        yield return new(WorkflowsApp.DeskOfficerKey, HttpMethod.Post, task + "/complete", new JsonObject { ["outcome"] = ValueMarker }, "outcome");
        yield return new(WorkflowsApp.DeskOfficerKey, HttpMethod.Post, task + "/complete",
            new JsonObject { ["outcome"] = "approved", ["data"] = new JsonObject { ["fee"] = ValueMarker } }, "data.fee", TakesNumbers: true);
        yield return new(WorkflowsApp.DeskOfficerKey, HttpMethod.Post, task + "/complete",
            new JsonObject { ["outcome"] = "approved", ["data"] = new JsonObject { [KeyMarker] = 1 } }, "data.");
        yield return new(WorkflowsApp.DeskOfficerKey, HttpMethod.Post, task + "/return", new JsonObject { ["note"] = ValueMarker }, "note");
        yield return new(WorkflowsApp.DeskOfficerKey, HttpMethod.Post, task + "/forward", new JsonObject { ["department"] = ValueMarker }, "department");
        yield return new(WorkflowsApp.DeskOfficerKey, HttpMethod.Post, task + "/forward", new JsonObject { ["department"] = "construction", ["note"] = ValueMarker }, "note");
        yield return new(WorkflowsApp.DeskOfficerKey, HttpMethod.Post, $"/api/dossiers/{dossierCode}/stop", new JsonObject { ["reason"] = ValueMarker }, "reason");
        yield return new(WorkflowsApp.DeskOfficerKey, HttpMethod.Put, $"/api/dossiers/{dossierCode}/return-point", new JsonObject { ["returnPoint"] = ValueMarker }, "returnPoint");
        yield return new(WorkflowsApp.DeskOfficerKey, HttpMethod.Put, $"/api/dossiers/{dossierCode}/return-point", new JsonObject { ["returnPoint"] = "chi-nhanh-so-1", ["note"] = ValueMarker }, "note");
        yield return new(WorkflowsApp.DeskOfficerKey, HttpMethod.Post, $"/api/apologies/{Guid.NewGuid()}/confirm", new JsonObject { ["reason"] = ValueMarker }, "reason");

        var procedure = Procedure("HOSTILE.1");
        yield return new(WorkflowsApp.DesignerKey, HttpMethod.Post, "/api/definitions", With(procedure, p => p["name"] = ValueMarker), "name");
        yield return new(WorkflowsApp.DesignerKey, HttpMethod.Post, "/api/definitions/import", With(procedure, p => p["flowchart"]!["nodes"]![1]!["name"] = ValueMarker), "flowchart.nodes[1].name");
        yield return new(WorkflowsApp.DesignerKey, HttpMethod.Post, "/api/definitions/validate", With(procedure, p => p["code"] = ValueMarker), "code");
        yield return new(WorkflowsApp.DesignerKey, HttpMethod.Put, "/api/definitions/T.0001/draft", With(Procedure("T.0001"), p => p["name"] = ValueMarker), "name");

        var principal = new JsonObject { ["name"] = "hostile.user", ["kind"] = "user", ["roles"] = new JsonArray("officer"), ["departments"] = new JsonArray("one-stop-desk") };
        yield return new(WorkflowsApp.AdministratorKey, HttpMethod.Post, "/api/principals", With(principal, p => p["name"] = ValueMarker), "name");
        yield return new(WorkflowsApp.AdministratorKey, HttpMethod.Post, "/api/principals", With(principal, p => p["displayName"] = ValueMarker), "displayName");
        yield return new(WorkflowsApp.AdministratorKey, HttpMethod.Post, "/api/principals", With(principal, p => p["departments"]![0] = ValueMarker), "departments[0]");
        yield return new(WorkflowsApp.AdministratorKey, HttpMethod.Post, "/api/principals", With(principal, p => p["webhookUrl"] = ValueMarker), "webhookUrl");
        yield return new(WorkflowsApp.AdministratorKey, HttpMethod.Put, "/api/calendars/2026",
            new JsonObject { ["year"] = 2026, ["holidays"] = new JsonArray(new JsonObject { ["date"] = "2026-09-02", ["name"] = ValueMarker }) }, "holidays[0].name");
    }

    [Fact]
    public async Task Every_write_endpoint_refuses_NUL_lone_surrogates_and_huge_numbers_naming_the_field_and_writes_nothing()
    {
        var failures = new List<string>();
        foreach (var write in WriteCases())
        {
            var values = write.TakesNumbers ? [.. HostileStrings, HugeNumber] : HostileStrings;
            foreach (var (kind, json) in values)
            {
                var template = write.Body.ToJsonString();
                var body = template.Contains(KeyMarker, StringComparison.Ordinal)
                    ? template.Replace($"\"{KeyMarker}\"", json, StringComparison.Ordinal)
                    : template.Replace($"\"{ValueMarker}\"", json, StringComparison.Ordinal);
                var before = await WrittenAsync();
                using var client = app.ClientWithKey(write.Key);
                using var request = new HttpRequestMessage(write.Method, write.Path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
                var response = await client.SendAsync(request);
                var failure = await RefusalProblemAsync(response, write.Field);
                if (failure is null && await WrittenAsync() != before)
                {
                    failure = "a row was written";
                }

                if (failure is not null)
                {
                    failures.Add($"{write.Method} {write.Path} with {kind} in {write.Field}: {failure}");
                }
            }
        }

        Assert.Empty(failures);
    }

    [Fact]
    public async Task A_body_sent_without_a_JSON_content_type_is_checked_all_the_same()
    {
        using var intake = app.ClientWithKey(WorkflowsApp.IntakeKey);
        var body = IntakeTests.Body(IntakeTests.NewExternalCode(), applicant: ValueMarker).ToJsonString().Replace($"\"{ValueMarker}\"", "\"Nguy\\u0000n\"", StringComparison.Ordinal);
        Assert.Contains("\\u0000", body, StringComparison.Ordinal);
        var before = await WrittenAsync();

        var response = await intake.PostAsync(new Uri("/api/intake/dossiers", UriKind.Relative), new StringContent(body, Encoding.UTF8, "text/plain"));

        Assert.Null(await RefusalProblemAsync(response, "applicant.name"));
        Assert.Equal(before, await WrittenAsync());
    }

    [Fact]
    public async Task Query_values_with_NUL_are_400_naming_them()
    {
        // A NUL in a path never reaches an endpoint (the server refuses the request line), and percent-decoding
        // cannot produce a lone surrogate; query values are where a NUL can get in.
        var cases = new (string Key, HttpMethod Method, string Path, string Field)[]
        {
            (WorkflowsApp.DesignerKey, HttpMethod.Post, "/api/definitions/validate?note=a%00b", "note"),
            (WorkflowsApp.DesignerKey, HttpMethod.Get, "/api/definitions?search=T%00", "search"),
            (WorkflowsApp.AdministratorKey, HttpMethod.Get, "/api/dossiers?applicant=Nguy%00n", "applicant"),
            (WorkflowsApp.DeskOfficerKey, HttpMethod.Get, "/api/tasks?procedure=T%00", "procedure"),
            (WorkflowsApp.AdministratorKey, HttpMethod.Get, "/api/reports/summary?procedure=T%00", "procedure"),
        };
        var failures = new List<string>();
        foreach (var (key, method, path, field) in cases)
        {
            var before = await WrittenAsync();
            using var client = app.ClientWithKey(key);
            using var request = new HttpRequestMessage(method, path) { Content = method == HttpMethod.Post ? JsonContent.Create(new { reason = "Lý do" }) : null };
            var failure = await RefusalProblemAsync(await client.SendAsync(request), field);
            if (failure is null && await WrittenAsync() != before)
            {
                failure = "a row was written";
            }

            if (failure is not null)
            {
                failures.Add($"{method} {path}: {failure}");
            }
        }

        Assert.Empty(failures);
    }

    [Fact]
    public async Task Texts_longer_than_their_columns_are_400_naming_the_field_and_write_nothing()
    {
        var principal = new JsonObject { ["name"] = "long.user", ["kind"] = "user", ["roles"] = new JsonArray("officer"), ["departments"] = new JsonArray("one-stop-desk") };
        var cases = new (string Key, string Path, JsonNode Body, string Field)[]
        {
            (WorkflowsApp.AdministratorKey, "/api/principals", With(principal, p => p["displayName"] = new string('A', ColumnSizes.PrincipalDisplayName + 1)), "displayName"),
            (WorkflowsApp.AdministratorKey, "/api/principals", With(principal, p => p["departments"] = new JsonArray(new string('d', ColumnSizes.Department + 1))), "departments"),
            (WorkflowsApp.AdministratorKey, "/api/principals", With(principal, p => p["departments"] = new JsonArray([.. Enumerable.Range(0, 30).Select(i => (JsonNode)$"department-{i:D3}-{new string('x', 100)}")])), "departments"),
            (WorkflowsApp.AdministratorKey, "/api/principals", With(principal, p => p["webhookUrl"] = "https://motcua.example.vn/" + new string('w', ColumnSizes.WebhookUrl)), "webhookUrl"),
            (WorkflowsApp.DesignerKey, "/api/definitions", Procedure("1." + new string('0', ColumnSizes.ProcedureCode)), "$.code"),
            (WorkflowsApp.DesignerKey, "/api/definitions", With(Procedure("LONG.1"), p => p["name"] = new string('n', ColumnSizes.ProcedureName + 1)), "$.name"),
            (WorkflowsApp.IntakeKey, "/api/intake/dossiers", With(IntakeTests.Body(IntakeTests.NewExternalCode()), b => b["applicant"]!["name"] = new string('n', ColumnSizes.ApplicantName + 1)), "applicant.name"),
        };
        var failures = new List<string>();
        foreach (var (key, path, body, field) in cases)
        {
            var before = await WrittenAsync();
            using var client = app.ClientWithKey(key);
            var failure = await RefusalProblemAsync(await client.PostAsJsonAsync(path, body), field);
            if (failure is null && await WrittenAsync() != before)
            {
                failure = "a row was written";
            }

            if (failure is not null)
            {
                failures.Add($"POST {path} with a long {field}: {failure}");
            }
        }

        Assert.Empty(failures);
    }

    [Fact]
    public async Task Node_ids_step_names_and_signals_longer_than_their_columns_keep_a_draft_from_being_published()
    {
        using var designer = app.ClientWithKey(WorkflowsApp.DesignerKey);
        var procedure = Procedure("LONG.2");
        var nodes = procedure["flowchart"]!["nodes"]!.AsArray();
        var longId = new string('r', ColumnSizes.NodeId + 1);
        nodes[2]!["id"] = longId;
        nodes[2]!["name"] = new string('s', ColumnSizes.StepName + 1);
        foreach (var connection in procedure["flowchart"]!["connections"]!.AsArray())
        {
            foreach (var end in new[] { "from", "to" })
            {
                if ((string?)connection![end] == "review")
                {
                    connection[end] = longId;
                }
            }
        }

        Assert.Equal(HttpStatusCode.Created, (await designer.PostAsJsonAsync("/api/definitions", procedure)).StatusCode);
        var refused = await designer.PostAsync("/api/definitions/LONG.2/draft/publish", null);

        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        var errors = (await refused.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!.AsObject();
        Assert.True(errors.ContainsKey("$.flowchart.nodes[2].id"), errors.ToJsonString());
        Assert.True(errors.ContainsKey("$.flowchart.nodes[2].name"), errors.ToJsonString());
    }

    public static TheoryData<string, string, string> ExtremeQueries => new()
    {
        { WorkflowsApp.AdministratorKey, "/api/reports/summary?from=0001-01-01&to=0001-01-31", "from" },
        { WorkflowsApp.AdministratorKey, "/api/reports/summary?from=9999-12-01&to=9999-12-31", "from" },
        { WorkflowsApp.AdministratorKey, "/api/reports/summary?from=9999-12-01", "from" },
        { WorkflowsApp.AdministratorKey, "/api/reports/summary.xlsx?from=0001-01-01&to=0001-01-31", "from" },
        { WorkflowsApp.AdministratorKey, "/api/reports/bottlenecks?from=0001-01-01&to=0001-01-31", "from" },
        { WorkflowsApp.AdministratorKey, "/api/reports/indicators?from=9999-12-01&to=9999-12-31", "from" },
        { WorkflowsApp.DeskOfficerKey, "/api/tasks?dueBefore=0001-01-01", "dueBefore" },
        { WorkflowsApp.DeskOfficerKey, "/api/tasks?dueBefore=9999-12-31T23:59:59", "dueBefore" },
        { WorkflowsApp.DeskOfficerKey, "/api/tasks?page=2147483647", "page" },
        { WorkflowsApp.AdministratorKey, "/api/dossiers?from=0001-01-01", "from" },
        { WorkflowsApp.AdministratorKey, "/api/dossiers?to=9999-12-31", "to" },
        { WorkflowsApp.AdministratorKey, "/api/dossiers?page=2147483647", "page" },
        { WorkflowsApp.DesignerKey, "/api/definitions?page=2147483647", "page" },
    };

    [Theory]
    [MemberData(nameof(ExtremeQueries))]
    public async Task Extreme_dates_and_pages_are_400_naming_the_parameter(string key, string path, string field)
    {
        using var client = app.ClientWithKey(key);

        var failure = await RefusalProblemAsync(await client.GetAsync(new Uri(path, UriKind.Relative)), field);

        Assert.Null(failure);
    }

    /// <summary>Null when the response is a 400 problem whose errors name <paramref name="field"/> (a prefix ending in '.' matches any key under it).</summary>
    private static async Task<string?> RefusalProblemAsync(HttpResponseMessage response, string field)
    {
        var text = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != HttpStatusCode.BadRequest)
        {
            return $"answered {(int)response.StatusCode} {text[..Math.Min(300, text.Length)]}";
        }

        if (response.Content.Headers.ContentType?.MediaType != "application/problem+json")
        {
            return $"answered {response.Content.Headers.ContentType?.MediaType}, not a problem document";
        }

        var errors = JsonNode.Parse(text)?["errors"] as JsonObject;
        var named = errors is not null && (field.EndsWith('.')
            ? errors.Any(e => e.Key.StartsWith(field, StringComparison.Ordinal))
            : errors.ContainsKey(field));
        return named ? null : $"the problem does not name {field}: {text[..Math.Min(300, text.Length)]}";
    }

    /// <summary>Rows of every table, and the version counters an update moves: equal before and after means nothing was written.</summary>
    private async Task<string> WrittenAsync()
    {
        using var scope = app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<WorkflowsDbContext>();
        return string.Join(
            ",",
            await db.Dossiers.CountAsync(),
            await db.Dossiers.SumAsync(d => (long)d.RowVersion),
            await db.Instances.CountAsync(),
            await db.Instances.SumAsync(i => (long)i.Version),
            await db.Tasks.CountAsync(),
            await db.Tasks.SumAsync(t => (long)t.RowVersion),
            await db.Journal.CountAsync(),
            await db.Outbox.CountAsync(),
            await db.Bookmarks.CountAsync(),
            await db.ProcedureVersions.CountAsync(),
            await db.Principals.CountAsync(),
            await db.Principals.CountAsync(p => p.Active));
    }

    private static JsonObject With(JsonObject template, Action<JsonObject> change)
    {
        var copy = template.DeepClone().AsObject();
        change(copy);
        return copy;
    }

    /// <summary>The sample procedure T.0001 under another code.</summary>
    internal static JsonObject Procedure(string code)
    {
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(WorkflowsApp.SampleDefinitions, "procedures", "T.0001-thu-tuc-thu.json")))!.AsObject();
        json["code"] = code;
        return json;
    }
}

public sealed class SqliteUnstorableInputTests(SqliteDatabase database) : UnstorableInputTests(database), IClassFixture<SqliteDatabase>;

public sealed class PostgresUnstorableInputTests(PostgresDatabase database) : UnstorableInputTests(database), IClassFixture<PostgresDatabase>;
