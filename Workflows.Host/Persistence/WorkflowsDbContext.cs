using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Workflows.Host.Persistence;

/// <summary>
/// The Host's tables, the same on every provider. Each provider has its own subclass (and migration set):
/// <see cref="SqliteWorkflowsDbContext"/> and <see cref="PostgresWorkflowsDbContext"/>.
/// </summary>
internal abstract class WorkflowsDbContext : DbContext
{
    protected WorkflowsDbContext(DbContextOptions options)
        : base(options)
    {
        // Every explicit transaction here is all or nothing: a SaveChanges inside one needs no savepoint, and EF's
        // default (SAVEPOINT before, RELEASE after) costs a round trip per commit.
        Database.AutoSavepointsEnabled = false;
    }

    public DbSet<ProcedureVersionRow> ProcedureVersions => Set<ProcedureVersionRow>();

    public DbSet<InstanceRow> Instances => Set<InstanceRow>();

    public DbSet<BookmarkRow> Bookmarks => Set<BookmarkRow>();

    public DbSet<TaskRow> Tasks => Set<TaskRow>();

    public DbSet<JournalRow> Journal => Set<JournalRow>();

    /// <summary>Journal rows of dossiers closed long ago (the retention sweep); read a dossier's journal with JournalReader.</summary>
    public DbSet<ArchivedJournalRow> JournalArchive => Set<ArchivedJournalRow>();

    public DbSet<OutboxRow> Outbox => Set<OutboxRow>();

    public DbSet<DossierRow> Dossiers => Set<DossierRow>();

    public DbSet<DossierSequenceRow> DossierSequences => Set<DossierSequenceRow>();

    public DbSet<DossierMonthCountRow> DossierMonthCounts => Set<DossierMonthCountRow>();

    public DbSet<TaskMonthCountRow> TaskMonthCounts => Set<TaskMonthCountRow>();

    public DbSet<TaskMinuteCountRow> TaskMinuteCounts => Set<TaskMinuteCountRow>();

    public DbSet<PrincipalRow> Principals => Set<PrincipalRow>();

    public DbSet<MigrationRunRow> MigrationRuns => Set<MigrationRunRow>();

    public DbSet<MigrationOutcomeRow> MigrationOutcomes => Set<MigrationOutcomeRow>();

    public DbSet<SessionRow> Sessions => Set<SessionRow>();

    public DbSet<DepartmentRow> Departments => Set<DepartmentRow>();

    /// <summary>Column type for JSON documents that SQL may want to look into (dossier data, outbox payloads).</summary>
    protected virtual string? JsonColumnType => null;

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        ArgumentNullException.ThrowIfNull(modelBuilder);

        modelBuilder.Entity<ProcedureVersionRow>(e =>
        {
            e.ToTable("procedure_versions");
            e.HasKey(p => p.Id);
            e.Property(p => p.Code).HasMaxLength(ColumnSizes.ProcedureCode);
            e.Property(p => p.Name).HasMaxLength(ColumnSizes.ProcedureName);
            e.Property(p => p.Status).HasMaxLength(16);
            e.Property(p => p.ContentHash).HasMaxLength(64);
            e.HasIndex(p => new { p.Code, p.Version }).IsUnique().HasDatabaseName("ux_procedure_versions_code_version");
            // Catalogue searches and "the version in force on a day".
            e.HasIndex(p => new { p.Status, p.Code, p.EffectiveFrom }).HasDatabaseName("ix_procedure_versions_status_code_effective_from");
            e.HasIndex(p => new { p.Code, p.ContentHash }).HasDatabaseName("ix_procedure_versions_code_content_hash");
            e.Property(p => p.Revision).IsConcurrencyToken();
            e.Property(p => p.SavedBy).HasMaxLength(ColumnSizes.PrincipalName);
            // The catalogue's filters and sort orders (2,000 procedures: a page is one indexed query).
            e.HasIndex(p => p.Field).HasDatabaseName("ix_procedure_versions_field");
            e.Property(p => p.SearchName).HasMaxLength(ColumnSizes.ProcedureName);
            e.HasIndex(p => p.SearchName).HasDatabaseName("ix_procedure_versions_search_name");
            e.HasIndex(p => p.SavedAt).HasDatabaseName("ix_procedure_versions_saved_at");
        });

