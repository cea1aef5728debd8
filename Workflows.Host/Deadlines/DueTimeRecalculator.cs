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
/// intake system. Writes in the caller's transaction, which commits or rolls back (the preview) everything.
/// </summary>
/// <remarks>
/// Set-based, so a city's 100,000 open dossiers move in seconds: a few streaming reads (open tasks, timers, dossiers,
/// and every open dossier's clock entries in one query), the working-time arithmetic in C# with the engine's calendar
/// (the one implementation of the calendar), then one statement per kind of change for all moved rows
/// (<see cref="BulkRows"/>). Tasks and dossiers are updated only at the row version read: one changed meanwhile by an
/// officer or the engine is a <see cref="DeadlineConflictException"/> and the caller reads everything again. Journal
/// sequence numbers are reserved per instance by one UPDATE … RETURNING that also advances the instance's version,
/// so an engine call that read an instance before conflicts instead of reusing a number.
/// A start or resume that counted its due time on the old calendar and commits after these reads (or on another node
/// before it reloads the calendar) keeps that due time until <see cref="DueTimeRecount"/> runs this again, once every
/// node has reloaded the calendar.
/// </remarks>
internal sealed class DueTimeRecalculator(WorkflowsDbContext db, DefinitionRegistry registry, Engine.Deadlines.CutOffRule cutOff, ILogger<DueTimeRecalculator> logger)
{
    /// <summary>How many moved appointments a change lists (the counts cover all).</summary>
    public const int SampleSize = 20;

    private const string TimerKind = StoredValues.TimerBookmark;

    private static readonly string SupplementReceived = RowMapping.Name(Engine.Runtime.JournalKind.SupplementReceived);
    private static readonly string ClockPaused = RowMapping.Name(Engine.Runtime.JournalKind.ClockPaused);
    private static readonly string ClockResumed = RowMapping.Name(Engine.Runtime.JournalKind.ClockResumed);

