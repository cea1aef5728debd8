using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Workflows.Engine.Calendar;
using Workflows.Host.Dossiers;
using Workflows.Host.Persistence;
using Workflows.Host.Replay;
using Workflows.Host.Reports;
using Workflows.Host.Tests.Support;
using Workflows.Workload;

namespace Workflows.Host.Tests.Replay;

/// <summary>
/// A generated week of the sample catalogue replayed through the Host's code path on a replay clock: the dossiers,
/// tasks, journal and report figures are what the plan says, and the same seed gives the same history.
/// </summary>
public abstract class WorkloadReplayTests(DatabaseFixture database)
{
    // Monday 2 to Friday 6 March 2026: an ordinary working week; the replay runs on until every dossier has ended.
    // (The same-seed test replays a week of 2027, so the two tests' report periods never meet in the class's database.)
    private static readonly DateOnly From = new(2026, 3, 2);
    private static readonly DateOnly SeedWeek = new(2027, 3, 1);
    private static readonly TimeSpan Offset = TimeSpan.FromHours(7);
    private static readonly DateTimeOffset Until = Start(From).AddDays(RunOnDays);
    private const int RunOnDays = 150;

    private static DateTimeOffset Start(DateOnly monday) => new(monday.ToDateTime(TimeOnly.MinValue), Offset);

    // The live clock stays far from the replayed week: nothing the replay writes may take its time from it.
    private WorkflowsApp NewApp() =>
        new(database, RepositoryDefinitions, clock: new ManualClock(new DateTimeOffset(2030, 1, 2, 9, 0, 0, TimeSpan.FromHours(7))),
            settings: new Dictionary<string, string> { ["Demo:Seed"] = "false" });

