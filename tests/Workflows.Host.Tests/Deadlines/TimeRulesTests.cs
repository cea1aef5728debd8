using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Workflows.Host.Persistence;
using Workflows.Host.Tests.Documents;
using Workflows.Host.Tests.Intake;
using Workflows.Host.Tests.Support;

namespace Workflows.Host.Tests.Deadlines;

/// <summary>
/// The time rules on the repository's own procedures and calendar (definitions/), as a desk officer reads them: step
/// due times, what the forms print about time, the unit of time used, boundary instants and calendar edits.
/// </summary>
public abstract class TimeRulesTests(DatabaseFixture database)
{
    private static readonly TimeSpan Vietnam = TimeSpan.FromHours(7);

    private const string Residence = "1.004194";
    private const string BuildingPermit = "1.009994";
    private const string LandCertificate = "1.012758";
    private const string BirthBundle = "1.013131";

    private static readonly Dictionary<string, string> KeyOfDepartment = new(StringComparer.Ordinal)
    {
        ["one-stop-desk"] = WorkflowsApp.DeskOfficerKey,
        ["urban-management"] = WorkflowsApp.UrbanOfficerKey,
        ["leadership"] = WorkflowsApp.LeaderKey,
        ["land-registry"] = "dev-officer-land-key",
        ["land-management"] = "dev-officer-land-key",
        ["commune"] = "dev-officer-commune-key",
        ["tax-office"] = "dev-officer-tax-key",
        ["police"] = "dev-officer-police-key",
        ["social-insurance"] = "dev-officer-insurance-key",
    };

    /// <summary>The repository's definitions folder (next to Workflows.sln above the test assembly).</summary>
    private static string RepositoryDefinitions =>
        Path.GetFullPath(Path.Combine(DocumentDefinitions.RepositoryForms, "..", ".."));

    [Fact]
    public async Task Sample_procedures_show_no_step_late_when_every_officer_acts_at_once()
    {
        // The issue's instant: a 0-day "return the result" step opened at 14:00:31 was due at 14:00:31.
        var clock = new ManualClock(new DateTimeOffset(2026, 3, 2, 14, 0, 31, Vietnam));
        await using var app = new WorkflowsApp(database, RepositoryDefinitions, clock);
        string[] procedures = [Residence, BuildingPermit, LandCertificate, BirthBundle];
        var dossiers = new List<(string Code, string ExternalCode)>();
        foreach (var procedure in procedures)
        {
            dossiers.Add(await ReceiveAsync(app, procedure, clock.Now));
        }

        await DriveAsync(app, clock, dossiers);

        using var admin = app.ClientWithKey(WorkflowsApp.AdministratorKey);
        foreach (var (code, _) in dossiers)
        {
            Assert.Equal(9, (int?)(await admin.GetFromJsonAsync<JsonObject>($"/api/dossiers/{code}"))!["status"]);
            var slip = Html.Parse(await admin.GetStringAsync(new Uri($"/api/dossiers/{code}/documents/06", UriKind.Relative)));
            Assert.DoesNotContain("Quá hạn", slip.Fields("handover").Select(r => r.Field("handover.result")));
        }

        var report = (await admin.GetFromJsonAsync<JsonObject>("/api/reports/bottlenecks?from=2026-03-02&to=2026-03-02"))!;
        var rows = report["rows"]!.AsArray().Where(r => procedures.Contains((string?)r!["procedureCode"])).ToList();
        Assert.Equal(3, rows.Count(r => (string?)r!["nodeId"] == "returnResult" && (int)r["completed"]! >= 1));
        Assert.All(rows, r => Assert.True((int)r!["completedLate"]! == 0 && (int)r["openLate"]! == 0,
            $"{r["procedureCode"]} {r["nodeId"]}: {r["completedLate"]} late of {r["completed"]}"));
    }

