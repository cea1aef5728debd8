using System.Globalization;
using Npgsql;

namespace Workflows.Benchmarks.Common;

/// <summary>The few plain SQL calls the benchmark commands make on their own databases.</summary>
internal static class Sql
{
    public static async Task ExecuteAsync(string connectionString, string sql, int timeoutSeconds = 600)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await ExecuteAsync(connection, sql, timeoutSeconds);
    }

    public static async Task ExecuteAsync(NpgsqlConnection connection, string sql, int timeoutSeconds = 600)
    {
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = timeoutSeconds };
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>
    /// The end of a command's run: its database dropped and its working folder deleted, or both kept (and said where)
    /// when the command was asked to <c>--keep</c> them.
    /// </summary>
    public static async Task EndRunAsync(string server, string database, string work, bool keep, Action<string> log)
    {
        NpgsqlConnection.ClearAllPools();
        if (!keep)
        {
            await ExecuteAsync(server, $"DROP DATABASE IF EXISTS {database} WITH (FORCE)");
            Directory.Delete(work, recursive: true);
        }
        else
        {
            log($"kept database {database} and folder {work}");
        }
    }

    public static async Task<long> ScalarAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 600 };
        return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }

    public static async Task<string> StringAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return (string?)await command.ExecuteScalarAsync() ?? throw new InvalidOperationException($"No result: {sql}");
    }

    public static async Task<Guid> GuidAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return (Guid?)await command.ExecuteScalarAsync() ?? throw new InvalidOperationException($"No row: {sql}");
    }

    /// <summary>The column values of every row <paramref name="sql"/> returns, as text (null as null).</summary>
    public static async Task<List<string?[]>> RowsAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 600 };
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<string?[]>();
        while (await reader.ReadAsync())
        {
            rows.Add([.. Enumerable.Range(0, reader.FieldCount).Select(i => reader.IsDBNull(i) ? null : Convert.ToString(reader.GetValue(i), CultureInfo.InvariantCulture))]);
        }

        return rows;
    }
}
