using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Workflows.Host.Persistence.Migrations.Sqlite
{
    /// <summary>
    /// The task triggers look a task's dossier up only when the row arrives without it, as the PostgreSQL migration of the
    /// same name describes: the Host writes the columns itself (Persistence.TaskDossierColumns); and a new dossier fills
    /// only its tasks still without a dossier, through ix_tasks_without_dossier.
    /// </summary>
    /// <remarks>
    /// rolled_up is set by its own insert trigger, which compares it with the counted predicate (TaskMonthCountRow.IsCounted
    /// as it reads at this migration, written out: a migration's SQL must not change when the constant does later) and
    /// writes it only when it differs: never for a task the Host inserts
    /// (open, not counted, written false).
    /// </remarks>
    public partial class TaskColumnsFromHost : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                CREATE INDEX ix_tasks_without_dossier ON tasks (instance_id) WHERE dossier_id IS NULL;

                DROP TRIGGER tasks_report_columns_insert;
                CREATE TRIGGER tasks_report_columns_insert AFTER INSERT ON tasks WHEN NEW.dossier_id IS NULL
                BEGIN
                    UPDATE tasks SET (dossier_id, procedure_code, procedure_name, channel) =
                        (SELECT d.id, d.procedure_code, d.procedure_name, d.channel FROM instances i JOIN dossiers d ON d.id = coalesce(i.parent_instance_id, i.id) WHERE i.id = NEW.instance_id)
                    WHERE id = NEW.id;
                END;
                CREATE TRIGGER tasks_rolled_up_insert AFTER INSERT ON tasks
                BEGIN
                    UPDATE tasks SET rolled_up = (state <> 'open' AND closed_at IS NOT NULL AND (state = 'cancelled' OR (timeliness IS NOT NULL AND worked_minutes IS NOT NULL AND allotted_minutes IS NOT NULL)))
                    WHERE id = NEW.id AND rolled_up IS NOT (state <> 'open' AND closed_at IS NOT NULL AND (state = 'cancelled' OR (timeliness IS NOT NULL AND worked_minutes IS NOT NULL AND allotted_minutes IS NOT NULL)));
                END;

                DROP TRIGGER dossiers_task_columns_insert;
                CREATE TRIGGER dossiers_task_columns_insert AFTER INSERT ON dossiers
                BEGIN
                    UPDATE tasks SET dossier_id = NEW.id, procedure_code = NEW.procedure_code, procedure_name = NEW.procedure_name, channel = NEW.channel
                    WHERE dossier_id IS NULL
                      AND instance_id IN (SELECT i.id FROM instances i WHERE (i.id = NEW.id AND i.parent_instance_id IS NULL) OR i.parent_instance_id = NEW.id);
                END;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TRIGGER dossiers_task_columns_insert;
                CREATE TRIGGER dossiers_task_columns_insert AFTER INSERT ON dossiers
                BEGIN
                    UPDATE tasks SET dossier_id = NEW.id, procedure_code = NEW.procedure_code, procedure_name = NEW.procedure_name, channel = NEW.channel
                    WHERE instance_id IN (SELECT i.id FROM instances i WHERE (i.id = NEW.id AND i.parent_instance_id IS NULL) OR i.parent_instance_id = NEW.id);
                END;

                DROP TRIGGER tasks_rolled_up_insert;
                DROP TRIGGER tasks_report_columns_insert;
                CREATE TRIGGER tasks_report_columns_insert AFTER INSERT ON tasks
                BEGIN
                    UPDATE tasks SET (dossier_id, procedure_code, procedure_name, channel) =
                        (SELECT d.id, d.procedure_code, d.procedure_name, d.channel FROM instances i JOIN dossiers d ON d.id = coalesce(i.parent_instance_id, i.id) WHERE i.id = NEW.instance_id),
                        rolled_up = (NEW.state <> 'open' AND NEW.closed_at IS NOT NULL AND (NEW.state = 'cancelled' OR (NEW.timeliness IS NOT NULL AND NEW.worked_minutes IS NOT NULL AND NEW.allotted_minutes IS NOT NULL)))
                    WHERE id = NEW.id;
                END;

                DROP INDEX ix_tasks_without_dossier;
                """);
        }
    }
}
