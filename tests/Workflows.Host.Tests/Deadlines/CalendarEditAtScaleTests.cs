using System.Data.Common;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Workflows.Engine.Calendar;
using Workflows.Engine.Definitions;
using Workflows.Engine.Versions;
using Workflows.Host.Calendars;
using Workflows.Host.Deadlines;
using Workflows.Host.Persistence;
using Workflows.Host.Tests.Intake;
using Workflows.Host.Tests.Support;

namespace Workflows.Host.Tests.Deadlines;

/// <summary>
/// A calendar edit over a centre's many open dossiers: each moves as the engine's calendar says, and the edit reads them
/// in a few queries, not one (or two) per dossier. Its own database: the other deadline tests list "the first moved dossiers".
/// </summary>
public abstract class CalendarEditAtScaleTests(DatabaseFixture database)
{
    private const int Dossiers = 240;
    private static readonly TimeSpan Vietnam = TimeSpan.FromHours(7);
    private static readonly string[] Procedures = ["T.0001", "T.0002", "T.0003"];

    private static DateTimeOffset At(int day, int hour, int minute = 0) => new(2026, 3, day, hour, minute, 0, Vietnam);

    [Fact]
    public async Task A_day_off_added_with_hundreds_of_open_dossiers_moves_each_as_the_calendar_says_reading_them_in_a_few_queries()
    {
        using var definitions = new TestDefinitionsFolder();
        var clock = new ManualClock(At(2, 7));
        var commands = new CommandCounter();
        await using var app = new WorkflowsApp(database, definitions.Path, clock, services: services =>
        {
            services.ConfigureDbContext<SqliteWorkflowsDbContext>(o => o.AddInterceptors(commands));
            services.ConfigureDbContext<PostgresWorkflowsDbContext>(o => o.AddInterceptors(commands));
        });
        using var scope = app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<WorkflowsDbContext>();
        await db.Set<CalendarRow>().ExecuteDeleteAsync();
        await app.Services.GetRequiredService<CalendarProvider>().ReloadAsync(db, CancellationToken.None);

        // Received from Monday 07:00 to Wednesday afternoon, every 13 minutes, on three procedures.
        using var intake = app.ClientWithKey(WorkflowsApp.IntakeKey);
        for (var i = 0; i < Dossiers; i++)
        {
            var receivedAt = At(2, 7).AddMinutes(13 * i);
            clock.Now = receivedAt.AddMinutes(1);
            var created = await intake.PostAsJsonAsync("/api/intake/dossiers", IntakeTests.Body(IntakeTests.NewExternalCode(), Procedures[i % Procedures.Length], receivedAt: receivedAt));
            Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        }

        var before = await db.Dossiers.AsNoTracking().ToDictionaryAsync(d => d.Id, d => d.DueAt);
        var tasksBefore = await db.Tasks.AsNoTracking().Where(t => t.State == TaskStates.Open).ToDictionaryAsync(t => t.Id, t => t.DueAt);
        clock.Now = At(4, 15);
        commands.Reset();

        using var admin = app.ClientWithKey(WorkflowsApp.AdministratorKey);
        var response = await admin.PutAsync(new Uri("/api/calendars/2026", UriKind.Relative),
            new StringContent(TestDefinitionsFolder.Calendar("2026-01-01", "2026-03-04"), System.Text.Encoding.UTF8, "application/json"));

        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var queries = commands.Count;
        var updated = (await response.Content.ReadFromJsonAsync<JsonObject>())!;

        // Independently: every appointment and step due time counted on the edited calendar by the engine.
        var calendar = app.Services.GetRequiredService<CalendarProvider>().Current;
        Assert.False(calendar.IsWorkingDay(new DateOnly(2026, 3, 4)));
        var deadlines = new CalendarDeadlines(calendar, app.Services.GetRequiredService<Engine.Deadlines.CutOffRule>());
        var registry = app.Services.GetRequiredService<DefinitionRegistry>();
        var dossiers = await db.Dossiers.AsNoTracking().ToListAsync();
        var movedDossiers = 0;
        foreach (var dossier in dossiers)
        {
            var limit = registry.Get(dossier.ProcedureCode, dossier.ProcedureVersion)!.CommittedLimitFor(Channel.InPerson);
            var expected = deadlines.Add(dossier.CountingFrom, limit);
            Assert.Equal((dossier.Code, expected, expected), (dossier.Code, dossier.OriginalDueAt, dossier.DueAt));
            movedDossiers += expected != before[dossier.Id] ? 1 : 0;
        }

        var tasks = await (from t in db.Tasks.AsNoTracking()
                           where t.State == TaskStates.Open
                           join i in db.Instances.AsNoTracking() on t.InstanceId equals i.Id
                           select new { t.Id, t.NodeId, t.OpenedAt, t.DueAt, i.DefinitionCode, i.DefinitionVersion }).ToListAsync();
        var bookmarks = await db.Bookmarks.AsNoTracking().ToDictionaryAsync(b => b.Id, b => b.DueAt);
        var movedTasks = 0;
        foreach (var task in tasks)
        {
            var step = registry.Get(task.DefinitionCode, task.DefinitionVersion)!.Flowchart.Nodes.OfType<StepNode>().Single(n => n.Id == task.NodeId);
            var expected = deadlines.StepDue(task.OpenedAt, step.AllottedTime);
            Assert.Equal((task.Id, expected, (DateTimeOffset?)expected), (task.Id, task.DueAt, bookmarks[task.Id]));
            movedTasks += expected != tasksBefore[task.Id] ? 1 : 0;
        }

        // Most moved (those counted across Wednesday), and the answer, journal and messages say so for each.
        Assert.True(movedDossiers > Dossiers / 2 && movedTasks > 0, $"{movedDossiers} dossiers, {movedTasks} tasks moved");
        Assert.Equal((movedTasks, movedDossiers), ((int)updated["tasksMoved"]!, (int)updated["dossiersMoved"]!));
        var changes = await db.Journal.AsNoTracking().Where(j => j.Kind == DeadlineJournalKinds.DueTimeChanged).ToListAsync();
        Assert.Equal(movedTasks + movedDossiers, changes.Count);
        foreach (var dossier in dossiers.Where(d => d.DueAt != before[d.Id]))
        {
            var change = Assert.Single(changes, j => j.InstanceId == dossier.Id && j.NodeId is null);
            Assert.Equal(DeadlineJournal.Change(before[dossier.Id], dossier.DueAt), change.Detail);
        }

        var messages = await db.Outbox.AsNoTracking().Where(o => o.Kind == "statusChanged" && o.CreatedAt == clock.Now).ToListAsync();
        Assert.Equal(movedDossiers, messages.Count);
        Assert.All(messages, m => Assert.Equal(
            dossiers.Single(d => d.Id == m.InstanceId).DueAt, ((DateTimeOffset)JsonNode.Parse(m.Payload)!["dueAt"]!).ToUniversalTime()));

        // The timelines stay numbered without gaps or repeats.
        var sequences = await db.Journal.AsNoTracking().GroupBy(j => j.InstanceId).Select(g => new { g.Key, Count = g.Count(), Max = g.Max(j => j.Sequence) }).ToListAsync();
        Assert.All(sequences, s => Assert.Equal(s.Count, s.Max));

        // The calendar row, the reads of the edit, and its set-based writes: not hundreds of statements.
        Assert.True(queries < 40, $"The calendar edit ran {queries} statements through EF for {Dossiers} dossiers.");
    }

