using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Npgsql;
using Workflows.Benchmarks.Common;
using Workflows.Benchmarks.Durable;
using static Workflows.Benchmarks.Common.Sql;

namespace Workflows.Benchmarks.Dossiers;

/// <summary>
/// <c>dossiers [--seconds 15] [--warmup 20] [--clients 2,16] [--runs 5] [--background] [--host Workflows.Host.dll] [--keep] [--connection "..."]</c>
/// (issue 13, S0): whole dossiers of the walkthrough procedure per second, durable over HTTP against the Release
/// Host on PostgreSQL, each run beside pgbench writing the same rows per dossier (<see cref="DossierBaseline"/>) in
/// the same run. On demand only (not a test).
/// </summary>
internal static class WholeDossierHarness
{
    // Issue 13's reference point: Workflow Core on PostgreSQL ran about 9 six-step workflows a second on this kind of machine.
    private const double WorkflowCoreReference = 9;

    public static async Task<int> RunAsync(string[] args)
    {
        var options = Options.Parse(args);
        var server = options?.Connection ?? Environment.GetEnvironmentVariable("WORKFLOWS_TEST_POSTGRES");
        if (options is null || string.IsNullOrWhiteSpace(server))
        {
            await Console.Error.WriteLineAsync("usage: dossiers [--seconds 15] [--warmup 20] [--clients 2,16] [--runs 5] [--background] [--host <Workflows.Host.dll>] [--keep] [--connection <Npgsql connection string>]");
            await Console.Error.WriteLineAsync("PostgreSQL: run  eval \"$(bash scripts/start-postgres.sh --export)\"  (sets WORKFLOWS_TEST_POSTGRES) or pass --connection.");
            return 2;
        }

        var started = DateTimeOffset.Now;
        var database = "workflows_dossiers_" + started.ToString("yyyyMMdd_HHmmss", CultureInfo.InvariantCulture);
        var connectionString = new NpgsqlConnectionStringBuilder(server) { Database = database, Pooling = true, SslMode = SslMode.Disable }.ConnectionString;
        var work = Path.Combine(Path.GetTempPath(), database);
        Directory.CreateDirectory(work);
        await ExecuteAsync(server, $"CREATE DATABASE {database}");
        var loadAtStart = MarkdownReport.LoadAverage();
        try
        {
            await using var db = new NpgsqlConnection(connectionString);
            using var host = await HostRunner.StartAsync(work, new Dictionary<string, string>
            {
                ["ASPNETCORE_ENVIRONMENT"] = "Development",
                ["Database__Provider"] = "Postgres",
                ["ConnectionStrings__Postgres"] = connectionString,
                ["Definitions__Path"] = Path.Combine(ServiceProcess.SolutionFolder, "definitions"),
                ["Notifications__Folder"] = Path.Combine(work, "notifications"),
                ["Runtime__Background"] = options.Background ? "true" : "false",
                ["Logging__LogLevel__Default"] = "Warning",
            }, TimeSpan.FromSeconds(60), assembly: options.Host);
            await db.OpenAsync();
            using var http = new RawHttp(host.BaseAddress);

            // Long enough for tiered JIT (and dynamic PGO) to reach tier 1 on the request path before anything is measured.
            Log($"warm-up: whole dossiers, 4 clients, {options.WarmUp} s");
            var warm = await RunHostAsync(new WalkthroughDossier(http, "W"), 4, TimeSpan.FromSeconds(options.WarmUp));
            if (warm.Failures > 0)
            {
                throw new InvalidOperationException($"Dossiers failed during warm-up: {string.Join(", ", warm.Errors.Select(e => $"{e.Key} ×{e.Value}"))}");
            }

            Log("sample dossier for the baseline: the rows each request writes");
            var baseline = await DossierBaseline.CreateAsync(db);
            var sample = await new WalkthroughDossier(http, "S").RunAsync(0, baseline.AfterAsync);
            if (sample.Error is not null)
            {
                throw new InvalidOperationException($"The sample dossier failed: {sample.Error}");
            }

            foreach (var line in baseline.Describe())
            {
                Log("  " + line);
            }

            var pairs = new List<Pair>();
            for (var run = 1; run <= options.Runs; run++)
            {
                foreach (var clients in options.Clients)
                {
                    Log($"run {run}/{options.Runs}, Host: {clients} clients, {options.Seconds} s");
                    var before = await DurableHarness.Stats.ReadAsync(db);
                    var ours = await RunHostAsync(new WalkthroughDossier(http, $"R{run}c{clients}"), clients, TimeSpan.FromSeconds(options.Seconds));
                    var oursStats = (await DurableHarness.Stats.ReadAsync(db, settle: true)) - before;
                    Log($"  {ours.Rate:F1} dossiers/s, {ours.TransitionRate:F1} steps/s, dossier p50 {ours.P50:F0} ms, failures {ours.Failures}");

                    var script = await baseline.ScriptAsync(work, (run * 10) + options.Clients.ToList().IndexOf(clients));
                    Log($"run {run}/{options.Runs}, pgbench: {clients} clients, {options.Seconds} s");
                    before = await DurableHarness.Stats.ReadAsync(db);
                    var raw = await PgBench.RunAsync(connectionString, script, clients, options.Seconds, work);
                    var rawStats = (await DurableHarness.Stats.ReadAsync(db, settle: true)) - before;
                    Log($"  {raw.Tps:F1} dossiers/s, p50 {raw.P50:F0} ms, failed {raw.Failed}, aborted clients {raw.AbortedClients}");
                    pairs.Add(new Pair(run, clients, ours, oursStats, raw, rawStats));
                }
            }

            var report = Report(options, started, database, loadAtStart, baseline, sample, pairs);
            var file = await report.WriteAsync($"dossiers-{started:yyyy-MM-dd}.md");
            Log($"report written to {file}");
            return 0;
        }
        finally
        {
            await EndRunAsync(server, database, work, options.Keep, Log);
        }
    }

