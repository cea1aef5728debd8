using System.Data.Common;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace Workflows.Host.Persistence;

/// <summary>
/// One statement run for many rows inside the context's current transaction, for the set-based writes of large
/// changes (a calendar edit moving 100,000 due times, the retention sweep). PostgreSQL gets every row in one
/// round trip: each column is an array parameter (<c>@name</c>) that the SQL unnests,
/// e.g. <c>UPDATE t SET due_at = v.due_at FROM unnest(@id, @due_at) AS v(id, due_at) WHERE t.id = v.id</c>.
/// SQLite (in process, no round trips) runs its per-row statement once per row, prepared once, with each column as a
/// scalar parameter of the same name, written as EF writes it there (instants as fixed-width UTC text, GUIDs as
/// upper-case text).
/// </summary>
internal static class BulkRows
{
    /// <summary>A column's values, one per row: Guid[], DateTimeOffset[], int[], long[], bool[] or string?[].</summary>
    public sealed record Column(string Name, Array Values);

    /// <summary>Runs the statement for every row and returns the rows it returned (RETURNING), each as its column values.</summary>
    public static async Task<List<object?[]>> ExecuteAsync(
        WorkflowsDbContext db, string postgresSql, string sqliteSql, IReadOnlyList<Column> columns, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(columns);
        var count = columns.Count == 0 ? 0 : columns[0].Values.Length;
        var returned = new List<object?[]>();
        if (count == 0)
        {
            return returned;
        }

        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            await using var command = db.Database.GetDbConnection().CreateCommand();
            command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
            command.CommandTimeout = db.Database.GetCommandTimeout() ?? command.CommandTimeout;
            if (db.Database.IsNpgsql())
            {
                command.CommandText = postgresSql;
                foreach (var column in columns)
                {
                    var parameter = command.CreateParameter();
                    parameter.ParameterName = column.Name;
                    parameter.Value = column.Values is DateTimeOffset[] instants ? Array.ConvertAll(instants, i => i.ToUniversalTime()) : column.Values;
                    command.Parameters.Add(parameter);
                }

                await ReadAsync(command, returned, cancellationToken);
                return returned;
            }

            command.CommandText = sqliteSql;
            var parameters = columns.Select(c =>
            {
                var parameter = command.CreateParameter();
                parameter.ParameterName = "@" + c.Name;
                command.Parameters.Add(parameter);
                return parameter;
            }).ToArray();
            await command.PrepareAsync(cancellationToken);
            for (var row = 0; row < count; row++)
            {
                for (var c = 0; c < columns.Count; c++)
                {
                    parameters[c].Value = SqliteValue(columns[c].Values.GetValue(row));
                }

                await ReadAsync(command, returned, cancellationToken);
            }

            return returned;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>
    /// Inserts one row per element of the columns into <paramref name="table"/> (columns named as in the table). PostgreSQL
    /// gets them by binary COPY inside the context's transaction: no statement to plan and no arrays to unnest, the
    /// cheapest way in for 100,000 rows; a column whose values are text stored as jsonb says so with
    /// <paramref name="jsonbColumns"/>. SQLite runs <paramref name="sqliteSql"/> once per row, as <see cref="ExecuteAsync"/> does.
    /// </summary>
    public static async Task InsertAsync(
        WorkflowsDbContext db, string table, string sqliteSql, IReadOnlyList<Column> columns, CancellationToken cancellationToken, params string[] jsonbColumns)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(columns);
        if (!db.Database.IsNpgsql())
        {
            await ExecuteAsync(db, postgresSql: string.Empty, sqliteSql, columns, cancellationToken);
            return;
        }

        var count = columns.Count == 0 ? 0 : columns[0].Values.Length;
        if (count == 0)
        {
            return;
        }

        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            var connection = (Npgsql.NpgsqlConnection)db.Database.GetDbConnection();
            var writers = columns.Select(c => CopyWriter(c.Values, jsonbColumns.Contains(c.Name, StringComparer.Ordinal))).ToArray();
            await using var importer = await connection.BeginBinaryImportAsync(
                $"COPY {table} ({string.Join(", ", columns.Select(c => c.Name))}) FROM STDIN (FORMAT BINARY)", cancellationToken);
            for (var row = 0; row < count; row++)
            {
                await importer.StartRowAsync(cancellationToken);
                foreach (var write in writers)
                {
                    await write(importer, row, cancellationToken);
                }
            }

            await importer.CompleteAsync(cancellationToken);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    // One typed writer per column, chosen once: writing each value through object (boxed, its type resolved again
    // per value) cost about a microsecond more per value, a second or more for a city's 100,000 rows of 8 columns.
    private static Func<Npgsql.NpgsqlBinaryImporter, int, CancellationToken, Task> CopyWriter(Array values, bool jsonb) => values switch
    {
        Guid[] ids => (importer, row, token) => importer.WriteAsync(ids[row], NpgsqlTypes.NpgsqlDbType.Uuid, token),
        DateTimeOffset[] instants => (importer, row, token) => importer.WriteAsync(instants[row].ToUniversalTime(), NpgsqlTypes.NpgsqlDbType.TimestampTz, token),
        int[] numbers => (importer, row, token) => importer.WriteAsync(numbers[row], NpgsqlTypes.NpgsqlDbType.Integer, token),
        long[] numbers => (importer, row, token) => importer.WriteAsync(numbers[row], NpgsqlTypes.NpgsqlDbType.Bigint, token),
        bool[] flags => (importer, row, token) => importer.WriteAsync(flags[row], NpgsqlTypes.NpgsqlDbType.Boolean, token),
        string?[] texts => (importer, row, token) => texts[row] is { } text
            ? importer.WriteAsync(text, jsonb ? NpgsqlTypes.NpgsqlDbType.Jsonb : NpgsqlTypes.NpgsqlDbType.Text, token)
            : importer.WriteNullAsync(token),
        _ => throw new ArgumentException($"No COPY type for {values.GetType().Name}.", nameof(values)),
    };

    /// <summary>An instant as SQLite's columns hold it (WorkflowsDbContext's UTC text), for raw SQL there.</summary>
    public static string SqliteInstant(DateTimeOffset value) => value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);

    private static object SqliteValue(object? value) => value switch
    {
        null => DBNull.Value,
        DateTimeOffset instant => SqliteInstant(instant),
        Guid id => id.ToString().ToUpperInvariant(),
        bool flag => flag ? 1 : 0,
        _ => value,
    };

    private static async Task ReadAsync(DbCommand command, List<object?[]> returned, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var values = new object?[reader.FieldCount];
            for (var i = 0; i < values.Length; i++)
            {
                values[i] = await reader.IsDBNullAsync(i, cancellationToken) ? null : reader.GetValue(i);
            }

            returned.Add(values);
        }
    }
}
