using Microsoft.EntityFrameworkCore;
using Workflows.Engine.Calendar;
using Workflows.Engine.Deadlines;
using Workflows.Engine.Definitions;
using Workflows.Engine.Runtime;
using Workflows.Engine.Versions;
using Workflows.Host.Calendars;
using Workflows.Host.Deadlines;
using Workflows.Host.Persistence;
using Workflows.Host.Runtime;

namespace Workflows.Host.Dossiers;

/// <summary>
/// Keeps the dossier row in step with its workflow instance: after every changeset, in the same transaction,
/// the national status, result and completion time are recomputed, and a change of status adds a
/// <c>statusChanged</c> outbox message for the webhook dispatcher.
/// </summary>
/// <remarks>
/// Rules: running with an open supplement request → 5; running with the clock stopped by a wait (financial
/// obligation such as taxPaid) → 6; running after the first step completed (or a signal arrived) → 4; else 2.
/// Completed: issued → 9, refused at intake → 3, refused after appraisal → 9 (result refused), withdrawn → 7, stopped → 8. A faulted instance keeps its status.
/// Instances without a dossier (sub-processes) are skipped. When the dossier's clock starts again (supplement
/// received, financial obligation paid) the appointment (due_at) moves by the procedure's supplement policy;
/// original_due_at keeps the first promise.
/// </remarks>
internal sealed class DossierProjection(TimeProvider time, CalendarProvider calendars, DefinitionRegistry registry) : IChangesetProjection
{
    /// <summary>Updates the tracked dossier rows of the changeset's instances; the caller saves them.</summary>
    public Task ApplyAsync(WorkflowsDbContext db, Changeset changeset, CancellationToken cancellationToken) =>
        ApplyAsync(db, changeset, prefetched: null, cancellationToken);

    /// <summary>
    /// Updates the dossier rows of several changesets committed together: their dossiers are read in one query first
    /// (tracked, so each changeset finds its row without a round trip of its own).
    /// </summary>
    public async Task ApplyAsync(WorkflowsDbContext db, IReadOnlyList<Changeset> changesets, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(changesets);
        var ids = changesets.SelectMany(c => c.Instances).Where(i => !i.IsNew).Select(i => i.State.Id).Distinct().ToList();
        var prefetched = ids.Count == 0
            ? []
            : (await db.Dossiers.Where(d => ids.Contains(d.Id)).ToListAsync(cancellationToken)).Select(d => d.Id).ToHashSet();
        foreach (var changeset in changesets)
        {
            await ApplyAsync(db, changeset, prefetched, cancellationToken);
        }
    }

    // prefetched: the ids of the dossiers already read and tracked; another existing instance has no dossier (a
    // sub-process), so it is not looked for.
    private async Task ApplyAsync(WorkflowsDbContext db, Changeset changeset, HashSet<Guid>? prefetched, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(changeset);
        await StoreCompletedTaskTimesAsync(db, changeset, cancellationToken);
        foreach (var change in changeset.Instances)
        {
            var instance = change.State;
            if (prefetched is not null && !change.IsNew && !prefetched.Contains(instance.Id))
            {
                continue;
            }

            var row = await db.Dossiers.FindAsync([instance.Id], cancellationToken);
            if (row is null)
            {
                continue;
            }

            var progressed = changeset.TasksClosed.Any(t => t.InstanceId == instance.Id && t.Reason == TaskCloseReason.Completed)
                || changeset.Journal.Any(j => j.InstanceId == instance.Id && j.Kind is JournalKind.SignalReceived or JournalKind.SupplementReceived);
            var refusedAfterAppraisal = instance is { Status: InstanceStatus.Completed, Result: EndResult.Refused }
                && await RefusedAfterAppraisalAsync(db, instance.Id, changeset, cancellationToken);
            var status = StatusOf(instance, row.Status, progressed, refusedAfterAppraisal);
            var result = instance.Result is { } r ? RowMapping.Name(r) : null;
            var completedAt = instance.Status == InstanceStatus.Completed ? row.CompletedAt ?? instance.UpdatedAt : row.CompletedAt;
            var dueAt = changeset.Journal.Any(j => j.InstanceId == instance.Id && j.Kind == JournalKind.ClockResumed)
                ? await CurrentDueAsync(db, row, changeset, row.OriginalDueAt, calendars.Current, cancellationToken)
                : row.DueAt;
            // A fault is news for the desk even though the national status stays: the intake system hears of it
            // (a statusChanged message with the fault's node and kind), as it hears when a retry moves it on.
            var faulted = instance.Status == InstanceStatus.Faulted
                && changeset.Journal.Any(j => j.InstanceId == instance.Id && j.Kind == JournalKind.Faulted);
            if (status == row.Status && result == row.Result && completedAt == row.CompletedAt && dueAt == row.DueAt
                && !faulted && row.ProcedureVersion == instance.DefinitionVersion)
            {
                continue;
            }

            var changed = status != row.Status || faulted;
            // A retry on a later version moves the dossier to it (WorkflowRunner.RetryAsync).
            row.ProcedureVersion = instance.DefinitionVersion;
            row.DueAt = dueAt;
            row.Status = status;
            row.Result = result;
            if (completedAt is { } completed && row.CompletedAt is null)
            {
                // Counted by the reports against the first promise (original_due_at), like Sla.Classify does.
                row.Timeliness = StoredFacts.Timeliness(calendars.Current, row.OriginalDueAt, completed);
            }

            row.CompletedAt = completedAt;
            row.UpdatedAt = time.GetUtcNow();
            row.RowVersion++;
            if (changed)
            {
                db.Outbox.Add(StatusChanged(row, row.UpdatedAt, faulted ? instance.Fault : null));
            }
        }
    }

