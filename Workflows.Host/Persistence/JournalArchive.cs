using Microsoft.EntityFrameworkCore;

namespace Workflows.Host.Persistence;

/// <summary>
/// A journal row of a dossier closed long ago, moved out of <c>journal</c> by the retention sweep (Outbox.RetentionSweep)
/// so the hot table holds what is in flight. Same columns and key as <see cref="JournalRow"/>; the rows are still the
/// dossier's history (the control slip, the timeline and every form read them through <see cref="JournalReader"/>).
/// </summary>
internal sealed class ArchivedJournalRow
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

/// <summary>
/// The one reader of an instance's whole journal: the rows still in <c>journal</c> and those archived, in sequence
/// order. A dossier's journal may be in both while it is being archived (or gets a row after it was), never twice.
/// </summary>
internal static class JournalReader
{
    public static async Task<List<JournalRow>> ForInstanceAsync(WorkflowsDbContext db, Guid instanceId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var current = await db.Journal.AsNoTracking().Where(j => j.InstanceId == instanceId).ToListAsync(cancellationToken);
        var archived = await db.JournalArchive.AsNoTracking().Where(j => j.InstanceId == instanceId)
            .Select(j => new JournalRow
            {
                InstanceId = j.InstanceId, Sequence = j.Sequence, At = j.At, Kind = j.Kind, NodeId = j.NodeId,
                Outcome = j.Outcome, Actor = j.Actor, Note = j.Note, Detail = j.Detail,
            })
            .ToListAsync(cancellationToken);
        return [.. current.Concat(archived).DistinctBy(j => j.Sequence).OrderBy(j => j.Sequence)];
    }
}

/// <summary>The archive's table; called from WorkflowsDbContext.OnModelCreating (names become snake_case there).</summary>
internal static class JournalArchiveModel
{
    public static void Configure(ModelBuilder modelBuilder)
    {
        ArgumentNullException.ThrowIfNull(modelBuilder);
        modelBuilder.Entity<ArchivedJournalRow>(e =>
        {
            e.ToTable("journal_archive");
            e.HasKey(j => new { j.InstanceId, j.Sequence });
            e.Property(j => j.Kind).HasMaxLength(32);
            e.Property(j => j.NodeId).HasMaxLength(128);
            e.Property(j => j.Outcome).HasMaxLength(128);
            e.Property(j => j.Actor).HasMaxLength(256);
            e.HasOne<InstanceRow>().WithMany().HasForeignKey(j => j.InstanceId).OnDelete(DeleteBehavior.Cascade);
        });
    }
}
