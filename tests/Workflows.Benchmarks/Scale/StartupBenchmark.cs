using System.Diagnostics;
using System.Globalization;
using System.Net;
using Workflows.Benchmarks.Durable;
using Workflows.Benchmarks.Common;
using static Workflows.Benchmarks.Scale.ScaleDatabase;

namespace Workflows.Benchmarks.Scale;

/// <summary>
/// <c>scale-startup [--timers 0,100000,1000000] [--runs 5]</c> (S4): Host start-up time with that many pending timers
/// (dossiers of a timer procedure received through the Host, cloned by SQL, due far ahead). Each run starts the Release
/// Host process with its background runners and times process start → <c>/health</c> 200 (polled every 10 ms) → the
/// first API answer (a dossier looked up by code).
/// </summary>
internal static class StartupBenchmark
{
    private const int CloneBatch = 100_000;

    public static async Task<int> RunAsync(string[] args)
    {
        var counts = Options.Ints(args, "--timers", [0, 100_000, 1_000_000]);
        var runs = Options.Int(args, "--runs", 5);
        await using var database = await CreateAsync(args, "startup");
        if (database is null)
        {
            return 2;
        }

        await using var db = await database.OpenAsync();
        Guid? source = null;
        var cloned = 0;
        var rows = new List<string>();
        foreach (var count in counts.Order())
        {
            if (count > 0 && source is null)
            {
                using var host = await database.StartHostAsync(background: false);
                await SeedDossier.PublishTimerProcedureAsync(host);
                source = await SeedDossier.IntakeAsync(host, db, SeedDossier.TimerProcedure, "START-SRC");
                await ExecuteAsync(db, $"UPDATE bookmarks SET due_at = '2099-01-01T00:00:00Z' WHERE instance_id = '{source}' AND kind = 'timer'");
                cloned = 1;
            }

            var watch = Stopwatch.StartNew();
            while (cloned < count)
            {
                var batch = Math.Min(CloneBatch, count - cloned);
                await CloneAsync(db, source!.Value, cloned, batch);
                cloned += batch;
                Log($"{cloned:N0} pending timers");
            }

            await ExecuteAsync(db, "VACUUM ANALYZE");
            var pending = await ScalarAsync<long>(db, "SELECT count(*) FROM bookmarks WHERE kind = 'timer'");
            var size = await ScalarAsync<long>(db, "SELECT pg_database_size(current_database())");
            Log($"{pending:N0} pending timers ready in {watch.Elapsed.TotalSeconds:F0} s; database {size / 1_048_576:N0} MB");
            var health = new List<double>();
            var first = new List<double>();
            var loads = new List<string>();
            for (var run = 0; run < runs; run++)
            {
                loads.Add(Options.LoadAverage());
                var (healthy, answered) = await StartOnceAsync(database, source is null ? null : "START-SRC");
                health.Add(healthy);
                first.Add(answered);
                Log($"{pending:N0} timers, run {run + 1}: /health after {healthy:F0} ms, first answer after {answered:F0} ms (load {loads[^1]})");
            }

            rows.Add(string.Create(CultureInfo.InvariantCulture,
                $"| {pending:N0} | {size / 1_048_576:N0} MB | {Options.Median(health):F0} ms | {Options.Median(first):F0} ms | {string.Join(", ", first.Select(f => f.ToString("F0", CultureInfo.InvariantCulture)))} | {string.Join("; ", loads)} |"));
        }

        Console.WriteLine($"# Host start-up by pending timers on PostgreSQL (median of {runs} runs each)");
        Console.WriteLine();
        Console.WriteLine("| pending timers | database | start → /health 200 | start → first API answer | each run (first answer) | load average |");
        Console.WriteLine("|---:|---:|---:|---:|---|---|");
        rows.ForEach(Console.WriteLine);
        return 0;
    }

    private static async Task<(double Health, double FirstAnswer)> StartOnceAsync(ScaleDatabase database, string? externalCode)
    {
        var url = $"http://127.0.0.1:{ServiceProcess.FreePort()}/";
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = database.Work,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(HostRunner.HostAssembly);
        info.ArgumentList.Add("--urls");
        info.ArgumentList.Add(url.TrimEnd('/'));
        // No first-run demo history in a measured Host.
        info.Environment["Demo__Seed"] = "false";
        foreach (var (key, value) in database.HostEnvironment(background: true))
        {
            info.Environment[key] = value;
        }

        using var client = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Add("X-Api-Key", AdministratorKey);
        var watch = Stopwatch.StartNew();
        using var process = Process.Start(info) ?? throw new InvalidOperationException("The Host did not start.");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            double health;
            while (true)
            {
                if (process.HasExited || watch.Elapsed > TimeSpan.FromMinutes(5))
                {
                    throw new InvalidOperationException($"The Host did not become healthy (exited: {process.HasExited}).");
                }

                try
                {
                    using var response = await client.GetAsync(new Uri("health", UriKind.Relative));
                    if (response.StatusCode == HttpStatusCode.OK)
                    {
                        health = watch.Ms();
                        break;
                    }
                }
                catch (HttpRequestException)
                {
                    // Not listening yet.
                }

                await Task.Delay(10);
            }

            var path = externalCode is null ? "api/dossiers?pageSize=1" : $"api/dossiers?code={externalCode}";
            using (var answer = await client.GetAsync(new Uri(path, UriKind.Relative)))
            {
                _ = await answer.Content.ReadAsByteArrayAsync();
                if (!answer.IsSuccessStatusCode)
                {
                    throw new InvalidOperationException($"{path}: {(int)answer.StatusCode}");
                }
            }

            return (health, watch.Ms());
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }
        }
    }
}