    /// <param name="calendar">The calendar after the edit.</param>
    /// <param name="previous">The calendar the current due times were counted on.</param>
    public async Task<DueTimeChanges> StageAsync(WorkingCalendar calendar, WorkingCalendar previous, string actor, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(calendar);
        ArgumentNullException.ThrowIfNull(previous);
        // Where the time goes (logged once at the end): a city's edit is measured against its 10 s target by phase.
        var phases = new PhaseTimer();
        var deadlines = new CalendarDeadlines(calendar, cutOff);
        var definitions = new Dictionary<(string Code, int Version), ProcedureDefinition?>();
        ProcedureDefinition? Definition(string code, int version)
        {
            if (!definitions.TryGetValue((code, version), out var definition))
            {
                definitions[(code, version)] = definition = registry.Get(code, version);
            }

            return definition;
        }

        JournalRow Change(DateTimeOffset from, DateTimeOffset to, string? nodeId, string note) =>
            new() { Kind = DeadlineJournalKinds.DueTimeChanged, NodeId = nodeId, Actor = actor, Note = note, Detail = DeadlineJournal.Change(from, to) };

        // Steps reopened when the applicant's supplement arrived (opened at the instant it was received, at that node):
        // their due time is what the supplement policy left them, not their allotted time, so they keep that much
        // working time, counted again on the new calendar.
        var reopened = (await (
            from t in db.Tasks
            where t.State == TaskStates.Open
            join j in db.Journal on new { t.InstanceId, NodeId = (string?)t.NodeId, At = t.OpenedAt } equals new { j.InstanceId, j.NodeId, j.At }
            where j.Kind == SupplementReceived
            select t.Id).ToListAsync(cancellationToken)).ToHashSet();
        var tasks = new List<(Guid Id, Guid InstanceId, DateTimeOffset Due, int RowVersion, JournalRow Change)>();
        var openTasks =
            from t in db.Tasks.AsNoTracking()
            where t.State == TaskStates.Open
            join i in db.Instances on t.InstanceId equals i.Id
            where i.Status == StoredValues.RunningInstance
            select new { t.Id, t.InstanceId, t.NodeId, t.OpenedAt, t.DueAt, t.RowVersion, i.DefinitionCode, i.DefinitionVersion };
        await foreach (var open in openTasks.AsAsyncEnumerable().WithCancellation(cancellationToken))
        {
            var step = Definition(open.DefinitionCode, open.DefinitionVersion)?.Flowchart.Nodes.OfType<StepNode>().FirstOrDefault(n => n.Id == open.NodeId);
            if (step is null)
            {
                continue;
            }

            var due = reopened.Contains(open.Id)
                ? calendar.AddWorkingMinutes(open.OpenedAt, previous.WorkingMinutesBetween(open.OpenedAt, open.DueAt))
                : deadlines.StepDue(open.OpenedAt, step.AllottedTime);
            if (due != open.DueAt)
            {
                tasks.Add((open.Id, open.InstanceId, due, open.RowVersion,
                    Change(open.DueAt, due, open.NodeId, "Lịch làm việc thay đổi: hạn xử lý bước được tính lại")));
            }
        }

        phases.End("tasks read");
        var timers = new List<(Guid Id, Guid InstanceId, DateTimeOffset Due, JournalRow Change)>();
        var pendingTimers =
            from b in db.Bookmarks.AsNoTracking()
            where b.Kind == TimerKind && b.DueAt != null
            join i in db.Instances.AsNoTracking() on b.InstanceId equals i.Id
            where i.Status == StoredValues.RunningInstance
            select new { b.Id, b.InstanceId, b.NodeId, b.Key, b.CreatedAt, DueAt = b.DueAt!.Value, i.DefinitionCode, i.DefinitionVersion };
        await foreach (var timer in pendingTimers.AsAsyncEnumerable().WithCancellation(cancellationToken))
        {
            // A Timer node waits its delay; a step waiting for a supplement carries the applicant's deadline to supplement.
            var definition = Definition(timer.DefinitionCode, timer.DefinitionVersion);
            var delay = timer.Key == Engine.Runtime.Bookmark.SupplementDeadlineKey
                ? definition?.Supplement.Deadline
                : definition?.Flowchart.Nodes.OfType<TimerNode>().FirstOrDefault(n => n.Id == timer.NodeId)?.Delay;
            if (delay is null)
            {
                continue;
            }

            var due = deadlines.Add(timer.CreatedAt, delay);
            if (due != timer.DueAt)
            {
                timers.Add((timer.Id, timer.InstanceId, due, Change(timer.DueAt, due, timer.NodeId, "Lịch làm việc thay đổi: thời điểm hẹn giờ được tính lại")));
            }
        }

        phases.End("timers read");
        var apologies = await ConfirmedApology.LatestAsync(db, dossierId: null, cancellationToken);
        var clocks = await ClockEntriesOfOpenDossiersAsync(cancellationToken);
        phases.End("apologies and clock entries read");
        var dossiers = new List<(DossierRow Row, int RowVersion, JournalRow? Change)>();
        var appointments = new List<MovedAppointment>();
        var openDossiers = db.Dossiers.AsNoTracking().Where(d => d.CompletedAt == null).Select(d => new
        {
            d.Id, d.Code, d.IntakeClient, d.ExternalCode, d.ProcedureCode, d.ProcedureVersion, d.Channel, d.CountingFrom,
            d.OriginalDueAt, d.DueAt, d.Status, d.Result, d.RowVersion,
        });
        await foreach (var row in openDossiers.AsAsyncEnumerable().WithCancellation(cancellationToken))
        {
            var definition = Definition(row.ProcedureCode, row.ProcedureVersion);
            if (definition is null || !Enum.TryParse<Channel>(row.Channel, ignoreCase: true, out var channel))
            {
                continue;
            }

            var limit = definition.CommittedLimitFor(channel);
            var original = limit.Value == 0 ? calendar.EndOfWorkingDay(row.CountingFrom) : deadlines.Add(row.CountingFrom, limit);
            var apology = apologies.GetValueOrDefault(row.Id);
            var entries = clocks.GetValueOrDefault(row.Id) ?? [];
            var due = apology is null
                ? DossierProjection.CurrentDue(definition, channel, original, null, entries, calendar)
                : DossierProjection.CurrentDue(definition, channel, apology.NewDueAt, apology.ConfirmedAt, entries, calendar);
            if (original == row.OriginalDueAt && due == row.DueAt)
            {
                continue;
            }

            JournalRow? change = null;
            if (due != row.DueAt)
            {
                change = Change(row.DueAt, due, null, "Lịch làm việc thay đổi: ngày hẹn trả kết quả được tính lại");
                if (appointments.Count < SampleSize)
                {
                    appointments.Add(new MovedAppointment(row.Code, row.DueAt, due));
                }
            }

            // Only what the statusChanged message carries (DossierProjection.StatusChanged): the row is not saved.
            var moved = new DossierRow
            {
                Id = row.Id, Code = row.Code, IntakeClient = row.IntakeClient, ExternalCode = row.ExternalCode, PayloadHash = string.Empty,
                ProcedureCode = row.ProcedureCode, ProcedureVersion = row.ProcedureVersion, ProcedureName = string.Empty, ApplicantName = string.Empty,
                Channel = row.Channel, ReceptionPoint = string.Empty, Documents = string.Empty, CountingFrom = row.CountingFrom,
                OriginalDueAt = original, DueAt = due, Status = row.Status, Result = row.Result, UpdatedAt = now,
            };
            dossiers.Add((moved, row.RowVersion, change));
        }

        phases.End("dossiers read and counted");
        await MoveTasksAsync(tasks, cancellationToken);
        phases.End("tasks written");
        var firedMeanwhile = await MoveTimersAsync(timers, cancellationToken);
        phases.End("timers written");
        await MoveDossiersAsync(dossiers, now, cancellationToken);
        phases.End("dossiers written");

        // Per instance in the order the changes were found (steps, timers, then the dossier), as the timeline lists them.
        var journal = tasks.Select(t => (t.InstanceId, t.Change))
            .Concat(timers.Where(t => !firedMeanwhile.Contains(t.Id)).Select(t => (t.InstanceId, t.Change)))
            .Concat(dossiers.Where(d => d.Change is not null).Select(d => (InstanceId: d.Row.Id, Change: d.Change!)))
            .GroupBy(c => c.InstanceId, c => c.Change)
            .ToList();
        await AppendJournalAsync(journal, now, phases, cancellationToken);
        phases.End("journal rows written");
        await AddStatusMessagesAsync(dossiers.Select(d => DossierProjection.StatusChanged(d.Row, now)).ToList(), now, cancellationToken);
        phases.End("statusChanged messages written");

        var changes = new DueTimeChanges(tasks.Count, dossiers.Count, timers.Count - firedMeanwhile.Count, appointments);
        DeadlineLog.DueTimesCounted(logger, changes.Tasks, changes.Dossiers, changes.Timers, phases.TotalMilliseconds, phases);
        return changes;
    }

