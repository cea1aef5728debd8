using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Workflows.Host.Persistence;
using Workflows.Host.Tests.Support;

namespace Workflows.Host.Tests.Tasks;

/// <summary>
/// An officer pages through a department's queue with the <c>next</c> cursor each page returns. At a city's size a
/// department holds tens of thousands of open tasks, and counting them again for every page cost more than the page:
/// the total is counted for the first page only, and a page read with the cursor is one query that starts where the
/// last page ended, so a task completed meanwhile does not push another off the list.
/// </summary>
public abstract class TaskQueuePagingTests(DatabaseFixture database)
{
    private static readonly DateTimeOffset Now = new(2026, 4, 3, 10, 0, 0, TimeSpan.FromHours(7));

    [Theory]
    [InlineData("due")]
    [InlineData("-due")]
    [InlineData("opened")]
    public async Task Following_next_lists_every_task_once_in_order_and_counts_only_for_the_first_page(string sort)
    {
        var commands = new CommandRecorder();
        await using var app = new WorkflowsApp(database, clock: new ManualClock(Now), services: commands.AddTo);
        var list = await SeedOpenTasksAsync(app, 8);
        using var leader = app.ClientWithKey(WorkflowsApp.LeaderKey);
        var whole = Ids(await GetAsync(leader, $"/api/tasks?{list}&sort={sort}&pageSize=200"));
        Assert.Equal(8, whole.Count);

        commands.Start();
        var page = await GetAsync(leader, $"/api/tasks?{list}&sort={sort}&pageSize=3");
        commands.Stop();
        Assert.Equal(2, commands.Commands.Count);
        Assert.Contains(commands.Commands, c => c.Contains("COUNT", StringComparison.OrdinalIgnoreCase));

        var listed = Ids(page);
        var pages = new List<int> { (int)page["page"]! };
        while ((string?)page["next"] is { } next)
        {
            Assert.Equal(8, (int)page["total"]!);
            commands.Start();
            page = await GetAsync(leader, $"/api/tasks?{list}&sort={sort}&pageSize=3&after={Uri.EscapeDataString(next)}");
            commands.Stop();
            var command = Assert.Single(commands.Commands);
            Assert.DoesNotContain("COUNT", command, StringComparison.OrdinalIgnoreCase);
            listed.AddRange(Ids(page));
            pages.Add((int)page["page"]!);
        }

        Assert.Equal(whole, listed);
        Assert.Equal([1, 2, 3], pages);
        Assert.Equal(8, (int)page["total"]!);
        Assert.Equal(2, page["items"]!.AsArray().Count);
    }

    [Fact]
    public async Task A_task_completed_on_the_first_page_does_not_push_another_off_the_next()
    {
        await using var app = new WorkflowsApp(database, clock: new ManualClock(Now));
        var list = await SeedOpenTasksAsync(app, 6);
        using var leader = app.ClientWithKey(WorkflowsApp.LeaderKey);
        var whole = Ids(await GetAsync(leader, $"/api/tasks?{list}&pageSize=200"));

        var first = await GetAsync(leader, $"/api/tasks?{list}&pageSize=3");
        Assert.Equal(whole[..3], Ids(first));
        await CloseAsync(app, whole[0]);
        var second = await GetAsync(leader, $"/api/tasks?{list}&pageSize=3&after={Uri.EscapeDataString((string)first["next"]!)}");

        // Counted off from the start, page 2 would now begin at the fifth task: the fourth would never be shown.
        Assert.Equal(whole[3..], Ids(second));
        Assert.Null((string?)second["next"]);
    }

    [Theory]
    [InlineData("not-a-cursor")]
    [InlineData("MXwyfDh8MHx4fHg")]
    public async Task A_cursor_the_queue_did_not_give_is_400_naming_after(string after)
    {
        await using var app = new WorkflowsApp(database, clock: new ManualClock(Now));
        using var leader = app.ClientWithKey(WorkflowsApp.LeaderKey);

        await AssertRefusedAsync(leader, $"/api/tasks?department=leadership&after={after}");
    }