    private sealed record Pair(int Run, int Clients, HostRun Ours, DurableHarness.Stats OursStats, PgBenchResult Raw, DurableHarness.Stats RawStats)
    {
        public double Ratio => Raw.Tps > 0 ? Ours.Rate / Raw.Tps : double.NaN;
    }

    /// <summary>Whole dossiers finished within the window, their requests' latencies by kind, failures.</summary>
    private sealed record HostRun(TimeSpan Elapsed, int Dossiers, int Transitions, int Failures, double[] DossierMs, Dictionary<string, List<double>> RequestMs, IReadOnlyDictionary<string, int> Errors)
    {
        public double Rate => Dossiers / Elapsed.TotalSeconds;

        public double TransitionRate => Transitions / Elapsed.TotalSeconds;

        public double P50 => LoadResult.Percentile(DossierMs, 0.50);

        public double P95 => LoadResult.Percentile(DossierMs, 0.95);
    }

    /// <summary>Closed loop: each client runs whole dossiers one after another; a dossier counts when it ends within the window.</summary>
    private static async Task<HostRun> RunHostAsync(WalkthroughDossier flow, int clients, TimeSpan duration)
    {
        var finished = new ConcurrentBag<WalkthroughDossier.Outcome>();
        var errors = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        var failures = 0;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(c => Task.Run(async () =>
        {
            while (clock.Elapsed < duration)
            {
                WalkthroughDossier.Outcome outcome;
                try
                {
                    outcome = await flow.RunAsync(c);
                }
                catch (HttpRequestException e)
                {
                    outcome = new WalkthroughDossier.Outcome([], 0, e.Message, 0);
                }

                if (outcome.Error is not null)
                {
                    Interlocked.Increment(ref failures);
                    errors.AddOrUpdate(outcome.Error, 1, (_, n) => n + 1);
                }
                else if (clock.Elapsed <= duration)
                {
                    finished.Add(outcome);
                }
            }
        })));

