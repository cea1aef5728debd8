using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Workflows.Host.Persistence.Migrations.Postgres
{
    /// <summary>
    /// The task rows carry what the task reports need without joining instances and dossiers (Persistence.TaskRow): the
    /// dossier (of the task's instance, or of its parent for a sub-process), its procedure code and name and its channel,
    /// and whether the roll-ups count the row (rolled_up), all kept by triggers in the statement that writes a task or its
    /// dossier; ix_tasks_not_rolled_up now finds the rows the reports read as rows by that one column.
    /// </summary>
    /// <remarks>
    /// The backfill is one UPDATE ... FROM (a hash join of every task with its instance and dossier), so a year of tasks
    /// is written once: the tasks' indexes are dropped first and built again after it, since maintaining nine indexes row
    /// by row costs far more than sorting each once, and the roll-ups' update trigger is off meanwhile (these columns are
    /// none of its business). rolled_up starts true and the rows not counted are marked first, through the old partial
    /// index, before it goes.
    /// </remarks>
    public partial class TaskReportColumns : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                SET LOCAL work_mem = '256MB';
                SET LOCAL maintenance_work_mem = '512MB';
                ALTER TABLE tasks ADD COLUMN dossier_id uuid, ADD COLUMN procedure_code character varying(64), ADD COLUMN procedure_name character varying(1000),
                    ADD COLUMN channel character varying(16), ADD COLUMN rolled_up boolean NOT NULL DEFAULT true;

                -- The rows the roll-ups do not count (TaskMonthCountRow.IsCounted negated): a few thousandths of them, by the old
                -- partial index, whose OR PostgreSQL over-estimates (it would scan the table).
                SET LOCAL enable_seqscan = off;
                UPDATE tasks SET rolled_up = false
                WHERE state = 'open' OR closed_at IS NULL OR (state <> 'cancelled' AND (timeliness IS NULL OR worked_minutes IS NULL OR allotted_minutes IS NULL));
                SET LOCAL enable_seqscan = on;
                ALTER TABLE tasks ALTER COLUMN rolled_up SET DEFAULT false;

                DROP INDEX ix_tasks_not_rolled_up;
                DROP INDEX ix_tasks_department_state_due_at;
                DROP INDEX ix_tasks_instance_id;
                DROP INDEX ix_tasks_closed_at;
                DROP INDEX ix_tasks_facts_pending;
                DROP INDEX ix_tasks_opened_at;
                DROP INDEX ix_tasks_due_at;
                ALTER TABLE tasks DROP CONSTRAINT pk_tasks;
                ALTER TABLE tasks DISABLE TRIGGER tasks_roll_up_update;

                UPDATE tasks t SET dossier_id = d.id, procedure_code = d.procedure_code, procedure_name = d.procedure_name, channel = d.channel
                FROM instances i JOIN dossiers d ON d.id = coalesce(i.parent_instance_id, i.id)
                WHERE i.id = t.instance_id;

                ALTER TABLE tasks ENABLE TRIGGER tasks_roll_up_update;
                ALTER TABLE tasks ADD CONSTRAINT pk_tasks PRIMARY KEY (id);
                CREATE INDEX ix_tasks_department_state_due_at ON tasks (department, state, due_at);
                CREATE INDEX ix_tasks_instance_id ON tasks (instance_id);
                CREATE INDEX ix_tasks_closed_at ON tasks (closed_at);
                CREATE INDEX ix_tasks_facts_pending ON tasks (id) WHERE state = 'completed' AND timeliness IS NULL;
                CREATE INDEX ix_tasks_opened_at ON tasks (opened_at);
                CREATE INDEX ix_tasks_due_at ON tasks (due_at);
                CREATE INDEX ix_tasks_not_rolled_up ON tasks (procedure_code, department) WHERE NOT rolled_up;

                -- A task's dossier columns, looked up when it is inserted, moved to another instance, or left without them
                -- (a dossier written later fills them below); rolled_up on every write of a column it depends on. An update of
                -- other columns (a claim, a due time moved by a calendar edit) does not call the function.
                CREATE FUNCTION tasks_report_columns() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF TG_OP = 'INSERT' OR NEW.dossier_id IS NULL OR NEW.instance_id <> OLD.instance_id THEN
                        SELECT d.id, d.procedure_code, d.procedure_name, d.channel INTO NEW.dossier_id, NEW.procedure_code, NEW.procedure_name, NEW.channel
                        FROM instances i JOIN dossiers d ON d.id = coalesce(i.parent_instance_id, i.id) WHERE i.id = NEW.instance_id;
                    END IF;
                    NEW.rolled_up := task_is_counted(NEW);
                    RETURN NEW;
                END $$;

                CREATE TRIGGER tasks_report_columns_insert BEFORE INSERT ON tasks FOR EACH ROW EXECUTE FUNCTION tasks_report_columns();
                CREATE TRIGGER tasks_report_columns_update BEFORE UPDATE OF instance_id, dossier_id, state, closed_at, timeliness, worked_minutes, allotted_minutes, rolled_up ON tasks
                FOR EACH ROW WHEN (NEW.dossier_id IS NULL OR NEW.instance_id <> OLD.instance_id OR NEW.rolled_up <> task_is_counted(NEW))
                EXECUTE FUNCTION tasks_report_columns();

                -- A dossier's tasks (of its instance and of its sub-processes' instances) take its columns when it is
                -- inserted or they change, and lose them when it is deleted.
                CREATE FUNCTION dossiers_task_columns() RETURNS trigger LANGUAGE plpgsql AS $$
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

                CREATE TRIGGER dossiers_task_columns_insert AFTER INSERT ON dossiers FOR EACH ROW EXECUTE FUNCTION dossiers_task_columns();
                CREATE TRIGGER dossiers_task_columns_delete AFTER DELETE ON dossiers FOR EACH ROW EXECUTE FUNCTION dossiers_task_columns();
                CREATE TRIGGER dossiers_task_columns_update AFTER UPDATE ON dossiers FOR EACH ROW
                WHEN ((OLD.procedure_code, OLD.procedure_name, OLD.channel) IS DISTINCT FROM (NEW.procedure_code, NEW.procedure_name, NEW.channel))
                EXECUTE FUNCTION dossiers_task_columns();

                -- The dossiers waiting for a supplement, which the open tasks among the report's rows are checked against:
                -- read from the index alone (a year's 37,000 of them in 0.1 s, where the heap behind ix_dossiers_status_due_at
                -- took 10 s cold, once per parallel worker).
                CREATE INDEX ix_dossiers_waiting_supplement ON dossiers (id) WHERE status = 5;

                ANALYZE tasks;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TRIGGER dossiers_task_columns_insert ON dossiers;
                DROP TRIGGER dossiers_task_columns_delete ON dossiers;
                DROP TRIGGER dossiers_task_columns_update ON dossiers;
                DROP TRIGGER tasks_report_columns_insert ON tasks;
                DROP TRIGGER tasks_report_columns_update ON tasks;
                DROP FUNCTION dossiers_task_columns();
                DROP FUNCTION tasks_report_columns();
                DROP INDEX ix_tasks_not_rolled_up;
                DROP INDEX ix_dossiers_waiting_supplement;
                ALTER TABLE tasks DROP COLUMN dossier_id, DROP COLUMN procedure_code, DROP COLUMN procedure_name, DROP COLUMN channel, DROP COLUMN rolled_up;
                CREATE INDEX ix_tasks_not_rolled_up ON tasks (opened_at)
                WHERE state = 'open' OR closed_at IS NULL OR (state <> 'cancelled' AND (timeliness IS NULL OR worked_minutes IS NULL OR allotted_minutes IS NULL));
                """);
        }
    }
}
