namespace Workflows.Host.Persistence;

/// <summary>
/// <c>task_month_counts</c>: the closed tasks of dossiers (completed with their report facts stored, or cancelled),
/// counted per procedure (the dossier's code, name and channel), step, department, state, timeliness and the local
/// (UTC+7) months of their opening, closing and due time. The summaries by department and by step add these rows up for
/// whole months instead of joining a year of tasks with their dossiers.
/// </summary>
/// <remarks>
/// Database triggers keep it in the same statement as every task write (migration TaskMonthCounts), as
/// <see cref="DossierMonthCountRow"/>: a task is counted while <see cref="IsCounted"/> holds of its row and its instance
/// (or the instance's parent, for a sub-process) has a dossier; the procedure is looked up by the trigger, so a report
/// reads it without the join. A dossier inserted after its instance's tasks closed counts them then. Open tasks are never
/// counted: the reports read them as rows.
/// </remarks>
internal sealed class TaskMonthCountRow
{
    public required string ProcedureCode { get; init; }

    public required string ProcedureName { get; init; }

    /// <summary>The dossier's channel.</summary>
    public required string Channel { get; init; }

    public required string NodeId { get; init; }

    /// <summary>The step's name, empty when the task has none (a key column cannot be null).</summary>
    public required string StepName { get; init; }

    public required string Department { get; init; }

    /// <summary>completed or cancelled.</summary>
    public required string State { get; init; }

    /// <summary>Early (0), on time (1) or late (2); -1 for a cancelled task.</summary>
    public int Timeliness { get; init; }

    /// <summary>yyyyMM of opened_at in local time, as every month column (<see cref="DossierMonthCountRow.MonthKey"/>).</summary>
    public int OpenedMonth { get; init; }

    public int ClosedMonth { get; init; }

    public int DueMonth { get; init; }

    public int Tasks { get; init; }

    /// <summary>
    /// The task rows the roll-ups count: closed and cancelled, or closed and completed with every report fact stored. A
    /// trigger stores it on each row as <see cref="TaskRow.RolledUp"/> (migration TaskReportColumns), whose negation is
    /// ix_tasks_not_rolled_up's filter.
    /// </summary>
    public const string IsCounted = "state <> 'open' AND closed_at IS NOT NULL AND (state = 'cancelled' OR (timeliness IS NOT NULL AND worked_minutes IS NOT NULL AND allotted_minutes IS NOT NULL))";
}

/// <summary>
/// <c>task_minute_counts</c>: the completed tasks that <c>task_month_counts</c> counts, per procedure, step, department,
/// local month of closing and stored minutes: <see cref="Measure"/> 0 counts them by worked minutes, 1 by allotted
/// minutes (each completed task once in each). A count per minute value keeps the bottleneck's nearest-rank percentiles
/// exact: the first value whose cumulative count reaches p × n is what percentile_disc picks from the rows.
/// </summary>
internal sealed class TaskMinuteCountRow
{
    public const int Worked = 0;
    public const int Allotted = 1;

    public required string ProcedureCode { get; init; }

    public required string ProcedureName { get; init; }

    public required string NodeId { get; init; }

    /// <summary>The step's name, empty when the task has none.</summary>
    public required string StepName { get; init; }

    public required string Department { get; init; }

    public int ClosedMonth { get; init; }

    /// <summary><see cref="Worked"/> or <see cref="Allotted"/>.</summary>
    public int Measure { get; init; }

    public long Minutes { get; init; }

    public int Tasks { get; init; }

    /// <summary>Of <see cref="Tasks"/>, those closed after their due time.</summary>
    public int Late { get; init; }
}