    // Every open dossier's clockPaused/clockResumed rows, in one query, by dossier and in sequence order.
    private async Task<Dictionary<Guid, List<ClockEntry>>> ClockEntriesOfOpenDossiersAsync(CancellationToken cancellationToken)
    {
        var entries = new Dictionary<Guid, List<ClockEntry>>();
        var rows =
            from j in db.Journal.AsNoTracking()
            join d in db.Dossiers.AsNoTracking() on j.InstanceId equals d.Id
            where d.CompletedAt == null && (j.Kind == ClockPaused || j.Kind == ClockResumed)
            orderby j.InstanceId, j.Sequence
            select new { j.InstanceId, j.Sequence, j.At, j.Kind, j.NodeId };
        await foreach (var row in rows.AsAsyncEnumerable().WithCancellation(cancellationToken))
        {
            if (!entries.TryGetValue(row.InstanceId, out var list))
            {
                entries[row.InstanceId] = list = [];
            }

            list.Add(new ClockEntry(row.Sequence, row.At, row.Kind == ClockPaused, row.NodeId));
        }

        return entries;
    }

    // Tasks at the version read (a task claimed or closed meanwhile is a conflict), and their bookmarks.
    private async Task MoveTasksAsync(List<(Guid Id, Guid InstanceId, DateTimeOffset Due, int RowVersion, JournalRow Change)> tasks, CancellationToken cancellationToken)
    {
        var ids = tasks.Select(t => t.Id).ToArray();
        var dues = tasks.Select(t => t.Due).ToArray();
        var updated = await BulkRows.ExecuteAsync(db,
            """
            UPDATE tasks AS t SET due_at = v.due_at, row_version = t.row_version + 1
            FROM unnest(@id, @due_at, @row_version) AS v(id, due_at, row_version)
            WHERE t.id = v.id AND t.row_version = v.row_version
            RETURNING t.id
            """,
            "UPDATE tasks SET due_at = @due_at, row_version = row_version + 1 WHERE id = @id AND row_version = @row_version RETURNING id",
            [new("id", ids), new("due_at", dues), new("row_version", tasks.Select(t => t.RowVersion).ToArray())], cancellationToken);
        ThrowIfChanged(updated, tasks.Select(t => (t.Id, t.InstanceId)));
        await BulkRows.ExecuteAsync(db,
            "UPDATE bookmarks AS b SET due_at = v.due_at FROM unnest(@id, @due_at) AS v(id, due_at) WHERE b.id = v.id",
            "UPDATE bookmarks SET due_at = @due_at WHERE id = @id",
            [new("id", ids), new("due_at", dues)], cancellationToken);
    }

