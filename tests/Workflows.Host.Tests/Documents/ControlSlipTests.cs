using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Workflows.Host.Persistence;
using Workflows.Host.Tests.Intake;
using Workflows.Host.Tests.Support;

namespace Workflows.Host.Tests.Documents;

/// <summary>The control slip (form 06) shows every handover: each parallel branch's, the supplement's and the result's return.</summary>
public abstract class ControlSlipTests(DatabaseFixture database)
{
    private static readonly TimeSpan Vietnam = TimeSpan.FromHours(7);
    private const string CommuneKey = "dev-officer-commune-key";

    [Fact]
    public async Task After_a_parallel_consultation_the_next_step_shows_every_branchs_handover()
    {
        var clock = new ManualClock(IntakeTests.ReceivedAt.AddHours(1));
        await using var app = new WorkflowsApp(database, ControlSlipDefinitions.Path, clock);
        var code = await TestFolders.ReceiveAsync(app, ControlSlipDefinitions.Parallel);
        clock.Now = new DateTimeOffset(2026, 3, 2, 10, 0, 0, Vietnam);
        await TestFolders.CompleteStepAsync(app, code, "receive", WorkflowsApp.DeskOfficerKey, "approved", null);
        clock.Now = new DateTimeOffset(2026, 3, 2, 14, 0, 0, Vietnam);
        await TestFolders.CompleteStepAsync(app, code, "communeConfirm", CommuneKey, "approved", "Xác nhận nguồn gốc đất");
        clock.Now = new DateTimeOffset(2026, 3, 3, 10, 0, 0, Vietnam);
        await TestFolders.CompleteStepAsync(app, code, "review", WorkflowsApp.UrbanOfficerKey, "approved", null);
        using var admin = app.ClientWithKey(WorkflowsApp.AdministratorKey);

        var html = Html.Parse(await admin.GetStringAsync(new Uri($"/api/dossiers/{code}/documents/06", UriKind.Relative)));
        var timeline = (await admin.GetFromJsonAsync<JsonObject>($"/api/dossiers/{code}/timeline"))!["handovers"]!.AsArray();

        var sign = html.Fields("handover").Single(r => r.Field("handover.stepName") == "Ký duyệt");
        Assert.Equal(["UBND xã", "Sở Xây dựng"], sign.Fields("handover.giver.name").Select(Html.Text));
        Assert.Equal(["14 giờ 00 phút, ngày 02/03/2026", "10 giờ 00 phút, ngày 03/03/2026"], sign.Fields("handover.giver.handedOverAt").Select(Html.Text));
        var givers = timeline.Single(h => (string?)h!["nodeId"] == "sign")!["givingUnits"]!.AsArray();
        Assert.Equal(["commune", "construction"], givers.Select(g => (string)g!["unit"]!["id"]!));
        Assert.Equal("canbo.xa", (string?)givers[0]!["by"]);
        // A step after one unit keeps the single giver.
        var review = html.Fields("handover").Single(r => r.Field("handover.stepName") == "Thẩm định");
        Assert.Equal("Bộ phận Một cửa", review.Field("handover.givingUnit"));
        Assert.Empty(review.Fields("handover.giver"));
    }