        modelBuilder.Entity<InstanceRow>(e =>
        {
            e.ToTable("instances");
            e.HasKey(i => i.Id);
            e.Property(i => i.DefinitionCode).HasMaxLength(64);
            e.Property(i => i.Status).HasMaxLength(16);
            e.Property(i => i.Result).HasMaxLength(16);
            e.Property(i => i.Data).HasColumnType(JsonColumnType);
            e.Property(i => i.Version).IsConcurrencyToken();
            e.HasIndex(i => new { i.DefinitionCode, i.DefinitionVersion, i.Status }).HasDatabaseName("ix_instances_definition_status");
            e.HasIndex(i => new { i.Status, i.UpdatedAt }).HasDatabaseName("ix_instances_status_updated_at");
            e.HasIndex(i => i.ParentInstanceId).HasDatabaseName("ix_instances_parent_instance_id");
        });

        modelBuilder.Entity<BookmarkRow>(e =>
        {
            e.ToTable("bookmarks");
            e.HasKey(b => b.Id);
            e.Property(b => b.NodeId).HasMaxLength(ColumnSizes.NodeId);
            e.Property(b => b.Kind).HasMaxLength(16);
            e.Property(b => b.Key).HasMaxLength(128);
            e.HasOne<InstanceRow>().WithMany().HasForeignKey(b => b.InstanceId).OnDelete(DeleteBehavior.Cascade);
            // The timer sweep: WHERE kind = 'timer' AND due_at <= now ORDER BY due_at.
            e.HasIndex(b => new { b.Kind, b.DueAt }).HasDatabaseName("ix_bookmarks_kind_due_at");
            e.HasIndex(b => b.InstanceId).HasDatabaseName("ix_bookmarks_instance_id");
        });

        modelBuilder.Entity<TaskRow>(e =>
        {
            e.ToTable("tasks");
            e.HasKey(t => t.Id);
            e.Property(t => t.NodeId).HasMaxLength(ColumnSizes.NodeId);
            e.Property(t => t.StepName).HasMaxLength(ColumnSizes.StepName);
            e.Property(t => t.Department).HasMaxLength(ColumnSizes.Department);
            e.Property(t => t.Role).HasMaxLength(128);
            e.Property(t => t.State).HasMaxLength(16);
            e.Property(t => t.Outcome).HasMaxLength(128);
            e.Property(t => t.Actor).HasMaxLength(256);
            e.Property(t => t.PreviousNodeId).HasMaxLength(128);
            e.Property(t => t.ClaimedBy).HasMaxLength(256);
            e.Property(t => t.RowVersion).IsConcurrencyToken();
            e.Property(t => t.ProcedureCode).HasMaxLength(ColumnSizes.ProcedureCode);
            e.Property(t => t.ProcedureName).HasMaxLength(ColumnSizes.ProcedureName);
            e.Property(t => t.Channel).HasMaxLength(16);
            e.HasOne<InstanceRow>().WithMany().HasForeignKey(t => t.InstanceId).OnDelete(DeleteBehavior.Cascade);
            // A department's work list: open tasks, most urgent first.
            e.HasIndex(t => new { t.Department, t.State, t.DueAt }).HasDatabaseName("ix_tasks_department_state_due_at");
            e.HasIndex(t => t.InstanceId).HasDatabaseName("ix_tasks_instance_id");
            // Reports: tasks closed in a period (bottlenecks, and the open-or-closed-since rows of a summary).
            e.HasIndex(t => t.ClosedAt).HasDatabaseName("ix_tasks_closed_at");
            // Completed tasks whose report facts are still to be filled (ReportFacts): empty once filled.
            e.HasIndex(t => t.Id).HasFilter("state = 'completed' AND timeliness IS NULL").HasDatabaseName("ix_tasks_facts_pending");
            // Tasks the roll-ups do not count (open, or facts not yet filled; a few thousandths of a year's tasks): the
            // reports read them as rows; keyed by procedure and department for the filtered reports.
            e.HasIndex(t => new { t.ProcedureCode, t.Department }, "ix_tasks_not_rolled_up").HasFilter("NOT rolled_up");
            // Reports over part of a month read the counted tasks opened or due in that month as rows.
            e.HasIndex(t => t.OpenedAt).HasDatabaseName("ix_tasks_opened_at");
            e.HasIndex(t => t.DueAt).HasDatabaseName("ix_tasks_due_at");
            // Not in the model (raw SQL in TaskColumnsFromHost, beside the triggers that use it): ix_tasks_without_dossier,
            // the tasks still without their dossier's columns, which a dossier inserted after them fills.
        });