    // The timer runner deletes a timer's row when it fires, so a timer fired meanwhile is simply not found: the ids
    // returned are the ones that moved.
    private async Task<HashSet<Guid>> MoveTimersAsync(List<(Guid Id, Guid InstanceId, DateTimeOffset Due, JournalRow Change)> timers, CancellationToken cancellationToken)
    {
        var moved = (await BulkRows.ExecuteAsync(db,
            "UPDATE bookmarks AS b SET due_at = v.due_at FROM unnest(@id, @due_at) AS v(id, due_at) WHERE b.id = v.id RETURNING b.id",
            "UPDATE bookmarks SET due_at = @due_at WHERE id = @id RETURNING id",
            [new("id", timers.Select(t => t.Id).ToArray()), new("due_at", timers.Select(t => t.Due).ToArray())], cancellationToken))
            .Select(r => IdOf(r[0])).ToHashSet();
        return timers.Where(t => !moved.Contains(t.Id)).Select(t => t.Id).ToHashSet();
    }

    // Dossiers at the version read: one the engine or an officer changed meanwhile is a conflict.
    private async Task MoveDossiersAsync(List<(DossierRow Row, int RowVersion, JournalRow? Change)> dossiers, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var updated = await BulkRows.ExecuteAsync(db,
            """
            UPDATE dossiers AS d SET original_due_at = v.original_due_at, due_at = v.due_at, updated_at = v.updated_at, row_version = d.row_version + 1
            FROM unnest(@id, @original_due_at, @due_at, @updated_at, @row_version) AS v(id, original_due_at, due_at, updated_at, row_version)
            WHERE d.id = v.id AND d.row_version = v.row_version
            RETURNING d.id
            """,
            """
            UPDATE dossiers SET original_due_at = @original_due_at, due_at = @due_at, updated_at = @updated_at, row_version = row_version + 1
            WHERE id = @id AND row_version = @row_version RETURNING id
            """,
            [
                new("id", dossiers.Select(d => d.Row.Id).ToArray()),
                new("original_due_at", dossiers.Select(d => d.Row.OriginalDueAt).ToArray()),
                new("due_at", dossiers.Select(d => d.Row.DueAt).ToArray()),
                new("updated_at", dossiers.Select(_ => now).ToArray()),
                new("row_version", dossiers.Select(d => d.RowVersion).ToArray()),
            ], cancellationToken);
        ThrowIfChanged(updated, dossiers.Select(d => (d.Row.Id, d.Row.Id)));
    }

