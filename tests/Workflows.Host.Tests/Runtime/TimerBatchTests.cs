using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Workflows.Engine.Definitions;
using Workflows.Host.Dossiers;
using Workflows.Host.Persistence;
using Workflows.Host.Runtime;
using Workflows.Host.Tests.Support;

namespace Workflows.Host.Tests.Runtime;

/// <summary>
/// A sweep's due timers fire together: one transaction and a handful of statements for the whole batch, each dossier
/// moved on as if fired alone; a dossier that cannot be written holds back no other; the oldest due go first. On SQLite
/// and PostgreSQL.
/// </summary>
public abstract class TimerBatchTests(DatabaseFixture database) : IDisposable
{
    // Monday 2 March 2026, 09:00 in Vietnam. R.0001 waits two working hours, then notifies and ends (issued).
    private static readonly DateTimeOffset Monday = new(2026, 3, 2, 9, 0, 0, TimeSpan.FromHours(7));

    private readonly string notifications = Path.Combine(Path.GetTempPath(), "workflows-notifications", Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task A_sweep_of_twenty_due_timers_fires_them_in_one_transaction_and_moves_every_dossier_on()
    {
        const int Dossiers = 20;
        var clock = new ManualClock(Monday);
        var recorder = new CommandRecorder();
        await using var app = new WorkflowsApp(database, RuntimeTests.RuntimeDefinitions, clock, services: recorder.AddTo);
        await using var host = Configure(app, batchSize: 50);
        var ids = new List<Guid>();
        for (var i = 0; i < Dossiers; i++)
        {
            ids.Add(await StartWithDossierAsync(host, i));
        }

        clock.Now = Monday.AddHours(3);
        recorder.Start();
        var sweep = await host.Services.GetRequiredService<TimerRunner>().RunOnceAsync(clock.Now);
        recorder.Stop();

        Assert.Equal(new TimerSweep(Dossiers, Dossiers), sweep);
        using var scope = host.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<WorkflowsDbContext>();
        // One transaction writes the batch (one at a time it was one per timer). PostgreSQL adds the claim's, which holds
        // the advisory locks, and its round trips do not grow with the batch: the claim, read the instances, read the
        // dossiers, the batched writes (one at a time: at least three per timer). SQLite, in process, takes one
        // statement per row.
        var postgres = db.Database.IsNpgsql();
        Assert.Equal(postgres ? 2 : 1, recorder.Transactions);
        if (postgres)
        {
            Assert.InRange(recorder.Commands.Count, 1, 8);
        }

        var dossiers = await db.Dossiers.AsNoTracking().Where(d => ids.Contains(d.Id)).ToListAsync();
        Assert.All(dossiers, d => Assert.Equal((DossierStatus.ForResult(EndResult.Issued), "issued", clock.Now), (d.Status, d.Result, d.CompletedAt!.Value)));
        Assert.Equal(Dossiers, await db.Journal.CountAsync(j => ids.Contains(j.InstanceId) && j.Kind == "timerFired"));
        Assert.Equal(Dossiers, await db.Outbox.CountAsync(o => ids.Contains(o.InstanceId) && o.Kind == "notify"));
        Assert.Equal(Dossiers, await db.Outbox.CountAsync(o => ids.Contains(o.InstanceId) && o.Kind == HostOutboxKinds.StatusChanged));
        Assert.Equal(0, await db.Bookmarks.CountAsync(b => ids.Contains(b.InstanceId)));
        Assert.All(await db.Instances.AsNoTracking().Where(i => ids.Contains(i.Id)).ToListAsync(), i => Assert.Equal("completed", i.Status));

        // Swept again: nothing is left to fire.
        Assert.Equal(new TimerSweep(0, 0), await host.Services.GetRequiredService<TimerRunner>().RunOnceAsync(clock.Now));
    }

    [Fact]
    public async Task A_dossier_that_cannot_be_written_does_not_hold_back_the_others_of_its_sweep_and_fires_once_it_can()
    {
        var clock = new ManualClock(Monday);
        await using var app = new WorkflowsApp(database, RuntimeTests.RuntimeDefinitions, clock);
        await using var host = Configure(app, batchSize: 50);
        var ids = new List<Guid>();
        for (var i = 0; i < 6; i++)
        {
            ids.Add(await StartWithDossierAsync(host, i));
        }

        // The third dossier's journal already holds the entries its timer would write next: the database refuses that
        // commit (duplicate key), as it would a corrupt row.
        var broken = ids[2];
        using (var scope = host.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<WorkflowsDbContext>();
            var last = await db.Journal.Where(j => j.InstanceId == broken).MaxAsync(j => j.Sequence);
            db.Journal.AddRange(Enumerable.Range(1, 10).Select(n => new JournalRow { InstanceId = broken, Sequence = last + n, At = Monday, Kind = "blocking" }));
            await db.SaveChangesAsync();
        }

        clock.Now = Monday.AddHours(3);
        var timers = host.Services.GetRequiredService<TimerRunner>();
        Assert.Equal(new TimerSweep(6, 5), await timers.RunOnceAsync(clock.Now));
        Assert.Equal(ids.Where(id => id != broken).Order(), await FiredAsync(host, ids));
        Assert.Equal(2, await DossierStatusAsync(host, broken));
        Assert.Equal(1, await PendingTimersAsync(host, broken));

        // Repaired, it fires on the next sweep; nothing was lost and nothing fires twice.
        using (var scope = host.Services.CreateScope())
        {
            await scope.ServiceProvider.GetRequiredService<WorkflowsDbContext>().Journal.Where(j => j.Kind == "blocking").ExecuteDeleteAsync();
        }

        Assert.Equal(new TimerSweep(1, 1), await timers.RunOnceAsync(clock.Now));
        Assert.Equal(ids.Order(), await FiredAsync(host, ids));
        Assert.Equal(DossierStatus.ForResult(EndResult.Issued), await DossierStatusAsync(host, broken));
    }

    [Fact]
    public async Task When_more_timers_are_due_than_a_sweep_takes_the_oldest_due_fire_first()
    {
        var clock = new ManualClock(Monday);
        await using var app = new WorkflowsApp(database, RuntimeTests.RuntimeDefinitions, clock);
        await using var host = Configure(app, batchSize: 3);
        var ids = new List<Guid>();
        for (var i = 0; i < 5; i++)
        {
            // Started ten minutes apart, so due ten minutes apart; the newest first in the table.
            clock.Now = Monday.AddMinutes(40 - (10 * i));
            ids.Add(await StartWithDossierAsync(host, i));
        }

        clock.Now = Monday.AddHours(8);
        var timers = host.Services.GetRequiredService<TimerRunner>();
        Assert.Equal(new TimerSweep(3, 3), await timers.RunOnceAsync(clock.Now));
        Assert.Equal(ids.Skip(2).Order(), await FiredAsync(host, ids));
        Assert.Equal(new TimerSweep(2, 2), await timers.RunOnceAsync(clock.Now));
        Assert.Equal(ids.Order(), await FiredAsync(host, ids));
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

    private WebApplicationFactory<Program> Configure(WorkflowsApp app, int batchSize) =>
        app.WithWebHostBuilder(builder => builder
            .UseSetting("Notifications:Folder", notifications)
            .UseSetting("Runtime:TimerBatchSize", batchSize.ToString(System.Globalization.CultureInfo.InvariantCulture)));

    /// <summary>Starts R.0001 with its dossier row (as intake writes it), so the sweep moves a dossier's status too.</summary>
    private static async Task<Guid> StartWithDossierAsync(WebApplicationFactory<Program> host, int n)
    {
        using var scope = host.Services.CreateScope();
        var clock = scope.ServiceProvider.GetRequiredService<TimeProvider>();
        var result = await scope.ServiceProvider.GetRequiredService<WorkflowRunner>().StartAsync("R.0001", 1, new JsonObject { ["n"] = n }, "reception");
        var id = result.Changeset!.Instance.Id;
        var now = clock.GetUtcNow();
        var db = scope.ServiceProvider.GetRequiredService<WorkflowsDbContext>();
        var code = $"TB-{id:N}"[..20];
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
            ApplicantName = "Trần Văn Bình",
            ApplicantPhone = "0912345678",
            Channel = "inPerson",
            ReceptionPoint = "Bộ phận Một cửa",
            ReceivedAt = now,
            CountingFrom = now,
            OriginalDueAt = now.AddDays(1),
            DueAt = now.AddDays(1),
            Status = 2,
            Documents = "[]",
            CreatedAt = now,
            UpdatedAt = now,
        });
        await db.SaveChangesAsync();
        return id;
    }

    private static async Task<List<Guid>> FiredAsync(WebApplicationFactory<Program> host, List<Guid> ids)
    {
        using var scope = host.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<WorkflowsDbContext>();
        var fired = await db.Journal.Where(j => ids.Contains(j.InstanceId) && j.Kind == "timerFired").Select(j => j.InstanceId).ToListAsync();
        return [.. fired.Order()];
    }

    private static async Task<int> DossierStatusAsync(WebApplicationFactory<Program> host, Guid id)
    {
        using var scope = host.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<WorkflowsDbContext>().Dossiers.Where(d => d.Id == id).Select(d => d.Status).SingleAsync();
    }

    private static async Task<int> PendingTimersAsync(WebApplicationFactory<Program> host, Guid id)
    {
        using var scope = host.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<WorkflowsDbContext>().Bookmarks.CountAsync(b => b.InstanceId == id && b.Kind == "timer");
    }
}

public sealed class SqliteTimerBatchTests(SqliteDatabase database) : TimerBatchTests(database), IClassFixture<SqliteDatabase>;

public sealed class PostgresTimerBatchTests(PostgresDatabase database) : TimerBatchTests(database), IClassFixture<PostgresDatabase>;
