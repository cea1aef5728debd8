using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Npgsql;
using Workflows.Benchmarks.Common;
using Workflows.Benchmarks.Durable;
using static Workflows.Benchmarks.Common.Sql;

namespace Workflows.Benchmarks.Replay;

/// <summary>
/// <c>replay [--from 2026-03-02] [--days 1] [--per-day 15000] [--limit 3000] [--run-on-days 90] [--parallel 8] [--seed 1] [--runs 1]
/// [--baseline-seconds 30] [--keep] [--connection "..."]</c> (issue 13, S3): a slice of an HCMC year replayed through the
/// Host's own code path into a fresh PostgreSQL database by the Release Host's <c>replay</c> verb (arrivals of
/// <c>--days</c> at <c>--per-day</c> a working day with the catalogue of <c>definitions/</c>, the first <c>--limit</c> of them
/// to arrive, each dossier played until it ends), timed: dossiers/s, step transitions/s, the extrapolation to 5.4 M dossiers against the 60-minute target, and
/// where the time goes (CPU of the Host process and of the PostgreSQL backends serving it, read from /proc; the
/// replayer's time per kind of work). Beside it, in the same run, pgbench writing a typical replayed dossier's rows
/// (<see cref="ReplayBaseline"/>) with as many clients as dossiers played at once. On demand only (not a test).
/// </summary>
internal static class ReplayBenchmark
{
    private const double YearDossiers = 5_400_000;
    private const double TargetMinutes = 60;

    public static async Task<int> RunAsync(string[] args)
    {
        var options = Options.Parse(args);
        var server = options?.Connection ?? Environment.GetEnvironmentVariable("WORKFLOWS_TEST_POSTGRES");
        if (options is null || string.IsNullOrWhiteSpace(server))
        {
            await Console.Error.WriteLineAsync("usage: replay [--from 2026-03-02] [--days 1] [--per-day 15000] [--limit 3000] [--run-on-days 90] [--parallel 8] [--seed 1] [--runs 1] [--baseline-seconds 30] [--keep] [--connection <Npgsql connection string>]");
            await Console.Error.WriteLineAsync("PostgreSQL: run  eval \"$(bash scripts/start-postgres.sh --export)\"  (sets WORKFLOWS_TEST_POSTGRES) or pass --connection.");
            return 2;
        }

        var started = DateTimeOffset.Now;
        var loadAtStart = MarkdownReport.LoadAverage();
        var runs = new List<Run>();
        for (var run = 1; run <= options.Runs; run++)
        {
            runs.Add(await RunOnceAsync(options, server, started, run));
        }

        var report = Report(options, started, loadAtStart, runs);
        var file = await report.WriteAsync($"replay-{started:yyyy-MM-dd}.md");
        Log($"report written to {file}");
        return 0;
    }

