using System.Diagnostics;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Workflows.Engine.Calendar;
using Workflows.Engine.Definitions;
using Workflows.Engine.Runtime;
using Workflows.Engine.Versions;
using Workflows.Host.Access;
using Workflows.Host.Deadlines;
using Workflows.Host.Definitions;
using Workflows.Host.Infrastructure;
using Workflows.Host.Intake;
using Workflows.Host.Persistence;
using Workflows.Host.Runtime;
using Workflows.Host.Tasks;
using Workflows.Workload;

namespace Workflows.Host.Replay;

/// <summary>
/// Where a replay stands: dossiers finished (every event of theirs up to the replay's end applied, or refused by intake,
/// or ended) of the plan's total, and the wall-clock time spent. 100 % means the replay has nothing left to play.
/// </summary>
internal sealed record ReplayProgress(int Finished, int Total, TimeSpan Elapsed);

/// <summary>
/// What a replay did: dossiers received (and refused by intake), step completions, signals, withdrawals, timers
/// fired, deadline sweeps, and the wall-clock time per kind of work (where the time goes).
/// </summary>
internal sealed record ReplayReport(
    int Received,
    int NotReceived,
    int StepsCompleted,
    int Signals,
    int Withdrawals,
    int TimersFired,
    int Sweeps,
    int Rejected,
    TimeSpan Elapsed,
    IReadOnlyDictionary<string, TimeSpan> Profile)
{
    /// <summary>Step transitions: every completion, signal, withdrawal and fired timer moved a dossier on.</summary>
    public int Transitions => StepsCompleted + Signals + Withdrawals + TimersFired;

    /// <summary>
    /// Where the time went, e.g. "complete 41 %, intake 22 %, ...": each kind's share of the time spent in all kinds
    /// (with dossiers played in parallel, their times add up to more than the wall-clock time).
    /// </summary>
    public string ProfileText => string.Join(", ", Profile.OrderByDescending(p => p.Value)
        .Select(p => $"{p.Key} {100 * p.Value.TotalSeconds / Math.Max(Profile.Values.Sum(v => v.TotalSeconds), 1e-9):F0} %"));
}

/// <summary>
/// Plays generated dossiers through the Host's own code path, in time order, with the clock at each event's
/// simulated instant: intake (<see cref="IntakeReader"/> and <see cref="IntakeService"/>, as the intake endpoint),
/// officers' completions (<see cref="TaskQueries.FindForCompletionAsync"/> and <see cref="WorkflowRunner.CompleteTaskAsync"/>,
/// as the task endpoint), the intake system's signals (tax paid, supplement received) and withdrawals (as the
/// signal and withdraw endpoints), the timers (<see cref="TimerRunner"/>) at their due instants and the deadline sweep
/// (<see cref="DeadlineSweep"/>: warnings, apology letters) at most once per <see cref="SweepInterval"/> of simulated
/// time, before the next event. So due times, on-time and late results, letters, journal and outbox are what the
/// Host would have written live. Each dossier's path follows its plan: a step completes after its drawn share of
/// the step's allotted working time; the first step offering the plan's branch takes it (supplement request, return
/// to the previous step, refusal); a supplement is answered two to five working days after the request, or, when the
/// plan leaves it unanswered, lapses when the procedure's deadline to supplement passes (its timer fires) or, without
/// a deadline, is followed by a withdrawal; another planned withdrawal happens at the first step; tax is paid one to five working days after the dossier starts waiting for
/// it; events after <c>until</c> are left for the live Host (dossiers still in progress).
/// With <see cref="Parallelism"/> above 1, the events of different dossiers within one <see cref="Window"/> of simulated
/// time run concurrently (each dossier's own events in order, each at its own instant on the clock), and timers and the
/// deadline sweep run alone between windows. Everything a dossier's rows say is then the same as played one by one,
/// except the sequence part of dossier codes, which follows the order in which concurrent intakes commit.
/// </summary>
internal sealed class WorkloadReplayer(ReplayServices replay, string externalCodePrefix)
{
    /// <summary>The simulated interval between two deadline sweeps (the live Host sweeps every minute).</summary>
    public TimeSpan SweepInterval { get; init; } = TimeSpan.FromHours(1);

