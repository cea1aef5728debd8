using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Workflows.Host.Calendars;
using Workflows.Host.Deadlines;
using Workflows.Host.Persistence;
using Workflows.Host.Tests.Intake;
using Workflows.Host.Tests.Support;

namespace Workflows.Host.Tests.Deadlines;

/// <summary>Calendar edits, late warnings and apology letters (form 04), on a calendar the tests write.</summary>
public abstract partial class DeadlineFlowsTests(DatabaseFixture database)
{
    private static readonly TimeSpan Vietnam = TimeSpan.FromHours(7);

    // Monday 2 March 2026: received at 09:00, the clock reads 10:00.
    private static readonly DateTimeOffset Received = new(2026, 3, 2, 9, 0, 0, Vietnam);

    private static DateTimeOffset At(int day, int hour, int minute = 0) => new(2026, 3, day, hour, minute, 0, Vietnam);

    // The test class shares one database: start from the calendar files, without years stored by another test.
    private async Task<WorkflowsApp> StartAsync(TestDefinitionsFolder definitions, ManualClock clock, IReadOnlyDictionary<string, string>? settings = null)
    {
        var app = new WorkflowsApp(database, definitions.Path, clock, settings: settings);
        using var scope = app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<WorkflowsDbContext>();
        await db.Set<CalendarRow>().ExecuteDeleteAsync();
        await app.Services.GetRequiredService<CalendarProvider>().ReloadAsync(db, CancellationToken.None);
        return app;
    }