        modelBuilder.Entity<OutboxRow>(e =>
        {
            e.ToTable("outbox");
            e.HasKey(o => o.Id);
            e.Property(o => o.Kind).HasMaxLength(32);
            e.Property(o => o.Payload).HasColumnType(JsonColumnType);
            // Outbox messages outlive nothing but are read by a dispatcher, so no foreign key to instances. No index on
            // instance_id either: no reader looks messages up by instance, and each message paid for one more random
            // B-tree entry (a third of a calendar edit's 100,000-message insert).
            // The dispatcher: pending messages (not delivered, not dead) by next_attempt_at.
            e.HasIndex(o => new { o.DeliveredAt, o.Dead, o.NextAttemptAt }).HasDatabaseName("ix_outbox_pending");
        });

        modelBuilder.Entity<DossierRow>(e =>
        {
            e.ToTable("dossiers");
            e.HasKey(d => d.Id);
            e.Property(d => d.Code).HasMaxLength(64);
            e.Property(d => d.IntakeClient).HasMaxLength(128);
            e.Property(d => d.ExternalCode).HasMaxLength(ColumnSizes.ExternalCode);
            e.Property(d => d.PayloadHash).HasMaxLength(64);
            e.Property(d => d.ProcedureCode).HasMaxLength(ColumnSizes.ProcedureCode);
            e.Property(d => d.ProcedureName).HasMaxLength(ColumnSizes.ProcedureName);
            e.Property(d => d.ApplicantName).HasMaxLength(ColumnSizes.ApplicantName);
            e.Property(d => d.ApplicantIdNumber).HasMaxLength(ColumnSizes.ApplicantIdNumber);
            e.Property(d => d.ApplicantPhone).HasMaxLength(ColumnSizes.ApplicantPhone);
            e.Property(d => d.ApplicantEmail).HasMaxLength(ColumnSizes.ApplicantEmail);
            e.Property(d => d.ApplicantAddress).HasMaxLength(ColumnSizes.ApplicantAddress);
            e.Property(d => d.Channel).HasMaxLength(16);
            e.Property(d => d.ReceptionPoint).HasMaxLength(ColumnSizes.ReceptionPoint);
            e.Property(d => d.ReturnPoint).HasMaxLength(ColumnSizes.ReceptionPoint);
            e.Property(d => d.Result).HasMaxLength(16);
            e.Property(d => d.Documents).HasColumnType(JsonColumnType);
            e.Property(d => d.RowVersion).IsConcurrencyToken();
            e.HasOne<InstanceRow>().WithOne().HasForeignKey<DossierRow>(d => d.Id).OnDelete(DeleteBehavior.Cascade);
            e.HasIndex(d => d.Code).IsUnique().HasDatabaseName("ux_dossiers_code");
            // Idempotent intake: one dossier per intake system and its own dossier code.
            e.HasIndex(d => new { d.IntakeClient, d.ExternalCode }).IsUnique().HasDatabaseName("ux_dossiers_intake_client_external_code");
            // Open items by due time, and the searches users make.
            e.HasIndex(d => new { d.Status, d.DueAt }).HasDatabaseName("ix_dossiers_status_due_at");
            e.HasIndex(d => new { d.ProcedureCode, d.ReceivedAt }).HasDatabaseName("ix_dossiers_procedure_code_received_at");
            e.HasIndex(d => d.ReceivedAt).HasDatabaseName("ix_dossiers_received_at");
            e.HasIndex(d => d.ApplicantName).HasDatabaseName("ix_dossiers_applicant_name");
            // The applicant search matches a citizen's id number exactly, beside the name.
            e.HasIndex(d => d.ApplicantIdNumber).HasDatabaseName("ix_dossiers_applicant_id_number");
            // A search by the intake system's code alone (the unique index leads with the intake client).
            e.HasIndex(d => d.ExternalCode).HasDatabaseName("ix_dossiers_external_code");
            // Reports (dossiers finished since a period's start) and the retention sweep (dossiers closed before a date).
            e.HasIndex(d => d.CompletedAt).HasDatabaseName("ix_dossiers_completed_at");
            // Dossiers whose report facts are still to be filled (ReportFacts): empty once filled.
            e.HasIndex(d => d.Id).HasFilter("(completed_at IS NOT NULL AND timeliness IS NULL) OR document_count IS NULL").HasDatabaseName("ix_dossiers_facts_pending");
            // Dossiers the monthly roll-up does not count (open, or facts not yet filled): the reports read them as rows.
            e.HasIndex(d => d.ReceivedAt, "ix_dossiers_not_rolled_up").HasFilter("completed_at IS NULL OR timeliness IS NULL OR document_count IS NULL");
            // Reports over part of a month read the counted dossiers due in that month as rows.
            e.HasIndex(d => d.OriginalDueAt).HasDatabaseName("ix_dossiers_original_due_at");
            // Not in the model, on PostgreSQL only (raw SQL in TaskReportColumns, as the trigram index of the code search):
            // ix_dossiers_waiting_supplement, the ids of the dossiers in status 5 that the task reports' open rows check.
        });