    [Theory]
    [InlineData(Residence, "review", "pause", "Thời gian bổ sung, hoàn thiện hồ sơ không tính vào thời hạn giải quyết; thời hạn giải quyết còn lại được tiếp tục tính kể từ ngày nhận đủ hồ sơ bổ sung, hoàn thiện.")]
    [InlineData(BuildingPermit, "review", "restart", "Thời hạn giải quyết hồ sơ được tính lại từ đầu kể từ ngày nhận đủ hồ sơ bổ sung, hoàn thiện.")]
    [InlineData(LandCertificate, "eligibility", "excludedPeriods", "Thời gian bổ sung, hoàn thiện hồ sơ vẫn được tính vào thời hạn giải quyết hồ sơ; ngày hẹn trả kết quả không thay đổi.")]
    public async Task The_supplement_request_tells_the_applicant_the_clock_rule_of_the_procedure(string procedure, string supplementStep, string policy, string rule)
    {
        var clock = new ManualClock(IntakeTests.ReceivedAt);
        await using var app = new WorkflowsApp(database, RepositoryDefinitions, clock);
        var dossier = await ReceiveAsync(app, procedure, clock.Now);

        await DriveAsync(app, clock, [dossier], stopAt: supplementStep);
        await CompleteOpenAsync(app, clock, dossier, supplementStep, "needsSupplement");

        using var admin = app.ClientWithKey(WorkflowsApp.AdministratorKey);
        var html = Html.Parse(await admin.GetStringAsync(new Uri($"/api/dossiers/{dossier.Code}/documents/02", UriKind.Relative)));
        var text = Assert.Single(html.Fields("clockRule"));
        Assert.Equal(rule, Html.Text(text));
        Assert.Equal(policy, (string?)text.Attribute("data-policy"));
        Assert.DoesNotContain(procedure == BuildingPermit ? "tiếp tục tính" : "tính lại", Html.Text(html.Root!), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_reprinted_receipt_shows_the_appointment_and_the_day_of_receipt_with_a_moved_date_only_beside_them()
    {
        // Monday 2 March 09:00, 7 working days: Wednesday 11 March 09:00.
        var clock = new ManualClock(IntakeTests.ReceivedAt);
        await using var app = new WorkflowsApp(database, RepositoryDefinitions, clock);
        var dossier = await ReceiveAsync(app, Residence, clock.Now);
        var (code, externalCode) = dossier;
        using var desk = app.ClientWithKey("dev-officer-police-key");
        var first = Html.Parse(await desk.GetStringAsync(new Uri($"/api/dossiers/{code}/documents/01", UriKind.Relative)));
        Assert.Equal("09 giờ 00 phút, ngày 11/03/2026", first.Field("dossier.dueAt"));
        Assert.Empty(first.Fields("newDueAt"));

        // A supplement asked on Tuesday just before 09:00 and brought on Thursday 09:00 (pause): two working days later
        // (paused time is counted in whole minutes).
        clock.Now = new DateTimeOffset(2026, 3, 3, 8, 59, 50, Vietnam);
        await DriveAsync(app, clock, [dossier], stopAt: "review");
        await CompleteOpenAsync(app, clock, dossier, "review", "needsSupplement");
        clock.Now = new DateTimeOffset(2026, 3, 5, 9, 0, 0, Vietnam);
        using var intake = app.ClientWithKey(WorkflowsApp.IntakeKey);
        var resumed = await intake.PostAsJsonAsync($"/api/intake/dossiers/{externalCode}/signals", new { signal = "supplementReceived" });
        Assert.Equal(HttpStatusCode.OK, resumed.StatusCode);

        // Reprinted a week later.
        clock.Now = new DateTimeOffset(2026, 3, 12, 10, 0, 0, Vietnam);
        var reprint = Html.Parse(await desk.GetStringAsync(new Uri($"/api/dossiers/{code}/documents/01", UriKind.Relative)));

        Assert.Equal("09 giờ 00 phút, ngày 11/03/2026", reprint.Field("dossier.dueAt"));
        Assert.Equal("09 giờ 00 phút, ngày 13/03/2026", reprint.Field("newDueAt"));
        Assert.Equal("09 giờ 00 phút, ngày 02/03/2026", reprint.Field("dossier.receivedAt"));
        Assert.Equal("ngày 02 tháng 03 năm 2026", reprint.Field("issuedAt").Split(", ", 2)[1]);
    }

    [Fact]
    public async Task A_step_that_takes_exactly_its_one_working_day_shows_one_day_used_not_0_94()
    {
        // The land certificate's intake step has 1 working day: Monday 09:00 → Tuesday 09:00.
        var clock = new ManualClock(IntakeTests.ReceivedAt);
        await using var app = new WorkflowsApp(database, RepositoryDefinitions, clock);
        var dossier = await ReceiveAsync(app, LandCertificate, clock.Now);
        var code = dossier.Code;
        clock.Now = IntakeTests.ReceivedAt.AddDays(1).AddSeconds(-1);
        await CompleteOpenAsync(app, clock, dossier, "intake", "approved");

        using var admin = app.ClientWithKey(WorkflowsApp.AdministratorKey);
        var timeline = (await admin.GetFromJsonAsync<JsonObject>($"/api/dossiers/{code}/timeline"))!;
        var intake = timeline["handovers"]!.AsArray().Single(h => (string?)h!["nodeId"] == "intake")!;

        Assert.Equal(1.00m, (decimal)intake["actualWorkingDays"]!);
        Assert.Equal(7.5m, (decimal)intake["actualWorkingHours"]!);
        Assert.Equal("onTime", (string?)intake["sla"]);
    }

    [Fact]
    public async Task A_due_time_at_a_session_boundary_is_printed_and_returned_as_the_end_of_the_previous_session()
    {
        // Received online on Saturday 7 March: counted from Monday 9 March 07:30; 7 working days end with Tuesday
        // 17 March (17:00), not "07:30 ngày 18/03"; the police's half-day intake step ends Monday 11:30, not 13:30.
        var clock = new ManualClock(new DateTimeOffset(2026, 3, 7, 10, 0, 0, Vietnam));
        await using var app = new WorkflowsApp(database, RepositoryDefinitions, clock);
        var (code, _) = await ReceiveAsync(app, Residence, clock.Now, channel: "online");

        using var admin = app.ClientWithKey(WorkflowsApp.AdministratorKey);
        var dossier = (await admin.GetFromJsonAsync<JsonObject>($"/api/dossiers/{code}"))!;
        Assert.Equal(new DateTimeOffset(2026, 3, 9, 7, 30, 0, Vietnam), (DateTimeOffset)dossier["countingFrom"]!);
        Assert.Equal(new DateTimeOffset(2026, 3, 17, 17, 0, 0, Vietnam), (DateTimeOffset)dossier["dueAt"]!);
        Assert.Equal(new DateTimeOffset(2026, 3, 9, 11, 30, 0, Vietnam), (DateTimeOffset)dossier["currentSteps"]![0]!["dueAt"]!);
        var receipt = Html.Parse(await admin.GetStringAsync(new Uri($"/api/dossiers/{code}/documents/01", UriKind.Relative)));
        Assert.Equal("17 giờ 00 phút, ngày 17/03/2026", receipt.Field("dossier.dueAt"));
    }

    [Fact]
    public async Task A_worked_saturday_that_pays_back_nothing_counts_and_the_intake_system_reads_the_calendar()
    {
        // Friday 18 December 09:00, 7 working days: Tuesday 29 December; with Saturday 19 December worked, Monday 28.
        var clock = new ManualClock(new DateTimeOffset(2026, 12, 18, 9, 0, 0, Vietnam));
        await using var app = new WorkflowsApp(database, RepositoryDefinitions, clock);
        var (_, externalCode) = await ReceiveAsync(app, Residence, clock.Now);
        using var intake = app.ClientWithKey(WorkflowsApp.IntakeKey);
        using var admin = app.ClientWithKey(WorkflowsApp.AdministratorKey);
        Assert.Equal(new DateTimeOffset(2026, 12, 29, 9, 0, 0, Vietnam), (DateTimeOffset)(await intake.GetFromJsonAsync<JsonObject>($"/api/intake/dossiers/{externalCode}"))!["appointmentDate"]!);

        var year = (await intake.GetFromJsonAsync<JsonObject>("/api/calendars/2026"))!;
        year["workedDays"]!.AsArray().Add(new JsonObject { ["date"] = "2026-12-19", ["name"] = "Làm thêm thứ Bảy để giải quyết hồ sơ tồn đọng", ["provisional"] = false });
        var forbidden = await intake.PutAsync(new Uri("/api/calendars/2026", UriKind.Relative), Json(year));
        var saved = await admin.PutAsync(new Uri("/api/calendars/2026", UriKind.Relative), Json(year));

        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        Assert.True(saved.IsSuccessStatusCode, await saved.Content.ReadAsStringAsync());
        var read = (await intake.GetFromJsonAsync<JsonObject>("/api/calendars/2026"))!;
        var worked = read["workedDays"]!.AsArray().Single(d => (string?)d!["date"] == "2026-12-19")!;
        Assert.Null(worked["replaces"]);
        Assert.Equal(HttpStatusCode.OK, (await intake.GetAsync(new Uri("/api/calendars", UriKind.Relative))).StatusCode);
        Assert.Equal(new DateTimeOffset(2026, 12, 28, 9, 0, 0, Vietnam), (DateTimeOffset)(await intake.GetFromJsonAsync<JsonObject>($"/api/intake/dossiers/{externalCode}"))!["appointmentDate"]!);
    }

    [Fact]
    public async Task The_openapi_description_points_integrators_to_the_time_rules()
    {
        await using var app = new WorkflowsApp(database, RepositoryDefinitions);
        using var anonymous = app.CreateClient();

        var document = (await anonymous.GetFromJsonAsync<JsonObject>("/openapi/v1.json"))!;

        Assert.Contains("docs/time-rules.md", (string?)document["info"]!["description"], StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(RepositoryDefinitions, "..", "docs", "time-rules.md")));
    }

    private static StringContent Json(JsonNode node) => new(node.ToJsonString(), System.Text.Encoding.UTF8, "application/json");

    private static async Task<(string Code, string ExternalCode)> ReceiveAsync(WorkflowsApp app, string procedure, DateTimeOffset receivedAt, string channel = "inPerson")
    {
        using var intake = app.ClientWithKey(WorkflowsApp.IntakeKey);
        var externalCode = IntakeTests.NewExternalCode();
        var body = IntakeTests.Body(externalCode, procedure: procedure, receivedAt: receivedAt);
        body["channel"] = channel;
        body["formData"] = new JsonObject { ["floorArea"] = 120, ["residenceOwnership"] = "owner", ["siteAddress"] = "Thửa 15, tờ bản đồ 7" };
        var response = await intake.PostAsJsonAsync("/api/intake/dossiers", body);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return ((string)(await response.Content.ReadFromJsonAsync<JsonObject>())!["dossierCode"]!, externalCode);
    }

    /// <summary>
    /// Every officer approves every open task of the dossiers (and of their sub-processes) a second after the
    /// previous action, and the tax is paid as soon as nothing else is open, until every dossier is done (or a task
    /// of <paramref name="stopAt"/> is open).
    /// </summary>
    private static async Task DriveAsync(WorkflowsApp app, ManualClock clock, List<(string Code, string ExternalCode)> dossiers, string? stopAt = null)
    {
        var taxPaid = new HashSet<string>(StringComparer.Ordinal);
        for (var round = 0; round < 60; round++)
        {
            var open = await OpenTasksAsync(app, dossiers);
            if (stopAt is not null && open.Any(t => t.NodeId == stopAt))
            {
                return;
            }

            if (open.Count > 0)
            {
                foreach (var task in open)
                {
                    clock.Now = clock.Now.AddSeconds(1);
                    await CompleteAsync(app, task.Id, task.Department, "approved");
                }

                continue;
            }

            // Nothing open: a dossier still running waits for its tax to be paid (the land certificate).
            using var intake = app.ClientWithKey(WorkflowsApp.IntakeKey);
            var paidOne = false;
            foreach (var (code, externalCode) in dossiers.Where(d => !taxPaid.Contains(d.Code)))
            {
                var status = (await intake.GetFromJsonAsync<JsonObject>($"/api/intake/dossiers/{externalCode}"))!;
                if ((int)status["status"]! is 9 or 10)
                {
                    continue;
                }

                taxPaid.Add(code);
                clock.Now = clock.Now.AddSeconds(1);
                var paid = await intake.PostAsJsonAsync($"/api/intake/dossiers/{externalCode}/signals", new { signal = "taxPaid", data = new { taxPaid = true } });
                Assert.True(paid.IsSuccessStatusCode, await paid.Content.ReadAsStringAsync());
                paidOne = true;
            }

            if (!paidOne)
            {
                Assert.Null(stopAt);
                return;
            }
        }

        Assert.Fail("The dossiers did not finish in 60 rounds.");
    }

    private static async Task CompleteOpenAsync(WorkflowsApp app, ManualClock clock, (string Code, string ExternalCode) dossier, string nodeId, string outcome)
    {
        var task = (await OpenTasksAsync(app, [dossier])).Single(t => t.NodeId == nodeId);
        clock.Now = clock.Now.AddSeconds(1);
        await CompleteAsync(app, task.Id, task.Department, outcome);
    }

    private static async Task<List<TaskRow>> OpenTasksAsync(WorkflowsApp app, List<(string Code, string ExternalCode)> dossiers)
    {
        using var scope = app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<WorkflowsDbContext>();
        var codes = dossiers.Select(d => d.Code).ToList();
        var ids = await db.Dossiers.AsNoTracking().Where(d => codes.Contains(d.Code)).Select(d => d.Id).ToListAsync();
        return (await (
            from t in db.Tasks.AsNoTracking()
            where t.State == TaskStates.Open
            join i in db.Instances.AsNoTracking() on t.InstanceId equals i.Id
            where ids.Contains(i.Id) || (i.ParentInstanceId != null && ids.Contains(i.ParentInstanceId.Value))
            select t).ToListAsync()).OrderBy(t => t.OpenedAt).ThenBy(t => t.NodeId, StringComparer.Ordinal).ToList();
    }

    private static async Task CompleteAsync(WorkflowsApp app, Guid taskId, string department, string outcome)
    {
        using var officer = app.ClientWithKey(KeyOfDepartment[department]);
        var response = await officer.PostAsJsonAsync($"/api/tasks/{taskId}/complete", new { outcome });
        Assert.True(response.IsSuccessStatusCode, $"{department}: {await response.Content.ReadAsStringAsync()}");
    }
}

public sealed class SqliteTimeRulesTests(SqliteDatabase database) : TimeRulesTests(database), IClassFixture<SqliteDatabase>;

public sealed class PostgresTimeRulesTests(PostgresDatabase database) : TimeRulesTests(database), IClassFixture<PostgresDatabase>;
