using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Workflows.Host.Persistence;
using Workflows.Host.Tests.Support;

namespace Workflows.Host.Tests.Intake;

public abstract class IntakeTests(DatabaseFixture database)
{
    // Monday 2 March 2026 in Vietnam: received at 09:00, the clock reads 10:00.
    internal static readonly DateTimeOffset ReceivedAt = new(2026, 3, 2, 9, 0, 0, TimeSpan.FromHours(7));

    internal static JsonObject Body(string externalCode, string procedure = "T.0001", string applicant = "Nguyễn Văn An", DateTimeOffset? receivedAt = null) => new()
    {
        ["procedureCode"] = procedure,
        ["externalCode"] = externalCode,
        ["applicant"] = new JsonObject { ["name"] = applicant, ["idNumber"] = "001203004005", ["phone"] = "0912345678" },
        ["channel"] = "inPerson",
        ["receptionPoint"] = "ttpvhcc-tinh",
        ["receivedAt"] = (receivedAt ?? ReceivedAt).ToString("yyyy-MM-dd'T'HH:mm:sszzz", System.Globalization.CultureInfo.InvariantCulture),
        ["formData"] = new JsonObject { ["floorArea"] = 120.5, ["address"] = "12 Trần Phú" },
        ["documents"] = new JsonArray(new JsonObject { ["name"] = "Đơn đề nghị", ["originals"] = 1 }, new JsonObject { ["name"] = "Bản vẽ", ["copies"] = 2 }),
    };

    internal static string NewExternalCode() => $"MC-{Guid.NewGuid():N}";

    [Fact]
    public async Task A_dossier_is_received_numbered_given_its_appointment_and_its_first_task_opens()
    {
        await using var app = new WorkflowsApp(database, clock: new ManualClock(ReceivedAt.AddHours(1)));
        using var client = app.ClientWithKey(WorkflowsApp.IntakeKey);
        var externalCode = NewExternalCode();

        var response = await client.PostAsJsonAsync("/api/intake/dossiers", Body(externalCode));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var dossier = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        var code = (string)dossier["dossierCode"]!;
        Assert.Matches(new Regex(@"^000\.00\.00\.H00-260302-\d{4,}$"), code);
        Assert.Equal(externalCode, (string?)dossier["externalCode"]);
        Assert.Equal(("T.0001", 1), ((string?)dossier["procedureCode"], (int?)dossier["procedureVersion"]));
        // 5 working days from Monday 09:00: Monday 9 March 09:00.
        Assert.Equal(new DateTimeOffset(2026, 3, 9, 9, 0, 0, TimeSpan.FromHours(7)), (DateTimeOffset)dossier["appointmentDate"]!);
        Assert.Equal(ReceivedAt, (DateTimeOffset)dossier["receivedAt"]!);
        Assert.Equal((2, "Được tiếp nhận"), ((int?)dossier["status"], (string?)dossier["statusName"]));
        Assert.Equal($"/api/intake/dossiers/{externalCode}", response.Headers.Location?.OriginalString);

        using var scope = app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<WorkflowsDbContext>();
        var row = await db.Dossiers.AsNoTracking().SingleAsync(d => d.Code == code);
        var instance = await db.Instances.AsNoTracking().SingleAsync(i => i.Id == row.Id);
        Assert.Equal("running", instance.Status);
        var data = JsonNode.Parse(instance.Data)!;
        Assert.Equal(code, (string?)data["dossier"]!["code"]);
        Assert.Equal("Nguyễn Văn An", (string?)data["applicant"]!["name"]);
        Assert.Equal(120.5, (double)data["floorArea"]!);
        var task = await db.Tasks.AsNoTracking().SingleAsync(t => t.InstanceId == row.Id);
        Assert.Equal(("receive", "one-stop-desk", TaskStates.Open), (task.NodeId, task.Department, task.State));
        var outbox = await db.Outbox.AsNoTracking().Where(o => o.InstanceId == row.Id && o.Kind == "statusChanged").ToListAsync();
        var message = JsonNode.Parse(Assert.Single(outbox).Payload)!;
        // The intake system's webhook gets our code and its own code.
        Assert.Equal((2, code, externalCode), ((int)message["status"]!, (string?)message["dossierCode"], (string?)message["externalCode"]));
        Assert.Equal(externalCode, row.ExternalCode);

        var status = (await client.GetFromJsonAsync<JsonObject>($"/api/intake/dossiers/{externalCode}"))!;
        Assert.Equal(code, (string?)status["dossierCode"]);
    }

