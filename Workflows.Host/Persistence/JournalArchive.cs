using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Workflows.Host.Persistence;

/// <summary>
/// A journal row of a dossier closed long ago, moved out of <c>journal</c> by the retention sweep (Outbox.RetentionSweep)
/// so the hot table holds what is in flight. Same columns and key as <see cref="JournalRow"/>; the rows are still the
/// dossier's history (the control slip, the timeline and every form read them through <see cref="JournalReader"/>).
/// </summary>
internal sealed class ArchivedJournalRow : JournalColumns;

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
        var rows = await db.Journal.AsNoTracking().Where(j => j.InstanceId == instanceId).Select(AsJournalRow<JournalRow>())
            .Concat(db.JournalArchive.AsNoTracking().Where(j => j.InstanceId == instanceId).Select(AsJournalRow<ArchivedJournalRow>()))
            .ToListAsync(cancellationToken);
        return [.. rows.DistinctBy(j => j.Sequence).OrderBy(j => j.Sequence)];
    }

    // Every column, as a JournalRow, from either table (EF translates it into each side of the UNION ALL).
    private static Expression<Func<T, JournalRow>> AsJournalRow<T>()
        where T : JournalColumns =>
        j => new JournalRow
        {
            InstanceId = j.InstanceId, Sequence = j.Sequence, At = j.At, Kind = j.Kind, NodeId = j.NodeId,
            Outcome = j.Outcome, Actor = j.Actor, Note = j.Note, Detail = j.Detail,
        };
}

/// <summary>
/// The journal's two tables, <c>journal</c> and <c>journal_archive</c>, with one column configuration; called from
/// WorkflowsDbContext.OnModelCreating (names become snake_case there).
/// </summary>
internal static class JournalModel
{
    public static void Configure(ModelBuilder modelBuilder)
    {
        ArgumentNullException.ThrowIfNull(modelBuilder);
        modelBuilder.Entity<JournalRow>(e => ConfigureColumns(e, "journal"));
        modelBuilder.Entity<ArchivedJournalRow>(e => ConfigureColumns(e, "journal_archive"));
    }

    /// <summary>
    /// The journal's column names in the model, in one order, for the retention sweep's statements that copy rows from
    /// one table to the other (so a column added to <see cref="JournalColumns"/> is moved without editing SQL).
    /// </summary>
    public static string ColumnList(WorkflowsDbContext db)
    {
        ArgumentNullException.ThrowIfNull(db);
        var entity = db.Model.FindEntityType(typeof(JournalRow))!;
        var table = StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema());
        return string.Join(", ", entity.GetProperties().Select(p => p.GetColumnName(table)!).Order(StringComparer.Ordinal));
    }

    private static void ConfigureColumns<T>(EntityTypeBuilder<T> e, string table)
        where T : JournalColumns
    {
        e.ToTable(table);
        e.HasKey(j => new { j.InstanceId, j.Sequence });
        e.Property(j => j.Kind).HasMaxLength(32);
        e.Property(j => j.NodeId).HasMaxLength(128);
        e.Property(j => j.Outcome).HasMaxLength(128);
        e.Property(j => j.Actor).HasMaxLength(256);
        // No foreign key to instances: every writer appends an instance's rows in the transaction that has just updated
        // or inserted that instance (the engine's commit, the Host's appenders, the calendar edit's reservation), and no
        // instance is ever deleted, so the key checked nothing. It cost a lookup of the instance per row on every commit,
        // about half of a COPY of 100,000 calendar-edit rows (docs/benchmarks.md, S4 calendar edit).
    }
}
