using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Workflows.Host.Persistence.Migrations.Sqlite
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
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "timeliness",
                table: "tasks",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "worked_minutes",
                table: "tasks",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "document_count",
                table: "dossiers",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "timeliness",
                table: "dossiers",
                type: "INTEGER",
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
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
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
