using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Workflows.Host.Tests.Intake;
using Workflows.Host.Tests.Migrations;
using Workflows.Host.Tests.Runtime;
using Workflows.Host.Tests.Support;

namespace Workflows.Host.Tests.Definitions;

/// <summary>
/// Every problem the Designer shows carries a stable code (the <c>code</c> extension) and the values it is about
/// (<c>args</c>), so the Designer says it in Vietnamese or English; the English title and detail stay as they were for
/// the other clients. On SQLite and PostgreSQL.
/// </summary>
public abstract class ProblemCodesTests(DatabaseFixture database)
{
    [Fact]
    public async Task A_dossier_that_cannot_move_says_why_by_code_with_the_node_and_the_version()
    {
        await using var app = new WorkflowsApp(database, clock: new ManualClock(IntakeTests.ReceivedAt.AddHours(1)));
        using var admin = app.ClientWithKey(WorkflowsApp.AdministratorKey);
        await FaultedInstancesTests.PublishAsync(app, MigrationsApiTests.Procedure("PC.0001"));
        var atReview = await TestFolders.ReceiveAsync(app, "PC.0001");
        await TestFolders.CompleteStepAsync(app, atReview, "receive", WorkflowsApp.DeskOfficerKey, "approved", null);
        await FaultedInstancesTests.PublishAsync(app, MigrationsApiTests.Renamed(MigrationsApiTests.Procedure("PC.0001"), "review", "appraise"));

        var plan = (await (await admin.PostAsJsonAsync("/api/definitions/PC.0001/migrations/dry-run", new { fromVersion = 1, toVersion = 2 }))
            .Content.ReadFromJsonAsync<JsonObject>())!;

        var reason = Assert.Single(Assert.Single(plan["cannotMove"]!.AsArray())!["reasons"]!.AsArray())!;
        Assert.Equal("migrationNodeRemoved", (string?)reason["code"]);
        Assert.Equal(("review", "2"), ((string?)reason["args"]!["node"], (string?)reason["args"]!["toVersion"]));
        Assert.Contains("removed", (string)reason["reason"]!, StringComparison.Ordinal);

        var unknown = await ProblemAsync(await admin.PostAsJsonAsync("/api/definitions/X.9999/migrations/dry-run", new { fromVersion = 1, toVersion = 2 }));
        Assert.Equal(("procedureNotFound", "X.9999", "Procedure not found"), ((string?)unknown["code"], (string?)unknown["args"]!["procedure"], (string?)unknown["title"]));
        var invalid = await ProblemAsync(await admin.PostAsJsonAsync("/api/definitions/PC.0001/migrations/dry-run", new { fromVersion = 1, toVersion = 3 }));
        Assert.Equal("migrationInvalid", (string?)invalid["code"]);
        Assert.NotNull(invalid["errors"]!["toVersion"]);
    }

    [Fact]
    public async Task A_procedure_file_that_cannot_be_read_says_so_by_code_and_each_problem_keeps_its_engine_code()
    {
        await using var app = new WorkflowsApp(database);
        using var designer = app.ClientWithKey(WorkflowsApp.DesignerKey);

        var broken = await ProblemAsync(await designer.PostAsync(new Uri("/api/definitions/import", UriKind.Relative),
            new StringContent("{ \"code\": ", Encoding.UTF8, "application/json")));
        Assert.Equal(("definitionUnreadable", "The procedure JSON could not be read"), ((string?)broken["code"], (string?)broken["title"]));
        Assert.Equal("invalidJson", (string?)Assert.Single(broken["problems"]!.AsArray())!["code"]);

        var badCode = MigrationsApiTests.Procedure("PC.0002");
        badCode["code"] = "không có mã";
        var refused = await ProblemAsync(await designer.PostAsync(new Uri("/api/definitions/import", UriKind.Relative),
            new StringContent(badCode.ToJsonString(), Encoding.UTF8, "application/json")));
        Assert.Equal("definitionUnreadable", (string?)refused["code"]);
        Assert.Contains(refused["problems"]!.AsArray(), p => (string?)p!["path"] == "$.code" && (string?)p["code"] == "invalidValue");
    }

