using System.Diagnostics;
using System.Globalization;
using Npgsql;
using Workflows.Benchmarks.Common;
using Workflows.Benchmarks.Durable;
using static Workflows.Benchmarks.Common.Sql;

namespace Workflows.Benchmarks.Reports;

/// <summary>
/// <c>reports [--dossiers 100000] [--runs 5] [--raw-runs N] [--with-facts] [--baseline-host path/to/Workflows.Host.dll] [--keep] [--connection ...] [--database name]</c>:
/// a year of generated dossiers (four tasks each; all but 0.5 % of those received more than 30 days ago finished, 80 %
/// of the last 30 days' dossiers; some late, supplements, refusals) written with
/// plain SQL into a fresh PostgreSQL database, then each report and dossier search timed over HTTP (median of the runs)
/// beside the raw SQL query that answers the same question, with the ratio. With --baseline-host, the same requests
/// are timed first against another build of the Host (an earlier commit) on the same data. The rows are written without
/// report facts, so the first report of the Host under test also times the one-time fill (ReportFacts); with
/// --with-facts they are written with them, as the commit path stores them (dossiers' timeliness and document count
/// exactly; tasks' working minutes approximated as a third of the wall-clock minutes, which only the timings use), so
/// a year-sized data set needs no fill and its monthly roll-ups (dossiers and tasks) are built once at the end of the load.
/// With --database, an existing database is timed instead (nothing generated, never dropped): the Host under test
/// first upgrades it with its migrations, however long they take (a year written by an earlier build).
/// </summary>
internal static class ReportsBenchmark
{
    private const string AdministratorKey = "dev-admin-key";

    public static async Task<int> RunAsync(string[] args)
    {
        var dossiers = IntOption(args, "--dossiers", 100_000);
        var runs = IntOption(args, "--runs", 5);
        // A year's raw scans take 14-32 s each: --raw-runs 1 keeps a median of five Host requests within minutes.
        var rawRuns = IntOption(args, "--raw-runs", runs);
        var baselineHost = StringOption(args, "--baseline-host");
        var keep = args.Contains("--keep");
        var withFacts = args.Contains("--with-facts");
        var server = StringOption(args, "--connection") ?? Environment.GetEnvironmentVariable("WORKFLOWS_TEST_POSTGRES");
        if (string.IsNullOrWhiteSpace(server))
        {
            await Console.Error.WriteLineAsync("No PostgreSQL: set WORKFLOWS_TEST_POSTGRES or pass --connection.");
            return 2;
        }

        var existing = StringOption(args, "--database");
        var database = existing ?? "workflows_reports_" + DateTime.Now.ToString("yyyyMMdd_HHmmss", CultureInfo.InvariantCulture);
        var connectionString = new NpgsqlConnectionStringBuilder(server) { Database = database, Pooling = true, SslMode = SslMode.Disable }.ConnectionString;
        var work = Path.Combine(Path.GetTempPath(), "workflows_reports_run_" + DateTime.Now.ToString("yyyyMMdd_HHmmss", CultureInfo.InvariantCulture));
        Directory.CreateDirectory(work);
        if (existing is null)
        {
            await ExecuteAsync(server, $"CREATE DATABASE {database}");
        }

        try
        {
            // The Host under test creates the schema (its migrations), then the rows are written straight into it; an existing
            // database is only upgraded (a year's migration may take many minutes).
            var watch = Stopwatch.StartNew();
            using (await StartHostAsync(HostRunner.HostAssembly, connectionString, work, existing is null ? TimeSpan.FromSeconds(120) : TimeSpan.FromHours(3)))
            {
            }

            await using (var db = new NpgsqlConnection(connectionString))
            {
                await db.OpenAsync();
                if (existing is null)
                {
                    watch.Restart();
                    // Writing a year of rows in one statement outlasts the usual ten minutes (a year of HCMC: about half an hour).
                    // Step durations take 3,600 distinct minutes (0-60 hours), so a roll-up by worked minute meets a city's spread.
                    await ExecuteAsync(db, GenerateSql(dossiers, withFacts), timeoutSeconds: 7200);
                    Log($"{dossiers:N0} dossiers written in {watch.Elapsed.TotalSeconds:F1} s");
                }
                else
                {
                    Log($"{database} opened and upgraded by the Host under test in {watch.Elapsed.TotalSeconds:F1} s");
                }

                Log(await ScalarAsync(db, "SELECT 'database ' || pg_size_pretty(pg_database_size(current_database())) || ', ' || (SELECT count(*) FROM dossiers) || ' dossiers, ' || (SELECT count(*) FROM tasks) || ' tasks, monthly roll-up ' || (SELECT count(*) FROM dossier_month_counts) || ' rows (' || pg_size_pretty(pg_total_relation_size('dossier_month_counts')) || '), task roll-ups ' || (SELECT count(*) FROM task_month_counts) || ' + ' || (SELECT count(*) FROM task_minute_counts) || ' rows (' || pg_size_pretty(pg_total_relation_size('task_month_counts') + pg_total_relation_size('task_minute_counts')) || '), ' || (SELECT count(*) FROM dossiers WHERE completed_at IS NULL) || ' open dossiers'"));
            }

            var requests = Requests();
            var raw = await TimeRawAsync(connectionString, requests, rawRuns);
            Dictionary<string, double>? before = null;
            if (baselineHost is not null)
            {
                using var host = await StartHostAsync(baselineHost, connectionString, work);
                before = await TimeHostAsync(host, requests, runs, firstRun: null);
            }

            var first = new Dictionary<string, double>();
            Dictionary<string, double> after;
            using (var host = await StartHostAsync(HostRunner.HostAssembly, connectionString, work))
            {
                after = await TimeHostAsync(host, requests, runs, first);
            }

            Console.WriteLine($"# Reports and search, {(existing is null ? $"{dossiers:N0} dossiers" : database)} on PostgreSQL (Host: median of {runs} runs; raw SQL: median of {rawRuns}; ms)");
            Console.WriteLine();
            Console.WriteLine($"| request | raw SQL | {(before is null ? string.Empty : "before | ")}Host | Host / raw | first call |");
            Console.WriteLine($"|---|---:|{(before is null ? string.Empty : "---:|")}---:|---:|---:|");
            foreach (var request in requests)
            {
                var b = before is null ? string.Empty : $"{before[request.Name]:F1} | ";
                Console.WriteLine($"| {request.Name} | {raw[request.Name]:F1} | {b}{after[request.Name]:F1} | {after[request.Name] / raw[request.Name]:F1} | {first[request.Name]:F1} |");
            }

            return 0;
        }
        finally
        {
            // A database the run did not create is never dropped.
            await EndRunAsync(server, database, work, keep || existing is not null, Log);
        }
    }

