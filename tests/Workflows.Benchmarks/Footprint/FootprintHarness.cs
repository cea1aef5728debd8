using System.Diagnostics;
using System.Globalization;
using Npgsql;
using Workflows.Benchmarks.Common;
using Workflows.Benchmarks.Dossiers;
using Workflows.Benchmarks.Durable;
using static Workflows.Benchmarks.Common.Sql;

namespace Workflows.Benchmarks.Footprint;

/// <summary>
/// <c>footprint [--active 100000] [--closed 50000] [--variants "default,DOTNET_gcServer=1,dll=r2r/Workflows.Host.dll;DOTNET_TieredCompilation=0"] [--keep] [--connection "..."]</c>
/// (issue 13, S5): with that many active dossiers in PostgreSQL (a sample made through the Host, cloned by SQL),
/// the Release Host's memory at rest and while each report runs (VmRSS sampled from /proc, VmHWM), the database
/// bytes per active dossier against the raw rows' size, and the retention sweep over closed dossiers and
/// delivered messages older than its settings (time, bytes before and after). On demand only (not a test).
/// </summary>
internal static class FootprintHarness
{
    private const string AdministratorKey = "dev-admin-key";
    private const int ActiveSamples = 100;
    private const int ClosedSamples = 20;
    private const double RestTargetMb = 200;
    private const double ReportTargetMb = 300;
    private const string HostAssemblySetting = "dll";
    // What the resident memory at rest is made of, per GC settings: anonymous (heaps, JIT code, runtime) and file-backed (mapped assemblies).
    private static readonly List<(string Variant, long Anonymous, long File)> Composition = [];
    private static readonly string[] SweptTables = ["outbox", "journal", "journal_archive"];

