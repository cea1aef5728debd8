using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Workflows.Host.Persistence;
using Workflows.Host.Runtime;
using Workflows.Host.Tests.Support;

namespace Workflows.Host.Tests.Runtime;

/// <summary>Two Host processes on one PostgreSQL database sweep the same due timers: each fires exactly once.</summary>
public sealed class PostgresTimerConcurrencyTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>
{
    private static readonly DateTimeOffset Monday = new(2026, 3, 2, 9, 0, 0, TimeSpan.FromHours(7));

    [Fact]
    public async Task Two_hosts_sweeping_concurrently_fire_each_due_timer_exactly_once()
    {
        const int Dossiers = 50;
        var clock = new ManualClock(Monday);
        await using var first = new WorkflowsApp(database, RuntimeTests.RuntimeDefinitions, clock);
        await using var second = new WorkflowsApp(database, RuntimeTests.RuntimeDefinitions, clock);
        var hosts = new[] { first, second }
            .Select(app => app.WithWebHostBuilder(b => b
                .UseSetting("Runtime:TimerBatchSize", "4")
                .UseSetting("Notifications:Folder", Path.Combine(Path.GetTempPath(), "workflows-notifications", "concurrency"))))
            .ToList();

        var ids = new List<Guid>();
        using (var scope = hosts[0].Services.CreateScope())
        {
            var runner = scope.ServiceProvider.GetRequiredService<WorkflowRunner>();
            for (var i = 0; i < Dossiers; i++)
            {
                ids.Add((await runner.StartAsync("R.0001", 1, new JsonObject { ["n"] = i })).Changeset!.Instance.Id);
            }
        }

        clock.Now = Monday.AddHours(3);
        var now = clock.Now;
        // Two sweepers in each host, all at once, many times over.
        var sweepers = hosts
            .SelectMany(host => Enumerable.Range(0, 2).Select(_ => host.Services.GetRequiredService<TimerRunner>()))
            .Select(timers => Task.Run(async () =>
            {
                var fired = 0;
                for (var i = 0; i < 30; i++)
                {
                    fired += (await timers.RunOnceAsync(now)).Fired;
                }

                return fired;
            }))
            .ToList();
        var firedBySweeper = await Task.WhenAll(sweepers);

        Assert.Equal(Dossiers, firedBySweeper.Sum());
        using var check = hosts[1].Services.CreateScope();
        var db = check.ServiceProvider.GetRequiredService<WorkflowsDbContext>();
        var firedPerInstance = await db.Journal
            .Where(j => j.Kind == "timerFired")
            .GroupBy(j => j.InstanceId)
            .Select(g => new { InstanceId = g.Key, Count = g.Count() })
            .ToListAsync();
        Assert.Equal(ids.Order(), firedPerInstance.Select(f => f.InstanceId).Order());
        Assert.All(firedPerInstance, f => Assert.Equal(1, f.Count));
        Assert.Equal(0, await db.Bookmarks.CountAsync(b => b.Kind == "timer"));
        Assert.Equal(Dossiers, await db.Instances.CountAsync(i => i.Status == "completed"));
    }
}
