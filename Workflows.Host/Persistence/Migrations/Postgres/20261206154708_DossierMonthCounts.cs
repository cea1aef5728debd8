using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Workflows.Host.Persistence.Migrations.Postgres
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
                    procedure_code = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    procedure_name = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: false),
                    reception_point = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    channel = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    status = table.Column<int>(type: "integer", nullable: false),
                    timeliness = table.Column<int>(type: "integer", nullable: false),
                    with_documents = table.Column<bool>(type: "boolean", nullable: false),
                    received_month = table.Column<int>(type: "integer", nullable: false),
                    completed_month = table.Column<int>(type: "integer", nullable: false),
                    due_month = table.Column<int>(type: "integer", nullable: false),
                    dossiers = table.Column<int>(type: "integer", nullable: false)
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
                -- The local (UTC+7) month of an instant as yyyyMM, as DossierMonthCountRow.MonthKey computes it.
                CREATE FUNCTION report_month(instant timestamptz) RETURNS integer LANGUAGE sql IMMUTABLE PARALLEL SAFE
                AS $$ SELECT (extract(year FROM (instant AT TIME ZONE 'UTC') + interval '7 hours') * 100
                            + extract(month FROM (instant AT TIME ZONE 'UTC') + interval '7 hours'))::integer $$;

                -- Moves a dossier's count: out of the old row's combination when it was counted, into the new one's when it is.
                CREATE FUNCTION dossier_month_counts_track() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF TG_OP <> 'INSERT' AND OLD.completed_at IS NOT NULL AND OLD.timeliness IS NOT NULL AND OLD.document_count IS NOT NULL THEN
                        UPDATE dossier_month_counts SET dossiers = dossiers - 1
                        WHERE procedure_code = OLD.procedure_code AND procedure_name = OLD.procedure_name AND reception_point = OLD.reception_point AND channel = OLD.channel AND status = OLD.status AND timeliness = OLD.timeliness AND with_documents = (OLD.document_count > 0) AND received_month = report_month(OLD.received_at) AND completed_month = report_month(OLD.completed_at) AND due_month = report_month(OLD.original_due_at);
                    END IF;
                    IF TG_OP <> 'DELETE' AND NEW.completed_at IS NOT NULL AND NEW.timeliness IS NOT NULL AND NEW.document_count IS NOT NULL THEN
                        INSERT INTO dossier_month_counts (procedure_code, procedure_name, reception_point, channel, status, timeliness, with_documents, received_month, completed_month, due_month, dossiers)
                        VALUES (NEW.procedure_code, NEW.procedure_name, NEW.reception_point, NEW.channel, NEW.status, NEW.timeliness, NEW.document_count > 0, report_month(NEW.received_at), report_month(NEW.completed_at), report_month(NEW.original_due_at), 1)
                        ON CONFLICT (procedure_code, procedure_name, reception_point, channel, status, timeliness, with_documents, received_month, completed_month, due_month) DO UPDATE SET dossiers = dossier_month_counts.dossiers + 1;
                    END IF;
                    RETURN NULL;
                END $$;

                CREATE TRIGGER dossiers_month_counts_insert AFTER INSERT ON dossiers FOR EACH ROW
                WHEN (NEW.completed_at IS NOT NULL AND NEW.timeliness IS NOT NULL AND NEW.document_count IS NOT NULL) EXECUTE FUNCTION dossier_month_counts_track();
                CREATE TRIGGER dossiers_month_counts_delete AFTER DELETE ON dossiers FOR EACH ROW
                WHEN (OLD.completed_at IS NOT NULL AND OLD.timeliness IS NOT NULL AND OLD.document_count IS NOT NULL) EXECUTE FUNCTION dossier_month_counts_track();
                CREATE TRIGGER dossiers_month_counts_update AFTER UPDATE ON dossiers FOR EACH ROW
                WHEN ((OLD.procedure_code, OLD.procedure_name, OLD.reception_point, OLD.channel, OLD.status, OLD.timeliness, OLD.document_count > 0, OLD.received_at, OLD.completed_at, OLD.original_due_at)
                      IS DISTINCT FROM (NEW.procedure_code, NEW.procedure_name, NEW.reception_point, NEW.channel, NEW.status, NEW.timeliness, NEW.document_count > 0, NEW.received_at, NEW.completed_at, NEW.original_due_at))
                EXECUTE FUNCTION dossier_month_counts_track();

                INSERT INTO dossier_month_counts (procedure_code, procedure_name, reception_point, channel, status, timeliness, with_documents, received_month, completed_month, due_month, dossiers)
                SELECT d.procedure_code, d.procedure_name, d.reception_point, d.channel, d.status, d.timeliness, d.document_count > 0, report_month(d.received_at), report_month(d.completed_at), report_month(d.original_due_at), count(*)
                FROM dossiers d WHERE d.completed_at IS NOT NULL AND d.timeliness IS NOT NULL AND d.document_count IS NOT NULL
                GROUP BY d.procedure_code, d.procedure_name, d.reception_point, d.channel, d.status, d.timeliness, d.document_count > 0, report_month(d.received_at), report_month(d.completed_at), report_month(d.original_due_at);
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TRIGGER dossiers_month_counts_insert ON dossiers;
                DROP TRIGGER dossiers_month_counts_delete ON dossiers;
                DROP TRIGGER dossiers_month_counts_update ON dossiers;
                DROP FUNCTION dossier_month_counts_track();
                DROP FUNCTION report_month(timestamptz);
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