    private static async Task<Run> RunOnceAsync(Options options, string server, DateTimeOffset started, int run)
    {
        var database = $"workflows_replay_{started.ToString("yyyyMMdd_HHmmss", CultureInfo.InvariantCulture)}_r{run}";
        var connectionString = new NpgsqlConnectionStringBuilder(server) { Database = database, Pooling = true, SslMode = SslMode.Disable }.ConnectionString;
        var work = Path.Combine(Path.GetTempPath(), database);
        Directory.CreateDirectory(work);
        await ExecuteAsync(server, $"CREATE DATABASE {database}");
        try
        {
            var until = options.From.AddDays(options.Days + options.RunOnDays);
            var reportPath = Path.Combine(work, "replay.json");
            Log($"run {run}/{options.Runs}: replay of {options.Days} day(s) from {options.From:yyyy-MM-dd} at {options.PerDay} a working day, {options.Parallel} at once, until {until:yyyy-MM-dd}");
            var (host, backends, lines) = await ReplayProcessAsync(options, connectionString, until, reportPath, work);
            var summary = JsonSerializer.Deserialize<ReplaySummary>(await File.ReadAllTextAsync(reportPath), JsonSerializerOptions.Web)
                ?? throw new InvalidOperationException("The replay wrote no summary.");
            Log($"  {summary.Received} dossiers, {summary.Transitions} transitions in {summary.ElapsedSeconds:F1} s; Host CPU {host.TotalSeconds:F0} s, PostgreSQL backends {backends.TotalSeconds:F0} s");

            await using var db = new NpgsqlConnection(connectionString);
            await db.OpenAsync();
            var rows = new Dictionary<string, long>(StringComparer.Ordinal);
            foreach (var table in new[] { "dossiers", "instances", "tasks", "journal", "outbox" })
            {
                rows[table] = await ScalarAsync(db, $"SELECT count(*) FROM {table}");
            }

            var bytes = await ScalarAsync(db, "SELECT pg_database_size(current_database())");
            var baseline = await ReplayBaseline.CreateAsync(db);
            var script = await baseline.ScriptAsync(work, run);
            Log($"  pgbench: {options.Parallel} clients, {options.BaselineSeconds} s ({baseline.Describe()})");
            var raw = await PgBench.RunAsync(connectionString, script, options.Parallel, options.BaselineSeconds, work);
            Log($"  pgbench: {raw.Tps:F1} dossiers/s, failed {raw.Failed}");
            return new Run(run, summary, host, backends, rows, bytes, baseline.Describe(), raw, lines, MarkdownReport.LoadAverage());
        }
        finally
        {
            await DropAsync(server, database, work, options.Keep);
        }
    }

