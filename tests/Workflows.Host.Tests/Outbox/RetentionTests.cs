using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Workflows.Host.Infrastructure;
using Workflows.Host.Outbox;
using Workflows.Host.Persistence;
using Workflows.Host.Tests.Documents;
using Workflows.Host.Tests.Intake;
using Workflows.Host.Tests.Support;

namespace Workflows.Host.Tests.Outbox;

/// <summary>
/// Retention: delivered outbox messages are removed after the configured days; the journal of dossiers closed long ago
/// moves to the archive table, and the dossier's control slip and timeline read it there unchanged.
/// </summary>
public abstract class RetentionTests(DatabaseFixture database)
{
    private static readonly TimeSpan Vietnam = TimeSpan.FromHours(7);

    // Small batches, so a sweep takes several passes.
    private static readonly Dictionary<string, string> Settings = new()
    {
        ["Retention:DeliveredOutboxDays"] = "30",
        ["Retention:JournalArchiveMonths"] = "12",
        ["Retention:BatchSize"] = "3",
    };

    [Fact]
    public async Task Delivered_messages_older_than_the_setting_are_removed_and_pending_dead_and_recent_ones_stay()
    {
        var now = new DateTimeOffset(2026, 6, 1, 10, 0, 0, Vietnam);
        await using var app = new WorkflowsApp(database, clock: new ManualClock(now), settings: Settings);
        using var scope = app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<WorkflowsDbContext>();
        var instance = Guid.NewGuid();
        OutboxRow Message(int daysAgo, bool delivered, bool dead = false) => new()
        {
            Id = Guid.NewGuid(), InstanceId = instance, Kind = "statusChanged", Payload = "{}", CreatedAt = now.AddDays(-daysAgo - 1),
            DeliveredAt = delivered ? now.AddDays(-daysAgo) : null, Dead = dead, Attempts = dead ? 10 : 1, NextAttemptAt = delivered || dead ? null : now,
        };
        var old = Enumerable.Range(0, 7).Select(i => Message(31 + i, delivered: true)).ToList();
        var recent = Message(29, delivered: true);
        var pending = Message(90, delivered: false);
        var dead = Message(90, delivered: false, dead: true);
        db.Outbox.AddRange([.. old, recent, pending, dead]);
        await db.SaveChangesAsync();

        var removed = await SweepUntilDoneAsync(app.Services.GetRequiredService<RetentionSweep>(), now);

        Assert.Equal(old.Count, removed.OutboxRemoved);
        var left = await db.Outbox.AsNoTracking().Where(o => o.InstanceId == instance).Select(o => o.Id).ToListAsync();
        Assert.Equal(new[] { recent.Id, pending.Id, dead.Id }.Order(), left.Order());

        // Again: nothing more to do.
        Assert.Equal(new RetentionPass(0, 0), await app.Services.GetRequiredService<RetentionSweep>().RunOnceAsync(now));
    }

    [Fact]
    public async Task A_dossier_closed_over_a_year_ago_has_its_journal_archived_and_its_control_slip_and_timeline_unchanged()
    {
        var clock = new ManualClock(IntakeTests.ReceivedAt.AddHours(1));
        await using var app = new WorkflowsApp(database, DocumentDefinitions.Path, clock, settings: Settings);
        var closed = await ReceiveAndCloseAsync(app, clock);
        clock.Now = IntakeTests.ReceivedAt.AddDays(182).AddHours(1);
        var recent = await ReceiveAndCloseAsync(app, clock);
        clock.Now = IntakeTests.ReceivedAt.AddDays(189).AddHours(1);
        var open = await ReceiveAsync(app);
        using var admin = app.ClientWithKey(WorkflowsApp.AdministratorKey);
        var before = await ViewsAsync(admin, closed.Code);
        var recentBefore = await ViewsAsync(admin, recent.Code);
        using var scope = app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<WorkflowsDbContext>();
        var rows = await db.Journal.AsNoTracking().CountAsync(j => j.InstanceId == closed.Id);
        var openId = (await db.Dossiers.AsNoTracking().SingleAsync(d => d.Code == open)).Id;
        Assert.True(rows > 3, $"{rows} journal rows");

        // Thirteen months after the first closed, seven after the second: only the first is archived.
        var sweep = app.Services.GetRequiredService<RetentionSweep>();
        var pass = await SweepUntilDoneAsync(sweep, IntakeTests.ReceivedAt.AddMonths(13));

        Assert.Equal(rows, pass.JournalArchived);
        Assert.Equal(0, await db.Journal.AsNoTracking().CountAsync(j => j.InstanceId == closed.Id));
        Assert.Equal(rows, await db.JournalArchive.AsNoTracking().CountAsync(j => j.InstanceId == closed.Id));
        Assert.Equal(0, await db.JournalArchive.AsNoTracking().CountAsync(j => j.InstanceId == recent.Id || j.InstanceId == openId));
        Assert.Equal(before, await ViewsAsync(admin, closed.Code));
        Assert.Equal(recentBefore, await ViewsAsync(admin, recent.Code));

        // Idempotent: a second sweep finds nothing, and the views still read the archive.
        Assert.Equal(new RetentionPass(0, 0), await sweep.RunOnceAsync(IntakeTests.ReceivedAt.AddMonths(13)));
        Assert.Equal(before, await ViewsAsync(admin, closed.Code));
    }

