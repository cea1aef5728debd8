using Microsoft.EntityFrameworkCore;

namespace Workflows.Host.Persistence;

/// <summary>
/// An administrator's migration of one procedure's running dossiers from a published version to a later one, applied in
/// batches by the migration worker. The counts are recomputed from the outcome rows after each batch, so a run resumed
/// after a restart counts what was really committed.
/// </summary>
internal sealed class MigrationRunRow
{
    public Guid Id { get; set; }

    public required string ProcedureCode { get; set; }

    public int FromVersion { get; set; }

    public int ToVersion { get; set; }

    /// <summary>The old node → new node map as a JSON object (nodes the new version still has map to themselves).</summary>
    public required string NodeMap { get; set; }

    /// <summary><see cref="MigrationRunStates"/>.</summary>
    public required string State { get; set; }

    public int Moved { get; set; }

    public int Skipped { get; set; }

    public int Failed { get; set; }

    public required string CreatedBy { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public DateTimeOffset? CompletedAt { get; set; }
}

internal static class MigrationRunStates
{
    public const string Running = "running";
    public const string Completed = "completed";
}

/// <summary>
/// What a migration run did with one instance: moved (committed with the instance's move, in the same transaction),
/// skipped (it cannot move, and why; it stays on its version) or failed (an error while moving it).
/// </summary>
internal sealed class MigrationOutcomeRow
{
    public Guid RunId { get; set; }

    public Guid InstanceId { get; set; }

    public string? DossierCode { get; set; }

    /// <summary><see cref="MigrationOutcomeKinds"/>.</summary>
    public required string Outcome { get; set; }

    /// <summary>Where the instance stood and where it landed ("review → review; sign → approve").</summary>
    public string? Moves { get; set; }

    /// <summary>Why it was skipped or failed.</summary>
    public string? Reason { get; set; }

    public DateTimeOffset At { get; set; }
}

internal static class MigrationOutcomeKinds
{
    public const string Moved = "moved";
    public const string Skipped = "skipped";
    public const string Failed = "failed";
}

/// <summary>The migration tables; called from WorkflowsDbContext.OnModelCreating (names become snake_case there).</summary>
internal static class MigrationModel
{
    public static void Configure(ModelBuilder modelBuilder)
    {
        ArgumentNullException.ThrowIfNull(modelBuilder);

        modelBuilder.Entity<MigrationRunRow>(e =>
        {
            e.ToTable("migration_runs");
            e.HasKey(r => r.Id);
            e.Property(r => r.ProcedureCode).HasMaxLength(ColumnSizes.ProcedureCode);
            e.Property(r => r.State).HasMaxLength(16);
            e.Property(r => r.CreatedBy).HasMaxLength(256);
            // The worker: running runs, oldest first; the API: a procedure's runs.
            e.HasIndex(r => new { r.State, r.CreatedAt }).HasDatabaseName("ix_migration_runs_state_created_at");
            e.HasIndex(r => new { r.ProcedureCode, r.CreatedAt }).HasDatabaseName("ix_migration_runs_procedure_code_created_at");
        });

        modelBuilder.Entity<MigrationOutcomeRow>(e =>
        {
            e.ToTable("migration_outcomes");
            // One outcome per run and instance: a batch applied twice fails on the key and writes nothing.
            e.HasKey(o => new { o.RunId, o.InstanceId });
            e.Property(o => o.DossierCode).HasMaxLength(64);
            e.Property(o => o.Outcome).HasMaxLength(16);
            e.Property(o => o.Moves).HasMaxLength(ColumnSizes.Note);
            e.Property(o => o.Reason).HasMaxLength(ColumnSizes.Note);
            // No foreign key to the run: the worker holds the run's row lock while the dossiers' commits insert outcomes.
            e.HasIndex(o => new { o.RunId, o.At }).HasDatabaseName("ix_migration_outcomes_run_id_at");
        });
    }
}
