namespace Workflows.Host.Reports;

/// <summary>
/// What a summary is grouped by. Procedure, reception point, channel and month count dossiers; department and
/// step count the departments' tasks.
/// </summary>
internal enum ReportGrouping
{
    Procedure,
    Department,
    Step,
    ReceptionPoint,
    Channel,
    Month,
}

/// <summary>
/// A reporting period: the local (UTC+7) days <see cref="From"/> to <see cref="To"/>, both included, i.e. the
/// instants [<see cref="Start"/>, <see cref="End"/>).
/// </summary>
internal sealed record ReportPeriod(DateOnly From, DateOnly To, DateTimeOffset Start, DateTimeOffset End);

/// <summary>The parsed parameters of a summary.</summary>
internal sealed record SummaryQuery(ReportPeriod Period, ReportGrouping GroupBy, string? Procedure, string? Department);

/// <summary>New items in the period, by the dossier's channel.</summary>
internal sealed record ReceivedCounts(int Total, int Online, int InPerson, int Postal);

/// <summary>
/// Items finished in the period. Resolved = Early + OnTime + Late. Dossiers: Refused (status 3), Withdrawn (7)
/// and Stopped (8) are counted apart from Resolved, and Cancelled is 0. Tasks: completed tasks are Resolved and
/// cancelled tasks are Cancelled; Refused, Withdrawn and Stopped are 0.
/// </summary>
internal sealed record FinishedCounts(int Total, int Resolved, int Early, int OnTime, int Late, int Refused, int Withdrawn, int Stopped, int Cancelled);

/// <summary>Items not finished at the end of the period: WithinTime + Late.</summary>
internal sealed record InProgressCounts(int Total, int WithinTime, int Late);

/// <summary>
/// One row of a summary. CarriedOver + Received.Total = Finished.Total + InProgress.Total.
/// OnTimeRate is a percentage with 2 decimals, null when nothing was resolved.
/// </summary>
internal sealed record SummaryRow(
    string Key,
    string Label,
    ReceivedCounts Received,
    int CarriedOver,
    FinishedCounts Finished,
    InProgressCounts InProgress,
    int WaitingForSupplement,
    decimal? OnTimeRate);

internal sealed record SummaryReport(
    DateOnly From,
    DateOnly To,
    string GroupBy,
    string Counts,
    DateTimeOffset GeneratedAt,
    IReadOnlyList<SummaryRow> Rows,
    SummaryRow Total);

/// <summary>
/// One (procedure, step, department) of the bottleneck report. Hours are working hours with 2 decimals;
/// medians and 90th percentiles are nearest-rank; null when no task was completed in the period.
/// </summary>
internal sealed record BottleneckRow(
    string ProcedureCode,
    string ProcedureName,
    string NodeId,
    string StepName,
    string Department,
    int Completed,
    decimal? MedianWorkingHours,
    decimal? P90WorkingHours,
    decimal? MedianAllottedHours,
    int CompletedLate,
    decimal? LateShare,
    int Open,
    int OpenLate);

internal sealed record BottleneckReport(DateOnly From, DateOnly To, DateTimeOffset GeneratedAt, IReadOnlyList<BottleneckRow> Rows);

/// <summary>One indicator: Numerator / Denominator as a percentage with 2 decimals (null when the denominator is 0).</summary>
internal sealed record Indicator(string Code, string Name, int Numerator, int Denominator, decimal? Percentage);

internal sealed record IndicatorReport(DateOnly From, DateOnly To, DateTimeOffset GeneratedAt, IReadOnlyList<Indicator> Indicators);