    [Fact]
    public async Task The_timeline_and_control_slip_of_a_dossier_in_flight_never_query_the_journal_archive()
    {
        // Three years on (same weekday): the other tests' sweeps never reach these dossiers.
        var clock = new ManualClock(IntakeTests.ReceivedAt.AddDays(7 * 52 * 3).AddHours(1));
        var commands = new CommandRecorder();
        await using var app = new WorkflowsApp(database, DocumentDefinitions.Path, clock, services: commands.AddTo, settings: Settings);
        var open = await ReceiveAsync(app);
        clock.Now = clock.Now.AddHours(1);
        await CompleteAsync(app, open, WorkflowsApp.DeskOfficerKey);
        var closed = await ReceiveAndCloseAsync(app, clock);
        using var admin = app.ClientWithKey(WorkflowsApp.AdministratorKey);
        await ViewsAsync(admin, open);

        commands.Start();
        await ViewsAsync(admin, open);
        commands.Stop();
        var inFlight = commands.Commands;
        commands.Start();
        await ViewsAsync(admin, closed.Code);
        commands.Stop();
        var ofClosed = commands.Commands;

        // The control slip (its handovers from the journal its form context read) and the timeline read the journal
        // once each, the archive never.
        Assert.Equal(2, inFlight.Count(ReadsJournal));
        Assert.DoesNotContain(inFlight, c => c.Contains("journal_archive", StringComparison.Ordinal));
        // A closed dossier may have been archived: each of those queries reads both tables, with no extra round trip.
        Assert.Equal(2, ofClosed.Count(ReadsJournal));
        Assert.Equal(2, ofClosed.Count(c => c.Contains("journal_archive", StringComparison.Ordinal)));
        Assert.Equal(inFlight.Count, ofClosed.Count);
    }

    private static bool ReadsJournal(string command) =>
        command.Contains("FROM journal", StringComparison.Ordinal) || command.Contains("FROM \"journal\"", StringComparison.Ordinal);

    [Fact]
    public async Task The_archive_has_the_journals_columns_key_and_sizes()
    {
        await using var app = new WorkflowsApp(database, settings: Settings);
        using var scope = app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<WorkflowsDbContext>();

        static IEnumerable<string> Shape(IEntityType entity)
        {
            var table = StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema());
            return entity.GetProperties()
                .Select(p => $"{p.GetColumnName(table)} {p.GetColumnType(table)} null={p.IsNullable} max={p.GetMaxLength()} key={p.IsPrimaryKey()}")
                .Order(StringComparer.Ordinal);
        }

