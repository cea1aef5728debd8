using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Workflows.Engine.Runtime;
using Workflows.Host.Persistence;
using Workflows.Host.Runtime;
using Workflows.Host.Tests.Support;

namespace Workflows.Host.Tests.Runtime;

/// <summary>
/// The Host as a real process on PostgreSQL, killed (SIGKILL) while it fires timers and delivers the outbox,
/// then started again: every due timer fires exactly once and every outbox message is delivered.
/// </summary>
[Trait("Category", "Crash")]
public sealed class PostgresCrashTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>, IDisposable
{
    // How long a Host process may take to answer /health, and the restarted one to drain: generous, because a Debug
    // Host on two busy cores can take over 30 s to start; a passing run waits only as long as it needs.
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(150);

    private const int Dossiers = 300;

    private readonly string workingDirectory = Path.Combine(Path.GetTempPath(), "workflows-crash", Guid.NewGuid().ToString("N"));

    private string Notifications => Path.Combine(workingDirectory, "notifications");

    [Fact]
    public async Task A_host_killed_mid_load_fires_each_due_timer_once_and_delivers_every_message_after_restart()
    {
        Directory.CreateDirectory(workingDirectory);

        // Dossiers started ten days ago: their two-hour timers are all due now.
        var ids = new List<Guid>();
        await using var app = new WorkflowsApp(database, RuntimeTests.RuntimeDefinitions, new ManualClock(DateTimeOffset.UtcNow.AddDays(-10)));
        using (var scope = app.Services.CreateScope())
        {
            var runner = scope.ServiceProvider.GetRequiredService<WorkflowRunner>();
            for (var i = 0; i < Dossiers; i++)
            {
                ids.Add((await runner.StartAsync("R.0001", 1, new JsonObject { ["n"] = i })).Changeset!.Instance.Id);
            }
        }

        var port = HostProcess.FreePort();
        var environment = new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["Database__Provider"] = "Postgres",
            ["ConnectionStrings__Postgres"] = database.ConnectionString,
            ["Definitions__Path"] = RuntimeTests.RuntimeDefinitions,
            ["Notifications__Folder"] = Notifications,
            // Small batches, two sweeps at once: a sweep's timers fire in one transaction, so the kill must land
            // while many of the 300 are still pending (batched firing drains them within a second or two).
            ["Runtime__TimerBatchSize"] = "2",
            ["Runtime__TimerSweeps"] = "2",
            ["Runtime__TimerPollInterval"] = "00:00:00.100",
            ["Runtime__OutboxBatchSize"] = "10",
            ["Runtime__OutboxPollInterval"] = "00:00:00.100",
            // A message claimed by the killed process is delivered again after this.
            ["Runtime__OutboxLease"] = "00:00:02",
            ["Logging__LogLevel__Default"] = "Warning",
        };

        int firedAtKill;
        var acknowledged = new ConcurrentBag<string>();
        using (var first = await HostProcess.StartAsync(port, workingDirectory, environment, StartTimeout))
        {
            // Dossiers handed over through the intake API while the timers fire; the kill lands mid-request.
            using var stop = new CancellationTokenSource();
            var intake = Task.Run(() => IntakeLoopAsync(first.BaseAddress, acknowledged, stop.Token));
            var deadline = DateTime.UtcNow.AddSeconds(20);
            do
            {
                await Task.Delay(10);
                firedAtKill = await CountAsync(app, db => db.Journal.CountAsync(j => j.Kind == "timerFired"));
            }
            // Killed as soon as timers fire and intake answers: waiting for more acknowledged dossiers let the timers
            // all fire first.
            while ((firedAtKill < 5 || acknowledged.Count < 3) && DateTime.UtcNow < deadline);

            first.Kill();
            await stop.CancelAsync();
            await intake;
            Assert.True(firedAtKill >= 5 && !acknowledged.IsEmpty, $"The Host fired {firedAtKill} timers and acknowledged {acknowledged.Count} dossiers:\n{first.Tail}");
        }

        firedAtKill = await CountAsync(app, db => db.Journal.CountAsync(j => j.Kind == "timerFired"));
        Assert.True(firedAtKill < Dossiers, "The Host was killed after it fired every timer; the test proves nothing.");

        using (var second = await HostProcess.StartAsync(port, workingDirectory, environment, StartTimeout))
        {
            using var admin = new HttpClient { BaseAddress = second.BaseAddress };
            admin.DefaultRequestHeaders.Add("X-Api-Key", WorkflowsApp.AdministratorKey);
            var deadline = DateTime.UtcNow.Add(StartTimeout);
            JsonObject status;
            do
            {
                await Task.Delay(200);
                status = (await admin.GetFromJsonAsync<JsonObject>(new Uri("api/runtime/status", UriKind.Relative)))!;
            }
            while (((int)status["pendingTimers"]! > 0 || (int)status["pendingOutbox"]! > 0) && DateTime.UtcNow < deadline);

            Assert.True((int)status["pendingTimers"]! == 0 && (int)status["pendingOutbox"]! == 0, $"Not drained: {status}\n{second.Tail}");
            Assert.Equal(0, (int)status["deadOutbox"]!);
        }

