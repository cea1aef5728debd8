using Microsoft.EntityFrameworkCore;

namespace Workflows.Host.Persistence;

/// <summary>A year of the working calendar edited through the API; overrides definitions/calendars/&lt;year&gt;.json.</summary>
internal sealed class CalendarRow
{
    public int Year { get; set; }

    /// <summary>The year's file model (CalendarFile) as JSON.</summary>
    public required string Json { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public required string UpdatedBy { get; set; }

    /// <summary>
    /// Set by an edit of the year: when every node has reloaded it (and a due time counted on the calendar before has
    /// committed). The deadline sweep then counts every open due time again and clears it (DueTimeRecount).
    /// </summary>
    public DateTimeOffset? RecountAfter { get; set; }
}

/// <summary>
/// A "due soon" warning sent for a task or a dossier. One per subject and due time: a warned item is not warned
/// again until its due time moves (a calendar change, an apology).
/// </summary>
internal sealed class DeadlineWarningRow
{
    public Guid Id { get; set; }

    public Guid InstanceId { get; set; }

    /// <summary>The task id, or the dossier id (= instance id) for the dossier itself.</summary>
    public Guid SubjectId { get; set; }

    /// <summary>task or dossier.</summary>
    public required string Subject { get; set; }

    /// <summary>The departments warned, comma-separated.</summary>
    public required string Departments { get; set; }

    public DateTimeOffset DueAt { get; set; }

    public DateTimeOffset WarnedAt { get; set; }
}

internal static class WarningSubjects
{
    public const string Task = "task";
    public const string Dossier = "dossier";
}

/// <summary>An apology letter (form 04, thư xin lỗi và hẹn lại ngày trả kết quả) for a dossier that will be late.</summary>
internal sealed class ApologyLetterRow
{
    public Guid Id { get; set; }

    public Guid DossierId { get; set; }

    public required string Reason { get; set; }

    /// <summary>The new appointment proposed (the one confirmed once confirmed).</summary>
    public DateTimeOffset ProposedDueAt { get; set; }

    /// <summary>The dossier's first appointment, as printed on the receipt.</summary>
    public DateTimeOffset OriginalDueAt { get; set; }

    /// <summary>The appointment the letter moves (the dossier's due time when it was drafted or confirmed).</summary>
    public DateTimeOffset PreviousDueAt { get; set; }

    /// <summary>draft, confirmed or cancelled.</summary>
    public required string State { get; set; }

    public DateTimeOffset DraftedAt { get; set; }

    public DateTimeOffset? ConfirmedAt { get; set; }

    public string? ConfirmedBy { get; set; }

    public int RowVersion { get; set; }
}

/// <summary>The new appointment an apology letter (form 04) promised, and when it was confirmed.</summary>
internal sealed record ConfirmedApology(DateTimeOffset NewDueAt, DateTimeOffset ConfirmedAt)
{
    /// <summary>Each dossier's latest confirmed letter: one dossier's, or every dossier's when <paramref name="dossierId"/> is null (one query).</summary>
    public static async Task<Dictionary<Guid, ConfirmedApology>> LatestAsync(WorkflowsDbContext db, Guid? dossierId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var confirmed = db.Set<ApologyLetterRow>().AsNoTracking().Where(a => a.State == ApologyStates.Confirmed && a.ConfirmedAt != null);
        if (dossierId is { } id)
        {
            confirmed = confirmed.Where(a => a.DossierId == id);
        }

        var letters = await confirmed.Select(a => new { a.DossierId, a.ProposedDueAt, ConfirmedAt = a.ConfirmedAt!.Value }).ToListAsync(cancellationToken);
        return letters.GroupBy(a => a.DossierId)
            .Select(g => g.MaxBy(a => a.ConfirmedAt)!)
            .ToDictionary(a => a.DossierId, a => new ConfirmedApology(a.ProposedDueAt, a.ConfirmedAt));
    }
}

internal static class ApologyStates
{
    public const string Draft = "draft";
    public const string Confirmed = "confirmed";
    public const string Cancelled = "cancelled";

    public static readonly IReadOnlyList<string> All = [Draft, Confirmed, Cancelled];
}

/// <summary>The deadline flows' tables; called from WorkflowsDbContext.OnModelCreating (names become snake_case there).</summary>
internal static class DeadlineModel
{
    public static void Configure(ModelBuilder modelBuilder)
    {
        ArgumentNullException.ThrowIfNull(modelBuilder);

        modelBuilder.Entity<CalendarRow>(e =>
        {
            e.ToTable("calendars");
            e.HasKey(c => c.Year);
            e.Property(c => c.Year).ValueGeneratedNever();
            e.Property(c => c.UpdatedBy).HasMaxLength(256);
        });

        modelBuilder.Entity<DeadlineWarningRow>(e =>
        {
            e.ToTable("deadline_warnings");
            e.HasKey(w => w.Id);
            e.Property(w => w.Subject).HasMaxLength(16);
            e.Property(w => w.Departments).HasMaxLength(2000);
            e.HasOne<Persistence.InstanceRow>().WithMany().HasForeignKey(w => w.InstanceId).OnDelete(DeleteBehavior.Cascade);
            // Once per subject and due time, even with two sweeping nodes.
            e.HasIndex(w => new { w.SubjectId, w.DueAt }).IsUnique().HasDatabaseName("ux_deadline_warnings_subject_due_at");
            e.HasIndex(w => w.InstanceId).HasDatabaseName("ix_deadline_warnings_instance_id");
        });

        modelBuilder.Entity<ApologyLetterRow>(e =>
        {
            e.ToTable("apology_letters");
            e.HasKey(a => a.Id);
            e.Property(a => a.Reason).HasMaxLength(4000);
            e.Property(a => a.State).HasMaxLength(16);
            e.Property(a => a.ConfirmedBy).HasMaxLength(256);
            e.Property(a => a.RowVersion).IsConcurrencyToken();
            e.HasOne<Persistence.DossierRow>().WithMany().HasForeignKey(a => a.DossierId).OnDelete(DeleteBehavior.Cascade);
            e.HasIndex(a => new { a.DossierId, a.State }).HasDatabaseName("ix_apology_letters_dossier_id_state");
            e.HasIndex(a => new { a.State, a.DraftedAt }).HasDatabaseName("ix_apology_letters_state_drafted_at");
        });
    }
}