    /// <summary>How many dossiers are played at once (1: one event at a time, in time order, as the demo does).</summary>
    public int Parallelism { get; init; } = 1;

    /// <summary>The span of simulated time whose events are played concurrently when <see cref="Parallelism"/> is above 1.</summary>
    public TimeSpan Window { get; init; } = TimeSpan.FromMinutes(1);

    private const string WithdrawReason = "Công dân có đơn xin rút hồ sơ.";

    private readonly ReplayClock clock = replay.Clock;
    private readonly IServiceProvider services = replay.Provider;
    // Scheduled by concurrent plays too: every use of the queues, the plays and the profile holds `gate`.
    private readonly Lock gate = new();
    private readonly PriorityQueue<ReplayEvent, (DateTimeOffset At, long Order)> events = new();
    private readonly PriorityQueue<Guid, DateTimeOffset> timers = new();
    private readonly HashSet<Guid> timersSeen = [];
    private readonly Dictionary<Guid, DossierPlay> plays = [];
    private readonly Dictionary<string, TimeSpan> profile = new(StringComparer.Ordinal);
    // Per dossier (plan number): events and timers due up to `until` not yet played; a dossier is finished when none is
    // left (or its instance has ended), so the progress counts dossiers done, not dossiers merely received.
    private readonly Dictionary<int, int> pending = [];
    private readonly HashSet<int> finished = [];
    private IProgress<ReplayProgress>? progress;
    private DateTimeOffset until = DateTimeOffset.MaxValue;
    private int total;
    private readonly Stopwatch watch = new();
    private Dictionary<string, string> officers = new(StringComparer.Ordinal);
    private string client = "workload-replay";
    private WorkingCalendar calendar = null!;
    private long order;
    private int received, notReceived, completed, signals, withdrawals, timersFired, sweeps, rejected;
    private DateTimeOffset? lastSweep;

    /// <summary>The external code a replayed dossier is received under (its plan number, so a seed gives the same codes).</summary>
    public string ExternalCode(GeneratedDossier dossier) => $"{externalCodePrefix}-{dossier.Number:D7}";

    /// <summary>Plays <paramref name="plan"/> (in arrival order) up to <paramref name="until"/>.</summary>
    public async Task<ReplayReport> RunAsync(
        IReadOnlyList<GeneratedDossier> plan, DateTimeOffset until, IProgress<ReplayProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(plan);
        watch.Start();
        (this.progress, this.until, total) = (progress, until, plan.Count);
        calendar = services.GetRequiredService<WorkingCalendar>();
        await LoadActorsAsync(cancellationToken);
        foreach (var dossier in plan)
        {
            Schedule(dossier.ReceivedAt, dossier.Number, token => ReceiveAsync(dossier, token));
        }

        while (NextEvent() is { } next && next <= until)
        {
            await FireTimersAsync(next, cancellationToken);
            await SweepAsync(next, cancellationToken);
            if (Parallelism <= 1)
            {
                ReplayEvent single;
                lock (gate)
                {
                    single = events.Dequeue();
                }

                clock.AdvanceTo(single.At);
                await single.Action(cancellationToken);
            }
            else
            {
                await PlayWindowAsync(WindowEnd(next, until), cancellationToken);
            }
        }

        await FireTimersAsync(until, cancellationToken);
        await SweepAsync(until, cancellationToken);
        clock.AdvanceTo(until);
        // Whatever is still scheduled (after `until`, or planned by the last timers) is the live Host's: the replay is done.
        foreach (var dossier in plan)
        {
            Finish(dossier.Number);
        }

        return new ReplayReport(received, notReceived, completed, signals, withdrawals, timersFired, sweeps, rejected, watch.Elapsed, profile);
    }

