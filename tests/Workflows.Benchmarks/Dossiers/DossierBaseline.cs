using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Npgsql;
using Workflows.Benchmarks.Durable;
using static Workflows.Benchmarks.Common.Sql;

namespace Workflows.Benchmarks.Dossiers;

/// <summary>
/// The raw PostgreSQL baseline of one whole dossier: a pgbench script that writes, request by request, exactly the
/// rows the Host wrote for a sample dossier of this run (every table holding the instance's rows, snapshotted after
/// each request and diffed: inserted, updated and deleted rows, same values and sizes, new ids), in the Host's
/// transaction shapes: the intake in one implicit transaction with the day's sequence upsert last (as S1), each
/// read as the two indexed SELECTs it needs (the dossier by code, its open task), each completion as one batch of
/// its writes ending with the task's close UPDATE (the Host checks the claim in that UPDATE, no claim of its own),
/// the result returned in one transaction. The reads a completion makes before writing are not in the baseline. Client c's k-th dossier uses ids bench_id(kind, c, k).
/// </summary>
internal sealed partial class DossierBaseline
{
    private readonly NpgsqlConnection db;
    private readonly List<string> tables;
    private readonly Dictionary<string, string[]> keys;
    private readonly List<(string Kind, List<Change> Changes)> stages = [];
    private Dictionary<string, Dictionary<string, RowLiterals>> last = [];
    private Guid instance;
    private string code = string.Empty;

    private DossierBaseline(NpgsqlConnection db, List<string> tables, Dictionary<string, string[]> keys)
    {
        this.db = db;
        this.tables = tables;
        this.keys = keys;
    }

    private sealed record Change(string Table, RowLiterals? Before, RowLiterals? After);

    /// <summary>The tables holding a dossier's rows (dossiers and instances by id, the others by instance_id) and their primary keys.</summary>
    public static async Task<DossierBaseline> CreateAsync(NpgsqlConnection db)
    {
        var tables = (await RowsAsync(db, "SELECT table_name FROM information_schema.columns WHERE table_schema = 'public' AND column_name = 'instance_id' ORDER BY table_name"))
            .Select(r => r[0]!).Prepend("dossiers").Prepend("instances").Distinct().ToList();
        var keys = new Dictionary<string, string[]>(StringComparer.Ordinal);
        foreach (var table in tables)
        {
            keys[table] = [.. (await RowsAsync(db, $"""
                SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)
                WHERE i.indrelid = 'public.{table}'::regclass AND i.indisprimary ORDER BY array_position(i.indkey::int2[], a.attnum)
                """)).Select(r => r[0]!)];
        }

        return new DossierBaseline(db, tables, keys);
    }

    /// <summary>Called after each request of the sample dossier: records what that request wrote.</summary>
    public async Task AfterAsync(string kind, string dossierCode)
    {
        if (instance == Guid.Empty)
        {
            code = dossierCode;
            instance = await GuidAsync(db, $"SELECT id FROM dossiers WHERE code = '{dossierCode}'");
        }

        var now = new Dictionary<string, Dictionary<string, RowLiterals>>(StringComparer.Ordinal);
        foreach (var table in tables)
        {
            var where = table is "dossiers" or "instances" ? $"id = '{instance}'" : $"instance_id = '{instance}'";
            now[table] = (await RowLiterals.ReadAsync(db, table, where)).ToDictionary(r => Key(table, r), StringComparer.Ordinal);
        }

        var changes = new List<Change>();
        foreach (var table in tables)
        {
            var before = last.GetValueOrDefault(table) ?? [];
            foreach (var (key, row) in now[table])
            {
                if (!before.TryGetValue(key, out var old))
                {
                    changes.Add(new Change(table, null, row));
                }
                else if (row.Columns.Any(c => row[c] != old[c]))
                {
                    changes.Add(new Change(table, old, row));
                }
            }

            changes.AddRange(before.Where(b => !now[table].ContainsKey(b.Key)).Select(b => new Change(table, b.Value, null)));
        }

        last = now;
        stages.Add((kind, changes));
    }

    /// <summary>Rows written per request kind of the sample (for the report).</summary>
    public IEnumerable<string> Describe() => stages.Select(s =>
        $"{s.Kind}: {(s.Changes.Count == 0 ? "no writes" : string.Join(", ", s.Changes.GroupBy(c => (c.Table, Verb(c))).Select(g => $"{g.Count()} {g.Key.Item2} {g.Key.Table}")))}");

    public int Writes => stages.Sum(s => s.Changes.Count);

