namespace Workflows.Host.Persistence;

// Row types: one class per table, explicit columns. Names become snake_case in WorkflowsDbContext.
// Enums are stored as camelCase text ("running", "stepOpened") so SQL reads like the API.

/// <summary>One version of a procedure: a draft being edited, or a published, immutable version.</summary>
internal sealed class ProcedureVersionRow
{
    public long Id { get; set; }

    public required string Code { get; set; }

    public int Version { get; set; }

    public DateOnly EffectiveFrom { get; set; }

    public required string Name { get; set; }

    /// <summary>draft or published.</summary>
    public required string Status { get; set; }

    /// <summary>The definition as canonical procedure JSON (DefinitionJson.Serialize).</summary>
    public required string Json { get; set; }

    /// <summary>SHA-256 of the canonical JSON without its version number: same content, same hash.</summary>
    public required string ContentHash { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? PublishedAt { get; set; }

    /// <summary>
    /// Counts the saves of the content (1 when created). With the content hash it makes a draft's ETag, and it is the
    /// row's concurrency token: of two designers saving one draft at once, the second is refused, never lost silently.
    /// </summary>
    public int Revision { get; set; } = 1;

    /// <summary>The principal who last saved (created, replaced or published) this version; null for versions from files.</summary>
    public string? SavedBy { get; set; }

    /// <summary>When this version last changed (created, replaced or published): the catalogue's "last change".</summary>
    public DateTimeOffset? SavedAt { get; set; }

    /// <summary>The name folded for search (lower case, no diacritics, đ → d), so "dang ky" finds "Đăng ký".</summary>
    public string? SearchName { get; set; }

    /// <summary>The procedure's field (lĩnh vực), for the catalogue's filter.</summary>
    public string? Field { get; set; }

    /// <summary>Departments the steps use, each between bars ("|construction|one-stop-desk|"), for the catalogue's filter.</summary>
    public string? Departments { get; set; }
}

internal static class ProcedureStatus
{
    public const string Draft = "draft";
    public const string Published = "published";
}

internal sealed class InstanceRow
{
    public Guid Id { get; set; }

    public required string DefinitionCode { get; set; }

    public int DefinitionVersion { get; set; }

    public required string Status { get; set; }

    public string? Result { get; set; }

    public required string Data { get; set; }

    public required string Tokens { get; set; }

    public string? Fault { get; set; }

    public Guid? ParentInstanceId { get; set; }

    public Guid? ParentBookmarkId { get; set; }

    public DateTimeOffset? ClockPausedAt { get; set; }

    public long JournalSequence { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>Optimistic concurrency token: the engine's instance version.</summary>
    public int Version { get; set; }
}

internal sealed class BookmarkRow
{
    public Guid Id { get; set; }

    public Guid InstanceId { get; set; }

    public Guid TokenId { get; set; }

    public required string NodeId { get; set; }

    public required string Kind { get; set; }

    public string? Key { get; set; }

    public DateTimeOffset? DueAt { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>A department's task; its id is the step's bookmark id.</summary>
internal sealed class TaskRow
{
    public Guid Id { get; set; }

    public Guid InstanceId { get; set; }

    public required string NodeId { get; set; }

    public string? StepName { get; set; }

    public required string Department { get; set; }

    public string? Role { get; set; }

    /// <summary>open, completed or cancelled.</summary>
    public required string State { get; set; }

    public DateTimeOffset OpenedAt { get; set; }

    public DateTimeOffset DueAt { get; set; }

    public DateTimeOffset? ClosedAt { get; set; }

    public string? Outcome { get; set; }

    public string? Actor { get; set; }

    public string? Note { get; set; }

    public string? PreviousNodeId { get; set; }

    public string? ClaimedBy { get; set; }

    /// <summary>
    /// Working minutes (on the calendar in force when it closed) from opened to closed, stored when the task completes
    /// so reports aggregate in SQL; null while open, for cancelled tasks, and for rows not yet filled (ReportFacts).
    /// </summary>
    public long? WorkedMinutes { get; set; }

    /// <summary>Working minutes from opened to due, stored with <see cref="WorkedMinutes"/>.</summary>
    public long? AllottedMinutes { get; set; }

    /// <summary>Early (0), on time (1) or late (2) against its due time, stored with <see cref="WorkedMinutes"/>.</summary>
    public int? Timeliness { get; set; }

    /// <summary>Incremented by every change to the row (claims, closes).</summary>
    public int RowVersion { get; set; }

    /// <summary>
    /// The dossier the task belongs to: of its instance, or of its instance's parent for a sub-process; null when it has
    /// none (its tasks are not reported). The Host writes it with the task when the commit holds the dossier
    /// (<see cref="TaskDossierColumns"/>); otherwise database triggers (migrations TaskReportColumns, TaskColumnsFromHost)
    /// look it up in the statement that inserts the task, whichever path writes it, and write it again when the dossier is
    /// inserted later, changes or is deleted, so the task reports read the task rows alone, without joining instances and
    /// dossiers. A trigger sees only what its
    /// statement's snapshot sees: a dossier and its tasks are written in one transaction (intake, the commit path), and
    /// a path that writes them in two concurrent transactions would leave the task without its columns.
    /// </summary>
    public Guid? DossierId { get; set; }

    /// <summary>The dossier's procedure code, kept with <see cref="DossierId"/>.</summary>
    public string? ProcedureCode { get; set; }

    /// <summary>The dossier's procedure name, kept with <see cref="DossierId"/>.</summary>
    public string? ProcedureName { get; set; }

    /// <summary>The dossier's channel, kept with <see cref="DossierId"/>.</summary>
    public string? Channel { get; set; }

    /// <summary>
    /// Whether the task roll-ups count the row (<see cref="TaskMonthCountRow.IsCounted"/>), set by a trigger on every
    /// write: the reports find the rows they read as rows (open, or facts not yet filled) by this one column, whose
    /// statistics PostgreSQL estimates exactly (a few thousandths of the tasks), where it over-estimates the OR of the
    /// five columns it summarises by two orders of magnitude and scans the table.
    /// </summary>
    public bool RolledUp { get; set; }
}

internal static class TaskStates
{
    public const string Open = "open";
    public const string Completed = "completed";
    public const string Cancelled = "cancelled";
}

/// <summary>
/// The columns of a journal row, shared by <see cref="JournalRow"/> (<c>journal</c>) and
/// <see cref="ArchivedJournalRow"/> (<c>journal_archive</c>), configured once by <see cref="JournalModel"/>: a column is
/// added or resized here and there, for both tables.
/// </summary>
internal abstract class JournalColumns
{
    public Guid InstanceId { get; set; }

    public long Sequence { get; set; }

    public DateTimeOffset At { get; set; }

    public required string Kind { get; set; }

    public string? NodeId { get; set; }

    public string? Outcome { get; set; }

    public string? Actor { get; set; }

    public string? Note { get; set; }

    public string? Detail { get; set; }
}

internal sealed class JournalRow : JournalColumns;

internal sealed class OutboxRow
{
    public Guid Id { get; set; }

    public Guid InstanceId { get; set; }

    public required string Kind { get; set; }

    public required string Payload { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public int Attempts { get; set; }

    public DateTimeOffset? NextAttemptAt { get; set; }

    public DateTimeOffset? DeliveredAt { get; set; }

    public string? LastError { get; set; }

    public bool Dead { get; set; }
}
