using Microsoft.EntityFrameworkCore;
using Workflows.Engine.Calendar;
using Workflows.Engine.Definitions;
using Workflows.Engine.Versions;
using Workflows.Host.Dossiers;
using Workflows.Host.Persistence;

namespace Workflows.Host.Deadlines;

/// <summary>
/// How many due times a calendar change moved, and the first <see cref="DueTimeRecalculator.SampleSize"/> dossiers whose
/// appointment moved (for the preview an administrator reads before saving).
/// </summary>
internal sealed record DueTimeChanges(int Tasks, int Dossiers, int Timers, IReadOnlyList<MovedAppointment> Appointments);

/// <summary>A dossier's appointment before and after a calendar change.</summary>
internal sealed record MovedAppointment(string DossierCode, DateTimeOffset From, DateTimeOffset To);

/// <summary>
/// Recomputes due times on a new calendar. Open tasks of running instances: opened_at + the step's allotted
/// time (the task's bookmark moves with it). Pending timers of running instances: set time + the Timer node's delay,
/// or + the procedure's deadline to supplement for a supplement's lapse timer (time in working days moves with the
/// calendar, calendar days do not). Unfinished dossiers: the first appointment is counting_from + the
/// committed limit (end of that working day for same-day procedures) and the current one adds the paused
/// periods by the procedure's supplement policy, as <see cref="DossierProjection"/> does when a clock resumes;
/// a dossier whose appointment was moved by a confirmed apology letter keeps that date (moved only by what was paused
/// after the letter). Every change adds a
/// <c>dueTimeChanged</c> journal row ("old → new"), and a moved appointment a <c>statusChanged</c> message for the
/// intake system. Only stages the changes: the caller saves them in its transaction.
/// </summary>
internal sealed class DueTimeRecalculator(WorkflowsDbContext db, DefinitionRegistry registry, DossierProjection projection, Engine.Deadlines.CutOffRule cutOff)
{
    /// <summary>How many moved appointments a change lists (the counts cover all).</summary>
    public const int SampleSize = 20;

    private const string TimerKind = StoredValues.TimerBookmark;

    private static readonly string SupplementReceived = RowMapping.Name(Engine.Runtime.JournalKind.SupplementReceived);

