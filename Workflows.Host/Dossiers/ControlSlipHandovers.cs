using Workflows.Engine.Calendar;
using Workflows.Engine.Definitions;
using Workflows.Engine.Runtime;
using Workflows.Host.Definitions;
using Workflows.Host.Persistence;

namespace Workflows.Host.Dossiers;

/// <summary>The kinds of row on the control slip (form 06) and the timeline's handovers.</summary>
internal static class HandoverKinds
{
    /// <summary>A step's task: the dossier with a department.</summary>
    public const string Step = "step";

    /// <summary>The dossier sent back to the applicant for a supplement, until it came back.</summary>
    public const string Supplement = "supplement";

    /// <summary>The result handed to the applicant (national status 10).</summary>
    public const string ResultReturned = "resultReturned";

    /// <summary>The applicant as the receiving (or giving) unit of a handover.</summary>
    public const string Applicant = "applicant";
}

/// <summary>
/// The handovers of the control slip that are not one task's own: every branch handing over to the step after a join,
/// the time a dossier spent with the applicant for a supplement, and the result's return.
/// </summary>
internal static class ControlSlipHandovers
{
    /// <summary>
    /// When <paramref name="task"/>'s step follows a Join (through nodes that take no time: notifications, decisions),
    /// every branch that ended there before the step opened, with its unit and time: a step's department, or a
    /// sub-process by its node's name. Null for a step that does not follow a join, or a join of a single branch.
    /// </summary>
    public static IReadOnlyList<HandoverGiverDto>? JoinedBranches(
        ProcedureDefinition? definition, TaskRow task, IEnumerable<TaskRow> earlier, IReadOnlyList<JournalRow> journal, DepartmentDirectory departments)
    {
        ArgumentNullException.ThrowIfNull(task);
        if (definition is null)
        {
            return null;
        }

        var nodes = definition.Flowchart.Nodes.ToDictionary(n => n.Id, StringComparer.Ordinal);
        var join = Upstream(definition, task.NodeId, nodes).OfType<JoinNode>().FirstOrDefault();
        if (join is null)
        {
            return null;
        }

        var before = earlier.ToList();
        // The branches of this pass through the join: ended before the step opened and after its previous opening (a loop).
        var since = before.Where(t => t.NodeId == task.NodeId).Select(t => (DateTimeOffset?)t.OpenedAt).LastOrDefault();
        var givers = new List<HandoverGiverDto>();
        foreach (var end in BranchEnds(definition, join, nodes))
        {
            switch (end)
            {
                case StepNode:
                    var done = before.LastOrDefault(t => t.NodeId == end.Id && t.State == TaskStates.Completed
                        && t.ClosedAt <= task.OpenedAt && (since is null || t.ClosedAt >= since));
                    if (done is not null)
                    {
                        givers.Add(new HandoverGiverDto(new UnitDto(done.Department, departments.NameOf(done.Department)), done.ClosedAt!.Value, done.Actor));
                    }

                    break;
                case SubProcessNode:
                    var ended = journal.LastOrDefault(j => j.NodeId == end.Id && j.Kind == RowMapping.Name(JournalKind.SubProcessEnded)
                        && j.At <= task.OpenedAt && (since is null || j.At >= since));
                    if (ended is not null)
                    {
                        givers.Add(new HandoverGiverDto(new UnitDto(end.Id, end.Name ?? end.Id), ended.At, null));
                    }

                    break;
            }
        }

        return givers.Count > 1 ? [.. givers.OrderBy(g => g.HandedOverAt)] : null;
    }