    // On the shared cluster another role's session (a colleague's tool looking at every database) may sit in the run's
    // database for a moment, and DROP ... WITH (FORCE) may not end it: try again for a minute.
    private static async Task DropAsync(string server, string database, string work, bool keep)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await EndRunAsync(server, database, work, keep, Log);
                return;
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.InsufficientPrivilege && attempt < 30)
            {
                Log($"  database {database} still in use by another role; dropping it again in 2 s");
                await Task.Delay(TimeSpan.FromSeconds(2));
            }
        }
    }

    /// <summary>Runs the Release Host's replay verb to its end, sampling its CPU and that of the database's backends every second.</summary>
    private static async Task<(TimeSpan Host, TimeSpan Backends, List<string> Lines)> ReplayProcessAsync(
        Options options, string connectionString, DateOnly until, string reportPath, string work)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = work,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
        {
            ServiceProcess.BuiltAssembly("Workflows.Host"), "replay",
            "--from", options.From.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            "--days", options.Days.ToString(CultureInfo.InvariantCulture),
            "--per-day", options.PerDay.ToString(CultureInfo.InvariantCulture),
            "--seed", options.Seed.ToString(CultureInfo.InvariantCulture),
            "--until", until.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            "--parallel", options.Parallel.ToString(CultureInfo.InvariantCulture),
            "--limit", options.Limit.ToString(CultureInfo.InvariantCulture),
            "--report", reportPath,
        })
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        info.Environment["Database__Provider"] = "Postgres";
        info.Environment["ConnectionStrings__Postgres"] = connectionString;
        info.Environment["Definitions__Path"] = Path.Combine(ServiceProcess.SolutionFolder, "definitions");
        info.Environment["Notifications__Folder"] = Path.Combine(work, "notifications");
        info.Environment["Demo__Seed"] = "false";
        info.Environment["Logging__LogLevel__Default"] = "Warning";

        var lines = new List<string>();
        using var process = Process.Start(info) ?? throw new InvalidOperationException("The Host did not start.");
        process.OutputDataReceived += (_, e) => Keep(lines, e.Data);
        process.ErrorDataReceived += (_, e) => Keep(lines, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        // Backends live as long as their pooled connection: the last reading of each is its CPU for the run.
        var backends = new Dictionary<int, TimeSpan>();
        var host = TimeSpan.Zero;
        await using (var monitor = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString))
        {
            await monitor.OpenAsync();
            while (!process.HasExited)
            {
                host = ProcessCpu(process.Id) ?? host;
                foreach (var row in await RowsAsync(monitor, "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"))
                {
                    var pid = int.Parse(row[0]!, CultureInfo.InvariantCulture);
                    if (ProcessCpu(pid) is { } cpu)
                    {
                        backends[pid] = cpu;
                    }
                }

                await Task.WhenAny(process.WaitForExitAsync(), Task.Delay(1000));
            }
        }

        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"The replay exited with {process.ExitCode}:\n{string.Join('\n', lines.TakeLast(40))}");
        }

        return (host, backends.Values.Aggregate(TimeSpan.Zero, (a, b) => a + b), lines);
    }

    private static void Keep(List<string> lines, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (lines)
        {
            lines.Add(line);
        }

        Console.WriteLine("  host: " + line);
    }

    /// <summary>User plus system CPU of a process from /proc/&lt;pid&gt;/stat (fields 14 and 15, in 1/100 s), or null when it is gone.</summary>
    private static TimeSpan? ProcessCpu(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            // The command name (field 2) is in parentheses and may hold spaces: count fields after its closing one.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
            return TimeSpan.FromMilliseconds(ticks * 10);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }

    private static MarkdownReport Report(Options options, DateTimeOffset started, string loadAtStart, List<Run> runs)
    {
        var report = new MarkdownReport("S3: a slice of an HCMC year replayed through the Host (issue 13)",
            $"dotnet run -c Release --project tests/Workflows.Benchmarks -- replay --from {options.From:yyyy-MM-dd} --days {options.Days} --per-day {options.PerDay.ToString(CultureInfo.InvariantCulture)} --limit {options.Limit} --run-on-days {options.RunOnDays} --parallel {options.Parallel} --seed {options.Seed} --runs {options.Runs} --baseline-seconds {options.BaselineSeconds}",
            loadAtStart);
        report.Machine($"started {started:yyyy-MM-dd HH:mm}; load average per run at its end: {string.Join("; ", runs.Select(r => r.LoadAtEnd))}");
        report.Heading("Figures")
            .Line($"Arrivals of {options.Days} calendar day(s) from {options.From:yyyy-MM-dd} at {options.PerDay:N0} dossiers a working day (the catalogue of `definitions/`, the generator's mix and outcomes), the first {options.Limit:N0} to arrive, each dossier played through the Host's code path until it ended (up to {options.RunOnDays} more days of simulated time), {options.Parallel} dossiers at once. Time is the replay's own (after the Host's start-up and migrations). HCMC's year: {YearDossiers:N0} dossiers in under {TargetMinutes:F0} minutes = {YearDossiers / (TargetMinutes * 60):N0} dossiers/s.")
            .Table(
                ["Run", "Dossiers", "Transitions", "Seconds", "Dossiers/s", "Transitions/s", "Year (5.4 M) at this rate", "pgbench dossiers/s", "Host / pgbench", "Host CPU s", "PostgreSQL CPU s", "Load at end"],
                runs.Select(r => (IReadOnlyList<string>)
                [
                    r.Number.ToString(CultureInfo.InvariantCulture),
                    r.Summary.Received.ToString("N0", CultureInfo.InvariantCulture),
                    r.Summary.Transitions.ToString("N0", CultureInfo.InvariantCulture),
                    r.Summary.ElapsedSeconds.ToString("F1", CultureInfo.InvariantCulture),
                    r.DossiersPerSecond.ToString("F1", CultureInfo.InvariantCulture),
                    (r.Summary.Transitions / r.Summary.ElapsedSeconds).ToString("F1", CultureInfo.InvariantCulture),
                    $"{YearDossiers / r.DossiersPerSecond / 3600:F1} h ({YearDossiers / r.DossiersPerSecond / 60 / TargetMinutes:F1}× the target)",
                    r.Raw.Tps.ToString("F1", CultureInfo.InvariantCulture),
                    $"{100 * r.DossiersPerSecond / r.Raw.Tps:F0} %",
                    r.HostCpu.TotalSeconds.ToString("F0", CultureInfo.InvariantCulture),
                    r.DatabaseCpu.TotalSeconds.ToString("F0", CultureInfo.InvariantCulture),
                    r.LoadAtEnd,
                ]));
        if (runs.Count > 1)
        {
            var median = runs.OrderBy(r => r.DossiersPerSecond).ElementAt(runs.Count / 2);
            report.Line($"Median of {runs.Count} runs: {median.DossiersPerSecond:F1} dossiers/s (run {median.Number}).");
        }

        report.Heading("Where the time goes");
        foreach (var r in runs)
        {
            var wall = r.Summary.ElapsedSeconds;
            var profile = string.Join(", ", r.Summary.ProfileSeconds.OrderByDescending(p => p.Value).Select(p => $"{p.Key} {p.Value:F0} s"));
            report.Line($"Run {r.Number}: Host process {r.HostCpu.TotalSeconds:F0} s of CPU ({r.HostCpu.TotalSeconds / wall:F2} cores over the replay, start-up included), the database's backends {r.DatabaseCpu.TotalSeconds:F0} s ({r.DatabaseCpu.TotalSeconds / wall:F2} cores); per dossier {1000 * r.HostCpu.TotalSeconds / r.Summary.Received:F1} ms Host and {1000 * r.DatabaseCpu.TotalSeconds / r.Summary.Received:F1} ms PostgreSQL CPU. Replayer time by kind of work (summed over the {options.Parallel} concurrent plays): {profile}. Completions {r.Summary.StepsCompleted:N0}, signals {r.Summary.Signals:N0}, withdrawals {r.Summary.Withdrawals:N0}, timers fired {r.Summary.TimersFired:N0}, deadline sweeps {r.Summary.Sweeps:N0}, refused by intake {r.Summary.NotReceived:N0}, rejected {r.Summary.Rejected:N0}.");
            report.Line($"Rows: {string.Join(", ", r.Rows.Select(p => $"{p.Key} {p.Value:N0}"))}; database {r.Bytes / 1048576.0:F0} MB.", tight: true);
            report.Line($"Baseline (pgbench, {options.Parallel} clients, {options.BaselineSeconds} s, one script execution per dossier): {r.BaselineShape}; {r.Raw.Tps:F1} dossiers/s, p50 {r.Raw.P50:F0} ms, failed {r.Raw.Failed}.");
        }

        return report;
    }

    private static void Log(string line) => Console.WriteLine($"[{DateTime.Now:HH:mm:ss}] {line}");

    private sealed record ReplaySummary(
        int Received, int NotReceived, int StepsCompleted, int Signals, int Withdrawals, int TimersFired, int Sweeps, int Rejected, int Transitions,
        double ElapsedSeconds, Dictionary<string, double> ProfileSeconds);

    private sealed record Run(
        int Number, ReplaySummary Summary, TimeSpan HostCpu, TimeSpan DatabaseCpu, Dictionary<string, long> Rows, long Bytes, string BaselineShape,
        PgBenchResult Raw, List<string> HostLines, string LoadAtEnd)
    {
        public double DossiersPerSecond => Summary.Received / Summary.ElapsedSeconds;
    }

    private sealed record Options(
        DateOnly From, int Days, double PerDay, int RunOnDays, int Parallel, int Seed, int Runs, int BaselineSeconds, bool Keep, string? Connection, int Limit)
    {
        public static Options? Parse(string[] args)
        {
            var o = new Options(new DateOnly(2026, 3, 2), 1, 15_000, 90, 8, 1, 1, 30, false, null, 3_000);
            for (var i = 0; i < args.Length; i++)
            {
                var value = i + 1 < args.Length ? args[i + 1] : null;
                Options? next = args[i] switch
                {
                    "--keep" => o with { Keep = true },
                    "--from" when DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var from) => o with { From = from },
                    "--days" when Whole(value) is { } days => o with { Days = days },
                    "--per-day" when double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var perDay) && perDay > 0 => o with { PerDay = perDay },
                    "--run-on-days" when Whole(value) is { } runOn => o with { RunOnDays = runOn },
                    "--parallel" when Whole(value) is { } parallel => o with { Parallel = parallel },
                    "--seed" when Whole(value) is { } seed => o with { Seed = seed },
                    "--limit" when Whole(value) is { } limit => o with { Limit = limit },
                    "--runs" when Whole(value) is { } count => o with { Runs = count },
                    "--baseline-seconds" when Whole(value) is { } seconds => o with { BaselineSeconds = seconds },
                    "--connection" when value is not null => o with { Connection = value },
                    _ => null,
                };
                if (next is null)
                {
                    return null;
                }

                i += args[i] == "--keep" ? 0 : 1;
                o = next;
            }

            return o;
        }

        private static int? Whole(string? value) => int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : null;
    }
}

