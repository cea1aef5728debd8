using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Workflows.Host.Persistence.Migrations.Postgres
{
    /// <summary>
    /// The roll-ups of closed tasks the department and step summaries and the bottleneck view read for whole months
    /// (Persistence.TaskMonthCountRow, TaskMinuteCountRow), kept by triggers on tasks (and on dossiers, whose procedure
    /// and channel they carry) in the same statement as every change, and built here from the tasks already counted with
    /// one grouped INSERT each; the partial index of the tasks they do not count and the indexes on opened_at and due_at,
    /// which the reports read as rows for months the period cuts.
    /// </summary>
    public partial class TaskMonthCounts : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "task_minute_counts",
                columns: table => new
                {
                    procedure_code = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    procedure_name = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: false),
                    node_id = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    step_name = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: false),
                    department = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    closed_month = table.Column<int>(type: "integer", nullable: false),
                    measure = table.Column<int>(type: "integer", nullable: false),
                    minutes = table.Column<long>(type: "bigint", nullable: false),
                    tasks = table.Column<int>(type: "integer", nullable: false),
                    late = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_task_minute_counts", x => new { x.procedure_code, x.procedure_name, x.node_id, x.step_name, x.department, x.closed_month, x.measure, x.minutes });
                });

            migrationBuilder.CreateTable(
                name: "task_month_counts",
                columns: table => new
                {
                    procedure_code = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    procedure_name = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: false),
                    channel = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    node_id = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    step_name = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: false),
                    department = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    state = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    timeliness = table.Column<int>(type: "integer", nullable: false),
                    opened_month = table.Column<int>(type: "integer", nullable: false),
                    closed_month = table.Column<int>(type: "integer", nullable: false),
                    due_month = table.Column<int>(type: "integer", nullable: false),
                    tasks = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_task_month_counts", x => new { x.procedure_code, x.procedure_name, x.channel, x.node_id, x.step_name, x.department, x.state, x.timeliness, x.opened_month, x.closed_month, x.due_month });
                });

            migrationBuilder.CreateIndex(
                name: "ix_tasks_due_at",
                table: "tasks",
                column: "due_at");

            migrationBuilder.CreateIndex(
                name: "ix_tasks_not_rolled_up",
                table: "tasks",
                column: "opened_at",
                filter: "state = 'open' OR closed_at IS NULL OR (state <> 'cancelled' AND (timeliness IS NULL OR worked_minutes IS NULL OR allotted_minutes IS NULL))");

            migrationBuilder.CreateIndex(
                name: "ix_tasks_opened_at",
                table: "tasks",
                column: "opened_at");

            migrationBuilder.Sql("""
                -- The task rows the roll-ups count (TaskMonthCountRow.IsCounted).
                CREATE FUNCTION task_is_counted(t tasks) RETURNS boolean LANGUAGE sql IMMUTABLE PARALLEL SAFE
                AS $$ SELECT t.state <> 'open' AND t.closed_at IS NOT NULL AND (t.state = 'cancelled' OR (t.timeliness IS NOT NULL AND t.worked_minutes IS NOT NULL AND t.allotted_minutes IS NOT NULL)) $$;

                -- Adds delta (1 or -1) to a counted task's combination, with its dossier's procedure and channel.
                CREATE FUNCTION task_roll_up_move(t tasks, code text, name text, dossier_channel text, delta integer) RETURNS void LANGUAGE plpgsql AS $$
                BEGIN
                    INSERT INTO task_month_counts (procedure_code, procedure_name, channel, node_id, step_name, department, state, timeliness, opened_month, closed_month, due_month, tasks)
                    VALUES (code, name, dossier_channel, t.node_id, coalesce(t.step_name, ''), t.department, t.state, coalesce(t.timeliness, -1), report_month(t.opened_at), report_month(t.closed_at), report_month(t.due_at), delta)
                    ON CONFLICT (procedure_code, procedure_name, channel, node_id, step_name, department, state, timeliness, opened_month, closed_month, due_month) DO UPDATE SET tasks = task_month_counts.tasks + excluded.tasks;
                    IF t.state = 'completed' THEN
                        INSERT INTO task_minute_counts (procedure_code, procedure_name, node_id, step_name, department, closed_month, measure, minutes, tasks, late)
                        VALUES (code, name, t.node_id, coalesce(t.step_name, ''), t.department, report_month(t.closed_at), 0, t.worked_minutes, delta, CASE WHEN t.closed_at > t.due_at THEN delta ELSE 0 END),
                               (code, name, t.node_id, coalesce(t.step_name, ''), t.department, report_month(t.closed_at), 1, t.allotted_minutes, delta, CASE WHEN t.closed_at > t.due_at THEN delta ELSE 0 END)
                        ON CONFLICT (procedure_code, procedure_name, node_id, step_name, department, closed_month, measure, minutes) DO UPDATE SET tasks = task_minute_counts.tasks + excluded.tasks, late = task_minute_counts.late + excluded.late;
                    END IF;
                END $$;

                -- Moves a task's count: out of the old row's combination when it was counted, into the new one's when it is. A
                -- task belongs to the dossier of its instance, or of its instance's parent (a sub-process), as the reports join.
                CREATE FUNCTION tasks_roll_up_track() RETURNS trigger LANGUAGE plpgsql AS $$
                DECLARE d record;
                BEGIN
                    IF TG_OP <> 'INSERT' AND task_is_counted(OLD) THEN
                        SELECT dd.procedure_code, dd.procedure_name, dd.channel INTO d
                        FROM instances i JOIN dossiers dd ON dd.id = coalesce(i.parent_instance_id, i.id) WHERE i.id = OLD.instance_id;
                        IF FOUND THEN
                            PERFORM task_roll_up_move(OLD, d.procedure_code, d.procedure_name, d.channel, -1);
                        END IF;
                    END IF;
                    IF TG_OP <> 'DELETE' AND task_is_counted(NEW) THEN
                        SELECT dd.procedure_code, dd.procedure_name, dd.channel INTO d
                        FROM instances i JOIN dossiers dd ON dd.id = coalesce(i.parent_instance_id, i.id) WHERE i.id = NEW.instance_id;
                        IF FOUND THEN
                            PERFORM task_roll_up_move(NEW, d.procedure_code, d.procedure_name, d.channel, 1);
                        END IF;
                    END IF;
                    RETURN NULL;
                END $$;

                CREATE TRIGGER tasks_roll_up_insert AFTER INSERT ON tasks FOR EACH ROW
                WHEN (task_is_counted(NEW)) EXECUTE FUNCTION tasks_roll_up_track();
                CREATE TRIGGER tasks_roll_up_delete AFTER DELETE ON tasks FOR EACH ROW
                WHEN (task_is_counted(OLD)) EXECUTE FUNCTION tasks_roll_up_track();
                CREATE TRIGGER tasks_roll_up_update AFTER UPDATE ON tasks FOR EACH ROW
                WHEN ((OLD.instance_id, OLD.node_id, OLD.step_name, OLD.department, OLD.state, OLD.timeliness, OLD.worked_minutes, OLD.allotted_minutes, OLD.opened_at, OLD.closed_at, OLD.due_at)
                      IS DISTINCT FROM (NEW.instance_id, NEW.node_id, NEW.step_name, NEW.department, NEW.state, NEW.timeliness, NEW.worked_minutes, NEW.allotted_minutes, NEW.opened_at, NEW.closed_at, NEW.due_at)
                      AND (task_is_counted(OLD) OR task_is_counted(NEW)))
                EXECUTE FUNCTION tasks_roll_up_track();

                -- A dossier's counted tasks (of its instance, and of its sub-processes' instances) move with its procedure and
                -- channel: in when it is inserted after they closed, out when it is deleted, across when those columns change.
                CREATE FUNCTION dossier_tasks_roll_up(dossier uuid, code text, name text, dossier_channel text, delta integer) RETURNS void LANGUAGE plpgsql AS $$
                BEGIN
                    PERFORM task_roll_up_move(t, code, name, dossier_channel, delta)
                    FROM instances i JOIN tasks t ON t.instance_id = i.id
                    WHERE i.id = dossier AND i.parent_instance_id IS NULL AND task_is_counted(t);
                    PERFORM task_roll_up_move(t, code, name, dossier_channel, delta)
                    FROM instances i JOIN tasks t ON t.instance_id = i.id
                    WHERE i.parent_instance_id = dossier AND task_is_counted(t);
                END $$;

                CREATE FUNCTION dossiers_task_roll_up_track() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF TG_OP <> 'INSERT' THEN
                        PERFORM dossier_tasks_roll_up(OLD.id, OLD.procedure_code, OLD.procedure_name, OLD.channel, -1);
                    END IF;
                    IF TG_OP <> 'DELETE' THEN
                        PERFORM dossier_tasks_roll_up(NEW.id, NEW.procedure_code, NEW.procedure_name, NEW.channel, 1);
                    END IF;
                    RETURN NULL;
                END $$;

                CREATE TRIGGER dossiers_task_roll_up_insert AFTER INSERT ON dossiers FOR EACH ROW EXECUTE FUNCTION dossiers_task_roll_up_track();
                CREATE TRIGGER dossiers_task_roll_up_delete AFTER DELETE ON dossiers FOR EACH ROW EXECUTE FUNCTION dossiers_task_roll_up_track();
                CREATE TRIGGER dossiers_task_roll_up_update AFTER UPDATE ON dossiers FOR EACH ROW
                WHEN ((OLD.procedure_code, OLD.procedure_name, OLD.channel) IS DISTINCT FROM (NEW.procedure_code, NEW.procedure_name, NEW.channel))
                EXECUTE FUNCTION dossiers_task_roll_up_track();

                INSERT INTO task_month_counts (procedure_code, procedure_name, channel, node_id, step_name, department, state, timeliness, opened_month, closed_month, due_month, tasks)
                SELECT d.procedure_code, d.procedure_name, d.channel, t.node_id, coalesce(t.step_name, ''), t.department, t.state, coalesce(t.timeliness, -1), report_month(t.opened_at), report_month(t.closed_at), report_month(t.due_at), count(*)
                FROM tasks t JOIN instances i ON i.id = t.instance_id JOIN dossiers d ON d.id = coalesce(i.parent_instance_id, i.id)
                WHERE t.state <> 'open' AND t.closed_at IS NOT NULL AND (t.state = 'cancelled' OR (t.timeliness IS NOT NULL AND t.worked_minutes IS NOT NULL AND t.allotted_minutes IS NOT NULL))
                GROUP BY d.procedure_code, d.procedure_name, d.channel, t.node_id, coalesce(t.step_name, ''), t.department, t.state, coalesce(t.timeliness, -1), report_month(t.opened_at), report_month(t.closed_at), report_month(t.due_at);

                INSERT INTO task_minute_counts (procedure_code, procedure_name, node_id, step_name, department, closed_month, measure, minutes, tasks, late)
                SELECT d.procedure_code, d.procedure_name, t.node_id, coalesce(t.step_name, ''), t.department, report_month(t.closed_at), m.measure, m.minutes, count(*), count(*) FILTER (WHERE t.closed_at > t.due_at)
                FROM tasks t JOIN instances i ON i.id = t.instance_id JOIN dossiers d ON d.id = coalesce(i.parent_instance_id, i.id)
                CROSS JOIN LATERAL (VALUES (0, t.worked_minutes), (1, t.allotted_minutes)) AS m (measure, minutes)
                WHERE t.state = 'completed' AND t.closed_at IS NOT NULL AND t.timeliness IS NOT NULL AND t.worked_minutes IS NOT NULL AND t.allotted_minutes IS NOT NULL
                GROUP BY d.procedure_code, d.procedure_name, t.node_id, coalesce(t.step_name, ''), t.department, report_month(t.closed_at), m.measure, m.minutes;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TRIGGER dossiers_task_roll_up_insert ON dossiers;
                DROP TRIGGER dossiers_task_roll_up_delete ON dossiers;
                DROP TRIGGER dossiers_task_roll_up_update ON dossiers;
                DROP TRIGGER tasks_roll_up_insert ON tasks;
                DROP TRIGGER tasks_roll_up_delete ON tasks;
                DROP TRIGGER tasks_roll_up_update ON tasks;
                DROP FUNCTION dossiers_task_roll_up_track();
                DROP FUNCTION dossier_tasks_roll_up(uuid, text, text, text, integer);
                DROP FUNCTION tasks_roll_up_track();
                DROP FUNCTION task_roll_up_move(tasks, text, text, text, integer);
                DROP FUNCTION task_is_counted(tasks);
                """);

            migrationBuilder.DropTable(
                name: "task_minute_counts");

            migrationBuilder.DropTable(
                name: "task_month_counts");

            migrationBuilder.DropIndex(
                name: "ix_tasks_due_at",
                table: "tasks");

            migrationBuilder.DropIndex(
                name: "ix_tasks_not_rolled_up",
                table: "tasks");

            migrationBuilder.DropIndex(
                name: "ix_tasks_opened_at",
                table: "tasks");
        }
    }
}
