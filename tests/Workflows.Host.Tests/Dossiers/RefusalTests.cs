using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Workflows.Host.Persistence;
using Workflows.Host.Tests.Documents;
using Workflows.Host.Tests.Intake;
using Workflows.Host.Tests.Support;

namespace Workflows.Host.Tests.Dossiers;

/// <summary>
/// A refusal at intake (form 03, status 3, counted as refused) and a refusal decided after appraisal (the competent
/// body's answer, form 03b, status 9 with result refused, counted as resolved) are different things.
/// </summary>
public abstract class RefusalTests(DatabaseFixture database)
{
    private static readonly TimeSpan Vietnam = TimeSpan.FromHours(7);
    private const string Period = "from=2026-03-01&to=2026-03-31";

    [Fact]
    public async Task A_dossier_refused_at_the_intake_check_is_not_received_with_form_03_and_counted_as_refused()
    {
        var clock = new ManualClock(IntakeTests.ReceivedAt.AddHours(1));
        await using var app = new WorkflowsApp(database, RefusalDefinitions.Path, clock);
        var code = await TestFolders.ReceiveAsync(app, RefusalDefinitions.AtIntake);
        clock.Now = new DateTimeOffset(2026, 3, 2, 10, 0, 0, Vietnam);
        await TestFolders.CompleteStepAsync(app, code, "receive", WorkflowsApp.DeskOfficerKey, "rejected", "Thủ tục không thuộc thẩm quyền giải quyết của cơ quan.");
        using var admin = app.ClientWithKey(WorkflowsApp.AdministratorKey);

        var dossier = (await admin.GetFromJsonAsync<JsonObject>($"/api/dossiers/{code}"))!;
        Assert.Equal(3, (int)dossier["status"]!);
        Assert.Equal("Không được tiếp nhận", (string?)dossier["statusName"]);
        var form = Html.Parse(await admin.GetStringAsync(new Uri($"/api/dossiers/{code}/documents/03", UriKind.Relative)));
        Assert.Equal("Phiếu từ chối tiếp nhận, giải quyết hồ sơ", form.Field("title"));
        Assert.Equal("Thủ tục không thuộc thẩm quyền giải quyết của cơ quan.", form.Field("reason"));
        Assert.Equal(HttpStatusCode.Conflict, (await admin.GetAsync(new Uri($"/api/dossiers/{code}/documents/03b", UriKind.Relative))).StatusCode);
        var finished = await FinishedAsync(admin, RefusalDefinitions.AtIntake);
        Assert.Equal((1, 0), ((int)finished["refused"]!, (int)finished["resolved"]!));
    }

    [Fact]
    public async Task A_dossier_refused_at_the_leaders_signature_is_resolved_with_a_refusal_and_the_competent_bodys_answer()
    {
        var clock = new ManualClock(IntakeTests.ReceivedAt.AddHours(1));
        await using var app = new WorkflowsApp(database, RefusalDefinitions.Path, clock);
        var code = await TestFolders.ReceiveAsync(app, RefusalDefinitions.AfterAppraisal);
        clock.Now = new DateTimeOffset(2026, 3, 2, 10, 0, 0, Vietnam);
        await TestFolders.CompleteStepAsync(app, code, "receive", WorkflowsApp.DeskOfficerKey, "approved", null);
        clock.Now = new DateTimeOffset(2026, 3, 3, 10, 0, 0, Vietnam);
        await TestFolders.CompleteStepAsync(app, code, "review", WorkflowsApp.UrbanOfficerKey, "approved", null);
        clock.Now = new DateTimeOffset(2026, 3, 4, 10, 0, 0, Vietnam);
        await TestFolders.CompleteStepAsync(app, code, "sign", WorkflowsApp.LeaderKey, "rejected", "Công trình vi phạm chỉ giới xây dựng theo quy hoạch chi tiết.");
        using var admin = app.ClientWithKey(WorkflowsApp.AdministratorKey);

        var dossier = (await admin.GetFromJsonAsync<JsonObject>($"/api/dossiers/{code}"))!;
        Assert.Equal(9, (int)dossier["status"]!);
        Assert.Equal("Đã xử lý xong", (string?)dossier["statusName"]);
        Assert.Equal("refused", (string?)dossier["result"]);
        Assert.Equal(HttpStatusCode.Conflict, (await admin.GetAsync(new Uri($"/api/dossiers/{code}/documents/03", UriKind.Relative))).StatusCode);
        var answer = Html.Parse(await admin.GetStringAsync(new Uri($"/api/dossiers/{code}/documents/03b", UriKind.Relative)));
        Assert.Equal("Văn bản trả lời từ chối giải quyết hồ sơ", answer.Field("title"));
        Assert.Equal("Sở Xây dựng", answer.Field("competentBody"));
        Assert.Equal("Công trình vi phạm chỉ giới xây dựng theo quy hoạch chi tiết.", answer.Field("reason"));
        Assert.Equal(("Phê duyệt", "Lãnh đạo", "lanh.dao"), (answer.Field("stepName"), answer.Field("department"), answer.Field("refusedBy")));
        Assert.Equal("10 giờ 00 phút, ngày 04/03/2026", answer.Field("refusedAt"));
        Assert.DoesNotContain("tiếp nhận, giải quyết hồ sơ này", Html.Text(answer.Root!), StringComparison.Ordinal);
        Assert.DoesNotContain("Mẫu số 03b", Html.Text(answer.Root!), StringComparison.Ordinal);

        // Resolved (on time: due Friday 6 March), not refused; the on-time rate counts it.
        var finished = await FinishedAsync(admin, RefusalDefinitions.AfterAppraisal);
        Assert.Equal((0, 1, 1), ((int)finished["refused"]!, (int)finished["resolved"]!, (int)finished["early"]! + (int)finished["onTime"]!));
        var indicators = (await admin.GetFromJsonAsync<JsonObject>($"/api/reports/indicators?{Period}"))!["indicators"]!.AsArray();
        var onTime = indicators.Single(i => (string?)i!["code"] == "onTimeRate")!;
        Assert.Equal((1, 1), ((int)onTime["numerator"]!, (int)onTime["denominator"]!));

        // The result (the answer) is returned like any other: status 10.
        using var desk = app.ClientWithKey(WorkflowsApp.DeskOfficerKey);
        Assert.Equal(HttpStatusCode.OK, (await desk.PostAsync(new Uri($"/api/dossiers/{code}/result-returned", UriKind.Relative), null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync(new Uri($"/api/dossiers/{code}/documents/03b", UriKind.Relative))).StatusCode);
    }

    private static async Task<JsonObject> FinishedAsync(HttpClient client, string procedure)
    {
        var report = (await client.GetFromJsonAsync<JsonObject>($"/api/reports/summary?{Period}&groupBy=procedure&procedure={procedure}"))!;
        return report["rows"]!.AsArray().Single(r => (string?)r!["key"] == procedure)!["finished"]!.AsObject();
    }
}

public sealed class SqliteRefusalTests(SqliteDatabase database) : RefusalTests(database), IClassFixture<SqliteDatabase>;

public sealed class PostgresRefusalTests(PostgresDatabase database) : RefusalTests(database), IClassFixture<PostgresDatabase>;

/// <summary>Two copies (one per test, so each has its own report row) of: desk check → construction review → leader, any of which may refuse.</summary>
internal static class RefusalDefinitions
{
    public const string AtIntake = "D.0008";
    public const string AfterAppraisal = "D.0009";