    [Fact]
    public async Task A_supplement_has_its_own_row_and_returning_the_result_is_the_last_handover()
    {
        var clock = new ManualClock(IntakeTests.ReceivedAt.AddHours(1));
        await using var app = new WorkflowsApp(database, ControlSlipDefinitions.Path, clock);
        var code = await SentBackForSupplementAsync(app, clock);
        using var admin = app.ClientWithKey(WorkflowsApp.AdministratorKey);

        // While the applicant has it: an open row, sent back by the reviewing officer.
        var waiting = Html.Parse(await admin.GetStringAsync(new Uri($"/api/dossiers/{code}/documents/06", UriKind.Relative)));
        var open = waiting.Fields("handover").Single(r => (string?)r.Attribute("data-kind") == "supplement");
        Assert.Equal("Đang chờ người nộp bổ sung", open.Field("handover.returnedAt"));

        clock.Now = new DateTimeOffset(2026, 3, 5, 9, 0, 0, Vietnam);
        await SupplementReceivedAsync(app, code);

        // The clock paused: review, due Wednesday 10:00 and sent back Monday 15:00 with 12 working hours left, reopens
        // Thursday 09:00 with those 12 hours (due Friday 15:30), not its full 2 days again.
        Assert.Equal(new DateTimeOffset(2026, 3, 6, 15, 30, 0, Vietnam), await OpenDueAsync(app, code, "review"));

        clock.Now = new DateTimeOffset(2026, 3, 5, 10, 0, 0, Vietnam);
        await TestFolders.CompleteStepAsync(app, code, "review", WorkflowsApp.UrbanOfficerKey, "approved", null);
        clock.Now = new DateTimeOffset(2026, 3, 5, 11, 0, 0, Vietnam);
        await TestFolders.CompleteStepAsync(app, code, "sign", WorkflowsApp.LeaderKey, "approved", null);
        clock.Now = new DateTimeOffset(2026, 3, 5, 14, 0, 0, Vietnam);
        using (var desk = app.ClientWithKey(WorkflowsApp.DeskOfficerKey))
        {
            Assert.Equal(HttpStatusCode.OK, (await desk.PostAsync(new Uri($"/api/dossiers/{code}/result-returned", UriKind.Relative), null)).StatusCode);
        }

        var html = Html.Parse(await admin.GetStringAsync(new Uri($"/api/dossiers/{code}/documents/06", UriKind.Relative)));
        var timeline = (await admin.GetFromJsonAsync<JsonObject>($"/api/dossiers/{code}/timeline"))!;

        var rows = html.Fields("handover").ToList();
        Assert.Equal(
            ["Tiếp nhận hồ sơ", "Thẩm định", "Bổ sung, hoàn thiện hồ sơ", "Thẩm định", "Ký duyệt", "Trả kết quả giải quyết hồ sơ"],
            rows.Select(r => r.Field("handover.stepName")));
        Assert.Equal(["1", "2", "3", "4", "5", "6"], rows.Select(r => r.Field("handover.number")));
        var supplement = rows[2];
        Assert.Equal("supplement", (string?)supplement.Attribute("data-kind"));
        Assert.Equal("Sở Xây dựng", supplement.Field("handover.givingUnit"));
        Assert.Equal("Nguyễn Văn An", supplement.Field("handover.receivingUnit"));
        Assert.Equal("canbo.xaydung", supplement.Field("handover.completedBy"));
        Assert.StartsWith("15 giờ 00 phút, ngày 02/03/2026", supplement.Field("handover.handedOverAt"), StringComparison.Ordinal);
        Assert.Equal("Nhận lại hồ sơ đã bổ sung: 09 giờ 00 phút, ngày 05/03/2026", supplement.Field("handover.returnedAt"));
        Assert.Equal("Tạm dừng tính thời gian giải quyết", supplement.Field("handover.result"));
        Assert.Equal("Thiếu bản vẽ mặt bằng tầng 1.", supplement.Field("handover.note"));
        var returned = rows[5];
        Assert.Equal("resultReturned", (string?)returned.Attribute("data-kind"));
        Assert.Equal(("Bộ phận Một cửa", "Nguyễn Văn An"), (returned.Field("handover.givingUnit"), returned.Field("handover.receivingUnit")));
        Assert.Equal("14 giờ 00 phút, ngày 05/03/2026", returned.Field("handover.handedOverAt"));
        var events = timeline["events"]!.AsArray();
        Assert.Equal("resultReturned", (string?)events[^1]!["kind"]);
        Assert.Equal(new DateTimeOffset(2026, 3, 5, 14, 0, 0, Vietnam), (DateTimeOffset)events[^1]!["at"]!);
        Assert.Equal(["step", "step", "supplement", "step", "step", "resultReturned"], timeline["handovers"]!.AsArray().Select(h => (string)h!["kind"]!));
    }

