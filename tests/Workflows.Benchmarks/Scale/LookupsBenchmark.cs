using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Npgsql;
using Workflows.Benchmarks.Common;
using static Workflows.Benchmarks.Scale.ScaleDatabase;

namespace Workflows.Benchmarks.Scale;

/// <summary>
/// <c>scale-lookups [--dossiers 500000] [--runs 7] [--warmup 3] [--database name]</c> (S4): the lookups an officer makes
/// all day, at a city's size, through the Host's HTTP API beside the raw SQL the index answers: the overdue list and
/// the queue of a department (<c>/api/tasks</c>), a dossier by exact code and by a fragment of the applicant's name
/// (<c>/api/dossiers</c>). Raw SQL is timed twice: the server's own execution time (<c>EXPLAIN ANALYZE</c>) and the
/// same query over Npgsql (a round trip, rows read). Host and Npgsql: median and p95 of the runs after warm-up.
/// With --database, an existing database is timed as it is (a year written by <c>reports --keep</c>): nothing is
/// generated or dropped, a database the Host would migrate is refused, the lookups take a real code, applicant and
/// department from it, and the rows written during the run are counted (pg_stat_user_tables) to show there were none.
/// </summary>
internal static partial class LookupsBenchmark
{
    /// <summary>Development officers (Access/PrincipalSeeder) and the departments each works for.</summary>
    private static readonly (string Key, string[] Departments)[] Officers =
    [
        ("dev-officer-land-key", ["land-registry", "land-management", "agriculture-environment"]),
        ("dev-officer-desk-key", ["one-stop-desk"]),
        ("dev-officer-urban-key", ["urban-management", "construction"]),
        ("dev-officer-leader-key", ["leadership"]),
        ("dev-officer-commune-key", ["commune", "justice"]),
        ("dev-officer-tax-key", ["tax-office", "finance"]),
    ];

    public static async Task<int> RunAsync(string[] args)
    {
        var dossiers = Options.Int(args, "--dossiers", 500_000);
        var runs = Options.Int(args, "--runs", 7);
        var warmup = Options.Int(args, "--warmup", 3);
        var existing = Options.String(args, "--database");
        await using var database = existing is null ? await CreateAsync(args, "lookups") : Existing(args, existing);
        if (database is null)
        {
            return 2;
        }

        await using var db = await database.OpenAsync();
        Picks picks;
        long tasks;
        long open;
        long written = 0;
        if (existing is null)
        {
            var watch = Stopwatch.StartNew();
            const int Chunk = 100_000;
            for (var first = 1; first <= dossiers; first += Chunk)
            {
                await ExecuteAsync(db, GenerateSql(first, Math.Min(dossiers, first + Chunk - 1), dossiers));
                Log($"{Math.Min(dossiers, first + Chunk - 1):N0} dossiers written");
            }

            await ExecuteAsync(db, "VACUUM ANALYZE");
            open = await ScalarAsync<long>(db, "SELECT count(*) FROM tasks WHERE state = 'open'");
            tasks = await ScalarAsync<long>(db, "SELECT count(*) FROM tasks");
            Log($"{dossiers:N0} dossiers, {tasks:N0} tasks ({open:N0} open) written in {watch.Elapsed.TotalSeconds:F0} s");
            picks = new("land-registry", "dev-officer-land-key", "BENCH-" + (dossiers - 77).ToString("000000000", CultureInfo.InvariantCulture),
                "văn " + (dossiers / 2 + 4242).ToString(CultureInfo.InvariantCulture)[..4]);
        }
        else
        {
            if (await PendingMigrationsAsync(db) is { Count: > 0 } pending)
            {
                await Console.Error.WriteLineAsync($"{existing}: the Host would apply {string.Join(", ", pending)}; time only a database at the Host's schema (nothing is written here).");
                return 2;
            }

            // Counts from the statistics: an exact count of a year's tasks is a scan of its own.
            dossiers = (int)await ScalarAsync<long>(db, "SELECT reltuples::bigint FROM pg_class WHERE relname = 'dossiers'");
            tasks = await ScalarAsync<long>(db, "SELECT reltuples::bigint FROM pg_class WHERE relname = 'tasks'");
            (picks, open) = await PickAsync(db);
            written = await RowsWrittenAsync(db);
            Log($"{existing}: about {dossiers:N0} dossiers, {tasks:N0} tasks ({open:N0} open); department {picks.Department}, code {picks.Code}, applicant '{picks.Applicant}'");
        }

        var now = DateTimeOffset.UtcNow.ToOffset(TimeSpan.FromHours(7));
        var results = new List<string>();
        using (var host = await database.StartHostAsync(background: false))
        using (var officer = SeedDossier.Client(host, picks.OfficerKey))
        using (var admin = SeedDossier.Client(host, AdministratorKey))
        {
            var lookups = Lookups(picks, now, await SecondPageAsync(db, officer, picks.Department));
            foreach (var lookup in lookups)
            {
                var client = lookup.Path.StartsWith("api/tasks", StringComparison.Ordinal) || lookup.Path == "api/me" ? officer : admin;
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
                var total = TotalPattern().Match(answer) is { Success: true } m ? m.Groups[1].Value : "-";
                Log($"{lookup.Name}: explain {explain:F2} ms, Npgsql {Options.Median(raw):F2} ms, Host {Options.Median(http):F1} ms (total {total}, load {load})");
                results.Add(string.Create(CultureInfo.InvariantCulture,
                    $"| {lookup.Name} | {total} | {explain:F2} ms | {Options.Median(raw):F2} / {Options.Percentile(raw, 0.95):F2} ms | {(count is null ? "-" : $"{Options.Median(count):F2} ms")} | {Options.Median(http):F2} / {Options.Percentile(http, 0.95):F2} ms | {Options.Median(http) / Options.Median(raw):F1} | {Options.Median(http) / (Options.Median(raw) + (count is null ? 0 : Options.Median(count))):F1} | {load} |"));
            }
        }

        var size = await ScalarAsync<long>(db, "SELECT pg_database_size(current_database())");
        var described = existing is null ? $"{dossiers:N0} dossiers" : $"{existing}, about {dossiers:N0} dossiers";
        Console.WriteLine($"# Lookups, {described} ({tasks:N0} tasks, {open:N0} open; {size / 1_048_576:N0} MB) on PostgreSQL; median / p95 of {runs} runs after {warmup} of warm-up");
        Console.WriteLine();
        // A list's page comes with its total, so beside the page alone the raw baseline is also the page and its count.
        Console.WriteLine("| lookup | matches | raw: EXPLAIN ANALYZE execution | raw over Npgsql | raw count (the Host also counts) | Host over HTTP | Host / raw page | Host / raw (page + count) | load average |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---|");
        results.ForEach(Console.WriteLine);
        if (existing is not null)
        {
            // The Host's connections have closed, so their statistics are flushed: what they inserted, updated or deleted.
            written = await RowsWrittenAsync(db) - written;
            Console.WriteLine();
            Console.WriteLine($"Rows inserted, updated or deleted in {existing} during the run (pg_stat_user_tables): {written:N0}");
        }

        return 0;
    }