        modelBuilder.Entity<DossierMonthCountRow>(e =>
        {
            // Maintained by triggers (see DossierMonthCountRow); the Host only reads it.
            e.ToTable("dossier_month_counts");
            e.HasKey(c => new { c.ProcedureCode, c.ProcedureName, c.ReceptionPoint, c.Channel, c.Status, c.Timeliness, c.WithDocuments, c.ReceivedMonth, c.CompletedMonth, c.DueMonth });
            e.Property(c => c.ProcedureCode).HasMaxLength(ColumnSizes.ProcedureCode);
            e.Property(c => c.ProcedureName).HasMaxLength(ColumnSizes.ProcedureName);
            e.Property(c => c.ReceptionPoint).HasMaxLength(ColumnSizes.ReceptionPoint);
            e.Property(c => c.Channel).HasMaxLength(16);
        });

        modelBuilder.Entity<TaskMonthCountRow>(e =>
        {
            // Maintained by triggers (see TaskMonthCountRow); the Host only reads it.
            e.ToTable("task_month_counts");
            e.HasKey(c => new { c.ProcedureCode, c.ProcedureName, c.Channel, c.NodeId, c.StepName, c.Department, c.State, c.Timeliness, c.OpenedMonth, c.ClosedMonth, c.DueMonth });
            e.Property(c => c.ProcedureCode).HasMaxLength(ColumnSizes.ProcedureCode);
            e.Property(c => c.ProcedureName).HasMaxLength(ColumnSizes.ProcedureName);
            e.Property(c => c.Channel).HasMaxLength(16);
            e.Property(c => c.NodeId).HasMaxLength(ColumnSizes.NodeId);
            e.Property(c => c.StepName).HasMaxLength(ColumnSizes.StepName);
            e.Property(c => c.Department).HasMaxLength(ColumnSizes.Department);
            e.Property(c => c.State).HasMaxLength(16);
        });

        modelBuilder.Entity<TaskMinuteCountRow>(e =>
        {
            // Maintained by triggers (see TaskMinuteCountRow); the Host only reads it.
            e.ToTable("task_minute_counts");
            e.HasKey(c => new { c.ProcedureCode, c.ProcedureName, c.NodeId, c.StepName, c.Department, c.ClosedMonth, c.Measure, c.Minutes });
            e.Property(c => c.ProcedureCode).HasMaxLength(ColumnSizes.ProcedureCode);
            e.Property(c => c.ProcedureName).HasMaxLength(ColumnSizes.ProcedureName);
            e.Property(c => c.NodeId).HasMaxLength(ColumnSizes.NodeId);
            e.Property(c => c.StepName).HasMaxLength(ColumnSizes.StepName);
            e.Property(c => c.Department).HasMaxLength(ColumnSizes.Department);
        });

        modelBuilder.Entity<DossierSequenceRow>(e =>
        {
            e.ToTable("dossier_sequences");
            e.HasKey(s => new { s.Agency, s.Day });
            e.Property(s => s.Agency).HasMaxLength(32);
        });

