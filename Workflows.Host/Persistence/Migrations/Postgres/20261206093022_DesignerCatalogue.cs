using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Workflows.Host.Persistence.Migrations.Postgres
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
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "field",
                table: "procedure_versions",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "revision",
                table: "procedure_versions",
                type: "integer",
                nullable: false,
                defaultValue: 1);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "saved_at",
                table: "procedure_versions",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "saved_by",
                table: "procedure_versions",
                type: "character varying(128)",
                maxLength: 128,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "search_name",
                table: "procedure_versions",
                type: "character varying(1000)",
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
