using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Workflows.Host.Persistence.Migrations.Sqlite
{
    /// <summary>
    /// The roll-ups of closed tasks the department and step summaries and the bottleneck view read for whole months
    /// (Persistence.TaskMonthCountRow, TaskMinuteCountRow), kept by triggers on tasks and dossiers as the PostgreSQL
    /// migration of the same name, and built here from the tasks already counted.
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
                    procedure_code = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    procedure_name = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: false),
                    node_id = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    step_name = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: false),
                    department = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    closed_month = table.Column<int>(type: "INTEGER", nullable: false),
                    measure = table.Column<int>(type: "INTEGER", nullable: false),
                    minutes = table.Column<long>(type: "INTEGER", nullable: false),
                    tasks = table.Column<int>(type: "INTEGER", nullable: false),
                    late = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_task_minute_counts", x => new { x.procedure_code, x.procedure_name, x.node_id, x.step_name, x.department, x.closed_month, x.measure, x.minutes });
                });

            migrationBuilder.CreateTable(
                name: "task_month_counts",
                columns: table => new
                {
                    procedure_code = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    procedure_name = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: false),
                    channel = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    node_id = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    step_name = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: false),
                    department = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    state = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    timeliness = table.Column<int>(type: "INTEGER", nullable: false),
                    opened_month = table.Column<int>(type: "INTEGER", nullable: false),
                    closed_month = table.Column<int>(type: "INTEGER", nullable: false),
                    due_month = table.Column<int>(type: "INTEGER", nullable: false),
                    tasks = table.Column<int>(type: "INTEGER", nullable: false)
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
                -- Month keys as in DossierMonthCounts; a task belongs to the dossier of its instance, or of its instance's parent
                -- (a sub-process), as the reports join. Each trigger adds 1 to the combinations of a row that is counted
                -- (TaskMonthCountRow.IsCounted) and -1 to those of a row that was.
                CREATE TRIGGER tasks_roll_up_insert AFTER INSERT ON tasks
                WHEN NEW.state <> 'open' AND NEW.closed_at IS NOT NULL AND (NEW.state = 'cancelled' OR (NEW.timeliness IS NOT NULL AND NEW.worked_minutes IS NOT NULL AND NEW.allotted_minutes IS NOT NULL))
                BEGIN
                    INSERT INTO task_month_counts (procedure_code, procedure_name, channel, node_id, step_name, department, state, timeliness, opened_month, closed_month, due_month, tasks)
                    SELECT d.procedure_code, d.procedure_name, d.channel, NEW.node_id, coalesce(NEW.step_name, ''), NEW.department, NEW.state, coalesce(NEW.timeliness, -1), CAST(strftime('%Y%m', NEW.opened_at, '+7 hours') AS INTEGER), CAST(strftime('%Y%m', NEW.closed_at, '+7 hours') AS INTEGER), CAST(strftime('%Y%m', NEW.due_at, '+7 hours') AS INTEGER), 1
                    FROM instances i JOIN dossiers d ON d.id = coalesce(i.parent_instance_id, i.id) WHERE i.id = NEW.instance_id
                    ON CONFLICT (procedure_code, procedure_name, channel, node_id, step_name, department, state, timeliness, opened_month, closed_month, due_month) DO UPDATE SET tasks = task_month_counts.tasks + excluded.tasks;
                    INSERT INTO task_minute_counts (procedure_code, procedure_name, node_id, step_name, department, closed_month, measure, minutes, tasks, late)
                    SELECT d.procedure_code, d.procedure_name, NEW.node_id, coalesce(NEW.step_name, ''), NEW.department, CAST(strftime('%Y%m', NEW.closed_at, '+7 hours') AS INTEGER), 0, NEW.worked_minutes, 1, CASE WHEN NEW.closed_at > NEW.due_at THEN 1 ELSE 0 END
                    FROM instances i JOIN dossiers d ON d.id = coalesce(i.parent_instance_id, i.id) WHERE i.id = NEW.instance_id AND NEW.state = 'completed'
                    ON CONFLICT (procedure_code, procedure_name, node_id, step_name, department, closed_month, measure, minutes) DO UPDATE SET tasks = task_minute_counts.tasks + excluded.tasks, late = task_minute_counts.late + excluded.late;
                    INSERT INTO task_minute_counts (procedure_code, procedure_name, node_id, step_name, department, closed_month, measure, minutes, tasks, late)
                    SELECT d.procedure_code, d.procedure_name, NEW.node_id, coalesce(NEW.step_name, ''), NEW.department, CAST(strftime('%Y%m', NEW.closed_at, '+7 hours') AS INTEGER), 1, NEW.allotted_minutes, 1, CASE WHEN NEW.closed_at > NEW.due_at THEN 1 ELSE 0 END
                    FROM instances i JOIN dossiers d ON d.id = coalesce(i.parent_instance_id, i.id) WHERE i.id = NEW.instance_id AND NEW.state = 'completed'
                    ON CONFLICT (procedure_code, procedure_name, node_id, step_name, department, closed_month, measure, minutes) DO UPDATE SET tasks = task_minute_counts.tasks + excluded.tasks, late = task_minute_counts.late + excluded.late;
                END;
                CREATE TRIGGER tasks_roll_up_delete AFTER DELETE ON tasks
                WHEN OLD.state <> 'open' AND OLD.closed_at IS NOT NULL AND (OLD.state = 'cancelled' OR (OLD.timeliness IS NOT NULL AND OLD.worked_minutes IS NOT NULL AND OLD.allotted_minutes IS NOT NULL))
                BEGIN
                    INSERT INTO task_month_counts (procedure_code, procedure_name, channel, node_id, step_name, department, state, timeliness, opened_month, closed_month, due_month, tasks)
                    SELECT d.procedure_code, d.procedure_name, d.channel, OLD.node_id, coalesce(OLD.step_name, ''), OLD.department, OLD.state, coalesce(OLD.timeliness, -1), CAST(strftime('%Y%m', OLD.opened_at, '+7 hours') AS INTEGER), CAST(strftime('%Y%m', OLD.closed_at, '+7 hours') AS INTEGER), CAST(strftime('%Y%m', OLD.due_at, '+7 hours') AS INTEGER), -1
                    FROM instances i JOIN dossiers d ON d.id = coalesce(i.parent_instance_id, i.id) WHERE i.id = OLD.instance_id
                    ON CONFLICT (procedure_code, procedure_name, channel, node_id, step_name, department, state, timeliness, opened_month, closed_month, due_month) DO UPDATE SET tasks = task_month_counts.tasks + excluded.tasks;
                    INSERT INTO task_minute_counts (procedure_code, procedure_name, node_id, step_name, department, closed_month, measure, minutes, tasks, late)
                    SELECT d.procedure_code, d.procedure_name, OLD.node_id, coalesce(OLD.step_name, ''), OLD.department, CAST(strftime('%Y%m', OLD.closed_at, '+7 hours') AS INTEGER), 0, OLD.worked_minutes, -1, CASE WHEN OLD.closed_at > OLD.due_at THEN -1 ELSE 0 END
                    FROM instances i JOIN dossiers d ON d.id = coalesce(i.parent_instance_id, i.id) WHERE i.id = OLD.instance_id AND OLD.state = 'completed'
                    ON CONFLICT (procedure_code, procedure_name, node_id, step_name, department, closed_month, measure, minutes) DO UPDATE SET tasks = task_minute_counts.tasks + excluded.tasks, late = task_minute_counts.late + excluded.late;
                    INSERT INTO task_minute_counts (procedure_code, procedure_name, node_id, step_name, department, closed_month, measure, minutes, tasks, late)
                    SELECT d.procedure_code, d.procedure_name, OLD.node_id, coalesce(OLD.step_name, ''), OLD.department, CAST(strftime('%Y%m', OLD.closed_at, '+7 hours') AS INTEGER), 1, OLD.allotted_minutes, -1, CASE WHEN OLD.closed_at > OLD.due_at THEN -1 ELSE 0 END
                    FROM instances i JOIN dossiers d ON d.id = coalesce(i.parent_instance_id, i.id) WHERE i.id = OLD.instance_id AND OLD.state = 'completed'
                    ON CONFLICT (procedure_code, procedure_name, node_id, step_name, department, closed_month, measure, minutes) DO UPDATE SET tasks = task_minute_counts.tasks + excluded.tasks, late = task_minute_counts.late + excluded.late;
                END;
                CREATE TRIGGER tasks_roll_up_update AFTER UPDATE OF instance_id, node_id, step_name, department, state, timeliness, worked_minutes, allotted_minutes, opened_at, closed_at, due_at ON tasks
                BEGIN
                    INSERT INTO task_month_counts (procedure_code, procedure_name, channel, node_id, step_name, department, state, timeliness, opened_month, closed_month, due_month, tasks)
                    SELECT d.procedure_code, d.procedure_name, d.channel, OLD.node_id, coalesce(OLD.step_name, ''), OLD.department, OLD.state, coalesce(OLD.timeliness, -1), CAST(strftime('%Y%m', OLD.opened_at, '+7 hours') AS INTEGER), CAST(strftime('%Y%m', OLD.closed_at, '+7 hours') AS INTEGER), CAST(strftime('%Y%m', OLD.due_at, '+7 hours') AS INTEGER), -1
                    FROM instances i JOIN dossiers d ON d.id = coalesce(i.parent_instance_id, i.id) WHERE i.id = OLD.instance_id AND OLD.state <> 'open' AND OLD.closed_at IS NOT NULL AND (OLD.state = 'cancelled' OR (OLD.timeliness IS NOT NULL AND OLD.worked_minutes IS NOT NULL AND OLD.allotted_minutes IS NOT NULL))
                    ON CONFLICT (procedure_code, procedure_name, channel, node_id, step_name, department, state, timeliness, opened_month, closed_month, due_month) DO UPDATE SET tasks = task_month_counts.tasks + excluded.tasks;
                    INSERT INTO task_minute_counts (procedure_code, procedure_name, node_id, step_name, department, closed_month, measure, minutes, tasks, late)
                    SELECT d.procedure_code, d.procedure_name, OLD.node_id, coalesce(OLD.step_name, ''), OLD.department, CAST(strftime('%Y%m', OLD.closed_at, '+7 hours') AS INTEGER), 0, OLD.worked_minutes, -1, CASE WHEN OLD.closed_at > OLD.due_at THEN -1 ELSE 0 END
                    FROM instances i JOIN dossiers d ON d.id = coalesce(i.parent_instance_id, i.id) WHERE i.id = OLD.instance_id AND OLD.state <> 'open' AND OLD.closed_at IS NOT NULL AND (OLD.state = 'cancelled' OR (OLD.timeliness IS NOT NULL AND OLD.worked_minutes IS NOT NULL AND OLD.allotted_minutes IS NOT NULL)) AND OLD.state = 'completed'
                    ON CONFLICT (procedure_code, procedure_name, node_id, step_name, department, closed_month, measure, minutes) DO UPDATE SET tasks = task_minute_counts.tasks + excluded.tasks, late = task_minute_counts.late + excluded.late;
                    INSERT INTO task_minute_counts (procedure_code, procedure_name, node_id, step_name, department, closed_month, measure, minutes, tasks, late)
                    SELECT d.procedure_code, d.procedure_name, OLD.node_id, coalesce(OLD.step_name, ''), OLD.department, CAST(strftime('%Y%m', OLD.closed_at, '+7 hours') AS INTEGER), 1, OLD.allotted_minutes, -1, CASE WHEN OLD.closed_at > OLD.due_at THEN -1 ELSE 0 END
                    FROM instances i JOIN dossiers d ON d.id = coalesce(i.parent_instance_id, i.id) WHERE i.id = OLD.instance_id AND OLD.state <> 'open' AND OLD.closed_at IS NOT NULL AND (OLD.state = 'cancelled' OR (OLD.timeliness IS NOT NULL AND OLD.worked_minutes IS NOT NULL AND OLD.allotted_minutes IS NOT NULL)) AND OLD.state = 'completed'
                    ON CONFLICT (procedure_code, procedure_name, node_id, step_name, department, closed_month, measure, minutes) DO UPDATE SET tasks = task_minute_counts.tasks + excluded.tasks, late = task_minute_counts.late + excluded.late;
                    INSERT INTO task_month_counts (procedure_code, procedure_name, channel, node_id, step_name, department, state, timeliness, opened_month, closed_month, due_month, tasks)
                    SELECT d.procedure_code, d.procedure_name, d.channel, NEW.node_id, coalesce(NEW.step_name, ''), NEW.department, NEW.state, coalesce(NEW.timeliness, -1), CAST(strftime('%Y%m', NEW.opened_at, '+7 hours') AS INTEGER), CAST(strftime('%Y%m', NEW.closed_at, '+7 hours') AS INTEGER), CAST(strftime('%Y%m', NEW.due_at, '+7 hours') AS INTEGER), 1
                    FROM instances i JOIN dossiers d ON d.id = coalesce(i.parent_instance_id, i.id) WHERE i.id = NEW.instance_id AND NEW.state <> 'open' AND NEW.closed_at IS NOT NULL AND (NEW.state = 'cancelled' OR (NEW.timeliness IS NOT NULL AND NEW.worked_minutes IS NOT NULL AND NEW.allotted_minutes IS NOT NULL))
                    ON CONFLICT (procedure_code, procedure_name, channel, node_id, step_name, department, state, timeliness, opened_month, closed_month, due_month) DO UPDATE SET tasks = task_month_counts.tasks + excluded.tasks;
                    INSERT INTO task_minute_counts (procedure_code, procedure_name, node_id, step_name, department, closed_month, measure, minutes, tasks, late)
                    SELECT d.procedure_code, d.procedure_name, NEW.node_id, coalesce(NEW.step_name, ''), NEW.department, CAST(strftime('%Y%m', NEW.closed_at, '+7 hours') AS INTEGER), 0, NEW.worked_minutes, 1, CASE WHEN NEW.closed_at > NEW.due_at THEN 1 ELSE 0 END
                    FROM instances i JOIN dossiers d ON d.id = coalesce(i.parent_instance_id, i.id) WHERE i.id = NEW.instance_id AND NEW.state <> 'open' AND NEW.closed_at IS NOT NULL AND (NEW.state = 'cancelled' OR (NEW.timeliness IS NOT NULL AND NEW.worked_minutes IS NOT NULL AND NEW.allotted_minutes IS NOT NULL)) AND NEW.state = 'completed'
                    ON CONFLICT (procedure_code, procedure_name, node_id, step_name, department, closed_month, measure, minutes) DO UPDATE SET tasks = task_minute_counts.tasks + excluded.tasks, late = task_minute_counts.late + excluded.late;
                    INSERT INTO task_minute_counts (procedure_code, procedure_name, node_id, step_name, department, closed_month, measure, minutes, tasks, late)
                    SELECT d.procedure_code, d.procedure_name, NEW.node_id, coalesce(NEW.step_name, ''), NEW.department, CAST(strftime('%Y%m', NEW.closed_at, '+7 hours') AS INTEGER), 1, NEW.allotted_minutes, 1, CASE WHEN NEW.closed_at > NEW.due_at THEN 1 ELSE 0 END
                    FROM instances i JOIN dossiers d ON d.id = coalesce(i.parent_instance_id, i.id) WHERE i.id = NEW.instance_id AND NEW.state <> 'open' AND NEW.closed_at IS NOT NULL AND (NEW.state = 'cancelled' OR (NEW.timeliness IS NOT NULL AND NEW.worked_minutes IS NOT NULL AND NEW.allotted_minutes IS NOT NULL)) AND NEW.state = 'completed'
                    ON CONFLICT (procedure_code, procedure_name, node_id, step_name, department, closed_month, measure, minutes) DO UPDATE SET tasks = task_minute_counts.tasks + excluded.tasks, late = task_minute_counts.late + excluded.late;
                END;
                -- A dossier's counted tasks move with its procedure and channel: in when it is inserted after they closed, out
                -- when it is deleted, across when those columns change.
                CREATE TRIGGER dossiers_task_roll_up_insert AFTER INSERT ON dossiers
                BEGIN
                    INSERT INTO task_month_counts (procedure_code, procedure_name, channel, node_id, step_name, department, state, timeliness, opened_month, closed_month, due_month, tasks)
                    SELECT d.procedure_code, d.procedure_name, d.channel, t.node_id, coalesce(t.step_name, ''), t.department, t.state, coalesce(t.timeliness, -1), CAST(strftime('%Y%m', t.opened_at, '+7 hours') AS INTEGER), CAST(strftime('%Y%m', t.closed_at, '+7 hours') AS INTEGER), CAST(strftime('%Y%m', t.due_at, '+7 hours') AS INTEGER), 1
                    FROM (SELECT NEW.procedure_code AS procedure_code, NEW.procedure_name AS procedure_name, NEW.channel AS channel) AS d JOIN instances i ON (i.id = NEW.id AND i.parent_instance_id IS NULL) OR i.parent_instance_id = NEW.id JOIN tasks t ON t.instance_id = i.id WHERE t.state <> 'open' AND t.closed_at IS NOT NULL AND (t.state = 'cancelled' OR (t.timeliness IS NOT NULL AND t.worked_minutes IS NOT NULL AND t.allotted_minutes IS NOT NULL))
                    ON CONFLICT (procedure_code, procedure_name, channel, node_id, step_name, department, state, timeliness, opened_month, closed_month, due_month) DO UPDATE SET tasks = task_month_counts.tasks + excluded.tasks;
                    INSERT INTO task_minute_counts (procedure_code, procedure_name, node_id, step_name, department, closed_month, measure, minutes, tasks, late)
                    SELECT d.procedure_code, d.procedure_name, t.node_id, coalesce(t.step_name, ''), t.department, CAST(strftime('%Y%m', t.closed_at, '+7 hours') AS INTEGER), 0, t.worked_minutes, 1, CASE WHEN t.closed_at > t.due_at THEN 1 ELSE 0 END
                    FROM (SELECT NEW.procedure_code AS procedure_code, NEW.procedure_name AS procedure_name, NEW.channel AS channel) AS d JOIN instances i ON (i.id = NEW.id AND i.parent_instance_id IS NULL) OR i.parent_instance_id = NEW.id JOIN tasks t ON t.instance_id = i.id WHERE t.state <> 'open' AND t.closed_at IS NOT NULL AND (t.state = 'cancelled' OR (t.timeliness IS NOT NULL AND t.worked_minutes IS NOT NULL AND t.allotted_minutes IS NOT NULL)) AND t.state = 'completed'
                    ON CONFLICT (procedure_code, procedure_name, node_id, step_name, department, closed_month, measure, minutes) DO UPDATE SET tasks = task_minute_counts.tasks + excluded.tasks, late = task_minute_counts.late + excluded.late;
                    INSERT INTO task_minute_counts (procedure_code, procedure_name, node_id, step_name, department, closed_month, measure, minutes, tasks, late)
                    SELECT d.procedure_code, d.procedure_name, t.node_id, coalesce(t.step_name, ''), t.department, CAST(strftime('%Y%m', t.closed_at, '+7 hours') AS INTEGER), 1, t.allotted_minutes, 1, CASE WHEN t.closed_at > t.due_at THEN 1 ELSE 0 END
                    FROM (SELECT NEW.procedure_code AS procedure_code, NEW.procedure_name AS procedure_name, NEW.channel AS channel) AS d JOIN instances i ON (i.id = NEW.id AND i.parent_instance_id IS NULL) OR i.parent_instance_id = NEW.id JOIN tasks t ON t.instance_id = i.id WHERE t.state <> 'open' AND t.closed_at IS NOT NULL AND (t.state = 'cancelled' OR (t.timeliness IS NOT NULL AND t.worked_minutes IS NOT NULL AND t.allotted_minutes IS NOT NULL)) AND t.state = 'completed'
                    ON CONFLICT (procedure_code, procedure_name, node_id, step_name, department, closed_month, measure, minutes) DO UPDATE SET tasks = task_minute_counts.tasks + excluded.tasks, late = task_minute_counts.late + excluded.late;
                END;
                CREATE TRIGGER dossiers_task_roll_up_delete AFTER DELETE ON dossiers
                BEGIN
                    INSERT INTO task_month_counts (procedure_code, procedure_name, channel, node_id, step_name, department, state, timeliness, opened_month, closed_month, due_month, tasks)
                    SELECT d.procedure_code, d.procedure_name, d.channel, t.node_id, coalesce(t.step_name, ''), t.department, t.state, coalesce(t.timeliness, -1), CAST(strftime('%Y%m', t.opened_at, '+7 hours') AS INTEGER), CAST(strftime('%Y%m', t.closed_at, '+7 hours') AS INTEGER), CAST(strftime('%Y%m', t.due_at, '+7 hours') AS INTEGER), -1
                    FROM (SELECT OLD.procedure_code AS procedure_code, OLD.procedure_name AS procedure_name, OLD.channel AS channel) AS d JOIN instances i ON (i.id = OLD.id AND i.parent_instance_id IS NULL) OR i.parent_instance_id = OLD.id JOIN tasks t ON t.instance_id = i.id WHERE t.state <> 'open' AND t.closed_at IS NOT NULL AND (t.state = 'cancelled' OR (t.timeliness IS NOT NULL AND t.worked_minutes IS NOT NULL AND t.allotted_minutes IS NOT NULL))
                    ON CONFLICT (procedure_code, procedure_name, channel, node_id, step_name, department, state, timeliness, opened_month, closed_month, due_month) DO UPDATE SET tasks = task_month_counts.tasks + excluded.tasks;
                    INSERT INTO task_minute_counts (procedure_code, procedure_name, node_id, step_name, department, closed_month, measure, minutes, tasks, late)
                    SELECT d.procedure_code, d.procedure_name, t.node_id, coalesce(t.step_name, ''), t.department, CAST(strftime('%Y%m', t.closed_at, '+7 hours') AS INTEGER), 0, t.worked_minutes, -1, CASE WHEN t.closed_at > t.due_at THEN -1 ELSE 0 END
                    FROM (SELECT OLD.procedure_code AS procedure_code, OLD.procedure_name AS procedure_name, OLD.channel AS channel) AS d JOIN instances i ON (i.id = OLD.id AND i.parent_instance_id IS NULL) OR i.parent_instance_id = OLD.id JOIN tasks t ON t.instance_id = i.id WHERE t.state <> 'open' AND t.closed_at IS NOT NULL AND (t.state = 'cancelled' OR (t.timeliness IS NOT NULL AND t.worked_minutes IS NOT NULL AND t.allotted_minutes IS NOT NULL)) AND t.state = 'completed'
                    ON CONFLICT (procedure_code, procedure_name, node_id, step_name, department, closed_month, measure, minutes) DO UPDATE SET tasks = task_minute_counts.tasks + excluded.tasks, late = task_minute_counts.late + excluded.late;
                    INSERT INTO task_minute_counts (procedure_code, procedure_name, node_id, step_name, department, closed_month, measure, minutes, tasks, late)
                    SELECT d.procedure_code, d.procedure_name, t.node_id, coalesce(t.step_name, ''), t.department, CAST(strftime('%Y%m', t.closed_at, '+7 hours') AS INTEGER), 1, t.allotted_minutes, -1, CASE WHEN t.closed_at > t.due_at THEN -1 ELSE 0 END
                    FROM (SELECT OLD.procedure_code AS procedure_code, OLD.procedure_name AS procedure_name, OLD.channel AS channel) AS d JOIN instances i ON (i.id = OLD.id AND i.parent_instance_id IS NULL) OR i.parent_instance_id = OLD.id JOIN tasks t ON t.instance_id = i.id WHERE t.state <> 'open' AND t.closed_at IS NOT NULL AND (t.state = 'cancelled' OR (t.timeliness IS NOT NULL AND t.worked_minutes IS NOT NULL AND t.allotted_minutes IS NOT NULL)) AND t.state = 'completed'
                    ON CONFLICT (procedure_code, procedure_name, node_id, step_name, department, closed_month, measure, minutes) DO UPDATE SET tasks = task_minute_counts.tasks + excluded.tasks, late = task_minute_counts.late + excluded.late;
                END;
                CREATE TRIGGER dossiers_task_roll_up_update AFTER UPDATE OF procedure_code, procedure_name, channel ON dossiers
                BEGIN
                    INSERT INTO task_month_counts (procedure_code, procedure_name, channel, node_id, step_name, department, state, timeliness, opened_month, closed_month, due_month, tasks)
                    SELECT d.procedure_code, d.procedure_name, d.channel, t.node_id, coalesce(t.step_name, ''), t.department, t.state, coalesce(t.timeliness, -1), CAST(strftime('%Y%m', t.opened_at, '+7 hours') AS INTEGER), CAST(strftime('%Y%m', t.closed_at, '+7 hours') AS INTEGER), CAST(strftime('%Y%m', t.due_at, '+7 hours') AS INTEGER), -1
                    FROM (SELECT OLD.procedure_code AS procedure_code, OLD.procedure_name AS procedure_name, OLD.channel AS channel) AS d JOIN instances i ON (i.id = OLD.id AND i.parent_instance_id IS NULL) OR i.parent_instance_id = OLD.id JOIN tasks t ON t.instance_id = i.id WHERE t.state <> 'open' AND t.closed_at IS NOT NULL AND (t.state = 'cancelled' OR (t.timeliness IS NOT NULL AND t.worked_minutes IS NOT NULL AND t.allotted_minutes IS NOT NULL))
                    ON CONFLICT (procedure_code, procedure_name, channel, node_id, step_name, department, state, timeliness, opened_month, closed_month, due_month) DO UPDATE SET tasks = task_month_counts.tasks + excluded.tasks;
                    INSERT INTO task_minute_counts (procedure_code, procedure_name, node_id, step_name, department, closed_month, measure, minutes, tasks, late)
                    SELECT d.procedure_code, d.procedure_name, t.node_id, coalesce(t.step_name, ''), t.department, CAST(strftime('%Y%m', t.closed_at, '+7 hours') AS INTEGER), 0, t.worked_minutes, -1, CASE WHEN t.closed_at > t.due_at THEN -1 ELSE 0 END
                    FROM (SELECT OLD.procedure_code AS procedure_code, OLD.procedure_name AS procedure_name, OLD.channel AS channel) AS d JOIN instances i ON (i.id = OLD.id AND i.parent_instance_id IS NULL) OR i.parent_instance_id = OLD.id JOIN tasks t ON t.instance_id = i.id WHERE t.state <> 'open' AND t.closed_at IS NOT NULL AND (t.state = 'cancelled' OR (t.timeliness IS NOT NULL AND t.worked_minutes IS NOT NULL AND t.allotted_minutes IS NOT NULL)) AND t.state = 'completed'
                    ON CONFLICT (procedure_code, procedure_name, node_id, step_name, department, closed_month, measure, minutes) DO UPDATE SET tasks = task_minute_counts.tasks + excluded.tasks, late = task_minute_counts.late + excluded.late;
                    INSERT INTO task_minute_counts (procedure_code, procedure_name, node_id, step_name, department, closed_month, measure, minutes, tasks, late)
                    SELECT d.procedure_code, d.procedure_name, t.node_id, coalesce(t.step_name, ''), t.department, CAST(strftime('%Y%m', t.closed_at, '+7 hours') AS INTEGER), 1, t.allotted_minutes, -1, CASE WHEN t.closed_at > t.due_at THEN -1 ELSE 0 END
                    FROM (SELECT OLD.procedure_code AS procedure_code, OLD.procedure_name AS procedure_name, OLD.channel AS channel) AS d JOIN instances i ON (i.id = OLD.id AND i.parent_instance_id IS NULL) OR i.parent_instance_id = OLD.id JOIN tasks t ON t.instance_id = i.id WHERE t.state <> 'open' AND t.closed_at IS NOT NULL AND (t.state = 'cancelled' OR (t.timeliness IS NOT NULL AND t.worked_minutes IS NOT NULL AND t.allotted_minutes IS NOT NULL)) AND t.state = 'completed'
                    ON CONFLICT (procedure_code, procedure_name, node_id, step_name, department, closed_month, measure, minutes) DO UPDATE SET tasks = task_minute_counts.tasks + excluded.tasks, late = task_minute_counts.late + excluded.late;
                    INSERT INTO task_month_counts (procedure_code, procedure_name, channel, node_id, step_name, department, state, timeliness, opened_month, closed_month, due_month, tasks)
                    SELECT d.procedure_code, d.procedure_name, d.channel, t.node_id, coalesce(t.step_name, ''), t.department, t.state, coalesce(t.timeliness, -1), CAST(strftime('%Y%m', t.opened_at, '+7 hours') AS INTEGER), CAST(strftime('%Y%m', t.closed_at, '+7 hours') AS INTEGER), CAST(strftime('%Y%m', t.due_at, '+7 hours') AS INTEGER), 1
                    FROM (SELECT NEW.procedure_code AS procedure_code, NEW.procedure_name AS procedure_name, NEW.channel AS channel) AS d JOIN instances i ON (i.id = NEW.id AND i.parent_instance_id IS NULL) OR i.parent_instance_id = NEW.id JOIN tasks t ON t.instance_id = i.id WHERE t.state <> 'open' AND t.closed_at IS NOT NULL AND (t.state = 'cancelled' OR (t.timeliness IS NOT NULL AND t.worked_minutes IS NOT NULL AND t.allotted_minutes IS NOT NULL))
                    ON CONFLICT (procedure_code, procedure_name, channel, node_id, step_name, department, state, timeliness, opened_month, closed_month, due_month) DO UPDATE SET tasks = task_month_counts.tasks + excluded.tasks;
                    INSERT INTO task_minute_counts (procedure_code, procedure_name, node_id, step_name, department, closed_month, measure, minutes, tasks, late)
                    SELECT d.procedure_code, d.procedure_name, t.node_id, coalesce(t.step_name, ''), t.department, CAST(strftime('%Y%m', t.closed_at, '+7 hours') AS INTEGER), 0, t.worked_minutes, 1, CASE WHEN t.closed_at > t.due_at THEN 1 ELSE 0 END
                    FROM (SELECT NEW.procedure_code AS procedure_code, NEW.procedure_name AS procedure_name, NEW.channel AS channel) AS d JOIN instances i ON (i.id = NEW.id AND i.parent_instance_id IS NULL) OR i.parent_instance_id = NEW.id JOIN tasks t ON t.instance_id = i.id WHERE t.state <> 'open' AND t.closed_at IS NOT NULL AND (t.state = 'cancelled' OR (t.timeliness IS NOT NULL AND t.worked_minutes IS NOT NULL AND t.allotted_minutes IS NOT NULL)) AND t.state = 'completed'
                    ON CONFLICT (procedure_code, procedure_name, node_id, step_name, department, closed_month, measure, minutes) DO UPDATE SET tasks = task_minute_counts.tasks + excluded.tasks, late = task_minute_counts.late + excluded.late;
                    INSERT INTO task_minute_counts (procedure_code, procedure_name, node_id, step_name, department, closed_month, measure, minutes, tasks, late)
                    SELECT d.procedure_code, d.procedure_name, t.node_id, coalesce(t.step_name, ''), t.department, CAST(strftime('%Y%m', t.closed_at, '+7 hours') AS INTEGER), 1, t.allotted_minutes, 1, CASE WHEN t.closed_at > t.due_at THEN 1 ELSE 0 END
                    FROM (SELECT NEW.procedure_code AS procedure_code, NEW.procedure_name AS procedure_name, NEW.channel AS channel) AS d JOIN instances i ON (i.id = NEW.id AND i.parent_instance_id IS NULL) OR i.parent_instance_id = NEW.id JOIN tasks t ON t.instance_id = i.id WHERE t.state <> 'open' AND t.closed_at IS NOT NULL AND (t.state = 'cancelled' OR (t.timeliness IS NOT NULL AND t.worked_minutes IS NOT NULL AND t.allotted_minutes IS NOT NULL)) AND t.state = 'completed'
                    ON CONFLICT (procedure_code, procedure_name, node_id, step_name, department, closed_month, measure, minutes) DO UPDATE SET tasks = task_minute_counts.tasks + excluded.tasks, late = task_minute_counts.late + excluded.late;
                END;
                INSERT INTO task_month_counts (procedure_code, procedure_name, channel, node_id, step_name, department, state, timeliness, opened_month, closed_month, due_month, tasks)
                SELECT d.procedure_code, d.procedure_name, d.channel, t.node_id, coalesce(t.step_name, ''), t.department, t.state, coalesce(t.timeliness, -1), CAST(strftime('%Y%m', t.opened_at, '+7 hours') AS INTEGER), CAST(strftime('%Y%m', t.closed_at, '+7 hours') AS INTEGER), CAST(strftime('%Y%m', t.due_at, '+7 hours') AS INTEGER), count(*)
                FROM tasks t JOIN instances i ON i.id = t.instance_id JOIN dossiers d ON d.id = coalesce(i.parent_instance_id, i.id)
                WHERE t.state <> 'open' AND t.closed_at IS NOT NULL AND (t.state = 'cancelled' OR (t.timeliness IS NOT NULL AND t.worked_minutes IS NOT NULL AND t.allotted_minutes IS NOT NULL))
                GROUP BY d.procedure_code, d.procedure_name, d.channel, t.node_id, coalesce(t.step_name, ''), t.department, t.state, coalesce(t.timeliness, -1), CAST(strftime('%Y%m', t.opened_at, '+7 hours') AS INTEGER), CAST(strftime('%Y%m', t.closed_at, '+7 hours') AS INTEGER), CAST(strftime('%Y%m', t.due_at, '+7 hours') AS INTEGER);
                INSERT INTO task_minute_counts (procedure_code, procedure_name, node_id, step_name, department, closed_month, measure, minutes, tasks, late)
                SELECT d.procedure_code, d.procedure_name, t.node_id, coalesce(t.step_name, ''), t.department, CAST(strftime('%Y%m', t.closed_at, '+7 hours') AS INTEGER), m.measure, CASE m.measure WHEN 0 THEN t.worked_minutes ELSE t.allotted_minutes END, count(*), sum(t.closed_at > t.due_at)
                FROM tasks t JOIN instances i ON i.id = t.instance_id JOIN dossiers d ON d.id = coalesce(i.parent_instance_id, i.id)
                CROSS JOIN (SELECT 0 AS measure UNION ALL SELECT 1) AS m
                WHERE t.state <> 'open' AND t.closed_at IS NOT NULL AND (t.state = 'cancelled' OR (t.timeliness IS NOT NULL AND t.worked_minutes IS NOT NULL AND t.allotted_minutes IS NOT NULL)) AND t.state = 'completed'
                GROUP BY d.procedure_code, d.procedure_name, t.node_id, coalesce(t.step_name, ''), t.department, CAST(strftime('%Y%m', t.closed_at, '+7 hours') AS INTEGER), m.measure, CASE m.measure WHEN 0 THEN t.worked_minutes ELSE t.allotted_minutes END;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TRIGGER dossiers_task_roll_up_insert;
                DROP TRIGGER dossiers_task_roll_up_delete;
                DROP TRIGGER dossiers_task_roll_up_update;
                DROP TRIGGER tasks_roll_up_insert;
                DROP TRIGGER tasks_roll_up_delete;
                DROP TRIGGER tasks_roll_up_update;
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