    /// <summary>
    /// Stores each completed task's working and allotted minutes and timeliness (<see cref="StoredFacts"/>) in the
    /// commit's transaction, so the reports aggregate them in SQL. The task rows are closed by the commit itself; this
    /// UPDATE touches only the fact columns (not row_version, which guards the claimed task's close). A task whose times
    /// the calendar cannot count is left without facts rather than failing the officer's completion.
    /// </summary>
    private async Task StoreCompletedTaskTimesAsync(WorkflowsDbContext db, Changeset changeset, CancellationToken cancellationToken)
    {
        var completed = changeset.TasksClosed.Where(t => t.Reason == TaskCloseReason.Completed).ToList();
        if (completed.Count == 0)
        {
            return;
        }

        var ids = completed.Select(t => t.TaskId).ToList();
        // A task opened in this changeset is not in the table yet: its times are in the changeset. The task a
        // completion claimed is tracked with its times as read (ChangesetStore.Stage): its facts join its close.
        var times = changeset.TasksOpened.Where(t => ids.Contains(t.TaskId)).ToDictionary(t => t.TaskId, t => (t.OpenedAt, t.DueAt));
        foreach (var entry in db.ChangeTracker.Entries<TaskRow>().Where(e => e.State == EntityState.Modified && ids.Contains(e.Entity.Id)))
        {
            times.TryAdd(entry.Entity.Id, (entry.Entity.OpenedAt, entry.Entity.DueAt));
        }

        var missing = ids.Where(id => !times.ContainsKey(id)).ToList();
        if (missing.Count > 0)
        {
            var stored = await db.Tasks.AsNoTracking()
                .Where(t => missing.Contains(t.Id))
                .Select(t => new { t.Id, t.OpenedAt, t.DueAt })
                .ToListAsync(cancellationToken);
            foreach (var t in stored)
            {
                times[t.Id] = (t.OpenedAt, t.DueAt);
            }
        }

        var calendar = calendars.Current;
        foreach (var task in completed)
        {
            if (!times.TryGetValue(task.TaskId, out var time))
            {
                continue;
            }

            (long Worked, long Allotted, int Timeliness) facts;
            try
            {
                facts = StoredFacts.CompletedTask(calendar, time.OpenedAt, time.DueAt, task.ClosedAt);
            }
            catch (CalendarRangeException)
            {
                continue;
            }

            if (db.ChangeTracker.Entries<TaskRow>().FirstOrDefault(e => e.Entity.Id == task.TaskId) is { State: EntityState.Added } added)
            {
                added.Entity.WorkedMinutes = facts.Worked;
                added.Entity.AllottedMinutes = facts.Allotted;
                added.Entity.Timeliness = facts.Timeliness;
                continue;
            }

            if (db.ChangeTracker.Entries<TaskRow>().FirstOrDefault(e => e.Entity.Id == task.TaskId) is { State: EntityState.Modified } claimed)
            {
                // The claimed task's UPDATE (at the row version read) writes its facts too: no extra round trip.
                claimed.Property(t => t.WorkedMinutes).CurrentValue = facts.Worked;
                claimed.Property(t => t.AllottedMinutes).CurrentValue = facts.Allotted;
                claimed.Property(t => t.Timeliness).CurrentValue = facts.Timeliness;
                claimed.Property(t => t.WorkedMinutes).IsModified = true;
                claimed.Property(t => t.AllottedMinutes).IsModified = true;
                claimed.Property(t => t.Timeliness).IsModified = true;
                continue;
            }

            await db.Tasks
                .Where(t => t.Id == task.TaskId)
                .ExecuteUpdateAsync(s => s
                    .SetProperty(t => t.WorkedMinutes, facts.Worked)
                    .SetProperty(t => t.AllottedMinutes, facts.Allotted)
                    .SetProperty(t => t.Timeliness, facts.Timeliness), cancellationToken);
        }
    }