    [Fact]
    public async Task A_calendar_edit_pays_per_journal_row_and_message_for_nothing_that_no_reader_uses()
    {
        // What a city's edit writes 100,000 times: a journal row (its key only: no lookup of its instance, which the writer
        // has just updated in the same transaction, and instances are never deleted) and a statusChanged message (its key
        // and the dispatcher's index of pending messages: nothing looks messages up by instance).
        using var definitions = new TestDefinitionsFolder();
        await using var app = new WorkflowsApp(database, definitions.Path, new ManualClock(At(2, 7)));
        using var scope = app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<WorkflowsDbContext>();
        var postgres = db.Database.IsNpgsql();

        var journalKeys = await db.Database.SqlQueryRaw<string>(postgres
            ? "SELECT conname AS \"Value\" FROM pg_constraint WHERE conrelid IN ('journal'::regclass, 'journal_archive'::regclass) AND contype = 'f'"
            : "SELECT \"table\" AS \"Value\" FROM pragma_foreign_key_list('journal') UNION ALL SELECT \"table\" FROM pragma_foreign_key_list('journal_archive')").ToListAsync();
        var outboxIndexes = await db.Database.SqlQueryRaw<string>(postgres
            ? "SELECT indexname AS \"Value\" FROM pg_indexes WHERE tablename = 'outbox' AND indexname <> 'pk_outbox'"
            : "SELECT name AS \"Value\" FROM pragma_index_list('outbox') WHERE name NOT LIKE 'sqlite_autoindex_%'").ToListAsync();

        Assert.Empty(journalKeys);
        Assert.Equal(["ix_outbox_pending"], outboxIndexes);
    }

    /// <summary>Counts the commands EF sends while armed.</summary>
    private sealed class CommandCounter : DbCommandInterceptor
    {
        private int count;

        public int Count => Volatile.Read(ref count);

        public void Reset() => Interlocked.Exchange(ref count, 0);

        public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
            DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref count);
            return base.ReaderExecutingAsync(command, eventData, result, cancellationToken);
        }

        public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(
            DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref count);
            return base.NonQueryExecutingAsync(command, eventData, result, cancellationToken);
        }

        public override ValueTask<InterceptionResult<object>> ScalarExecutingAsync(
            DbCommand command, CommandEventData eventData, InterceptionResult<object> result, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref count);
            return base.ScalarExecutingAsync(command, eventData, result, cancellationToken);
        }
    }
}

public sealed class SqliteCalendarEditAtScaleTests(SqliteDatabase database) : CalendarEditAtScaleTests(database), IClassFixture<SqliteDatabase>;

public sealed class PostgresCalendarEditAtScaleTests(PostgresDatabase database) : CalendarEditAtScaleTests(database), IClassFixture<PostgresDatabase>;
