using System.Text;
using Npgsql;

namespace Workflows.Benchmarks.Durable;

/// <summary>A row as SQL literals (quote_nullable of each column's text), column order as in the table.</summary>
internal sealed class RowLiterals(string table, IReadOnlyList<string> columns, IReadOnlyList<string> literals)
{
    public string Table { get; } = table;

    public IReadOnlyList<string> Columns { get; } = columns;

    public string this[string column] => literals[IndexOf(column)];

    /// <summary>Total characters of the literal values: what the row costs to send.</summary>
    public int Size => literals.Sum(l => l.Length);

    /// <summary>INSERT INTO table (every column) VALUES (literals, with <paramref name="overrides"/> as SQL expressions).</summary>
    public string Insert(IReadOnlyDictionary<string, string> overrides) =>
        $"INSERT INTO {Table} ({string.Join(", ", Columns.Select(Quote))}) VALUES ({string.Join(", ", Values(overrides))})";

    /// <summary>INSERT INTO table (every column) SELECT expressions FROM <paramref name="from"/>: many rows in one statement.</summary>
    public string InsertSelect(IReadOnlyDictionary<string, string> overrides, string from) =>
        $"INSERT INTO {Table} ({string.Join(", ", Columns.Select(Quote))}) SELECT {string.Join(", ", Values(overrides))} FROM {from}";

    /// <summary>UPDATE table SET each of <paramref name="set"/> = its literal (or override) WHERE <paramref name="where"/>.</summary>
    public string Update(IEnumerable<string> set, IReadOnlyDictionary<string, string> overrides, string where)
    {
        var assignments = set.Select(c => $"{Quote(c)} = {(overrides.TryGetValue(c, out var o) ? o : this[c])}");
        return $"UPDATE {Table} SET {string.Join(", ", assignments)} WHERE {where}";
    }

    public static async Task<IReadOnlyList<RowLiterals>> ReadAsync(NpgsqlConnection connection, string table, string where, string? orderBy = null)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var columns = new List<string>();
        await using (var command = new NpgsqlCommand(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' AND table_name = @t ORDER BY ordinal_position", connection))
        {
            command.Parameters.AddWithValue("t", table);
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                columns.Add(reader.GetString(0));
            }
        }

        var select = new StringBuilder("SELECT ");
        select.AppendJoin(", ", columns.Select(c => $"quote_nullable({Quote(c)}::text)"));
        select.Append(" FROM ").Append(table).Append(" WHERE ").Append(where);
        if (orderBy is not null)
        {
            select.Append(" ORDER BY ").Append(orderBy);
        }

        var rows = new List<RowLiterals>();
        await using (var command = new NpgsqlCommand(select.ToString(), connection))
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                rows.Add(new RowLiterals(table, columns, [.. Enumerable.Range(0, columns.Count).Select(reader.GetString)]));
            }
        }

        return rows;
    }

    private IEnumerable<string> Values(IReadOnlyDictionary<string, string> overrides) =>
        Columns.Select((c, i) => overrides.TryGetValue(c, out var o) ? o : literals[i]);

    private int IndexOf(string column)
    {
        for (var i = 0; i < Columns.Count; i++)
        {
            if (Columns[i] == column)
            {
                return i;
            }
        }

        throw new ArgumentException($"{Table} has no column {column}.", nameof(column));
    }

    private static string Quote(string column) => "\"" + column + "\"";
}