    // Reserves each instance's sequence numbers (advancing its version, as DeadlineJournal.AppendAsync does), then
    // inserts the rows numbered from the reserved range.
    private async Task AppendJournalAsync(List<IGrouping<Guid, JournalRow>> journal, DateTimeOffset now, PhaseTimer phases, CancellationToken cancellationToken)
    {
        var reserved = (await BulkRows.ExecuteAsync(db,
            """
            UPDATE instances AS i SET journal_sequence = i.journal_sequence + v.entries, version = i.version + 1, updated_at = v.updated_at
            FROM unnest(@id, @entries, @updated_at) AS v(id, entries, updated_at)
            WHERE i.id = v.id
            RETURNING i.id, i.journal_sequence
            """,
            "UPDATE instances SET journal_sequence = journal_sequence + @entries, version = version + 1, updated_at = @updated_at WHERE id = @id RETURNING id, journal_sequence",
            [
                new("id", journal.Select(g => g.Key).ToArray()),
                new("entries", journal.Select(g => (long)g.Count()).ToArray()),
                new("updated_at", journal.Select(_ => now).ToArray()),
            ], cancellationToken))
            .ToDictionary(r => IdOf(r[0]), r => Convert.ToInt64(r[1], System.Globalization.CultureInfo.InvariantCulture));
        phases.End("journal numbers reserved");
        var rows = new List<JournalRow>();
        foreach (var entries in journal)
        {
            if (!reserved.TryGetValue(entries.Key, out var last))
            {
                throw new DeadlineConflictException(entries.Key); // deleted meanwhile
            }

            var sequence = last - entries.Count();
            foreach (var entry in entries)
            {
                entry.InstanceId = entries.Key;
                entry.Sequence = ++sequence;
                entry.At = now;
                rows.Add(entry);
            }
        }

        // In key order (instance ids ascending, as PostgreSQL compares uuids, then sequence): the key's pages are visited
        // once each, in order, instead of at random for each row (the rows' order in the table means nothing: readers
        // order by sequence). The updates above keep the order the rows were read in, which is the tables' own.
        rows.Sort((a, b) => a.InstanceId != b.InstanceId ? a.InstanceId.CompareTo(b.InstanceId) : a.Sequence.CompareTo(b.Sequence));
        await BulkRows.InsertAsync(db, "journal",
            """
            INSERT INTO journal (instance_id, sequence, at, kind, node_id, actor, note, detail)
            VALUES (@instance_id, @sequence, @at, @kind, @node_id, @actor, @note, @detail)
            """,
            [
                new("instance_id", rows.Select(r => r.InstanceId).ToArray()),
                new("sequence", rows.Select(r => r.Sequence).ToArray()),
                new("at", rows.Select(r => r.At).ToArray()),
                new("kind", rows.Select(r => r.Kind).ToArray()),
                new("node_id", rows.Select(r => r.NodeId).ToArray()),
                new("actor", rows.Select(r => r.Actor).ToArray()),
                new("note", rows.Select(r => r.Note).ToArray()),
                new("detail", rows.Select(r => r.Detail).ToArray()),
            ], cancellationToken);
    }

    // By COPY on PostgreSQL (BulkRows.InsertAsync): the payloads are the bulk of what a city's edit writes. Their ids
    // ascend (OutboxIds), so the key takes them at its right edge.
    private async Task AddStatusMessagesAsync(List<OutboxRow> messages, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var ids = OutboxIds.Ascending(now, messages.Count);
        for (var i = 0; i < messages.Count; i++)
        {
            messages[i].Id = ids[i];
        }

        await BulkRows.InsertAsync(db, "outbox",
            """
            INSERT INTO outbox (id, instance_id, kind, payload, created_at, attempts, next_attempt_at, dead)
            VALUES (@id, @instance_id, @kind, @payload, @created_at, @attempts, @next_attempt_at, @dead)
            """,
            [
                new("id", messages.Select(m => m.Id).ToArray()),
                new("instance_id", messages.Select(m => m.InstanceId).ToArray()),
                new("kind", messages.Select(m => m.Kind).ToArray()),
                new("payload", messages.Select(m => m.Payload).ToArray()),
                new("created_at", messages.Select(m => m.CreatedAt).ToArray()),
                new("attempts", new int[messages.Count]),
                new("next_attempt_at", messages.Select(m => m.NextAttemptAt ?? m.CreatedAt).ToArray()),
                new("dead", new bool[messages.Count]),
            ], cancellationToken, "payload");
    }

    private static void ThrowIfChanged(List<object?[]> updated, IEnumerable<(Guid Id, Guid InstanceId)> expected)
    {
        var found = updated.Select(r => IdOf(r[0])).ToHashSet();
        foreach (var (id, instanceId) in expected)
        {
            if (!found.Contains(id))
            {
                throw new DeadlineConflictException(instanceId);
            }
        }
    }

    // uuid on PostgreSQL, upper-case text on SQLite.
    private static Guid IdOf(object? value) => value is Guid id ? id : Guid.Parse((string)value!);
}

/// <summary>Milliseconds per named phase of a long operation, for one log line.</summary>
internal sealed class PhaseTimer
{
    private readonly System.Diagnostics.Stopwatch watch = System.Diagnostics.Stopwatch.StartNew();
    private readonly List<(string Phase, long Milliseconds)> phases = [];
    private long last;

    public long TotalMilliseconds => watch.ElapsedMilliseconds;

    /// <summary>Closes the phase that began at the previous call (or at the start).</summary>
    public void End(string phase)
    {
        var now = watch.ElapsedMilliseconds;
        phases.Add((phase, now - last));
        last = now;
    }

    public override string ToString() => string.Join(", ", phases.Select(p => $"{p.Phase} {p.Milliseconds} ms"));
}