        var byKind = finished.SelectMany(o => o.Requests).GroupBy(r => r.Kind)
            .ToDictionary(g => g.Key, g => g.Select(r => r.Ms).Order().ToList(), StringComparer.Ordinal);
        return new HostRun(duration, finished.Count, finished.Sum(o => o.Transitions), failures, [.. finished.Select(o => o.TotalMs).Order()], byKind, errors);
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? double.NaN : sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static MarkdownReport Report(Options options, DateTimeOffset started, string database, string loadAtStart, DossierBaseline baseline, WalkthroughDossier.Outcome sample, List<Pair> pairs)
    {
        var c = CultureInfo.InvariantCulture;
        var report = new MarkdownReport(
            $"S0: whole dossiers per second, Host over HTTP vs pgbench writing the same rows ({started:yyyy-MM-dd})",
            $"dotnet run -c Release --project tests/Workflows.Benchmarks -- dossiers --seconds {options.Seconds} --warmup {options.WarmUp} --clients {string.Join(',', options.Clients)} --runs {options.Runs}{(options.Background ? " --background" : string.Empty)}{(options.Host is null ? string.Empty : $" --host {options.Host}")}",
            loadAtStart);
        report.Machine($"Host: {options.Host ?? "Release Workflows.Host.dll"}, Development environment, logging at Warning, Runtime:Background={(options.Background ? "true" : "false (timer runner and outbox dispatcher off: the request path only, as S1/S2)")}; PostgreSQL on the same 2 cores; fresh database `{database}`.")
            .Machine($"A dossier (README's walkthrough, procedure {WalkthroughDossier.Procedure}, 120 m² so the decision takes the no-inspection branch): intake; then for each open step the officer of its department opens the dossier and completes the step ({sample.Transitions} steps: desk intake, review, office approval, signing, return of the result); then the desk records the result returned (status 10). {sample.Requests.Count} requests per dossier, each client one request at a time on its own keep-alive connection (RawHttp.cs). A dossier counts when all its requests answered within the window.")
            .Machine($"Baseline: `pgbench -n -f <script> -c N -j min(N,2) -T {options.Seconds}`, one script execution = one whole dossier: the {baseline.Writes} row writes the Host made for a sample dossier of this run, request by request, with new ids, in the Host's transaction shapes (DossierBaseline.cs), and two indexed SELECTs per dossier read.")
            .Machine($"{options.Runs} runs of {options.Seconds} s at each client count, Host and pgbench back to back, after {options.WarmUp} s of warm-up; figures are medians over the runs.");

        report.Heading("Results (medians of the runs)").Table(
            [">Clients", ">Runs", ">Host dossiers/s", ">Host step transitions/s", ">pgbench dossiers/s", ">Host / pgbench", "Ratios of the runs", ">Host dossier p50 / p95 (ms)", ">pgbench dossier p50 / p95 (ms)", ">Failed (Host / pgbench)", ">vs Workflow Core (≈ 9 six-step workflows/s)"],
            pairs.GroupBy(p => p.Clients).Select(g => (IReadOnlyList<string>)[
                $"{g.Key}", $"{g.Count()}",
                Median(g.Select(p => p.Ours.Rate)).ToString("F1", c),
                Median(g.Select(p => p.Ours.TransitionRate)).ToString("F1", c),
                Median(g.Select(p => p.Raw.Tps)).ToString("F1", c),
                Median(g.Select(p => p.Ratio)).ToString("P0", c),
                string.Join(", ", g.Select(p => p.Ratio.ToString("P0", c))),
                string.Create(c, $"{Median(g.Select(p => p.Ours.P50)):F0} / {Median(g.Select(p => p.Ours.P95)):F0}"),
                string.Create(c, $"{Median(g.Select(p => p.Raw.P50)):F0} / {Median(g.Select(p => p.Raw.P95)):F0}"),
                $"{g.Sum(p => p.Ours.Failures)} / {g.Sum(p => p.Raw.Failed)}",
                string.Create(c, $"{Median(g.Select(p => p.Ours.Rate)) / WorkflowCoreReference:F1}×")]));

        report.Heading("Host latency per request kind (all runs pooled; ms)").Table(
            [">Clients", "Request", ">Count", ">p50", ">p95"],
            pairs.GroupBy(p => p.Clients).SelectMany(g => g.SelectMany(p => p.Ours.RequestMs).GroupBy(k => k.Key).Select(k =>
            {
                var all = k.SelectMany(x => x.Value).Order().ToArray();
                return (IReadOnlyList<string>)[$"{g.Key}", k.Key, $"{all.Length}", LoadResult.Percentile(all, 0.5).ToString("F1", c), LoadResult.Percentile(all, 0.95).ToString("F1", c)];
            })));

        report.Heading("Every run").Table(
            [">Run", ">Clients", ">Host dossiers/s", ">Host steps/s", ">pgbench dossiers/s", ">Ratio", ">Host commits / dossier", ">pgbench commits / dossier", ">Host rows ins/upd/del per dossier", ">pgbench rows ins/upd/del per dossier"],
            pairs.Select(p => (IReadOnlyList<string>)[
                $"{p.Run}", $"{p.Clients}", p.Ours.Rate.ToString("F1", c), p.Ours.TransitionRate.ToString("F1", c), p.Raw.Tps.ToString("F1", c), p.Ratio.ToString("P0", c),
                Per(p.OursStats.Commits, p.Ours.Dossiers), Per(p.RawStats.Commits, p.Raw.Transactions),
                $"{Per(p.OursStats.Inserted, p.Ours.Dossiers)} / {Per(p.OursStats.Updated, p.Ours.Dossiers)} / {Per(p.OursStats.Deleted, p.Ours.Dossiers)}",
                $"{Per(p.RawStats.Inserted, p.Raw.Transactions)} / {Per(p.RawStats.Updated, p.Raw.Transactions)} / {Per(p.RawStats.Deleted, p.Raw.Transactions)}"]));
        report.Line("Database work per dossier is from pg_stat_database over each run (commits include the Host's autocommit reads; the Host's figures also count the dossiers still in flight when the window closed, so they read a little high).");

        report.Heading("What the sample dossier wrote, request by request (the baseline's script)");
        foreach (var line in baseline.Describe())
        {
            report.Line($"- {line}", tight: true);
        }

        report.Line(string.Empty, tight: true);
        var errors = pairs.SelectMany(p => p.Ours.Errors).GroupBy(e => e.Key).Select(g => $"{g.Key} ×{g.Sum(e => e.Value)}").ToList();
        report.Line(errors.Count == 0 ? "No dossier failed." : $"Host failures: {string.Join(", ", errors)}.");
        return report;

        static string Per(long value, long count) => (count > 0 ? (double)value / count : double.NaN).ToString("F1", CultureInfo.InvariantCulture);
    }