    /// <summary>A report or search over HTTP and the raw SQL that answers the same question.</summary>
    private sealed record Request(string Name, string Path, string Sql);

    private static List<Request> Requests()
    {
        var today = DateOnly.FromDateTime(DateTime.UtcNow.AddHours(7));
        var from = today.AddDays(-364);
        var period = string.Create(CultureInfo.InvariantCulture, $"from={from:yyyy-MM-dd}&to={today:yyyy-MM-dd}");
        var start = string.Create(CultureInfo.InvariantCulture, $"'{from:yyyy-MM-dd}T00:00:00+07:00'::timestamptz");
        var end = string.Create(CultureInfo.InvariantCulture, $"'{today.AddDays(1):yyyy-MM-dd}T00:00:00+07:00'::timestamptz");
        var touching = $"d.received_at < {end} AND (d.completed_at IS NULL OR d.completed_at >= {start})";
        var taskDossiers = "tasks t JOIN instances i ON i.id = t.instance_id JOIN dossiers d ON d.id = coalesce(i.parent_instance_id, i.id)";
        // The twelve whole months up to this month's end: what the monthly roll-up answers without cut months.
        var first = new DateOnly(today.Year, today.Month, 1).AddMonths(-11);
        var last = new DateOnly(today.Year, today.Month, 1).AddMonths(1);
        var months = string.Create(CultureInfo.InvariantCulture, $"from={first:yyyy-MM-dd}&to={last.AddDays(-1):yyyy-MM-dd}");
        var monthsStart = string.Create(CultureInfo.InvariantCulture, $"'{first:yyyy-MM-dd}T00:00:00+07:00'::timestamptz");
        var monthsEnd = string.Create(CultureInfo.InvariantCulture, $"'{last:yyyy-MM-dd}T00:00:00+07:00'::timestamptz");
        var monthsTouching = $"d.received_at < {monthsEnd} AND (d.completed_at IS NULL OR d.completed_at >= {monthsStart})";
        return
        [
            new("summary by procedure, 12 whole months", $"api/reports/summary?{months}&groupBy=procedure",
                $"SELECT d.procedure_code, count(*) FILTER (WHERE d.received_at >= {monthsStart}), count(*) FILTER (WHERE d.completed_at < {monthsEnd} AND d.status IN (9, 10) AND d.completed_at <= d.original_due_at) FROM dossiers d WHERE {monthsTouching} GROUP BY d.procedure_code"),
            new("summary by month, 12 whole months", $"api/reports/summary?{months}&groupBy=month",
                $"SELECT date_trunc('month', d.received_at), count(*), count(*) FILTER (WHERE d.completed_at <= d.original_due_at) FROM dossiers d WHERE {monthsTouching} GROUP BY 1"),
            new("summary by department, 12 whole months", $"api/reports/summary?{months}&groupBy=department",
                $"SELECT t.department, count(*) FILTER (WHERE t.opened_at >= {monthsStart}), count(*) FILTER (WHERE t.closed_at < {monthsEnd} AND t.state = 'completed' AND t.closed_at <= t.due_at) FROM {taskDossiers} WHERE t.opened_at < {monthsEnd} AND (t.closed_at IS NULL OR t.closed_at >= {monthsStart}) GROUP BY t.department"),
            new("summary by step, 12 whole months", $"api/reports/summary?{months}&groupBy=step",
                $"SELECT d.procedure_code, t.node_id, count(*) FILTER (WHERE t.opened_at >= {monthsStart}), count(*) FILTER (WHERE t.closed_at < {monthsEnd} AND t.state = 'completed' AND t.closed_at <= t.due_at) FROM {taskDossiers} WHERE t.opened_at < {monthsEnd} AND (t.closed_at IS NULL OR t.closed_at >= {monthsStart}) GROUP BY 1, 2"),
            new("bottlenecks, 12 whole months", $"api/reports/bottlenecks?{months}",
                $"SELECT d.procedure_code, t.node_id, t.department, percentile_disc(ARRAY[0.5, 0.9]) WITHIN GROUP (ORDER BY t.worked_minutes), count(*) FILTER (WHERE t.closed_at > t.due_at) FROM {taskDossiers} WHERE t.state = 'completed' AND t.closed_at >= {monthsStart} AND t.closed_at < {monthsEnd} GROUP BY 1, 2, 3"),
            new("indicators, 12 whole months", $"api/reports/indicators?{months}",
                $"SELECT count(*), count(*) FILTER (WHERE d.channel = 'online'), count(*) FILTER (WHERE jsonb_array_length(d.documents) > 0) FROM dossiers d WHERE d.received_at >= {monthsStart} AND d.received_at < {monthsEnd}"),
            new("summary by procedure", $"api/reports/summary?{period}&groupBy=procedure",
                $"SELECT d.procedure_code, count(*) FILTER (WHERE d.received_at >= {start}), count(*) FILTER (WHERE d.completed_at < {end} AND d.status IN (9, 10) AND d.completed_at <= d.original_due_at) FROM dossiers d WHERE {touching} GROUP BY d.procedure_code"),
            new("summary by month", $"api/reports/summary?{period}&groupBy=month",
                $"SELECT date_trunc('month', d.received_at), count(*), count(*) FILTER (WHERE d.completed_at <= d.original_due_at) FROM dossiers d WHERE {touching} GROUP BY 1"),
            new("summary by department", $"api/reports/summary?{period}&groupBy=department",
                $"SELECT t.department, count(*) FILTER (WHERE t.opened_at >= {start}), count(*) FILTER (WHERE t.closed_at < {end} AND t.state = 'completed' AND t.closed_at <= t.due_at) FROM {taskDossiers} WHERE t.opened_at < {end} AND (t.closed_at IS NULL OR t.closed_at >= {start}) GROUP BY t.department"),
            new("bottlenecks", $"api/reports/bottlenecks?{period}",
                $"SELECT d.procedure_code, t.node_id, t.department, percentile_disc(0.9) WITHIN GROUP (ORDER BY t.closed_at - t.opened_at) FROM {taskDossiers} WHERE t.state = 'completed' AND t.closed_at >= {start} AND t.closed_at < {end} GROUP BY 1, 2, 3"),
            new("indicators", $"api/reports/indicators?{period}",
                $"SELECT count(*), count(*) FILTER (WHERE d.channel = 'online'), count(*) FILTER (WHERE jsonb_array_length(d.documents) > 0) FROM dossiers d WHERE d.received_at >= {start} AND d.received_at < {end}"),
            new("search by exact code", "api/dossiers?code=BENCH-000000077",
                "SELECT * FROM dossiers WHERE code = 'BENCH-000000077'"),
            new("search by applicant fragment", "api/dossiers?applicant=" + Uri.EscapeDataString("văn 4242"),
                "SELECT * FROM dossiers WHERE lower(applicant_name) LIKE '%văn 4242%' ORDER BY received_at DESC LIMIT 20"),
        ];
    }