    public static async Task<int> RunAsync(string[] args)
    {
        var options = Options.Parse(args);
        var server = options?.Connection ?? Environment.GetEnvironmentVariable("WORKFLOWS_TEST_POSTGRES");
        if (options is null || string.IsNullOrWhiteSpace(server))
        {
            await Console.Error.WriteLineAsync("usage: footprint [--active 100000] [--closed 50000] [--variants default,DOTNET_gcServer=1,dll=<Workflows.Host.dll>;NAME=VALUE] [--keep] [--connection <Npgsql connection string>]");
            return 2;
        }

        var started = DateTimeOffset.Now;
        var database = "workflows_footprint_" + started.ToString("yyyyMMdd_HHmmss", CultureInfo.InvariantCulture);
        var connectionString = new NpgsqlConnectionStringBuilder(server) { Database = database, Pooling = true, SslMode = SslMode.Disable }.ConnectionString;
        var work = Path.Combine(Path.GetTempPath(), database);
        Directory.CreateDirectory(work);
        await ExecuteAsync(server, $"CREATE DATABASE {database}");
        var report = new MarkdownReport(
            $"S5: memory and bytes per active dossier ({started:yyyy-MM-dd})",
            $"dotnet run -c Release --project tests/Workflows.Benchmarks -- footprint --active {options.Active} --closed {options.Closed} --variants {string.Join(',', options.Variants)}");
        try
        {
            await using var db = new NpgsqlConnection(connectionString);

            // 1. Samples through the Host's own code path (no background work: nothing else writes meanwhile).
            var active = new List<string>();
            var closed = new List<string>();
            using (var host = await StartHostAsync(connectionString, work, background: false, new Dictionary<string, string>()))
            {
                await db.OpenAsync();
                using var http = new RawHttp(host.BaseAddress);
                var flow = new WalkthroughDossier(http, "FP");
                Log($"sample: {ActiveSamples} active dossiers (0 to 4 steps done) and {ClosedSamples} closed ones, through the Host");
                for (var i = 0; i < ActiveSamples + ClosedSamples; i++)
                {
                    string? code = null;
                    var outcome = await flow.RunAsync(i % 4, (_, c) => { code = c; return Task.CompletedTask; }, i < ActiveSamples ? i % 5 : int.MaxValue);
                    if (outcome.Error is not null)
                    {
                        throw new InvalidOperationException($"Sample dossier failed: {outcome.Error}");
                    }

                    (i < ActiveSamples ? active : closed).Add(code!);
                }
            }

            // 2. Clones: realistic rows, as many as asked; every message delivered (the steady state of a dispatcher).
            var cloner = await DossierCloner.CreateAsync(db);
            var watch = Stopwatch.StartNew();
            var copies = (int)Math.Ceiling((double)options.Active / ActiveSamples) - 1;
            Log($"cloning {ActiveSamples} active dossiers {copies} times");
            await cloner.CloneAsync(active, copies, shiftDays: null);
            // The samples' own messages (the copies are written delivered).
            await ExecuteAsync(db, "UPDATE outbox SET delivered_at = created_at + interval '1 second' WHERE delivered_at IS NULL");
            await ExecuteAsync(db, "VACUUM ANALYZE");
            var activeCount = await ScalarAsync(db, "SELECT count(*) FROM dossiers WHERE completed_at IS NULL");
            Log($"  {activeCount:N0} active dossiers in {watch.Elapsed.TotalSeconds:F0} s");
            report.Machine($"Data: {activeCount:N0} active dossiers of the walkthrough procedure (1.009994), {ActiveSamples} made through the Host (waiting at each of its 5 steps in turn) and cloned by SQL ({copies} copies each, new ids and codes, same row contents), all messages delivered; then {options.Closed:N0} closed dossiers (clones of {ClosedSamples} finished through the Host) dated 13-25 months back, for the retention sweep.")
                .Machine("Host: Release Workflows.Host.dll, Development environment, logging at Warning, background work on (timer runner, outbox dispatcher, deadline and retention sweeps), PostgreSQL on the same machine.");

            // 3. Bytes per active dossier.
            var bytes = await Bytes.ReadAsync(db);
            WriteBytes(report, bytes, activeCount);

            // 4. Memory at rest and while each report runs, per GC configuration.
            var memoryRows = new List<IReadOnlyList<string>>();
            foreach (var variant in options.Variants)
            {
                // "dll=<path>" in a variant starts that Workflows.Host.dll (e.g. a ReadyToRun publish) instead of the Release build.
                var settings = variant == "default" ? new Dictionary<string, string>() : variant.Split(';').Select(v => v.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
                var assembly = settings.Remove(HostAssemblySetting, out var dll) ? Path.GetFullPath(dll) : null;
                memoryRows.AddRange(await MeasureMemoryAsync(variant, connectionString, work, settings, assembly));
            }

            report.Heading($"Host memory (RSS), {activeCount:N0} active dossiers")
                .Line("At rest: after start-up and 20 s of warm-up (whole dossiers, each report once), 15 s idle, median of 10 VmRSS samples over 5 s. While a report runs: VmRSS sampled every 20 ms during 3 calls of the report (peak), and the process's VmHWM (peak since start) after them.")
                .Table(["GC settings", "Phase", ">Report time, median of 3 (ms)", ">VmRSS (MB)", ">VmHWM since start (MB)", ">Target (MB)", "Met"], memoryRows)
                .Line("At rest, what the resident memory is (/proc/<pid>/status): RssAnon is memory the process owns (GC heaps, JIT-compiled code, runtime and native allocations); RssFile is mapped files (the framework's and the Host's assemblies, ICU data), shared with other .NET processes and given back by the kernel under pressure.")
                .Table(["GC settings", ">RssAnon (MB)", ">RssFile (MB)"], Composition.Select(m => (IReadOnlyList<string>)[m.Variant, Mb(m.Anonymous), Mb(m.File)]));

            // 5. Retention at scale.
            await RetentionAsync(report, db, cloner, closed, options.Closed, connectionString, work);

            var file = await report.WriteAsync($"footprint-{started:yyyy-MM-dd}.md");
            Log($"report written to {file}");
            return 0;
        }
        finally
        {
            await EndRunAsync(server, database, work, options.Keep, Log);
        }
    }

    private static void WriteBytes(MarkdownReport report, Bytes bytes, long activeCount)
    {
        var c = CultureInfo.InvariantCulture;
        var total = bytes.Tables.Sum(t => t.Total);
        var raw = bytes.Tables.Sum(t => t.Raw);
        report.Heading($"Database bytes per active dossier ({activeCount:N0} active)")
            .Line(string.Create(c, $"Whole database tables (heap, indexes, TOAST, free space maps): {total / 1048576.0:F0} MB, {(double)total / activeCount:F0} bytes per active dossier; the rows' data alone (sum of pg_column_size of every field): {raw / 1048576.0:F0} MB, {(double)raw / activeCount:F0} bytes per dossier. Ratio {(double)total / raw:F2}× (target at most 2×: {((double)total / raw <= 2 ? "met" : "**missed**")})."))
            .Table(
                ["Table", ">Rows", ">Total (MB)", ">Heap (MB)", ">Indexes (MB)", ">TOAST (MB)", ">Raw data (MB)", ">Total / raw", ">Bytes per active dossier"],
                bytes.Tables.OrderByDescending(t => t.Total).Where(t => t.Total > 65536).Select(t => (IReadOnlyList<string>)[
                    t.Name, t.Rows.ToString("N0", c), Mb(t.Total), Mb(t.Heap), Mb(t.Indexes), Mb(t.Toast), Mb(t.Raw), t.Raw > 0 ? ((double)t.Total / t.Raw).ToString("F2", c) : "", ((double)t.Total / activeCount).ToString("F0", c)]))
            .Line("Largest indexes:")
            .Table(["Index", ">Size (MB)", ">Bytes per active dossier"], bytes.Indexes.Take(12).Select(i => (IReadOnlyList<string>)[i.Name, Mb(i.Size), ((double)i.Size / activeCount).ToString("F0", c)]));
    }

    private static string Mb(long bytes) => (bytes / 1048576.0).ToString("F1", CultureInfo.InvariantCulture);

    private static Task<ServiceProcess> StartHostAsync(string connectionString, string work, bool background, IReadOnlyDictionary<string, string> extra, string? assembly = null)
    {
        var environment = new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["Database__Provider"] = "Postgres",
            ["ConnectionStrings__Postgres"] = connectionString,
            ["Definitions__Path"] = Path.Combine(ServiceProcess.SolutionFolder, "definitions"),
            ["Notifications__Folder"] = Path.Combine(work, "notifications"),
            ["Runtime__Background"] = background ? "true" : "false",
            ["Logging__LogLevel__Default"] = "Warning",
        };
        foreach (var (name, value) in extra)
        {
            environment[name] = value;
        }

        return HostRunner.StartAsync(work, environment, TimeSpan.FromSeconds(120), assembly: assembly);
    }