    [Fact]
    public async Task A_retry_returns_the_same_dossier_and_the_same_code_with_other_content_is_409()
    {
        await using var app = new WorkflowsApp(database, clock: new ManualClock(ReceivedAt.AddHours(1)));
        using var client = app.ClientWithKey(WorkflowsApp.IntakeKey);
        var externalCode = NewExternalCode();
        var first = (await (await client.PostAsJsonAsync("/api/intake/dossiers", Body(externalCode))).Content.ReadFromJsonAsync<JsonObject>())!;

        // The same content with its keys in another order is the same payload.
        var reordered = new JsonObject(Body(externalCode).Reverse().Select(p => KeyValuePair.Create(p.Key, p.Value?.DeepClone())));
        var retry = await client.PostAsJsonAsync("/api/intake/dossiers", reordered);
        var other = await client.PostAsJsonAsync("/api/intake/dossiers", Body(externalCode, applicant: "Trần Thị Bình"));

        Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
        Assert.Equal((string?)first["dossierCode"], (string?)(await retry.Content.ReadFromJsonAsync<JsonObject>())!["dossierCode"]);
        Assert.Equal(HttpStatusCode.Conflict, other.StatusCode);
        Assert.Equal("application/problem+json", other.Content.Headers.ContentType?.MediaType);
        using var scope = app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<WorkflowsDbContext>();
        Assert.Equal(1, await db.Dossiers.CountAsync(d => d.ExternalCode == externalCode));
    }

    [Fact]
    public async Task A_retry_takes_no_number_of_the_day_and_leaves_no_row()
    {
        await using var app = new WorkflowsApp(database, clock: new ManualClock(ReceivedAt.AddHours(1)));
        using var client = app.ClientWithKey(WorkflowsApp.IntakeKey);
        var day = new DateTimeOffset(2026, 2, 26, 9, 0, 0, TimeSpan.FromHours(7));
        var externalCode = NewExternalCode();

        var first = await client.PostAsJsonAsync("/api/intake/dossiers", Body(externalCode, receivedAt: day));
        var beforeRetry = await CountsAsync(app);
        var retry = await client.PostAsJsonAsync("/api/intake/dossiers", Body(externalCode, receivedAt: day));
        Assert.Equal(beforeRetry, await CountsAsync(app));
        var next = await client.PostAsJsonAsync("/api/intake/dossiers", Body(NewExternalCode(), receivedAt: day));

        Assert.Equal((HttpStatusCode.Created, HttpStatusCode.OK, HttpStatusCode.Created), (first.StatusCode, retry.StatusCode, next.StatusCode));
        Assert.Equal("000.00.00.H00-260226-0001", (string?)(await first.Content.ReadFromJsonAsync<JsonObject>())!["dossierCode"]);
        Assert.Equal("000.00.00.H00-260226-0001", (string?)(await retry.Content.ReadFromJsonAsync<JsonObject>())!["dossierCode"]);
        Assert.Equal("000.00.00.H00-260226-0002", (string?)(await next.Content.ReadFromJsonAsync<JsonObject>())!["dossierCode"]);
    }

