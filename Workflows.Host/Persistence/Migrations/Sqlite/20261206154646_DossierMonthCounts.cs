using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Workflows.Host.Persistence.Migrations.Sqlite
{
    /// <summary>
    /// The monthly roll-up of finished dossiers the whole-month reports read (Persistence.DossierMonthCountRow), kept by
    /// triggers on dossiers in the same statement as every change (so never out of step, whatever writes the rows), and
    /// built here from the dossiers already counted; the partial index of the dossiers it does not count (open, or
    /// facts not yet filled) and the index on original_due_at, which the reports read as rows.
    /// </summary>
    public partial class DossierMonthCounts : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "dossier_month_counts",
                columns: table => new
                {
                    procedure_code = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    procedure_name = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: false),
                    reception_point = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    channel = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    status = table.Column<int>(type: "INTEGER", nullable: false),
                    timeliness = table.Column<int>(type: "INTEGER", nullable: false),
                    with_documents = table.Column<bool>(type: "INTEGER", nullable: false),
                    received_month = table.Column<int>(type: "INTEGER", nullable: false),
                    completed_month = table.Column<int>(type: "INTEGER", nullable: false),
                    due_month = table.Column<int>(type: "INTEGER", nullable: false),
                    dossiers = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_dossier_month_counts", x => new { x.procedure_code, x.procedure_name, x.reception_point, x.channel, x.status, x.timeliness, x.with_documents, x.received_month, x.completed_month, x.due_month });
                });

            migrationBuilder.CreateIndex(
                name: "ix_dossiers_not_rolled_up",
                table: "dossiers",
                column: "received_at",
                filter: "completed_at IS NULL OR timeliness IS NULL OR document_count IS NULL");

            migrationBuilder.CreateIndex(
                name: "ix_dossiers_original_due_at",
                table: "dossiers",
                column: "original_due_at");

            migrationBuilder.Sql("""
                -- Month keys: the local (UTC+7) month of the UTC text instant as yyyyMM, as DossierMonthCountRow.MonthKey computes it.
                CREATE TRIGGER dossiers_month_counts_insert AFTER INSERT ON dossiers
                WHEN NEW.completed_at IS NOT NULL AND NEW.timeliness IS NOT NULL AND NEW.document_count IS NOT NULL
                BEGIN
                    INSERT INTO dossier_month_counts (procedure_code, procedure_name, reception_point, channel, status, timeliness, with_documents, received_month, completed_month, due_month, dossiers)
                    VALUES (NEW.procedure_code, NEW.procedure_name, NEW.reception_point, NEW.channel, NEW.status, NEW.timeliness, NEW.document_count > 0, CAST(strftime('%Y%m', NEW.received_at, '+7 hours') AS INTEGER), CAST(strftime('%Y%m', NEW.completed_at, '+7 hours') AS INTEGER), CAST(strftime('%Y%m', NEW.original_due_at, '+7 hours') AS INTEGER), 1)
                    ON CONFLICT (procedure_code, procedure_name, reception_point, channel, status, timeliness, with_documents, received_month, completed_month, due_month) DO UPDATE SET dossiers = dossier_month_counts.dossiers + 1;
                END;

                CREATE TRIGGER dossiers_month_counts_delete AFTER DELETE ON dossiers
                WHEN OLD.completed_at IS NOT NULL AND OLD.timeliness IS NOT NULL AND OLD.document_count IS NOT NULL
                BEGIN
                    UPDATE dossier_month_counts SET dossiers = dossiers - 1 WHERE procedure_code = OLD.procedure_code AND procedure_name = OLD.procedure_name AND reception_point = OLD.reception_point AND channel = OLD.channel AND status = OLD.status AND timeliness = OLD.timeliness AND with_documents = (OLD.document_count > 0) AND received_month = CAST(strftime('%Y%m', OLD.received_at, '+7 hours') AS INTEGER) AND completed_month = CAST(strftime('%Y%m', OLD.completed_at, '+7 hours') AS INTEGER) AND due_month = CAST(strftime('%Y%m', OLD.original_due_at, '+7 hours') AS INTEGER);
                END;

                -- Out of the old row's combination when it was counted, into the new one's when it is.
                CREATE TRIGGER dossiers_month_counts_update
                AFTER UPDATE OF procedure_code, procedure_name, reception_point, channel, status, timeliness, document_count, received_at, completed_at, original_due_at ON dossiers
                BEGIN
                    UPDATE dossier_month_counts SET dossiers = dossiers - 1
                    WHERE OLD.completed_at IS NOT NULL AND OLD.timeliness IS NOT NULL AND OLD.document_count IS NOT NULL AND procedure_code = OLD.procedure_code AND procedure_name = OLD.procedure_name AND reception_point = OLD.reception_point AND channel = OLD.channel AND status = OLD.status AND timeliness = OLD.timeliness AND with_documents = (OLD.document_count > 0) AND received_month = CAST(strftime('%Y%m', OLD.received_at, '+7 hours') AS INTEGER) AND completed_month = CAST(strftime('%Y%m', OLD.completed_at, '+7 hours') AS INTEGER) AND due_month = CAST(strftime('%Y%m', OLD.original_due_at, '+7 hours') AS INTEGER);
                    INSERT INTO dossier_month_counts (procedure_code, procedure_name, reception_point, channel, status, timeliness, with_documents, received_month, completed_month, due_month, dossiers)
                    SELECT NEW.procedure_code, NEW.procedure_name, NEW.reception_point, NEW.channel, NEW.status, NEW.timeliness, NEW.document_count > 0, CAST(strftime('%Y%m', NEW.received_at, '+7 hours') AS INTEGER), CAST(strftime('%Y%m', NEW.completed_at, '+7 hours') AS INTEGER), CAST(strftime('%Y%m', NEW.original_due_at, '+7 hours') AS INTEGER), 1
                    WHERE NEW.completed_at IS NOT NULL AND NEW.timeliness IS NOT NULL AND NEW.document_count IS NOT NULL
                    ON CONFLICT (procedure_code, procedure_name, reception_point, channel, status, timeliness, with_documents, received_month, completed_month, due_month) DO UPDATE SET dossiers = dossier_month_counts.dossiers + 1;
                END;

                INSERT INTO dossier_month_counts (procedure_code, procedure_name, reception_point, channel, status, timeliness, with_documents, received_month, completed_month, due_month, dossiers)
                SELECT d.procedure_code, d.procedure_name, d.reception_point, d.channel, d.status, d.timeliness, d.document_count > 0, CAST(strftime('%Y%m', d.received_at, '+7 hours') AS INTEGER), CAST(strftime('%Y%m', d.completed_at, '+7 hours') AS INTEGER), CAST(strftime('%Y%m', d.original_due_at, '+7 hours') AS INTEGER), count(*)
                FROM dossiers d WHERE d.completed_at IS NOT NULL AND d.timeliness IS NOT NULL AND d.document_count IS NOT NULL
                GROUP BY d.procedure_code, d.procedure_name, d.reception_point, d.channel, d.status, d.timeliness, d.document_count > 0, CAST(strftime('%Y%m', d.received_at, '+7 hours') AS INTEGER), CAST(strftime('%Y%m', d.completed_at, '+7 hours') AS INTEGER), CAST(strftime('%Y%m', d.original_due_at, '+7 hours') AS INTEGER);
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TRIGGER dossiers_month_counts_insert;
                DROP TRIGGER dossiers_month_counts_delete;
                DROP TRIGGER dossiers_month_counts_update;
                """);

            migrationBuilder.DropTable(
                name: "dossier_month_counts");

            migrationBuilder.DropIndex(
                name: "ix_dossiers_not_rolled_up",
                table: "dossiers");

            migrationBuilder.DropIndex(
                name: "ix_dossiers_original_due_at",
                table: "dossiers");
        }
    }
}
