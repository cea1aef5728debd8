using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Workflows.Engine.Runtime;
using Workflows.Host.Persistence;
using Workflows.Host.Runtime;
using Workflows.Host.Tests.Intake;
using Workflows.Host.Tests.Runtime;
using Workflows.Host.Tests.Support;

namespace Workflows.Host.Tests.Dossiers;

public abstract class DossiersApiTests(DatabaseFixture database)
{
    private static readonly TimeSpan Vietnam = TimeSpan.FromHours(7);

    [Fact]
    public async Task The_timeline_lists_each_handover_with_its_units_times_and_sla_state()
    {
        var clock = new ManualClock(IntakeTests.ReceivedAt.AddHours(1));
        await using var app = new WorkflowsApp(database, clock: clock);
        using var intake = app.ClientWithKey(WorkflowsApp.IntakeKey);
        var externalCode = IntakeTests.NewExternalCode();
        var code = (string)(await (await intake.PostAsJsonAsync("/api/intake/dossiers", IntakeTests.Body(externalCode))).Content.ReadFromJsonAsync<JsonObject>())!["dossierCode"]!;

        // Received Monday 09:00; the desk passes it on at 11:00 (due 15:00 the same day: on time) ...
        clock.Now = new DateTimeOffset(2026, 3, 2, 11, 0, 0, Vietnam);
        Assert.Equal(4, await CompleteOpenTaskAsync(app, code, "canbo.motcua", "Hồ sơ đầy đủ"));
        // ... and construction approves on Thursday 10:00 (due Wednesday 11:00: late).
        clock.Now = new DateTimeOffset(2026, 3, 5, 10, 0, 0, Vietnam);
        Assert.Equal(9, await CompleteOpenTaskAsync(app, code, "canbo.xaydung", null));

        using var admin = app.ClientWithKey(WorkflowsApp.AdministratorKey);
        var timeline = (await admin.GetFromJsonAsync<JsonObject>($"/api/dossiers/{code}/timeline"))!;
        var handovers = timeline["handovers"]!.AsArray();
        Assert.Equal(2, handovers.Count);

        var first = handovers[0]!;
        Assert.Equal(("receive", "Tiếp nhận hồ sơ"), ((string?)first["nodeId"], (string?)first["stepName"]));
        Assert.Equal(("ttpvhcc-tinh", "one-stop-desk", "Bộ phận Một cửa"), ((string?)first["givingUnit"]!["id"], (string?)first["receivingUnit"]!["id"], (string?)first["receivingUnit"]!["name"]));
        Assert.Equal(("canbo.motcua", "completed", "onTime"), ((string?)first["completedBy"], (string?)first["state"], (string?)first["sla"]));
        Assert.Equal(IntakeTests.ReceivedAt, (DateTimeOffset)first["receivedAt"]!);
        Assert.Equal(new DateTimeOffset(2026, 3, 2, 11, 0, 0, Vietnam), (DateTimeOffset)first["completedAt"]!);
        Assert.Equal(120, (long)first["actualWorkingMinutes"]!);
        Assert.Equal(0.5m, (decimal)first["allottedTime"]!["value"]!);

        var second = handovers[1]!;
        Assert.Equal(("one-stop-desk", "construction", "Sở Xây dựng"), ((string?)second["givingUnit"]!["id"], (string?)second["receivingUnit"]!["id"], (string?)second["receivingUnit"]!["name"]));
        Assert.Equal(("canbo.xaydung", "approved", "late"), ((string?)second["completedBy"], (string?)second["outcome"], (string?)second["sla"]));
        // Monday 11:00 to Thursday 10:00: 4 h + 7.5 h + 7.5 h + 2.5 h of working time.
        Assert.Equal(1290, (long)second["actualWorkingMinutes"]!);
        Assert.Equal(21.5m, (decimal)second["actualWorkingHours"]!);

        var kinds = timeline["events"]!.AsArray().Select(e => (string)e!["kind"]!).ToList();
        Assert.Equal("instanceStarted", kinds[0]);
        Assert.Equal("ended", kinds[^1]);
        Assert.Equal(2, kinds.Count(k => k == "stepCompleted"));

        var dossier = (await admin.GetFromJsonAsync<JsonObject>($"/api/dossiers/{code}"))!;
        // Resolved Thursday 5 March, due Monday 9 March: early.
        Assert.Equal((9, "issued", "early"), ((int?)dossier["status"], (string?)dossier["result"], (string?)dossier["sla"]));
        Assert.Empty(dossier["currentSteps"]!.AsArray());

        // Returning the result: the one-stop desk only.
        using var urban = app.ClientWithKey(WorkflowsApp.UrbanOfficerKey);
        using var desk = app.ClientWithKey(WorkflowsApp.DeskOfficerKey);
        Assert.Equal(HttpStatusCode.Forbidden, (await urban.PostAsync(new Uri($"/api/dossiers/{code}/result-returned", UriKind.Relative), null)).StatusCode);
        var returned = await desk.PostAsync(new Uri($"/api/dossiers/{code}/result-returned", UriKind.Relative), null);
        Assert.Equal(HttpStatusCode.OK, returned.StatusCode);
        Assert.Equal(10, (int?)(await returned.Content.ReadFromJsonAsync<JsonObject>())!["status"]);
        Assert.Equal(HttpStatusCode.Conflict, (await desk.PostAsync(new Uri($"/api/dossiers/{code}/result-returned", UriKind.Relative), null)).StatusCode);

        var status = (await intake.GetFromJsonAsync<JsonObject>($"/api/intake/dossiers/{externalCode}"))!;
        Assert.Equal((10, "Đã trả kết quả"), ((int?)status["status"], (string?)status["statusName"]));
        using var scope = app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<WorkflowsDbContext>();
        var id = (await db.Dossiers.AsNoTracking().SingleAsync(d => d.Code == code)).Id;
        var pushed = (await db.Outbox.AsNoTracking().Where(o => o.InstanceId == id && o.Kind == "statusChanged").ToListAsync())
            .Select(o => (int)JsonNode.Parse(o.Payload)!["status"]!).Order();
        Assert.Equal([2, 4, 9, 10], pushed);
    }

