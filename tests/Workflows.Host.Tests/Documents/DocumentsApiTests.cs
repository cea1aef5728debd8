using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Workflows.Host.Documents;
using Workflows.Host.Persistence;
using Workflows.Host.Tests.Intake;
using Workflows.Host.Tests.Support;

namespace Workflows.Host.Tests.Documents;

public abstract class DocumentsApiTests(DatabaseFixture database)
{
    private static readonly TimeSpan Vietnam = TimeSpan.FromHours(7);

    [Fact]
    public async Task The_receipt_shows_the_dossier_the_applicant_the_documents_the_appointment_the_fee_and_a_qr_code()
    {
        await using var app = new WorkflowsApp(database, DocumentDefinitions.Path, new ManualClock(IntakeTests.ReceivedAt.AddHours(1)));
        var applicant = "Nguyễn Văn An <& Cộng sự>";
        var (code, _) = await ReceiveAsync(app, applicant);
        using var desk = app.ClientWithKey(WorkflowsApp.DeskOfficerKey);

        var response = await desk.GetAsync(new Uri($"/api/dossiers/{code}/documents/01", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(("text/html", "utf-8"), (response.Content.Headers.ContentType?.MediaType, response.Content.Headers.ContentType?.CharSet));
        var html = Html.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(code, html.Field("dossier.code"));
        Assert.Equal(applicant, html.Field("dossier.applicant.name"));
        Assert.Equal(("001203004005", "0912345678", "12 Trần Phú, phường Hải Châu", "an@example.vn"),
            (html.Field("dossier.applicant.idNumber"), html.Field("dossier.applicant.phone"), html.Field("dossier.applicant.address"), html.Field("dossier.applicant.email")));
        Assert.Equal(DocumentDefinitions.ProcedureName, html.Field("dossier.procedureName"));
        Assert.Equal("Trung tâm Phục vụ hành chính công tỉnh", html.Field("dossier.receptionPointName"));
        Assert.Equal("Trực tiếp", html.Field("dossier.channelName"));
        Assert.Equal("09 giờ 00 phút, ngày 02/03/2026", html.Field("dossier.receivedAt"));
        // 5 working days from Monday 2 March 09:00.
        Assert.Equal("09 giờ 00 phút, ngày 09/03/2026", html.Field("dossier.dueAt"));
        Assert.Equal("5 ngày làm việc", html.Field("committedTimeLimit"));
        Assert.Equal("1.500.000 đồng", html.Field("fee.amount"));
        Assert.Equal("ngày 02 tháng 03 năm 2026", html.Field("issuedAt").Split(", ", 2)[1]);
        var rows = html.Fields("document").Select(r => (r.Field("document.name"), r.Field("document.originals"), r.Field("document.copies"))).ToList();
        Assert.Equal([("Đơn đề nghị", "1", "0"), ("Bản vẽ", "0", "2")], rows);
        var qr = Assert.Single(html.Fields("qr"));
        Assert.Equal(code, (string?)qr.Attribute("data-qr-payload"));
        Assert.Single(qr.Elements(), e => e.Name.LocalName == "svg");
        Assert.Equal(code, DocumentRenderer.QrPayload(code, null));
        Assert.Equal($"https://dichvucong.example/tra-cuu?ma={code}", DocumentRenderer.QrPayload(code, "https://dichvucong.example/tra-cuu?ma={code}"));
        Assert.Contains("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", html.Root!.Value, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_receipt_qr_code_points_to_the_lookup_page_when_one_is_configured()
    {
        await using var app = new WorkflowsApp(database, DocumentDefinitions.Path, new ManualClock(IntakeTests.ReceivedAt.AddHours(1)));
        var (code, _) = await ReceiveAsync(app);
        await using var configured = app.WithWebHostBuilder(b => b.UseSetting("Documents:LookupUrl", "https://dichvucong.example/tra-cuu?ma={code}"));
        using var desk = configured.CreateClient();
        desk.DefaultRequestHeaders.Add("X-Api-Key", WorkflowsApp.DeskOfficerKey);

        var html = Html.Parse(await desk.GetStringAsync(new Uri($"/api/dossiers/{code}/documents/01", UriKind.Relative)));

        Assert.Equal($"https://dichvucong.example/tra-cuu?ma={Uri.EscapeDataString(code)}", (string?)Assert.Single(html.Fields("qr")).Attribute("data-qr-payload"));
    }

    [Fact]
    public async Task A_supplement_request_prints_the_officers_note_and_the_deadline_and_only_the_forms_that_apply_are_listed()
    {
        var clock = new ManualClock(IntakeTests.ReceivedAt.AddHours(1));
        await using var app = new WorkflowsApp(database, DocumentDefinitions.Path, clock);
        var (code, _) = await ReceiveAsync(app);
        using var desk = app.ClientWithKey(WorkflowsApp.DeskOfficerKey);
        Assert.Equal(HttpStatusCode.Conflict, (await desk.GetAsync(new Uri($"/api/dossiers/{code}/documents/02", UriKind.Relative))).StatusCode);

        clock.Now = new DateTimeOffset(2026, 3, 2, 10, 30, 0, Vietnam);
        await CompleteAsync(app, code, WorkflowsApp.DeskOfficerKey, "needsSupplement", "Thiếu bản vẽ mặt bằng tầng 1; đề nghị bổ sung bản chính.");

        var response = await desk.GetAsync(new Uri($"/api/dossiers/{code}/documents/02", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = Html.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("Thiếu bản vẽ mặt bằng tầng 1; đề nghị bổ sung bản chính.", html.Field("reason"));
        Assert.Equal(code, html.Field("dossier.code"));
        Assert.Equal("10 giờ 30 phút, ngày 02/03/2026", html.Field("requestedAt"));
        Assert.Equal("Tiếp nhận hồ sơ", html.Field("stepName"));
        Assert.Equal("canbo.motcua", html.Field("requestedBy"));
        Assert.Equal("30 ngày", html.Field("deadlineLimit"));
        Assert.EndsWith("01/04/2026", html.Field("deadline"), StringComparison.Ordinal);

        var list = (await desk.GetFromJsonAsync<JsonArray>($"/api/dossiers/{code}/documents"))!;
        var available = list.Where(f => (bool)f!["available"]!).Select(f => (string)f!["form"]!).ToList();
        Assert.Equal(["01", "02", "06"], available);
        Assert.Equal(["01", "02", "03", "03b", "04", "05", "06"], list.Select(f => (string)f!["form"]!));
        Assert.NotNull(list.Single(f => (string)f!["form"]! == "03")!["reason"]);
        Assert.Equal(HttpStatusCode.Conflict, (await desk.GetAsync(new Uri($"/api/dossiers/{code}/documents/03", UriKind.Relative))).StatusCode);
        var stop = await desk.GetAsync(new Uri($"/api/dossiers/{code}/documents/05", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Conflict, stop.StatusCode);
        Assert.Equal(409, (int?)(await stop.Content.ReadFromJsonAsync<JsonObject>())!["status"]);
    }

    [Fact]
    public async Task A_refusal_after_appraisal_prints_the_competent_bodys_answer_with_the_reason_the_refusing_officer_gave()
    {
        var clock = new ManualClock(IntakeTests.ReceivedAt.AddHours(1));
        await using var app = new WorkflowsApp(database, DocumentDefinitions.Path, clock);
        var (code, _) = await ReceiveAsync(app);
        await CompleteAsync(app, code, WorkflowsApp.DeskOfficerKey, "approved", null);
        clock.Now = new DateTimeOffset(2026, 3, 3, 14, 0, 0, Vietnam);
        await CompleteAsync(app, code, WorkflowsApp.UrbanOfficerKey, "rejected", "Khu đất không phù hợp quy hoạch chi tiết đã được phê duyệt.");
        using var urban = app.ClientWithKey(WorkflowsApp.UrbanOfficerKey);

        // Refused at review, after the desk received it: the competent body's answer (03b), not a refusal to receive (03).
        var html = Html.Parse(await urban.GetStringAsync(new Uri($"/api/dossiers/{code}/documents/03b", UriKind.Relative)));

        Assert.Equal(HttpStatusCode.Conflict, (await urban.GetAsync(new Uri($"/api/dossiers/{code}/documents/03", UriKind.Relative))).StatusCode);
        Assert.Equal("Khu đất không phù hợp quy hoạch chi tiết đã được phê duyệt.", html.Field("reason"));
        Assert.Equal(("Thẩm định", "Sở Xây dựng", "canbo.xaydung"), (html.Field("stepName"), html.Field("department"), html.Field("refusedBy")));
        Assert.Equal("14 giờ 00 phút, ngày 03/03/2026", html.Field("refusedAt"));
        Assert.Equal(HttpStatusCode.Conflict, (await urban.GetAsync(new Uri($"/api/dossiers/{code}/documents/02", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await urban.GetAsync(new Uri($"/api/dossiers/{code}/documents/05", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task A_withdrawal_prints_the_stop_notice_with_the_applicants_reason()
    {
        var clock = new ManualClock(IntakeTests.ReceivedAt.AddHours(1));
        await using var app = new WorkflowsApp(database, DocumentDefinitions.Path, clock);
        var (code, externalCode) = await ReceiveAsync(app);
        using var intake = app.ClientWithKey(WorkflowsApp.IntakeKey);
        clock.Now = new DateTimeOffset(2026, 3, 2, 15, 45, 0, Vietnam);
        var withdrawn = await intake.PostAsJsonAsync($"/api/intake/dossiers/{externalCode}/withdraw", new { reason = "Người nộp đề nghị rút hồ sơ để điều chỉnh thiết kế." });
        Assert.Equal(HttpStatusCode.OK, withdrawn.StatusCode);
        using var admin = app.ClientWithKey(WorkflowsApp.AdministratorKey);

        var html = Html.Parse(await admin.GetStringAsync(new Uri($"/api/dossiers/{code}/documents/05", UriKind.Relative)));

        Assert.Equal("Người nộp đề nghị rút hồ sơ để điều chỉnh thiết kế.", html.Field("reason"));
        Assert.Equal("withdrawn", (string?)Assert.Single(html.Fields("result")).Attribute("data-value"));
        Assert.Equal("15 giờ 45 phút, ngày 02/03/2026", html.Field("stoppedAt"));
        Assert.Equal(HttpStatusCode.Conflict, (await admin.GetAsync(new Uri($"/api/dossiers/{code}/documents/03", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task The_control_slip_has_one_row_per_handover_matching_the_dossier_timeline()
    {
        var clock = new ManualClock(IntakeTests.ReceivedAt.AddHours(1));
        await using var app = new WorkflowsApp(database, DocumentDefinitions.Path, clock);
        var (code, _) = await ReceiveAsync(app);
        using var admin = app.ClientWithKey(WorkflowsApp.AdministratorKey);

        // Received Monday 09:00, still at the desk: one open row.
        var open = Html.Parse(await admin.GetStringAsync(new Uri($"/api/dossiers/{code}/documents/06", UriKind.Relative)));
        Assert.Equal("Đang xử lý", Html.Text(Assert.Single(open.Fields("handover")).Fields("handover.result").Single()));

        // The desk on time (Monday 11:00, due 15:00), construction early (Tuesday, due Wednesday), the leader late (Thursday, due Wednesday).
        clock.Now = new DateTimeOffset(2026, 3, 2, 11, 0, 0, Vietnam);
        await CompleteAsync(app, code, WorkflowsApp.DeskOfficerKey, "approved", null);
        clock.Now = new DateTimeOffset(2026, 3, 3, 10, 0, 0, Vietnam);
        await CompleteAsync(app, code, WorkflowsApp.UrbanOfficerKey, "approved", "Đủ điều kiện cấp phép");
        clock.Now = new DateTimeOffset(2026, 3, 5, 10, 0, 0, Vietnam);
        await CompleteAsync(app, code, WorkflowsApp.LeaderKey, "approved", null);

        var html = Html.Parse(await admin.GetStringAsync(new Uri($"/api/dossiers/{code}/documents/06", UriKind.Relative)));
        var timeline = (await admin.GetFromJsonAsync<JsonObject>($"/api/dossiers/{code}/timeline"))!["handovers"]!.AsArray();

        var rows = html.Fields("handover").ToList();
        Assert.Equal(timeline.Count, rows.Count);
        Assert.Equal(3, rows.Count);
        var labels = new Dictionary<string, string> { ["early"] = "Trước hạn", ["onTime"] = "Đúng hạn", ["late"] = "Quá hạn" };
        for (var i = 0; i < rows.Count; i++)
        {
            var expected = timeline[i]!;
            // The first giver is the reception point, which the timeline names by its id.
            Assert.Equal(i == 0 ? "Trung tâm Phục vụ hành chính công tỉnh" : (string?)expected["givingUnit"]!["name"], rows[i].Field("handover.givingUnit"));
            Assert.Equal((string?)expected["receivingUnit"]!["name"], rows[i].Field("handover.receivingUnit"));
            Assert.Equal((string?)expected["stepName"], rows[i].Field("handover.stepName"));
            Assert.Equal((string?)expected["completedBy"], rows[i].Field("handover.completedBy"));
            Assert.Equal(labels[(string)expected["sla"]!], rows[i].Field("handover.result"));
            Assert.Equal((string?)expected["sla"], (string?)rows[i].Attribute("data-sla"));
        }

        Assert.Equal(["Đúng hạn", "Trước hạn", "Quá hạn"], rows.Select(r => r.Field("handover.result")));
        Assert.Equal(["Trung tâm Phục vụ hành chính công tỉnh", "Bộ phận Một cửa", "Sở Xây dựng"], rows.Select(r => r.Field("handover.givingUnit")));
        Assert.Equal(["Bộ phận Một cửa", "Sở Xây dựng", "Lãnh đạo"], rows.Select(r => r.Field("handover.receivingUnit")));
        Assert.Equal("09 giờ 00 phút, ngày 02/03/2026", rows[0].Field("handover.handedOverAt"));
        Assert.Equal("0,5 ngày làm việc", rows[0].Field("handover.allottedTime"));
        Assert.Equal("2 giờ làm việc", rows[0].Field("handover.actualWorkingHours"));
        Assert.Equal(code, html.Field("dossier.code"));
    }

    [Fact]
    public async Task Unknown_forms_and_dossiers_are_404_and_officers_see_the_documents_of_the_dossiers_they_may_read()
    {
        await using var app = new WorkflowsApp(database, DocumentDefinitions.Path, new ManualClock(IntakeTests.ReceivedAt.AddHours(1)));
        var (code, _) = await ReceiveAsync(app);
        using var desk = app.ClientWithKey(WorkflowsApp.DeskOfficerKey);
        using var urban = app.ClientWithKey(WorkflowsApp.UrbanOfficerKey);
        using var leader = app.ClientWithKey(WorkflowsApp.LeaderKey);
        using var designer = app.ClientWithKey(WorkflowsApp.DesignerKey);
        using var intake = app.ClientWithKey(WorkflowsApp.IntakeKey);

        var unknownForm = await desk.GetAsync(new Uri($"/api/dossiers/{code}/documents/07", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, unknownForm.StatusCode);
        Assert.Equal("Form not found", (string?)(await unknownForm.Content.ReadFromJsonAsync<JsonObject>())!["title"]);
        Assert.Equal(HttpStatusCode.NotFound, (await desk.GetAsync(new Uri("/api/dossiers/000.00.00.H00-260302-9999/documents/01", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await desk.GetAsync(new Uri("/api/dossiers/000.00.00.H00-260302-9999/documents", UriKind.Relative))).StatusCode);

        // As the Dossier API: an officer of another department does not see it (404), an intake system may not use staff endpoints (403).
        foreach (var (client, expected) in new[] { (desk, HttpStatusCode.OK), (designer, HttpStatusCode.OK), (urban, HttpStatusCode.NotFound), (leader, HttpStatusCode.NotFound), (intake, HttpStatusCode.Forbidden) })
        {
            var dossier = (await client.GetAsync(new Uri($"/api/dossiers/{code}", UriKind.Relative))).StatusCode;
            var form = (await client.GetAsync(new Uri($"/api/dossiers/{code}/documents/06", UriKind.Relative))).StatusCode;
            var list = (await client.GetAsync(new Uri($"/api/dossiers/{code}/documents", UriKind.Relative))).StatusCode;
            Assert.Equal((expected, expected, expected), (dossier, form, list));
        }

        await CompleteAsync(app, code, WorkflowsApp.DeskOfficerKey, "approved", null);
        Assert.Equal(HttpStatusCode.OK, (await urban.GetAsync(new Uri($"/api/dossiers/{code}/documents/01", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task An_intake_system_prints_the_receipt_of_its_own_dossiers_only()
    {
        await using var app = new WorkflowsApp(database, DocumentDefinitions.Path, new ManualClock(IntakeTests.ReceivedAt.AddHours(1)));
        var (code, externalCode) = await ReceiveAsync(app);
        using var intake = app.ClientWithKey(WorkflowsApp.IntakeKey);
        using var admin = app.ClientWithKey(WorkflowsApp.AdministratorKey);
        var created = await admin.PostAsJsonAsync("/api/principals", new { name = $"cong-dvc-{Guid.NewGuid():N}", kind = "intakeSystem", roles = new[] { "intake" } });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        using var other = app.ClientWithKey((string)(await created.Content.ReadFromJsonAsync<JsonObject>())!["apiKey"]!);

        var own = await intake.GetAsync(new Uri($"/api/intake/dossiers/{externalCode}/documents/01", UriKind.Relative));
        var foreign = await other.GetAsync(new Uri($"/api/intake/dossiers/{externalCode}/documents/01", UriKind.Relative));
        using var desk = app.ClientWithKey(WorkflowsApp.DeskOfficerKey);
        var officer = await desk.GetAsync(new Uri($"/api/intake/dossiers/{externalCode}/documents/01", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        Assert.Equal("text/html", own.Content.Headers.ContentType?.MediaType);
        Assert.Equal(code, Html.Parse(await own.Content.ReadAsStringAsync()).Field("dossier.code"));
        Assert.Equal(HttpStatusCode.NotFound, foreign.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, officer.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await intake.GetAsync(new Uri($"/api/intake/dossiers/{externalCode}/documents/06", UriKind.Relative))).StatusCode);
    }

    private static async Task<(string Code, string ExternalCode)> ReceiveAsync(WorkflowsApp app, string applicant = "Nguyễn Văn An")
    {
        using var intake = app.ClientWithKey(WorkflowsApp.IntakeKey);
        var externalCode = IntakeTests.NewExternalCode();
        var body = IntakeTests.Body(externalCode, procedure: DocumentDefinitions.Code, applicant: applicant);
        body["applicant"]!["address"] = "12 Trần Phú, phường Hải Châu";
        body["applicant"]!["email"] = "an@example.vn";
        var response = await intake.PostAsJsonAsync("/api/intake/dossiers", body);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return ((string)(await response.Content.ReadFromJsonAsync<JsonObject>())!["dossierCode"]!, externalCode);
    }

    /// <summary>Completes the dossier's one open task through the Task API.</summary>
    private static async Task CompleteAsync(WorkflowsApp app, string code, string key, string outcome, string? note)
    {
        Guid taskId;
        using (var scope = app.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<WorkflowsDbContext>();
            var dossier = await db.Dossiers.AsNoTracking().SingleAsync(d => d.Code == code);
            taskId = (await db.Tasks.AsNoTracking().SingleAsync(t => t.InstanceId == dossier.Id && t.State == TaskStates.Open)).Id;
        }

        using var client = app.ClientWithKey(key);
        var response = await client.PostAsJsonAsync($"/api/tasks/{taskId}/complete", new { outcome, note });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }
}

public sealed class SqliteDocumentsApiTests(SqliteDatabase database) : DocumentsApiTests(database), IClassFixture<SqliteDatabase>;

public sealed class PostgresDocumentsApiTests(PostgresDatabase database) : DocumentsApiTests(database), IClassFixture<PostgresDatabase>;