    [Fact]
    public async Task Concurrent_identical_intakes_make_one_dossier()
    {
        await using var app = new WorkflowsApp(database, clock: new ManualClock(ReceivedAt.AddHours(1)));
        var externalCode = NewExternalCode();
        var clients = Enumerable.Range(0, 4).Select(_ => app.ClientWithKey(WorkflowsApp.IntakeKey)).ToList();
        var before = await CountsAsync(app);

        var responses = await Task.WhenAll(clients.Select(c => c.PostAsJsonAsync("/api/intake/dossiers", Body(externalCode))));

        Assert.All(responses, r => Assert.True(r.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK, r.StatusCode.ToString()));
        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Created);
        var codes = await Task.WhenAll(responses.Select(async r => (string)(await r.Content.ReadFromJsonAsync<JsonObject>())!["dossierCode"]!));
        Assert.Single(codes.Distinct());
        using var scope = app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<WorkflowsDbContext>();
        var row = await db.Dossiers.AsNoTracking().SingleAsync(d => d.ExternalCode == externalCode);
        Assert.Equal(1, await db.Instances.CountAsync(i => i.Id == row.Id));
        // The losers' transactions left nothing behind: one dossier, one instance, one task, one status message.
        var after = await CountsAsync(app);
        Assert.Equal((1, 1, 1, 1), (after.Dossiers - before.Dossiers, after.Instances - before.Instances, after.Tasks - before.Tasks, after.Outbox - before.Outbox));
        clients.ForEach(c => c.Dispose());
    }

    [Fact]
    public async Task Concurrent_different_intakes_get_distinct_consecutive_numbers()
    {
        await using var app = new WorkflowsApp(database, clock: new ManualClock(ReceivedAt.AddHours(1)));
        var day = new DateTimeOffset(2026, 2, 27, 9, 0, 0, TimeSpan.FromHours(7));
        var clients = Enumerable.Range(0, 5).Select(_ => app.ClientWithKey(WorkflowsApp.IntakeKey)).ToList();

        var responses = await Task.WhenAll(clients.Select(c => c.PostAsJsonAsync("/api/intake/dossiers", Body(NewExternalCode(), receivedAt: day))));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Created, r.StatusCode));
        var codes = await Task.WhenAll(responses.Select(async r => (string)(await r.Content.ReadFromJsonAsync<JsonObject>())!["dossierCode"]!));
        Assert.Equal(["0001", "0002", "0003", "0004", "0005"], codes.Select(c => c[^4..]).Order());
        Assert.All(codes, c => Assert.StartsWith("000.00.00.H00-260227-", c, StringComparison.Ordinal));
        clients.ForEach(c => c.Dispose());
    }

    [Theory]
    [InlineData("""{ "procedureCode": "T.0001", """, 400, null)]
    [InlineData("""[1, 2]""", 400, null)]
    [InlineData("""{"procedureCode":"X.9999"}""", 422, "procedureCode")]
    [InlineData("""{"applicant":{"idNumber":"001"}}""", 400, "applicant.name")]
    [InlineData("""{"applicant":{"name":42}}""", 400, "applicant.name")]
    [InlineData("""{"applicant":"Nguyễn Văn An"}""", 400, "applicant")]
    [InlineData("""{"channel":"fax"}""", 400, "channel")]
    [InlineData("""{"receivedAt":"yesterday"}""", 400, "receivedAt")]
    [InlineData("""{"receivedAt":"2026-03-02T09:00:00"}""", 400, "receivedAt")]
    [InlineData("""{"formData":"floorArea=120"}""", 400, "formData")]
    [InlineData("""{"externalCode":null}""", 400, "externalCode")]
    [InlineData("""{"documents":[{"name":"Đơn","copies":"two"}]}""", 400, "documents[0].copies")]
    public async Task Bad_input_is_a_problem_naming_the_field_and_writes_nothing(string patch, int status, string? field)
    {
        await using var app = new WorkflowsApp(database, clock: new ManualClock(ReceivedAt.AddHours(1)));
        using var client = app.ClientWithKey(WorkflowsApp.IntakeKey);
        var body = Body(NewExternalCode());
        string json;
        if (patch.EndsWith('}') && JsonNode.Parse(patch) is JsonObject changes)
        {
            foreach (var (key, value) in changes)
            {
                body[key] = value?.DeepClone();
            }

            json = body.ToJsonString();
        }
        else
        {
            json = patch;
        }
        var before = await CountsAsync(app);
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        var response = await client.PostAsync(new Uri("/api/intake/dossiers", UriKind.Relative), content);

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        if (field is not null)
        {
            var problem = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
            Assert.NotNull(problem["errors"]?[field]);
        }

        Assert.Equal(before, await CountsAsync(app));
    }

    [Fact]
    public async Task An_oversized_payload_is_413_and_writes_nothing()
    {
        await using var app = new WorkflowsApp(database, clock: new ManualClock(ReceivedAt.AddHours(1)));
        using var client = app.ClientWithKey(WorkflowsApp.IntakeKey);
        var body = Body(NewExternalCode());
        body["formData"]!["notes"] = new string('x', 300 * 1024);
        var before = await CountsAsync(app);

        var response = await client.PostAsJsonAsync("/api/intake/dossiers", body);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(before, await CountsAsync(app));
    }

    [Theory]
    [InlineData(WorkflowsApp.IntakeKey, "GET", "/api/definitions")]
    [InlineData(WorkflowsApp.IntakeKey, "GET", "/api/dossiers")]
    [InlineData(WorkflowsApp.IntakeKey, "POST", "/api/dossiers/X/result-returned")]
    [InlineData(WorkflowsApp.DeskOfficerKey, "POST", "/api/intake/dossiers")]
    [InlineData(WorkflowsApp.DesignerKey, "GET", "/api/intake/dossiers/X")]
    public async Task Intake_and_staff_endpoints_are_separate(string key, string method, string path)
    {
        await using var app = new WorkflowsApp(database);
        using var client = app.ClientWithKey(key);
        using var request = new HttpRequestMessage(new HttpMethod(method), new Uri(path, UriKind.Relative)) { Content = JsonContent.Create(new { }) };

        var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task A_signal_resumes_a_waiting_dossier_and_a_signal_nothing_waits_for_is_409()
    {
        await using var app = new WorkflowsApp(database, clock: new ManualClock(ReceivedAt.AddHours(1)));
        using var client = app.ClientWithKey(WorkflowsApp.IntakeKey);
        var externalCode = NewExternalCode();
        var created = (await (await client.PostAsJsonAsync("/api/intake/dossiers", Body(externalCode, procedure: "T.0003"))).Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal(6, (int?)created["status"]);

        var wrong = await client.PostAsJsonAsync($"/api/intake/dossiers/{externalCode}/signals", new { signal = "supplementReceived" });
        var paid = await client.PostAsJsonAsync($"/api/intake/dossiers/{externalCode}/signals", new { signal = "taxPaid", data = new { taxReceipt = "BL-001" } });
        var again = await client.PostAsJsonAsync($"/api/intake/dossiers/{externalCode}/signals", new { signal = "taxPaid" });
        var unknown = await client.PostAsJsonAsync("/api/intake/dossiers/NOT-MINE/signals", new { signal = "taxPaid" });
        var missing = await client.PostAsJsonAsync($"/api/intake/dossiers/{externalCode}/signals", new { data = new { } });

        Assert.Equal(HttpStatusCode.Conflict, wrong.StatusCode);
        Assert.Equal(HttpStatusCode.OK, paid.StatusCode);
        var afterPaid = (await paid.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal((4, "Đang xử lý"), ((int?)afterPaid["status"], (string?)afterPaid["statusName"]));
        // 10 working days from Monday 09:00, and the hour the clock stood still (09:00-10:00) is added.
        Assert.Equal(new DateTimeOffset(2026, 3, 16, 9, 0, 0, TimeSpan.FromHours(7)), (DateTimeOffset)afterPaid["originalAppointmentDate"]!);
        Assert.Equal(new DateTimeOffset(2026, 3, 16, 10, 0, 0, TimeSpan.FromHours(7)), (DateTimeOffset)afterPaid["appointmentDate"]!);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal("application/problem+json", again.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);

        using var scope = app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<WorkflowsDbContext>();
        var row = await db.Dossiers.AsNoTracking().SingleAsync(d => d.ExternalCode == externalCode);
        var review = await db.Tasks.AsNoTracking().SingleAsync(t => t.InstanceId == row.Id);
        Assert.Equal(("review", TaskStates.Open), (review.NodeId, review.State));
        Assert.Equal("BL-001", (string?)JsonNode.Parse((await db.Instances.AsNoTracking().SingleAsync(i => i.Id == row.Id)).Data)!["taxReceipt"]);
        var statuses = (await db.Outbox.AsNoTracking().Where(o => o.InstanceId == row.Id && o.Kind == "statusChanged").ToListAsync())
            .Select(o => (int)JsonNode.Parse(o.Payload)!["status"]!).Order();
        Assert.Equal([4, 6], statuses);
    }

    [Fact]
    public async Task Withdrawing_ends_the_dossier_with_status_7_and_a_status_message()
    {
        await using var app = new WorkflowsApp(database, clock: new ManualClock(ReceivedAt.AddHours(1)));
        using var client = app.ClientWithKey(WorkflowsApp.IntakeKey);
        var externalCode = NewExternalCode();
        await client.PostAsJsonAsync("/api/intake/dossiers", Body(externalCode));

        var noReason = await client.PostAsJsonAsync($"/api/intake/dossiers/{externalCode}/withdraw", new { });
        var withdrawn = await client.PostAsJsonAsync($"/api/intake/dossiers/{externalCode}/withdraw", new { reason = "Công dân xin rút hồ sơ" });
        var again = await client.PostAsJsonAsync($"/api/intake/dossiers/{externalCode}/withdraw", new { reason = "lần hai" });

        Assert.Equal(HttpStatusCode.BadRequest, noReason.StatusCode);
        Assert.Equal(HttpStatusCode.OK, withdrawn.StatusCode);
        var body = (await withdrawn.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal((7, "withdrawn"), ((int?)body["status"], (string?)body["result"]));
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);

        using var scope = app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<WorkflowsDbContext>();
        var row = await db.Dossiers.AsNoTracking().SingleAsync(d => d.ExternalCode == externalCode);
        Assert.NotNull(row.CompletedAt);
        var messages = await db.Outbox.AsNoTracking().Where(o => o.InstanceId == row.Id && o.Kind == "statusChanged").ToListAsync();
        var last = JsonNode.Parse(messages.Select(m => m.Payload).Single(p => (int)JsonNode.Parse(p)!["status"]! == 7))!;
        Assert.Equal((row.Code, externalCode, "motcua-tinh", "withdrawn"), ((string?)last["dossierCode"], (string?)last["externalCode"], (string?)last["intakeClient"], (string?)last["result"]));
        Assert.Equal(TaskStates.Cancelled, (await db.Tasks.AsNoTracking().SingleAsync(t => t.InstanceId == row.Id)).State);
    }

    [Fact]
    public async Task The_appointment_skips_the_holidays_of_the_calendar_files()
    {
        var folder = Path.Combine(Path.GetTempPath(), "workflows-intake-calendar", Guid.NewGuid().ToString("N"));
        foreach (var file in Directory.EnumerateFiles(WorkflowsApp.SampleDefinitions, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(folder, Path.GetRelativePath(WorkflowsApp.SampleDefinitions, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }

        Directory.CreateDirectory(Path.Combine(folder, "calendars"));
        File.Copy(Path.Combine(RepositoryDefinitions(), "calendars", "2026.json"), Path.Combine(folder, "calendars", "2026.json"));
        try
        {
            // Tuesday 28 April 2026, 09:00; 30 April and 1 May are public holidays.
            var received = new DateTimeOffset(2026, 4, 28, 9, 0, 0, TimeSpan.FromHours(7));
            await using var app = new WorkflowsApp(database, folder, new ManualClock(received.AddHours(1)));
            using var client = app.ClientWithKey(WorkflowsApp.IntakeKey);

            var dossier = (await (await client.PostAsJsonAsync("/api/intake/dossiers", Body(NewExternalCode(), receivedAt: received))).Content.ReadFromJsonAsync<JsonObject>())!;

            // 5 working days: 29 April, 4, 5, 6 and 7 May.
            Assert.Equal(new DateTimeOffset(2026, 5, 7, 9, 0, 0, TimeSpan.FromHours(7)), (DateTimeOffset)dossier["appointmentDate"]!);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static string RepositoryDefinitions()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Workflows.sln")))
            {
                return Path.Combine(dir.FullName, "definitions");
            }
        }

        throw new InvalidOperationException("Workflows.sln not found above the test assembly.");
    }

    private static async Task<(int Dossiers, int Instances, int Tasks, int Outbox)> CountsAsync(WorkflowsApp app)
    {
        using var scope = app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<WorkflowsDbContext>();
        return (await db.Dossiers.CountAsync(), await db.Instances.CountAsync(), await db.Tasks.CountAsync(), await db.Outbox.CountAsync());
    }
}

public sealed class SqliteIntakeTests(SqliteDatabase database) : IntakeTests(database), IClassFixture<SqliteDatabase>;

public sealed class PostgresIntakeTests(PostgresDatabase database) : IntakeTests(database), IClassFixture<PostgresDatabase>;
