using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Workflows.Engine.Calendar;
using Workflows.Engine.Deadlines;
using Workflows.Engine.Runtime;
using Workflows.Host.Calendars;
using Workflows.Host.Definitions;
using Workflows.Host.Dossiers;
using Workflows.Host.Infrastructure;
using Workflows.Host.Persistence;

namespace Workflows.Host.Deadlines;

/// <summary>What one sweep did.</summary>
internal sealed record DeadlineSweepResult(int TasksWarned, int DossiersWarned, int ApologiesDrafted);

/// <summary>
/// Every <see cref="DeadlineFlowOptions.SweepInterval"/>: warns the responsible departments once when a step
/// or a dossier is due within <see cref="DeadlineFlowOptions.WarnBefore"/> of working time (or already late),
/// with a <c>notify</c> outbox message (template <see cref="WarningTemplate"/>, e-mail to the department) and a
/// <c>dueSoonWarned</c> journal row; and drafts an apology letter (form 04) for a dossier that will be late when
/// it has no open draft. It also picks up calendar years another node stored, and counts every open due time again once
/// every node has reloaded an edited calendar (<see cref="DueTimeRecount"/>).
/// </summary>
/// <remarks>
/// Dossiers whose clock is stopped (supplement requested, financial obligation due) are skipped: their
/// appointment moves when the clock starts again. Each item is its own transaction; one that conflicts with an
/// engine call is tried again next sweep, and the unique (subject, due time) index keeps two nodes from warning
/// twice.
/// </remarks>
internal sealed class DeadlineSweep(
    IServiceScopeFactory scopes,
    CalendarProvider calendars,
    Definitions.DefinitionFolder definitions,
    DepartmentDirectory directory,
    IOptions<DeadlineFlowOptions> options,
    TimeProvider time,
    ILogger<DeadlineSweep> logger) : BackgroundService
{
    public const string WarningTemplate = "canh-bao-sap-den-han";
    public const string WarningChannel = "email";

    private readonly DeadlineFlowOptions settings = options.Value;
    private int missingTemplateLogged;

    public Task<DeadlineSweepResult> RunOnceAsync(DateTimeOffset now, CancellationToken cancellationToken = default) =>
        RunOnceAsync(now, recountEdits: true, cancellationToken);

    /// <param name="recountEdits">
    /// Whether to recount after a calendar edit whose mark is due (<see cref="DueTimeRecount"/>); a replay's sweeps run in
    /// simulated time and leave the live edits' marks to the live sweeps.
    /// </param>
    public async Task<DeadlineSweepResult> RunOnceAsync(DateTimeOffset now, bool recountEdits, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<WorkflowsDbContext>();
        await calendars.ReloadAsync(db, cancellationToken);
        // Before warning: a due time counted on the calendar before an edit is set right first.
        if (recountEdits)
        {
            await scope.ServiceProvider.GetRequiredService<DueTimeRecount>().RunIfDueAsync(now, cancellationToken);
        }

        var calendar = calendars.Current;
        var warnMinutes = settings.WarnBeforeMinutes(calendar);
        var bound = calendar.AddWorkingMinutes(now, warnMinutes);
        var warnings = db.Set<DeadlineWarningRow>();
        var batch = Math.Max(1, settings.BatchSize);

        // Without the template a warning could never be delivered: drafting apologies goes on, warning waits.
        var canWarn = definitions.Templates?.Contains(WarningTemplate) == true;
        if (!canWarn && Interlocked.Exchange(ref missingTemplateLogged, 1) == 0)
        {
            DeadlineLog.NoWarningTemplate(logger, WarningTemplate, definitions.Path);
        }

        var tasks = !canWarn ? [] : await (
            from t in db.Tasks.AsNoTracking()
            where t.State == TaskStates.Open && t.DueAt <= bound
            join i in db.Instances.AsNoTracking() on t.InstanceId equals i.Id
            where i.Status == StoredValues.RunningInstance && !warnings.Any(w => w.SubjectId == t.Id && w.DueAt == t.DueAt)
            orderby t.DueAt
            select new { t.Id, t.InstanceId, t.NodeId, t.Department, t.DueAt, i.DefinitionCode }).Take(batch).ToListAsync(cancellationToken);
        var tasksWarned = 0;
        foreach (var task in tasks)
        {
            var late = task.DueAt < now;
            var done = await InTransactionAsync(db, async () =>
            {
                db.Add(new DeadlineWarningRow
                {
                    Id = Guid.CreateVersion7(now), InstanceId = task.InstanceId, SubjectId = task.Id, Subject = WarningSubjects.Task,
                    Departments = task.Department, DueAt = task.DueAt, WarnedAt = now,
                });
                db.Outbox.Add(Notify(task.InstanceId, task.Department, task.DefinitionCode, task.NodeId, WarningSubjects.Task, task.DueAt, late, now));
                await DeadlineJournal.AppendAsync(db, task.InstanceId,
                    [new JournalRow { Kind = DeadlineJournalKinds.DueSoonWarned, NodeId = task.NodeId, Outcome = late ? "late" : "dueSoon", Detail = $"{task.Department}: hạn {DeadlineJournal.Local(task.DueAt)}" }],
                    now, cancellationToken);
            }, cancellationToken);
            tasksWarned += done ? 1 : 0;
        }

        var dossiers = await db.Dossiers.AsNoTracking()
            .Where(d => d.CompletedAt == null && (d.Status == DossierStatus.Received || d.Status == DossierStatus.Processing) && d.DueAt <= bound)
            .Where(d => (canWarn && !warnings.Any(w => w.SubjectId == d.Id && w.DueAt == d.DueAt))
                || !db.Set<ApologyLetterRow>().Any(a => a.DossierId == d.Id && a.State == ApologyStates.Draft))
            .OrderBy(d => d.DueAt)
            .Take(batch)
            .ToListAsync(cancellationToken);
        var dossiersWarned = 0;
        var drafted = 0;
        foreach (var dossier in dossiers)
        {
            var draftOpen = await db.Set<ApologyLetterRow>().AnyAsync(a => a.DossierId == dossier.Id && a.State == ApologyStates.Draft, cancellationToken);
            var open = await db.Tasks.AsNoTracking().Where(t => t.InstanceId == dossier.Id && t.State == TaskStates.Open)
                .Select(t => new { t.NodeId, t.StepName, t.Department, t.DueAt }).ToListAsync(cancellationToken);
            var departments = open.Select(t => t.Department).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
            if (departments.Count == 0)
            {
                // Nobody holds a step (waiting for the applicant or for a payment): the one-stop desk answers for it.
                departments.AddRange(directory.OneStopDesks.Take(1));
            }

            // With nobody to warn (no step open and no department of kind "desk"), the warning waits: it is not recorded as
            // sent, so it goes out once departments.json names a desk.
            var warned = !canWarn || departments.Count == 0
                || await warnings.AnyAsync(w => w.SubjectId == dossier.Id && w.DueAt == dossier.DueAt, cancellationToken);

            var state = Sla.Classify(calendar, dossier.DueAt, null, now, warnMinutes);
            var done = await InTransactionAsync(db, async () =>
            {
                if (!warned)
                {
                    db.Add(new DeadlineWarningRow
                    {
                        Id = Guid.CreateVersion7(now), InstanceId = dossier.Id, SubjectId = dossier.Id, Subject = WarningSubjects.Dossier,
                        Departments = string.Join(',', departments), DueAt = dossier.DueAt, WarnedAt = now,
                    });
                    foreach (var department in departments)
                    {
                        db.Outbox.Add(Notify(dossier.Id, department, dossier.ProcedureCode, null, WarningSubjects.Dossier, dossier.DueAt, state == SlaState.Late, now));
                    }

                    await DeadlineJournal.AppendAsync(db, dossier.Id,
                        [new JournalRow { Kind = DeadlineJournalKinds.DueSoonWarned, Outcome = state == SlaState.Late ? "late" : "dueSoon", Detail = $"{string.Join(", ", departments)}: hẹn trả {DeadlineJournal.Local(dossier.DueAt)}" }],
                        now, cancellationToken);
                }

                if (!draftOpen)
                {
                    var remaining = open.Select(t => t.DueAt > now ? calendar.WorkingMinutesBetween(now, t.DueAt) : 0L).DefaultIfEmpty(0L).Max();
                    db.Add(new ApologyLetterRow
                    {
                        Id = Guid.CreateVersion7(now),
                        DossierId = dossier.Id,
                        Reason = Reason(state, open.Select(t => t.StepName ?? t.NodeId)),
                        ProposedDueAt = ProposeDue(calendar, now, remaining, dossier.DueAt),
                        OriginalDueAt = dossier.OriginalDueAt,
                        PreviousDueAt = dossier.DueAt,
                        State = ApologyStates.Draft,
                        DraftedAt = now,
                    });
                }
            }, cancellationToken);
            if (done)
            {
                dossiersWarned += warned ? 0 : 1;
                drafted += draftOpen ? 0 : 1;
            }
        }

        return new DeadlineSweepResult(tasksWarned, dossiersWarned, drafted);
    }

    /// <summary>
    /// The new appointment an apology proposes: now + the working time the open steps still have, at least one
    /// working day from now and after the current appointment, at the end of that working day.
    /// </summary>
    public static DateTimeOffset ProposeDue(WorkingCalendar calendar, DateTimeOffset now, long remainingMinutes, DateTimeOffset currentDue)
    {
        ArgumentNullException.ThrowIfNull(calendar);
        var proposed = calendar.AddWorkingMinutes(now, remainingMinutes);
        var nextDay = calendar.AddWorkingDays(now, 1);
        if (proposed < nextDay)
        {
            proposed = nextDay;
        }

        proposed = calendar.EndOfWorkingDay(proposed);
        return proposed > currentDue ? proposed : calendar.EndOfWorkingDay(calendar.AddWorkingDays(currentDue, 1));
    }

    private static string Reason(SlaState state, IEnumerable<string> steps)
    {
        var at = string.Join(", ", steps);
        var where = at.Length == 0 ? string.Empty : $" tại bước {at}";
        return state == SlaState.Late
            ? $"Hồ sơ đã quá thời hạn giải quyết{where}."
            : $"Hồ sơ không kịp giải quyết đúng hẹn{where}.";
    }

    private static OutboxRow Notify(Guid instanceId, string department, string procedure, string? nodeId, string subject, DateTimeOffset due, bool late, DateTimeOffset now)
    {
        var payload = new JsonObject
        {
            ["template"] = WarningTemplate,
            ["channel"] = WarningChannel,
            ["recipient"] = department,
            ["procedure"] = procedure,
            ["nodeId"] = nodeId,
            ["subject"] = subject,
            ["dueAt"] = due,
            ["late"] = late,
        };
        return new OutboxRow
        {
            Id = Guid.CreateVersion7(now),
            InstanceId = instanceId,
            Kind = OutboxKinds.Notify,
            Payload = payload.ToJsonString(),
            CreatedAt = now,
            NextAttemptAt = now,
        };
    }

    private static async Task<bool> InTransactionAsync(WorkflowsDbContext db, Func<Task> stage, CancellationToken cancellationToken)
    {
        db.ChangeTracker.Clear();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        try
        {
            await stage();
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return true;
        }
        catch (Exception e) when (e is DeadlineConflictException || (e is DbUpdateException && !DatabaseUnavailable.Is(e)) || DatabaseErrors.IsTransientConflict(e))
        {
            // The instance moved on, or another node warned first: next sweep sees the new state.
            await transaction.RollbackAsync(CancellationToken.None);
            return false;
        }
        finally
        {
            db.ChangeTracker.Clear();
        }
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Runtime.PollingLoop.RunAsync(
            async token =>
            {
                await RunOnceAsync(time.GetUtcNow(), token);
                return false;
            },
            settings.SweepInterval,
            exception => DeadlineLog.SweepFailed(logger, exception),
            stoppingToken);
}

internal static partial class DeadlineLog
{
    [LoggerMessage(EventId = 2001, Level = LogLevel.Error, Message = "The deadline sweep failed; it runs again at the next interval")]
    public static partial void SweepFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Warning, Message = "No template {Template} under {Folder}/templates: due-soon warnings are not sent (apology letters are still drafted)")]
    public static partial void NoWarningTemplate(ILogger logger, string template, string folder);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Information, Message = "Due times counted again after a calendar edit, once every node had reloaded it: {Tasks} steps, {Dossiers} dossiers and {Timers} timers were counted on the calendar before and moved")]
    public static partial void CalendarRecounted(ILogger logger, int tasks, int dossiers, int timers);

    [LoggerMessage(EventId = 2005, Level = LogLevel.Information, Message = "Due times counted on a calendar: {Tasks} steps, {Dossiers} dossiers and {Timers} timers moved in {Milliseconds} ms ({Phases})")]
    public static partial void DueTimesCounted(ILogger logger, int tasks, int dossiers, int timers, long milliseconds, PhaseTimer phases);

    [LoggerMessage(EventId = 2004, Level = LogLevel.Information, Message = "Dossiers changed while due times were counted again after a calendar edit; the next sweep tries again")]
    public static partial void CalendarRecountConflict(ILogger logger);
}
