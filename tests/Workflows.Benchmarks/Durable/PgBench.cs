using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Npgsql;

namespace Workflows.Benchmarks.Durable;

/// <summary>What one pgbench run measured.</summary>
internal sealed record PgBenchResult(int Clients, double Tps, long Transactions, long Failed, int AbortedClients, double[] LatenciesMs, string Output)
{
    public double P50 => LoadResult.Percentile(LatenciesMs, 0.50);

    public double P95 => LoadResult.Percentile(LatenciesMs, 0.95);
}

/// <summary>Runs PostgreSQL's pgbench with a custom script (-n, no vacuum, no built-in tables) and reads its results.</summary>
internal static partial class PgBench
{
    public static string Executable
    {
        get
        {
            foreach (var folder in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
            {
                var candidate = Path.Combine(folder, "pgbench");
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }

            var installed = Directory.Exists("/usr/lib/postgresql")
                ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin", "pgbench")).Where(File.Exists).Order(StringComparer.Ordinal).LastOrDefault()
                : null;
            return installed ?? throw new FileNotFoundException("pgbench not found on PATH nor under /usr/lib/postgresql/*/bin.");
        }
    }

    /// <summary><c>pgbench -n -f script -c clients -j min(clients,2) -T seconds -D k=0 -l</c>, per-transaction latencies from its log.</summary>
    public static async Task<PgBenchResult> RunAsync(string connectionString, string script, int clients, int seconds, string workFolder)
    {
        var connection = new NpgsqlConnectionStringBuilder(connectionString);
        var logs = Path.Combine(workFolder, "pgbench-logs-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(logs);
        var info = new ProcessStartInfo(Executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = logs,
        };
        foreach (var argument in new[]
        {
            "-h", connection.Host!, "-p", connection.Port.ToString(CultureInfo.InvariantCulture), "-U", connection.Username!,
            "-n", "-f", script,
            "-c", clients.ToString(CultureInfo.InvariantCulture),
            "-j", Math.Min(clients, 2).ToString(CultureInfo.InvariantCulture),
            "-T", seconds.ToString(CultureInfo.InvariantCulture),
            "-D", "k=0",
            "-l", "--log-prefix", Path.Combine(logs, "tx"),
            connection.Database!,
        })
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["PGPASSWORD"] = connection.Password ?? string.Empty;
        // The same transport as the Host's connection string: TLS on loopback would cost both sides CPU for nothing.
        info.Environment["PGSSLMODE"] = connection.SslMode == SslMode.Disable ? "disable" : "prefer";
        using var process = Process.Start(info) ?? throw new InvalidOperationException("pgbench did not start.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        var output = (await stdout) + (await stderr);
        if (process.ExitCode is not (0 or 2))
        {
            throw new InvalidOperationException($"pgbench exited with {process.ExitCode}:\n{output}");
        }

        var latencies = new List<double>();
        foreach (var file in Directory.EnumerateFiles(logs, "tx*"))
        {
            foreach (var line in File.ReadLines(file))
            {
                // client_id transaction_no time script_no time_epoch time_us: time is the latency in microseconds.
                var fields = line.Split(' ');
                if (fields.Length >= 3 && long.TryParse(fields[2], NumberStyles.None, CultureInfo.InvariantCulture, out var micros))
                {
                    latencies.Add(micros / 1000.0);
                }
            }
        }

        Directory.Delete(logs, recursive: true);
        var all = latencies.ToArray();
        Array.Sort(all);
        return new PgBenchResult(
            clients,
            Number(TpsPattern(), output),
            (long)Number(ProcessedPattern(), output),
            (long)Number(FailedPattern(), output),
            AbortedPattern().Count(output),
            all,
            output);
    }

    private static double Number(Regex pattern, string output) =>
        pattern.Match(output) is { Success: true } match ? double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : 0;

    [GeneratedRegex(@"tps = ([0-9.]+) \(without initial connection time\)")]
    private static partial Regex TpsPattern();

    [GeneratedRegex(@"number of transactions actually processed: (\d+)")]
    private static partial Regex ProcessedPattern();

    [GeneratedRegex(@"number of failed transactions: (\d+)")]
    private static partial Regex FailedPattern();

    [GeneratedRegex(@"client \d+ (script \d+ )?aborted")]
    private static partial Regex AbortedPattern();
}