    /// <summary>
    /// A year of dossiers received evenly up to now: 30 procedures, 3 channels, 5 reception points; finished (statuses 9
    /// and 10 mostly, some 3, 7 and 8) within 1-13 days of a 1-10 day appointment (so a share is late): all but 0.5 % of
    /// those received more than 30 days ago, 80 % of the last 30 days' (a centre's year: most of the year closed, about
    /// 2-3 % of it in flight); of the unfinished some wait for a supplement (5). Four sequential tasks each across 6 departments, the last one open
    /// while the dossier is; a third of the dossiers list documents.
    /// </summary>
    private static string GenerateSql(int count, bool withFacts) => $$"""
        -- A bulk load: the roll-ups' row triggers are off while the rows go in (a million upserts of a few hundred roll-up
        -- rows in one transaction walk ever longer version chains), and the roll-ups are built once at the end, as the
        -- migrations DossierMonthCounts and TaskMonthCounts build them.
        ALTER TABLE dossiers DISABLE TRIGGER USER;
        ALTER TABLE tasks DISABLE TRIGGER USER;
        CREATE TEMP TABLE gen AS
        SELECT g, id, received, CASE WHEN received < now() - interval '30 days' THEN g % 200 <> 0 ELSE (g % 10) < 8 END AS finished
        FROM (SELECT g, md5('bench' || g)::uuid AS id, now() - interval '365 days' + (g::float8 / {{count}}) * interval '364 days' AS received
              FROM generate_series(1, {{count}}) g) s;

        INSERT INTO instances (id, definition_code, definition_version, status, data, tokens, journal_sequence, created_at, updated_at, version)
        SELECT id, 'P.' || (g % 30), 1, CASE WHEN finished THEN 'completed' ELSE 'running' END, '{}', '[]', 0, received, received, 1 FROM gen;

        INSERT INTO dossiers (id, code, intake_client, external_code, payload_hash, procedure_code, procedure_version, procedure_name,
            applicant_name, channel, reception_point, received_at, counting_from, original_due_at, due_at, status, completed_at,
            result_returned_at, documents, created_at, updated_at, row_version, document_count, timeliness)
        SELECT id, 'BENCH-' || lpad(g::text, 9, '0'), 'bench', 'EXT-' || g, repeat('0', 64), 'P.' || (g % 30), 1, 'Thủ tục ' || (g % 30),
            'Nguyễn Văn ' || g, (ARRAY['online', 'inPerson', 'postal'])[1 + g % 3], 'point-' || (g % 5),
            received, received, received + ((g % 10) + 1) * interval '1 day', received + ((g % 10) + 1) * interval '1 day',
            CASE WHEN finished THEN (ARRAY[9, 10, 10, 9, 3, 7, 8, 10, 9, 10])[1 + (g / 10) % 10] WHEN g % 3 = 0 THEN 5 ELSE 4 END,
            CASE WHEN finished THEN received + ((g % 13) + 1) * interval '1 day' + interval '3 hours' END,
            NULL, CASE WHEN g % 3 = 0 THEN '[{"name":"Đơn đề nghị","originals":1,"copies":0}]'::jsonb ELSE '[]'::jsonb END,
            received, received, 1,
            {{(withFacts ? DossierFacts : "NULL, NULL")}}
        FROM gen, LATERAL (SELECT CASE WHEN finished THEN received + ((g % 13) + 1) * interval '1 day' + interval '3 hours' END AS completed,
                                  received + ((g % 10) + 1) * interval '1 day' AS due) x;

        -- With the columns the triggers would write (migration TaskReportColumns): the dossier's procedure and channel, and
        -- whether the roll-ups count the task (closed with its facts).
        INSERT INTO tasks (id, instance_id, dossier_id, procedure_code, procedure_name, channel, rolled_up, node_id, step_name, department, state, opened_at, due_at, closed_at, outcome, row_version{{(withFacts ? ", worked_minutes, allotted_minutes, timeliness" : string.Empty)}})
        SELECT md5('task' || g || '-' || k)::uuid, id, id, 'P.' || (g % 30), 'Thủ tục ' || (g % 30), (ARRAY['online', 'inPerson', 'postal'])[1 + g % 3],
            {{(withFacts ? "finished OR k <> 3" : "false")}}, 'step' || k, 'Bước ' || k,
            (ARRAY['one-stop', 'construction', 'land', 'justice', 'leadership', 'finance'])[1 + (g + k) % 6],
            CASE WHEN NOT finished AND k = 3 THEN 'open' ELSE 'completed' END,
            received + k * interval '1 day', received + k * interval '1 day' + interval '2 days',
            CASE WHEN NOT finished AND k = 3 THEN NULL ELSE received + k * interval '1 day' + ((g::bigint * 7919 + k * 104729) % 3600) * interval '1 minute' END,
            'approved', 1{{(withFacts ? ",\n            " + TaskFacts : string.Empty)}}
        FROM gen, generate_series(0, 3) k,
            LATERAL (SELECT received + k * interval '1 day' AS opened, received + k * interval '1 day' + interval '2 days' AS due,
                            CASE WHEN NOT finished AND k = 3 THEN NULL ELSE received + k * interval '1 day' + ((g::bigint * 7919 + k * 104729) % 3600) * interval '1 minute' END AS closed) x;

        INSERT INTO dossier_month_counts (procedure_code, procedure_name, reception_point, channel, status, timeliness, with_documents, received_month, completed_month, due_month, dossiers)
        SELECT procedure_code, procedure_name, reception_point, channel, status, timeliness, document_count > 0, report_month(received_at), report_month(completed_at), report_month(original_due_at), count(*)
        FROM dossiers WHERE completed_at IS NOT NULL AND timeliness IS NOT NULL AND document_count IS NOT NULL
        GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10;

        INSERT INTO task_month_counts (procedure_code, procedure_name, channel, node_id, step_name, department, state, timeliness, opened_month, closed_month, due_month, tasks)
        SELECT d.procedure_code, d.procedure_name, d.channel, t.node_id, coalesce(t.step_name, ''), t.department, t.state, coalesce(t.timeliness, -1), report_month(t.opened_at), report_month(t.closed_at), report_month(t.due_at), count(*)
        FROM tasks t JOIN instances i ON i.id = t.instance_id JOIN dossiers d ON d.id = coalesce(i.parent_instance_id, i.id)
        WHERE t.state <> 'open' AND t.closed_at IS NOT NULL AND (t.state = 'cancelled' OR (t.timeliness IS NOT NULL AND t.worked_minutes IS NOT NULL AND t.allotted_minutes IS NOT NULL))
        GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11;

        INSERT INTO task_minute_counts (procedure_code, procedure_name, node_id, step_name, department, closed_month, measure, minutes, tasks, late)
        SELECT d.procedure_code, d.procedure_name, t.node_id, coalesce(t.step_name, ''), t.department, report_month(t.closed_at), m.measure, m.minutes, count(*), count(*) FILTER (WHERE t.closed_at > t.due_at)
        FROM tasks t JOIN instances i ON i.id = t.instance_id JOIN dossiers d ON d.id = coalesce(i.parent_instance_id, i.id)
        CROSS JOIN LATERAL (VALUES (0, t.worked_minutes), (1, t.allotted_minutes)) AS m (measure, minutes)
        WHERE t.state = 'completed' AND t.closed_at IS NOT NULL AND t.timeliness IS NOT NULL AND t.worked_minutes IS NOT NULL AND t.allotted_minutes IS NOT NULL
        GROUP BY 1, 2, 3, 4, 5, 6, 7, 8;
        ALTER TABLE dossiers ENABLE TRIGGER USER;
        ALTER TABLE tasks ENABLE TRIGGER USER;

        ANALYZE instances; ANALYZE dossiers; ANALYZE tasks; ANALYZE dossier_month_counts; ANALYZE task_month_counts; ANALYZE task_minute_counts;
        """;