/// <summary>
/// The raw PostgreSQL baseline of one replayed dossier: a pgbench script that writes the rows a typical dossier of the
/// run holds at its end (the one whose journal length is the run's median, without sub-processes), with new ids, one
/// transaction per instant at which the Host committed for it (its rows grouped by their time: a task by its opening, a
/// journal row by its instant, a message by its creation), each transaction also updating the dossier and instance rows
/// as every Host commit does. Rows the Host wrote and deleted again (bookmarks, timers) and the reads before each commit
/// are not in it: it is a floor of the database work per dossier.
/// </summary>
internal sealed class ReplayBaseline
{
    private static readonly string[] TimeColumns = ["at", "opened_at", "created_at"];
    private readonly List<(string Table, RowLiterals Row, string? Time)> rows;
    private readonly Dictionary<string, string[]> keys;
    private readonly Guid instance;
    private readonly NpgsqlConnection db;

    private ReplayBaseline(NpgsqlConnection db, Guid instance, List<(string Table, RowLiterals Row, string? Time)> rows, Dictionary<string, string[]> keys)
    {
        this.db = db;
        this.instance = instance;
        this.rows = rows;
        this.keys = keys;
    }

    public static async Task<ReplayBaseline> CreateAsync(NpgsqlConnection db)
    {
        var instance = await GuidAsync(db, """
            WITH lengths AS (
                SELECT d.id, count(j.*) AS n FROM dossiers d JOIN journal j ON j.instance_id = d.id
                WHERE NOT EXISTS (SELECT 1 FROM instances c WHERE c.parent_instance_id = d.id)
                GROUP BY d.id)
            SELECT id FROM lengths ORDER BY abs(n - (SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY n) FROM lengths)), id LIMIT 1
            """);
        var tables = (await Sql.RowsAsync(db, "SELECT table_name FROM information_schema.columns WHERE table_schema = 'public' AND column_name = 'instance_id' AND table_name <> 'journal_archive' ORDER BY table_name"))
            .Select(r => r[0]!).Prepend("dossiers").Prepend("instances").Distinct().ToList();
        var keys = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var rows = new List<(string, RowLiterals, string?)>();
        foreach (var table in tables)
        {
            keys[table] = [.. (await Sql.RowsAsync(db, $"""
                SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)
                WHERE i.indrelid = 'public.{table}'::regclass AND i.indisprimary ORDER BY array_position(i.indkey::int2[], a.attnum)
                """)).Select(r => r[0]!)];
            var where = table is "dossiers" or "instances" ? $"id = '{instance}'" : $"instance_id = '{instance}'";
            foreach (var row in await RowLiterals.ReadAsync(db, table, where))
            {
                var time = TimeColumns.FirstOrDefault(row.Columns.Contains);
                rows.Add((table, row, time is null ? null : row[time]));
            }
        }

        return new ReplayBaseline(db, instance, rows, keys);
    }

