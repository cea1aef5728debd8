using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Workflows.Host.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class JournalAndOutboxWithoutInstanceChecks : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "fk_journal_instances",
                table: "journal");

            migrationBuilder.DropForeignKey(
                name: "fk_journal_archive_instances",
                table: "journal_archive");

            migrationBuilder.DropIndex(
                name: "ix_outbox_instance_id",
                table: "outbox");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "ix_outbox_instance_id",
                table: "outbox",
                column: "instance_id");

            migrationBuilder.AddForeignKey(
                name: "fk_journal_instances",
                table: "journal",
                column: "instance_id",
                principalTable: "instances",
                principalColumn: "id",
                onDelete: ReferentialAction.Cascade);

            migrationBuilder.AddForeignKey(
                name: "fk_journal_archive_instances",
                table: "journal_archive",
                column: "instance_id",
                principalTable: "instances",
                principalColumn: "id",
                onDelete: ReferentialAction.Cascade);
        }
    }
}
