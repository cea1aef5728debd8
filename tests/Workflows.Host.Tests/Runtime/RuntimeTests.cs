using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Workflows.Engine.Runtime;
using Workflows.Host.Outbox;
using Workflows.Host.Persistence;
using Workflows.Host.Runtime;
using Workflows.Host.Tests.Support;

namespace Workflows.Host.Tests.Runtime;

/// <summary>The timer runner, the outbox dispatcher and its handlers, and /api/runtime; each on SQLite and PostgreSQL.</summary>
public abstract class RuntimeTests(DatabaseFixture database) : IDisposable
{
    // Monday 2 March 2026, 09:00 in Vietnam. R.0001 waits two working hours, then notifies and ends.
    private static readonly DateTimeOffset Monday = new(2026, 3, 2, 9, 0, 0, TimeSpan.FromHours(7));

    private readonly string notifications = Path.Combine(Path.GetTempPath(), "workflows-notifications", Guid.NewGuid().ToString("N"));

    internal static string RuntimeDefinitions => Path.Combine(WorkflowsApp.SampleDefinitions, "runtime");

    [Fact]
    public async Task A_due_timer_fires_through_the_runner_and_one_not_yet_due_does_not()
    {
        var clock = new ManualClock(Monday);
        await using var app = new WorkflowsApp(database, RuntimeDefinitions, clock);
        await using var host = Configure(app);
        var early = await StartAsync(host, new JsonObject { ["note"] = "sớm" });
        clock.Now = Monday.AddHours(1);
        var late = await StartAsync(host, new JsonObject { ["note"] = "muộn" });
        var timers = host.Services.GetRequiredService<TimerRunner>();

        // 10:00: neither is due (11:00, and 14:00 after the lunch break).
        Assert.Equal(0, (await timers.RunOnceAsync(clock.Now)).Fired);

        clock.Now = Monday.AddHours(2.5);
        var sweep = await timers.RunOnceAsync(clock.Now);
        Assert.Equal(1, sweep.Fired);
        Assert.Equal(1, await CountJournalAsync(host, early, "timerFired"));
        Assert.Equal(0, await CountJournalAsync(host, late, "timerFired"));
        Assert.Equal("completed", await StatusAsync(host, early));
        Assert.Equal("running", await StatusAsync(host, late));

        // Swept again at the same time: nothing more is due.
        Assert.Equal(0, (await timers.RunOnceAsync(clock.Now)).Fired);

        clock.Now = Monday.AddHours(4);
        Assert.Equal(0, (await timers.RunOnceAsync(clock.Now)).Fired);
        clock.Now = Monday.AddHours(5);
        Assert.Equal(1, (await timers.RunOnceAsync(clock.Now)).Fired);
        Assert.Equal(1, await CountJournalAsync(host, late, "timerFired"));
        Assert.Equal(1, await CountJournalAsync(host, early, "timerFired"));
        Assert.Equal("completed", await StatusAsync(host, late));
    }

    [Fact]
    public async Task A_notify_message_is_rendered_from_its_template_with_the_dossier_and_written_by_the_file_sender()
    {
        var clock = new ManualClock(Monday);
        await using var app = new WorkflowsApp(database, RuntimeDefinitions, clock);
        await using var host = Configure(app);
        var id = await StartAsync(host, new JsonObject { ["note"] = "giấy tờ đủ & đúng" });
        await AddDossierAsync(host, id, "H01-260302-0007");

        clock.Now = Monday.AddHours(3);
        Assert.Equal(1, (await host.Services.GetRequiredService<TimerRunner>().RunOnceAsync(clock.Now)).Fired);
        var notify = await SingleOutboxAsync(host, id, OutboxKinds.Notify);
        Assert.Null(notify.DeliveredAt);

        await host.Services.GetRequiredService<OutboxDispatcher>().RunOnceAsync(clock.Now);

        var file = Path.Combine(notifications, $"{notify.Id}.txt");
        Assert.True(File.Exists(file), $"{file} was not written.");
        var text = await File.ReadAllTextAsync(file);
        Assert.Contains("Channel: sms", text, StringComparison.Ordinal);
        Assert.Contains("To: applicant <0912345678>", text, StringComparison.Ordinal);
        Assert.Contains(
            "Hồ sơ H01-260302-0007 (Thủ tục thử: chờ hẹn giờ rồi nhắn tin) của Nguyễn Thị Bích: đã hết thời gian chờ. Ghi chú: giấy tờ đủ & đúng. Hẹn trả 03/03/2026.",
            text, StringComparison.Ordinal);

        var delivered = await SingleOutboxAsync(host, id, OutboxKinds.Notify);
        Assert.Equal((clock.Now, 1, false), (delivered.DeliveredAt!.Value, delivered.Attempts, delivered.Dead));
        Assert.NotNull((await SingleOutboxAsync(host, id, OutboxKinds.InstanceEnded)).DeliveredAt);
    }

