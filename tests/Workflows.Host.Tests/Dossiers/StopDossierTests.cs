using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Workflows.Host.Persistence;
using Workflows.Host.Tests.Intake;
using Workflows.Host.Tests.Support;

namespace Workflows.Host.Tests.Dossiers;

public abstract class StopDossierTests(DatabaseFixture database)
{
    [Fact]
    public async Task An_officer_handling_the_dossier_stops_it_with_a_reason_printed_on_form_05()
    {
        await using var app = new WorkflowsApp(database, Documents.DocumentDefinitions.Path, new ManualClock(IntakeTests.ReceivedAt.AddHours(1)));
        var code = await StartAsync(app);
        using var desk = app.ClientWithKey(WorkflowsApp.DeskOfficerKey);

        var response = await desk.PostAsJsonAsync($"/api/dossiers/{code}/stop", new { reason = "Công trình thuộc khu vực đã có quy hoạch thu hồi đất" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(8, (int?)(await response.Content.ReadFromJsonAsync<JsonObject>())!["status"]);
        var notice = await desk.GetStringAsync(new Uri($"/api/dossiers/{code}/documents/05", UriKind.Relative));
        Assert.Contains("Công trình thuộc khu vực đã có quy hoạch thu hồi đất", notice, StringComparison.Ordinal);
        using var scope = app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<WorkflowsDbContext>();
        var dossier = await db.Dossiers.AsNoTracking().SingleAsync(d => d.Code == code);
        Assert.Contains(await db.Outbox.AsNoTracking().Where(o => o.InstanceId == dossier.Id && o.Kind == "statusChanged").Select(o => o.Payload).ToListAsync(),
            payload => (int?)JsonNode.Parse(payload)!["status"] == 8);
        Assert.Empty(await db.Tasks.AsNoTracking().Where(t => t.InstanceId == dossier.Id && t.State == TaskStates.Open).ToListAsync());

        var again = await desk.PostAsJsonAsync($"/api/dossiers/{code}/stop", new { reason = "Lần nữa" });
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
    }

    [Fact]
    public async Task Stopping_needs_a_reason_and_a_role_that_handles_the_dossier()
    {
        await using var app = new WorkflowsApp(database, Documents.DocumentDefinitions.Path, new ManualClock(IntakeTests.ReceivedAt.AddHours(1)));
        var code = await StartAsync(app);
        using var desk = app.ClientWithKey(WorkflowsApp.DeskOfficerKey);
        using var designer = app.ClientWithKey(WorkflowsApp.DesignerKey);
        using var leader = app.ClientWithKey(WorkflowsApp.LeaderKey);

        var noReason = await desk.PostAsJsonAsync($"/api/dossiers/{code}/stop", new { reason = " " });
        Assert.Equal(HttpStatusCode.BadRequest, noReason.StatusCode);
        Assert.NotNull((await noReason.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!["reason"]);

        Assert.Equal(HttpStatusCode.Forbidden, (await designer.PostAsJsonAsync($"/api/dossiers/{code}/stop", new { reason = "x" })).StatusCode);
        // The leadership has no task on it (yet): it does not even see the dossier.
        Assert.Equal(HttpStatusCode.NotFound, (await leader.PostAsJsonAsync($"/api/dossiers/{code}/stop", new { reason = "x" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await desk.PostAsJsonAsync("/api/dossiers/KHONG-CO/stop", new { reason = "x" })).StatusCode);
    }

    private static async Task<string> StartAsync(WorkflowsApp app)
    {
        using var intake = app.ClientWithKey(WorkflowsApp.IntakeKey);
        var response = await intake.PostAsJsonAsync("/api/intake/dossiers", IntakeTests.Body(IntakeTests.NewExternalCode(), Documents.DocumentDefinitions.Code));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (string)(await response.Content.ReadFromJsonAsync<JsonObject>())!["dossierCode"]!;
    }
}

public sealed class SqliteStopDossierTests(SqliteDatabase database) : StopDossierTests(database), IClassFixture<SqliteDatabase>;

public sealed class PostgresStopDossierTests(PostgresDatabase database) : StopDossierTests(database), IClassFixture<PostgresDatabase>;