    public string Describe() =>
        $"{rows.Count} rows ({string.Join(", ", rows.GroupBy(r => r.Table).Select(g => $"{g.Count()} {g.Key}"))}) in {Commits} transactions";

    private int Commits => rows.Where(r => r.Table is not ("dossiers" or "instances")).Select(r => r.Time).Distinct().Count();

    public async Task<string> ScriptAsync(string work, int run)
    {
        await DurableHarness.CreateBenchIdFunctionAsync(db);
        var day = await StringAsync(db, "SELECT quote_literal(\"day\"::text) FROM dossier_sequences ORDER BY \"last\" DESC LIMIT 1");
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (table, row, _) in rows)
        {
            foreach (var column in keys[table].Append("instance_id").Where(row.Columns.Contains))
            {
                var literal = row[column];
                if (literal.StartsWith('\'') && Guid.TryParse(literal.Trim('\''), out _) && !map.ContainsKey(literal))
                {
                    map[literal] = string.Create(CultureInfo.InvariantCulture, $"bench_id({6000 + (run * 100) + map.Count}, :client_id, :k)");
                }
            }
        }

        var dossier = rows.Single(r => r.Table == "dossiers").Row;
        map[dossier["code"]] = $"'S3-{run}-' || :client_id || '-' || :k";
        map[dossier["external_code"]] = $"'S3X-{run}-' || :client_id || '-' || :k";
        Dictionary<string, string> Overrides(RowLiterals row) => row.Columns.Where(c => map.ContainsKey(row[c])).ToDictionary(c => c, c => map[row[c]], StringComparer.Ordinal);
        string Where(string table, RowLiterals row) => string.Join(" AND ", keys[table].Select(k => $"\"{k}\" = {(map.TryGetValue(row[k], out var e) ? e : row[k])}"));

