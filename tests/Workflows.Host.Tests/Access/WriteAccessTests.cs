using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Workflows.Host.Deadlines;
using Workflows.Host.Persistence;
using Workflows.Host.Tests.Intake;
using Workflows.Host.Tests.Support;

namespace Workflows.Host.Tests.Access;

/// <summary>
/// Every write endpoint, called by someone who cannot read the dossier (an officer of another department, another
/// intake system), answers 404 as reading does, and changes nothing.
/// </summary>
public abstract class WriteAccessTests(DatabaseFixture database)
{
    private const string PoliceOfficerKey = "dev-officer-police-key";

    [Fact]
    public async Task Every_write_endpoint_answers_404_to_an_officer_of_another_department_and_changes_nothing()
    {
        var clock = new ManualClock(IntakeTests.ReceivedAt.AddHours(1));
        await using var app = new WorkflowsApp(database, PoliceOnlyDefinitions.Path, clock);
        var code = await StartAsync(app);
        using var police = app.ClientWithKey(PoliceOfficerKey);
        using var desk = app.ClientWithKey(WorkflowsApp.DeskOfficerKey);
        var task = (await police.GetFromJsonAsync<JsonObject>("/api/tasks"))!["items"]!.AsArray()
            .Single(t => (string?)t!["dossierCode"] == code)!;
        var taskId = (string)task["id"]!;
        var letterId = await DraftApologyAsync(app, code, clock.Now);

        // The reference: reading answers 404 to the desk.
        Assert.Equal(HttpStatusCode.NotFound, (await desk.GetAsync(new Uri($"/api/dossiers/{code}", UriKind.Relative))).StatusCode);
        var writes = new (string Path, object Body)[]
        {
            ($"/api/tasks/{taskId}/claim", new { }),
            ($"/api/tasks/{taskId}/release", new { }),
            ($"/api/tasks/{taskId}/complete", new { outcome = "approved" }),
            ($"/api/tasks/{taskId}/return", new { note = "x" }),
            ($"/api/tasks/{taskId}/forward", new { department = "one-stop-desk" }),
            ($"/api/dossiers/{code}/stop", new { reason = "Không thuộc thẩm quyền" }),
            ($"/api/dossiers/{code}/result-returned", new { }),
            ($"/api/apologies/{letterId}/confirm", new { }),
        };
        foreach (var (path, body) in writes)
        {
            var response = await desk.PostAsJsonAsync(path, body);
            Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"POST {path} answered {(int)response.StatusCode}, not 404.");
            Assert.True(response.Content.Headers.ContentType?.MediaType == "application/problem+json", $"POST {path} answered {response.Content.Headers.ContentType}, not a problem document.");
        }

