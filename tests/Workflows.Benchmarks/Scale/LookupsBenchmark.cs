using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Npgsql;
using static Workflows.Benchmarks.Scale.ScaleDatabase;

namespace Workflows.Benchmarks.Scale;

/// <summary>
/// <c>scale-lookups [--dossiers 500000] [--runs 7] [--warmup 3]</c> (S4): the lookups an officer makes all day, at a
/// city's size, through the Host's HTTP API beside the raw SQL the index answers: the overdue list and the queue of a
/// department (<c>/api/tasks</c>), a dossier by exact code and by a fragment of the applicant's name
/// (<c>/api/dossiers</c>). Raw SQL is timed twice: the server's own execution time (<c>EXPLAIN ANALYZE</c>) and the
/// same query over Npgsql (a round trip, rows read). Host and Npgsql: median and p95 of the runs after warm-up.
/// </summary>
internal static partial class LookupsBenchmark
{
    private const string LandOfficerKey = "dev-officer-land-key";

    public static async Task<int> RunAsync(string[] args)
    {
        var dossiers = Options.Int(args, "--dossiers", 500_000);
        var runs = Options.Int(args, "--runs", 7);
        var warmup = Options.Int(args, "--warmup", 3);
        await using var database = await CreateAsync(args, "lookups");
        if (database is null)
        {
            return 2;
        }

        await using var db = await database.OpenAsync();
        var watch = Stopwatch.StartNew();
        const int Chunk = 100_000;
        for (var first = 1; first <= dossiers; first += Chunk)
        {
            await ExecuteAsync(db, GenerateSql(first, Math.Min(dossiers, first + Chunk - 1), dossiers));
            Log($"{Math.Min(dossiers, first + Chunk - 1):N0} dossiers written");
        }

        await ExecuteAsync(db, "VACUUM ANALYZE");
        var open = await ScalarAsync<long>(db, "SELECT count(*) FROM tasks WHERE state = 'open'");
        var tasks = await ScalarAsync<long>(db, "SELECT count(*) FROM tasks");
        Log($"{dossiers:N0} dossiers, {tasks:N0} tasks ({open:N0} open) written in {watch.Elapsed.TotalSeconds:F0} s");

        var now = DateTimeOffset.UtcNow.ToOffset(TimeSpan.FromHours(7));
        var lookups = Lookups(dossiers, now);
        var results = new List<string>();
        using (var host = await database.StartHostAsync(background: false))
        using (var officer = SeedDossier.Client(host, LandOfficerKey))
        using (var admin = SeedDossier.Client(host, AdministratorKey))
        {
            foreach (var lookup in lookups)
            {
                var client = lookup.Path.StartsWith("api/tasks", StringComparison.Ordinal) ? officer : admin;
                var load = Options.LoadAverage();
                var explain = await ExplainAsync(db, lookup.Sql);
                var raw = await TimeAsync(warmup, runs, () => ReadAllAsync(db, lookup.Sql));
                var count = lookup.CountSql is null ? null : await TimeAsync(warmup, runs, () => ReadAllAsync(db, lookup.CountSql));
                var answer = string.Empty;
                var http = await TimeAsync(warmup, runs, async () =>
                {
                    using var response = await client.GetAsync(new Uri(lookup.Path, UriKind.Relative));
                    answer = await response.Content.ReadAsStringAsync();
                    if (!response.IsSuccessStatusCode)
                    {
                        throw new InvalidOperationException($"{lookup.Path}: {(int)response.StatusCode} {answer}");
                    }
                });
                var total = TotalPattern().Match(answer) is { Success: true } m ? m.Groups[1].Value : "?";
                Log($"{lookup.Name}: explain {explain:F2} ms, Npgsql {Options.Median(raw):F2} ms, Host {Options.Median(http):F1} ms (total {total}, load {load})");
                results.Add(string.Create(CultureInfo.InvariantCulture,
                    $"| {lookup.Name} | {total} | {explain:F2} ms | {Options.Median(raw):F2} / {Options.Percentile(raw, 0.95):F2} ms | {(count is null ? "-" : $"{Options.Median(count):F2} ms")} | {Options.Median(http):F2} / {Options.Percentile(http, 0.95):F2} ms | {Options.Median(http) / Options.Median(raw):F1} | {load} |"));
            }
        }

        var size = await ScalarAsync<long>(db, "SELECT pg_database_size(current_database())");
        Console.WriteLine($"# Lookups, {dossiers:N0} dossiers ({tasks:N0} tasks, {open:N0} open; {size / 1_048_576:N0} MB) on PostgreSQL; median / p95 of {runs} runs after {warmup} of warm-up");
        Console.WriteLine();
        Console.WriteLine("| lookup | matches | raw: EXPLAIN ANALYZE execution | raw over Npgsql | raw count (the Host also counts) | Host over HTTP | Host / raw Npgsql | load average |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---|");
        results.ForEach(Console.WriteLine);
        return 0;
    }

