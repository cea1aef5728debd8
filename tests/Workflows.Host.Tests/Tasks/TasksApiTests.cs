using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Workflows.Host.Persistence;
using Workflows.Host.Runtime;
using Workflows.Host.Tests.Support;

namespace Workflows.Host.Tests.Tasks;

public abstract class TasksApiTests(DatabaseFixture database)
{
    // Monday 2 March 2026, 08:00 in the centre: a working day.
    private static readonly DateTimeOffset Monday = new(2026, 3, 2, 8, 0, 0, TimeSpan.FromHours(7));

    [Fact]
    public async Task The_queue_lists_only_the_callers_departments_open_tasks_sorted_by_due()
    {
        var clock = new ManualClock(Monday);
        await using var app = new WorkflowsApp(database, TaskDefinitions.Path, clock);
        using var desk = app.ClientWithKey(WorkflowsApp.DeskOfficerKey);
        using var urban = app.ClientWithKey(WorkflowsApp.UrbanOfficerKey);

        // Started out of due order: the queue must sort, not list in insertion order.
        clock.Now = Monday.AddHours(2);
        var late = await StartAsync(app);
        clock.Now = Monday;
        var early = await StartAsync(app);
        clock.Now = Monday.AddHours(1);
        var middle = await StartAsync(app);
        var done = await StartAsync(app);
        Assert.Equal(HttpStatusCode.OK, (await Complete(desk, done.Task, "approved")).StatusCode);

        var queue = await GetJson(desk, "/api/tasks?pageSize=200");
        var items = Items(queue);
        Assert.All(items, i => Assert.Equal("one-stop-desk", (string?)i["department"]));
        Assert.All(items, i => Assert.Equal("open", (string?)i["state"]));
        Assert.Equal(items.Select(i => Due(i)).Order().ToList(), items.Select(i => Due(i)).ToList());
        var mine = items.Select(i => (Guid)i["id"]!).Where(id => id == late.Task || id == early.Task || id == middle.Task || id == done.Task).ToList();
        Assert.Equal([early.Task, middle.Task, late.Task], mine);

        var first = items.Single(i => (Guid)i["id"]! == early.Task);
        Assert.Equal(early.Instance, (Guid)first["instanceId"]!);
        Assert.Null((string?)first["dossierCode"]);
        Assert.Equal(TaskDefinitions.Code, (string?)first["procedureCode"]);
        Assert.Equal("Thủ tục thử: cấp giấy phép xây dựng", (string?)first["procedureName"]);
        Assert.Equal("receive", (string?)first["stepId"]);
        Assert.Equal("Tiếp nhận hồ sơ", (string?)first["stepName"]);
        Assert.Equal(["approved", "rejected"], first["outcomes"]!.AsArray().Select(o => (string)o!));
        Assert.Empty(first["forwardTo"]!.AsArray());
        Assert.Equal("dueSoon", (string?)first["sla"]);
        Assert.Null(first["claimedBy"]);
        Assert.Null(first["data"]);

        var descending = Items(await GetJson(desk, "/api/tasks?pageSize=200&sort=-due")).Select(i => Due(i)).ToList();
        Assert.Equal(descending.OrderDescending().ToList(), descending);

        var completed = Items(await GetJson(desk, "/api/tasks?state=completed&pageSize=200"));
        var closed = Assert.Single(completed, i => (Guid)i["id"]! == done.Task);
        Assert.Equal("canbo.motcua", (string?)closed["completedBy"]);
        Assert.Equal("approved", (string?)closed["outcome"]);

        var urbanItems = Items(await GetJson(urban, "/api/tasks?pageSize=200"));
        Assert.All(urbanItems, i => Assert.Contains((string)i["department"]!, new[] { "urban-management", "construction" }));
        var review = Assert.Single(urbanItems, i => (Guid)i["instanceId"]! == done.Instance);
        Assert.Equal("review", (string?)review["stepId"]);
        Assert.Equal(["leadership"], review["forwardTo"]!.AsArray().Select(o => (string)o!));
        Assert.DoesNotContain(urbanItems, i => (Guid)i["id"]! == early.Task);

        // Paging: total counts every match, a page holds at most pageSize.
        var paged = await GetJson(desk, "/api/tasks?pageSize=1&page=2");
        Assert.Single(Items(paged));
        Assert.Equal(2, (int)paged["page"]!);
        Assert.True((int)paged["total"]! >= 3);

        var narrowed = Items(await GetJson(urban, "/api/tasks?department=urban-management&claimed=unclaimed&procedure=T.9001&pageSize=200"));
        Assert.Contains(narrowed, i => (Guid)i["instanceId"]! == done.Instance);
        Assert.Empty(Items(await GetJson(urban, "/api/tasks?department=construction&pageSize=200")));
        Assert.Empty(Items(await GetJson(desk, "/api/tasks?procedure=T.0000")));
    }