    [Fact]
    public async Task A_status_change_is_posted_to_the_intake_systems_webhook_with_its_message_id()
    {
        using var receiver = new WebhookReceiver();
        var clock = new ManualClock(Monday);
        await using var app = new WorkflowsApp(database, RuntimeDefinitions, clock);
        await using var host = Configure(app);
        await SetWebhookAsync(host, receiver.Url);
        var message = await AddStatusChangedAsync(host, clock.Now, "EXT-0001");

        var pass = await host.Services.GetRequiredService<OutboxDispatcher>().RunOnceAsync(clock.Now);

        Assert.True(pass.Delivered >= 1);
        var request = Assert.Single(receiver.Requests);
        Assert.Equal(("POST", message.Id.ToString(), "statusChanged"), (request.Method, request.MessageId, request.Event));
        Assert.StartsWith("application/json", request.ContentType, StringComparison.Ordinal);
        var body = JsonNode.Parse(request.Body)!;
        Assert.Equal(("EXT-0001", 4), ((string?)body["externalCode"], (int)body["status"]!));
        Assert.NotNull((await FindOutboxAsync(host, message.Id)).DeliveredAt);
    }

    [Fact]
    public async Task A_failing_webhook_is_retried_with_backoff_then_dead_listed_and_retried_by_an_administrator()
    {
        using var receiver = new WebhookReceiver { Status = HttpStatusCode.InternalServerError };
        var clock = new ManualClock(Monday);
        await using var app = new WorkflowsApp(database, RuntimeDefinitions, clock);
        await using var host = Configure(app, ("Runtime:MaxAttempts", "3"), ("Runtime:RetryBaseDelay", "00:00:10"));
        await SetWebhookAsync(host, receiver.Url);
        var message = await AddStatusChangedAsync(host, clock.Now, "EXT-0002");
        var dispatcher = host.Services.GetRequiredService<OutboxDispatcher>();

        await dispatcher.RunOnceAsync(clock.Now);
        var row = await FindOutboxAsync(host, message.Id);
        Assert.Equal((1, false, Monday.AddSeconds(10)), (row.Attempts, row.Dead, row.NextAttemptAt!.Value));
        Assert.Contains("500", row.LastError, StringComparison.Ordinal);

        // Not due before its next attempt.
        clock.Now = Monday.AddSeconds(9);
        await dispatcher.RunOnceAsync(clock.Now);
        Assert.Single(receiver.Requests);

        // Second failure: the delay doubles.
        clock.Now = Monday.AddSeconds(10);
        await dispatcher.RunOnceAsync(clock.Now);
        row = await FindOutboxAsync(host, message.Id);
        Assert.Equal((2, clock.Now.AddSeconds(20)), (row.Attempts, row.NextAttemptAt!.Value));

        // Third failure = MaxAttempts: dead.
        clock.Now = Monday.AddSeconds(30);
        await dispatcher.RunOnceAsync(clock.Now);
        row = await FindOutboxAsync(host, message.Id);
        Assert.Equal((3, true, (DateTimeOffset?)null), (row.Attempts, row.Dead, row.DeliveredAt));
        Assert.Equal(3, receiver.Requests.Count);
        clock.Now = Monday.AddHours(1);
        await dispatcher.RunOnceAsync(clock.Now);
        Assert.Equal(3, receiver.Requests.Count);

        using var officer = host.ClientWithKey(WorkflowsApp.DeskOfficerKey);
        Assert.Equal(HttpStatusCode.Forbidden, (await officer.GetAsync(new Uri("/api/runtime/outbox/dead", UriKind.Relative))).StatusCode);

        using var admin = host.ClientWithKey(WorkflowsApp.AdministratorKey);
        var dead = await admin.GetFromJsonAsync<JsonArray>(new Uri("/api/runtime/outbox/dead", UriKind.Relative));
        var listed = Assert.Single(dead!, d => (string?)d!["id"] == message.Id.ToString())!;
        Assert.Equal(("statusChanged", 3), ((string?)listed["kind"], (int)listed["attempts"]!));
        Assert.Contains("500", (string?)listed["lastError"], StringComparison.Ordinal);
        Assert.Equal("EXT-0002", (string?)listed["payload"]!["externalCode"]);
        var status = await admin.GetFromJsonAsync<JsonObject>(new Uri("/api/runtime/status", UriKind.Relative));
        Assert.True((int)status!["deadOutbox"]! >= 1);

        receiver.Status = HttpStatusCode.NoContent;
        var retry = await admin.PostAsync(new Uri($"/api/runtime/outbox/{message.Id}/retry", UriKind.Relative), null);
        Assert.Equal(HttpStatusCode.NoContent, retry.StatusCode);
        row = await FindOutboxAsync(host, message.Id);
        Assert.Equal((0, false), (row.Attempts, row.Dead));

        await dispatcher.RunOnceAsync(clock.Now);
        row = await FindOutboxAsync(host, message.Id);
        Assert.Equal((1, clock.Now), (row.Attempts, row.DeliveredAt!.Value));
        Assert.Equal(4, receiver.Requests.Count);
        Assert.All(receiver.Requests, r => Assert.Equal(message.Id.ToString(), r.MessageId));

        Assert.Equal(HttpStatusCode.Conflict, (await admin.PostAsync(new Uri($"/api/runtime/outbox/{message.Id}/retry", UriKind.Relative), null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.PostAsync(new Uri($"/api/runtime/outbox/{Guid.NewGuid()}/retry", UriKind.Relative), null)).StatusCode);
    }

    [Fact]
    public async Task The_status_endpoint_counts_pending_timers_and_outbox_messages()
    {
        var clock = new ManualClock(Monday);
        await using var app = new WorkflowsApp(database, RuntimeDefinitions, clock);
        await using var host = Configure(app);
        using var admin = host.ClientWithKey(WorkflowsApp.AdministratorKey);
        var before = (await admin.GetFromJsonAsync<RuntimeStatus>(new Uri("/api/runtime/status", UriKind.Relative)))!;

        var id = await StartAsync(host, []);
        var after = (await admin.GetFromJsonAsync<RuntimeStatus>(new Uri("/api/runtime/status", UriKind.Relative)))!;
        Assert.Equal(before.PendingTimers + 1, after.PendingTimers);

        clock.Now = Monday.AddHours(3);
        await host.Services.GetRequiredService<TimerRunner>().RunOnceAsync(clock.Now);
        var fired = (await admin.GetFromJsonAsync<RuntimeStatus>(new Uri("/api/runtime/status", UriKind.Relative)))!;
        Assert.Equal(before.PendingTimers, fired.PendingTimers);
        Assert.Equal(before.PendingOutbox + 2, fired.PendingOutbox);

        await host.Services.GetRequiredService<OutboxDispatcher>().RunOnceAsync(clock.Now);
        var delivered = (await admin.GetFromJsonAsync<RuntimeStatus>(new Uri("/api/runtime/status", UriKind.Relative)))!;
        // Messages of other tests in this database may be pending too, with later attempt times.
        Assert.True(delivered.PendingOutbox <= before.PendingOutbox);
        using var scope = host.Services.CreateScope();
        var rows = await scope.ServiceProvider.GetRequiredService<WorkflowsDbContext>().Outbox.Where(o => o.InstanceId == id).ToListAsync();
        Assert.Equal(2, rows.Count);
        Assert.All(rows, r => Assert.NotNull(r.DeliveredAt));
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(notifications, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
            // Nothing was written.
        }

        GC.SuppressFinalize(this);
    }

    private sealed record RuntimeStatus(int PendingTimers, int DueTimers, int PendingOutbox, int DeadOutbox);

    private WebApplicationFactory<Program> Configure(WorkflowsApp app, params (string Key, string Value)[] settings) =>
        app.WithWebHostBuilder(builder =>
        {
            builder.UseSetting("Notifications:Folder", notifications);
            foreach (var (key, value) in settings)
            {
                builder.UseSetting(key, value);
            }
        });

    private static async Task<Guid> StartAsync(WebApplicationFactory<Program> host, JsonObject data)
    {
        using var scope = host.Services.CreateScope();
        var result = await scope.ServiceProvider.GetRequiredService<WorkflowRunner>().StartAsync("R.0001", 1, data, "reception");
        return result.Changeset!.Instance.Id;
    }

    private static async Task<int> CountJournalAsync(WebApplicationFactory<Program> host, Guid id, string kind)
    {
        using var scope = host.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<WorkflowsDbContext>().Journal.CountAsync(j => j.InstanceId == id && j.Kind == kind);
    }

    private static async Task<string> StatusAsync(WebApplicationFactory<Program> host, Guid id)
    {
        using var scope = host.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<WorkflowsDbContext>().Instances.Where(i => i.Id == id).Select(i => i.Status).SingleAsync();
    }

    private static async Task<OutboxRow> SingleOutboxAsync(WebApplicationFactory<Program> host, Guid instanceId, string kind)
    {
        using var scope = host.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<WorkflowsDbContext>().Outbox.AsNoTracking().SingleAsync(o => o.InstanceId == instanceId && o.Kind == kind);
    }

    private static async Task<OutboxRow> FindOutboxAsync(WebApplicationFactory<Program> host, Guid id)
    {
        using var scope = host.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<WorkflowsDbContext>().Outbox.AsNoTracking().SingleAsync(o => o.Id == id);
    }

    private static async Task SetWebhookAsync(WebApplicationFactory<Program> host, string url)
    {
        using var scope = host.Services.CreateScope();
        await scope.ServiceProvider.GetRequiredService<WorkflowsDbContext>().Principals
            .Where(p => p.Name == "motcua-tinh")
            .ExecuteUpdateAsync(s => s.SetProperty(p => p.WebhookUrl, url));
    }

    /// <summary>A statusChanged row as the dossier status projection writes it.</summary>
    private static async Task<OutboxRow> AddStatusChangedAsync(WebApplicationFactory<Program> host, DateTimeOffset now, string externalCode)
    {
        using var scope = host.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<WorkflowsDbContext>();
        var row = new OutboxRow
        {
            Id = Guid.CreateVersion7(),
            InstanceId = Guid.CreateVersion7(),
            Kind = HostOutboxKinds.StatusChanged,
            Payload = new JsonObject
            {
                ["dossierCode"] = "H01-260302-0001",
                ["externalCode"] = externalCode,
                ["intakeClient"] = "motcua-tinh",
                ["status"] = 4,
                ["statusName"] = "Đang giải quyết",
                ["result"] = null,
                ["dueAt"] = now.AddDays(5).ToString("O"),
                ["originalDueAt"] = now.AddDays(5).ToString("O"),
                ["changedAt"] = now.ToString("O"),
            }.ToJsonString(),
            CreatedAt = now,
            NextAttemptAt = now,
        };
        db.Outbox.Add(row);
        await db.SaveChangesAsync();
        return row;
    }

    private static async Task AddDossierAsync(WebApplicationFactory<Program> host, Guid id, string code)
    {
        using var scope = host.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<WorkflowsDbContext>();
        db.Dossiers.Add(new DossierRow
        {
            Id = id,
            Code = code,
            IntakeClient = "motcua-tinh",
            ExternalCode = code,
            PayloadHash = new string('0', 64),
            ProcedureCode = "R.0001",
            ProcedureVersion = 1,
            ProcedureName = "Thủ tục thử: chờ hẹn giờ rồi nhắn tin",
            ApplicantName = "Nguyễn Thị Bích",
            ApplicantPhone = "0912345678",
            Channel = "inPerson",
            ReceptionPoint = "Bộ phận Một cửa",
            ReceivedAt = Monday,
            CountingFrom = Monday,
            OriginalDueAt = Monday.AddDays(1),
            DueAt = Monday.AddDays(1),
            Status = 2,
            Documents = "[]",
            CreatedAt = Monday,
            UpdatedAt = Monday,
        });
        await db.SaveChangesAsync();
    }
}

public sealed class SqliteRuntimeTests(SqliteDatabase database) : RuntimeTests(database), IClassFixture<SqliteDatabase>;

public sealed class PostgresRuntimeTests(PostgresDatabase database) : RuntimeTests(database), IClassFixture<PostgresDatabase>;