    [Fact]
    public async Task A_cursor_of_another_list_or_with_a_page_number_is_400_naming_after()
    {
        await using var app = new WorkflowsApp(database, clock: new ManualClock(Now));
        var list = await SeedOpenTasksAsync(app, 4);
        using var leader = app.ClientWithKey(WorkflowsApp.LeaderKey);
        var next = Uri.EscapeDataString((string)(await GetAsync(leader, $"/api/tasks?{list}&pageSize=2"))["next"]!);

        await AssertRefusedAsync(leader, $"/api/tasks?{list}&pageSize=3&after={next}");
        await AssertRefusedAsync(leader, $"/api/tasks?{list}&pageSize=2&sort=-due&after={next}");
        await AssertRefusedAsync(leader, $"/api/tasks?{list}&pageSize=2&claimed=me&after={next}");
        await AssertRefusedAsync(leader, $"/api/tasks?{list}&pageSize=2&page=2&after={next}");
        Assert.Equal(2, (int)(await GetAsync(leader, $"/api/tasks?{list}&pageSize=2&after={next}"))["page"]!);
    }

    private static async Task AssertRefusedAsync(HttpClient client, string path)
    {
        var response = await client.GetAsync(new Uri(path, UriKind.Relative));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.NotNull(problem["errors"]!["after"]);
    }

    private static async Task<JsonObject> GetAsync(HttpClient client, string path) =>
        (await client.GetFromJsonAsync<JsonObject>(new Uri(path, UriKind.Relative)))!;

    private static List<Guid> Ids(JsonObject page) => [.. page["items"]!.AsArray().Select(i => (Guid)i!["id"]!)];

    private static async Task CloseAsync(WorkflowsApp app, Guid task)
    {
        using var scope = app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<WorkflowsDbContext>();
        var row = await db.Tasks.SingleAsync(t => t.Id == task);
        row.State = "completed";
        row.ClosedAt = Now;
        row.Outcome = "approved";
        await db.SaveChangesAsync();
    }

    /// <summary>
    /// Open leadership tasks of running instances, opened an hour apart and due out of their opening order, two of them
    /// due at the same instant (the id breaks the tie).
    /// </summary>
    /// <returns>The query that lists them alone (the test class's database holds other tests' tasks too).</returns>
    private static async Task<string> SeedOpenTasksAsync(WorkflowsApp app, int count)
    {
        var procedure = "CU." + Guid.NewGuid().ToString("N");
        using var scope = app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<WorkflowsDbContext>();
        for (var n = 0; n < count; n++)
        {
            var id = Guid.NewGuid();
            var opened = Now.AddDays(-3).AddHours(n);
            db.Instances.Add(new InstanceRow
            {
                Id = id, DefinitionCode = procedure, DefinitionVersion = 1, Status = "running", Data = "{}", Tokens = "[]",
                CreatedAt = opened, UpdatedAt = opened, Version = 1,
            });
            db.Tasks.Add(new TaskRow
            {
                Id = Guid.NewGuid(), InstanceId = id, NodeId = "ky-duyet", StepName = "Lãnh đạo ký duyệt", Department = "leadership",
                State = "open", OpenedAt = opened, DueAt = Now.AddHours(n is 2 or 3 ? 5 : (n * 7) % count),
            });
        }

        await db.SaveChangesAsync();
        return $"department=leadership&procedure={procedure}";
    }
}

public sealed class SqliteTaskQueuePagingTests(SqliteDatabase database) : TaskQueuePagingTests(database), IClassFixture<SqliteDatabase>;

public sealed class PostgresTaskQueuePagingTests(PostgresDatabase database) : TaskQueuePagingTests(database), IClassFixture<PostgresDatabase>;
