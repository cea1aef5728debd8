namespace Workflows.Host.Persistence;

/// <summary>
/// <c>dossier_month_counts</c>: the finished dossiers whose report facts are stored, counted per procedure, reception
/// point, channel, final status, timeliness, whether documents were recorded, and the local (UTC+7) months of their
/// receipt, completion and original due time. Whole-month reports add these rows up instead of scanning a year of
/// dossiers; the table grows with months × procedures × points, not with dossiers.
/// </summary>
/// <remarks>
/// Database triggers on <c>dossiers</c> keep it (migration DossierMonthCounts): a dossier is counted while
/// <see cref="IsCounted"/> holds of its row, and every insert, update or delete that changes a counted column moves its
/// count in the same statement, so the table is never out of step with the rows, whatever wrote them (the commit path,
/// the facts fill, an import in plain SQL). Open dossiers are never counted: their status still moves.
/// </remarks>
internal sealed class DossierMonthCountRow
{
    /// <summary>The offset of the months the triggers compute (Vietnam; the reports use the table only when the calendar's offset is this one).</summary>
    public static readonly TimeSpan MonthOffset = TimeSpan.FromHours(7);

    public required string ProcedureCode { get; init; }

    public required string ProcedureName { get; init; }

    public required string ReceptionPoint { get; init; }

    public required string Channel { get; init; }

    public int Status { get; init; }

    public int Timeliness { get; init; }

    public bool WithDocuments { get; init; }

    /// <summary>yyyyMM of received_at in local time, as every month column.</summary>
    public int ReceivedMonth { get; init; }

    public int CompletedMonth { get; init; }

    public int DueMonth { get; init; }

    public int Dossiers { get; init; }

    /// <summary>The rows the table counts: finished, with their timeliness and document count stored.</summary>
    public const string IsCounted = "completed_at IS NOT NULL AND timeliness IS NOT NULL AND document_count IS NOT NULL";

    /// <summary>The local month key (yyyyMM at <see cref="MonthOffset"/>) of an instant, as the triggers compute it.</summary>
    public static int MonthKey(DateTimeOffset instant)
    {
        var local = instant.ToOffset(MonthOffset);
        return (local.Year * 100) + local.Month;
    }
}
