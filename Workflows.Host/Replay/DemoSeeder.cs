using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Workflows.Engine.Calendar;
using Workflows.Host.Persistence;

namespace Workflows.Host.Replay;

/// <summary>
/// First run in Development: when the database has no dossier, replays <see cref="DemoOptions.Days"/> of generated
/// history for the published catalogue through the Host's own code path (<see cref="WorkloadReplayer"/>, on a replay
/// clock of its own), in the background while the Host already serves, with a progress bar on the console. Live
/// requests meanwhile run on the live clock; they may see the history grow.
/// </summary>
internal sealed partial class DemoSeeder(
    IServiceProvider live,
    HostRegistrations registrations,
    IOptions<DemoOptions> options,
    TimeProvider time,
    ILogger<DemoSeeder> logger) : BackgroundService
{
    /// <summary>The external codes of seeded dossiers start with it.</summary>
    public const string ExternalCodePrefix = "DEMO";

    /// <summary>Ends when the seeding has ended (or was skipped): tests and tools wait on it.</summary>
    public Task<ReplayReport?> Completion => completion.Task;

    private readonly TaskCompletionSource<ReplayReport?> completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Let the Host finish starting (and serve) before the first database round trip.
        await Task.Yield();
        try
        {
            completion.TrySetResult(await SeedAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            completion.TrySetCanceled(stoppingToken);
        }
        catch (Exception e)
        {
            // A demo that fails leaves the Host running with what was seeded.
            LogFailed(logger, e);
            completion.TrySetException(e);
        }
    }

    private async Task<ReplayReport?> SeedAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        await using (var scope = live.CreateAsyncScope())
        {
            if (await scope.ServiceProvider.GetRequiredService<WorkflowsDbContext>().Dossiers.AnyAsync(cancellationToken))
            {
                LogSkipped(logger);
                return null;
            }
        }

        var now = time.GetUtcNow();
        var calendar = live.GetRequiredService<WorkingCalendar>();
        var today = DateOnly.FromDateTime(now.ToOffset(calendar.UtcOffset).DateTime);
        var from = today.AddDays(1 - settings.Days);
        var start = new DateTimeOffset(from.ToDateTime(TimeOnly.MinValue), calendar.UtcOffset);
        await using var replay = await ReplayServices.CreateAsync(registrations, start, cancellationToken);
        var workload = await ReplayPlans.SettingsAsync(replay.Provider, from, today, settings.DossiersPerWorkingDay, settings.RandomSeed, cancellationToken);
        if (workload.Procedures.Count == 0)
        {
            LogSkipped(logger);
            return null;
        }

        var plan = ReplayPlans.Generate(calendar, workload, now);
        LogStarted(logger, plan.Count, settings.Days);
        var bar = new ConsoleProgressBar();
        var replayer = new WorkloadReplayer(replay, ExternalCodePrefix);
        var report = await replayer.RunAsync(plan, now, bar, cancellationToken);
        bar.Done();
        LogFinished(logger, report.Received, report.Transitions, report.Elapsed.TotalSeconds, report.ProfileText);
        return report;
    }

    [LoggerMessage(EventId = 9001, Level = LogLevel.Information, Message = "Demo: seeding {Count} generated dossiers ({Days} days of history) through the Host's code path; Demo__Seed=false turns it off")]
    private static partial void LogStarted(ILogger logger, int count, int days);

    [LoggerMessage(EventId = 9002, Level = LogLevel.Information, Message = "Demo: {Dossiers} dossiers and {Transitions} step transitions seeded in {Seconds:F1} s ({Profile})")]
    private static partial void LogFinished(ILogger logger, int dossiers, int transitions, double seconds, string profile);

    [LoggerMessage(EventId = 9003, Level = LogLevel.Information, Message = "Demo: the database already holds dossiers (or no procedure is published); nothing seeded")]
    private static partial void LogSkipped(ILogger logger);

    [LoggerMessage(EventId = 9004, Level = LogLevel.Error, Message = "Demo: seeding failed; the Host goes on with what was seeded")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}

/// <summary>
/// A one-line progress bar on the console: percentage, dossiers finished (every event of theirs played) of the total and time elapsed. On a terminal it
/// redraws in place (at most ten times a second); redirected, it writes a line every tenth of the way. The replayer
/// reports to it directly, on its own thread (a <see cref="Progress{T}"/> would post to the thread pool, out of order).
/// </summary>
internal sealed class ConsoleProgressBar(string label = "Dữ liệu mẫu") : IProgress<ReplayProgress>
{
    private const int Width = 30;
    private readonly Stopwatch sinceDrawn = Stopwatch.StartNew();
    private readonly bool terminal = !Console.IsOutputRedirected;
    private int lastTenth = -1;
    private ReplayProgress? last;

    public void Report(ReplayProgress progress)
    {
        last = progress;
        var percent = progress.Total == 0 ? 100 : (int)(100L * progress.Finished / progress.Total);
        if (terminal)
        {
            if (sinceDrawn.ElapsedMilliseconds >= 100 || progress.Finished == progress.Total)
            {
                Console.Write("\r" + Line(progress, percent));
                sinceDrawn.Restart();
            }
        }
        else if (percent / 10 > lastTenth)
        {
            lastTenth = percent / 10;
            Console.WriteLine(Line(progress, percent));
        }
    }

    public void Done()
    {
        if (terminal && last is not null)
        {
            Console.WriteLine();
        }
    }

    internal string Line(ReplayProgress progress, int percent)
    {
        var filled = Width * percent / 100;
        return $"{label} [{new string('#', filled)}{new string('-', Width - filled)}] {percent,3} % {progress.Finished}/{progress.Total} hồ sơ đã phát lại xong, {progress.Elapsed:mm\\:ss}";
    }
}