    // As StoredFacts: late after the due instant, early on an earlier local day, else on time; the documents listed.
    private const string DossierFacts = """
        CASE WHEN g % 3 = 0 THEN 1 ELSE 0 END,
            CASE WHEN x.completed IS NULL THEN NULL WHEN x.completed > x.due THEN 2
                 WHEN (x.completed AT TIME ZONE 'UTC' + interval '7 hours')::date < (x.due AT TIME ZONE 'UTC' + interval '7 hours')::date THEN 0
                 ELSE 1 END
        """;

    // Completed tasks: working minutes approximated (a third of the wall-clock minutes), timeliness as StoredFacts.
    private const string TaskFacts = """
        CASE WHEN x.closed IS NOT NULL THEN (extract(epoch FROM x.closed - x.opened) / 180)::bigint END,
            CASE WHEN x.closed IS NOT NULL THEN (extract(epoch FROM x.due - x.opened) / 180)::bigint END,
            CASE WHEN x.closed IS NULL THEN NULL WHEN x.closed > x.due THEN 2
                 WHEN (x.closed AT TIME ZONE 'UTC' + interval '7 hours')::date < (x.due AT TIME ZONE 'UTC' + interval '7 hours')::date THEN 0
                 ELSE 1 END
        """;

    private static async Task<string> ScalarAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 600 };
        return (await command.ExecuteScalarAsync())?.ToString() ?? string.Empty;
    }

    private static async Task<Dictionary<string, double>> TimeRawAsync(string connectionString, List<Request> requests, int runs)
    {
        await using var db = new NpgsqlConnection(connectionString);
        await db.OpenAsync();
        var medians = new Dictionary<string, double>();
        foreach (var request in requests)
        {
            var times = new List<double>();
            for (var run = 0; run <= runs; run++)
            {
                var watch = Stopwatch.StartNew();
                await using (var command = new NpgsqlCommand(request.Sql, db) { CommandTimeout = 600 })
                await using (var reader = await command.ExecuteReaderAsync())
                {
                    while (await reader.ReadAsync())
                    {
                    }
                }

                if (run > 0)
                {
                    times.Add(watch.Elapsed.TotalMilliseconds);
                }
            }

            medians[request.Name] = Median(times);
            Log($"raw {request.Name}: {medians[request.Name]:F1} ms");
        }

        return medians;
    }

    private static async Task<Dictionary<string, double>> TimeHostAsync(ServiceProcess host, List<Request> requests, int runs, Dictionary<string, double>? firstRun)
    {
        using var client = new HttpClient { BaseAddress = host.BaseAddress, Timeout = TimeSpan.FromMinutes(10) };
        client.DefaultRequestHeaders.Add("X-Api-Key", AdministratorKey);
        var medians = new Dictionary<string, double>();
        foreach (var request in requests)
        {
            var times = new List<double>();
            for (var run = 0; run <= runs; run++)
            {
                var watch = Stopwatch.StartNew();
                using var response = await client.GetAsync(new Uri(request.Path, UriKind.Relative));
                _ = await response.Content.ReadAsByteArrayAsync();
                if (!response.IsSuccessStatusCode)
                {
                    throw new InvalidOperationException($"{request.Path}: {(int)response.StatusCode}\n{host.Tail}");
                }

                // The first call warms the Host (and, for the Host under test, fills the report facts once).
                if (run == 0)
                {
                    firstRun?.Add(request.Name, watch.Elapsed.TotalMilliseconds);
                }
                else
                {
                    times.Add(watch.Elapsed.TotalMilliseconds);
                }
            }

            medians[request.Name] = Median(times);
            Log($"host {request.Name}: {medians[request.Name]:F1} ms");
        }

        return medians;
    }

    private static Task<ServiceProcess> StartHostAsync(string assembly, string connectionString, string work) =>
        StartHostAsync(assembly, connectionString, work, TimeSpan.FromSeconds(120));

    private static Task<ServiceProcess> StartHostAsync(string assembly, string connectionString, string work, TimeSpan startTimeout) =>
        HostRunner.StartAsync(work, new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["Database__Provider"] = "Postgres",
            ["ConnectionStrings__Postgres"] = connectionString,
            ["Definitions__Path"] = Path.Combine(ServiceProcess.SolutionFolder, "definitions"),
            ["Notifications__Folder"] = Path.Combine(work, "notifications"),
            ["Runtime__Background"] = "false",
            ["Logging__LogLevel__Default"] = "Warning",
        }, startTimeout, assembly: assembly);

    private static double Median(List<double> values)
    {
        values.Sort();
        return values.Count == 0 ? 0 : values.Count % 2 == 1 ? values[values.Count / 2] : (values[values.Count / 2 - 1] + values[values.Count / 2]) / 2;
    }

    private static int IntOption(string[] args, string name, int fallback) =>
        StringOption(args, name) is { } value ? int.Parse(value, CultureInfo.InvariantCulture) : fallback;

    private static string? StringOption(string[] args, string name)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
    }

    private static void Log(string message) => Console.Error.WriteLine($"[{DateTime.Now:HH:mm:ss}] {message}");
}
