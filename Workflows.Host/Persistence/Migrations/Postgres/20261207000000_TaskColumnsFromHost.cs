using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Workflows.Host.Persistence.Migrations.Postgres
{
    /// <summary>
    /// The Host now writes a task's dossier columns itself when it inserts the task (Persistence.TaskDossierColumns), so
    /// the triggers of TaskReportColumns look the dossier up only for a row that arrives without it (a sub-process resumed
    /// on its own, a plain SQL import, a tool, older code): the insert trigger fires only then, or for a row that is not
    /// open or says it is rolled up, and a new dossier fills only its tasks still without a dossier, found
    /// through ix_tasks_without_dossier (a partial index holding only those rows, so empty in the Host's steady state)
    /// rather than by probing every task of the dossier's instances.
    /// </summary>
    /// <remarks>
    /// The update trigger keeps its cases (a row left without its dossier, moved to another instance, rolled_up out of
    /// step) and the dossiers' update and delete triggers are unchanged. The partial index is built by one scan of the
    /// tasks; it holds the rows whose dossier is unknown (tasks of instances without a dossier).
    /// </remarks>
    public partial class TaskColumnsFromHost : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                CREATE INDEX ix_tasks_without_dossier ON tasks (instance_id) WHERE dossier_id IS NULL;

                -- The dossier looked up only for a row without it: on insert, or on an update that left it without one or
                -- moved it to another instance; rolled_up on every call.
                CREATE OR REPLACE FUNCTION tasks_report_columns() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF NEW.dossier_id IS NULL OR (TG_OP = 'UPDATE' AND NEW.instance_id <> OLD.instance_id) THEN
                        SELECT d.id, d.procedure_code, d.procedure_name, d.channel INTO NEW.dossier_id, NEW.procedure_code, NEW.procedure_name, NEW.channel
                        FROM instances i JOIN dossiers d ON d.id = coalesce(i.parent_instance_id, i.id) WHERE i.id = NEW.instance_id;
                    END IF;
                    NEW.rolled_up := task_is_counted(NEW);
                    RETURN NEW;
                END $$;

                -- An open row written with its dossier and rolled_up false (every task the Host inserts) does not call the
                -- function: an open task is never counted (task_is_counted's first term), so its false already holds. Any
                -- other row goes through the function, which sets rolled_up by task_is_counted. The condition does not call
                -- task_is_counted itself: a trigger's WHEN is not planned, so the SQL function would not be inlined, and
                -- calling it per row cost as much as the lookup it saves (docs/benchmarks.md, S3).
                DROP TRIGGER tasks_report_columns_insert ON tasks;
                CREATE TRIGGER tasks_report_columns_insert BEFORE INSERT ON tasks
                FOR EACH ROW WHEN (NEW.dossier_id IS NULL OR NEW.state <> 'open' OR NEW.rolled_up)
                EXECUTE FUNCTION tasks_report_columns();

                -- A new dossier's tasks that arrived before it without their columns (the Host writes them with the
                -- columns, in either order); a changed dossier's tasks, all of them; a deleted one's lose them.
                CREATE OR REPLACE FUNCTION dossiers_task_columns() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF TG_OP = 'DELETE' THEN
                        UPDATE tasks SET dossier_id = NULL, procedure_code = NULL, procedure_name = NULL, channel = NULL
                        WHERE dossier_id = OLD.id AND instance_id IN (SELECT i.id FROM instances i WHERE (i.id = OLD.id AND i.parent_instance_id IS NULL) OR i.parent_instance_id = OLD.id);
                    ELSIF TG_OP = 'INSERT' THEN
                        UPDATE tasks t SET dossier_id = NEW.id, procedure_code = NEW.procedure_code, procedure_name = NEW.procedure_name, channel = NEW.channel
                        FROM instances i
                        WHERE t.dossier_id IS NULL AND t.instance_id = i.id
                          AND ((i.id = NEW.id AND i.parent_instance_id IS NULL) OR i.parent_instance_id = NEW.id);
                    ELSE
                        UPDATE tasks SET dossier_id = NEW.id, procedure_code = NEW.procedure_code, procedure_name = NEW.procedure_name, channel = NEW.channel
                        WHERE instance_id IN (SELECT i.id FROM instances i WHERE (i.id = NEW.id AND i.parent_instance_id IS NULL) OR i.parent_instance_id = NEW.id)
                          AND (dossier_id, procedure_code, procedure_name, channel) IS DISTINCT FROM (NEW.id, NEW.procedure_code, NEW.procedure_name, NEW.channel);
                    END IF;
                    RETURN NULL;
                END $$;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                CREATE OR REPLACE FUNCTION dossiers_task_columns() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF TG_OP = 'DELETE' THEN
                        UPDATE tasks SET dossier_id = NULL, procedure_code = NULL, procedure_name = NULL, channel = NULL
                        WHERE dossier_id = OLD.id AND instance_id IN (SELECT i.id FROM instances i WHERE (i.id = OLD.id AND i.parent_instance_id IS NULL) OR i.parent_instance_id = OLD.id);
                    ELSE
                        UPDATE tasks SET dossier_id = NEW.id, procedure_code = NEW.procedure_code, procedure_name = NEW.procedure_name, channel = NEW.channel
                        WHERE instance_id IN (SELECT i.id FROM instances i WHERE (i.id = NEW.id AND i.parent_instance_id IS NULL) OR i.parent_instance_id = NEW.id)
                          AND (dossier_id, procedure_code, procedure_name, channel) IS DISTINCT FROM (NEW.id, NEW.procedure_code, NEW.procedure_name, NEW.channel);
                    END IF;
                    RETURN NULL;
                END $$;

                DROP TRIGGER tasks_report_columns_insert ON tasks;
                CREATE TRIGGER tasks_report_columns_insert BEFORE INSERT ON tasks FOR EACH ROW EXECUTE FUNCTION tasks_report_columns();
                CREATE OR REPLACE FUNCTION tasks_report_columns() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF TG_OP = 'INSERT' OR NEW.dossier_id IS NULL OR NEW.instance_id <> OLD.instance_id THEN
                        SELECT d.id, d.procedure_code, d.procedure_name, d.channel INTO NEW.dossier_id, NEW.procedure_code, NEW.procedure_name, NEW.channel
                        FROM instances i JOIN dossiers d ON d.id = coalesce(i.parent_instance_id, i.id) WHERE i.id = NEW.instance_id;
                    END IF;
                    NEW.rolled_up := task_is_counted(NEW);
                    RETURN NEW;
                END $$;

                DROP INDEX ix_tasks_without_dossier;
                """);
        }
    }
}