    private void Schedule(DateTimeOffset at, int dossier, Func<CancellationToken, Task> action)
    {
        lock (gate)
        {
            // Events after `until` are never played: they do not hold their dossier back.
            if (at <= until)
            {
                pending[dossier] = pending.GetValueOrDefault(dossier) + 1;
                var played = action;
                action = async token =>
                {
                    await played(token);
                    Settle(dossier);
                };
            }

            events.Enqueue(new ReplayEvent(at, dossier, action), (at, order++));
        }
    }

    // One of the dossier's events or timers has been played (and what it scheduled next is counted already).
    private void Settle(int dossier)
    {
        lock (gate)
        {
            var left = pending[dossier] - 1;
            pending[dossier] = left;
            if (left == 0)
            {
                Finish(dossier);
            }
        }
    }

    // Counts the dossier finished once, and tells the progress (on this thread, under the gate: reports stay in order).
    private void Finish(int dossier)
    {
        lock (gate)
        {
            if (finished.Add(dossier))
            {
                progress?.Report(new ReplayProgress(finished.Count, total, watch.Elapsed));
            }
        }
    }

    private DateTimeOffset? NextEvent()
    {
        lock (gate)
        {
            return events.TryPeek(out _, out var next) ? next.At : null;
        }
    }

    // The window starting at the next event ends before the next timer falls due and the next sweep is due, so
    // timers and sweeps still run at (about) their own simulated instants, alone.
    private DateTimeOffset WindowEnd(DateTimeOffset next, DateTimeOffset until)
    {
        var end = Min(next + Window, until.AddTicks(1));
        lock (gate)
        {
            if (timers.TryPeek(out _, out var due))
            {
                end = Min(end, due);
            }
        }

        if (lastSweep is { } last)
        {
            end = Min(end, last + SweepInterval);
        }

        // At least the next event itself is played.
        return end > next ? end : next.AddTicks(1);
    }

    private static ref int Counter(bool accepted, ref int whenAccepted, ref int whenRejected)
    {
        if (accepted)
        {
            return ref whenAccepted;
        }

        return ref whenRejected;
    }

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;

