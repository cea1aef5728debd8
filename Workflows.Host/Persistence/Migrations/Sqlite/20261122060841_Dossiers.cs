using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Workflows.Host.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Dossiers : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "dossier_sequences",
                columns: table => new
                {
                    agency = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    day = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    last = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_dossier_sequences", x => new { x.agency, x.day });
                });

            migrationBuilder.CreateTable(
                name: "dossiers",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "TEXT", nullable: false),
                    code = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    intake_client = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    external_code = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    payload_hash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    procedure_code = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    procedure_version = table.Column<int>(type: "INTEGER", nullable: false),
                    procedure_name = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: false),
                    applicant_name = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    applicant_id_number = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true),
                    applicant_phone = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true),
                    applicant_email = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    applicant_address = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                    channel = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    reception_point = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    received_at = table.Column<string>(type: "TEXT", nullable: false),
                    counting_from = table.Column<string>(type: "TEXT", nullable: false),
                    original_due_at = table.Column<string>(type: "TEXT", nullable: false),
                    due_at = table.Column<string>(type: "TEXT", nullable: false),
                    status = table.Column<int>(type: "INTEGER", nullable: false),
                    result = table.Column<string>(type: "TEXT", maxLength: 16, nullable: true),
                    completed_at = table.Column<string>(type: "TEXT", nullable: true),
                    result_returned_at = table.Column<string>(type: "TEXT", nullable: true),
                    documents = table.Column<string>(type: "TEXT", nullable: false),
                    created_at = table.Column<string>(type: "TEXT", nullable: false),
                    updated_at = table.Column<string>(type: "TEXT", nullable: false),
                    row_version = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_dossiers", x => x.id);
                    table.ForeignKey(
                        name: "fk_dossiers_instances",
                        column: x => x.id,
                        principalTable: "instances",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "principals",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "TEXT", nullable: false),
                    name = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    display_name = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    kind = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    roles = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    departments = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: false),
                    key_hash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    webhook_url = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    active = table.Column<bool>(type: "INTEGER", nullable: false),
                    created_at = table.Column<string>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_principals", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_dossiers_applicant_name",
                table: "dossiers",
                column: "applicant_name");

            migrationBuilder.CreateIndex(
                name: "ix_dossiers_procedure_code_received_at",
                table: "dossiers",
                columns: new[] { "procedure_code", "received_at" });

            migrationBuilder.CreateIndex(
                name: "ix_dossiers_received_at",
                table: "dossiers",
                column: "received_at");

            migrationBuilder.CreateIndex(
                name: "ix_dossiers_status_due_at",
                table: "dossiers",
                columns: new[] { "status", "due_at" });

            migrationBuilder.CreateIndex(
                name: "ux_dossiers_code",
                table: "dossiers",
                column: "code",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ux_dossiers_intake_client_external_code",
                table: "dossiers",
                columns: new[] { "intake_client", "external_code" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ux_principals_key_hash",
                table: "principals",
                column: "key_hash",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ux_principals_name",
                table: "principals",
                column: "name",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "dossier_sequences");

            migrationBuilder.DropTable(
                name: "dossiers");

            migrationBuilder.DropTable(
                name: "principals");
        }
    }
}
