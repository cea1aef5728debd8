using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Npgsql;
using Workflows.Benchmarks.Common;
using static Workflows.Benchmarks.Common.Sql;

namespace Workflows.Benchmarks.Durable;

/// <summary>
/// <c>durable [--seconds 20] [--warmup 30] [--clients 2,16] [--repeat 1] [--background] [--keep] [--host-env NAME=VALUE]... [--connection "..."]</c>: durable throughput of
/// the Release Host over HTTP on PostgreSQL (intake of dossiers, completion of intake tasks), each against a
/// pgbench run doing the same writes in the same transaction shape, in the same run. On demand only (not a test).
/// </summary>
internal static class DurableHarness
{
    private const string IntakeKey = "dev-intake-key";
    private const string OfficerKey = "dev-officer-desk-key";
    private const string Officer = "canbo.motcua";
    private const string IntakeClient = "motcua-tinh";
    private const string Procedure = "1.009994";
    private const string BenchClient = "bench-pg";

    // Where the Host logs the insert batches it sends itself (InsertBatch), beside EF's command log.
    private const string OneRoundTripCategory = "Workflows.Host.Persistence.ChangesetStore";

    public static async Task<int> RunAsync(string[] args)
    {
        var options = Options.Parse(args);
        if (options is null)
        {
            await Console.Error.WriteLineAsync("usage: durable [--seconds 20] [--warmup 30] [--clients 2,16] [--repeat 1] [--background] [--keep] [--host-env NAME=VALUE]... [--connection <Npgsql connection string>]");
            return 2;
        }

        var server = options.Connection ?? Environment.GetEnvironmentVariable("WORKFLOWS_TEST_POSTGRES");
        if (string.IsNullOrWhiteSpace(server))
        {
            await Console.Error.WriteLineAsync("No PostgreSQL: run  eval \"$(bash scripts/start-postgres.sh --export)\"  (sets WORKFLOWS_TEST_POSTGRES) or pass --connection.");
            return 2;
        }

        var started = DateTimeOffset.Now;
        var database = "workflows_durable_" + started.ToString("yyyyMMdd_HHmmss", CultureInfo.InvariantCulture);
        var connectionString = new NpgsqlConnectionStringBuilder(server) { Database = database, Pooling = true, SslMode = SslMode.Disable }.ConnectionString;
        var work = Path.Combine(Path.GetTempPath(), database);
        Directory.CreateDirectory(work);
        await ExecuteAsync(server, $"CREATE DATABASE {database}");
        var report = new Report(options, started, database, MarkdownReport.LoadAverage());
        try
        {
            await using var db = new NpgsqlConnection(connectionString);
            using (var host = await StartHostAsync(connectionString, work, options.Background, commandLog: false, options.HostEnvironment))
            {
                await db.OpenAsync();
                await report.ReadMachineAsync(db);
                using var http = new RawHttp(host.BaseAddress);
                var intake = new IntakeClientState(started);

                // Long enough for tiered JIT (and dynamic PGO) to reach tier 1 on the request path before anything is measured.
                Log($"warm-up: intake, 4 clients, {options.WarmUp} s");
                await HttpLoad.RunAsync(4, TimeSpan.FromSeconds(options.WarmUp), intake.Operation(http));

                var intakeRun = 0;
                foreach (var clients in options.Clients)
                {
                    intakeRun++;
                    Log($"intake (Host): {clients} clients, {options.Seconds} s");
                    var before = await Stats.ReadAsync(db);
                    var cpu = Cpu.Read(host);
                    var ours = await HttpLoad.RunAsync(clients, TimeSpan.FromSeconds(options.Seconds), intake.Operation(http));
                    var oursCpu = Cpu.Read(host) - cpu;
                    var oursStats = (await Stats.ReadAsync(db, settle: true)) - before;
                    Log($"  {ours.Rate:F1} dossiers/s, p50 {ours.P50:F1} ms, p95 {ours.P95:F1} ms, failures {ours.Failures}");

                    var script = await IntakeScriptAsync(db, work, intakeRun);
                    Log($"intake (pgbench): {clients} clients, {options.Seconds} s");
                    before = await Stats.ReadAsync(db);
                    cpu = Cpu.Read(host);
                    var baseline = await PgBench.RunAsync(connectionString, script, clients, options.Seconds, work);
                    var baselineCpu = Cpu.Read(host) - cpu;
                    var baselineStats = (await Stats.ReadAsync(db, settle: true)) - before;
                    Log($"  {baseline.Tps:F1} tps, p50 {baseline.P50:F1} ms, p95 {baseline.P95:F1} ms, failed {baseline.Failed}, aborted clients {baseline.AbortedClients}");
                    report.Add(new Measurement("Intake (POST /api/intake/dossiers)", clients, ours, oursStats, oursCpu, baseline, baselineStats, baselineCpu, null));
                }

                var run = 0;
                var lastRate = 0.0;
                foreach (var clients in options.Clients)
                {
                    run++;
                    var intakeRate = report.Measurements.Where(m => m.Clients == clients).Select(m => m.Ours.Rate).DefaultIfEmpty(100).Max();
                    var needed = (int)Math.Ceiling(2.5 * Math.Max(intakeRate, lastRate) * options.Seconds) + (run == 1 ? (int)Math.Ceiling(3.0 * Math.Max(intakeRate, 200) * (options.WarmUp / 2)) : 0);
                    await TopUpAsync(db, http, intake, needed);
                    if (run == 1)
                    {
                        Log($"warm-up: completions, 4 clients, {options.WarmUp / 2} s");
                        await HttpLoad.RunAsync(4, TimeSpan.FromSeconds(options.WarmUp / 2), CompleteOperation(http, await OpenTasksAsync(db, 4)));
                    }

                    var tasks = await OpenTasksAsync(db, clients);

                    Log($"completion (Host): {clients} clients, {options.Seconds} s, {tasks.Sum(t => t.Count)} open tasks");
                    var before = await Stats.ReadAsync(db);
                    var cpu = Cpu.Read(host);
                    var ours = await HttpLoad.RunAsync(clients, TimeSpan.FromSeconds(options.Seconds), CompleteOperation(http, tasks));
                    var oursCpu = Cpu.Read(host) - cpu;
                    var oursStats = (await Stats.ReadAsync(db, settle: true)) - before;
                    lastRate = ours.Rate;
                    Log($"  {ours.Rate:F1} completions/s, p50 {ours.P50:F1} ms, p95 {ours.P95:F1} ms, failures {ours.Failures}, clients out of tasks {ours.ExhaustedClients}");

                    // Generous: the completion baseline has no shared lock and may run far faster than the intake one.
                    var referenceTps = report.Measurements.Select(m => m.Baseline.Tps).DefaultIfEmpty(0).Max();
                    var perClient = (int)Math.Min(250_000 / clients, Math.Ceiling(Math.Max(1500, 3.0 * referenceTps) * options.Seconds / clients));
                    var (script, completedBefore) = await CompletionScriptAsync(db, work, run, clients, perClient);
                    Log($"completion (pgbench): {clients} clients, {options.Seconds} s, {perClient} seeded tasks per client");
                    before = await Stats.ReadAsync(db);
                    cpu = Cpu.Read(host);
                    var baseline = await PgBench.RunAsync(connectionString, script, clients, options.Seconds, work);
                    var baselineCpu = Cpu.Read(host) - cpu;
                    var baselineStats = (await Stats.ReadAsync(db, settle: true)) - before;
                    var completed = await ScalarAsync(db, $"SELECT count(*) FROM tasks t JOIN dossiers d ON d.id = t.instance_id WHERE d.intake_client = '{BenchClient}-c{run}' AND t.state = 'completed'") - completedBefore;
                    Log($"  {baseline.Tps:F1} tps, p50 {baseline.P50:F1} ms, p95 {baseline.P95:F1} ms, failed {baseline.Failed}, aborted clients {baseline.AbortedClients}, tasks closed {completed}/{baseline.Transactions}");
                    var note = completed >= (long)perClient * clients
                        ? $"pgbench used up all {perClient} seeded tasks of every client: its figure is over less than {options.Seconds} s; rerun with more seed."
                        : completed == baseline.Transactions ? null : $"pgbench closed {completed} seeded tasks for {baseline.Transactions} transactions.";
                    report.Add(new Measurement("Completion (POST /api/tasks/{id}/complete)", clients, ours, oursStats, oursCpu, baseline, baselineStats, baselineCpu, note));
                }
            }

            Log("round trips: one intake and one completion on a Host logging EF commands");
            using (var traced = await StartHostAsync(connectionString, work, background: false, commandLog: true, options.HostEnvironment))
            {
                using var http = new RawHttp(traced.BaseAddress);
                var intake = new IntakeClientState(started, "T");
                await TraceAsync(report, traced, "intake", () => intake.Operation(http)(0, 0, CancellationToken.None));
                var task = (await OpenTasksAsync(db, 1))[0];
                await TraceAsync(report, traced, "completion", () => CompleteOperation(http, [task])(0, 0, CancellationToken.None));
            }

            var file = await report.Markdown().WriteAsync($"durable-{started:yyyy-MM-dd}.md");
            Log($"report written to {file}");
            return 0;
        }
        finally
        {
            await EndRunAsync(server, database, work, options.Keep, Log);
        }
    }

