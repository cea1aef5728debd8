using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Npgsql;
using static Workflows.Benchmarks.Scale.ScaleDatabase;

namespace Workflows.Benchmarks.Scale;

/// <summary>
/// <c>scale-calendar [--dossiers 100000] [--runs 5]</c> (S4): an administrator adds a day off that moves every due time
/// (<c>PUT /api/calendars/{year}</c>) with that many open dossiers. One building-permit dossier is received through the
/// Host and cloned by SQL into a template database; each run works on a fresh copy of it (a file copy), first timing the
/// floor (a bare UPDATE of every open dossier's due time, rolled back, then vacuumed away), then the Host's PUT.
/// <c>--keep</c> keeps the template; <c>--template &lt;name&gt;</c> runs on a kept one instead of cloning again;
/// <c>--host &lt;Workflows.Host.dll&gt;</c> times an earlier build's PUT (the template is cloned by this build's Host), so
/// a change is compared with what it replaces in the same session.
/// </summary>
internal static class CalendarEditBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var dossiers = Options.Int(args, "--dossiers", 100_000);
        var runs = Options.Int(args, "--runs", 5);
        var hostAssembly = Options.String(args, "--host");
        await using var database = await CreateAsync(args, "calendar");
        if (database is null)
        {
            return 2;
        }

        // --template <database>: the cloned dossiers of an earlier run kept with --keep (not dropped at the end), to
        // measure a change without cloning again.
        var template = Options.String(args, "--template");
        if (template is null)
        {
            var watch = Stopwatch.StartNew();
            await using (var db = await database.OpenAsync())
            {
                using (var host = await database.StartHostAsync(background: false))
                {
                    var source = await SeedDossier.IntakeAsync(host, db, SeedDossier.PermitProcedure, "CAL-SRC");
                    await CloneAsync(db, source, 1, dossiers - 1);
                }

                await ExecuteAsync(db, "VACUUM ANALYZE");
            }

            template = database.Name + "_tpl";
            await database.CreateDatabaseAsync(template, database.Name);
            Log($"{dossiers:N0} open dossiers cloned in {watch.Elapsed.TotalSeconds:F0} s (load {Options.LoadAverage()})");
        }

        var dayOff = NextWorkingDay(DateOnly.FromDateTime(DateTime.UtcNow.AddHours(7)));
        var floors = new List<double>();
        var puts = new List<double>();
        var loads = new List<string>();
        for (var run = 1; run <= runs; run++)
        {
            var copy = $"{database.Name}_r{run}";
            await database.CreateDatabaseAsync(copy, template);
            await using (var db = await database.OpenAsync(copy))
            {
                // The floor: the dossiers' own UPDATE, with their indexes, nothing read or computed.
                await using (var transaction = await db.BeginTransactionAsync())
                {
                    var floor = Stopwatch.StartNew();
                    var moved = await ExecuteAsync(db, "UPDATE dossiers SET due_at = due_at + interval '1 day', updated_at = now(), row_version = row_version + 1 WHERE completed_at IS NULL");
                    floors.Add(floor.Ms());
                    await transaction.RollbackAsync();
                    Log($"run {run}: floor UPDATE of {moved:N0} dossiers {floor.Ms():F0} ms");
                }

                await ExecuteAsync(db, "VACUUM ANALYZE dossiers");
            }

            // The Host logs where the edit's time went (DueTimeRecalculator's phases), printed with each run.
            var phases = new Dictionary<string, string> { ["Logging__LogLevel__Workflows.Host.Deadlines"] = "Information" };
            using (var host = await database.StartHostAsync(background: false, database: copy, extra: phases, assembly: hostAssembly))
            using (var admin = SeedDossier.Client(host, AdministratorKey))
            {
                var calendar = JsonNode.Parse(await admin.GetStringAsync(new Uri($"api/calendars/{dayOff.Year}", UriKind.Relative)))!.AsObject();

                // Warm-up: the same calendar saved unchanged runs the whole path (every open row read and counted
                // again) and moves nothing, so the timed PUT measures the work, not the Host's first-call compilation.
                var warm = Stopwatch.StartNew();
                using (var unchanged = await admin.PutAsync(new Uri($"api/calendars/{dayOff.Year}", UriKind.Relative), new StringContent(calendar.ToJsonString(), Encoding.UTF8, "application/json")))
                {
                    var said = await unchanged.Content.ReadAsStringAsync();
                    Log($"run {run}: unchanged PUT (warm-up) {(int)unchanged.StatusCode} in {warm.Ms():F0} ms: {said[..Math.Min(120, said.Length)]}");
                }

                calendar["holidays"]!.AsArray().Add(new JsonObject
                {
                    ["date"] = dayOff.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                    ["name"] = "Ngày nghỉ đột xuất (đo tải)",
                    ["kind"] = "holiday",
                    ["provisional"] = false,
                });
                loads.Add(Options.LoadAverage());
                var put = Stopwatch.StartNew();
                using var response = await admin.PutAsync(new Uri($"api/calendars/{dayOff.Year}", UriKind.Relative), new StringContent(calendar.ToJsonString(), Encoding.UTF8, "application/json"));
                var body = await response.Content.ReadAsStringAsync();
                puts.Add(put.Ms());
                if (!response.IsSuccessStatusCode)
                {
                    throw new InvalidOperationException($"PUT calendar: {(int)response.StatusCode} {body}\n{host.Tail}");
                }

                Log($"run {run}: PUT {put.Ms():F0} ms (load {loads[^1]}): {body[..Math.Min(160, body.Length)]}");
                Log($"run {run}: {host.Tail.Split('\n').LastOrDefault(l => l.Contains("Due times counted", StringComparison.Ordinal))?.Trim()}");
            }

            await database.DropDatabaseAsync(copy);
        }

        Console.WriteLine($"# Calendar edit, {dossiers:N0} open dossiers on PostgreSQL (day off {dayOff:yyyy-MM-dd}; {runs} runs; Host {hostAssembly ?? "of this build"})");
        Console.WriteLine();
        Console.WriteLine("| | median | p95 | runs |");
        Console.WriteLine("|---|---:|---:|---|");
        Console.WriteLine($"| PUT /api/calendars/{dayOff.Year} | {Options.Median(puts):F0} ms | {Options.Percentile(puts, 0.95):F0} ms | {string.Join(", ", puts.Select(p => p.ToString("F0", CultureInfo.InvariantCulture)))} |");
        Console.WriteLine($"| floor: bare UPDATE of the dossiers | {Options.Median(floors):F0} ms | {Options.Percentile(floors, 0.95):F0} ms | {string.Join(", ", floors.Select(p => p.ToString("F0", CultureInfo.InvariantCulture)))} |");
        Console.WriteLine();
        Console.WriteLine($"PUT / floor (medians): {Options.Median(puts) / Options.Median(floors):F1}; load average at each PUT: {string.Join("; ", loads)}");
        return 0;
    }

    /// <summary>The next Monday-to-Friday after <paramref name="today"/>: every open appointment lies after it.</summary>
    private static DateOnly NextWorkingDay(DateOnly today)
    {
        var day = today.AddDays(1);
        while (day.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday)
        {
            day = day.AddDays(1);
        }

        return day;
    }
}
