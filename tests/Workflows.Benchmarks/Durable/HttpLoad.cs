using System.Diagnostics;

namespace Workflows.Benchmarks.Durable;

internal enum Outcome
{
    Success,
    Failure,
    /// <summary>The client has no more work (e.g. no open task left for it); it stops.</summary>
    Exhausted,
}

/// <summary>What one closed-loop load run measured.</summary>
internal sealed record LoadResult(int Clients, TimeSpan Elapsed, int Successes, int Failures, int ExhaustedClients, double[] LatenciesMs, IReadOnlyDictionary<string, int> Errors)
{
    public double Rate => Successes / Elapsed.TotalSeconds;

    public double P50 => Percentile(LatenciesMs, 0.50);

    public double P95 => Percentile(LatenciesMs, 0.95);

    /// <summary>Nearest-rank percentile of sorted values (NaN when empty).</summary>
    public static double Percentile(double[] sorted, double p)
    {
        ArgumentNullException.ThrowIfNull(sorted);
        if (sorted.Length == 0)
        {
            return double.NaN;
        }

        var rank = (int)Math.Ceiling(p * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }
}

/// <summary>N closed-loop clients calling an operation as fast as it answers, for a fixed duration.</summary>
internal static class HttpLoad
{
    public delegate Task<(Outcome Outcome, string? Error)> Operation(int client, int iteration, CancellationToken cancellationToken);

    public static async Task<LoadResult> RunAsync(int clients, TimeSpan duration, Operation operation)
    {
        var latencies = new List<double>[clients];
        var failures = new int[clients];
        var exhausted = new bool[clients];
        var errors = new Dictionary<string, int>(StringComparer.Ordinal);
        using var stop = new CancellationTokenSource();
        var clock = Stopwatch.StartNew();
        var tasks = Enumerable.Range(0, clients).Select(c => Task.Run(async () =>
        {
            var mine = latencies[c] = new List<double>(4096);
            for (var i = 0; clock.Elapsed < duration; i++)
            {
                var started = Stopwatch.GetTimestamp();
                (Outcome Outcome, string? Error) result;
                try
                {
                    result = await operation(c, i, CancellationToken.None);
                }
                catch (HttpRequestException e)
                {
                    result = (Outcome.Failure, e.GetType().Name + ": " + e.Message);
                }
                catch (TaskCanceledException e)
                {
                    result = (Outcome.Failure, "timeout: " + e.Message);
                }

                var elapsed = Stopwatch.GetElapsedTime(started);
                switch (result.Outcome)
                {
                    case Outcome.Success:
                        // Only requests that completed within the measured window count.
                        if (clock.Elapsed <= duration)
                        {
                            mine.Add(elapsed.TotalMilliseconds);
                        }

                        break;
                    case Outcome.Failure:
                        failures[c]++;
                        lock (errors)
                        {
                            var key = result.Error ?? "?";
                            errors[key] = errors.GetValueOrDefault(key) + 1;
                        }

                        break;
                    default:
                        exhausted[c] = true;
                        return;
                }
            }
        })).ToArray();
        await Task.WhenAll(tasks);
        var elapsedTotal = clock.Elapsed < duration ? clock.Elapsed : duration;
        var all = latencies.SelectMany(l => l).ToArray();
        Array.Sort(all);
        return new LoadResult(clients, elapsedTotal, all.Length, failures.Sum(), exhausted.Count(e => e), all, errors);
    }
}