    /// <summary>A Host request and the raw query of its page (and of its count, when the Host counts every match).</summary>
    private sealed record Lookup(string Name, string Path, string Sql, string? CountSql);

    private static List<Lookup> Lookups(int dossiers, DateTimeOffset now)
    {
        var at = now.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);
        var instant = $"'{at}'::timestamptz";
        const string Select = """
            SELECT t.*, d.code, i.definition_code, i.definition_version, p.name
            FROM tasks t JOIN instances i ON i.id = t.instance_id LEFT JOIN dossiers d ON d.id = t.instance_id
            LEFT JOIN procedure_versions p ON p.code = i.definition_code AND p.version = i.definition_version
            """;
        var code = "BENCH-" + (dossiers - 77).ToString("000000000", CultureInfo.InvariantCulture);
        var fragment = "văn " + (dossiers / 2 + 4242).ToString(CultureInfo.InvariantCulture)[..4];
        return
        [
            new("overdue list (land-registry, due before now, 20 most overdue)", $"api/tasks?department=land-registry&dueBefore={Uri.EscapeDataString(at)}",
                $"{Select} WHERE t.department = 'land-registry' AND t.state = 'open' AND t.due_at < {instant} ORDER BY t.due_at, t.id LIMIT 20",
                $"SELECT count(*) FROM tasks t WHERE t.department = 'land-registry' AND t.state = 'open' AND t.due_at < {instant}"),
            new("department queue (land-registry, open, most urgent 20)", "api/tasks?department=land-registry",
                $"{Select} WHERE t.department = 'land-registry' AND t.state = 'open' ORDER BY t.due_at, t.id LIMIT 20",
                "SELECT count(*) FROM tasks t WHERE t.department = 'land-registry' AND t.state = 'open'"),
            new($"dossier by exact code ({code})", $"api/dossiers?code={code}",
                $"SELECT * FROM dossiers WHERE code = '{code}'", null),
            new($"dossier by applicant fragment ('{fragment}')", "api/dossiers?applicant=" + Uri.EscapeDataString(fragment),
                $"SELECT * FROM dossiers WHERE lower(applicant_name) LIKE '%{fragment}%' ORDER BY received_at DESC, code LIMIT 20", null),
        ];
    }

    /// <summary>
    /// Dossiers <paramref name="from"/>..<paramref name="to"/> of <paramref name="count"/> received evenly over the past
    /// year on real procedures of the catalogue; the newest 10 % still open, their current task open with a due time
    /// 1-20 days after it opened (so about half of them overdue); four tasks each across six departments.
    /// </summary>
    private static string GenerateSql(int from, int to, int count) => $$"""
        CREATE TEMP TABLE gen AS
        SELECT g, md5('bench' || g)::uuid AS id,
               now() - interval '365 days' + (g::float8 / {{count}}) * interval '364 days' AS received,
               g <= {{count}} * 0.9 AS finished,
               (ARRAY['1.009994', '1.004194', '1.012758', '1.004873', '1.013131'])[1 + g % 5] AS procedure
        FROM generate_series({{from}}, {{to}}) g;

        INSERT INTO instances (id, definition_code, definition_version, status, data, tokens, journal_sequence, created_at, updated_at, version)
        SELECT id, procedure, 1, CASE WHEN finished THEN 'completed' ELSE 'running' END, '{}', '[]', 0, received, received, 1 FROM gen;

        INSERT INTO dossiers (id, code, intake_client, external_code, payload_hash, procedure_code, procedure_version, procedure_name,
            applicant_name, applicant_id_number, channel, reception_point, received_at, counting_from, original_due_at, due_at, status, completed_at,
            result, documents, created_at, updated_at, row_version)
        SELECT id, 'BENCH-' || lpad(g::text, 9, '0'), 'bench', 'EXT-' || g, repeat('0', 64), procedure, 1, 'Thủ tục ' || procedure,
            (ARRAY['Nguyễn Văn ', 'Trần Thị ', 'Lê Văn ', 'Phạm Thị ', 'Hoàng Văn '])[1 + g % 5] || g, lpad((g::bigint * 7919 % 1000000000000)::text, 12, '0'),
            (ARRAY['online', 'inPerson', 'postal'])[1 + g % 3], 'ttpvhcc-tinh',
            received, received, received + 15 * interval '1 day', received + 15 * interval '1 day',
            CASE WHEN finished THEN 10 ELSE 4 END, CASE WHEN finished THEN received + ((g % 20) + 1) * interval '1 day' END,
            CASE WHEN finished THEN 'issued' END, '[]'::jsonb, received, received, 1
        FROM gen;

        INSERT INTO tasks (id, instance_id, node_id, step_name, department, state, opened_at, due_at, closed_at, outcome, row_version)
        SELECT md5('task' || g || '-' || k)::uuid, id, 'step' || k, 'Bước ' || k,
            (ARRAY['one-stop-desk', 'construction', 'land-registry', 'commune', 'leadership', 'tax-office'])[1 + (g + k) % 6],
            CASE WHEN NOT finished AND k = 3 THEN 'open' ELSE 'completed' END,
            received + k * interval '1 day', received + k * interval '1 day' + ((g % 20) + 1) * interval '1 day',
            CASE WHEN NOT finished AND k = 3 THEN NULL ELSE received + k * interval '1 day' + ((g + k) % 4) * interval '20 hours' END,
            CASE WHEN NOT finished AND k = 3 THEN NULL ELSE 'approved' END, 1
        FROM gen, generate_series(0, 3) k;

        DROP TABLE gen;
        """;

    private static async Task<double> ExplainAsync(NpgsqlConnection db, string sql)
    {
        await ReadAllAsync(db, sql);
        await using var command = new NpgsqlCommand("EXPLAIN (ANALYZE, BUFFERS) " + sql, db);
        await using var reader = await command.ExecuteReaderAsync();
        var time = double.NaN;
        while (await reader.ReadAsync())
        {
            if (ExecutionTime().Match(reader.GetString(0)) is { Success: true } match)
            {
                time = double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
            }
        }

        return time;
    }

    private static async Task ReadAllAsync(NpgsqlConnection db, string sql)
    {
        await using var command = new NpgsqlCommand(sql, db);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            for (var i = 0; i < reader.FieldCount; i++)
            {
                _ = reader.GetValue(i);
            }
        }
    }

    private static async Task<List<double>> TimeAsync(int warmup, int runs, Func<Task> action)
    {
        var times = new List<double>();
        for (var run = 0; run < warmup + runs; run++)
        {
            var watch = Stopwatch.StartNew();
            await action();
            if (run >= warmup)
            {
                times.Add(watch.Ms());
            }
        }

        return times;
    }

    [GeneratedRegex(@"Execution Time: ([0-9.]+) ms")]
    private static partial Regex ExecutionTime();

    [GeneratedRegex("\"total\":([0-9]+)")]
    private static partial Regex TotalPattern();
}
