using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Workflows.Host.Persistence;
using Workflows.Host.Tests.Intake;
using Workflows.Host.Tests.Support;

namespace Workflows.Host.Tests.Hostile;

/// <summary>
/// Stored data the Host cannot read is the Host's fault, not the caller's: a 500 problem with a trace id to quote to
/// the operators, and nothing of the exception's text (a 400 would tell the caller to change a request that is fine).
/// </summary>
public abstract class StoredDataFaultTests(DatabaseFixture database)
{
    [Fact]
    public async Task Unreadable_stored_json_is_a_500_with_a_trace_id_not_a_400_echoing_the_parser()
    {
        await using var app = new WorkflowsApp(database, clock: new ManualClock(IntakeTests.ReceivedAt.AddHours(1)));
        using var intake = app.ClientWithKey(WorkflowsApp.IntakeKey);
        var received = await intake.PostAsJsonAsync("/api/intake/dossiers", IntakeTests.Body(IntakeTests.NewExternalCode()));
        Assert.Equal(HttpStatusCode.Created, received.StatusCode);
        var code = (string)(await received.Content.ReadFromJsonAsync<JsonObject>())!["dossierCode"]!;
        using (var scope = app.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<WorkflowsDbContext>();
            var id = await db.Dossiers.Where(d => d.Code == code).Select(d => d.Id).SingleAsync();
            // A fault written by hand (or by a broken migration): not JSON the Host can read.
            await db.Instances.Where(i => i.Id == id).ExecuteUpdateAsync(s => s
                .SetProperty(i => i.Status, "faulted")
                .SetProperty(i => i.Fault, "{\"nodeId\": \"decide\", \"message\": "));
        }

        using var admin = app.ClientWithKey(WorkflowsApp.AdministratorKey);
        var response = await admin.GetAsync(new Uri($"/api/dossiers/{code}", UriKind.Relative));

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.False(string.IsNullOrEmpty((string?)problem["traceId"]), "the problem carries a trace id");
        Assert.Null(problem["detail"]);
        var text = problem.ToJsonString();
        Assert.DoesNotContain("nodeId", text, StringComparison.Ordinal);
        Assert.DoesNotContain("LineNumber", text, StringComparison.Ordinal);
    }
}

public sealed class SqliteStoredDataFaultTests(SqliteDatabase database) : StoredDataFaultTests(database), IClassFixture<SqliteDatabase>;

public sealed class PostgresStoredDataFaultTests(PostgresDatabase database) : StoredDataFaultTests(database), IClassFixture<PostgresDatabase>;