    private static void Log(string message) => Console.Error.WriteLine($"[{DateTime.Now:HH:mm:ss}] {message}");

    private sealed record Options(int Seconds, int WarmUp, IReadOnlyList<int> Clients, int Runs, bool Background, bool Keep, string? Connection, string? Host)
    {
        public static Options? Parse(string[] args)
        {
            int seconds = 15, warmUp = 20, runs = 5;
            IReadOnlyList<int> clients = [2, 16];
            bool background = false, keep = false;
            string? connection = null, host = null;
            for (var i = 0; i < args.Length; i++)
            {
                string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
                switch (args[i])
                {
                    case "--seconds": seconds = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                    case "--warmup": warmUp = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                    case "--runs": runs = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                    case "--clients": clients = [.. Next().Split(',').Select(n => int.Parse(n, CultureInfo.InvariantCulture))]; break;
                    case "--background": background = true; break;
                    case "--keep": keep = true; break;
                    case "--connection": connection = Next(); break;
                    // Another build of the Host (e.g. a ReadyToRun publish, or an earlier build to compare with).
                    case "--host": host = Path.GetFullPath(Next()); break;
                    default: return null;
                }
            }

            return seconds < 1 || warmUp < 0 || runs < 1 || clients.Count == 0 || clients.Any(n => n < 1) ? null : new Options(seconds, warmUp, clients, runs, background, keep, connection, host);
        }
    }
}
