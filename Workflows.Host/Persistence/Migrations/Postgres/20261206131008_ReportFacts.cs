using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Workflows.Host.Persistence.Migrations.Postgres
{
    /// <summary>
    /// Report facts stored on the rows (tasks' worked and allotted working minutes and timeliness, dossiers' timeliness
    /// and document count) and the indexes the reports and the dossier search use. Existing rows are filled by the Host,
    /// not here: the working minutes need the working calendar (holidays, make-up days), which SQL does not know, so
    /// Reports.ReportFacts fills every row whose facts are null, in batches of 1,000 and idempotently, before a report
    /// reads them (the partial ix_*_facts_pending indexes find them and are empty afterwards).
    /// </summary>
    public partial class ReportFacts : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "allotted_minutes",
                table: "tasks",
                type: "bigint",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "timeliness",
                table: "tasks",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "worked_minutes",
                table: "tasks",
                type: "bigint",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "document_count",
                table: "dossiers",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "timeliness",
                table: "dossiers",
                type: "integer",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "ix_tasks_closed_at",
                table: "tasks",
                column: "closed_at");

            migrationBuilder.CreateIndex(
                name: "ix_tasks_facts_pending",
                table: "tasks",
                column: "id",
                filter: "state = 'completed' AND timeliness IS NULL");

            migrationBuilder.CreateIndex(
                name: "ix_dossiers_applicant_id_number",
                table: "dossiers",
                column: "applicant_id_number");

            // ix_dossiers_completed_at, which the reports also use, comes with the earlier JournalArchive migration.

            migrationBuilder.CreateIndex(
                name: "ix_dossiers_external_code",
                table: "dossiers",
                column: "external_code");

            migrationBuilder.CreateIndex(
                name: "ix_dossiers_facts_pending",
                table: "dossiers",
                column: "id",
                filter: "(completed_at IS NOT NULL AND timeliness IS NULL) OR document_count IS NULL");

            // The dossier search by applicant name or code fragment (lower(applicant_name) LIKE '%x%', code LIKE '%x%')
            // through trigram indexes. pg_trgm ships with PostgreSQL and is trusted (a database owner may create it);
            // where it cannot be created the search still works, scanning the table, so the migration does not fail.
            migrationBuilder.Sql("""
                DO $$
                BEGIN
                    CREATE EXTENSION IF NOT EXISTS pg_trgm;
                EXCEPTION WHEN insufficient_privilege OR undefined_file THEN
                    RAISE NOTICE 'pg_trgm is not available: dossier searches by fragment will scan the table';
                END $$;
                DO $$
                BEGIN
                    IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm') THEN
                        CREATE INDEX IF NOT EXISTS ix_dossiers_applicant_name_trgm ON dossiers USING gin (lower(applicant_name) gin_trgm_ops);
                        CREATE INDEX IF NOT EXISTS ix_dossiers_code_trgm ON dossiers USING gin (code gin_trgm_ops);
                    END IF;
                END $$;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP INDEX IF EXISTS ix_dossiers_applicant_name_trgm; DROP INDEX IF EXISTS ix_dossiers_code_trgm;");

            migrationBuilder.DropIndex(
                name: "ix_tasks_closed_at",
                table: "tasks");

            migrationBuilder.DropIndex(
                name: "ix_tasks_facts_pending",
                table: "tasks");

            migrationBuilder.DropIndex(
                name: "ix_dossiers_applicant_id_number",
                table: "dossiers");

            migrationBuilder.DropIndex(
                name: "ix_dossiers_external_code",
                table: "dossiers");

            migrationBuilder.DropIndex(
                name: "ix_dossiers_facts_pending",
                table: "dossiers");

            migrationBuilder.DropColumn(
                name: "allotted_minutes",
                table: "tasks");

            migrationBuilder.DropColumn(
                name: "timeliness",
                table: "tasks");

            migrationBuilder.DropColumn(
                name: "worked_minutes",
                table: "tasks");

            migrationBuilder.DropColumn(
                name: "document_count",
                table: "dossiers");

            migrationBuilder.DropColumn(
                name: "timeliness",
                table: "dossiers");
        }
    }
}