        // Another intake system does not find the first one's dossier either.
        using var admin = app.ClientWithKey(WorkflowsApp.AdministratorKey);
        var created = await admin.PostAsJsonAsync("/api/principals", new { name = $"cong-quoc-gia-{Guid.NewGuid():N}", kind = "intakeSystem", roles = new[] { "intake" } });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        using var otherIntake = app.ClientWithKey((string)(await created.Content.ReadFromJsonAsync<JsonObject>())!["apiKey"]!);
        var externalCode = await TestFolders.ExternalCodeAsync(app, code);
        Assert.Equal(HttpStatusCode.NotFound, (await otherIntake.PostAsJsonAsync($"/api/intake/dossiers/{externalCode}/signals", new { signal = "taxPaid" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await otherIntake.PostAsJsonAsync($"/api/intake/dossiers/{externalCode}/withdraw", new { reason = "Rút hồ sơ" })).StatusCode);

        // Nothing moved: the task is open and unclaimed in the police department, the letter still a draft.
        var after = (await police.GetFromJsonAsync<JsonObject>($"/api/tasks/{taskId}"))!;
        Assert.Equal("open", (string?)after["state"]);
        Assert.Null((string?)after["claimedBy"]);
        Assert.Equal("police", (string?)after["department"]);
        using var scope = app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<WorkflowsDbContext>();
        Assert.Equal("draft", await db.Set<ApologyLetterRow>().AsNoTracking().Where(a => a.Id == letterId).Select(a => a.State).SingleAsync());
        Assert.Equal(2, await db.Dossiers.AsNoTracking().Where(d => d.Code == code).Select(d => d.Status).SingleAsync());
    }

    [Fact]
    public async Task The_desk_cannot_return_the_result_of_a_dossier_it_cannot_read()
    {
        await using var app = new WorkflowsApp(database, PoliceOnlyDefinitions.Path, new ManualClock(IntakeTests.ReceivedAt.AddHours(1)));
        var code = await StartAsync(app);
        using var police = app.ClientWithKey(PoliceOfficerKey);
        using var desk = app.ClientWithKey(WorkflowsApp.DeskOfficerKey);
        var taskId = (string)(await police.GetFromJsonAsync<JsonObject>("/api/tasks"))!["items"]!.AsArray()
            .Single(t => (string?)t!["dossierCode"] == code)!["id"]!;
        Assert.Equal(HttpStatusCode.OK, (await police.PostAsJsonAsync($"/api/tasks/{taskId}/complete", new { outcome = "approved" })).StatusCode);

        var returned = await desk.PostAsJsonAsync($"/api/dossiers/{code}/result-returned", new { });
        var unknown = await desk.PostAsJsonAsync("/api/dossiers/KHONG-CO-HO-SO/result-returned", new { });

        Assert.Equal(HttpStatusCode.NotFound, returned.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal((await unknown.Content.ReadFromJsonAsync<JsonObject>())!["title"]!.ToString(), (await returned.Content.ReadFromJsonAsync<JsonObject>())!["title"]!.ToString());
        using var scope = app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<WorkflowsDbContext>();
        var dossier = await db.Dossiers.AsNoTracking().SingleAsync(d => d.Code == code);
        Assert.Equal(9, dossier.Status);
        Assert.Null(dossier.ResultReturnedAt);
        Assert.DoesNotContain(await db.Outbox.AsNoTracking().Where(o => o.InstanceId == dossier.Id && o.Kind == "statusChanged").Select(o => o.Payload).ToListAsync(),
            payload => (int?)JsonNode.Parse(payload)!["status"] == 10);
    }

    private static async Task<string> StartAsync(WorkflowsApp app)
    {
        using var intake = app.ClientWithKey(WorkflowsApp.IntakeKey);
        var response = await intake.PostAsJsonAsync("/api/intake/dossiers", IntakeTests.Body(IntakeTests.NewExternalCode(), PoliceOnlyDefinitions.Code));
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (string)(await response.Content.ReadFromJsonAsync<JsonObject>())!["dossierCode"]!;
    }

    /// <summary>A draft apology letter as the deadline sweep writes it, for the confirm endpoint.</summary>
    private static async Task<Guid> DraftApologyAsync(WorkflowsApp app, string code, DateTimeOffset now)
    {
        using var scope = app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<WorkflowsDbContext>();
        var dossier = await db.Dossiers.AsNoTracking().SingleAsync(d => d.Code == code);
        var letter = new ApologyLetterRow
        {
            Id = Guid.NewGuid(),
            DossierId = dossier.Id,
            Reason = "Cần xác minh thêm",
            ProposedDueAt = dossier.DueAt.AddDays(3),
            OriginalDueAt = dossier.OriginalDueAt,
            PreviousDueAt = dossier.DueAt,
            State = "draft",
            DraftedAt = now,
        };
        db.Add(letter);
        await db.SaveChangesAsync();
        return letter.Id;
    }
}

/// <summary>T.9601: one step, in the police department only; the one-stop desk never handles it.</summary>
internal static class PoliceOnlyDefinitions
{
    public const string Code = "T.9601";

    private static readonly Lazy<string> Folder = new(Write);

    public static string Path => Folder.Value;

    private static string Write()
    {
        var folder = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "workflows-host-tests", "police-only-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(System.IO.Path.Combine(folder, "procedures"));
        File.WriteAllText(System.IO.Path.Combine(folder, "departments.json"), """
            [
              { "id": "one-stop-desk", "name": "Bộ phận Một cửa", "kind": "desk" },
              { "id": "police", "name": "Công an" }
            ]
            """);
        File.WriteAllText(System.IO.Path.Combine(folder, "procedures", "T.9601-cong-an.json"), """
            {
              "schemaVersion": 1,
              "code": "T.9601",
              "version": 1,
              "effectiveFrom": "2026-01-01",
              "name": "Thủ tục thử: xác nhận của Công an",
              "legalTimeLimit": { "value": 5, "unit": "workingDays" },
              "committedTimeLimit": { "value": 5, "unit": "workingDays" },
              "flowchart": {
                "nodes": [
                  { "type": "Start", "id": "start" },
                  { "type": "Step", "id": "verify", "name": "Xác minh", "department": "police", "allottedTime": { "value": 2, "unit": "workingDays" },
                    "outcomes": [ "approved" ], "forwardTo": [ "one-stop-desk" ] },
                  { "type": "End", "id": "issued", "result": "issued" }
                ],
                "connections": [
                  { "from": "start", "to": "verify" },
                  { "from": "verify", "to": "issued", "outcome": "approved" }
                ]
              }
            }
            """);
        return folder;
    }
}

public sealed class SqliteWriteAccessTests(SqliteDatabase database) : WriteAccessTests(database), IClassFixture<SqliteDatabase>;

public sealed class PostgresWriteAccessTests(PostgresDatabase database) : WriteAccessTests(database), IClassFixture<PostgresDatabase>;