    [Fact]
    public async Task A_holiday_added_to_the_calendar_moves_open_task_and_dossier_due_times_and_the_timeline_records_it()
    {
        using var definitions = new TestDefinitionsFolder();
        var clock = new ManualClock(At(2, 10));
        await using var app = await StartAsync(definitions, clock);
        var (code, review) = await ReceiveAndPassTheDeskAsync(app);
        using var scope = app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<WorkflowsDbContext>();
        var dossierId = (await db.Dossiers.AsNoTracking().SingleAsync(d => d.Code == code)).Id;
        // Review: 2 working days from Monday 10:00; the appointment: 5 working days from Monday 09:00.
        Assert.Equal(At(4, 10), (await db.Tasks.AsNoTracking().SingleAsync(t => t.Id == review)).DueAt.ToOffset(Vietnam));
        Assert.Equal(At(9, 9), (await db.Dossiers.AsNoTracking().SingleAsync(d => d.Id == dossierId)).DueAt.ToOffset(Vietnam));
        using var admin = app.ClientWithKey(WorkflowsApp.AdministratorKey);

        // An hour later, Wednesday 4 March becomes a day off.
        clock.Now = At(2, 11);
        var updated = await MakeWednesdayADayOffAsync(app);

        Assert.True((int)updated["tasksMoved"]! >= 1 && (int)updated["dossiersMoved"]! >= 1, updated.ToJsonString());
        var task = await db.Tasks.AsNoTracking().SingleAsync(t => t.Id == review);
        Assert.Equal(At(5, 10), task.DueAt.ToOffset(Vietnam));
        Assert.Equal(At(5, 10), await BookmarkDueAsync(db, review));
        var dossier = await db.Dossiers.AsNoTracking().SingleAsync(d => d.Id == dossierId);
        Assert.Equal((At(10, 9), At(10, 9)), (dossier.DueAt.ToOffset(Vietnam), dossier.OriginalDueAt.ToOffset(Vietnam)));

        var timeline = await GetJson(admin, $"/api/dossiers/{code}/timeline");
        var changes = timeline["events"]!.AsArray().Where(e => (string?)e!["kind"] == "dueTimeChanged").ToList();
        Assert.Equal(2, changes.Count);
        Assert.Contains(changes, e => (string?)e!["nodeId"] == "review" && (string?)e["detail"] == "04/03/2026 10:00 → 05/03/2026 10:00");
        Assert.Contains(changes, e => e!["nodeId"] is null && (string?)e["detail"] == "09/03/2026 09:00 → 10/03/2026 09:00");
        var sequences = timeline["events"]!.AsArray().Select(e => (long)e!["sequence"]!).ToList();
        Assert.Equal(sequences.Distinct().Order(), sequences);

        var status = await LastStatusMessageAsync(db, dossierId);
        Assert.Equal(At(10, 9), ((DateTimeOffset)status["dueAt"]!).ToOffset(Vietnam));

        // The engine, the intake appointment and the calendar API read the new calendar.
        var years = await GetJson(admin, "/api/calendars");
        var year = Assert.Single(years["years"]!.AsArray(), y => (int)y!["year"]! == 2026)!;
        Assert.Equal("stored", (string?)year["source"]);
        Assert.False(string.IsNullOrEmpty((string?)year["updatedBy"]));
        var stored = await GetJson(admin, "/api/calendars/2026");
        Assert.Contains(stored["holidays"]!.AsArray(), h => (string?)h!["date"] == "2026-03-04");
        using var intake = app.ClientWithKey(WorkflowsApp.IntakeKey);
        var second = (await (await intake.PostAsJsonAsync("/api/intake/dossiers", IntakeTests.Body(IntakeTests.NewExternalCode(), receivedAt: Received))).Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal(At(10, 9), ((DateTimeOffset)second["appointmentDate"]!).ToOffset(Vietnam));
    }

    [Fact]
    public async Task A_holiday_added_to_the_calendar_moves_a_pending_timer_counted_in_working_days()
    {
        using var definitions = new TestDefinitionsFolder();
        var clock = new ManualClock(At(2, 10));
        await using var app = await StartAsync(definitions, clock);
        using var scope = app.Services.CreateScope();
        var started = await scope.ServiceProvider.GetRequiredService<Workflows.Host.Runtime.WorkflowRunner>().StartAsync(TestDefinitionsFolder.TimerProcedure, 1, [], "reception");
        var instanceId = started.Changeset!.Instance.Id;
        var timer = Assert.Single(started.Changeset.TimersSet);
        var db = scope.ServiceProvider.GetRequiredService<WorkflowsDbContext>();
        // Two working days from Monday 10:00.
        Assert.Equal(At(4, 10), await BookmarkDueAsync(db, timer.Id));

        clock.Now = At(2, 11);
        var updated = await MakeWednesdayADayOffAsync(app);

        Assert.True((int)updated["timersMoved"]! >= 1);
        Assert.Equal(At(5, 10), await BookmarkDueAsync(db, timer.Id));
        var change = await db.Journal.AsNoTracking().SingleAsync(j => j.InstanceId == instanceId && j.Kind == DeadlineJournalKinds.DueTimeChanged);
        Assert.Equal("wait", change.NodeId);

        // Wednesday is now off: at Wednesday 10:00 the timer is not due, at Thursday 10:00 it fires.
        clock.Now = At(4, 10);
        var timers = app.Services.GetRequiredService<Workflows.Host.Runtime.TimerRunner>();
        await timers.RunOnceAsync(clock.Now);
        Assert.Equal("running", (await db.Instances.AsNoTracking().SingleAsync(i => i.Id == instanceId)).Status);
        clock.Now = At(5, 10);
        await timers.RunOnceAsync(clock.Now);
        Assert.Equal("completed", (await db.Instances.AsNoTracking().SingleAsync(i => i.Id == instanceId)).Status);
    }

    [Fact]
    public async Task A_holiday_added_to_the_calendar_moves_the_applicants_deadline_to_supplement()
    {
        using var definitions = new TestDefinitionsFolder();
        var clock = new ManualClock(At(2, 10));
        await using var app = await StartAsync(definitions, clock);
        using var scope = app.Services.CreateScope();
        var runner = scope.ServiceProvider.GetRequiredService<Workflows.Host.Runtime.WorkflowRunner>();
        var started = await runner.StartAsync(TestDefinitionsFolder.SupplementProcedure, 1, [], "reception");
        var instanceId = started.Changeset!.Instance.Id;
        var asked = await runner.ResumeAsync(instanceId, new Engine.Runtime.ResumeRequest { BookmarkId = started.Changeset.TasksOpened[0].TaskId, Outcome = "needsSupplement", Actor = "canbo.motcua" });
        Assert.True(asked.Accepted, asked.Rejection?.Message);
        var lapse = Assert.Single(asked.Changeset!.TimersSet);
        var db = scope.ServiceProvider.GetRequiredService<WorkflowsDbContext>();
        // Three working days from Monday 10:00.
        Assert.Equal(At(5, 10), await BookmarkDueAsync(db, lapse.Id));

        clock.Now = At(2, 11);
        await MakeWednesdayADayOffAsync(app);

        Assert.Equal(At(6, 10), await BookmarkDueAsync(db, lapse.Id));
        Assert.Contains(await db.Journal.AsNoTracking().Where(j => j.InstanceId == instanceId && j.Kind == DeadlineJournalKinds.DueTimeChanged).ToListAsync(), j => j.NodeId == "receive");
    }

    [Fact]
    public async Task A_stored_year_overrides_the_file_after_a_restart()
    {
        using var definitions = new TestDefinitionsFolder();
        await using (var first = await StartAsync(definitions, new ManualClock(At(2, 10))))
        {
            using var admin = first.ClientWithKey(WorkflowsApp.AdministratorKey);
            var put = await admin.PutAsync(new Uri("/api/calendars/2026", UriKind.Relative), Json(TestDefinitionsFolder.Calendar("2026-01-01", "2026-03-05")));
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        }

        await using var app = new WorkflowsApp(database, definitions.Path, new ManualClock(At(2, 10)));
        using var designer = app.ClientWithKey(WorkflowsApp.DesignerKey);
        var stored = await GetJson(designer, "/api/calendars/2026");
        Assert.Contains(stored["holidays"]!.AsArray(), h => (string?)h!["date"] == "2026-03-05");
        Assert.False(app.Services.GetRequiredService<CalendarProvider>().Current.IsWorkingDay(new DateOnly(2026, 3, 5)));
    }

    [Theory]
    [InlineData("2026-02-30", "$.holidays[0].date")]
    [InlineData("2025-12-31", "$.holidays[0].date")]
    public async Task A_calendar_with_a_bad_date_is_refused_naming_the_json_path(string date, string path)
    {
        using var definitions = new TestDefinitionsFolder();
        await using var app = await StartAsync(definitions, new ManualClock(At(2, 10)));
        using var admin = app.ClientWithKey(WorkflowsApp.AdministratorKey);

        var response = await admin.PutAsync(new Uri("/api/calendars/2026", UriKind.Relative), Json(TestDefinitionsFolder.Calendar(date)));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.NotNull(problem["errors"]![path]);
        Assert.True(app.Services.GetRequiredService<CalendarProvider>().Current.IsWorkingDay(new DateOnly(2026, 3, 4)));
    }

    [Fact]
    public async Task A_designer_reads_calendars_but_cannot_edit_them()
    {
        using var definitions = new TestDefinitionsFolder();
        await using var app = await StartAsync(definitions, new ManualClock(At(2, 10)));
        using var designer = app.ClientWithKey(WorkflowsApp.DesignerKey);

        var list = await designer.GetAsync(new Uri("/api/calendars", UriKind.Relative));
        var put = await designer.PutAsync(new Uri("/api/calendars/2026", UriKind.Relative), Json(TestDefinitionsFolder.Calendar("2026-03-04")));

        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, put.StatusCode);
        Assert.Equal("file", (string?)(await list.Content.ReadFromJsonAsync<JsonObject>())!["years"]![0]!["source"]);
    }