    [Fact]
    public async Task A_dossier_shows_its_appointment_and_current_step_and_officers_see_only_their_departments_dossiers()
    {
        await using var app = new WorkflowsApp(database, clock: new ManualClock(IntakeTests.ReceivedAt.AddHours(1)));
        using var intake = app.ClientWithKey(WorkflowsApp.IntakeKey);
        var code = (string)(await (await intake.PostAsJsonAsync("/api/intake/dossiers", IntakeTests.Body(IntakeTests.NewExternalCode()))).Content.ReadFromJsonAsync<JsonObject>())!["dossierCode"]!;
        using var desk = app.ClientWithKey(WorkflowsApp.DeskOfficerKey);
        using var urban = app.ClientWithKey(WorkflowsApp.UrbanOfficerKey);
        using var leader = app.ClientWithKey(WorkflowsApp.LeaderKey);

        var dossier = (await desk.GetFromJsonAsync<JsonObject>($"/api/dossiers/{code}"))!;

        Assert.Equal((2, "Được tiếp nhận", "Received"), ((int?)dossier["status"], (string?)dossier["statusName"], (string?)dossier["statusNameEn"]));
        Assert.Equal(("T.0001", "Nguyễn Văn An", "inPerson"), ((string?)dossier["procedure"]!["code"], (string?)dossier["applicant"]!["name"], (string?)dossier["channel"]));
        Assert.Equal(new DateTimeOffset(2026, 3, 9, 9, 0, 0, Vietnam), (DateTimeOffset)dossier["dueAt"]!);
        Assert.Equal((DateTimeOffset)dossier["dueAt"]!, (DateTimeOffset)dossier["originalDueAt"]!);
        Assert.Equal("onTime", (string?)dossier["sla"]);
        var step = Assert.Single(dossier["currentSteps"]!.AsArray())!;
        Assert.Equal(("receive", "one-stop-desk", "dueSoon"), ((string?)step["nodeId"], (string?)step["department"]!["id"], (string?)step["sla"]));
        Assert.Equal(HttpStatusCode.NotFound, (await urban.GetAsync(new Uri($"/api/dossiers/{code}", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await leader.GetAsync(new Uri($"/api/dossiers/{code}/timeline", UriKind.Relative))).StatusCode);

        await CompleteOpenTaskAsync(app, code, "canbo.motcua", null);

        Assert.Equal(HttpStatusCode.OK, (await urban.GetAsync(new Uri($"/api/dossiers/{code}", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await desk.GetAsync(new Uri($"/api/dossiers/{code}", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task Dossiers_are_found_by_applicant_and_status_a_page_at_a_time()
    {
        await using var app = new WorkflowsApp(database, clock: new ManualClock(IntakeTests.ReceivedAt.AddHours(1)));
        using var intake = app.ClientWithKey(WorkflowsApp.IntakeKey);
        var applicant = $"Lê Thị Search {Guid.NewGuid():N}";
        var codes = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var response = await intake.PostAsJsonAsync("/api/intake/dossiers", IntakeTests.Body(IntakeTests.NewExternalCode(), applicant: applicant));
            codes.Add((string)(await response.Content.ReadFromJsonAsync<JsonObject>())!["dossierCode"]!);
        }

        await intake.PostAsJsonAsync("/api/intake/dossiers", IntakeTests.Body(IntakeTests.NewExternalCode(), applicant: "Người khác"));
        await CompleteOpenTaskAsync(app, codes[0], "canbo.motcua", null);
        using var admin = app.ClientWithKey(WorkflowsApp.AdministratorKey);
        var term = Uri.EscapeDataString(applicant.ToUpperInvariant()[^32..]);

        var all = (await admin.GetFromJsonAsync<JsonObject>($"/api/dossiers?applicant={term}&pageSize=2"))!;
        var processing = (await admin.GetFromJsonAsync<JsonObject>($"/api/dossiers?applicant={term}&status=4"))!;
        var received = (await admin.GetFromJsonAsync<JsonObject>($"/api/dossiers?applicant={term}&status=2&procedure=T.0001&from=2026-03-02&to=2026-03-02&department=one-stop-desk"))!;
        var otherDay = (await admin.GetFromJsonAsync<JsonObject>($"/api/dossiers?applicant={term}&from=2026-03-03"))!;

        Assert.Equal((3, 2), ((int)all["total"]!, all["items"]!.AsArray().Count));
        Assert.Equal(codes[0], (string?)Assert.Single(processing["items"]!.AsArray())!["code"]);
        Assert.Equal(codes.Skip(1).Order(), received["items"]!.AsArray().Select(i => (string)i!["code"]!).Order());
        Assert.Equal(0, (int)otherDay["total"]!);
    }

    [Fact]
    public async Task Dossiers_are_counted_by_procedure_version_and_open_or_ended()
    {
        await using var app = new WorkflowsApp(database, clock: new ManualClock(IntakeTests.ReceivedAt.AddHours(1)));
        await FaultedInstancesTests.PublishAsync(app, TestProcedure("V.0001", "Thủ tục thử, phiên bản 1"));
        var onFirst = new[] { await TestFolders.ReceiveAsync(app, "V.0001"), await TestFolders.ReceiveAsync(app, "V.0001") };
        await CompleteOpenTaskAsync(app, onFirst[0], "canbo.motcua", null);
        Assert.Equal(9, await CompleteOpenTaskAsync(app, onFirst[0], "canbo.xaydung", null));
        await FaultedInstancesTests.PublishAsync(app, TestProcedure("V.0001", "Thủ tục thử, phiên bản 2"));
        var onSecond = await TestFolders.ReceiveAsync(app, "V.0001");
        using var admin = app.ClientWithKey(WorkflowsApp.AdministratorKey);

        async Task<IReadOnlyList<string>> CodesAsync(string query)
        {
            var page = (await admin.GetFromJsonAsync<JsonObject>($"/api/dossiers?procedure=V.0001&{query}"))!;
            var codes = page["items"]!.AsArray().Select(i => (string)i!["code"]!).Order().ToList();
            Assert.Equal(codes.Count, (int)page["total"]!);
            return codes;
        }

        Assert.Equal(onFirst.Order(), await CodesAsync("version=1"));
        Assert.Equal([onFirst[1]], await CodesAsync("version=1&open=true"));
        Assert.Equal([onFirst[0]], await CodesAsync("version=1&open=false"));
        Assert.Equal([onSecond], await CodesAsync("version=2&open=true"));
        Assert.Empty(await CodesAsync("version=3"));
        Assert.Equal(new[] { onFirst[1], onSecond }.Order(), await CodesAsync("open=true"));
    }

    [Fact]
    public async Task The_version_and_open_filters_are_typed_in_the_openapi_document()
    {
        await using var app = new WorkflowsApp(database);
        using var client = app.CreateClient();

        var document = (await client.GetFromJsonAsync<JsonObject>("/openapi/v1.json"))!;
        var parameters = document["paths"]!["/api/dossiers"]!["get"]!["parameters"]!.AsArray();

        Assert.Equal("integer", TypeOf(parameters, "version"));
        Assert.Equal("boolean", TypeOf(parameters, "open"));
    }

    [Theory]
    [InlineData("procedure=T.0001&version=0", "version")]
    [InlineData("version=1", "version")]
    [InlineData("status=11", "status")]
    [InlineData("status=processing", "status")]
    [InlineData("from=02/03/2026", "from")]
    [InlineData("page=0", "page")]
    [InlineData("pageSize=1000", "pageSize")]
    [InlineData("from=2026-03-05&to=2026-03-01", "to")]
    public async Task A_bad_search_filter_is_400_naming_the_field(string query, string field)
    {
        await using var app = new WorkflowsApp(database);
        using var admin = app.ClientWithKey(WorkflowsApp.AdministratorKey);

        var response = await admin.GetAsync(new Uri($"/api/dossiers?{query}", UriKind.Relative));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.NotNull((await response.Content.ReadFromJsonAsync<JsonObject>())!["errors"]![field]);
    }

    /// <summary>T.0001 (receive at the desk, review by construction) under another code and name.</summary>
    private static JsonObject TestProcedure(string code, string name)
    {
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(WorkflowsApp.SampleDefinitions, "procedures", "T.0001-thu-tuc-thu.json")))!.AsObject();
        json["code"] = code;
        json["name"] = name;
        return json;
    }

    /// <summary>The JSON type of query parameter <paramref name="name"/> (OpenAPI 3.1 may list it with "null").</summary>
    private static string? TypeOf(JsonArray parameters, string name)
    {
        var schema = parameters.Single(p => (string?)p!["name"] == name)!["schema"]!;
        var type = schema["type"];
        return type is JsonArray types ? types.Select(t => (string?)t).Single(t => t != "null") : (string?)type;
    }

    /// <summary>Completes the dossier's one open task as an officer would (the Task API is elsewhere); returns the new status.</summary>
    private static async Task<int> CompleteOpenTaskAsync(WorkflowsApp app, string code, string actor, string? note)
    {
        using var scope = app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<WorkflowsDbContext>();
        var dossier = await db.Dossiers.AsNoTracking().SingleAsync(d => d.Code == code);
        var task = await db.Tasks.AsNoTracking().SingleAsync(t => t.InstanceId == dossier.Id && t.State == TaskStates.Open);
        var result = await scope.ServiceProvider.GetRequiredService<WorkflowRunner>()
            .ResumeAsync(dossier.Id, new ResumeRequest { BookmarkId = task.Id, Outcome = "approved", Actor = actor, Note = note });
        Assert.True(result.Accepted, result.Rejection?.Message);
        return (await db.Dossiers.AsNoTracking().SingleAsync(d => d.Code == code)).Status;
    }
}

public sealed class SqliteDossiersApiTests(SqliteDatabase database) : DossiersApiTests(database), IClassFixture<SqliteDatabase>;

public sealed class PostgresDossiersApiTests(PostgresDatabase database) : DossiersApiTests(database), IClassFixture<PostgresDatabase>;