    [Fact]
    public async Task DueBefore_keeps_tasks_due_before_the_instant()
    {
        var clock = new ManualClock(Monday.AddDays(7));
        await using var app = new WorkflowsApp(database, TaskDefinitions.Path, clock);
        using var desk = app.ClientWithKey(WorkflowsApp.DeskOfficerKey);
        var started = await StartAsync(app);
        var task = await GetJson(desk, $"/api/tasks/{started.Task}");
        var due = Due(task);

        var before = Items(await GetJson(desk, $"/api/tasks?pageSize=200&dueBefore={Uri.EscapeDataString(due.AddSeconds(1).ToString("O"))}"));
        var notBefore = Items(await GetJson(desk, $"/api/tasks?pageSize=200&dueBefore={Uri.EscapeDataString(due.ToString("O"))}"));

        Assert.Contains(before, i => (Guid)i["id"]! == started.Task);
        Assert.DoesNotContain(notBefore, i => (Guid)i["id"]! == started.Task);
        Assert.All(before, i => Assert.True(Due(i) < due.AddSeconds(1)));
    }

    [Theory]
    [InlineData("state=closed", "state")]
    [InlineData("claimed=someone", "claimed")]
    [InlineData("sort=name", "sort")]
    [InlineData("page=0", "page")]
    [InlineData("page=x", "page")]
    [InlineData("pageSize=1000", "pageSize")]
    [InlineData("dueBefore=tomorrow", "dueBefore")]
    public async Task A_bad_query_value_is_400_naming_the_parameter(string query, string parameter)
    {
        await using var app = new WorkflowsApp(database, TaskDefinitions.Path);
        using var desk = app.ClientWithKey(WorkflowsApp.DeskOfficerKey);

        var response = await desk.GetAsync(new Uri("/api/tasks?" + query, UriKind.Relative));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.NotNull(problem["errors"]![parameter]);
    }

    [Fact]
    public async Task An_officer_cannot_see_claim_or_complete_another_departments_task_nor_filter_by_its_department()
    {
        await using var app = new WorkflowsApp(database, TaskDefinitions.Path);
        using var urban = app.ClientWithKey(WorkflowsApp.UrbanOfficerKey);
        using var desk = app.ClientWithKey(WorkflowsApp.DeskOfficerKey);
        var started = await StartAsync(app);

        var get = await urban.GetAsync(new Uri($"/api/tasks/{started.Task}", UriKind.Relative));
        var claim = await urban.PostAsync(new Uri($"/api/tasks/{started.Task}/claim", UriKind.Relative), null);
        var complete = await Complete(urban, started.Task, "approved");
        var forward = await urban.PostAsJsonAsync($"/api/tasks/{started.Task}/forward", new { department = "leadership" });
        var filter = await urban.GetAsync(new Uri("/api/tasks?department=one-stop-desk", UriKind.Relative));
        var unknown = await desk.GetAsync(new Uri($"/api/tasks/{Guid.NewGuid()}", UriKind.Relative));

        foreach (var response in new[] { get, claim, complete, forward, unknown })
        {
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }

        Assert.Equal(HttpStatusCode.Forbidden, filter.StatusCode);
        Assert.Equal("application/problem+json", filter.Content.Headers.ContentType?.MediaType);

        // Untouched: still open and unclaimed for its own department.
        var task = await GetJson(desk, $"/api/tasks/{started.Task}");
        Assert.Equal("open", (string?)task["state"]);
        Assert.Null(task["claimedBy"]);
    }

