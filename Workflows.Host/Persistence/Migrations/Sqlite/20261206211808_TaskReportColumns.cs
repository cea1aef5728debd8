using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Workflows.Host.Persistence.Migrations.Sqlite
{
    /// <summary>
    /// The task rows carry their dossier, its procedure and channel, and whether the roll-ups count them, kept by triggers
    /// as the PostgreSQL migration of the same name describes, and filled here from the rows already written.
    /// </summary>
    public partial class TaskReportColumns : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_tasks_not_rolled_up",
                table: "tasks");

            migrationBuilder.AddColumn<string>(
                name: "channel",
                table: "tasks",
                type: "TEXT",
                maxLength: 16,
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "dossier_id",
                table: "tasks",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "procedure_code",
                table: "tasks",
                type: "TEXT",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "procedure_name",
                table: "tasks",
                type: "TEXT",
                maxLength: 1000,
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "rolled_up",
                table: "tasks",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.CreateIndex(
                name: "ix_tasks_not_rolled_up",
                table: "tasks",
                columns: new[] { "procedure_code", "department" },
                filter: "NOT rolled_up");

            migrationBuilder.Sql("""
                UPDATE tasks SET rolled_up = (state <> 'open' AND closed_at IS NOT NULL AND (state = 'cancelled' OR (timeliness IS NOT NULL AND worked_minutes IS NOT NULL AND allotted_minutes IS NOT NULL)));
                UPDATE tasks SET dossier_id = d.id, procedure_code = d.procedure_code, procedure_name = d.procedure_name, channel = d.channel
                FROM instances i JOIN dossiers d ON d.id = coalesce(i.parent_instance_id, i.id)
                WHERE i.id = tasks.instance_id;

                -- A task's dossier columns, looked up when it is inserted, moved to another instance or left without them; rolled_up
                -- (TaskMonthCountRow.IsCounted) on every write. Recursive triggers are off: these updates do not fire themselves.
                CREATE TRIGGER tasks_report_columns_insert AFTER INSERT ON tasks
                BEGIN
                    UPDATE tasks SET (dossier_id, procedure_code, procedure_name, channel) =
                        (SELECT d.id, d.procedure_code, d.procedure_name, d.channel FROM instances i JOIN dossiers d ON d.id = coalesce(i.parent_instance_id, i.id) WHERE i.id = NEW.instance_id),
                        rolled_up = (NEW.state <> 'open' AND NEW.closed_at IS NOT NULL AND (NEW.state = 'cancelled' OR (NEW.timeliness IS NOT NULL AND NEW.worked_minutes IS NOT NULL AND NEW.allotted_minutes IS NOT NULL)))
                    WHERE id = NEW.id;
                END;
                CREATE TRIGGER tasks_report_columns_update AFTER UPDATE OF instance_id, dossier_id, state, closed_at, timeliness, worked_minutes, allotted_minutes, rolled_up ON tasks
                BEGIN
                    UPDATE tasks SET (dossier_id, procedure_code, procedure_name, channel) =
                        (SELECT d.id, d.procedure_code, d.procedure_name, d.channel FROM instances i JOIN dossiers d ON d.id = coalesce(i.parent_instance_id, i.id) WHERE i.id = NEW.instance_id)
                    WHERE id = NEW.id AND (NEW.dossier_id IS NULL OR NEW.instance_id <> OLD.instance_id);
                    UPDATE tasks SET rolled_up = (NEW.state <> 'open' AND NEW.closed_at IS NOT NULL AND (NEW.state = 'cancelled' OR (NEW.timeliness IS NOT NULL AND NEW.worked_minutes IS NOT NULL AND NEW.allotted_minutes IS NOT NULL)))
                    WHERE id = NEW.id AND rolled_up IS NOT (NEW.state <> 'open' AND NEW.closed_at IS NOT NULL AND (NEW.state = 'cancelled' OR (NEW.timeliness IS NOT NULL AND NEW.worked_minutes IS NOT NULL AND NEW.allotted_minutes IS NOT NULL)));
                END;

                -- A dossier's tasks (of its instance and of its sub-processes' instances) take its columns when it is inserted or
                -- they change, and lose them when it is deleted.
                CREATE TRIGGER dossiers_task_columns_insert AFTER INSERT ON dossiers
                BEGIN
                    UPDATE tasks SET dossier_id = NEW.id, procedure_code = NEW.procedure_code, procedure_name = NEW.procedure_name, channel = NEW.channel
                    WHERE instance_id IN (SELECT i.id FROM instances i WHERE (i.id = NEW.id AND i.parent_instance_id IS NULL) OR i.parent_instance_id = NEW.id);
                END;
                CREATE TRIGGER dossiers_task_columns_update AFTER UPDATE OF procedure_code, procedure_name, channel ON dossiers
                WHEN (OLD.procedure_code, OLD.procedure_name, OLD.channel) IS NOT (NEW.procedure_code, NEW.procedure_name, NEW.channel)
                BEGIN
                    UPDATE tasks SET dossier_id = NEW.id, procedure_code = NEW.procedure_code, procedure_name = NEW.procedure_name, channel = NEW.channel
                    WHERE instance_id IN (SELECT i.id FROM instances i WHERE (i.id = NEW.id AND i.parent_instance_id IS NULL) OR i.parent_instance_id = NEW.id);
                END;
                CREATE TRIGGER dossiers_task_columns_delete AFTER DELETE ON dossiers
                BEGIN
                    UPDATE tasks SET dossier_id = NULL, procedure_code = NULL, procedure_name = NULL, channel = NULL
                    WHERE instance_id IN (SELECT i.id FROM instances i WHERE (i.id = OLD.id AND i.parent_instance_id IS NULL) OR i.parent_instance_id = OLD.id);
                END;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TRIGGER dossiers_task_columns_insert;
                DROP TRIGGER dossiers_task_columns_update;
                DROP TRIGGER dossiers_task_columns_delete;
                DROP TRIGGER tasks_report_columns_insert;
                DROP TRIGGER tasks_report_columns_update;
                """);

            migrationBuilder.DropIndex(
                name: "ix_tasks_not_rolled_up",
                table: "tasks");

            // Not EF's DropColumn, which rebuilds the table on SQLite and so loses its triggers (the task roll-ups') and the
            // indexes made in SQL: the columns are no longer indexed nor named by a trigger, so SQLite drops them in place.
            migrationBuilder.Sql("""
                ALTER TABLE tasks DROP COLUMN channel;
                ALTER TABLE tasks DROP COLUMN dossier_id;
                ALTER TABLE tasks DROP COLUMN procedure_code;
                ALTER TABLE tasks DROP COLUMN procedure_name;
                ALTER TABLE tasks DROP COLUMN rolled_up;
                """);

            migrationBuilder.CreateIndex(
                name: "ix_tasks_not_rolled_up",
                table: "tasks",
                column: "opened_at",
                filter: "state = 'open' OR closed_at IS NULL OR (state <> 'cancelled' AND (timeliness IS NULL OR worked_minutes IS NULL OR allotted_minutes IS NULL))");
        }
    }
}