        // Every acknowledged dossier exists exactly once; no dossier is half written.
        var dossiers = await CountAsync(app, db => db.Dossiers.AsNoTracking().Select(d => new { d.Id, d.ExternalCode }).ToListAsync());
        Assert.All(acknowledged, code => Assert.Single(dossiers, d => d.ExternalCode == code));
        var dossierIds = dossiers.Select(d => d.Id).ToList();
        var received = await CountAsync(app, db => db.Instances.Where(i => i.DefinitionCode == "R.0002").Select(i => i.Id).ToListAsync());
        Assert.Equal(dossierIds.Order(), received.Order());
        var withTasks = await CountAsync(app, db => db.Tasks.Where(t => dossierIds.Contains(t.InstanceId)).Select(t => t.InstanceId).Distinct().CountAsync());
        var withJournal = await CountAsync(app, db => db.Journal.Where(j => dossierIds.Contains(j.InstanceId) && j.Kind == "instanceStarted").Select(j => j.InstanceId).Distinct().CountAsync());
        Assert.Equal((dossiers.Count, dossiers.Count), (withTasks, withJournal));

        // Every timer fired exactly once, every timer dossier ended, and its history is whole.
        var journal = await CountAsync(app, db => db.Journal.GroupBy(j => new { j.InstanceId, j.Kind }).Select(g => new { g.Key.InstanceId, g.Key.Kind, Count = g.Count() }).ToListAsync());
        foreach (var kind in new[] { "instanceStarted", "timerSet", "timerFired", "notified", "ended" })
        {
            var counts = journal.Where(j => j.Kind == kind).ToDictionary(j => j.InstanceId, j => j.Count);
            Assert.All(ids, id => Assert.Equal(1, counts.GetValueOrDefault(id)));
        }

        Assert.Equal(Dossiers, await CountAsync(app, db => db.Instances.CountAsync(i => i.DefinitionCode == "R.0001" && i.Status == "completed")));
        Assert.Equal(0, await CountAsync(app, db => db.Bookmarks.CountAsync(b => b.Kind == "timer")));

        // Every message delivered at least once (two per timer dossier, status changes of the received ones),
        // and one notification file per notify message.
        var outbox = await CountAsync(app, db => db.Outbox.AsNoTracking().ToListAsync());
        Assert.Equal(2 * Dossiers, outbox.Count(o => o.Kind != "statusChanged"));
        Assert.All(dossierIds, id => Assert.Contains(outbox, o => o.InstanceId == id && o.Kind == "statusChanged"));
        Assert.All(outbox, o => Assert.True(o.DeliveredAt is not null && !o.Dead, $"{o.Kind} {o.Id} not delivered: {o.LastError}"));
        var files = Directory.GetFiles(Notifications, "*.txt").Select(Path.GetFileNameWithoutExtension).ToHashSet();
        Assert.All(outbox.Where(o => o.Kind == OutboxKinds.Notify), o => Assert.Contains(o.Id.ToString(), files));
    }

    private static async Task IntakeLoopAsync(Uri host, ConcurrentBag<string> acknowledged, CancellationToken cancellationToken)
    {
        using var client = new HttpClient { BaseAddress = host, Timeout = TimeSpan.FromSeconds(10) };
        client.DefaultRequestHeaders.Add("X-Api-Key", WorkflowsApp.IntakeKey);
        while (!cancellationToken.IsCancellationRequested)
        {
            var externalCode = $"CRASH-{Guid.NewGuid():N}";
            var body = new JsonObject
            {
                ["procedureCode"] = "R.0002",
                ["externalCode"] = externalCode,
                ["applicant"] = new JsonObject { ["name"] = "Trần Văn Bình", ["phone"] = "0987654321" },
                ["channel"] = "inPerson",
                ["receptionPoint"] = "ttpvhcc-tinh",
                ["receivedAt"] = DateTimeOffset.UtcNow.AddMinutes(-1).ToOffset(TimeSpan.FromHours(7)).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture),
                ["formData"] = new JsonObject { ["note"] = "crash test" },
                ["documents"] = new JsonArray(new JsonObject { ["name"] = "Đơn đề nghị", ["originals"] = 1 }),
            };
            try
            {
                using var response = await client.PostAsJsonAsync(new Uri("api/intake/dossiers", UriKind.Relative), body, CancellationToken.None);
                if (response.StatusCode == HttpStatusCode.Created)
                {
                    acknowledged.Add(externalCode);
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // The Host was killed under the request: not acknowledged.
                return;
            }
        }
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(workingDirectory, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
            // Never created.
        }
    }

    private static async Task<T> CountAsync<T>(WorkflowsApp app, Func<WorkflowsDbContext, Task<T>> query)
    {
        using var scope = app.Services.CreateScope();
        return await query(scope.ServiceProvider.GetRequiredService<WorkflowsDbContext>());
    }
}
