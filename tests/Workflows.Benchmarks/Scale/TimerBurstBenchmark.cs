using System.Diagnostics;
using System.Globalization;
using Npgsql;
using static Workflows.Benchmarks.Scale.ScaleDatabase;

namespace Workflows.Benchmarks.Scale;

/// <summary>
/// <c>scale-timers [--timers 20000] [--timeout 1800]</c> (S4): that many pending timers fall due at the same instant.
/// One dossier of a timer procedure is received through the Host and cloned by SQL (its timer first due far ahead);
/// the Host starts with its background timer runner (default settings), then one UPDATE makes every timer due a few
/// seconds later. The lag of each timer is its <c>timerFired</c> journal row's time (written in the transaction that
/// fires it and opens the next step) minus the due instant.
/// </summary>
internal static class TimerBurstBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var timers = Options.Int(args, "--timers", 20_000);
        var timeout = TimeSpan.FromSeconds(Options.Int(args, "--timeout", 1800));
        await using var database = await CreateAsync(args, "timers");
        if (database is null)
        {
            return 2;
        }

        await using var db = await database.OpenAsync();
        using (var host = await database.StartHostAsync(background: false))
        {
            await SeedDossier.PublishTimerProcedureAsync(host);
            var source = await SeedDossier.IntakeAsync(host, db, SeedDossier.TimerProcedure, "TIMER-SRC");
            await ExecuteAsync(db, $"UPDATE bookmarks SET due_at = '2099-01-01T00:00:00Z' WHERE instance_id = '{source}' AND kind = 'timer'");
            var watch = Stopwatch.StartNew();
            await CloneAsync(db, source, 1, timers - 1);
            Log($"{timers:N0} dossiers waiting on a timer cloned in {watch.Elapsed.TotalSeconds:F0} s");
        }

        await ExecuteAsync(db, "VACUUM ANALYZE");
        var pending = await ScalarAsync<long>(db, "SELECT count(*) FROM bookmarks WHERE kind = 'timer'");
        using var runner = await database.StartHostAsync(background: true);
        var load = Options.LoadAverage();

        // Due in two seconds: the runner's next sweeps find them all due at once.
        var due = await ScalarAsync<DateTime>(db, "WITH moved AS (UPDATE bookmarks SET due_at = date_trunc('second', now()) + interval '2 seconds' WHERE kind = 'timer' RETURNING due_at) SELECT min(due_at) FROM moved");
        var dueAt = new DateTimeOffset(DateTime.SpecifyKind(due, DateTimeKind.Utc));
        Log($"{pending:N0} timers due at {dueAt:HH:mm:ss} (load {load})");
        var deadline = DateTime.UtcNow + timeout;
        long left;
        do
        {
            await Task.Delay(1000);
            left = await ScalarAsync<long>(db, "SELECT count(*) FROM bookmarks WHERE kind = 'timer'");
            Log($"{left:N0} timers pending, {(DateTimeOffset.UtcNow - dueAt).TotalSeconds:F0} s after the due instant");
        }
        while (left > 0 && DateTime.UtcNow < deadline);

        var lags = new List<double>();
        await using (var command = new NpgsqlCommand("SELECT extract(epoch FROM (at - @due)) * 1000 FROM journal WHERE kind = 'timerFired'", db))
        {
            command.Parameters.AddWithValue("due", dueAt);
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                lags.Add((double)reader.GetDecimal(0));
            }
        }

        // A timer not fired by the deadline counts at the deadline: the percentiles cover every timer, never only the fast ones.
        var unfired = Math.Max(0, pending - lags.Count);
        var fired = lags.Count;
        lags.AddRange(Enumerable.Repeat(timeout.TotalMilliseconds, (int)unfired));
        var tasks = await ScalarAsync<long>(db, "SELECT count(*) FROM tasks WHERE node_id = 'reply' AND state = 'open'");
        var span = fired == 0 ? 0 : lags.Take(fired).Max() - Math.Max(0, lags.Take(fired).Min());
        Console.WriteLine($"# {pending:N0} timers due at once on PostgreSQL (one Host, default runner settings; load average {load} at the due instant, {Options.LoadAverage()} at the end)");
        Console.WriteLine();
        Console.WriteLine("| fired | steps opened | p50 lag | p95 lag | p99 lag | max lag | fire rate |");
        Console.WriteLine("|---:|---:|---:|---:|---:|---:|---:|");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {fired:N0} | {tasks:N0} | {Options.Percentile(lags, 0.5):F0} ms | {Options.Percentile(lags, 0.95):F0} ms | {Options.Percentile(lags, 0.99):F0} ms | {lags.DefaultIfEmpty(0).Max():F0} ms | {(span > 0 ? fired / (span / 1000) : 0):F0} timers/s |"));
        if (left > 0)
        {
            Console.WriteLine($"\n{unfired:N0} timers had not fired after {timeout.TotalSeconds:F0} s (counted at that lag above).");
        }

        return left > 0 ? 1 : 0;
    }
}
