using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Workflows.Host.Persistence;
using Workflows.Host.Tests.Support;

namespace Workflows.Host.Tests.Tasks;

/// <summary>
/// A department's queue reads its page in a fixed number of queries, whatever procedures the tasks on it run. Tasks of
/// a procedure version the database does not hold (history brought from another system) are listed with their codes
/// and no outcomes, and cost no query of their own: at a year's size, one query per such procedure on every page made
/// the queue twenty times slower than its raw query.
/// </summary>
public abstract class TaskQueueQueryCountTests(DatabaseFixture database)
{
    private static readonly DateTimeOffset Now = new(2026, 4, 3, 10, 0, 0, TimeSpan.FromHours(7));

    [Fact]
    public async Task Tasks_of_procedures_the_database_does_not_hold_are_listed_without_a_query_each()
    {
        var commands = new CommandRecorder();
        await using var app = new WorkflowsApp(database, clock: new ManualClock(Now), services: commands.AddTo);
        var procedures = Enumerable.Range(1, 5).Select(n => $"CU.{n}").ToList();
        await SeedOpenTasksAsync(app, procedures);
        using var leader = app.ClientWithKey(WorkflowsApp.LeaderKey);

        commands.Start();
        var page = (await leader.GetFromJsonAsync<JsonObject>(new Uri("/api/tasks?department=leadership", UriKind.Relative)))!;
        commands.Stop();

        var items = page["items"]!.AsArray();
        Assert.Equal(procedures, items.Select(i => (string)i!["procedureCode"]!).Order(StringComparer.Ordinal));
        Assert.All(items, i => Assert.Empty(i!["outcomes"]!.AsArray()));
        var ownReads = commands.Commands.Where(c => c.Contains("procedure_versions", StringComparison.Ordinal) && !c.Contains("tasks", StringComparison.Ordinal)).ToList();
        Assert.True(ownReads.Count == 0, $"{ownReads.Count} queries read procedure_versions on their own:\n{string.Join("\n---\n", ownReads)}");
    }

    /// <summary>One running instance per procedure (version 1, never published here), each with an open leadership task.</summary>
    private static async Task SeedOpenTasksAsync(WorkflowsApp app, IEnumerable<string> procedures)
    {
        using var scope = app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<WorkflowsDbContext>();
        var hour = 0;
        foreach (var procedure in procedures)
        {
            var id = Guid.NewGuid();
            var opened = Now.AddDays(-3).AddHours(hour++);
            db.Instances.Add(new InstanceRow
            {
                Id = id, DefinitionCode = procedure, DefinitionVersion = 1, Status = "running", Data = "{}", Tokens = "[]",
                CreatedAt = opened, UpdatedAt = opened, Version = 1,
            });
            db.Tasks.Add(new TaskRow
            {
                Id = Guid.NewGuid(), InstanceId = id, NodeId = "ky-duyet", StepName = "Lãnh đạo ký duyệt", Department = "leadership",
                State = "open", OpenedAt = opened, DueAt = opened.AddDays(2),
            });
        }

        await db.SaveChangesAsync();
    }
}

public sealed class SqliteTaskQueueQueryCountTests(SqliteDatabase database) : TaskQueueQueryCountTests(database), IClassFixture<SqliteDatabase>;

public sealed class PostgresTaskQueueQueryCountTests(PostgresDatabase database) : TaskQueueQueryCountTests(database), IClassFixture<PostgresDatabase>;
