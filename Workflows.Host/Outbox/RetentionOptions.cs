using System.ComponentModel.DataAnnotations;

namespace Workflows.Host.Outbox;

/// <summary>
/// Section "Retention": how long delivered outbox messages and the journal of closed dossiers stay in the hot tables.
/// Delivered messages are removed; journal rows are moved to <c>journal_archive</c>, never deleted (they are the control
/// slip's and the timeline's source). Dead letters stay until an administrator handles them.
/// </summary>
internal sealed class RetentionOptions
{
    public const string Section = "Retention";

    /// <summary>Days a delivered outbox message is kept after its delivery (the receivers' de-duplication window).</summary>
    [Range(1, 3650, ErrorMessage = "must be between 1 and 3650.")]
    public int DeliveredOutboxDays { get; set; } = 30;

    /// <summary>Months after a dossier closed at which its journal moves to the archive table.</summary>
    [Range(1, 1200, ErrorMessage = "must be between 1 and 1200.")]
    public int JournalArchiveMonths { get; set; } = 12;

    /// <summary>Most outbox messages removed, and most journal rows moved, by one statement (one short transaction).</summary>
    [Range(1, 100_000, ErrorMessage = "must be between 1 and 100000.")]
    public int BatchSize { get; set; } = 5_000;

    /// <summary>How often the sweep looks for work once a pass found less than a full batch.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00", ErrorMessage = "must be a time span between 00:00:01 and 1.00:00:00.")]
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromHours(1);
}
