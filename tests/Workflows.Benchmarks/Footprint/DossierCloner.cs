using System.Text;
using Npgsql;
using static Workflows.Benchmarks.Common.Sql;

namespace Workflows.Benchmarks.Footprint;

/// <summary>
/// Copies dossiers the Host made, with every row that belongs to them (instances and dossiers by id, the other tables
/// by instance_id), n times by SQL: every uuid becomes md5(uuid || '-' || g) (so references between the copied rows
/// still hold), every text column of a unique index gets '-' || g, identity columns take their default, and with
/// <c>shiftDays</c> every timestamp moves that many days back (an SQL expression of g); copied messages are delivered. The contents stay the
/// Host's own: realistic sizes for the byte and memory measurements.
/// </summary>
internal sealed class DossierCloner
{
    private readonly NpgsqlConnection db;
    private readonly List<Table> tables;

    private DossierCloner(NpgsqlConnection db, List<Table> tables)
    {
        this.db = db;
        this.tables = tables;
    }

    // Copies of messages are written delivered (a second after they were made, the steady state of the dispatcher)
    // rather than updated afterwards, which would leave a dead version of every outbox row in the heap.
    private static readonly Dictionary<string, string> Delivered = new(StringComparer.Ordinal)
    {
        ["outbox.delivered_at"] = "coalesce(t.delivered_at, t.created_at + interval '1 second')",
    };

    private sealed record Column(string Name, string Type, bool Identity, bool UniqueText);

    private sealed record Table(string Name, string Owner, List<Column> Columns);

    public static async Task<DossierCloner> CreateAsync(NpgsqlConnection db)
    {
        var names = (await RowsAsync(db, "SELECT table_name FROM information_schema.columns WHERE table_schema = 'public' AND column_name = 'instance_id' ORDER BY table_name"))
            .Select(r => r[0]!).Where(t => t != "journal_archive").Prepend("dossiers").Prepend("instances").Distinct().ToList();
        var tables = new List<Table>();
        foreach (var name in names)
        {
            var uniqueText = (await RowsAsync(db, $"""
                SELECT DISTINCT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)
                WHERE i.indrelid = 'public.{name}'::regclass AND i.indisunique AND a.atttypid IN ('text'::regtype, 'varchar'::regtype)
                """)).Select(r => r[0]!).ToHashSet(StringComparer.Ordinal);
            var columns = (await RowsAsync(db, $"""
                SELECT column_name, data_type, (is_identity = 'YES' OR coalesce(column_default, '') LIKE 'nextval%')::text
                FROM information_schema.columns WHERE table_schema = 'public' AND table_name = '{name}' ORDER BY ordinal_position
                """)).Select(r => new Column(r[0]!, r[1]!, r[2] == "true", uniqueText.Contains(r[0]!))).ToList();
            tables.Add(new Table(name, name is "dossiers" or "instances" ? "id" : "instance_id", columns));
        }

        return new DossierCloner(db, tables);
    }

    /// <summary>Inserts <paramref name="copies"/> copies of the dossiers with these codes and all their rows, a table per statement.</summary>
    public async Task CloneAsync(IReadOnlyCollection<string> codes, int copies, string? shiftDays)
    {
        var ids = string.Join(", ", codes.Select(c => $"'{c.Replace("'", "''", StringComparison.Ordinal)}'"));
        await ExecuteAsync(db, $"DROP TABLE IF EXISTS clone_source; CREATE TEMP TABLE clone_source AS SELECT id FROM dossiers WHERE code IN ({ids})");
        foreach (var table in tables)
        {
            var columns = table.Columns.Where(c => !c.Identity).ToList();
            var values = columns.Select(c =>
            {
                var value = Delivered.TryGetValue($"{table.Name}.{c.Name}", out var expression) ? expression : $"t.\"{c.Name}\"";
                return c switch
                {
                    { Type: "uuid" } => $"md5({value}::text || '-' || g)::uuid",
                    { UniqueText: true } => $"{value} || '-' || g",
                    { Type: "timestamp with time zone" or "timestamp without time zone" } when shiftDays is not null => $"{value} - ({shiftDays}) * interval '1 day'",
                    _ => value,
                };
            });
            var sql = new StringBuilder()
                .Append("INSERT INTO ").Append(table.Name).Append(" (").AppendJoin(", ", columns.Select(c => $"\"{c.Name}\"")).Append(") ")
                .Append("SELECT ").AppendJoin(", ", values)
                .Append(" FROM ").Append(table.Name).Append(" AS t CROSS JOIN generate_series(1, ").Append(copies).Append(") AS g")
                .Append(" WHERE t.\"").Append(table.Owner).Append("\" IN (SELECT id FROM clone_source)");
            await ExecuteAsync(db, sql.ToString());
        }
    }
}