    // Plays every event before `end` (those scheduled meanwhile too): the dossiers concurrently, each dossier's events
    // in their order, each event on the clock at its own instant.
    private async Task PlayWindowAsync(DateTimeOffset end, CancellationToken cancellationToken)
    {
        while (true)
        {
            var batch = new List<ReplayEvent>();
            lock (gate)
            {
                while (events.TryPeek(out _, out var next) && next.At < end)
                {
                    batch.Add(events.Dequeue());
                }
            }

            if (batch.Count == 0)
            {
                return;
            }

            var dossiers = batch.GroupBy(e => e.Dossier).Select(g => g.ToList()).ToList();
            await Parallel.ForEachAsync(dossiers, new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken },
                async (dossierEvents, token) =>
                {
                    foreach (var e in dossierEvents)
                    {
                        await clock.RunAtAsync(e.At, () => e.Action(token));
                    }
                });
            clock.AdvanceTo(batch.Max(e => e.At));
        }
    }

    // Officers of each department and the intake system, as the Host knows them (the development users in Development).
    private async Task LoadActorsAsync(CancellationToken cancellationToken)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<WorkflowsDbContext>();
        var principals = await db.Principals.AsNoTracking().OrderBy(p => p.Name).Select(p => new { p.Name, p.Kind, p.Departments }).ToListAsync(cancellationToken);
        client = principals.FirstOrDefault(p => p.Kind == PrincipalKinds.IntakeSystem)?.Name ?? client;
        officers = principals.Where(p => p.Kind == PrincipalKinds.User)
            .SelectMany(p => p.Departments.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(d => (Department: d, p.Name)))
            .GroupBy(x => x.Department, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.First().Name, StringComparer.Ordinal);
    }

    private string OfficerOf(string department) => officers.GetValueOrDefault(department) ?? $"canbo.{department}";

    private async Task<T> TimedAsync<T>(string kind, Func<Task<T>> work)
    {
        var started = watch.Elapsed;
        try
        {
            return await work();
        }
        finally
        {
            var spent = watch.Elapsed - started;
            lock (gate)
            {
                profile[kind] = profile.GetValueOrDefault(kind) + spent;
            }
        }
    }

    private async Task ReceiveAsync(GeneratedDossier dossier, CancellationToken cancellationToken)
    {
        var id = await TimedAsync("intake", async () =>
        {
            await using var scope = services.CreateAsyncScope();
            var receptionPoints = scope.ServiceProvider.GetRequiredService<ReceptionPointDirectory>();
            var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
            var channel = OfferedChannel(scope.ServiceProvider.GetRequiredService<DefinitionRegistry>(), dossier);
            var input = IntakeReader.Read(IntakeBody(dossier, channel), clock.GetUtcNow(), errors, receptionPoints.Accepts);
            if (input is null)
            {
                return (Guid?)null;
            }

            var intake = scope.ServiceProvider.GetRequiredService<IntakeService>();
            await intake.CreateAsync(client, input, cancellationToken);
            return (await intake.FindAsync(client, input.ExternalCode, cancellationToken))?.Id;
        });
        if (id is null)
        {
            // Refused by intake (e.g. the procedure is not in force on that day, or not offered through the channel).
            Interlocked.Increment(ref notReceived);
            return;
        }

        Interlocked.Increment(ref received);
        await ScanAsync(new DossierPlay(id.Value, dossier), cancellationToken);
    }

    // The plan's channel, or, when the procedure is not offered through it, the desk (or the first channel offered):
    // an applicant who cannot apply online goes to the one-stop desk.
    private string OfferedChannel(DefinitionRegistry registry, GeneratedDossier dossier)
    {
        var day = DateOnly.FromDateTime(dossier.ReceivedAt.ToOffset(calendar.UtcOffset).DateTime);
        var offered = registry.Resolve(dossier.ProcedureCode, day)?.Channels ?? [];
        if (offered.Count == 0 || (IntakeReader.Channels.TryGetValue(dossier.Channel, out var planned) && offered.Contains(planned)))
        {
            return dossier.Channel;
        }

        var fallback = offered.Contains(Channel.InPerson) ? Channel.InPerson : offered[0];
        return IntakeReader.Channels.First(c => c.Value == fallback).Key;
    }

    private JsonObject IntakeBody(GeneratedDossier dossier, string channel)
    {
        var random = new Random(dossier.Number);
        var body = new JsonObject
        {
            ["procedureCode"] = dossier.ProcedureCode,
            ["externalCode"] = ExternalCode(dossier),
            ["applicant"] = new JsonObject
            {
                ["name"] = ApplicantNames.Pick(random),
                ["idNumber"] = $"0{random.Next(1, 97):D2}{random.Next(0, 2)}{random.Next(60, 100):D2}{random.Next(0, 1_000_000):D6}",
                ["phone"] = $"09{random.Next(0, 100_000_000):D8}",
                ["address"] = $"Số {random.Next(1, 300)} đường {ApplicantNames.Street(random)}",
            },
            ["channel"] = channel,
            ["receptionPoint"] = dossier.ReceptionPoint,
            ["receivedAt"] = dossier.ReceivedAt.ToString("O"),
            ["formData"] = new JsonObject
            {
                ["floorArea"] = random.Next(40, 400),
                ["floors"] = random.Next(1, 6),
                ["residenceOwnership"] = random.NextDouble() < 0.7 ? "owner" : "rented",
                ["needsVerification"] = random.NextDouble() < 0.1,
            },
            ["documents"] = new JsonArray(new JsonObject { ["name"] = "Đơn đề nghị (theo mẫu)", ["originals"] = 1 }),
        };
        if (dossier.ReturnPoint is { } returnPoint)
        {
            body["returnPoint"] = returnPoint;
        }

        return body;
    }

    // Reads the dossier (and its sub-processes): schedules what its plan does with every new open task, signal
    // and supplement wait, and notes its timers; a dossier with nothing scheduled waits for a timer or a parent.
    private async Task ScanAsync(DossierPlay play, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            plays[play.Id] = play;
        }

        await TimedAsync("scan", async () =>
        {
            await using var scope = services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<WorkflowsDbContext>();
            var instance = await scope.ServiceProvider.GetRequiredService<ChangesetStore>().LoadInstanceAsync(play.Id, cancellationToken);
            if (instance is null || instance.IsFinished)
            {
                // Ended: what is still scheduled for it (a timer, a signal) changes nothing any more.
                Finish(play.Plan.Number);
                return 0;
            }

            var children = await db.Instances.AsNoTracking()
                .Where(i => i.ParentInstanceId == play.Id && i.Status == StoredValues.RunningInstance).Select(i => i.Id).ToListAsync(cancellationToken);
            children.Add(play.Id);
            var open = await db.Tasks.AsNoTracking()
                .Where(t => children.Contains(t.InstanceId) && t.State == TaskStates.Open)
                .OrderBy(t => t.OpenedAt).ThenBy(t => t.NodeId)
                .Select(t => new { t.Id, t.Department, t.OpenedAt, t.DueAt })
                .ToListAsync(cancellationToken);
            var now = clock.GetUtcNow();
            foreach (var task in open.Where(t => play.Seen.Add(t.Id)))
            {
                var factor = play.Plan.StepDurations.Count == 0 ? 1.0 : play.Plan.StepDurations[play.Steps % play.Plan.StepDurations.Count];
                play.Steps++;
                var allotted = calendar.WorkingMinutesBetween(task.OpenedAt, task.DueAt);
                var at = Later(calendar.AddWorkingMinutes(task.OpenedAt, (long)Math.Round(factor * allotted)), now);
                var (taskId, department) = (task.Id, task.Department);
                Schedule(at, play.Plan.Number, token => CompleteAsync(play, taskId, department, token));
            }

            foreach (var bookmark in instance.Bookmarks.Where(b => play.Seen.Add(b.Id)))
            {
                switch (bookmark.Kind)
                {
                    case BookmarkKind.Signal:
                        var paidAfter = (long)(calendar.HoursPerWorkingDay * 60 * (1 + new Random(play.Plan.Number * 31).Next(0, 5)));
                        Schedule(calendar.AddWorkingMinutes(now, paidAfter), play.Plan.Number, token => SignalAsync(play, bookmark.Id, new JsonObject { ["taxPaid"] = true }, token));
                        break;
                    case BookmarkKind.Supplement:
                        var answerAfter = (long)(calendar.HoursPerWorkingDay * 60 * (2 + new Random(play.Plan.Number * 17).Next(0, 4)));
                        // Unanswered, the request lapses when the procedure's deadline to supplement passes (its timer);
                        // without a deadline, the applicant withdraws after two working weeks.
                        if (play.Plan.SupplementAnswered)
                        {
                            Schedule(calendar.AddWorkingMinutes(now, answerAfter), play.Plan.Number, token => SignalAsync(play, bookmark.Id, null, token));
                        }
                        else if (!instance.Bookmarks.Any(b => b.Kind == BookmarkKind.Timer && b.Key == Bookmark.SupplementDeadlineKey))
                        {
                            Schedule(calendar.AddWorkingMinutes(now, (long)(calendar.HoursPerWorkingDay * 60 * 10)), play.Plan.Number, token => WithdrawAsync(play, token));
                        }

                        break;
                    case BookmarkKind.Timer when bookmark.DueAt is { } due:
                        lock (gate)
                        {
                            if (timersSeen.Add(bookmark.Id))
                            {
                                timers.Enqueue(play.Id, due);
                                if (due <= until)
                                {
                                    pending[play.Plan.Number] = pending.GetValueOrDefault(play.Plan.Number) + 1;
                                }
                            }
                        }

                        break;
                }
            }

            return 0;
        });
    }

    private static DateTimeOffset Later(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    private async Task CompleteAsync(DossierPlay play, Guid taskId, string department, CancellationToken cancellationToken)
    {
        var withdraw = false;
        await TimedAsync("complete", async () =>
        {
            for (var attempt = 1; attempt <= TasksApi.MaxCompletionAttempts; attempt++)
            {
                await using var scope = services.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<WorkflowsDbContext>();
                await db.Database.OpenConnectionAsync(cancellationToken);
                var queries = new TaskQueries(db, scope.ServiceProvider.GetRequiredService<DefinitionCatalogue>(), calendar, clock);
                var loaded = await queries.FindForCompletionAsync(taskId, new HashSet<string>([department], StringComparer.Ordinal), cancellationToken);
                if (loaded is null || loaded.Task.State != TaskStates.Open)
                {
                    // Closed meanwhile (a fork's other branch ended it, the dossier was stopped): nothing to do.
                    return 0;
                }

                var actor = loaded.Task.ClaimedBy ?? OfficerOf(department);
                var outcome = Outcome(play, loaded.Task.Outcomes);
                if (outcome is null)
                {
                    withdraw = true;
                    return 0;
                }

                try
                {
                    var runner = scope.ServiceProvider.GetRequiredService<WorkflowRunner>();
                    var (result, _) = await runner.CompleteTaskAsync(
                        loaded.Instance,
                        new ResumeRequest { BookmarkId = taskId, Outcome = outcome, Actor = actor },
                        new TaskClaim(taskId, actor, loaded.RowVersion, loaded.Task.OpenedAt, loaded.Task.DueAt),
                        loaded.Dossier,
                        cancellationToken);
                    if (result.Accepted)
                    {
                        Interlocked.Increment(ref completed);
                    }
                    else
                    {
                        Interlocked.Increment(ref rejected);
                    }

                    return 0;
                }
                catch (Exception e) when (e is ConcurrencyConflictException or TaskClaimLostException || DatabaseErrors.IsTransientConflict(e))
                {
                    // A live request or a background write acted on the dossier at the same time: read it again.
                }
            }

            Interlocked.Increment(ref rejected);
            return 0;
        });
        if (withdraw)
        {
            await WithdrawAsync(play, cancellationToken);
            return;
        }

        await ScanAsync(play, cancellationToken);
    }

    /// <summary>
    /// The plan's branch on the first step that offers it; otherwise the step approves. Null: the applicant withdraws
    /// instead, during the first step (a plan whose supplement request goes unanswered asks for it there if the step can,
    /// and lets it lapse).
    /// </summary>
    private static string? Outcome(DossierPlay play, IReadOnlyList<string> outcomes)
    {
        var first = play.Worked++ == 0;
        if (play.Plan.Fate == DossierFate.Withdrawn)
        {
            var unanswered = play.Plan.SupplementRequested && !play.Plan.SupplementAnswered;
            // Left unanswered, a supplement is asked by the first step after intake that can; one that cannot, withdraws.
            if (unanswered ? !first && !play.SupplementAsked && !outcomes.Contains(Outcomes.NeedsSupplement) : first)
            {
                return null;
            }
        }

        if (play.Plan.SupplementRequested && !play.SupplementAsked && outcomes.Contains(Outcomes.NeedsSupplement))
        {
            play.SupplementAsked = true;
            return Outcomes.NeedsSupplement;
        }

        if (play.Plan.Fate == DossierFate.Refused && outcomes.Contains(Outcomes.Rejected))
        {
            return Outcomes.Rejected;
        }

        if (play.Plan.ReturnedToEarlierStep && !play.Returned && outcomes.Contains(Outcomes.ReturnToPrevious))
        {
            play.Returned = true;
            return Outcomes.ReturnToPrevious;
        }

        return outcomes.Contains(Outcomes.Approved) ? Outcomes.Approved : outcomes[0];
    }

    private async Task SignalAsync(DossierPlay play, Guid bookmarkId, JsonObject? data, CancellationToken cancellationToken)
    {
        await TimedAsync("signal", async () =>
        {
            await using var scope = services.CreateAsyncScope();
            var instance = await scope.ServiceProvider.GetRequiredService<ChangesetStore>().LoadInstanceAsync(play.Id, cancellationToken);
            if (instance is null || instance.IsFinished || instance.Bookmarks.All(b => b.Id != bookmarkId))
            {
                return 0;
            }

            var result = await scope.ServiceProvider.GetRequiredService<WorkflowRunner>()
                .ResumeAsync(instance, new ResumeRequest { BookmarkId = bookmarkId, Data = data, Actor = client }, cancellationToken);
            Interlocked.Increment(ref Counter(result.Accepted, ref signals, ref rejected));
            return 0;
        });
        await ScanAsync(play, cancellationToken);
    }

    private async Task WithdrawAsync(DossierPlay play, CancellationToken cancellationToken)
    {
        await TimedAsync("withdraw", async () =>
        {
            await using var scope = services.CreateAsyncScope();
            var instance = await scope.ServiceProvider.GetRequiredService<ChangesetStore>().LoadInstanceAsync(play.Id, cancellationToken);
            if (instance is null || instance.IsFinished)
            {
                return 0;
            }

            var result = await scope.ServiceProvider.GetRequiredService<WorkflowRunner>()
                .TerminateAsync(instance, new TerminateRequest { Result = EndResult.Withdrawn, Actor = client, Reason = WithdrawReason }, cancellationToken);
            Interlocked.Increment(ref Counter(result.Accepted, ref withdrawals, ref rejected));
            return 0;
        });
        await ScanAsync(play, cancellationToken);
    }

    // Fires the timers due up to `until`, each at its own due instant, then reads its dossier again.
    private async Task FireTimersAsync(DateTimeOffset until, CancellationToken cancellationToken)
    {
        while (NextTimer(until) is var (timerInstance, due))
        {
            clock.AdvanceTo(due);
            var sweep = await TimedAsync("timers", () => services.GetRequiredService<TimerRunner>().RunOnceAsync(clock.GetUtcNow(), cancellationToken));
            timersFired += sweep.Fired;
            // The fired timer's dossier goes on (or ended): read it again.
            DossierPlay? play;
            lock (gate)
            {
                play = plays.GetValueOrDefault(timerInstance);
            }

            if (play is not null)
            {
                await ScanAsync(play, cancellationToken);
                Settle(play.Plan.Number);
            }
        }
    }

    private (Guid Instance, DateTimeOffset Due)? NextTimer(DateTimeOffset until)
    {
        lock (gate)
        {
            return timers.TryPeek(out var instance, out var due) && due <= until ? (timers.Dequeue(), due) : null;
        }
    }

    private async Task SweepAsync(DateTimeOffset at, CancellationToken cancellationToken)
    {
        if (lastSweep is { } last && at - last < SweepInterval)
        {
            return;
        }

        lastSweep = at;
        clock.AdvanceTo(at);
        // Not the recount after a calendar edit: its marks are the live Host's, in real time, and its messages are news.
        await TimedAsync("deadlines", () => services.GetRequiredService<DeadlineSweep>().RunOnceAsync(clock.GetUtcNow(), recountEdits: false, cancellationToken));
        sweeps++;
    }

    /// <summary>Something a dossier's plan does at a simulated instant (<see cref="Dossier"/>: its plan number).</summary>
    private sealed record ReplayEvent(DateTimeOffset At, int Dossier, Func<CancellationToken, Task> Action);

    /// <summary>One dossier of the plan while it is replayed.</summary>
    private sealed class DossierPlay(Guid id, GeneratedDossier plan)
    {
        public Guid Id { get; } = id;

        public GeneratedDossier Plan { get; } = plan;

        /// <summary>Tasks and bookmarks already scheduled (or noted), so a new read schedules only what is new.</summary>
        public HashSet<Guid> Seen { get; } = [];

        public int Steps { get; set; }

        public bool SupplementAsked { get; set; }

        public bool Returned { get; set; }

        /// <summary>Steps completed (or about to be) so far.</summary>
        public int Worked { get; set; }
    }
}