    /// <summary>What the lookups ask for: a department and an officer who works for it, a whole code, an applicant fragment.</summary>
    private sealed record Picks(string Department, string OfficerKey, string Code, string Applicant);

    /// <summary>
    /// Real values of an existing database: the department with the most open tasks that a development officer works
    /// for, the code of a dossier received a while ago (not the newest, whose index pages are always warm), and a
    /// fragment of another dossier's applicant as a desk officer types it: the last two words, the last cut to four
    /// characters, lower case ("văn 4242" of "Nguyễn Văn 4242317").
    /// </summary>
    private static async Task<(Picks Picks, long Open)> PickAsync(NpgsqlConnection db)
    {
        var open = new Dictionary<string, long>(StringComparer.Ordinal);
        await using (var command = new NpgsqlCommand("SELECT department, count(*) FROM tasks WHERE state = 'open' GROUP BY department", db) { CommandTimeout = 3600 })
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                open[reader.GetString(0)] = reader.GetInt64(1);
            }
        }

        var (department, key) = open.OrderByDescending(d => d.Value).ThenBy(d => d.Key, StringComparer.Ordinal)
            .SelectMany(d => Officers.Where(o => o.Departments.Contains(d.Key)).Select(o => (d.Key, o.Key)))
            .FirstOrDefault();
        if (department is null)
        {
            throw new InvalidOperationException($"No development officer works for a department with open tasks ({string.Join(", ", open.Keys)}).");
        }

        const string Received = "SELECT {0} FROM dossiers WHERE code NOT LIKE '~%' ORDER BY received_at DESC OFFSET {1} LIMIT 1";
        var code = await ScalarAsync<string>(db, string.Format(CultureInfo.InvariantCulture, Received, "code", 100_077));
        var name = await ScalarAsync<string>(db, string.Format(CultureInfo.InvariantCulture, Received, "applicant_name", 54_242));
        var words = name.ToLowerInvariant().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var applicant = words.Length < 2 ? words[0] : $"{words[^2]} {words[^1][..Math.Min(4, words[^1].Length)]}";
        return (new(department, key, code, applicant), open.Values.Sum());
    }

    /// <summary>The Host's migrations (its source folder) that the database has not applied.</summary>
    private static async Task<List<string>> PendingMigrationsAsync(NpgsqlConnection db)
    {
        var applied = new HashSet<string>(StringComparer.Ordinal);
        await using (var command = new NpgsqlCommand("SELECT \"MigrationId\" FROM \"__EFMigrationsHistory\"", db))
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                applied.Add(reader.GetString(0));
            }
        }

        var folder = Path.Combine(ServiceProcess.SolutionFolder, "Workflows.Host", "Persistence", "Migrations", "Postgres");
        return [.. Directory.GetFiles(folder, "2*.cs")
            .Where(f => !f.EndsWith(".Designer.cs", StringComparison.Ordinal))
            .Select(Path.GetFileNameWithoutExtension)
            .OfType<string>()
            .Where(id => !applied.Contains(id))
            .Order(StringComparer.Ordinal)];
    }

    private static Task<long> RowsWrittenAsync(NpgsqlConnection db) =>
        ScalarAsync<long>(db, "SELECT coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), 0)::bigint FROM pg_stat_user_tables");

    /// <summary>A Host request and the raw query of its page (and of its count, when the Host counts every match).</summary>
    private sealed record Lookup(string Name, string Path, string Sql, string? CountSql);

    /// <summary>
    /// The department queue's second page as an officer reaches it: the 'next' cursor of the first page (read through
    /// the Host), and the sort key and id of the first page's last task, where the raw keyset query starts.
    /// </summary>
    private sealed record SecondPage(string Cursor, DateTimeOffset DueAt, Guid Id);

    private static async Task<SecondPage> SecondPageAsync(NpgsqlConnection db, HttpClient officer, string department)
    {
        var first = await officer.GetStringAsync(new Uri($"api/tasks?department={department}", UriKind.Relative));
        var cursor = NextPattern().Match(first) is { Success: true } m ? m.Groups[1].Value
            : throw new InvalidOperationException($"The first page of {department}'s queue has no 'next' cursor: {first[..Math.Min(200, first.Length)]}");
        await using var command = new NpgsqlCommand(
            "SELECT due_at, id FROM tasks WHERE department = @department AND state = 'open' ORDER BY due_at, id OFFSET 19 LIMIT 1", db);
        command.Parameters.AddWithValue("department", department);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return new(cursor, reader.GetFieldValue<DateTimeOffset>(0), reader.GetGuid(1));
    }

    private static List<Lookup> Lookups(Picks picks, DateTimeOffset now, SecondPage second)
    {
        var at = now.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);
        var instant = $"'{at}'::timestamptz";
        const string Select = """
            SELECT t.*, d.code, i.definition_code, i.definition_version, p.name
            FROM tasks t JOIN instances i ON i.id = t.instance_id LEFT JOIN dossiers d ON d.id = t.instance_id
            LEFT JOIN procedure_versions p ON p.code = i.definition_code AND p.version = i.definition_version
            """;
        var (department, code, fragment) = (picks.Department, picks.Code, picks.Applicant);
        var key = $"'{second.DueAt.UtcDateTime:yyyy-MM-dd HH:mm:ss.ffffff}+00'::timestamptz";
        return
        [
            // The Host's floor: an authorised request that reads nothing (the key is cached), beside a round trip that does nothing.
            new("authorised request, no query (`/api/me`)", "api/me", "SELECT 1", null),
            new($"overdue list ({department}, due before now, 20 most overdue)", $"api/tasks?department={department}&dueBefore={Uri.EscapeDataString(at)}",
                $"{Select} WHERE t.department = '{department}' AND t.state = 'open' AND t.due_at < {instant} ORDER BY t.due_at, t.id LIMIT 20",
                $"SELECT count(*) FROM tasks t WHERE t.department = '{department}' AND t.state = 'open' AND t.due_at < {instant}"),
            new($"department queue ({department}, open, most urgent 20)", $"api/tasks?department={department}",
                $"{Select} WHERE t.department = '{department}' AND t.state = 'open' ORDER BY t.due_at, t.id LIMIT 20",
                $"SELECT count(*) FROM tasks t WHERE t.department = '{department}' AND t.state = 'open'"),
            // Page 2 as an officer pages on: by its number the Host counts the queue again and skips page 1's rows; by
            // the first page's 'next' cursor it reads from the index where page 1 ended (and one row more), no count.
            new($"department queue, page 2 by number ({department})", $"api/tasks?department={department}&page=2",
                $"{Select} WHERE t.department = '{department}' AND t.state = 'open' ORDER BY t.due_at, t.id OFFSET 20 LIMIT 20",
                $"SELECT count(*) FROM tasks t WHERE t.department = '{department}' AND t.state = 'open'"),
            new($"department queue, page 2 by `next` ({department})", $"api/tasks?department={department}&after={Uri.EscapeDataString(second.Cursor)}",
                $"{Select} WHERE t.department = '{department}' AND t.state = 'open' AND t.due_at >= {key} AND (t.due_at > {key} OR t.id > '{second.Id}') ORDER BY t.due_at, t.id LIMIT 21",
                null),
            new($"dossier by exact code ({code})", $"api/dossiers?code={code}",
                $"SELECT * FROM dossiers WHERE code = '{code}'", null),
            new($"dossier by applicant fragment ('{fragment}')", "api/dossiers?applicant=" + Uri.EscapeDataString(fragment),
                $"SELECT * FROM dossiers WHERE lower(applicant_name) LIKE '%{fragment}%' ORDER BY received_at DESC, code LIMIT 20",
                $"SELECT count(*) FROM dossiers WHERE lower(applicant_name) LIKE '%{fragment}%'"),
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

    [GeneratedRegex("\"next\":\"([^\"]+)\"")]
    private static partial Regex NextPattern();
}
