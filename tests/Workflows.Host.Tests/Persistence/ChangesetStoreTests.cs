using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using System.Net.Http.Json;
using Workflows.Engine.InMemory;
using Workflows.Engine.Runtime;
using Workflows.Host.Definitions;
using Workflows.Host.Dossiers;
using Workflows.Host.Persistence;
using Workflows.Host.Runtime;
using Workflows.Host.Tests.Support;

namespace Workflows.Host.Tests.Persistence;

public abstract class ChangesetStoreTests(DatabaseFixture database)
{
    // Monday 2 March 2026, 09:00 in Vietnam.
    private static readonly DateTimeOffset Monday = new(2026, 3, 2, 9, 0, 0, TimeSpan.FromHours(7));

    [Fact]
    public async Task A_started_and_resumed_dossier_reloads_exactly_as_the_engine_left_it()
    {
        var clock = new ManualClock(Monday);
        await using var app = new WorkflowsApp(database, clock: clock);
        using var scope = app.Services.CreateScope();
        var runner = scope.ServiceProvider.GetRequiredService<WorkflowRunner>();
        var store = scope.ServiceProvider.GetRequiredService<ChangesetStore>();

        var started = await runner.StartAsync("T.0001", 1, JsonNode.Parse("""{ "applicant": "Nguyễn Văn A", "area": 120.5 }""")!.AsObject(), "reception");
        var instance = started.Changeset!.Instance;
        AssertSameState(instance, await store.LoadInstanceAsync(instance.Id));

        var receive = Assert.Single(started.Changeset.TasksOpened);
        clock.Now = Monday.AddHours(2);
        var resumed = await runner.ResumeAsync(instance.Id, new ResumeRequest
        {
            BookmarkId = receive.TaskId,
            Outcome = "approved",
            Actor = "officer-1",
            Note = "Hồ sơ đầy đủ",
            Data = JsonNode.Parse("""{ "receiptNo": "000.00.01.H01-260302-0001" }""")!.AsObject(),
        });

        Assert.True(resumed.Accepted, resumed.Rejection?.Message);
        var after = resumed.Changeset!.Instance;
        var reloaded = await store.LoadInstanceAsync(instance.Id);
        AssertSameState(after, reloaded);
        Assert.Equal(2, reloaded!.Version);

        var db = scope.ServiceProvider.GetRequiredService<WorkflowsDbContext>();
        var tasks = await db.Tasks.AsNoTracking().Where(t => t.InstanceId == instance.Id).ToListAsync();
        var closed = Assert.Single(tasks, t => t.Id == receive.TaskId);
        Assert.Equal((TaskStates.Completed, "approved", "officer-1", Monday.AddHours(2)), (closed.State, closed.Outcome, closed.Actor, closed.ClosedAt!.Value));
        var review = Assert.Single(tasks, t => t.State == TaskStates.Open);
        Assert.Equal(("review", "construction"), (review.NodeId, review.Department));

        var journal = await db.Journal.AsNoTracking().Where(j => j.InstanceId == instance.Id).OrderBy(j => j.Sequence).ToListAsync();
        var expected = started.Changeset.Journal.Concat(resumed.Changeset.Journal).ToList();
        Assert.Equal(expected.Select(j => (j.Sequence, j.NodeId, j.Outcome)), journal.Select(j => (j.Sequence, j.NodeId, j.Outcome)));
        Assert.Equal(expected.Count(j => j.Kind == JournalKind.StepCompleted), journal.Count(j => j.Kind == "stepCompleted"));
    }

    [Fact]
    public async Task A_resume_from_a_stale_version_conflicts_and_writes_nothing()
    {
        var clock = new ManualClock(Monday);
        await using var app = new WorkflowsApp(database, clock: clock);
        using var scope = app.Services.CreateScope();
        var runner = scope.ServiceProvider.GetRequiredService<WorkflowRunner>();
        var store = scope.ServiceProvider.GetRequiredService<ChangesetStore>();
        var db = scope.ServiceProvider.GetRequiredService<WorkflowsDbContext>();

        var started = await runner.StartAsync("T.0002", 1, [], "reception");
        var id = started.Changeset!.Instance.Id;
        var stale = await store.LoadInstanceAsync(id);
        var receive = Assert.Single(started.Changeset.TasksOpened);
        var first = await runner.ResumeAsync(id, new ResumeRequest { BookmarkId = receive.TaskId, Outcome = "approved" });
        Assert.True(first.Accepted);
        var before = await SnapshotAsync(db, id);

        // The stale copy (version 1) still holds the receive bookmark, so the engine accepts it; the store must not.
        var conflict = await Assert.ThrowsAsync<ConcurrencyConflictException>(
            () => runner.ResumeAsync(stale!, new ResumeRequest { BookmarkId = receive.TaskId, Outcome = "approved", Actor = "late" }));
        Assert.Equal(id, conflict.InstanceId);

        Assert.Equal(before, await SnapshotAsync(db, id));
        Assert.Equal(2, (await store.LoadInstanceAsync(id))!.Version);
    }