    /// <summary>
    /// The appointment once the clock has stood still: the first appointment (<paramref name="originalDue"/>) moved by
    /// the paused periods, by the procedure's supplement policy; or, once an apology letter (form 04) promised the
    /// citizen a new date, that date moved only by what was paused after it was confirmed (the letter's date already
    /// took the earlier periods into account). The calendar edit (Deadlines.DueTimeRecalculator) calls
    /// <see cref="CurrentDue"/> directly, with every open dossier's clock entries read in one query.
    /// </summary>
    internal async Task<DateTimeOffset> CurrentDueAsync(
        WorkflowsDbContext db, DossierRow row, Changeset? changeset, DateTimeOffset originalDue, WorkingCalendar calendar, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(row);
        var apologies = await ConfirmedApology.LatestAsync(db, row.Id, cancellationToken);
        return await CurrentDueAsync(db, row, changeset, originalDue, apologies.GetValueOrDefault(row.Id), calendar, cancellationToken);
    }

    /// <summary>As above, with the dossier's latest confirmed apology letter (if any) already read.</summary>
    internal Task<DateTimeOffset> CurrentDueAsync(
        WorkflowsDbContext db, DossierRow row, Changeset? changeset, DateTimeOffset originalDue, ConfirmedApology? apology, WorkingCalendar calendar, CancellationToken cancellationToken) =>
        apology is null
            ? RecomputeDueAsync(db, row, changeset, originalDue, null, calendar, cancellationToken)
            : RecomputeDueAsync(db, row, changeset, apology.NewDueAt, apology.ConfirmedAt, calendar, cancellationToken);

    // Paused periods from the whole journal (stored entries and this changeset's), each with its reason: the wait's
    // signal, or the supplement signal for a supplement request; only their part after pausedSince when given.
    private async Task<DateTimeOffset> RecomputeDueAsync(
        WorkflowsDbContext db, DossierRow row, Changeset? changeset, DateTimeOffset originalDue, DateTimeOffset? pausedSince, WorkingCalendar calendar, CancellationToken cancellationToken)
    {
        var definition = registry.Get(row.ProcedureCode, row.ProcedureVersion);
        if (definition is null || !Enum.TryParse<Channel>(row.Channel, ignoreCase: true, out var channel))
        {
            return row.DueAt;
        }

        var paused = RowMapping.Name(JournalKind.ClockPaused);
        var resumed = RowMapping.Name(JournalKind.ClockResumed);
        var stored = await db.Journal.AsNoTracking()
            .Where(j => j.InstanceId == row.Id && (j.Kind == paused || j.Kind == resumed))
            .Select(j => new { j.Sequence, j.At, j.Kind, j.NodeId })
            .ToListAsync(cancellationToken);
        var entries = stored.Select(j => new ClockEntry(j.Sequence, j.At, j.Kind == paused, j.NodeId))
            .Concat((changeset?.Journal ?? []).Where(j => j.InstanceId == row.Id && j.Kind is JournalKind.ClockPaused or JournalKind.ClockResumed)
                .Select(j => new ClockEntry(j.Sequence, j.At, j.Kind == JournalKind.ClockPaused, j.NodeId)))
            .DistinctBy(j => j.Sequence)
            .OrderBy(j => j.Sequence);
        return CurrentDue(definition, channel, originalDue, pausedSince, entries, calendar);
    }

    /// <summary>
    /// The appointment from the dossier's clock entries (its journal's clockPaused/clockResumed rows, in sequence order):
    /// <paramref name="originalDue"/> moved by the paused periods, only their part after <paramref name="pausedSince"/> when
    /// given (a confirmed apology letter). No database access: the calendar edit calls it for every open dossier after
    /// reading all their clock entries in one query.
    /// </summary>
    internal static DateTimeOffset CurrentDue(
        ProcedureDefinition definition, Channel channel, DateTimeOffset originalDue, DateTimeOffset? pausedSince, IEnumerable<ClockEntry> entries, WorkingCalendar calendar)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(entries);
        var periods = new List<PausedPeriod>();
        (DateTimeOffset At, string? NodeId)? open = null;
        foreach (var entry in entries)
        {
            if (entry.Paused)
            {
                open ??= (entry.At, entry.NodeId);
            }
            else if (open is { } start)
            {
                var reason = start.NodeId is not null && definition.Flowchart.Nodes.FirstOrDefault(n => n.Id == start.NodeId) is WaitNode wait
                    ? wait.Signal
                    : "supplementReceived";
                var from = pausedSince is { } since && since > start.At ? since : start.At;
                if (from < entry.At)
                {
                    periods.Add(new PausedPeriod(from, entry.At, reason));
                }

                open = null;
            }
        }