    [Fact]
    public async Task Not_found_a_stale_draft_and_forbidden_carry_their_codes()
    {
        await using var app = new WorkflowsApp(database);
        using var designer = app.ClientWithKey(WorkflowsApp.DesignerKey);
        using var administrator = app.ClientWithKey(WorkflowsApp.AdministratorKey);

        var missing = await ProblemAsync(await designer.GetAsync(new Uri("/api/definitions/PC.0404/versions/3", UriKind.Relative)));
        Assert.Equal(("versionNotFound", "PC.0404", "3"), ((string?)missing["code"], (string?)missing["args"]!["procedure"], missing["args"]!["version"]!.ToJsonString()));
        Assert.Equal("Not found", (string?)missing["title"]);

        Assert.Equal(HttpStatusCode.Created, (await designer.PostAsync(new Uri("/api/definitions", UriKind.Relative),
            new StringContent(MigrationsApiTests.Procedure("PC.0003").ToJsonString(), Encoding.UTF8, "application/json"))).StatusCode);
        var etag = (await designer.GetAsync(new Uri("/api/definitions/PC.0003/versions/1", UriKind.Relative))).Headers.ETag!;
        Assert.Equal(HttpStatusCode.OK, (await PutDraftAsync(designer, "PC.0003", etag)).StatusCode);
        var stale = await ProblemAsync(await PutDraftAsync(administrator, "PC.0003", etag));
        Assert.Equal(("staleDraft", "PC.0003", "thiet.ke"), ((string?)stale["code"], (string?)stale["args"]!["procedure"], (string?)stale["args"]!["savedBy"]));
        Assert.NotNull((string?)stale["currentETag"]);

        // The authorization middleware's own 403 and 401 get the code of their status.
        var forbidden = await designer.PostAsJsonAsync("/api/definitions/PC.0003/migrations/dry-run", new { fromVersion = 1, toVersion = 2 });
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        Assert.Equal("forbidden", (string?)(await ProblemAsync(forbidden))["code"]);
        using var anonymous = app.CreateClient();
        var unauthorized = await anonymous.GetAsync(new Uri("/api/definitions", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Unauthorized, unauthorized.StatusCode);
        Assert.Equal("unauthorized", (string?)(await ProblemAsync(unauthorized))["code"]);
    }

    [Fact]
    public async Task A_name_already_taken_is_a_problem_with_its_reason_and_code()
    {
        await using var app = new WorkflowsApp(database);
        using var admin = app.ClientWithKey(WorkflowsApp.AdministratorKey);
        var name = $"designer-{Guid.NewGuid():N}";
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsJsonAsync("/api/principals", new { name, roles = new[] { "designer" } })).StatusCode);

        var taken = await admin.PostAsJsonAsync("/api/principals", new { name, roles = new[] { "designer" } });

        Assert.Equal(HttpStatusCode.Conflict, taken.StatusCode);
        var problem = await ProblemAsync(taken);
        Assert.Equal("conflict", (string?)problem["code"]);
        Assert.Contains(name, (string?)problem["detail"], StringComparison.Ordinal);
    }

    private static async Task<HttpResponseMessage> PutDraftAsync(HttpClient client, string code, EntityTagHeaderValue etag)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, new Uri($"/api/definitions/{code}/draft", UriKind.Relative))
        {
            Content = new StringContent(MigrationsApiTests.Procedure(code).ToJsonString().Replace("Tiếp nhận", "Tiếp nhận hồ sơ", StringComparison.Ordinal), Encoding.UTF8, "application/json"),
        };
        request.Headers.IfMatch.Add(etag);
        return await client.SendAsync(request);
    }

    private static async Task<JsonObject> ProblemAsync(HttpResponseMessage response)
    {
        Assert.False(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: a problem was expected");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }
}

public sealed class SqliteProblemCodesTests(SqliteDatabase database) : ProblemCodesTests(database), IClassFixture<SqliteDatabase>;

public sealed class PostgresProblemCodesTests(PostgresDatabase database) : ProblemCodesTests(database), IClassFixture<PostgresDatabase>;

/// <summary>The Designer says every code the Host can send, in Vietnamese and in English (its resources, read as files).</summary>
public sealed class ProblemCodeTextsTests
{
    [Fact]
    public void Every_problem_and_blocking_reason_code_has_a_vietnamese_and_an_english_text_in_the_designer()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(root.FullName, "Workflows.sln")))
        {
            root = root.Parent!;
        }

        static HashSet<string> Names(string file) =>
            [.. System.Xml.Linq.XDocument.Load(file).Root!.Elements("data").Select(d => (string)d.Attribute("name")!)];

        static IEnumerable<string> Constants(Type type) => type.GetFields(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static)
            .Where(f => f.IsLiteral && f.FieldType == typeof(string)).Select(f => (string)f.GetRawConstantValue()!);

        var problems = Path.Combine(root.FullName, "Workflows.Designer", "HostApi", "HostProblemText");
        var blockers = Path.Combine(root.FullName, "Workflows.Designer", "Components", "Administration", "AdministrationText");
        var codes = Constants(typeof(Workflows.Host.Infrastructure.ApiProblemCodes))
            .Except([Workflows.Host.Infrastructure.ApiProblemCodes.Extension, Workflows.Host.Infrastructure.ApiProblemCodes.ArgsExtension]).ToList();
        Assert.NotEmpty(codes);
        foreach (var file in new[] { problems + ".resx", problems + ".en.resx" })
        {
            var names = Names(file);
            Assert.All(codes, code => Assert.Contains(code + ".title", names));
        }

        foreach (var file in new[] { blockers + ".resx", blockers + ".en.resx" })
        {
            var names = Names(file);
            Assert.All(Constants(typeof(Workflows.Engine.Versions.MigrationBlockerCodes)), code => Assert.Contains("Blocker." + code, names));
        }
    }
}