    private static Task<ServiceProcess> StartHostAsync(string connectionString, string work, bool background, bool commandLog, IReadOnlyDictionary<string, string> extra)
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
            ["Logging__LogLevel__Microsoft.AspNetCore"] = "Warning",
            ["Logging__LogLevel__Microsoft.EntityFrameworkCore"] = "Warning",
        };
        if (commandLog)
        {
            environment["Logging__LogLevel__Microsoft.EntityFrameworkCore.Database.Command"] = "Information";
            environment["Logging__LogLevel__" + OneRoundTripCategory] = "Debug";
        }

        foreach (var (name, value) in extra)
        {
            environment[name] = value;
        }

        return HostRunner.StartAsync(work, environment, TimeSpan.FromSeconds(60), keepAllOutput: commandLog);
    }

    /// <summary>Distinct dossiers with ~1.5 KB of form data, received "now" (so the 1.009994 version in force applies).</summary>
    private sealed class IntakeClientState(DateTimeOffset started, string prefix = "B")
    {
        private static readonly string FormData = new JsonObject
        {
            ["floorArea"] = 180,
            ["floors"] = 3,
            ["landParcel"] = new JsonObject { ["sheet"] = "12", ["parcel"] = "345", ["area"] = 120.5, ["address"] = "Số 12 đường Trần Phú, phường Hải Châu, quận Hải Châu, TP Đà Nẵng" },
            ["design"] = new JsonObject { ["architect"] = "Công ty TNHH Tư vấn Thiết kế Xây dựng Miền Trung", ["license"] = "KTS-0123/2020", ["structure"] = "Khung bê tông cốt thép, móng băng", ["height"] = 11.5, ["basement"] = false },
            ["owner"] = new JsonObject { ["name"] = "Nguyễn Văn An", ["idNumber"] = "048090001234", ["address"] = "Số 12 đường Trần Phú, phường Hải Châu, quận Hải Châu, TP Đà Nẵng" },
            ["notes"] = string.Concat(Enumerable.Repeat("Hồ sơ đề nghị cấp giấy phép xây dựng nhà ở riêng lẻ tại đô thị; công trình không thuộc khu vực có quy hoạch chi tiết 1/500 được phê duyệt. ", 3)),
            ["contractor"] = new JsonObject { ["name"] = "Công ty Cổ phần Xây dựng Sông Hàn", ["phone"] = "0236 3812 345" },
        }.ToJsonString(new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });

        private readonly string receivedAt = started.ToOffset(TimeSpan.FromHours(7)).AddMinutes(-1).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);
        private readonly string run = started.ToString("HHmmss", CultureInfo.InvariantCulture);
        private int next;

        public static int FormDataBytes => Encoding.UTF8.GetByteCount(FormData);

        public HttpLoad.Operation Operation(RawHttp http) => async (client, iteration, cancellationToken) =>
        {
            var externalCode = string.Create(CultureInfo.InvariantCulture, $"{prefix}{run}-{Interlocked.Increment(ref next)}");
            var body = $$"""
                {"procedureCode":"{{Procedure}}","externalCode":"{{externalCode}}","applicant":{"name":"Nguyễn Văn An","idNumber":"048090001234","phone":"0905123456","email":"an@example.vn","address":"Hải Châu, Đà Nẵng"},"channel":"inPerson","receptionPoint":"ttpvhcc-tinh","receivedAt":"{{receivedAt}}","formData":{{FormData}},"documents":[{"name":"Đơn đề nghị cấp giấy phép xây dựng","originals":1},{"name":"Giấy tờ chứng minh quyền sử dụng đất","copies":1},{"name":"Bản vẽ thiết kế xây dựng","originals":2}]}
                """;
            var status = await http.PostJsonAsync(client, "api/intake/dossiers", IntakeKey, body, cancellationToken);
            return status == (int)HttpStatusCode.Created ? (Outcome.Success, null) : (Outcome.Failure, $"HTTP {status}");
        };
    }

    private static HttpLoad.Operation CompleteOperation(RawHttp http, List<Queue<Guid>> tasks) => async (client, iteration, cancellationToken) =>
    {
        if (!tasks[client].TryDequeue(out var id))
        {
            return (Outcome.Exhausted, null);
        }

        var status = await http.PostJsonAsync(client, $"api/tasks/{id}/complete", OfficerKey, """{"outcome":"approved"}""", cancellationToken);
        return status == (int)HttpStatusCode.OK ? (Outcome.Success, null) : (Outcome.Failure, $"HTTP {status}");
    };

    /// <summary>Open intake tasks of Host-received dossiers, dealt round-robin: each client completes only its own.</summary>
    private static async Task<List<Queue<Guid>>> OpenTasksAsync(NpgsqlConnection db, int clients)
    {
        var queues = Enumerable.Range(0, clients).Select(_ => new Queue<Guid>()).ToList();
        await using var command = new NpgsqlCommand(
            $"SELECT t.id FROM tasks t JOIN dossiers d ON d.id = t.instance_id WHERE d.intake_client = '{IntakeClient}' AND t.state = 'open' AND t.node_id = 'intake' ORDER BY t.opened_at, t.id", db);
        await using var reader = await command.ExecuteReaderAsync();
        for (var i = 0; await reader.ReadAsync(); i++)
        {
            queues[i % clients].Enqueue(reader.GetGuid(0));
        }

        return queues;
    }

    private static async Task TopUpAsync(NpgsqlConnection db, RawHttp http, IntakeClientState intake, int needed)
    {
        var open = await ScalarAsync(db, $"SELECT count(*) FROM tasks t JOIN dossiers d ON d.id = t.instance_id WHERE d.intake_client = '{IntakeClient}' AND t.state = 'open' AND t.node_id = 'intake'");
        if (open >= needed)
        {
            return;
        }

        Log($"pre-creating {needed - open} dossiers (have {open} open intake tasks, want {needed})");
        var remaining = (int)(needed - open);
        var operation = intake.Operation(http);
        await Task.WhenAll(Enumerable.Range(0, 8).Select(async c =>
        {
            while (Interlocked.Decrement(ref remaining) >= 0)
            {
                var (outcome, error) = await operation(c, 0, CancellationToken.None);
                if (outcome != Outcome.Success)
                {
                    throw new InvalidOperationException($"Pre-creating a dossier failed: {error}");
                }
            }
        }));
    }

    /// <summary>
    /// pgbench script for one intake: the rows the Host wrote for a real dossier, cloned as literals (same sizes),
    /// with fresh ids, in the Host's transaction shape: one multi-statement query without BEGIN (PostgreSQL runs it as
    /// one implicit transaction and commits at its end: one round trip), the inserts first and the day's sequence
    /// upsert last (its row lock held only to the commit). Client c's k-th intake uses ids bench_id(kind, c, k).
    /// </summary>
    private static async Task<string> IntakeScriptAsync(NpgsqlConnection db, string work, int run)
    {
        await CreateBenchIdFunctionAsync(db);
        var id = await GuidAsync(db, $"SELECT d.id FROM dossiers d JOIN instances i ON i.id = d.id WHERE d.intake_client = '{IntakeClient}' AND i.version = 1 ORDER BY d.created_at DESC LIMIT 1");
        var instance = (await RowLiterals.ReadAsync(db, "instances", $"id = '{id}'")).Single();
        var dossier = (await RowLiterals.ReadAsync(db, "dossiers", $"id = '{id}'")).Single();
        var bookmark = (await RowLiterals.ReadAsync(db, "bookmarks", $"instance_id = '{id}'")).Single();
        var task = (await RowLiterals.ReadAsync(db, "tasks", $"instance_id = '{id}'")).Single();
        var journal = await RowLiterals.ReadAsync(db, "journal", $"instance_id = '{id}'", "sequence");
        var outbox = await RowLiterals.ReadAsync(db, "outbox", $"instance_id = '{id}'", "created_at");
        var day = await StringAsync(db, "SELECT quote_literal(\"day\"::text) FROM dossier_sequences ORDER BY \"last\" DESC LIMIT 1");

        // Kinds apart from the completion script's (run * 10 + 1..3), one set per intake run.
        var iid = $"bench_id({1000 + (run * 10) + 1}, :client_id, :k)";
        var bid = $"bench_id({1000 + (run * 10) + 2}, :client_id, :k)";
        var statements = new List<string>
        {
            instance.Insert(new Dictionary<string, string> { ["id"] = iid }),
        };
        statements.AddRange(outbox.Select(o => o.Insert(new Dictionary<string, string> { ["id"] = "gen_random_uuid()", ["instance_id"] = iid })));
        statements.Add(bookmark.Insert(new Dictionary<string, string> { ["id"] = bid, ["instance_id"] = iid }));
        statements.Add(dossier.Insert(new Dictionary<string, string>
        {
            ["id"] = iid,
            ["code"] = $"'BENCHPGI-{run}-' || :client_id || '-' || :k",
            ["intake_client"] = $"'{BenchClient}'",
            ["external_code"] = $"{iid}::text",
        }));
        statements.Add(task.Insert(new Dictionary<string, string> { ["id"] = bid, ["instance_id"] = iid }));
        statements.AddRange(journal.Select(j => j.Insert(new Dictionary<string, string> { ["instance_id"] = iid })));
        statements.Add($"""INSERT INTO dossier_sequences (agency, "day", "last") VALUES ('BENCHPG', {day}, 1) ON CONFLICT (agency, "day") DO UPDATE SET "last" = dossier_sequences."last" + 1""");

        var script = new StringBuilder();
        script.AppendLine(CultureInfo.InvariantCulture, $"-- One intake of {Procedure}: the rows of dossier {id} written by the Host, cloned with new ids.");
        script.AppendLine(CultureInfo.InvariantCulture, $"-- Writes: 1 instance, {outbox.Count} outbox, 1 bookmark, 1 dossier, 1 task, {journal.Count} journal rows, then the sequence upsert; one query, one implicit transaction.");
        script.AppendLine(@"\set k :k + 1");
        script.Append(string.Join(" \\;\n", statements)).AppendLine(";");
        var path = Path.Combine(work, $"intake-{run}.sql");
        await File.WriteAllTextAsync(path, script.ToString());
        return path;
    }

    internal static Task CreateBenchIdFunctionAsync(NpgsqlConnection db) => ExecuteAsync(db, """
        CREATE OR REPLACE FUNCTION bench_id(kind int, client int, k int) RETURNS uuid LANGUAGE sql IMMUTABLE PARALLEL SAFE
        AS $$ SELECT (lpad(to_hex(kind), 8, '0') || '-0000-4000-8000-' || lpad(to_hex(client::bigint * 100000000 + k), 12, '0'))::uuid $$
        """);

    /// <summary>
    /// Seeds <paramref name="perClient"/> open dossiers per pgbench client (clones of a Host dossier waiting at its
    /// intake task, ids bench_id(kind, client, k)) and writes the completion script: the claim (its own
    /// transaction, as the Host's), then BEGIN, one batch (bookmark delete, dossier and instance updates with version
    /// checks, journal, outbox, next task and bookmark inserts: clones of what the Host wrote for a real completion),
    /// the task close UPDATE, COMMIT. Client c completes k = 1, 2, ... of its own rows.
    /// </summary>
    private static async Task<(string Script, long CompletedBefore)> CompletionScriptAsync(NpgsqlConnection db, string work, int run, int clients, int perClient)
    {
        await CreateBenchIdFunctionAsync(db);

        // A dossier still at its intake task (the state a completion starts from) and one whose intake task the Host completed.
        var open = await GuidAsync(db, $"SELECT d.id FROM dossiers d JOIN tasks t ON t.instance_id = d.id WHERE d.intake_client = '{IntakeClient}' AND t.state = 'open' AND t.node_id = 'intake' LIMIT 1");
        var done = await GuidAsync(db, $"SELECT d.id FROM dossiers d JOIN tasks t ON t.instance_id = d.id WHERE d.intake_client = '{IntakeClient}' AND t.state = 'completed' AND t.node_id = 'intake' ORDER BY t.closed_at DESC LIMIT 1");
        var seedInstance = (await RowLiterals.ReadAsync(db, "instances", $"id = '{open}'")).Single();
        var seedDossier = (await RowLiterals.ReadAsync(db, "dossiers", $"id = '{open}'")).Single();
        var seedBookmark = (await RowLiterals.ReadAsync(db, "bookmarks", $"instance_id = '{open}'")).Single();
        var seedTask = (await RowLiterals.ReadAsync(db, "tasks", $"instance_id = '{open}'")).Single();
        var seedJournal = await RowLiterals.ReadAsync(db, "journal", $"instance_id = '{open}'", "sequence");
        var seedOutbox = await RowLiterals.ReadAsync(db, "outbox", $"instance_id = '{open}'", "created_at");

        var doneInstance = (await RowLiterals.ReadAsync(db, "instances", $"id = '{done}'")).Single();
        var doneDossier = (await RowLiterals.ReadAsync(db, "dossiers", $"id = '{done}'")).Single();
        var doneBookmark = (await RowLiterals.ReadAsync(db, "bookmarks", $"instance_id = '{done}'")).Single();
        var doneTask = (await RowLiterals.ReadAsync(db, "tasks", $"instance_id = '{done}' AND state = 'open'")).Single();
        var seedSequences = seedJournal.Select(j => j["sequence"]).ToHashSet(StringComparer.Ordinal);
        var doneJournal = (await RowLiterals.ReadAsync(db, "journal", $"instance_id = '{done}'", "sequence")).Where(j => !seedSequences.Contains(j["sequence"])).ToList();
        var doneOutbox = (await RowLiterals.ReadAsync(db, "outbox", $"instance_id = '{done}'", "created_at")).Skip(seedOutbox.Count).ToList();

        int Kind(int kind) => run * 10 + kind;
        var client = $"'{BenchClient}-c{run}'";

        Log($"seeding {clients} x {perClient} open dossiers for pgbench");
        var from = $"generate_series(0, {clients - 1}) AS c, generate_series(1, {perClient}) AS k";
        string Id(int kind) => $"bench_id({Kind(kind)}, c, k)";
        await ExecuteAsync(db, seedInstance.InsertSelect(new Dictionary<string, string> { ["id"] = Id(1) }, from));
        await ExecuteAsync(db, seedDossier.InsertSelect(new Dictionary<string, string>
        {
            ["id"] = Id(1),
            ["code"] = $"'BENCHPG-{run}-' || c || '-' || k",
            ["intake_client"] = client,
            ["external_code"] = $"{Id(1)}::text",
        }, from));
        await ExecuteAsync(db, seedBookmark.InsertSelect(new Dictionary<string, string> { ["id"] = Id(2), ["instance_id"] = Id(1) }, from));
        await ExecuteAsync(db, seedTask.InsertSelect(new Dictionary<string, string> { ["id"] = Id(2), ["instance_id"] = Id(1) }, from));
        foreach (var row in seedJournal)
        {
            await ExecuteAsync(db, row.InsertSelect(new Dictionary<string, string> { ["instance_id"] = Id(1) }, from));
        }

        foreach (var row in seedOutbox)
        {
            await ExecuteAsync(db, row.InsertSelect(new Dictionary<string, string> { ["id"] = "gen_random_uuid()", ["instance_id"] = Id(1) }, from));
        }

        await ExecuteAsync(db, "ANALYZE");
        var completedBefore = await ScalarAsync(db, $"SELECT count(*) FROM tasks t JOIN dossiers d ON d.id = t.instance_id WHERE d.intake_client = {client} AND t.state = 'completed'");

        string Mine(int kind) => $"bench_id({Kind(kind)}, :client_id, :k)";
        var instanceId = Mine(1);
        var taskId = Mine(2);
        var batch = new List<string>
        {
            $"DELETE FROM bookmarks WHERE id = {taskId}",
            doneDossier.Update(["row_version", "status", "updated_at"], new Dictionary<string, string> { ["updated_at"] = "now()" }, $"id = {instanceId} AND row_version = {seedDossier["row_version"]}"),
            doneInstance.Update(
                doneInstance.Columns.Where(c => c is not ("id" or "created_at")),
                new Dictionary<string, string> { ["updated_at"] = "now()" },
                $"id = {instanceId} AND version = {seedInstance["version"]}"),
        };
        batch.AddRange(doneJournal.Select(j => j.Insert(new Dictionary<string, string> { ["instance_id"] = instanceId })));
        batch.AddRange(doneOutbox.Select(o => o.Insert(new Dictionary<string, string> { ["id"] = "gen_random_uuid()", ["instance_id"] = instanceId })));
        batch.Add(doneTask.Insert(new Dictionary<string, string> { ["id"] = Mine(3), ["instance_id"] = instanceId }));
        batch.Add(doneBookmark.Insert(new Dictionary<string, string> { ["id"] = Mine(3), ["instance_id"] = instanceId }));

        var script = new StringBuilder();
        script.AppendLine(CultureInfo.InvariantCulture, $"-- One completion of the intake step of {Procedure}: the writes the Host made completing dossier {done}, cloned onto seeded rows.");
        script.AppendLine(CultureInfo.InvariantCulture, $"-- Writes: claim UPDATE (own transaction); then 1 bookmark DELETE, dossier and instance UPDATEs (version checks), {doneJournal.Count} journal, {doneOutbox.Count} outbox, 1 task, 1 bookmark INSERTs, the task close UPDATE.");
        script.AppendLine(@"\set k :k + 1");
        script.AppendLine(CultureInfo.InvariantCulture, $"UPDATE tasks SET claimed_by = '{Officer}', row_version = row_version + 1 WHERE id = {taskId} AND state = 'open' AND claimed_by IS NULL AND department = ANY ('{{one-stop-desk}}');");
        script.Append("BEGIN \\; ").Append(string.Join(" \\;\n", batch)).AppendLine(";");
        script.AppendLine(CultureInfo.InvariantCulture, $"UPDATE tasks SET state = 'completed', closed_at = now(), outcome = 'approved', actor = '{Officer}', note = NULL, row_version = row_version + 1 WHERE id = {taskId} AND state = 'open';");
        script.AppendLine("COMMIT;");
        var path = Path.Combine(work, $"complete-{run}.sql");
        await File.WriteAllTextAsync(path, script.ToString());
        return (path, completedBefore);
    }

    /// <summary>Runs one request on a Host that logs every EF command, and records the commands that request ran.</summary>
    private static async Task TraceAsync(Report report, ServiceProcess host, string name, Func<Task<(Outcome Outcome, string? Error)>> request)
    {
        var from = host.Lines.Count;
        var (outcome, error) = await request();
        await Task.Delay(500);
        var commands = new List<(string Text, string Elapsed, string Note)>();
        foreach (var line in host.Lines.Skip(from))
        {
            try
            {
                var entry = JsonNode.Parse(line);
                var category = (string?)entry?["Category"];
                if (category is "Microsoft.EntityFrameworkCore.Database.Command" or OneRoundTripCategory && entry?["State"]?["commandText"] is { } text)
                {
                    // The Host's one-round-trip batch has no explicit transaction: it commits as the batch ends.
                    var note = category == OneRoundTripCategory ? " (no explicit transaction: committed as the batch ends)" : string.Empty;
                    commands.Add(((string)text!, (string?)entry["State"]!["elapsed"] ?? "?", note));
                }
            }
            catch (JsonException)
            {
                // Not a log entry.
            }
        }

        report.Traces.Add((name, outcome == Outcome.Success ? "ok" : error ?? "failed", commands));
    }

    private static void Log(string message) => Console.Error.WriteLine($"[{DateTime.Now:HH:mm:ss}] {message}");

    internal sealed record Options(int Seconds, int WarmUp, IReadOnlyList<int> Clients, bool Background, bool Keep, string? Connection, IReadOnlyDictionary<string, string> HostEnvironment)
    {
        public static Options? Parse(string[] args)
        {
            var seconds = 20;
            // Tiered JIT with dynamic PGO needs about half a minute of load on 2 shared cores before the request path
            // stops being recompiled; measured earlier, the JIT thread took a fifth of the machine.
            var warmUp = 30;
            var repeat = 1;
            IReadOnlyList<int> clients = [2, 16];
            bool background = false, keep = false;
            string? connection = null;
            var hostEnvironment = new Dictionary<string, string>(StringComparer.Ordinal);
            for (var i = 0; i < args.Length; i++)
            {
                switch (args[i])
                {
                    case "--seconds" when i + 1 < args.Length && int.TryParse(args[i + 1], CultureInfo.InvariantCulture, out var s) && s > 0:
                        seconds = s;
                        i++;
                        break;
                    case "--repeat" when i + 1 < args.Length && int.TryParse(args[i + 1], CultureInfo.InvariantCulture, out var r) && r > 0:
                        repeat = r;
                        i++;
                        break;
                    case "--warmup" when i + 1 < args.Length && int.TryParse(args[i + 1], CultureInfo.InvariantCulture, out var w) && w >= 0:
                        warmUp = w;
                        i++;
                        break;
                    case "--clients" when i + 1 < args.Length:
                        var parsed = args[++i].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                            .Select(c => int.TryParse(c, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : 0).ToList();
                        if (parsed.Count == 0 || parsed.Contains(0))
                        {
                            return null;
                        }

                        clients = parsed;
                        break;
                    case "--background":
                        background = true;
                        break;
                    case "--keep":
                        keep = true;
                        break;
                    case "--host-env" when i + 1 < args.Length && args[i + 1].IndexOf('=', StringComparison.Ordinal) > 0:
                        var setting = args[++i];
                        hostEnvironment[setting[..setting.IndexOf('=', StringComparison.Ordinal)]] = setting[(setting.IndexOf('=', StringComparison.Ordinal) + 1)..];
                        break;
                    case "--connection" when i + 1 < args.Length:
                        connection = args[++i];
                        break;
                    default:
                        return null;
                }
            }

            // Repeated pairs interleave the client counts (2, 16, 2, 16, ...) so a slow minute does not fall on one of them.
            clients = [.. Enumerable.Repeat(clients, repeat).SelectMany(c => c)];
            return new Options(seconds, warmUp, clients, background, keep, connection, hostEnvironment);
        }
    }

    /// <summary>pg_stat_database counters of the benchmark database.</summary>
    internal sealed record Stats(long Commits, long Rollbacks, long Inserted, long Updated, long Deleted)
    {
        public static async Task<Stats> ReadAsync(NpgsqlConnection db, bool settle = false)
        {
            if (settle)
            {
                // Backends report their counters about once a second when idle (and at exit).
                await Task.Delay(2000);
            }

            await ExecuteAsync(db, "SELECT pg_stat_clear_snapshot()");
            await using var command = new NpgsqlCommand(
                "SELECT xact_commit, xact_rollback, tup_inserted, tup_updated, tup_deleted FROM pg_stat_database WHERE datname = current_database()", db);
            await using var reader = await command.ExecuteReaderAsync();
            await reader.ReadAsync();
            return new Stats(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4));
        }

        public static Stats operator -(Stats a, Stats b) =>
            new(a.Commits - b.Commits, a.Rollbacks - b.Rollbacks, a.Inserted - b.Inserted, a.Updated - b.Updated, a.Deleted - b.Deleted);
    }

    /// <summary>CPU used: the Host process, this harness (the HTTP load generator) and the whole machine (busy time from /proc/stat).</summary>
    internal sealed record Cpu(TimeSpan Host, TimeSpan Harness, TimeSpan Machine)
    {
        public static Cpu Read(ServiceProcess host) => new(host.CpuTime, Process.GetCurrentProcess().TotalProcessorTime, MachineBusy());

        public static Cpu operator -(Cpu a, Cpu b) => new(a.Host - b.Host, a.Harness - b.Harness, a.Machine - b.Machine);

        private static TimeSpan MachineBusy()
        {
            if (!File.Exists("/proc/stat"))
            {
                return TimeSpan.Zero;
            }

            // cpu  user nice system idle iowait irq softirq steal ... (USER_HZ = 100 ticks per second)
            var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1)
                .Select(f => long.Parse(f, CultureInfo.InvariantCulture)).ToArray();
            var busy = fields.Take(8).Sum() - fields[3] - fields[4];
            return TimeSpan.FromMilliseconds(busy * 10);
        }
    }

    internal sealed record Measurement(string Scenario, int Clients, LoadResult Ours, Stats OursStats, Cpu OursCpu, PgBenchResult Baseline, Stats BaselineStats, Cpu BaselineCpu, string? Note)
    {
        public double Ratio => Baseline.Tps > 0 ? Ours.Rate / Baseline.Tps : double.NaN;
    }

    private sealed class Report(Options options, DateTimeOffset started, string database, string loadAtStart)
    {
        public List<Measurement> Measurements { get; } = [];

        public List<(string Name, string Outcome, List<(string Text, string Elapsed, string Note)> Commands)> Traces { get; } = [];

        private string postgres = "?";
        private string settings = "?";

        public void Add(Measurement measurement) => Measurements.Add(measurement);

        private static double Median(IEnumerable<double> values)
        {
            var sorted = values.Order().ToArray();
            return sorted.Length == 0 ? double.NaN
                : sorted.Length % 2 == 1 ? sorted[sorted.Length / 2]
                : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
        }

        public async Task ReadMachineAsync(NpgsqlConnection db)
        {
            postgres = await StringAsync(db, "SELECT version()");
            settings = await StringAsync(db, """
                SELECT string_agg(name || '=' || setting || coalesce(unit, ''), ', ' ORDER BY name) FROM pg_settings
                WHERE name IN ('synchronous_commit', 'fsync', 'wal_sync_method', 'shared_buffers', 'max_connections', 'full_page_writes', 'commit_delay')
                """);
        }

        public MarkdownReport Markdown()
        {
            var c = CultureInfo.InvariantCulture;
            var report = new MarkdownReport(
                $"Durable throughput: Host over HTTP vs pgbench doing the same writes ({started:yyyy-MM-dd})",
                $"dotnet run -c Release --project tests/Workflows.Benchmarks -- durable --seconds {options.Seconds} --warmup {options.WarmUp} --clients {string.Join(',', options.Clients)}{(options.Background ? " --background" : string.Empty)}{string.Concat(options.HostEnvironment.Select(e => $" --host-env {e.Key}={e.Value}"))}",
                loadAtStart);
            report.Machine($"PostgreSQL: {postgres}")
                .Machine($"Settings: {settings}")
                .Machine("The Host, PostgreSQL, pgbench and this load generator share these cores (other builds may too).")
                .Machine($"Host: Release Workflows.Host.dll, Development environment, logging at Warning, Runtime:Background={(options.Background ? "true (timer runner and outbox dispatcher running)" : "false (timer runner and outbox dispatcher off: only the request path is measured)")}. Fresh database `{database}`.")
                .Machine($"Load: closed loop, each client one request at a time on its own keep-alive HTTP/1.1 connection (a lean client sending prepared bytes: RawHttp.cs), {options.Seconds} s per run. Intake: distinct dossiers of {Procedure} with {IntakeClientState.FormDataBytes} bytes of form data; 201 counted (sent after commit). Completion: each client completes its own open `intake` tasks (outcome approved, key {OfficerKey}); 200 counted.")
                .Machine($"Baseline: `pgbench -n -f <script> -c N -j min(N,2) -T {options.Seconds}` (simple protocol), scripts generated from rows the Host wrote in this run (see below). Both sides connect over loopback TCP without TLS (`SslMode=Disable`, `PGSSLMODE=disable`). Warm-up before measuring: {options.WarmUp} s of intake and {options.WarmUp / 2} s of completions.");
            var repeated = Measurements.GroupBy(m => (m.Scenario, m.Clients)).Where(g => g.Count() > 1).ToList();
            if (repeated.Count > 0)
            {
                // Single back-to-back pairs differ by up to ±30 % on this shared machine: the verdict is the median pair.
                report.Heading("Summary (median over the repeated pairs)").Table(
                    ["Scenario", ">Clients", ">Pairs", ">Ours, median (ops/s)", ">Ours failed (all pairs)", ">pgbench, median (tps)", ">pgbench failed (all pairs)", "Ratios of the pairs", ">Median ratio", "Target ≥ 50%"],
                    repeated.Select(group =>
                    {
                        var median = Median(group.Select(m => m.Ratio));
                        return (IReadOnlyList<string>)[group.Key.Scenario, $"{group.Key.Clients}", $"{group.Count()}", Median(group.Select(m => m.Ours.Rate)).ToString("F1", c), $"{group.Sum(m => m.Ours.Failures)}", Median(group.Select(m => m.Baseline.Tps)).ToString("F1", c), $"{group.Sum(m => m.Baseline.Failed)}", string.Join(", ", group.Select(m => m.Ratio.ToString("P0", c))), median.ToString("P0", c), median >= 0.5 ? "met" : "**missed**"];
                    }));
            }

            // Failures beside every figure: a rate is only comparable when neither side dropped requests.
            report.Heading("Results").Table(
                ["Scenario", ">Clients", ">Ours (ops/s)", ">Ours failed / sent", ">Ours p50 / p95 (ms)", ">pgbench (tps)", ">pgbench failed / sent", ">pgbench p50 / p95 (ms)", ">Ours / baseline", "Target ≥ 50%"],
                Measurements.Select(m => (IReadOnlyList<string>)[m.Scenario, $"{m.Clients}", m.Ours.Rate.ToString("F1", c), $"{m.Ours.Failures} / {m.Ours.Successes + m.Ours.Failures}", string.Create(c, $"{m.Ours.P50:F1} / {m.Ours.P95:F1}"), m.Baseline.Tps.ToString("F1", c), $"{m.Baseline.Failed} / {m.Baseline.Transactions + m.Baseline.Failed}", string.Create(c, $"{m.Baseline.P50:F1} / {m.Baseline.P95:F1}"), m.Ratio.ToString("P0", c), m.Ratio >= 0.5 ? "met" : "**missed**"]));
            var problems = Measurements.Where(m => m.Ours.Failures > 0 || m.Ours.ExhaustedClients > 0 || m.Baseline.Failed > 0 || m.Baseline.AbortedClients > 0 || m.Note is not null).ToList();
            foreach (var m in problems)
            {
                report.Line($"- {m.Scenario}, {m.Clients} clients: Host failures {m.Ours.Failures} ({string.Join(", ", m.Ours.Errors.Select(e => $"{e.Key} ×{e.Value}"))}), clients out of tasks {m.Ours.ExhaustedClients}; pgbench failed {m.Baseline.Failed}, aborted clients {m.Baseline.AbortedClients}. {m.Note}", tight: true);
            }

            report.Line(problems.Count == 0 ? "No request failed, no client ran out of work, every pgbench transaction committed." : string.Empty);

            report.Heading("Database work per operation (pg_stat_database deltas over each run)")
                .Line("Commits count every transaction, including the Host's autocommit reads; rows are heap rows written.")
                .Table(
                    ["Scenario", ">Clients", "Side", ">Operations", ">Commits / op", ">Rows inserted / op", ">Rows updated / op", ">Rows deleted / op"],
                    Measurements.SelectMany(m => new[]
                    {
                        Row(m.Scenario, m.Clients, "Host", m.Ours.Successes + m.Ours.Failures, m.OursStats),
                        Row(m.Scenario, m.Clients, "pgbench", m.Baseline.Transactions, m.BaselineStats),
                    }));

            report.Heading("CPU per operation (ms; machine = busy time of all cores from /proc/stat, which includes PostgreSQL and anything else running)").Table(
                ["Scenario", ">Clients", ">Host process", ">Load generator", ">Machine, Host run", ">Machine, pgbench run", ">Machine busy, Host run", ">Machine busy, pgbench run"],
                Measurements.Select(m =>
                {
                    var ops = Math.Max(1, m.Ours.Successes + m.Ours.Failures);
                    var tx = Math.Max(1, m.Baseline.Transactions);
                    var cores = Environment.ProcessorCount;
                    return (IReadOnlyList<string>)[m.Scenario, $"{m.Clients}", (m.OursCpu.Host.TotalMilliseconds / ops).ToString("F2", c), (m.OursCpu.Harness.TotalMilliseconds / ops).ToString("F2", c), (m.OursCpu.Machine.TotalMilliseconds / ops).ToString("F2", c), (m.BaselineCpu.Machine.TotalMilliseconds / tx).ToString("F2", c), (m.OursCpu.Machine / (m.Ours.Elapsed * cores)).ToString("P0", c), (m.BaselineCpu.Machine / (TimeSpan.FromSeconds(options.Seconds) * cores)).ToString("P0", c)];
                }));

            report.Heading("Round trips of one request (command log, EF's and the Host's own insert batch, of a separate, freshly started Host with command logging on: times are cold, the count is what matters)");
            foreach (var (name, outcome, commands) in Traces)
            {
                report.Line($"**{name}** ({outcome}): {commands.Count} database commands (BEGIN is sent with the first command of an explicit transaction, its COMMIT is not logged: add one round trip per explicit transaction).");
                var i = 0;
                foreach (var (text, elapsed, note) in commands)
                {
                    var statements = text.Split(";\n", StringSplitOptions.RemoveEmptyEntries).Select(s => Summary(s)).ToList();
                    report.Line($"{++i}. ({elapsed} ms){note} {(statements.Count > 1 ? $"batch of {statements.Count}: " : string.Empty)}{string.Join("; ", statements)}", tight: true);
                }

                report.Line(string.Empty, tight: true);
            }

            return report;
        }

        private static IReadOnlyList<string> Row(string scenario, int clients, string side, long operations, Stats s)
        {
            string Per(long v) => (operations > 0 ? (double)v / operations : double.NaN).ToString("F2", CultureInfo.InvariantCulture);
            return [scenario, $"{clients}", side, $"{operations}", Per(s.Commits), Per(s.Inserted), Per(s.Updated), Per(s.Deleted)];
        }

        // "SELECT ... FROM tasks AS t INNER JOIN ..." → "SELECT tasks (+3 joins)"; "INSERT INTO journal (...)" → "INSERT journal".
        private static string Summary(string sql)
        {
            var text = string.Join(' ', sql.Split((char[])['\n', '\r', ' '], StringSplitOptions.RemoveEmptyEntries));
            string After(string keyword)
            {
                var at = text.IndexOf(keyword, StringComparison.OrdinalIgnoreCase);
                return at < 0 ? "?" : text[(at + keyword.Length)..].Split(' ', 2)[0];
            }

            var verb = text.Split(' ', 2)[0].ToUpperInvariant();
            return verb switch
            {
                "SELECT" => $"SELECT {After(" FROM ")}{(text.Contains(" JOIN ", StringComparison.OrdinalIgnoreCase) ? $" (+{CountOf(text, " JOIN ")} joins)" : string.Empty)}",
                "INSERT" => $"INSERT {After("INSERT INTO ")}{(text.Contains("ON CONFLICT", StringComparison.OrdinalIgnoreCase) ? " ON CONFLICT UPDATE" : string.Empty)}",
                "UPDATE" => $"UPDATE {After("UPDATE ")}",
                "DELETE" => $"DELETE {After("DELETE FROM ")}",
                _ => text.Length > 60 ? text[..60] + "…" : text,
            };
        }

        private static int CountOf(string text, string part)
        {
            var count = 0;
            for (var at = text.IndexOf(part, StringComparison.OrdinalIgnoreCase); at >= 0; at = text.IndexOf(part, at + part.Length, StringComparison.OrdinalIgnoreCase))
            {
                count++;
            }

            return count;
        }
    }
}