    [Fact]
    public async Task A_duplicate_resume_of_a_closed_task_is_rejected_by_the_engine()
    {
        await using var app = new WorkflowsApp(database, clock: new ManualClock(Monday));
        using var scope = app.Services.CreateScope();
        var runner = scope.ServiceProvider.GetRequiredService<WorkflowRunner>();

        var started = await runner.StartAsync("T.0002", 1, [], null);
        var request = new ResumeRequest { BookmarkId = started.Changeset!.TasksOpened[0].TaskId, Outcome = "approved" };
        Assert.True((await runner.ResumeAsync(started.Changeset.Instance.Id, request)).Accepted);
        var duplicate = await runner.ResumeAsync(started.Changeset.Instance.Id, request);
        Assert.Equal(RejectionCode.StaleBookmark, duplicate.Rejection?.Code);
    }

    [Theory]
    [InlineData(false)] // only inserts: on PostgreSQL, one batch without an explicit transaction
    [InlineData(true)] // also an update: an explicit transaction on every provider
    public async Task A_numbered_start_writes_its_code_into_the_dossier_the_instance_data_and_the_status_message(bool alsoUpdates)
    {
        await using var app = new WorkflowsApp(database, clock: new ManualClock(Monday));
        using var scope = app.Services.CreateScope();
        var runner = scope.ServiceProvider.GetRequiredService<WorkflowRunner>();
        var db = scope.ServiceProvider.GetRequiredService<WorkflowsDbContext>();
        var definition = await scope.ServiceProvider.GetRequiredService<DefinitionCatalogue>().GetPublishedAsync("T.0001", 1);
        var untouched = new OutboxRow { Id = Guid.CreateVersion7(), InstanceId = Guid.CreateVersion7(), Kind = "notify", Payload = "{}", CreatedAt = Monday, NextAttemptAt = Monday };
        db.Outbox.Add(untouched);
        await db.SaveChangesAsync();
        db.ChangeTracker.Clear();

        // An agency of its own, so this dossier is the first of its day.
        var agency = "T" + Guid.NewGuid().ToString("N")[..8];
        var id = Guid.CreateVersion7();
        var externalCode = "EXT-" + id.ToString("N");
        var numbering = new DossierNumbering(agency, DateOnly.FromDateTime(Monday.DateTime), id, "motcua-tinh", externalCode);
        await runner.StartAsync(
            definition!,
            new StartRequest { InstanceId = id, StartedAt = Monday, Data = new JsonObject { ["dossier"] = new JsonObject { ["code"] = null } }, Actor = "reception" },
            (context, _) =>
            {
                context.Dossiers.Add(Dossier(id, externalCode));
                if (alsoUpdates)
                {
                    context.Outbox.Attach(untouched).Property(o => o.Attempts).CurrentValue = 1;
                }

                return Task.CompletedTask;
            },
            numbering);

        var code = $"{agency}-260302-0001";
        Assert.Equal(code, numbering.Code);
        db.ChangeTracker.Clear();
        var dossier = await db.Dossiers.AsNoTracking().SingleAsync(d => d.Id == id);
        Assert.Equal((code, externalCode, 2), (dossier.Code, dossier.ExternalCode, dossier.Status));
        var data = JsonNode.Parse((await db.Instances.AsNoTracking().SingleAsync(i => i.Id == id)).Data)!;
        Assert.Equal(code, (string?)data["dossier"]!["code"]);
        var message = JsonNode.Parse((await db.Outbox.AsNoTracking().SingleAsync(o => o.InstanceId == id && o.Kind == "statusChanged")).Payload)!;
        Assert.Equal((code, externalCode), ((string?)message["dossierCode"], (string?)message["externalCode"]));
        Assert.Equal(alsoUpdates ? 1 : 0, (await db.Outbox.AsNoTracking().SingleAsync(o => o.Id == untouched.Id)).Attempts);
    }

    private static DossierRow Dossier(Guid id, string externalCode) => new()
    {
        Id = id,
        Code = DossierCodes.Placeholder(id),
        IntakeClient = "motcua-tinh",
        ExternalCode = externalCode,
        PayloadHash = new string('0', 64),
        ProcedureCode = "T.0001",
        ProcedureVersion = 1,
        ProcedureName = "Thủ tục thử",
        ApplicantName = "Nguyễn Văn A",
        Channel = "inPerson",
        ReceptionPoint = "Bộ phận Một cửa",
        ReceivedAt = Monday,
        CountingFrom = Monday,
        OriginalDueAt = Monday.AddDays(5),
        DueAt = Monday.AddDays(5),
        Status = DossierStatus.Submitted,
        Documents = "[]",
        CreatedAt = Monday,
        UpdatedAt = Monday,
    };