        modelBuilder.Entity<PrincipalRow>(e =>
        {
            e.ToTable("principals");
            e.HasKey(p => p.Id);
            e.Property(p => p.Name).HasMaxLength(ColumnSizes.PrincipalName);
            e.Property(p => p.DisplayName).HasMaxLength(ColumnSizes.PrincipalDisplayName);
            e.Property(p => p.Kind).HasMaxLength(16);
            e.Property(p => p.Roles).HasMaxLength(ColumnSizes.PrincipalRoles);
            e.Property(p => p.Departments).HasMaxLength(ColumnSizes.PrincipalDepartments);
            e.Property(p => p.KeyHash).HasMaxLength(64);
            e.Property(p => p.WebhookUrl).HasMaxLength(ColumnSizes.WebhookUrl);
            e.HasIndex(p => p.Name).IsUnique().HasDatabaseName("ux_principals_name");
            e.HasIndex(p => p.KeyHash).IsUnique().HasDatabaseName("ux_principals_key_hash");
            e.Property(p => p.PasswordHash).HasMaxLength(ColumnSizes.PasswordHash);
        });

        modelBuilder.Entity<SessionRow>(e =>
        {
            e.ToTable("sessions");
            e.HasKey(s => s.Id);
            e.Property(s => s.TokenHash).HasMaxLength(64);
            e.HasOne<PrincipalRow>().WithMany().HasForeignKey(s => s.PrincipalId).OnDelete(DeleteBehavior.Cascade);
            e.HasIndex(s => s.TokenHash).IsUnique().HasDatabaseName("ux_sessions_token_hash");
            e.HasIndex(s => s.PrincipalId).HasDatabaseName("ix_sessions_principal_id");
        });

        DeadlineModel.Configure(modelBuilder);
        JournalModel.Configure(modelBuilder);
        MigrationModel.Configure(modelBuilder);
        DepartmentModel.Configure(modelBuilder);
        UseSnakeCaseNames(modelBuilder);
    }

    private static void UseSnakeCaseNames(ModelBuilder modelBuilder)
    {
        foreach (var entity in modelBuilder.Model.GetEntityTypes())
        {
            foreach (var property in entity.GetProperties())
            {
                property.SetColumnName(SnakeCase(property.Name));
            }

            foreach (var key in entity.GetKeys())
            {
                key.SetName("pk_" + entity.GetTableName());
            }

            foreach (var foreignKey in entity.GetForeignKeys())
            {
                foreignKey.SetConstraintName($"fk_{entity.GetTableName()}_{foreignKey.PrincipalEntityType.GetTableName()}");
            }
        }
    }

    internal static string SnakeCase(string name)
    {
        var builder = new StringBuilder(name.Length + 8);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (char.IsUpper(c) && i > 0 && (char.IsLower(name[i - 1]) || char.IsDigit(name[i - 1])))
            {
                builder.Append('_');
            }

            builder.Append(char.ToLowerInvariant(c));
        }

        return builder.ToString();
    }
}

/// <summary>SQLite: instants as fixed-width UTC text (sortable and comparable in SQL, microsecond precision).</summary>
internal sealed class SqliteWorkflowsDbContext(DbContextOptions<SqliteWorkflowsDbContext> options) : WorkflowsDbContext(options)
{
    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        ArgumentNullException.ThrowIfNull(configurationBuilder);
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<UtcTextConverter>();
    }

    private sealed class UtcTextConverter() : ValueConverter<DateTimeOffset, string>(v => Write(v), v => Read(v))
    {
        private const string Format = "yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'";

        private static string Write(DateTimeOffset value) => value.UtcDateTime.ToString(Format, CultureInfo.InvariantCulture);

        private static DateTimeOffset Read(string value) =>
            DateTimeOffset.ParseExact(value, Format, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
    }
}

/// <summary>PostgreSQL: instants as timestamptz (UTC), dossier data and payloads as jsonb.</summary>
internal sealed class PostgresWorkflowsDbContext(DbContextOptions<PostgresWorkflowsDbContext> options) : WorkflowsDbContext(options)
{
    protected override string? JsonColumnType => "jsonb";

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        ArgumentNullException.ThrowIfNull(configurationBuilder);
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<UtcConverter>();
    }

    // Npgsql writes only offset-0 values to timestamptz; the engine's instants carry the centre's offset.
    private sealed class UtcConverter() : ValueConverter<DateTimeOffset, DateTimeOffset>(v => v.ToUniversalTime(), v => v);
}
