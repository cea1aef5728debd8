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
/// The one reader of a dossier's whole journal: the rows still in <c>journal</c> and those archived, in sequence
/// order. A dossier's journal may be in both while it is being archived (or gets a row after it was), never twice.
/// </summary>
internal static class JournalReader
{
    /// <summary>
    /// The journal of <paramref name="dossier"/>'s instance. The archive is read only for a closed dossier: the sweep
    /// moves rows of dossiers whose <c>completed_at</c> is set (and old), and a closed dossier never reopens, so a
    /// dossier in flight (most reads: the desk's timeline, receipts) costs one index lookup on <c>journal</c> alone.
    /// Not "closed longer ago than the setting": the setting may have been shorter when a sweep ran.
    /// </summary>
    public static async Task<List<JournalRow>> ForDossierAsync(WorkflowsDbContext db, DossierRow dossier, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(dossier);
        var instanceId = dossier.Id;
        if (dossier.CompletedAt is null)
        {
            return await db.Journal.AsNoTracking().Where(j => j.InstanceId == instanceId).OrderBy(j => j.Sequence).ToListAsync(cancellationToken);
        }

        // Both tables in one round trip (UNION ALL); a row being archived may be in both for a moment.
        var rows = await db.Journal.AsNoTracking().Where(j => j.InstanceId == instanceId).Select(j => new JournalRow
            {
                InstanceId = j.InstanceId, Sequence = j.Sequence, At = j.At, Kind = j.Kind, NodeId = j.NodeId,
                Outcome = j.Outcome, Actor = j.Actor, Note = j.Note, Detail = j.Detail,
            })
            .Concat(db.JournalArchive.AsNoTracking().Where(j => j.InstanceId == instanceId).Select(j => new JournalRow
            {
                InstanceId = j.InstanceId, Sequence = j.Sequence, At = j.At, Kind = j.Kind, NodeId = j.NodeId,
                Outcome = j.Outcome, Actor = j.Actor, Note = j.Note, Detail = j.Detail,
            }))
            .ToListAsync(cancellationToken);
        return [.. rows.DistinctBy(j => j.Sequence).OrderBy(j => j.Sequence)];
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