    [Fact]
    public async Task One_task_comes_with_the_dossier_data()
    {
        await using var app = new WorkflowsApp(database, TaskDefinitions.Path);
        using var desk = app.ClientWithKey(WorkflowsApp.DeskOfficerKey);
        var started = await StartAsync(app, new JsonObject { ["applicant"] = "Nguyễn Văn A", ["area"] = 120 });

        var task = await GetJson(desk, $"/api/tasks/{started.Task}");

        Assert.Equal(started.Task, (Guid)task["id"]!);
        Assert.Equal("Nguyễn Văn A", (string?)task["data"]!["applicant"]);
        Assert.Equal(120, (int)task["data"]!["area"]!);
    }

    [Theory]
    [InlineData(WorkflowsApp.IntakeKey)]
    [InlineData(WorkflowsApp.DesignerKey)]
    public async Task Keys_without_the_officer_role_are_403(string key)
    {
        await using var app = new WorkflowsApp(database, TaskDefinitions.Path);
        using var client = app.ClientWithKey(key);
        var started = await StartAsync(app);

        var list = await client.GetAsync(new Uri("/api/tasks", UriKind.Relative));
        var complete = await Complete(client, started.Task, "approved");

        Assert.Equal(HttpStatusCode.Forbidden, list.StatusCode);
        Assert.Equal("application/problem+json", list.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.Forbidden, complete.StatusCode);
    }

    [Fact]
    public async Task Two_parallel_completions_with_one_key_give_one_200_and_one_409()
    {
        await using var app = new WorkflowsApp(database, TaskDefinitions.Path);
        using var first = app.ClientWithKey(WorkflowsApp.DeskOfficerKey);
        using var second = app.ClientWithKey(WorkflowsApp.DeskOfficerKey);

        for (var round = 0; round < 3; round++)
        {
            var started = await StartAsync(app);

            var responses = await Task.WhenAll(Complete(first, started.Task, "approved"), Complete(second, started.Task, "approved"));

            await AssertOneWinnerAsync(responses, "canbo.motcua");
            await AssertOneNextTaskAsync(app, started.Instance);
        }
    }

    [Fact]
    public async Task Two_parallel_completions_by_two_officers_give_one_200_and_one_409()
    {
        await using var app = new WorkflowsApp(database, TaskDefinitions.Path);
        var (otherName, otherKey) = await CreateDeskOfficerAsync(app);
        using var desk = app.ClientWithKey(WorkflowsApp.DeskOfficerKey);
        using var other = app.ClientWithKey(otherKey);

        for (var round = 0; round < 3; round++)
        {
            var started = await StartAsync(app);

            var responses = await Task.WhenAll(Complete(desk, started.Task, "approved"), Complete(other, started.Task, "rejected"));

            var ok = responses.Single(r => r.StatusCode == HttpStatusCode.OK);
            var winner = ok == responses[0] ? "canbo.motcua" : otherName;
            await AssertOneWinnerAsync(responses, winner);
        }
    }

    [Fact]
    public async Task A_claimed_task_cannot_be_claimed_completed_forwarded_or_released_by_another_officer()
    {
        await using var app = new WorkflowsApp(database, TaskDefinitions.Path);
        var (otherName, otherKey) = await CreateDeskOfficerAsync(app);
        using var desk = app.ClientWithKey(WorkflowsApp.DeskOfficerKey);
        using var other = app.ClientWithKey(otherKey);
        var started = await StartAsync(app);

        var claimed = await Post(desk, $"/api/tasks/{started.Task}/claim");
        Assert.Equal(HttpStatusCode.OK, claimed.StatusCode);
        Assert.Equal("canbo.motcua", (string?)(await claimed.Content.ReadFromJsonAsync<JsonObject>())!["claimedBy"]);
        Assert.Equal(HttpStatusCode.OK, (await Post(desk, $"/api/tasks/{started.Task}/claim")).StatusCode);

        var mine = Items(await GetJson(desk, "/api/tasks?claimed=me&pageSize=200"));
        Assert.Contains(mine, i => (Guid)i["id"]! == started.Task);
        Assert.DoesNotContain(Items(await GetJson(other, "/api/tasks?claimed=unclaimed&pageSize=200")), i => (Guid)i["id"]! == started.Task);

        foreach (var response in new[]
        {
            await Post(other, $"/api/tasks/{started.Task}/claim"),
            await Complete(other, started.Task, "approved"),
            await Post(other, $"/api/tasks/{started.Task}/release"),
        })
        {
            Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
            var problem = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
            Assert.Equal("canbo.motcua", (string?)problem["claimedBy"]);
            Assert.Equal("open", (string?)problem["task"]!["state"]);
        }

        var released = await Post(desk, $"/api/tasks/{started.Task}/release");
        Assert.Equal(HttpStatusCode.OK, released.StatusCode);
        Assert.Null((await released.Content.ReadFromJsonAsync<JsonObject>())!["claimedBy"]);

        var taken = await Post(other, $"/api/tasks/{started.Task}/claim");
        Assert.Equal(HttpStatusCode.OK, taken.StatusCode);
        Assert.Equal(otherName, (string?)(await taken.Content.ReadFromJsonAsync<JsonObject>())!["claimedBy"]);
        Assert.Equal(HttpStatusCode.OK, (await Complete(other, started.Task, "approved")).StatusCode);

        var closed = await Post(desk, $"/api/tasks/{started.Task}/claim");
        Assert.Equal(HttpStatusCode.Conflict, closed.StatusCode);
        Assert.Equal("completed", (string?)(await closed.Content.ReadFromJsonAsync<JsonObject>())!["task"]!["state"]);
    }

