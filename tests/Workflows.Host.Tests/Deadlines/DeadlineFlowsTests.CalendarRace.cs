using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Workflows.Host.Deadlines;
using Workflows.Host.Persistence;
using Workflows.Host.Tests.Intake;
using Workflows.Host.Tests.Support;

namespace Workflows.Host.Tests.Deadlines;

/// <summary>
/// The calendar-edit race: a due time another Host node counted on the calendar it had before it reloaded the edit does
/// not stay wrong.
/// </summary>
public abstract partial class DeadlineFlowsTests
{
    [Fact]
    public async Task A_dossier_received_on_another_node_before_it_reloads_an_edited_calendar_is_counted_again_once_every_node_has_reloaded()
    {
        using var definitions = new TestDefinitionsFolder();
        var clock = new ManualClock(At(2, 10));
        var settings = new Dictionary<string, string> { ["Deadlines:SweepInterval"] = "00:01:00", ["Deadlines:CalendarRecountDelay"] = "00:05:00" };
        await using var editing = await StartAsync(definitions, clock, settings);
        await using var other = await StartAsync(definitions, clock, settings);

        // The administrator makes Wednesday 4 March a day off on one node; the other has not reloaded its calendar yet
        // (it does at its next sweep) and receives a dossier: its appointment is counted with Wednesday still worked.
        await MakeWednesdayADayOffAsync(editing);
        clock.Now = At(2, 10, 1);
        using var intake = other.ClientWithKey(WorkflowsApp.IntakeKey);
        var created = await intake.PostAsJsonAsync("/api/intake/dossiers", IntakeTests.Body(IntakeTests.NewExternalCode(), "T.0001", receivedAt: Received));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var code = (string)(await created.Content.ReadFromJsonAsync<JsonObject>())!["dossierCode"]!;
        using var scope = editing.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<WorkflowsDbContext>();
        Assert.Equal(At(9, 9), (await db.Dossiers.AsNoTracking().SingleAsync(d => d.Code == code)).DueAt.ToOffset(Vietnam));

        // Both nodes sweep (and so reload the calendar) within a minute; once the recount delay has passed, a sweep
        // counts every open due time again on the edited calendar, and only once.
        clock.Now = At(2, 10, 2);
        await other.Services.GetRequiredService<DeadlineSweep>().RunOnceAsync(clock.Now);
        clock.Now = At(2, 10, 6);
        await other.Services.GetRequiredService<DeadlineSweep>().RunOnceAsync(clock.Now);
        await editing.Services.GetRequiredService<DeadlineSweep>().RunOnceAsync(clock.Now);

        var dossier = await db.Dossiers.AsNoTracking().SingleAsync(d => d.Code == code);
        Assert.Equal((At(10, 9), At(10, 9)), (dossier.DueAt.ToOffset(Vietnam), dossier.OriginalDueAt.ToOffset(Vietnam)));
        var change = await db.Journal.AsNoTracking().SingleAsync(j => j.InstanceId == dossier.Id && j.Kind == DeadlineJournalKinds.DueTimeChanged && j.NodeId == null);
        Assert.Equal("09/03/2026 09:00 → 10/03/2026 09:00", change.Detail);
        Assert.Equal(At(10, 9), ((DateTimeOffset)(await LastStatusMessageAsync(db, dossier.Id))["dueAt"]!).ToOffset(Vietnam));
        using var admin = editing.ClientWithKey(WorkflowsApp.AdministratorKey);
        var appointment = await GetJson(admin, $"/api/dossiers/{code}");
        Assert.Equal(At(10, 9), ((DateTimeOffset)appointment["dueAt"]!).ToOffset(Vietnam));
    }
}
