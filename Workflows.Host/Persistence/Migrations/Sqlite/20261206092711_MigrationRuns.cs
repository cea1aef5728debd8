using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Workflows.Host.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class MigrationRuns : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "migration_outcomes",
                columns: table => new
                {
                    run_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    instance_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    dossier_code = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    outcome = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    moves = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    reason = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    at = table.Column<string>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_migration_outcomes", x => new { x.run_id, x.instance_id });
                });

            migrationBuilder.CreateTable(
                name: "migration_runs",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "TEXT", nullable: false),
                    procedure_code = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    from_version = table.Column<int>(type: "INTEGER", nullable: false),
                    to_version = table.Column<int>(type: "INTEGER", nullable: false),
                    node_map = table.Column<string>(type: "TEXT", nullable: false),
                    state = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    moved = table.Column<int>(type: "INTEGER", nullable: false),
                    skipped = table.Column<int>(type: "INTEGER", nullable: false),
                    failed = table.Column<int>(type: "INTEGER", nullable: false),
                    created_by = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    created_at = table.Column<string>(type: "TEXT", nullable: false),
                    updated_at = table.Column<string>(type: "TEXT", nullable: false),
                    completed_at = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_migration_runs", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_migration_outcomes_run_id_at",
                table: "migration_outcomes",
                columns: new[] { "run_id", "at" });

            migrationBuilder.CreateIndex(
                name: "ix_migration_runs_procedure_code_created_at",
                table: "migration_runs",
                columns: new[] { "procedure_code", "created_at" });

            migrationBuilder.CreateIndex(
                name: "ix_migration_runs_state_created_at",
                table: "migration_runs",
                columns: new[] { "state", "created_at" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "migration_outcomes");

            migrationBuilder.DropTable(
                name: "migration_runs");
        }
    }
}