    /// <summary>
    /// The supplement that <paramref name="requesting"/> (closed with needsSupplement) asked for: sent back by its
    /// officer to the applicant when requested, until it came back (still open while waiting); the row says whether
    /// the procedure pauses, restarts or counts the dossier's clock meanwhile.
    /// </summary>
    public static HandoverDto? Supplement(
        DossierRow row, ProcedureDefinition? definition, TaskRow requesting, IReadOnlyList<JournalRow> journal,
        WorkingCalendar calendar, DepartmentDirectory departments, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(row);
        ArgumentNullException.ThrowIfNull(requesting);
        ArgumentNullException.ThrowIfNull(calendar);
        var requested = journal.FirstOrDefault(j => j.NodeId == requesting.NodeId && j.Kind == RowMapping.Name(JournalKind.SupplementRequested)
            && j.At >= requesting.ClosedAt);
        if (requested is null)
        {
            return null;
        }

        var received = journal.FirstOrDefault(j => j.Sequence > requested.Sequence && j.NodeId == requesting.NodeId
            && j.Kind == RowMapping.Name(JournalKind.SupplementReceived));
        var lapse = journal.FirstOrDefault(j => j.Sequence > requested.Sequence && j.Kind == RowMapping.Name(JournalKind.TimerSet)
            && j.Outcome == Bookmark.SupplementDeadlineKey);
        DateTimeOffset? deadline = lapse is not null && DateTimeOffset.TryParse(lapse.Detail, System.Globalization.CultureInfo.InvariantCulture,
            System.Globalization.DateTimeStyles.RoundtripKind, out var at) ? at : null;
        var offset = calendar.UtcOffset;
        var end = received?.At ?? now;
        var minutes = calendar.WorkingMinutesBetween(requested.At, end);
        return new HandoverDto(
            0, null, requesting.NodeId, "Bổ sung, hoàn thiện hồ sơ",
            new UnitDto(requesting.Department, departments.NameOf(requesting.Department)),
            new UnitDto(HandoverKinds.Applicant, row.ApplicantName),
            received is null ? TaskStates.Open : TaskStates.Completed, null, requested.Actor ?? requesting.Actor, requested.Note ?? requesting.Note,
            requested.At.ToOffset(offset), received?.At.ToOffset(offset), deadline?.ToOffset(offset), definition?.Supplement.Deadline,
            minutes, calendar.WorkingDaysBetween(requested.At, end), Math.Round(minutes / 60m, 2, MidpointRounding.AwayFromZero),
            ClockDuring(definition?.Supplement))
        {
            Kind = HandoverKinds.Supplement,
        };
    }

    /// <summary>The result handed to the applicant by the one-stop desk, once the dossier is at status 10.</summary>
    public static HandoverDto? ResultReturned(DossierRow row, WorkingCalendar calendar, DepartmentDirectory departments, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(row);
        ArgumentNullException.ThrowIfNull(calendar);
        if (row.ResultReturnedAt is not { } at)
        {
            return null;
        }

        var offset = calendar.UtcOffset;
        // The endpoint records no officer: the giving unit is the centre's one-stop desk (the directory's first desk).
        var desk = departments.OneStopDesks.Count > 0 ? departments.OneStopDesks[0] : null;
        return new HandoverDto(
            0, null, null, "Trả kết quả giải quyết hồ sơ",
            new UnitDto(desk ?? string.Empty, desk is null ? "Bộ phận Một cửa" : departments.NameOf(desk)),
            new UnitDto(HandoverKinds.Applicant, row.ApplicantName),
            TaskStates.Completed, null, null, null,
            at.ToOffset(offset), at.ToOffset(offset), row.DueAt.ToOffset(offset), null, 0, 0, 0,
            // Returned by the appointment or not: the dossier's own on-time state, as the reports count it.
            RowMapping.Name(Engine.Deadlines.Sla.Classify(calendar, row.DueAt, row.CompletedAt ?? at, now)))
        {
            Kind = HandoverKinds.ResultReturned,
        };
    }

    /// <summary>
    /// What the dossier's clock does while the applicant supplements: <c>paused</c> (pause, or an excluded period),
    /// <c>restarted</c> (counted again in full once complete) or <c>counted</c> (an excluded-periods policy that does
    /// not exclude the supplement).
    /// </summary>
    public static string ClockDuring(SupplementPolicy? policy) => policy?.Clock switch
    {
        SupplementClockPolicy.Restart => "restarted",
        SupplementClockPolicy.ExcludedPeriods when !policy.ExcludedSignals.Contains("supplementReceived", StringComparer.Ordinal) => "counted",
        _ => "paused",
    };

    // The nodes before nodeId, walking back through nodes that take no time, up to the first step, sub-process, fork or join.
    private static IEnumerable<Node> Upstream(ProcedureDefinition definition, string nodeId, Dictionary<string, Node> nodes)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal) { nodeId };
        var queue = new Queue<string>([nodeId]);
        while (queue.TryDequeue(out var id))
        {
            foreach (var from in definition.Flowchart.Connections.Where(c => c.To == id).Select(c => c.From))
            {
                if (!seen.Add(from) || !nodes.TryGetValue(from, out var node))
                {
                    continue;
                }

                yield return node;
                if (node is NotifyNode or DecisionNode)
                {
                    queue.Enqueue(from);
                }
            }
        }
    }

    // The steps and sub-processes that end the join's branches (through nodes that take no time).
    private static IEnumerable<Node> BranchEnds(ProcedureDefinition definition, JoinNode join, Dictionary<string, Node> nodes) =>
        Upstream(definition, join.Id, nodes).Where(n => n is StepNode or SubProcessNode);
}