        return SupplementClock.Recompute(definition.Supplement, definition.CommittedLimitFor(channel), originalDue, periods, calendar);
    }

    /// <summary>
    /// A refusal decided after the dossier left its first step (appraisal, signature): the competent body's answer to
    /// a received dossier, resolved with a refusal (status 9, result refused). A refusal while the dossier never left
    /// its first step (the intake check) is a refusal to receive it (status 3). See docs/statuses.md.
    /// </summary>
    private static async Task<bool> RefusedAfterAppraisalAsync(WorkflowsDbContext db, Guid instanceId, Changeset changeset, CancellationToken cancellationToken)
    {
        var completed = RowMapping.Name(JournalKind.StepCompleted);
        var stored = await db.Journal.AsNoTracking()
            .Where(j => j.InstanceId == instanceId && j.Kind == completed && j.NodeId != null)
            .Select(j => j.NodeId!)
            .Distinct()
            .ToListAsync(cancellationToken);
        return stored
            .Concat(changeset.Journal.Where(j => j.InstanceId == instanceId && j.Kind == JournalKind.StepCompleted && j.NodeId is not null).Select(j => j.NodeId!))
            .Distinct(StringComparer.Ordinal)
            .Count() > 1;
    }

    /// <summary>The national status an instance stands at.</summary>
    public static int StatusOf(WorkflowInstance instance, int current, bool progressed, bool refusedAfterAppraisal = false)
    {
        ArgumentNullException.ThrowIfNull(instance);
        switch (instance.Status)
        {
            case InstanceStatus.Completed when refusedAfterAppraisal && instance.Result == EndResult.Refused:
                return DossierStatus.Resolved;
            case InstanceStatus.Completed:
                return DossierStatus.ForResult(instance.Result ?? Engine.Definitions.EndResult.Issued);
            case InstanceStatus.Faulted:
                return current;
        }

        if (instance.Bookmarks.Any(b => b.Kind == BookmarkKind.Supplement))
        {
            return DossierStatus.SupplementRequested;
        }

        // The engine stops the clock only for a supplement or a Wait with pausesClock: with no supplement open,
        // a stopped clock and an open signal wait mean a financial obligation.
        if (instance.ClockPausedAt is not null && instance.Bookmarks.Any(b => b.Kind == BookmarkKind.Signal))
        {
            return DossierStatus.FinancialObligationDue;
        }

        return progressed || current is not (DossierStatus.Submitted or DossierStatus.Received)
            ? DossierStatus.Processing
            : DossierStatus.Received;
    }

    /// <summary>The outbox message telling the intake system its dossier's status changed.</summary>
    /// <remarks>
    /// Written straight to UTF-8 (the same JSON a JsonObject would give): a calendar edit builds one per moved
    /// appointment, 100,000 for a city, and a tree of nodes per message was a second of its time.
    /// </remarks>
    public static OutboxRow StatusChanged(DossierRow row, DateTimeOffset changedAt, InstanceFault? fault = null)
    {
        ArgumentNullException.ThrowIfNull(row);
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(512);
        using (var json = new System.Text.Json.Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("dossierCode", row.Code);
            json.WriteString("externalCode", row.ExternalCode);
            json.WriteString("intakeClient", row.IntakeClient);
            json.WriteNumber("status", row.Status);
            json.WriteString("statusName", DossierStatus.Name(row.Status));
            json.WriteString("statusNameEn", DossierStatus.NameEn(row.Status));
            json.WriteString("result", row.Result);
            json.WriteString("dueAt", row.DueAt);
            json.WriteString("originalDueAt", row.OriginalDueAt);
            json.WriteString("changedAt", changedAt);
            if (fault is not null)
            {
                // Where and what kind of failure (the engine's messages carry no dossier data); an administrator
                // retries or stops it (/api/runtime/faulted).
                json.WriteStartObject("fault");
                json.WriteString("nodeId", fault.NodeId);
                json.WriteString("reason", fault.Message);
                json.WriteString("at", fault.At);
                json.WriteString("message", DossiersApi.FaultedMessage);
                json.WriteEndObject();
            }

            json.WriteEndObject();
        }

        var payload = System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
        return new OutboxRow
        {
            Id = Guid.CreateVersion7(changedAt),
            InstanceId = row.Id,
            Kind = HostOutboxKinds.StatusChanged,
            Payload = payload,
            CreatedAt = changedAt,
            NextAttemptAt = changedAt,
        };
    }
}

/// <summary>A clockPaused (<see cref="Paused"/>) or clockResumed row of a dossier's journal.</summary>
internal readonly record struct ClockEntry(long Sequence, DateTimeOffset At, bool Paused, string? NodeId);