    [Fact]
    public async Task A_calendar_edit_keeps_what_the_supplement_policy_left_to_a_reopened_step()
    {
        var clock = new ManualClock(IntakeTests.ReceivedAt.AddHours(1));
        await using var app = new WorkflowsApp(database, ControlSlipDefinitions.Path, clock);
        var code = await SentBackForSupplementAsync(app, clock);
        clock.Now = new DateTimeOffset(2026, 3, 5, 9, 0, 0, Vietnam);
        await SupplementReceivedAsync(app, code);

        Assert.Equal(new DateTimeOffset(2026, 3, 6, 15, 30, 0, Vietnam), await OpenDueAsync(app, code, "review"));

        // An administrator adds a day off at the end of the year: nothing between Thursday and Friday changes, so the
        // reopened review keeps its 12 hours (due Friday 15:30), not its full 2 days from Thursday (Monday 09:00).
        clock.Now = new DateTimeOffset(2026, 3, 5, 9, 30, 0, Vietnam);
        using var admin = app.ClientWithKey(WorkflowsApp.AdministratorKey);
        var edit = await admin.PutAsync(new Uri("/api/calendars/2026", UriKind.Relative),
            new StringContent(Deadlines.TestDefinitionsFolder.Calendar("2026-01-01", "2026-12-31"), System.Text.Encoding.UTF8, "application/json"));
        Assert.True(edit.IsSuccessStatusCode, await edit.Content.ReadAsStringAsync());
        Assert.Equal(new DateTimeOffset(2026, 3, 6, 15, 30, 0, Vietnam), await OpenDueAsync(app, code, "review"));

        // A day off inside what is left moves it by that day: Friday off → due Monday 15:30.
        var friday = await admin.PutAsync(new Uri("/api/calendars/2026", UriKind.Relative),
            new StringContent(Deadlines.TestDefinitionsFolder.Calendar("2026-01-01", "2026-03-06", "2026-12-31"), System.Text.Encoding.UTF8, "application/json"));
        Assert.True(friday.IsSuccessStatusCode, await friday.Content.ReadAsStringAsync());
        Assert.Equal(new DateTimeOffset(2026, 3, 9, 15, 30, 0, Vietnam), await OpenDueAsync(app, code, "review"));

        // Friday a working day again: back to Friday 15:30 (and the class's other tests, on this database, count on it).
        var back = await admin.PutAsync(new Uri("/api/calendars/2026", UriKind.Relative),
            new StringContent(Deadlines.TestDefinitionsFolder.Calendar("2026-01-01", "2026-12-31"), System.Text.Encoding.UTF8, "application/json"));
        Assert.True(back.IsSuccessStatusCode, await back.Content.ReadAsStringAsync());
        Assert.Equal(new DateTimeOffset(2026, 3, 6, 15, 30, 0, Vietnam), await OpenDueAsync(app, code, "review"));
    }

    // D.0007 received Monday 2 March 09:00, handed over by the desk at 10:00 and sent back for a supplement by the review
    // at 15:00 (due Wednesday 10:00, 12 working hours left).
    private static async Task<string> SentBackForSupplementAsync(WorkflowsApp app, ManualClock clock)
    {
        var code = await TestFolders.ReceiveAsync(app, ControlSlipDefinitions.Supplement);
        clock.Now = new DateTimeOffset(2026, 3, 2, 10, 0, 0, Vietnam);
        await TestFolders.CompleteStepAsync(app, code, "receive", WorkflowsApp.DeskOfficerKey, "approved", null);
        clock.Now = new DateTimeOffset(2026, 3, 2, 15, 0, 0, Vietnam);
        await TestFolders.CompleteStepAsync(app, code, "review", WorkflowsApp.UrbanOfficerKey, "needsSupplement", "Thiếu bản vẽ mặt bằng tầng 1.");
        return code;
    }

    private static async Task SupplementReceivedAsync(WorkflowsApp app, string code)
    {
        using var intake = app.ClientWithKey(WorkflowsApp.IntakeKey);
        var signal = await intake.PostAsJsonAsync($"/api/intake/dossiers/{await TestFolders.ExternalCodeAsync(app, code)}/signals", new { signal = "supplementReceived" });
        Assert.True(signal.IsSuccessStatusCode, await signal.Content.ReadAsStringAsync());
    }

    private static async Task<DateTimeOffset> OpenDueAsync(WorkflowsApp app, string code, string step)
    {
        using var scope = app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<WorkflowsDbContext>();
        var dossier = await db.Dossiers.AsNoTracking().SingleAsync(d => d.Code == code);
        var due = (await db.Tasks.AsNoTracking().SingleAsync(t => t.InstanceId == dossier.Id && t.State == TaskStates.Open && t.NodeId == step)).DueAt;
        return due.ToOffset(Vietnam);
    }
}

public sealed class SqliteControlSlipTests(SqliteDatabase database) : ControlSlipTests(database), IClassFixture<SqliteDatabase>;

public sealed class PostgresControlSlipTests(PostgresDatabase database) : ControlSlipTests(database), IClassFixture<PostgresDatabase>;

/// <summary>
/// D.0006: the desk, then the commune and construction in parallel, then the leader's signature. D.0007: the desk,
/// construction (which may ask for a supplement; the clock pauses), the leader.
/// </summary>
internal static class ControlSlipDefinitions
{
    public const string Parallel = "D.0006";
    public const string Supplement = "D.0007";