    /// <param name="calendar">The calendar after the edit.</param>
    /// <param name="previous">The calendar the current due times were counted on.</param>
    public async Task<DueTimeChanges> StageAsync(WorkingCalendar calendar, WorkingCalendar previous, string actor, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(calendar);
        ArgumentNullException.ThrowIfNull(previous);
        var deadlines = new CalendarDeadlines(calendar, cutOff);
        var journal = new Dictionary<Guid, List<JournalRow>>();
        void Record(Guid instanceId, string? nodeId, DateTimeOffset from, DateTimeOffset to, string note)
        {
            if (!journal.TryGetValue(instanceId, out var rows))
            {
                journal[instanceId] = rows = [];
            }

            rows.Add(new JournalRow { Kind = DeadlineJournalKinds.DueTimeChanged, NodeId = nodeId, Actor = actor, Note = note, Detail = DeadlineJournal.Change(from, to) });
        }

        var tasks = await (
            from t in db.Tasks
            where t.State == TaskStates.Open
            join i in db.Instances on t.InstanceId equals i.Id
            where i.Status == StoredValues.RunningInstance
            select new { Task = t, i.DefinitionCode, i.DefinitionVersion }).ToListAsync(cancellationToken);
        // Steps reopened when the applicant's supplement arrived (opened at the instant it was received, at that node):
        // their due time is what the supplement policy left them, not their allotted time, so they keep that much
        // working time, counted again on the new calendar.
        var reopened = (await (
            from t in db.Tasks
            where t.State == TaskStates.Open
            join j in db.Journal on new { t.InstanceId, NodeId = (string?)t.NodeId, At = t.OpenedAt } equals new { j.InstanceId, j.NodeId, j.At }
            where j.Kind == SupplementReceived
            select t.Id).ToListAsync(cancellationToken)).ToHashSet();
        var movedTasks = 0;
        foreach (var open in tasks)
        {
            var step = registry.Get(open.DefinitionCode, open.DefinitionVersion)?.Flowchart.Nodes.OfType<StepNode>().FirstOrDefault(n => n.Id == open.Task.NodeId);
            if (step is null)
            {
                continue;
            }

            var due = reopened.Contains(open.Task.Id)
                ? calendar.AddWorkingMinutes(open.Task.OpenedAt, previous.WorkingMinutesBetween(open.Task.OpenedAt, open.Task.DueAt))
                : deadlines.StepDue(open.Task.OpenedAt, step.AllottedTime);
            if (due == open.Task.DueAt)
            {
                continue;
            }

            Record(open.Task.InstanceId, open.Task.NodeId, open.Task.DueAt, due, "Lịch làm việc thay đổi: hạn xử lý bước được tính lại");
            open.Task.DueAt = due;
            open.Task.RowVersion++;
            var taskId = open.Task.Id;
            await db.Bookmarks.Where(b => b.Id == taskId).ExecuteUpdateAsync(s => s.SetProperty(b => b.DueAt, due), cancellationToken);
            movedTasks++;
        }

        // Timers are bookmarks until they fire; the timer runner deletes the row when it fires one, so each moves with
        // an UPDATE by id that finds nothing if it fired meanwhile (no tracked row to fail the save).
        var timers = await (
            from b in db.Bookmarks.AsNoTracking()
            where b.Kind == TimerKind && b.DueAt != null
            join i in db.Instances.AsNoTracking() on b.InstanceId equals i.Id
            where i.Status == StoredValues.RunningInstance
            select new { b.Id, b.InstanceId, b.NodeId, b.Key, b.CreatedAt, DueAt = b.DueAt!.Value, i.DefinitionCode, i.DefinitionVersion }).ToListAsync(cancellationToken);
        var movedTimers = 0;
        foreach (var timer in timers)
        {
            // A Timer node waits its delay; a step waiting for a supplement carries the applicant's deadline to supplement.
            var definition = registry.Get(timer.DefinitionCode, timer.DefinitionVersion);
            var delay = timer.Key == Engine.Runtime.Bookmark.SupplementDeadlineKey
                ? definition?.Supplement.Deadline
                : definition?.Flowchart.Nodes.OfType<TimerNode>().FirstOrDefault(n => n.Id == timer.NodeId)?.Delay;
            if (delay is null)
            {
                continue;
            }

            var due = deadlines.Add(timer.CreatedAt, delay);
            if (due == timer.DueAt)
            {
                continue;
            }

            var timerId = timer.Id;
            if (await db.Bookmarks.Where(b => b.Id == timerId).ExecuteUpdateAsync(s => s.SetProperty(b => b.DueAt, due), cancellationToken) == 0)
            {
                continue; // fired meanwhile
            }

            Record(timer.InstanceId, timer.NodeId, timer.DueAt, due, "Lịch làm việc thay đổi: thời điểm hẹn giờ được tính lại");
            movedTimers++;
        }

        var apologies = await ConfirmedApology.LatestAsync(db, dossierId: null, cancellationToken);
        var dossiers = await db.Dossiers.Where(d => d.CompletedAt == null).ToListAsync(cancellationToken);
        var movedDossiers = new List<DossierRow>();
        var appointments = new List<MovedAppointment>();
        foreach (var row in dossiers)
        {
            var definition = registry.Get(row.ProcedureCode, row.ProcedureVersion);
            if (definition is null || !Enum.TryParse<Channel>(row.Channel, ignoreCase: true, out var channel))
            {
                continue;
            }

            var limit = definition.CommittedLimitFor(channel);
            var original = limit.Value == 0 ? calendar.EndOfWorkingDay(row.CountingFrom) : deadlines.Add(row.CountingFrom, limit);
            var due = await projection.CurrentDueAsync(db, row, null, original, apologies.GetValueOrDefault(row.Id), calendar, cancellationToken);
            if (original == row.OriginalDueAt && due == row.DueAt)
            {
                continue;
            }

            if (due != row.DueAt)
            {
                Record(row.Id, null, row.DueAt, due, "Lịch làm việc thay đổi: ngày hẹn trả kết quả được tính lại");
                if (appointments.Count < SampleSize)
                {
                    appointments.Add(new MovedAppointment(row.Code, row.DueAt, due));
                }
            }

            row.OriginalDueAt = original;
            row.DueAt = due;
            row.UpdatedAt = now;
            row.RowVersion++;
            movedDossiers.Add(row);
        }

        foreach (var (instanceId, rows) in journal)
        {
            await DeadlineJournal.AppendAsync(db, instanceId, rows, now, cancellationToken);
        }

        foreach (var row in movedDossiers)
        {
            db.Outbox.Add(DossierProjection.StatusChanged(row, now));
        }

        return new DueTimeChanges(movedTasks, movedDossiers.Count, movedTimers, appointments);
    }
}