    [Fact]
    public async Task An_outcome_the_step_does_not_offer_is_400_naming_outcome()
    {
        await using var app = new WorkflowsApp(database, TaskDefinitions.Path);
        using var desk = app.ClientWithKey(WorkflowsApp.DeskOfficerKey);
        var started = await StartAsync(app);

        var wrong = await Complete(desk, started.Task, "needsSupplement");
        var missing = await desk.PostAsJsonAsync($"/api/tasks/{started.Task}/complete", new { note = "no outcome" });
        var noReturn = await desk.PostAsJsonAsync($"/api/tasks/{started.Task}/return", new { note = "back" });

        foreach (var response in new[] { wrong, missing, noReturn })
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            var problem = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
            Assert.NotNull(problem["errors"]!["outcome"]);
        }

        var task = await GetJson(desk, $"/api/tasks/{started.Task}");
        Assert.Equal("open", (string?)task["state"]);
        Assert.Null(task["claimedBy"]);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("{ \"outcome\": \"approved\", \"data\": [1, 2] }")]
    [InlineData("{ \"outcome\": 5 }")]
    public async Task A_malformed_body_is_400_problem_details(string json)
    {
        await using var app = new WorkflowsApp(database, TaskDefinitions.Path);
        using var desk = app.ClientWithKey(WorkflowsApp.DeskOfficerKey);
        var started = await StartAsync(app);
        using var content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");

        var response = await desk.PostAsync(new Uri($"/api/tasks/{started.Task}/complete", UriKind.Relative), content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("open", (string?)(await GetJson(desk, $"/api/tasks/{started.Task}"))["state"]);
    }

    [Fact]
    public async Task Completing_returns_the_final_state_and_the_next_visible_tasks_and_merges_data()
    {
        await using var app = new WorkflowsApp(database, TaskDefinitions.Path);
        using var desk = app.ClientWithKey(WorkflowsApp.DeskOfficerKey);
        using var urban = app.ClientWithKey(WorkflowsApp.UrbanOfficerKey);
        var started = await StartAsync(app);

        var response = await desk.PostAsJsonAsync($"/api/tasks/{started.Task}/complete", new { outcome = "approved", note = "Đủ hồ sơ", data = new { checkedBy = "desk" } });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal("completed", (string?)body["task"]!["state"]);
        Assert.Equal("approved", (string?)body["task"]!["outcome"]);
        Assert.Equal("canbo.motcua", (string?)body["task"]!["completedBy"]);
        Assert.Equal("Đủ hồ sơ", (string?)body["task"]!["note"]);
        Assert.NotNull(body["task"]!["closedAt"]);
        Assert.Empty(body["next"]!.AsArray());
        var handed = Assert.Single(body["handedOver"]!.AsArray());
        Assert.Equal("urban-management", (string?)handed!["department"]);

        var review = Assert.Single(Items(await GetJson(urban, "/api/tasks?pageSize=200")), i => (Guid)i["instanceId"]! == started.Instance);
        var detail = await GetJson(urban, $"/api/tasks/{review["id"]}");
        Assert.Equal("desk", (string?)detail["data"]!["checkedBy"]);

        var approve = await Complete(urban, (Guid)review["id"]!, "approved");
        var approved = (await approve.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal(HttpStatusCode.OK, approve.StatusCode);
        Assert.Equal("leadership", (string?)Assert.Single(approved["handedOver"]!.AsArray())!["department"]);
    }

    [Fact]
    public async Task Return_to_previous_reopens_the_previous_step_for_its_department()
    {
        await using var app = new WorkflowsApp(database, TaskDefinitions.Path);
        using var desk = app.ClientWithKey(WorkflowsApp.DeskOfficerKey);
        using var urban = app.ClientWithKey(WorkflowsApp.UrbanOfficerKey);
        var started = await StartAsync(app);
        Assert.Equal(HttpStatusCode.OK, (await Complete(desk, started.Task, "approved")).StatusCode);
        var review = Assert.Single(Items(await GetJson(urban, "/api/tasks?pageSize=200")), i => (Guid)i["instanceId"]! == started.Instance);

        var response = await urban.PostAsJsonAsync($"/api/tasks/{review["id"]}/return", new { note = "Thiếu bản vẽ" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal("returnToPrevious", (string?)body["task"]!["outcome"]);
        Assert.Equal("Thiếu bản vẽ", (string?)body["task"]!["note"]);
        Assert.Equal("one-stop-desk", (string?)Assert.Single(body["handedOver"]!.AsArray())!["department"]);
        Assert.DoesNotContain(Items(await GetJson(urban, "/api/tasks?pageSize=200")), i => (Guid)i["instanceId"]! == started.Instance);
        var reopened = Assert.Single(Items(await GetJson(desk, "/api/tasks?pageSize=200")), i => (Guid)i["instanceId"]! == started.Instance);
        Assert.Equal("receive", (string?)reopened["stepId"]);
        Assert.NotEqual(started.Task, (Guid)reopened["id"]!);
    }

    [Fact]
    public async Task Forwarding_moves_the_task_to_the_other_departments_queue_and_journals_it()
    {
        await using var app = new WorkflowsApp(database, TaskDefinitions.Path);
        using var desk = app.ClientWithKey(WorkflowsApp.DeskOfficerKey);
        using var urban = app.ClientWithKey(WorkflowsApp.UrbanOfficerKey);
        using var leader = app.ClientWithKey(WorkflowsApp.LeaderKey);
        var started = await StartAsync(app);
        Assert.Equal(HttpStatusCode.OK, (await Complete(desk, started.Task, "approved")).StatusCode);
        var review = Assert.Single(Items(await GetJson(urban, "/api/tasks?pageSize=200")), i => (Guid)i["instanceId"]! == started.Instance);
        var reviewId = (Guid)review["id"]!;
        var (versionBefore, sequenceBefore) = await InstanceAsync(app, started.Instance);

        var notAllowed = await urban.PostAsJsonAsync($"/api/tasks/{reviewId}/forward", new { department = "one-stop-desk" });
        Assert.Equal(HttpStatusCode.BadRequest, notAllowed.StatusCode);
        Assert.NotNull((await notAllowed.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!["department"]);

        Assert.Equal(HttpStatusCode.OK, (await Post(urban, $"/api/tasks/{reviewId}/claim")).StatusCode);
        var forwarded = await urban.PostAsJsonAsync($"/api/tasks/{reviewId}/forward", new { department = "leadership", note = "Xin ý kiến lãnh đạo" });

        Assert.Equal(HttpStatusCode.OK, forwarded.StatusCode);
        var moved = (await forwarded.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal("leadership", (string?)moved["department"]);
        Assert.Null(moved["claimedBy"]);
        Assert.Equal(HttpStatusCode.NotFound, (await urban.GetAsync(new Uri($"/api/tasks/{reviewId}", UriKind.Relative))).StatusCode);
        Assert.DoesNotContain(Items(await GetJson(urban, "/api/tasks?pageSize=200")), i => (Guid)i["id"]! == reviewId);
        Assert.Contains(Items(await GetJson(leader, "/api/tasks?pageSize=200")), i => (Guid)i["id"]! == reviewId);

        var (versionAfter, sequenceAfter) = await InstanceAsync(app, started.Instance);
        Assert.Equal(versionBefore + 1, versionAfter);
        Assert.Equal(sequenceBefore + 1, sequenceAfter);
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<WorkflowsDbContext>();
            var entry = await db.Journal.AsNoTracking().SingleAsync(j => j.InstanceId == started.Instance && j.Sequence == sequenceAfter);
            Assert.Equal("taskForwarded", entry.Kind);
            Assert.Equal("review", entry.NodeId);
            Assert.Equal("canbo.xaydung", entry.Actor);
            Assert.Equal("Xin ý kiến lãnh đạo", entry.Note);
            Assert.Equal("urban-management → leadership", entry.Detail);
        }

        // The engine carries on after the Host's write: the leader completes the forwarded step.
        var completed = await Complete(leader, reviewId, "approved");
        Assert.Equal(HttpStatusCode.OK, completed.StatusCode);
        var body = (await completed.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal("lanh.dao", (string?)body["task"]!["completedBy"]);
        var next = Assert.Single(body["next"]!.AsArray());
        Assert.Equal("sign", (string?)next!["stepId"]);
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<WorkflowsDbContext>();
            var sequences = await db.Journal.AsNoTracking().Where(j => j.InstanceId == started.Instance).Select(j => j.Sequence).ToListAsync();
            Assert.Equal(Enumerable.Range(1, sequences.Count).Select(i => (long)i), sequences.Order());
        }

        var again = await leader.PostAsJsonAsync($"/api/tasks/{reviewId}/forward", new { department = "leadership" });
        Assert.Equal(HttpStatusCode.BadRequest, again.StatusCode);
    }

    [Fact]
    public async Task Forwarding_and_completing_at_once_let_exactly_one_win()
    {
        await using var app = new WorkflowsApp(database, TaskDefinitions.Path);
        using var desk = app.ClientWithKey(WorkflowsApp.DeskOfficerKey);
        using var urban = app.ClientWithKey(WorkflowsApp.UrbanOfficerKey);
        using var urbanAgain = app.ClientWithKey(WorkflowsApp.UrbanOfficerKey);

        for (var round = 0; round < 3; round++)
        {
            var started = await StartAsync(app);
            Assert.Equal(HttpStatusCode.OK, (await Complete(desk, started.Task, "approved")).StatusCode);
            var reviewId = (Guid)Assert.Single(Items(await GetJson(urban, "/api/tasks?pageSize=200")), i => (Guid)i["instanceId"]! == started.Instance)["id"]!;

            var responses = await Task.WhenAll(
                urban.PostAsJsonAsync($"/api/tasks/{reviewId}/forward", new { department = "leadership" }),
                Complete(urbanAgain, reviewId, "rejected"));

            var (forward, complete) = (responses[0].StatusCode, responses[1].StatusCode);
            Assert.True(
                (forward == HttpStatusCode.OK) != (complete == HttpStatusCode.OK),
                $"Exactly one of forward ({forward}) and complete ({complete}) succeeds.");
            foreach (var failed in responses.Where(r => r.StatusCode != HttpStatusCode.OK)) { Assert.True(failed.StatusCode is HttpStatusCode.Conflict or HttpStatusCode.NotFound, $"{failed.StatusCode}: {await failed.Content.ReadAsStringAsync()}"); }
            await using var scope = app.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<WorkflowsDbContext>();
            var task = await db.Tasks.AsNoTracking().SingleAsync(t => t.Id == reviewId);
            var forwards = await db.Journal.AsNoTracking().CountAsync(j => j.InstanceId == started.Instance && j.Kind == "taskForwarded");
            if (forward == HttpStatusCode.OK)
            {
                Assert.Equal(("open", "leadership", 1), (task.State, task.Department, forwards));
            }
            else
            {
                Assert.Equal(("completed", "urban-management", 0), (task.State, task.Department, forwards));
            }
        }
    }

    [Fact]
    public async Task The_openapi_document_lists_the_task_endpoints()
    {
        await using var app = new WorkflowsApp(database, TaskDefinitions.Path);
        using var client = app.CreateClient();

        var document = await client.GetStringAsync(new Uri("/openapi/v1.json", UriKind.Relative));

        foreach (var path in new[] { "/api/tasks", "/api/tasks/{id}", "/api/tasks/{id}/claim", "/api/tasks/{id}/release", "/api/tasks/{id}/complete", "/api/tasks/{id}/return", "/api/tasks/{id}/forward" })
        {
            Assert.Contains($"\"{path}\"", document, StringComparison.Ordinal);
        }
    }

    private static async Task AssertOneWinnerAsync(HttpResponseMessage[] responses, string winner)
    {
        Assert.Equal(
            [HttpStatusCode.OK, HttpStatusCode.Conflict],
            responses.Select(r => r.StatusCode).Order().ToArray());
        var conflict = responses.Single(r => r.StatusCode == HttpStatusCode.Conflict);
        Assert.Equal("application/problem+json", conflict.Content.Headers.ContentType?.MediaType);
        var problem = (await conflict.Content.ReadFromJsonAsync<JsonObject>())!;
        var task = problem["task"]!;
        // The loser either saw the task closed or lost to the winner's claim while the completion was under way.
        var state = (string?)task["state"];
        if (state == "completed")
        {
            Assert.Equal(winner, (string?)task["completedBy"]);
            Assert.NotNull(task["outcome"]);
            Assert.NotNull(task["closedAt"]);
        }
        else
        {
            Assert.Equal("open", state);
            Assert.Equal(winner, (string?)task["claimedBy"]);
        }

        var ok = (await responses.Single(r => r.StatusCode == HttpStatusCode.OK).Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal("completed", (string?)ok["task"]!["state"]);
        Assert.Equal(winner, (string?)ok["task"]!["completedBy"]);
    }

    private static async Task AssertOneNextTaskAsync(WorkflowsApp app, Guid instance)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<WorkflowsDbContext>();
        var tasks = await db.Tasks.AsNoTracking().Where(t => t.InstanceId == instance).ToListAsync();
        Assert.Single(tasks, t => t.NodeId == "receive" && t.State == "completed");
        Assert.Single(tasks, t => t.NodeId == "review" && t.State == "open");
    }

    private static async Task<(Guid Instance, Guid Task)> StartAsync(WorkflowsApp app, JsonObject? data = null)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var runner = scope.ServiceProvider.GetRequiredService<WorkflowRunner>();
        var result = await runner.StartAsync(TaskDefinitions.Code, 1, data ?? new JsonObject { ["applicant"] = "Trần Thị B" });
        var changeset = result.Changeset!;
        return (changeset.Instance.Id, Assert.Single(changeset.TasksOpened).TaskId);
    }

    private static async Task<(int Version, long JournalSequence)> InstanceAsync(WorkflowsApp app, Guid instance)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<WorkflowsDbContext>();
        var row = await db.Instances.AsNoTracking().SingleAsync(i => i.Id == instance);
        return (row.Version, row.JournalSequence);
    }

    private static async Task<(string Name, string Key)> CreateDeskOfficerAsync(WorkflowsApp app)
    {
        using var admin = app.ClientWithKey(WorkflowsApp.AdministratorKey);
        var name = $"canbo.motcua.{Guid.NewGuid():N}"[..24];
        var response = await admin.PostAsJsonAsync("/api/principals", new { name, roles = new[] { "officer" }, departments = new[] { "one-stop-desk" } });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        return (name, (string)body["apiKey"]!);
    }

    private static Task<HttpResponseMessage> Complete(HttpClient client, Guid task, string outcome) =>
        client.PostAsJsonAsync($"/api/tasks/{task}/complete", new { outcome });

    private static Task<HttpResponseMessage> Post(HttpClient client, string path) =>
        client.PostAsync(new Uri(path, UriKind.Relative), null);

    private static async Task<JsonObject> GetJson(HttpClient client, string path)
    {
        var response = await client.GetAsync(new Uri(path, UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }

    private static List<JsonObject> Items(JsonObject page) => [.. page["items"]!.AsArray().Select(i => i!.AsObject())];

    private static DateTimeOffset Due(JsonNode item) => (DateTimeOffset)item["dueAt"]!;
}

public sealed class SqliteTasksApiTests(SqliteDatabase database) : TasksApiTests(database), IClassFixture<SqliteDatabase>;

public sealed class PostgresTasksApiTests(PostgresDatabase database) : TasksApiTests(database), IClassFixture<PostgresDatabase>;