    private static List<(string Name, string Path)> ReportRequests()
    {
        var today = DateOnly.FromDateTime(DateTime.UtcNow.AddHours(7));
        var period = string.Create(CultureInfo.InvariantCulture, $"from={today.AddDays(-364):yyyy-MM-dd}&to={today:yyyy-MM-dd}");
        return
        [
            ("summary by procedure", $"api/reports/summary?{period}&groupBy=procedure"),
            ("summary by department", $"api/reports/summary?{period}&groupBy=department"),
            ("summary by month", $"api/reports/summary?{period}&groupBy=month"),
            ("bottlenecks", $"api/reports/bottlenecks?{period}"),
            ("indicators", $"api/reports/indicators?{period}"),
        ];
    }

    private static async Task<List<IReadOnlyList<string>>> MeasureMemoryAsync(string variant, string connectionString, string work, Dictionary<string, string> environment, string? assembly)
    {
        var c = CultureInfo.InvariantCulture;
        var rows = new List<IReadOnlyList<string>>();
        Log($"memory, GC settings: {variant}");
        using var host = await StartHostAsync(connectionString, work, background: true, environment, assembly);
        using var api = new HttpClient { BaseAddress = host.BaseAddress, Timeout = TimeSpan.FromMinutes(5) };
        api.DefaultRequestHeaders.Add("X-Api-Key", AdministratorKey);
        var (startRss, _) = Memory.Read(host.Id);
        rows.Add([variant, "after start-up", "", Mb(startRss), "", "", ""]);

        // Warm-up: the request paths a centre uses every minute, and every report once (their first call compiles them).
        using (var http = new RawHttp(host.BaseAddress))
        {
            var flow = new WalkthroughDossier(http, "WU" + variant.GetHashCode(StringComparison.Ordinal).ToString("x", c));
            var until = Stopwatch.StartNew();
            await Task.WhenAll(Enumerable.Range(0, 2).Select(async client =>
            {
                while (until.Elapsed < TimeSpan.FromSeconds(20))
                {
                    await flow.RunAsync(client);
                }
            }));
        }

        foreach (var (_, path) in ReportRequests())
        {
            (await api.GetAsync(new Uri(path, UriKind.Relative))).EnsureSuccessStatusCode();
        }

        await Task.Delay(TimeSpan.FromSeconds(15));
        var rest = new List<long>();
        for (var i = 0; i < 10; i++)
        {
            rest.Add(Memory.Read(host.Id).Rss);
            await Task.Delay(500);
        }

        var (_, hwmRest) = Memory.Read(host.Id);
        var restMedian = rest.Order().ElementAt(rest.Count / 2);
        var detail = Memory.ReadAll(host.Id);
        Composition.Add((variant, detail.GetValueOrDefault("RssAnon"), detail.GetValueOrDefault("RssFile")));
        rows.Add([variant, "at rest", "", Mb(restMedian), Mb(hwmRest), RestTargetMb.ToString("F0", c), restMedian / 1048576.0 < RestTargetMb ? "yes" : string.Create(c, $"**no**, by {(restMedian / 1048576.0) - RestTargetMb:F0} MB")]);
        Log($"  at rest {Mb(restMedian)} MB");

        foreach (var (name, path) in ReportRequests())
        {
            using var stop = new CancellationTokenSource();
            long peak = 0;
            var sampler = Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    peak = Math.Max(peak, Memory.Read(host.Id).Rss);
                    await Task.Delay(20);
                }
            });
            var times = new List<double>();
            for (var i = 0; i < 3; i++)
            {
                var watch = Stopwatch.StartNew();
                using var response = await api.GetAsync(new Uri(path, UriKind.Relative));
                await response.Content.ReadAsByteArrayAsync();
                response.EnsureSuccessStatusCode();
                times.Add(watch.Elapsed.TotalMilliseconds);
            }

            await stop.CancelAsync();
            await sampler;
            var (_, hwm) = Memory.Read(host.Id);
            rows.Add([variant, $"while {name} runs", times.Order().ElementAt(1).ToString("F0", c), Mb(peak), Mb(hwm), ReportTargetMb.ToString("F0", c), peak / 1048576.0 < ReportTargetMb ? "yes" : string.Create(c, $"**no**, by {(peak / 1048576.0) - ReportTargetMb:F0} MB")]);
            Log($"  {name}: peak {Mb(peak)} MB, {times.Order().ElementAt(1):F0} ms");
        }

        return rows;
    }

    private static async Task RetentionAsync(MarkdownReport report, NpgsqlConnection db, DossierCloner cloner, List<string> closed, int count, string connectionString, string work)
    {
        var c = CultureInfo.InvariantCulture;
        var copies = (int)Math.Ceiling((double)count / closed.Count);
        Log($"retention: cloning {closed.Count} closed dossiers {copies} times, 13 to 25 months back");

        // Every timestamp of the clone moved back by 395-759 days: closed (and its messages delivered) over a year ago.
        await cloner.CloneAsync(closed, copies, shiftDays: "395 + (g % 365)");
        await ExecuteAsync(db, "UPDATE outbox SET delivered_at = created_at + interval '1 second' WHERE delivered_at IS NULL");
        await ExecuteAsync(db, "VACUUM ANALYZE");
        const string OldOutbox = "SELECT count(*) FROM outbox WHERE delivered_at < now() - interval '30 days'";
        const string OldJournal = "SELECT count(*) FROM journal j JOIN dossiers d ON d.id = j.instance_id WHERE d.completed_at < now() - interval '12 months'";
        var outboxBefore = await ScalarAsync(db, OldOutbox);
        var journalBefore = await ScalarAsync(db, OldJournal);
        var before = await Bytes.ReadAsync(db);
        Log($"  {outboxBefore:N0} delivered messages older than 30 days, {journalBefore:N0} journal rows of dossiers closed over 12 months ago");

        // The sweep runs as the Host starts (then every Retention:SweepInterval), batch after batch while batches are full.
        var watch = Stopwatch.StartNew();
        TimeSpan? done = null;
        using (await StartHostAsync(connectionString, work, background: true, new Dictionary<string, string>()))
        {
            var startUp = watch.Elapsed;
            while (watch.Elapsed < TimeSpan.FromMinutes(20))
            {
                if (await ScalarAsync(db, OldOutbox) == 0 && await ScalarAsync(db, OldJournal) == 0)
                {
                    done = watch.Elapsed;
                    break;
                }

                await Task.Delay(500);
            }

            Log($"  swept in {done?.TotalSeconds:F1} s from the Host's start (start-up {startUp.TotalSeconds:F1} s)");
        }

        var archived = await ScalarAsync(db, "SELECT count(*) FROM journal_archive");
        var afterDelete = await Bytes.ReadAsync(db);
        var vacuum = Stopwatch.StartNew();
        await ExecuteAsync(db, "VACUUM ANALYZE");
        var vacuumTime = vacuum.Elapsed;
        var after = await Bytes.ReadAsync(db);
        string Size(Bytes b, string table) => Mb(b.Tables.Where(t => t.Name == table).Sum(t => t.Total));
        report.Heading("Retention at scale (Retention: DeliveredOutboxDays 30, JournalArchiveMonths 12, BatchSize 5000: the defaults)")
            .Line(string.Create(c, $"{count:N0} closed dossiers (clones of {closed.Count} finished through the Host) dated 13-25 months back beside the active ones: {outboxBefore:N0} delivered messages older than 30 days and {journalBefore:N0} journal rows of dossiers closed over 12 months ago. The Host's retention sweep (runs at start-up, batch after batch while a batch is full) removed the messages and moved the journal rows to journal_archive ({archived:N0} rows there after) in **{(done is null ? "more than 20 min (not finished)" : $"{done.Value.TotalSeconds:F1} s")}** from the Host's start, start-up included. A plain VACUUM after it took {vacuumTime.TotalSeconds:F1} s."))
            .Table(
                ["Table", ">Before (MB)", ">After the sweep (MB)", ">After VACUUM (MB)"],
                SweptTables.Select(t => (IReadOnlyList<string>)[t, Size(before, t), Size(afterDelete, t), Size(after, t)])
                    .Append((IReadOnlyList<string>)["all tables", Mb(before.Tables.Sum(t => t.Total)), Mb(afterDelete.Tables.Sum(t => t.Total)), Mb(after.Tables.Sum(t => t.Total))]))
            .Line("Deleted rows leave their pages to PostgreSQL for reuse (VACUUM marks them free; new rows fill them); only VACUUM FULL or a partition drop gives the space back to the file system.");
    }

    private static void Log(string message) => Console.Error.WriteLine($"[{DateTime.Now:HH:mm:ss}] {message}");

    /// <summary>VmRSS, VmHWM, RssAnon (memory the process owns) and RssFile (mapped files: assemblies, shared and reclaimable) in bytes, from /proc/&lt;pid&gt;/status.</summary>
    private static class Memory
    {
        private static readonly char[] Blank = [' ', '\t'];

        public static (long Rss, long Hwm) Read(int pid)
        {
            var all = ReadAll(pid);
            return (all.GetValueOrDefault("VmRSS"), all.GetValueOrDefault("VmHWM"));
        }

        public static Dictionary<string, long> ReadAll(int pid)
        {
            var values = new Dictionary<string, long>(StringComparer.Ordinal);
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith("Vm", StringComparison.Ordinal) || line.StartsWith("Rss", StringComparison.Ordinal))
                {
                    var parts = line.Split(Blank, StringSplitOptions.RemoveEmptyEntries);
                    values[parts[0].TrimEnd(':')] = 1024 * long.Parse(parts[1], CultureInfo.InvariantCulture);
                }
            }

            return values;
        }
    }

    private sealed record Options(int Active, int Closed, IReadOnlyList<string> Variants, bool Keep, string? Connection)
    {
        public static Options? Parse(string[] args)
        {
            int active = 100_000, closed = 50_000;
            // The Host's default (workstation GC) against the Server GC it ran with before (docs/benchmarks.md, S5).
            string[] variants = ["default", "DOTNET_gcServer=1"];
            var keep = false;
            string? connection = null;
            for (var i = 0; i < args.Length; i++)
            {
                string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
                switch (args[i])
                {
                    case "--active": active = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                    case "--closed": closed = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                    case "--variants": variants = Next().Split(',', StringSplitOptions.RemoveEmptyEntries); break;
                    case "--keep": keep = true; break;
                    case "--connection": connection = Next(); break;
                    default: return null;
                }
            }

            return active < ActiveSamples || closed < ClosedSamples || variants.Length == 0 ? null : new Options(active, closed, variants, keep, connection);
        }
    }
}