    private static readonly Lazy<string> Folder = new(Write);

    public static string Path => Folder.Value;

    private static string Write()
    {
        var folder = TestFolders.Write("refusal-definitions", """
            [
              { "id": "ttpvhcc-tinh", "name": "Trung tâm Phục vụ hành chính công tỉnh" },
              { "id": "one-stop-desk", "name": "Bộ phận Một cửa", "kind": "desk" },
              { "id": "construction", "name": "Sở Xây dựng" },
              { "id": "leadership", "name": "Lãnh đạo" }
            ]
            """, [], withForms: true);
        foreach (var code in new[] { AtIntake, AfterAppraisal })
        {
            File.WriteAllText(System.IO.Path.Combine(folder, "procedures", $"{code}-tu-choi.json"), $$"""
                {
                  "schemaVersion": 1, "code": "{{code}}", "version": 1, "effectiveFrom": "2026-01-01",
                  "name": "Thủ tục thử: từ chối",
                  "competentBody": "Sở Xây dựng",
                  "legalTimeLimit": { "value": 5, "unit": "workingDays" },
                  "committedTimeLimit": { "value": 5, "unit": "workingDays" },
                  "flowchart": {
                    "nodes": [
                      { "type": "Start", "id": "start" },
                      { "type": "Step", "id": "receive", "name": "Tiếp nhận hồ sơ", "department": "one-stop-desk", "allottedTime": { "value": 0.5, "unit": "workingDays" }, "outcomes": [ "approved", "rejected" ] },
                      { "type": "Step", "id": "review", "name": "Thẩm định", "department": "construction", "allottedTime": { "value": 2, "unit": "workingDays" }, "outcomes": [ "approved", "rejected" ] },
                      { "type": "Step", "id": "sign", "name": "Phê duyệt", "department": "leadership", "allottedTime": { "value": 1, "unit": "workingDays" }, "outcomes": [ "approved", "rejected" ] },
                      { "type": "End", "id": "issued", "result": "issued" },
                      { "type": "End", "id": "refused", "result": "refused" }
                    ],
                    "connections": [
                      { "from": "start", "to": "receive" },
                      { "from": "receive", "to": "review", "outcome": "approved" },
                      { "from": "receive", "to": "refused", "outcome": "rejected" },
                      { "from": "review", "to": "sign", "outcome": "approved" },
                      { "from": "review", "to": "refused", "outcome": "rejected" },
                      { "from": "sign", "to": "issued", "outcome": "approved" },
                      { "from": "sign", "to": "refused", "outcome": "rejected" }
                    ]
                  }
                }
                """);
        }

        return folder;
    }
}
