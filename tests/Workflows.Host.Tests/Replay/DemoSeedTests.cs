using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Workflows.Engine.Runtime;
using Workflows.Host.Persistence;
using Workflows.Host.Replay;
using Workflows.Host.Reports;
using Workflows.Host.Tests.Support;

namespace Workflows.Host.Tests.Replay;

/// <summary>What a first run shows: a Development Host on an empty database seeds a generated history (small here).</summary>
public abstract class DemoSeedTests(DatabaseFixture database)
{
    // A Thursday afternoon: the history covers the ten days before it.
    private static readonly DateTimeOffset Now = new(2026, 3, 19, 15, 0, 0, TimeSpan.FromHours(7));

    [Fact]
    public async Task First_run_in_development_seeds_a_history_the_summary_report_shows_without_sending_its_messages_and_a_restart_seeds_nothing_more()
    {
        int seeded;
        await using (var app = NewApp())
        {
            var report = await SeedingAsync(app);
            Assert.NotNull(report);
            Assert.True(report.Received > 0);

            using var client = app.ClientWithKey(WorkflowsApp.AdministratorKey);
            var summary = await client.GetFromJsonAsync<SummaryReport>("/api/reports/summary?from=2026-03-01&to=2026-03-19", JsonSerializerOptions.Web);
            Assert.Equal(report.Received, summary!.Total.Received.Total);
            Assert.True(summary.Total.Finished.Total > 0, "some seeded dossiers have ended");
            Assert.True(summary.Total.InProgress.Total > 0, "some seeded dossiers are still in progress, as in a live centre");
            seeded = await DossierCountAsync(app);
            Assert.Equal(report.Received, seeded);
            // Seeded through the intake path under the demo's external codes, received in the history's period, never later than now.
            await using var scope = app.Services.CreateAsyncScope();
            var dossiers = await scope.ServiceProvider.GetRequiredService<WorkflowsDbContext>().Dossiers.AsNoTracking().ToListAsync();
            Assert.All(dossiers, d => Assert.StartsWith(DemoSeeder.ExternalCodePrefix + "-", d.ExternalCode, StringComparison.Ordinal));
            Assert.All(dossiers, d => Assert.InRange(d.ReceivedAt, Now.AddDays(-10), Now));

            // History is not news: its SMS, e-mails, status pushes and warnings are recorded as delivered when they were
            // made, so the outbox sends none of them now (only a sub-process's resume of its parent may wait there).
            var outbox = await scope.ServiceProvider.GetRequiredService<WorkflowsDbContext>().Outbox.AsNoTracking().ToListAsync();
            Assert.Contains(outbox, o => o.Kind == OutboxKinds.Notify);
            Assert.Contains(outbox, o => o.Kind == HostOutboxKinds.StatusChanged);
            Assert.All(outbox.Where(o => o.Kind != OutboxKinds.ResumeParent), o => Assert.Equal(o.CreatedAt, o.DeliveredAt));
            // And the replay's own services log only what goes wrong, so the progress bar stays readable on the console.
            await using var replay = await ReplayServices.CreateAsync(app.Services.GetRequiredService<HostRegistrations>(), Now, CancellationToken.None);
            var replayLogger = replay.Provider.GetRequiredService<ILoggerFactory>().CreateLogger("Workflows.Host.Outbox.NotifyHandler");
            Assert.False(replayLogger.IsEnabled(LogLevel.Information));
            Assert.True(replayLogger.IsEnabled(LogLevel.Warning));
            Assert.True(app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Workflows.Host.Outbox.NotifyHandler").IsEnabled(LogLevel.Information),
                "the live Host still logs its own notifications");
        }

        // The database now holds dossiers: the next start seeds nothing.
        await using (var again = NewApp())
        {
            Assert.Null(await SeedingAsync(again));
            Assert.Equal(seeded, await DossierCountAsync(again));
        }
    }

    private WorkflowsApp NewApp() => new(database, WorkloadReplayTests.RepositoryDefinitions, clock: new ManualClock(Now),
        settings: new Dictionary<string, string>
        {
            ["Demo:Seed"] = "true", ["Demo:Days"] = "10", ["Demo:DossiersPerWorkingDay"] = "4",
            // As a Development Host logs (tests default to warnings).
            ["Logging:LogLevel:Default"] = "Information",
        });

    // Waits for the background seeding (a deadline, not a sleep): the report, or null when it seeded nothing.
    internal static async Task<ReplayReport?> SeedingAsync(WorkflowsApp app)
    {
        _ = app.Server;
        return await app.Services.GetRequiredService<DemoSeeder>().Completion.WaitAsync(TimeSpan.FromMinutes(3));
    }

    internal static async Task<int> DossierCountAsync(WorkflowsApp app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<WorkflowsDbContext>().Dossiers.CountAsync();
    }
}

/// <summary>The demo never seeds in Production, nor when <c>Demo:Seed</c> is false.</summary>
public abstract class DemoNotSeededTests(DatabaseFixture database)
{
    [Fact]
    public async Task Production_never_seeds_a_demo_history()
    {
        await using var app = new WorkflowsApp(database, WorkloadReplayTests.RepositoryDefinitions, environment: "Production",
            settings: new Dictionary<string, string> { ["Demo:Seed"] = "true" });
        _ = app.Server;
        Assert.Null(app.Services.GetService<DemoSeeder>());
        Assert.DoesNotContain(app.Services.GetServices<IHostedService>(), s => s is DemoSeeder);
        Assert.Equal(0, await DemoSeedTests.DossierCountAsync(app));
    }

    [Fact]
    public async Task Demo_Seed_false_turns_the_first_run_history_off()
    {
        await using var app = new WorkflowsApp(database, WorkloadReplayTests.RepositoryDefinitions,
            settings: new Dictionary<string, string> { ["Demo:Seed"] = "false", ["Demo:Days"] = "3" });
        _ = app.Server;
        Assert.Null(app.Services.GetService<DemoSeeder>());
        Assert.DoesNotContain(app.Services.GetServices<IHostedService>(), s => s is DemoSeeder);
        Assert.Equal(0, await DemoSeedTests.DossierCountAsync(app));
    }
}

public sealed class SqliteDemoSeedTests(SqliteDatabase database) : DemoSeedTests(database), IClassFixture<SqliteDatabase>;

public sealed class PostgresDemoSeedTests(PostgresDatabase database) : DemoSeedTests(database), IClassFixture<PostgresDatabase>;

public sealed class SqliteDemoNotSeededTests(SqliteDatabase database) : DemoNotSeededTests(database), IClassFixture<SqliteDatabase>;

public sealed class PostgresDemoNotSeededTests(PostgresDatabase database) : DemoNotSeededTests(database), IClassFixture<PostgresDatabase>;