        var heads = rows.Where(r => r.Table is "dossiers" or "instances").OrderBy(r => r.Table == "dossiers").ToList();
        var groups = rows.Where(r => r.Table is not ("dossiers" or "instances")).GroupBy(r => r.Time ?? "~").OrderBy(g => g.Key, StringComparer.Ordinal).ToList();
        var script = new StringBuilder();
        script.AppendLine(CultureInfo.InvariantCulture, $"-- One replayed dossier ({instance}): its rows with new ids, one transaction per instant the Host committed at.");
        script.AppendLine(@"\set k :k + 1");
        for (var i = 0; i < groups.Count; i++)
        {
            var statements = new List<string>();
            if (i == 0)
            {
                statements.AddRange(heads.Select(h => h.Row.Insert(Overrides(h.Row))));
                statements.Add($"""INSERT INTO dossier_sequences (agency, "day", "last") VALUES ('BENCHS3', {day}, 1) ON CONFLICT (agency, "day") DO UPDATE SET "last" = dossier_sequences."last" + 1""");
            }

            statements.AddRange(groups[i].Select(r => r.Row.Insert(Overrides(r.Row))));
            if (i > 0)
            {
                // Every commit moves the instance (state, version) and the dossier's projection on.
                statements.AddRange(heads.Select(h => h.Row.Update(h.Row.Columns.Where(c => !keys[h.Table].Contains(c)), Overrides(h.Row), Where(h.Table, h.Row))));
            }

            script.Append("BEGIN \\; ").Append(string.Join(" \\;\n", statements)).AppendLine(";");
            script.AppendLine("COMMIT;");
        }

        var path = Path.Combine(work, $"replay-{run}.sql");
        await File.WriteAllTextAsync(path, script.ToString());
        return path;
    }
}