        var journal = db.Model.FindEntityType(typeof(JournalRow))!;
        var archive = db.Model.FindEntityType(typeof(ArchivedJournalRow))!;
        Assert.Equal("journal_archive", archive.GetTableName());
        Assert.Equal(Shape(journal), Shape(archive));
        Assert.Equal(string.Join(", ", Shape(journal).Select(c => c.Split(' ')[0])), JournalModel.ColumnList(db));
    }

    [Fact]
    public async Task Two_hosts_sweeping_at_once_archive_every_journal_row_exactly_once()
    {
        var clock = new ManualClock(IntakeTests.ReceivedAt.AddHours(1));
        await using var first = new WorkflowsApp(database, DocumentDefinitions.Path, clock, settings: Settings);
        await using var second = new WorkflowsApp(database, DocumentDefinitions.Path, clock, settings: Settings);
        var dossiers = new List<(string Code, Guid Id)>();
        for (var i = 0; i < 4; i++)
        {
            clock.Now = IntakeTests.ReceivedAt.AddDays(7 * i).AddHours(1);
            dossiers.Add(await ReceiveAndCloseAsync(first, clock));
        }

        using var admin = first.ClientWithKey(WorkflowsApp.AdministratorKey);
        var before = new List<string>();
        foreach (var (code, _) in dossiers)
        {
            before.Add(await ViewsAsync(admin, code));
        }

        using var scope = first.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<WorkflowsDbContext>();
        var ids = dossiers.Select(d => d.Id).ToList();
        var rows = await db.Journal.AsNoTracking().CountAsync(j => ids.Contains(j.InstanceId));

        var at = IntakeTests.ReceivedAt.AddMonths(14);
        var passes = await Task.WhenAll(
            Task.Run(() => SweepUntilDoneAsync(first.Services.GetRequiredService<RetentionSweep>(), at)),
            Task.Run(() => SweepUntilDoneAsync(second.Services.GetRequiredService<RetentionSweep>(), at)));

        Assert.Equal(rows, passes.Sum(p => p.JournalArchived));
        Assert.Equal(0, await db.Journal.AsNoTracking().CountAsync(j => ids.Contains(j.InstanceId)));
        Assert.Equal(rows, await db.JournalArchive.AsNoTracking().CountAsync(j => ids.Contains(j.InstanceId)));
        for (var i = 0; i < dossiers.Count; i++)
        {
            Assert.Equal(before[i], await ViewsAsync(admin, dossiers[i].Code));
        }
    }

    [Theory]
    [InlineData("DeliveredOutboxDays", "0")]
    [InlineData("JournalArchiveMonths", "0")]
    [InlineData("BatchSize", "0")]
    [InlineData("SweepInterval", "00:00:00")]
    public void A_bad_retention_setting_stops_start_up_naming_it(string key, string value)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection([KeyValuePair.Create($"Retention:{key}", (string?)value)]).Build();

        var failure = Assert.Throws<OptionsValidationException>(() => OptionsBinding.Read<RetentionOptions>(configuration, RetentionOptions.Section));

        Assert.Contains($"Retention:{key}", failure.Message, StringComparison.Ordinal);
    }

    // Passes until one finds nothing (as the background loop does while batches come back full); the totals.
    private static async Task<RetentionPass> SweepUntilDoneAsync(RetentionSweep sweep, DateTimeOffset now)
    {
        var total = new RetentionPass(0, 0);
        for (var passes = 0; passes < 1000; passes++)
        {
            var pass = await sweep.RunOnceAsync(now);
            if (pass == new RetentionPass(0, 0))
            {
                return total;
            }

            total = new RetentionPass(total.OutboxRemoved + pass.OutboxRemoved, total.JournalArchived + pass.JournalArchived);
        }

        throw new InvalidOperationException("The sweep never finished.");
    }

    // The control slip (form 06) and the timeline, as an officer reads them.
    private static async Task<string> ViewsAsync(HttpClient admin, string code)
    {
        var slip = await admin.GetStringAsync(new Uri($"/api/dossiers/{code}/documents/06", UriKind.Relative));
        var timeline = await admin.GetStringAsync(new Uri($"/api/dossiers/{code}/timeline", UriKind.Relative));
        Assert.Contains("\"events\":[{", timeline, StringComparison.Ordinal);
        return slip + "\n" + timeline;
    }

    // Received at the clock's time, then the desk, construction and the leader approve: the dossier is closed (issued).
    private static async Task<(string Code, Guid Id)> ReceiveAndCloseAsync(WorkflowsApp app, ManualClock clock)
    {
        var code = await ReceiveAsync(app);
        foreach (var key in new[] { WorkflowsApp.DeskOfficerKey, WorkflowsApp.UrbanOfficerKey, WorkflowsApp.LeaderKey })
        {
            clock.Now = clock.Now.AddHours(1);
            await CompleteAsync(app, code, key);
        }

        using var scope = app.Services.CreateScope();
        var dossier = await scope.ServiceProvider.GetRequiredService<WorkflowsDbContext>().Dossiers.AsNoTracking().SingleAsync(d => d.Code == code);
        Assert.NotNull(dossier.CompletedAt);
        return (code, dossier.Id);
    }

    private static async Task<string> ReceiveAsync(WorkflowsApp app)
    {
        using var intake = app.ClientWithKey(WorkflowsApp.IntakeKey);
        var clock = app.Services.GetRequiredService<TimeProvider>().GetUtcNow();
        var response = await intake.PostAsJsonAsync("/api/intake/dossiers",
            IntakeTests.Body(IntakeTests.NewExternalCode(), procedure: DocumentDefinitions.Code, receivedAt: clock.AddMinutes(-30).ToOffset(Vietnam)));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (string)(await response.Content.ReadFromJsonAsync<JsonObject>())!["dossierCode"]!;
    }

    private static async Task CompleteAsync(WorkflowsApp app, string code, string key)
    {
        Guid taskId;
        using (var scope = app.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<WorkflowsDbContext>();
            var dossier = await db.Dossiers.AsNoTracking().SingleAsync(d => d.Code == code);
            taskId = (await db.Tasks.AsNoTracking().SingleAsync(t => t.InstanceId == dossier.Id && t.State == TaskStates.Open)).Id;
        }

        using var client = app.ClientWithKey(key);
        var response = await client.PostAsJsonAsync($"/api/tasks/{taskId}/complete", new { outcome = "approved" });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }
}

public sealed class SqliteRetentionTests(SqliteDatabase database) : RetentionTests(database), IClassFixture<SqliteDatabase>;

public sealed class PostgresRetentionTests(PostgresDatabase database) : RetentionTests(database), IClassFixture<PostgresDatabase>;
