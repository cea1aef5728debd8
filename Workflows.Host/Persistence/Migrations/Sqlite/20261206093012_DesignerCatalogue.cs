using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Workflows.Host.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class DesignerCatalogue : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "departments",
                table: "procedure_versions",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "field",
                table: "procedure_versions",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "revision",
                table: "procedure_versions",
                type: "INTEGER",
                nullable: false,
                defaultValue: 1);

            migrationBuilder.AddColumn<string>(
                name: "saved_at",
                table: "procedure_versions",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "saved_by",
                table: "procedure_versions",
                type: "TEXT",
                maxLength: 128,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "search_name",
                table: "procedure_versions",
                type: "TEXT",
                maxLength: 1000,
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "ix_procedure_versions_field",
                table: "procedure_versions",
                column: "field");

            migrationBuilder.CreateIndex(
                name: "ix_procedure_versions_saved_at",
                table: "procedure_versions",
                column: "saved_at");

            migrationBuilder.CreateIndex(
                name: "ix_procedure_versions_search_name",
                table: "procedure_versions",
                column: "search_name");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_procedure_versions_field",
                table: "procedure_versions");

            migrationBuilder.DropIndex(
                name: "ix_procedure_versions_saved_at",
                table: "procedure_versions");

            migrationBuilder.DropIndex(
                name: "ix_procedure_versions_search_name",
                table: "procedure_versions");

            migrationBuilder.DropColumn(
                name: "departments",
                table: "procedure_versions");

            migrationBuilder.DropColumn(
                name: "field",
                table: "procedure_versions");

            migrationBuilder.DropColumn(
                name: "revision",
                table: "procedure_versions");

            migrationBuilder.DropColumn(
                name: "saved_at",
                table: "procedure_versions");

            migrationBuilder.DropColumn(
                name: "saved_by",
                table: "procedure_versions");

            migrationBuilder.DropColumn(
                name: "search_name",
                table: "procedure_versions");
        }
    }
}
