using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Workflows.Host.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class DeadlineFlows : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "apology_letters",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "TEXT", nullable: false),
                    dossier_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    reason = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: false),
                    proposed_due_at = table.Column<string>(type: "TEXT", nullable: false),
                    original_due_at = table.Column<string>(type: "TEXT", nullable: false),
                    previous_due_at = table.Column<string>(type: "TEXT", nullable: false),
                    state = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    drafted_at = table.Column<string>(type: "TEXT", nullable: false),
                    confirmed_at = table.Column<string>(type: "TEXT", nullable: true),
                    confirmed_by = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    row_version = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_apology_letters", x => x.id);
                    table.ForeignKey(
                        name: "fk_apology_letters_dossiers",
                        column: x => x.dossier_id,
                        principalTable: "dossiers",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "calendars",
                columns: table => new
                {
                    year = table.Column<int>(type: "INTEGER", nullable: false),
                    json = table.Column<string>(type: "TEXT", nullable: false),
                    updated_at = table.Column<string>(type: "TEXT", nullable: false),
                    updated_by = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_calendars", x => x.year);
                });

            migrationBuilder.CreateTable(
                name: "deadline_warnings",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "TEXT", nullable: false),
                    instance_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    subject_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    subject = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    departments = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: false),
                    due_at = table.Column<string>(type: "TEXT", nullable: false),
                    warned_at = table.Column<string>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_deadline_warnings", x => x.id);
                    table.ForeignKey(
                        name: "fk_deadline_warnings_instances",
                        column: x => x.instance_id,
                        principalTable: "instances",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_apology_letters_dossier_id_state",
                table: "apology_letters",
                columns: new[] { "dossier_id", "state" });

            migrationBuilder.CreateIndex(
                name: "ix_apology_letters_state_drafted_at",
                table: "apology_letters",
                columns: new[] { "state", "drafted_at" });

            migrationBuilder.CreateIndex(
                name: "ix_deadline_warnings_instance_id",
                table: "deadline_warnings",
                column: "instance_id");

            migrationBuilder.CreateIndex(
                name: "ux_deadline_warnings_subject_due_at",
                table: "deadline_warnings",
                columns: new[] { "subject_id", "due_at" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "apology_letters");

            migrationBuilder.DropTable(
                name: "calendars");

            migrationBuilder.DropTable(
                name: "deadline_warnings");
        }
    }
}