    /// <summary>The repository's definitions/ folder: the sample catalogue the demo seeds.</summary>
    internal static string RepositoryDefinitions
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Workflows.sln")))
                {
                    return Path.Combine(dir.FullName, "definitions");
                }
            }

            throw new InvalidOperationException("Workflows.sln not found above the test assembly.");
        }
    }

    [Fact]
    public async Task Replayed_week_gives_the_dossiers_outcomes_late_share_and_report_figures_of_its_plan()
    {
        await using var app = NewApp();
        // Supplements asked more often than in life, half of them unanswered, so the week surely holds a lapsed request.
        var (plan, report) = await ReplayAsync(app, "W1", seed: 7, From, s => s with { SupplementShare = 0.4, SupplementAnsweredShare = 0.5 });

        Assert.True(plan.Count >= 30, $"a week of 8 a day should bring dozens of dossiers, not {plan.Count}");
        Assert.Equal(plan.Count, report.Received);
        Assert.Equal(0, report.NotReceived);
        Assert.Equal(0, report.Rejected);

        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<WorkflowsDbContext>();
        var dossiers = await db.Dossiers.AsNoTracking().Where(d => d.ExternalCode.StartsWith("W1-")).ToListAsync();
        Assert.Equal(plan.Count, dossiers.Count);
        // Received when the plan says, by the live Host's code (numbered, due times counted on the calendar).
        var byCode = dossiers.ToDictionary(d => d.ExternalCode);
        foreach (var dossier in plan)
        {
            var row = byCode[$"W1-{dossier.Number:D7}"];
            Assert.Equal(dossier.ReceivedAt, row.ReceivedAt);
            Assert.Equal(dossier.ProcedureCode, row.ProcedureCode);
            Assert.True(row.DueAt > row.ReceivedAt);
        }

        // Every dossier has ended as its plan says: refusals, withdrawals (or lapsed supplement requests), the rest resolved.
        Assert.All(dossiers, d => Assert.NotNull(d.CompletedAt));
        // (A refusal at the first step is a refusal to receive, status 3; later, a resolution with a refusal: docs/statuses.md.)
        var ids = dossiers.Select(d => d.Id).ToList();
        var tasks = await db.Tasks.AsNoTracking().Where(t => ids.Contains(t.InstanceId) && t.State == TaskStates.Completed).ToListAsync();
        var refused = tasks.Where(t => t.Outcome == "rejected").Select(t => t.InstanceId).ToHashSet();
        Assert.Equal(plan.Count(d => d.Fate == DossierFate.Refused), refused.Count);
        Assert.All(dossiers.Where(d => refused.Contains(d.Id)), d => Assert.True(d.Status is DossierStatus.Refused or DossierStatus.Resolved));
        Assert.Equal(plan.Count(d => d.Fate == DossierFate.Withdrawn), dossiers.Count(d => d.Status is DossierStatus.Withdrawn or DossierStatus.Stopped));
        Assert.Equal(plan.Count(d => d.Fate != DossierFate.Withdrawn), dossiers.Count(d => d.Status is DossierStatus.Resolved or DossierStatus.ResultReturned or DossierStatus.Refused));
        Assert.All(dossiers, d => Assert.True(d.CompletedAt >= d.ReceivedAt && d.CompletedAt < Until));

        // Officers are late on about the plan's share of steps (10 %), as the plan drew them.
        var lateShare = (double)tasks.Count(t => t.ClosedAt > t.DueAt) / tasks.Count;
        Assert.InRange(lateShare, 0.04, 0.2);
        Assert.All(tasks, t => Assert.True(t.ClosedAt >= t.OpenedAt));

        // A supplement requested and answered, a tax wait paid, a lapsed supplement request fired by its timer at its due instant.
        var journal = await db.Journal.AsNoTracking().Where(j => ids.Contains(j.InstanceId)).ToListAsync();
        Assert.Contains(journal, j => j.Kind == "supplementRequested");
        Assert.Contains(journal, j => j.Kind == "supplementReceived");
        Assert.Contains(journal, j => j.Kind == "signalReceived" && j.Outcome == "taxPaid");
        var stopped = dossiers.Where(d => d.Status == DossierStatus.Stopped).Select(d => d.Id).ToList();
        Assert.NotEmpty(stopped);
        foreach (var lapsed in stopped.Select(id => journal.Single(j => j.InstanceId == id && j.Kind == "timerFired")))
        {
            var set = journal.Single(j => j.InstanceId == lapsed.InstanceId && j.Kind == "supplementRequested");
            Assert.True(lapsed.At > set.At.AddDays(30), "the deadline to supplement lapses in simulated time, weeks after the request");
        }

        // Nothing was written at the live clock's time.
        Assert.All(journal, j => Assert.True(j.At < Until));

        // The summary report counts the replayed week as the plan does.
        using var client = app.ClientWithKey(WorkflowsApp.AdministratorKey);
        var summary = await client.GetFromJsonAsync<SummaryReport>(
            $"/api/reports/summary?from={From:yyyy-MM-dd}&to={DateOnly.FromDateTime(Until.DateTime):yyyy-MM-dd}", JsonSerializerOptions.Web);
        Assert.Equal(plan.Count, summary!.Total.Received.Total);
        Assert.Equal(dossiers.Count(d => d.Channel == GeneratedDossier.Online), summary.Total.Received.Online);
        Assert.InRange(summary.Total.Received.Online, 1, plan.Count(d => d.Channel == GeneratedDossier.Online));
        Assert.Equal(dossiers.Count(d => d.Status == DossierStatus.Refused), summary.Total.Finished.Refused);
        Assert.Equal(plan.Count(d => d.Fate != DossierFate.Withdrawn), summary.Total.Finished.Resolved + summary.Total.Finished.Refused);
        Assert.Equal(plan.Count(d => d.Fate == DossierFate.Withdrawn), summary.Total.Finished.Withdrawn + summary.Total.Finished.Stopped);
        Assert.True(summary.Total.Finished.Late > 0 || summary.Total.Finished.Resolved == summary.Total.Finished.Early + summary.Total.Finished.OnTime);
    }

    [Fact]
    public async Task Same_seed_replayed_twice_gives_the_same_history()
    {
        await using var app = NewApp();
        await ReplayAsync(app, "S1", seed: 11, SeedWeek);
        await ReplayAsync(app, "S2", seed: 11, SeedWeek);

        var first = await HistoryAsync(app, "S1-");
        var second = await HistoryAsync(app, "S2-");
        Assert.True(first.Count > 0);
        Assert.Equal(first, second);
    }

    [Fact]
    public async Task Dossiers_played_in_parallel_give_the_same_history_as_played_one_by_one()
    {
        await using var app = NewApp();
        var (_, oneByOne) = await ReplayAsync(app, "P1", seed: 13, SeedWeek);
        var (_, parallel) = await ReplayAsync(app, "P4", seed: 13, SeedWeek, parallelism: 4);

        Assert.Equal(oneByOne.Received, parallel.Received);
        Assert.Equal(oneByOne.Transitions, parallel.Transitions);
        Assert.Equal(0, parallel.Rejected);
        var first = await HistoryAsync(app, "P1-");
        Assert.True(first.Count > 0);
        Assert.Equal(first, await HistoryAsync(app, "P4-"));
    }

    [Fact]
    public async Task Progress_counts_a_dossier_only_once_it_has_ended_and_reaches_the_total_when_the_replay_is_done()
    {
        await using var app = NewApp();
        // Its own week, so the other tests' report periods do not see these dossiers.
        var week = new DateOnly(2028, 3, 6);
        var seen = new List<(ReplayProgress Progress, int Ended)>();
        var progress = new RecordingProgress(p =>
        {
            // What an operator would check at that instant: how many of the replayed dossiers have ended in the database.
            using var scope = app.Services.CreateScope();
            var db = scope.ServiceProvider.GetRequiredService<WorkflowsDbContext>();
            seen.Add((p, db.Dossiers.Count(d => d.ExternalCode.StartsWith("F1-") && d.CompletedAt != null)));
        });

        var (plan, report) = await ReplayAsync(app, "F1", seed: 5, week, progress: progress);

        Assert.Equal(0, report.NotReceived);
        Assert.NotEmpty(seen);
        Assert.All(seen, s => Assert.Equal(plan.Count, s.Progress.Total));
        // Every report says exactly how many dossiers are done: received but still being worked is not done.
        Assert.All(seen, s => Assert.Equal(s.Ended, s.Progress.Finished));
        Assert.Equal(Enumerable.Range(1, plan.Count), seen.Select(s => s.Progress.Finished));
        Assert.Equal(plan.Count, seen[^1].Progress.Finished);
    }

    // Reports on the replayer's thread, as the console bar does (a Progress<T> would post them to the thread pool).
    private sealed class RecordingProgress(Action<ReplayProgress> report) : IProgress<ReplayProgress>
    {
        public void Report(ReplayProgress value) => report(value);
    }

    private static async Task<(List<GeneratedDossier> Plan, ReplayReport Report)> ReplayAsync(
        WorkflowsApp app, string prefix, int seed, DateOnly monday, Func<WorkloadSettings, WorkloadSettings>? adjust = null, int parallelism = 1,
        IProgress<ReplayProgress>? progress = null)
    {
        var until = Start(monday).AddDays(RunOnDays);
        await using var replay = await ReplayServices.CreateAsync(app.Services.GetRequiredService<HostRegistrations>(), Start(monday), CancellationToken.None);
        var settings = await ReplayPlans.SettingsAsync(replay.Provider, monday, monday.AddDays(4), dossiersPerWorkingDay: 8, seed, CancellationToken.None);
        var plan = ReplayPlans.Generate(replay.Provider.GetRequiredService<WorkingCalendar>(), adjust?.Invoke(settings) ?? settings, until);
        var report = await new WorkloadReplayer(replay, prefix) { Parallelism = parallelism }.RunAsync(plan, until, progress, CancellationToken.None);
        return (plan, report);
    }

    // What a user sees of each dossier of a replay, keyed by its plan number: status, times, and each step's times and outcome.
    private static async Task<List<string>> HistoryAsync(WorkflowsApp app, string prefix)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<WorkflowsDbContext>();
        var dossiers = await db.Dossiers.AsNoTracking().Where(d => d.ExternalCode.StartsWith(prefix)).ToListAsync();
        var ids = dossiers.Select(d => d.Id).ToList();
        var tasks = (await db.Tasks.AsNoTracking().Where(t => ids.Contains(t.InstanceId)).ToListAsync()).ToLookup(t => t.InstanceId);
        var journal = (await db.Journal.AsNoTracking().Where(j => ids.Contains(j.InstanceId)).ToListAsync()).ToLookup(j => j.InstanceId);
        return [.. dossiers.OrderBy(d => d.ExternalCode).Select(d =>
            $"{d.ExternalCode[prefix.Length..]} {d.ProcedureCode} {d.Status} {d.ReceivedAt:O} {d.DueAt:O} {d.CompletedAt:O} | "
            + string.Join("; ", tasks[d.Id].OrderBy(t => t.OpenedAt).ThenBy(t => t.NodeId).Select(t => $"{t.NodeId} {t.Department} {t.OpenedAt:O} {t.DueAt:O} {t.ClosedAt:O} {t.Outcome} {t.Actor}"))
            + " | " + string.Join(", ", journal[d.Id].OrderBy(j => j.Sequence).Select(j => $"{j.Kind}:{j.NodeId}:{j.Outcome}:{j.At:O}")))];
    }
}

public sealed class SqliteWorkloadReplayTests(SqliteDatabase database) : WorkloadReplayTests(database), IClassFixture<SqliteDatabase>;

public sealed class PostgresWorkloadReplayTests(PostgresDatabase database) : WorkloadReplayTests(database), IClassFixture<PostgresDatabase>;