    private static readonly Lazy<string> Folder = new(Write);

    public static string Path => Folder.Value;

    private static string Write()
    {
        var folder = TestFolders.Write("control-slip-definitions", """
            [
              { "id": "ttpvhcc-tinh", "name": "Trung tâm Phục vụ hành chính công tỉnh" },
              { "id": "one-stop-desk", "name": "Bộ phận Một cửa", "kind": "desk" },
              { "id": "commune", "name": "UBND xã" },
              { "id": "construction", "name": "Sở Xây dựng" },
              { "id": "leadership", "name": "Lãnh đạo" }
            ]
            """, [], withForms: true);
        File.WriteAllText(System.IO.Path.Combine(folder, "procedures", "D.0006-song-song.json"), """
            {
              "schemaVersion": 1, "code": "D.0006", "version": 1, "effectiveFrom": "2026-01-01",
              "name": "Thủ tục thử: lấy ý kiến song song",
              "legalTimeLimit": { "value": 5, "unit": "workingDays" },
              "committedTimeLimit": { "value": 5, "unit": "workingDays" },
              "flowchart": {
                "nodes": [
                  { "type": "Start", "id": "start" },
                  { "type": "Step", "id": "receive", "name": "Tiếp nhận hồ sơ", "department": "one-stop-desk", "allottedTime": { "value": 0.5, "unit": "workingDays" }, "outcomes": [ "approved" ] },
                  { "type": "Fork", "id": "consult", "name": "Lấy ý kiến song song" },
                  { "type": "Step", "id": "communeConfirm", "name": "Xác nhận của UBND xã", "department": "commune", "allottedTime": { "value": 1, "unit": "workingDays" }, "outcomes": [ "approved" ] },
                  { "type": "Step", "id": "review", "name": "Thẩm định", "department": "construction", "allottedTime": { "value": 2, "unit": "workingDays" }, "outcomes": [ "approved" ] },
                  { "type": "Join", "id": "consulted", "name": "Đủ ý kiến", "mode": "all" },
                  { "type": "Step", "id": "sign", "name": "Ký duyệt", "department": "leadership", "allottedTime": { "value": 1, "unit": "workingDays" }, "outcomes": [ "approved" ] },
                  { "type": "End", "id": "issued", "result": "issued" }
                ],
                "connections": [
                  { "from": "start", "to": "receive" },
                  { "from": "receive", "to": "consult", "outcome": "approved" },
                  { "from": "consult", "to": "communeConfirm" },
                  { "from": "consult", "to": "review" },
                  { "from": "communeConfirm", "to": "consulted", "outcome": "approved" },
                  { "from": "review", "to": "consulted", "outcome": "approved" },
                  { "from": "consulted", "to": "sign" },
                  { "from": "sign", "to": "issued", "outcome": "approved" }
                ]
              }
            }
            """);
        File.WriteAllText(System.IO.Path.Combine(folder, "procedures", "D.0007-bo-sung.json"), """
            {
              "schemaVersion": 1, "code": "D.0007", "version": 1, "effectiveFrom": "2026-01-01",
              "name": "Thủ tục thử: bổ sung hồ sơ",
              "legalTimeLimit": { "value": 5, "unit": "workingDays" },
              "committedTimeLimit": { "value": 5, "unit": "workingDays" },
              "supplement": { "clock": "pause", "deadline": { "value": 30, "unit": "calendarDays" } },
              "flowchart": {
                "nodes": [
                  { "type": "Start", "id": "start" },
                  { "type": "Step", "id": "receive", "name": "Tiếp nhận hồ sơ", "department": "one-stop-desk", "allottedTime": { "value": 0.5, "unit": "workingDays" }, "outcomes": [ "approved" ] },
                  { "type": "Step", "id": "review", "name": "Thẩm định", "department": "construction", "allottedTime": { "value": 2, "unit": "workingDays" }, "outcomes": [ "approved", "needsSupplement" ] },
                  { "type": "Step", "id": "sign", "name": "Ký duyệt", "department": "leadership", "allottedTime": { "value": 1, "unit": "workingDays" }, "outcomes": [ "approved" ] },
                  { "type": "End", "id": "issued", "result": "issued" }
                ],
                "connections": [
                  { "from": "start", "to": "receive" },
                  { "from": "receive", "to": "review", "outcome": "approved" },
                  { "from": "review", "to": "sign", "outcome": "approved" },
                  { "from": "sign", "to": "issued", "outcome": "approved" }
                ]
              }
            }
            """);
        return folder;
    }
}