    private static async Task<string> SnapshotAsync(WorkflowsDbContext db, Guid id)
    {
        db.ChangeTracker.Clear();
        var state = new
        {
            Instance = await db.Instances.AsNoTracking().SingleAsync(i => i.Id == id),
            Bookmarks = await db.Bookmarks.AsNoTracking().Where(b => b.InstanceId == id).OrderBy(b => b.Id).ToListAsync(),
            Tasks = await db.Tasks.AsNoTracking().Where(t => t.InstanceId == id).OrderBy(t => t.Id).ToListAsync(),
            Journal = await db.Journal.AsNoTracking().Where(j => j.InstanceId == id).OrderBy(j => j.Sequence).ToListAsync(),
            Outbox = await db.Outbox.AsNoTracking().Where(o => o.InstanceId == id).OrderBy(o => o.Id).ToListAsync(),
        };
        return JsonSerializer.Serialize(state);
    }

    /// <summary>Compares every field; instants by their UTC value (databases keep the instant, not the offset).</summary>
    private static void AssertSameState(WorkflowInstance expected, WorkflowInstance? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(Describe(expected), Describe(actual));
    }

    private static string Describe(WorkflowInstance instance) => JsonSerializer.Serialize(new
    {
        instance.Id,
        instance.DefinitionCode,
        instance.DefinitionVersion,
        instance.Status,
        instance.Result,
        Data = Sorted(instance.Data),
        instance.Tokens,
        Bookmarks = instance.Bookmarks.OrderBy(b => b.Id),
        instance.ParentInstanceId,
        instance.ParentBookmarkId,
        instance.Fault,
        instance.Version,
        instance.JournalSequence,
        instance.ClockPausedAt,
        instance.CreatedAt,
        instance.UpdatedAt,
    }, UtcJson);

    // jsonb keeps objects in its own key order; the order of dossier fields carries no meaning.
    private static JsonNode? Sorted(JsonNode? node) => node switch
    {
        JsonObject o => new JsonObject(o.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => KeyValuePair.Create(p.Key, Sorted(p.Value)))),
        JsonArray a => new JsonArray([.. a.Select(Sorted)]),
        _ => node?.DeepClone(),
    };

    private static readonly JsonSerializerOptions UtcJson = new() { WriteIndented = true, Converters = { new UtcInstantConverter() } };

    private sealed class UtcInstantConverter : JsonConverter<DateTimeOffset>
    {
        public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            DateTimeOffset.Parse(reader.GetString()!, CultureInfo.InvariantCulture);

        public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
            writer.WriteStringValue(value.UtcDateTime.ToString("O", CultureInfo.InvariantCulture));
    }
}

public sealed class SqliteChangesetStoreTests(SqliteDatabase database) : ChangesetStoreTests(database), IClassFixture<SqliteDatabase>;

public sealed class PostgresChangesetStoreTests(PostgresDatabase database) : ChangesetStoreTests(database), IClassFixture<PostgresDatabase>;

/// <summary>
/// The dossier code is formatted in C# (<c>DossierCodes.Format</c>, SQLite) and in SQL
/// (PostgreSQL's numbering statement): both must write the same codes, including past 9999 where the width grows.
/// </summary>
public abstract class DossierCodeFormatTests(DatabaseFixture database)
{
    [Theory]
    [InlineData(0)]
    [InlineData(998)]
    [InlineData(9998)]
    [InlineData(99_998)]
    public async Task Both_databases_number_dossiers_as_the_code_format_says(int lastNumberOfTheDay)
    {
        var clock = new ManualClock(Intake.IntakeTests.ReceivedAt.AddHours(1));
        await using var app = new WorkflowsApp(database, clock: clock);
        var day = DateOnly.FromDateTime(Intake.IntakeTests.ReceivedAt.DateTime);
        const string Agency = "000.00.00.H00";
        using (var scope = app.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<WorkflowsDbContext>();
            await db.DossierSequences.Where(s => s.Agency == Agency && s.Day == day).ExecuteDeleteAsync();
            db.DossierSequences.Add(new DossierSequenceRow { Agency = Agency, Day = day, Last = lastNumberOfTheDay });
            await db.SaveChangesAsync();
        }

        using var client = app.ClientWithKey(WorkflowsApp.IntakeKey);
        var codes = new List<string>();
        for (var i = 0; i < 2; i++)
        {
            var response = await client.PostAsJsonAsync("/api/intake/dossiers", Intake.IntakeTests.Body(Intake.IntakeTests.NewExternalCode()));
            Assert.Equal(System.Net.HttpStatusCode.Created, response.StatusCode);
            codes.Add((string)(await response.Content.ReadFromJsonAsync<JsonObject>())!["dossierCode"]!);
        }

        Assert.Equal(
            [DossierCodes.Format(Agency, day, lastNumberOfTheDay + 1), DossierCodes.Format(Agency, day, lastNumberOfTheDay + 2)],
            codes);
    }
}

public sealed class SqliteDossierCodeFormatTests(SqliteDatabase database) : DossierCodeFormatTests(database), IClassFixture<SqliteDatabase>;

public sealed class PostgresDossierCodeFormatTests(PostgresDatabase database) : DossierCodeFormatTests(database), IClassFixture<PostgresDatabase>;
