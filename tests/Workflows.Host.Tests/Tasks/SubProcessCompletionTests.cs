using System.Data.Common;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Workflows.Host.Outbox;
using Workflows.Host.Persistence;
using Workflows.Host.Runtime;
using Workflows.Host.Tests.Support;

namespace Workflows.Host.Tests.Tasks;

/// <summary>
/// Completing a sub-process's last step commits the child, then resumes the parent: a transient database error in that
/// resume must not turn the committed completion into a 409. On SQLite and PostgreSQL.
/// </summary>
public abstract class SubProcessCompletionTests(DatabaseFixture database)
{
    [Fact]
    public async Task A_transient_error_resuming_the_parent_is_retried_and_the_completion_is_answered_200()
    {
        var fault = new ParentResumeFault(database.Provider) { FailuresLeft = 1 };
        await using var app = new WorkflowsApp(database, SubProcessDefinitions.Path);
        await using var host = WithFault(app, fault);
        var (parent, childTask) = await StartParentAsync(host);
        using var urban = Officer(host);

        var response = await urban.PostAsJsonAsync(new Uri($"/api/tasks/{childTask}/complete", UriKind.Relative), new { outcome = "approved" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(0, fault.FailuresLeft);
        var body = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal("completed", (string?)body["task"]!["state"]);
        var resumed = Assert.Single(body["parentProcesses"]!.AsArray());
        Assert.Equal(parent, Guid.Parse((string)resumed!["instanceId"]!));
        Assert.Equal("resumed", (string?)resumed["state"]);
        Assert.Equal(["sign"], await OpenStepsAsync(host, parent));
    }

    [Fact]
    public async Task A_parent_resume_that_keeps_failing_is_answered_200_queued_and_the_background_runner_resumes_it_after_a_restart()
    {
        var fault = new ParentResumeFault(database.Provider) { FailuresLeft = int.MaxValue };
        Guid parent;
        await using (var app = new WorkflowsApp(database, SubProcessDefinitions.Path))
        await using (var host = WithFault(app, fault))
        {
            (parent, var childTask) = await StartParentAsync(host);
            using var urban = Officer(host);

            var response = await urban.PostAsJsonAsync(new Uri($"/api/tasks/{childTask}/complete", UriKind.Relative), new { outcome = "approved" });

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var body = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
            Assert.Equal("completed", (string?)body["task"]!["state"]);
            var queued = Assert.Single(body["parentProcesses"]!.AsArray());
            Assert.Equal("queued", (string?)queued!["state"]);
            Assert.Contains("background runner", (string?)queued["detail"], StringComparison.Ordinal);
            Assert.Empty(await OpenStepsAsync(host, parent));
            using var again = Officer(host);
            var task = (await again.GetFromJsonAsync<JsonObject>(new Uri($"/api/tasks/{childTask}", UriKind.Relative)))!;
            Assert.Equal("completed", (string?)task["state"]);
        }

        // The Host that answered is gone; a new one, without the fault, delivers the resumeParent message committed with the child.
        await using var restarted = new WorkflowsApp(database, SubProcessDefinitions.Path);
        await restarted.Services.GetRequiredService<OutboxDispatcher>().RunOnceAsync(DateTimeOffset.UtcNow.AddMinutes(1));

        Assert.Equal(["sign"], await OpenStepsAsync(restarted, parent));
    }

    private static HttpClient Officer(WebApplicationFactory<Program> host)
    {
        var client = host.CreateClient();
        client.DefaultRequestHeaders.Add("X-Api-Key", WorkflowsApp.UrbanOfficerKey);
        return client;
    }

    private static WebApplicationFactory<Program> WithFault(WorkflowsApp app, ParentResumeFault fault) =>
        app.WithWebHostBuilder(builder => builder.ConfigureTestServices(services =>
        {
            services.ConfigureDbContext<SqliteWorkflowsDbContext>(o => o.AddInterceptors(fault));
            services.ConfigureDbContext<PostgresWorkflowsDbContext>(o => o.AddInterceptors(fault));
        }));

    // The parent waits at its SubProcess node; the child's one step is open in urban management.
    private static async Task<(Guid Parent, Guid ChildTask)> StartParentAsync(WebApplicationFactory<Program> host)
    {
        using var scope = host.Services.CreateScope();
        var started = await scope.ServiceProvider.GetRequiredService<WorkflowRunner>().StartAsync(SubProcessDefinitions.Parent, 1, [], "reception");
        var parent = started.Changeset!.Instance.Id;
        var db = scope.ServiceProvider.GetRequiredService<WorkflowsDbContext>();
        var child = await db.Instances.AsNoTracking().Where(i => i.ParentInstanceId == parent).Select(i => i.Id).SingleAsync();
        var task = await db.Tasks.AsNoTracking().Where(t => t.InstanceId == child && t.State == TaskStates.Open).Select(t => t.Id).SingleAsync();
        return (parent, task);
    }

    private static async Task<List<string>> OpenStepsAsync(WebApplicationFactory<Program> host, Guid instance)
    {
        using var scope = host.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<WorkflowsDbContext>().Tasks.AsNoTracking()
            .Where(t => t.InstanceId == instance && t.State == TaskStates.Open).Select(t => t.NodeId).ToListAsync();
    }

    /// <summary>
    /// Fails the parent's resume commit (the batch that journals subProcessEnded) the way the database breaks a tie:
    /// a PostgreSQL deadlock, or a SQLite file still locked.
    /// </summary>
    private sealed class ParentResumeFault(string provider) : DbCommandInterceptor
    {
        private int failuresLeft;

        public int FailuresLeft
        {
            get { lock (this) { return failuresLeft; } }
            init => failuresLeft = value;
        }

        public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
            DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        {
            FailIfParentResume(command);
            return base.ReaderExecutingAsync(command, eventData, result, cancellationToken);
        }

        public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(
            DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
        {
            FailIfParentResume(command);
            return base.NonQueryExecutingAsync(command, eventData, result, cancellationToken);
        }

        private bool TakeFailure()
        {
            lock (this)
            {
                if (failuresLeft == 0)
                {
                    return false;
                }

                failuresLeft--;
                return true;
            }
        }

        private void FailIfParentResume(DbCommand command)
        {
            var resumesParent = command.CommandText.Contains("INSERT", StringComparison.OrdinalIgnoreCase)
                && command.Parameters.Cast<DbParameter>().Any(p => p.Value is "subProcessEnded");
            if (!resumesParent || !TakeFailure())
            {
                return;
            }

            throw provider == "Postgres"
                ? new PostgresException("deadlock detected", "ERROR", "ERROR", "40P01")
                : new SqliteException("database is locked", 5);
        }
    }
}

public sealed class SqliteSubProcessCompletionTests(SqliteDatabase database) : SubProcessCompletionTests(database), IClassFixture<SqliteDatabase>;

public sealed class PostgresSubProcessCompletionTests(PostgresDatabase database) : SubProcessCompletionTests(database), IClassFixture<PostgresDatabase>;

/// <summary>S.0001 runs S.0002 (one urban-management step) as a sub-process, then a leadership step.</summary>
internal static class SubProcessDefinitions
{
    public const string Parent = "S.0001";

    private static readonly Lazy<string> Folder = new(Write);

    public static string Path => Folder.Value;

    private static string Write()
    {
        var folder = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "workflows-host-tests", "subprocess-definitions-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(System.IO.Path.Combine(folder, "procedures"));
        File.WriteAllText(System.IO.Path.Combine(folder, "departments.json"), """
            [
              { "id": "one-stop-desk", "name": "Bộ phận Một cửa", "kind": "desk" },
              { "id": "urban-management", "name": "Phòng Quản lý đô thị" },
              { "id": "leadership", "name": "Lãnh đạo" }
            ]
            """);
        File.WriteAllText(System.IO.Path.Combine(folder, "procedures", "S.0001-lien-thong.json"), """
            {
              "schemaVersion": 1, "code": "S.0001", "version": 1, "effectiveFrom": "2026-01-01",
              "name": "Thủ tục thử: liên thông",
              "legalTimeLimit": { "value": 5, "unit": "workingDays" },
              "committedTimeLimit": { "value": 5, "unit": "workingDays" },
              "flowchart": {
                "nodes": [
                  { "type": "Start", "id": "start" },
                  { "type": "SubProcess", "id": "confirmation", "name": "Xác nhận liên thông", "procedure": "S.0002" },
                  { "type": "Step", "id": "sign", "name": "Ký duyệt", "department": "leadership", "allottedTime": { "value": 1, "unit": "workingDays" }, "outcomes": [ "approved" ] },
                  { "type": "End", "id": "issued", "result": "issued" }
                ],
                "connections": [
                  { "from": "start", "to": "confirmation" },
                  { "from": "confirmation", "to": "sign" },
                  { "from": "sign", "to": "issued", "outcome": "approved" }
                ]
              }
            }
            """);
        File.WriteAllText(System.IO.Path.Combine(folder, "procedures", "S.0002-xac-nhan.json"), """
            {
              "schemaVersion": 1, "code": "S.0002", "version": 1, "effectiveFrom": "2026-01-01",
              "name": "Thủ tục thử: xác nhận",
              "legalTimeLimit": { "value": 2, "unit": "workingDays" },
              "committedTimeLimit": { "value": 2, "unit": "workingDays" },
              "flowchart": {
                "nodes": [
                  { "type": "Start", "id": "start" },
                  { "type": "Step", "id": "confirm", "name": "Xác nhận", "department": "urban-management", "allottedTime": { "value": 1, "unit": "workingDays" }, "outcomes": [ "approved" ] },
                  { "type": "End", "id": "issued", "result": "issued" }
                ],
                "connections": [
                  { "from": "start", "to": "confirm" },
                  { "from": "confirm", "to": "issued", "outcome": "approved" }
                ]
              }
            }
            """);
        return folder;
    }
}