    /// <summary>Writes the pgbench script of run <paramref name="run"/> (its own id kinds and codes).</summary>
    public async Task<string> ScriptAsync(string work, int run)
    {
        await DurableHarness.CreateBenchIdFunctionAsync(db);
        var day = await StringAsync(db, "SELECT quote_literal(\"day\"::text) FROM dossier_sequences ORDER BY \"last\" DESC LIMIT 1");

        // Every id of the sample's rows (the primary keys that are uuids) becomes bench_id(kind, client, k); the
        // dossier's code and external code become per-client, per-dossier texts; the rest keeps the sample's values.
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var change in stages.SelectMany(s => s.Changes))
        {
            var row = change.After ?? change.Before!;
            foreach (var column in keys[change.Table].Append("instance_id").Where(row.Columns.Contains))
            {
                var literal = row[column];
                if (UuidLiteral().IsMatch(literal) && !map.ContainsKey(literal))
                {
                    map[literal] = string.Create(CultureInfo.InvariantCulture, $"bench_id({4000 + (run * 100) + map.Count}, :client_id, :k)");
                }
            }
        }

        var dossier = stages.SelectMany(s => s.Changes).First(c => c.Table == "dossiers" && c.After is not null).After!;
        map[dossier["code"]] = $"'S0-{run}-' || :client_id || '-' || :k";
        map[dossier["external_code"]] = $"'S0X-{run}-' || :client_id || '-' || :k";
        string Mapped(string literal) => map.TryGetValue(literal, out var expression) ? expression : literal;
        Dictionary<string, string> Overrides(RowLiterals row) => row.Columns.Where(c => map.ContainsKey(row[c])).ToDictionary(c => c, c => map[row[c]], StringComparer.Ordinal);
        string Where(string table, RowLiterals row) => string.Join(" AND ", keys[table].Select(k => $"\"{k}\" = {Mapped(row[k])}"));
        string Statement(Change c) => c.After is null
            ? $"DELETE FROM {c.Table} WHERE {Where(c.Table, c.Before!)}"
            : c.Before is null
                ? c.After.Insert(Overrides(c.After))
                : c.After.Update(c.After.Columns.Where(col => c.After[col] != c.Before[col]), Overrides(c.After), Where(c.Table, c.Before));

        var iid = Mapped($"'{instance}'");
        var script = new StringBuilder();
        script.AppendLine(CultureInfo.InvariantCulture, $"-- One whole dossier of {WalkthroughDossier.Procedure} (the walkthrough): the writes the Host made for dossier {code}, request by request, with new ids.");
        script.AppendLine(@"\set k :k + 1");
        foreach (var (kind, changes) in stages)
        {
            script.AppendLine(CultureInfo.InvariantCulture, $"-- {kind}");
            switch (kind)
            {
                case WalkthroughDossier.Intake:
                    var statements = changes.Select(Statement).Append($"""INSERT INTO dossier_sequences (agency, "day", "last") VALUES ('BENCHS0', {day}, 1) ON CONFLICT (agency, "day") DO UPDATE SET "last" = dossier_sequences."last" + 1""");
                    script.Append(string.Join(" \\;\n", statements)).AppendLine(";");
                    break;
                case WalkthroughDossier.Read:
                    script.AppendLine(CultureInfo.InvariantCulture, $"SELECT * FROM dossiers WHERE code = {map[dossier["code"]]};");
                    script.AppendLine(CultureInfo.InvariantCulture, $"SELECT * FROM tasks WHERE instance_id = {iid} AND state = 'open';");
                    if (changes.Count > 0)
                    {
                        script.Append(string.Join(" \\;\n", changes.Select(Statement))).AppendLine(";");
                    }

                    break;
                case WalkthroughDossier.Complete:
                    // As the Host's completion commits: one batch, the task's close UPDATE (its claim check) among the writes.
                    var closed = changes.Single(c => c.Table == "tasks" && c.Before is not null && c.After is not null && c.Before["state"] != c.After["state"]);
                    script.Append(string.Join(" \\;\n", changes.Where(c => c != closed).Append(closed).Select(Statement))).AppendLine(";");
                    break;
                default:
                    script.Append("BEGIN \\; ").Append(string.Join(" \\;\n", changes.Select(Statement))).AppendLine(";");
                    script.AppendLine("COMMIT;");
                    break;
            }
        }

        var path = Path.Combine(work, $"dossier-{run}.sql");
        await File.WriteAllTextAsync(path, script.ToString());
        return path;
    }

    private static string Verb(Change c) => c.After is null ? "deleted" : c.Before is null ? "inserted" : "updated";

    private string Key(string table, RowLiterals row) => string.Join('|', keys[table].Select(k => row[k]));

    [GeneratedRegex("^'[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}'$")]
    private static partial Regex UuidLiteral();
}