    [Fact]
    public async Task A_late_dossier_is_warned_once_gets_an_apology_and_still_counts_late_against_its_first_appointment()
    {
        using var definitions = new TestDefinitionsFolder();
        var clock = new ManualClock(At(2, 10));
        await using var app = await StartAsync(definitions, clock);
        var (code, review) = await ReceiveAndPassTheDeskAsync(app, TestDefinitionsFolder.Procedure);
        var sweep = app.Services.GetRequiredService<DeadlineSweep>();
        using var scope = app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<WorkflowsDbContext>();
        var dossierId = (await db.Dossiers.AsNoTracking().SingleAsync(d => d.Code == code)).Id;

        async Task<(int Task, int Dossier, int Drafts)> SweepAsync()
        {
            await sweep.RunOnceAsync(clock.Now);
            var warnings = await db.Set<DeadlineWarningRow>().AsNoTracking().Where(w => w.InstanceId == dossierId).ToListAsync();
            var drafts = await db.Set<ApologyLetterRow>().AsNoTracking().CountAsync(a => a.DossierId == dossierId);
            return (warnings.Count(w => w.Subject == "task"), warnings.Count(w => w.Subject == "dossier"), drafts);
        }

        // Monday 2 March: review is due Wednesday, the dossier Monday 9 March; nothing to warn about.
        Assert.Equal((0, 0, 0), await SweepAsync());

        // Tuesday 3 March 11:00: review has less than a working day left.
        clock.Now = At(3, 11);
        Assert.Equal((1, 0, 0), await SweepAsync());

        // Monday 9 March 10:00: both review and the dossier are late; warned once, and one apology drafted.
        clock.Now = At(9, 10);
        Assert.Equal((1, 1, 1), await SweepAsync());
        Assert.Equal((1, 1, 1), await SweepAsync());

        var notices = await db.Outbox.AsNoTracking().Where(o => o.InstanceId == dossierId && o.Kind == "notify").ToListAsync();
        var payloads = notices.Select(n => JsonNode.Parse(n.Payload)!).ToList();
        Assert.Equal(2, payloads.Count);
        Assert.All(payloads, p => Assert.Equal(("canh-bao-sap-den-han", "email", "construction"), ((string?)p["template"], (string?)p["channel"], (string?)p["recipient"])));
        Assert.Equal(2, await db.Journal.CountAsync(j => j.InstanceId == dossierId && j.Kind == "dueSoonWarned"));

        // The officers of the department holding the dossier see the draft; the desk (no open task) and designers do not.
        using var urban = app.ClientWithKey(WorkflowsApp.UrbanOfficerKey);
        using var desk = app.ClientWithKey(WorkflowsApp.DeskOfficerKey);
        using var designer = app.ClientWithKey(WorkflowsApp.DesignerKey);
        var drafts = (await urban.GetFromJsonAsync<JsonArray>("/api/apologies?state=draft"))!;
        var draft = Assert.Single(drafts, d => (string?)d!["dossierCode"] == code)!;
        Assert.Equal(code, (string?)draft["dossierCode"]);
        // Review is already late: at least the next working day, at the end of it.
        Assert.Equal(At(10, 17), ((DateTimeOffset)draft["proposedDueAt"]!).ToOffset(Vietnam));
        Assert.DoesNotContain((await desk.GetFromJsonAsync<JsonArray>("/api/apologies?state=draft"))!, d => (string?)d!["dossierCode"] == code);
        Assert.Equal(HttpStatusCode.Forbidden, (await designer.GetAsync(new Uri("/api/apologies", UriKind.Relative))).StatusCode);
        var id = (Guid)draft["id"]!;

        var tooEarly = await urban.PostAsJsonAsync($"/api/apologies/{id}/confirm", new { proposedDueAt = At(9, 8) });
        Assert.Equal(HttpStatusCode.BadRequest, tooEarly.StatusCode);
        Assert.NotNull((await tooEarly.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!["proposedDueAt"]);

        const string reason = "Cần xác minh thêm hiện trạng công trình <tầng 3>";
        var confirmed = await urban.PostAsJsonAsync($"/api/apologies/{id}/confirm", new { reason, proposedDueAt = At(13, 17) });
        Assert.True(confirmed.StatusCode == HttpStatusCode.OK, await confirmed.Content.ReadAsStringAsync());
        var letter = (await confirmed.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal(("confirmed", "canbo.xaydung"), ((string?)letter["state"], (string?)letter["confirmedBy"]));
        var dossier = await db.Dossiers.AsNoTracking().SingleAsync(d => d.Id == dossierId);
        Assert.Equal((At(13, 17), At(9, 9)), (dossier.DueAt.ToOffset(Vietnam), dossier.OriginalDueAt.ToOffset(Vietnam)));
        var sent = await db.Journal.AsNoTracking().SingleAsync(j => j.InstanceId == dossierId && j.Kind == "apologySent");
        Assert.Equal(("09/03/2026 09:00 → 13/03/2026 17:00", reason), (sent.Detail, sent.Note));
        var status = await LastStatusMessageAsync(db, dossierId);
        Assert.Equal((At(13, 17), At(9, 9)), (((DateTimeOffset)status["dueAt"]!).ToOffset(Vietnam), ((DateTimeOffset)status["originalDueAt"]!).ToOffset(Vietnam)));
        Assert.Equal(HttpStatusCode.Conflict, (await urban.PostAsJsonAsync($"/api/apologies/{id}/confirm", new { })).StatusCode);

        // Form 04, printable.
        var html = await urban.GetStringAsync(new Uri($"/api/apologies/{id}/letter", UriKind.Relative));
        var fields = Fields(html);
        Assert.Equal("04", FormPattern().Match(html).Groups[1].Value);
        Assert.Equal("Nguyễn Văn An", fields["dossier.applicant.name"]);
        Assert.Equal(code, fields["dossier.code"]);
        Assert.Equal("Thủ tục thử: cấp giấy phép", fields["dossier.procedureName"]);
        Assert.Equal("D.0001", (string?)draft["procedureCode"]);
        Assert.Equal("09/03/2026", fields["originalDueAt"]);
        Assert.Equal(reason, fields["reason"]);
        Assert.Equal("13/03/2026", fields["newDueAt"]);
        Assert.False(fields.ContainsKey("draft"));
        var text = WebUtility.HtmlDecode(html);
        Assert.Contains("Thư xin lỗi và hẹn lại ngày trả kết quả", text, StringComparison.Ordinal);
        Assert.Contains("thành thật xin lỗi", text, StringComparison.Ordinal);
        Assert.Contains("Thủ trưởng cơ quan giải quyết hồ sơ", text, StringComparison.Ordinal);
        Assert.Contains("(Ký, ghi rõ họ tên và đóng dấu)", text, StringComparison.Ordinal);
        // The same letter through the documents API.
        var viaDocuments = await urban.GetStringAsync(new Uri($"/api/dossiers/{code}/documents/04", UriKind.Relative));
        Assert.Equal(fields["newDueAt"], Fields(viaDocuments)["newDueAt"]);
        Assert.DoesNotContain("<tầng 3>", html, StringComparison.Ordinal);

        // Resolved on Wednesday 11 March: in time for the new date, late against the first appointment.
        clock.Now = At(11, 10);
        var completed = await urban.PostAsJsonAsync($"/api/tasks/{review}/complete", new { outcome = "approved" });
        Assert.True(completed.IsSuccessStatusCode, await completed.Content.ReadAsStringAsync());
        using var admin = app.ClientWithKey(WorkflowsApp.AdministratorKey);
        var summary = await GetJson(admin, "/api/reports/summary?from=2026-03-01&to=2026-03-31&groupBy=procedure");
        var row = Assert.Single(summary["rows"]!.AsArray(), r => (string?)r!["key"] == TestDefinitionsFolder.Procedure)!;
        Assert.Equal((1, 1, 0, 0), ((int)row["finished"]!["resolved"]!, (int)row["finished"]!["late"]!, (int)row["finished"]!["onTime"]!, (int)row["finished"]!["early"]!));
        Assert.Equal((1, 1, 1), await SweepAsync());
    }

    [Fact]
    public async Task A_clock_resumed_after_an_apology_moves_the_promised_date_not_the_first_appointment()
    {
        using var definitions = new TestDefinitionsFolder();
        var clock = new ManualClock(At(2, 10));
        await using var app = await StartAsync(definitions, clock);
        using var intake = app.ClientWithKey(WorkflowsApp.IntakeKey);
        var externalCode = IntakeTests.NewExternalCode();
        // T.0003 waits for the tax with its clock stopped from the receipt, Monday 09:00.
        var created = await intake.PostAsJsonAsync("/api/intake/dossiers", IntakeTests.Body(externalCode, "T.0003", receivedAt: Received));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        using var scope = app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<WorkflowsDbContext>();
        var dossier = await db.Dossiers.SingleAsync(d => d.ExternalCode == externalCode);

        // At 10:00 an apology letter promises Friday 20 March 17:00 (as confirming one does: letter and appointment).
        db.Set<ApologyLetterRow>().Add(new ApologyLetterRow
        {
            Id = Guid.CreateVersion7(),
            DossierId = dossier.Id,
            Reason = "Chờ ý kiến cơ quan thuế",
            ProposedDueAt = At(20, 17),
            OriginalDueAt = dossier.OriginalDueAt,
            PreviousDueAt = dossier.DueAt,
            State = ApologyStates.Confirmed,
            DraftedAt = At(2, 10),
            ConfirmedAt = At(2, 10),
            ConfirmedBy = "canbo.xaydung",
        });
        dossier.DueAt = At(20, 17);
        dossier.RowVersion++;
        await db.SaveChangesAsync();

        // The tax is paid at 11:00: the clock stood still from 09:00, one hour of it after the letter.
        clock.Now = At(2, 11);
        var paid = await intake.PostAsJsonAsync($"/api/intake/dossiers/{externalCode}/signals", new { signal = "taxPaid" });

        Assert.True(paid.StatusCode == HttpStatusCode.OK, await paid.Content.ReadAsStringAsync());
        var status = (await paid.Content.ReadFromJsonAsync<JsonObject>())!;
        // Friday 17:00 plus one working hour: Monday 23 March 08:30. The first appointment stays for the statistics.
        Assert.Equal(At(23, 8, 30), ((DateTimeOffset)status["appointmentDate"]!).ToOffset(Vietnam));
        Assert.Equal(At(16, 9), ((DateTimeOffset)status["originalAppointmentDate"]!).ToOffset(Vietnam));
    }

    // Receives a T.0001 dossier at Monday 09:00 and completes the desk's step at 10:00: review (construction) opens.
    private static async Task<(string Code, Guid Review)> ReceiveAndPassTheDeskAsync(WorkflowsApp app, string procedure = "T.0001")
    {
        using var intake = app.ClientWithKey(WorkflowsApp.IntakeKey);
        var created = await intake.PostAsJsonAsync("/api/intake/dossiers", IntakeTests.Body(IntakeTests.NewExternalCode(), procedure, receivedAt: Received));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var code = (string)(await created.Content.ReadFromJsonAsync<JsonObject>())!["dossierCode"]!;
        using var scope = app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<WorkflowsDbContext>();
        var id = (await db.Dossiers.AsNoTracking().SingleAsync(d => d.Code == code)).Id;
        var receive = await db.Tasks.AsNoTracking().SingleAsync(t => t.InstanceId == id && t.NodeId == "receive");
        using var desk = app.ClientWithKey(WorkflowsApp.DeskOfficerKey);
        var done = await desk.PostAsJsonAsync($"/api/tasks/{receive.Id}/complete", new { outcome = "approved" });
        Assert.True(done.IsSuccessStatusCode, await done.Content.ReadAsStringAsync());
        var review = await db.Tasks.AsNoTracking().SingleAsync(t => t.InstanceId == id && t.NodeId == "review");
        return (code, review.Id);
    }

    // As an administrator, makes Wednesday 4 March 2026 a day off; returns the answer (what moved).
    private static async Task<JsonObject> MakeWednesdayADayOffAsync(WorkflowsApp app)
    {
        using var admin = app.ClientWithKey(WorkflowsApp.AdministratorKey);
        var response = await admin.PutAsync(new Uri("/api/calendars/2026", UriKind.Relative), Json(TestDefinitionsFolder.Calendar("2026-01-01", "2026-03-04")));
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }

    private static async Task<DateTimeOffset?> BookmarkDueAsync(WorkflowsDbContext db, Guid id) =>
        (await db.Bookmarks.AsNoTracking().SingleAsync(b => b.Id == id)).DueAt?.ToOffset(Vietnam);

    private static async Task<JsonObject> LastStatusMessageAsync(WorkflowsDbContext db, Guid dossierId)
    {
        var messages = await db.Outbox.AsNoTracking().Where(o => o.InstanceId == dossierId && o.Kind == "statusChanged").ToListAsync();
        return (JsonObject)JsonNode.Parse(messages.OrderBy(m => m.CreatedAt).ThenBy(m => m.Id).Last().Payload)!;
    }

    private static Dictionary<string, string> Fields(string html) =>
        FieldPattern().Matches(html).ToDictionary(m => m.Groups[1].Value, m => WebUtility.HtmlDecode(m.Groups[2].Value).Trim(), StringComparer.Ordinal);

    [GeneratedRegex("data-field=\"([a-zA-Z.]+)\">([^<]*)<")]
    private static partial Regex FieldPattern();

    [GeneratedRegex("<body data-form=\"([0-9]+)\"")]
    private static partial Regex FormPattern();

    private static StringContent Json(string json) => new(json, System.Text.Encoding.UTF8, "application/json");

    private static async Task<JsonObject> GetJson(HttpClient client, string path)
    {
        var response = await client.GetAsync(new Uri(path, UriKind.Relative));
        Assert.True(response.IsSuccessStatusCode, $"{path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }
}

public sealed class SqliteDeadlineFlowsTests(SqliteDatabase database) : DeadlineFlowsTests(database), IClassFixture<SqliteDatabase>;

public sealed class PostgresDeadlineFlowsTests(PostgresDatabase database) : DeadlineFlowsTests(database), IClassFixture<PostgresDatabase>;
