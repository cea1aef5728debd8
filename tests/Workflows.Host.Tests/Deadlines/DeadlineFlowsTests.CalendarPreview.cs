using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Workflows.Host.Calendars;
using Workflows.Host.Persistence;
using Workflows.Host.Tests.Support;

namespace Workflows.Host.Tests.Deadlines;

/// <summary>An administrator sees what a calendar edit would move before saving it.</summary>
public abstract partial class DeadlineFlowsTests
{
    [Fact]
    public async Task A_calendar_preview_counts_the_due_times_an_edit_would_move_and_names_the_dossiers_without_saving()
    {
        using var definitions = new TestDefinitionsFolder();
        var clock = new ManualClock(At(2, 10));
        await using var app = await StartAsync(definitions, clock);
        var (code, review) = await ReceiveAndPassTheDeskAsync(app);
        clock.Now = At(2, 11);
        using var admin = app.ClientWithKey(WorkflowsApp.AdministratorKey);
        using var scope = app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<WorkflowsDbContext>();
        var dossierId = (await db.Dossiers.AsNoTracking().SingleAsync(d => d.Code == code)).Id;
        var journalBefore = await db.Journal.AsNoTracking().CountAsync(j => j.InstanceId == dossierId);
        var outboxBefore = await db.Outbox.AsNoTracking().CountAsync(o => o.InstanceId == dossierId);
        var wednesdayOff = TestDefinitionsFolder.Calendar("2026-01-01", "2026-03-04");

        var response = await admin.PostAsync(new Uri("/api/calendars/2026/preview", UriKind.Relative), Json(wednesdayOff));

        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var preview = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.True((int)preview["tasksMoved"]! >= 1 && (int)preview["dossiersMoved"]! >= 1, preview.ToJsonString());
        var moved = Assert.Single(preview["dossiers"]!.AsArray(), d => (string?)d!["dossierCode"] == code)!;
        Assert.Equal((At(9, 9), At(10, 9)), (((DateTimeOffset)moved["from"]!).ToOffset(Vietnam), ((DateTimeOffset)moved["to"]!).ToOffset(Vietnam)));

        // Nothing was saved: due times, journal, messages and the calendar in use are as they were.
        Assert.Equal(At(4, 10), (await db.Tasks.AsNoTracking().SingleAsync(t => t.Id == review)).DueAt.ToOffset(Vietnam));
        Assert.Equal(At(4, 10), await BookmarkDueAsync(db, review));
        Assert.Equal(At(9, 9), (await db.Dossiers.AsNoTracking().SingleAsync(d => d.Id == dossierId)).DueAt.ToOffset(Vietnam));
        Assert.Equal(journalBefore, await db.Journal.AsNoTracking().CountAsync(j => j.InstanceId == dossierId));
        Assert.Equal(outboxBefore, await db.Outbox.AsNoTracking().CountAsync(o => o.InstanceId == dossierId));
        Assert.True(app.Services.GetRequiredService<CalendarProvider>().Current.IsWorkingDay(new DateOnly(2026, 3, 4)));
        Assert.Equal("file", (string?)Assert.Single((await GetJson(admin, "/api/calendars"))["years"]!.AsArray(), y => (int)y!["year"]! == 2026)!["source"]);

        // Saving then moves what the preview announced.
        var saved = await MakeWednesdayADayOffAsync(app);
        Assert.Equal(((int)preview["tasksMoved"]!, (int)preview["dossiersMoved"]!, (int)preview["timersMoved"]!),
            ((int)saved["tasksMoved"]!, (int)saved["dossiersMoved"]!, (int)saved["timersMoved"]!));
    }

    [Fact]
    public async Task A_calendar_preview_refuses_a_bad_body_by_its_path_and_is_for_administrators_only()
    {
        using var definitions = new TestDefinitionsFolder();
        await using var app = await StartAsync(definitions, new ManualClock(At(2, 10)));
        using var admin = app.ClientWithKey(WorkflowsApp.AdministratorKey);
        using var designer = app.ClientWithKey(WorkflowsApp.DesignerKey);

        var badDate = await admin.PostAsync(new Uri("/api/calendars/2026/preview", UriKind.Relative), Json(TestDefinitionsFolder.Calendar("2026-02-30")));
        var otherYear = await admin.PostAsync(new Uri("/api/calendars/2027/preview", UriKind.Relative), Json(TestDefinitionsFolder.Calendar("2026-03-04")));
        var forbidden = await designer.PostAsync(new Uri("/api/calendars/2026/preview", UriKind.Relative), Json(TestDefinitionsFolder.Calendar("2026-03-04")));

        Assert.Equal(HttpStatusCode.BadRequest, badDate.StatusCode);
        Assert.NotNull((await badDate.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!["$.holidays[0].date"]);
        Assert.Equal(HttpStatusCode.BadRequest, otherYear.StatusCode);
        Assert.NotNull((await otherYear.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!["$.year"]);
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
    }
}
