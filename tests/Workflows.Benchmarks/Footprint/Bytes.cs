using System.Globalization;
using Npgsql;
using static Workflows.Benchmarks.Common.Sql;

namespace Workflows.Benchmarks.Footprint;

/// <summary>
/// What each table of the database takes on disk (pg_total_relation_size: heap, indexes, TOAST, free space and
/// visibility maps) beside its rows' data alone (the sum of pg_column_size of every field of every row), and the
/// largest indexes.
/// </summary>
internal sealed record Bytes(IReadOnlyList<Bytes.TableSize> Tables, IReadOnlyList<(string Name, long Size)> Indexes)
{
    public sealed record TableSize(string Name, long Rows, long Total, long Heap, long Indexes, long Toast, long Raw);

    public static async Task<Bytes> ReadAsync(NpgsqlConnection db)
    {
        var tables = new List<TableSize>();
        var sizes = await RowsAsync(db, """
            SELECT c.relname, pg_total_relation_size(c.oid), pg_relation_size(c.oid), pg_indexes_size(c.oid),
                   coalesce(pg_total_relation_size(nullif(c.reltoastrelid, 0)), 0)
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = 'public' AND c.relkind = 'r' ORDER BY c.relname
            """);
        foreach (var row in sizes)
        {
            var name = row[0]!;
            var columns = (await RowsAsync(db, $"SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' AND table_name = '{name}'")).Select(r => r[0]!).ToList();
            var raw = await RowsAsync(db, $"SELECT count(*), coalesce(sum({string.Join(" + ", columns.Select(c => $"coalesce(pg_column_size(\"{c}\"), 0)"))}), 0) FROM \"{name}\"");
            tables.Add(new TableSize(name, Long(raw[0][0]), Long(row[1]), Long(row[2]), Long(row[3]), Long(row[4]), Long(raw[0][1])));
        }

        var indexes = (await RowsAsync(db, "SELECT indexrelname, pg_relation_size(indexrelid) FROM pg_stat_user_indexes ORDER BY 2 DESC"))
            .Select(r => (r[0]!, Long(r[1]))).ToList();
        return new Bytes(tables, indexes);
    }

    private static long Long(string? text) => long.Parse(text ?? "0", CultureInfo.InvariantCulture);
}
