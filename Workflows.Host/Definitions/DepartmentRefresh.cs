using Microsoft.Extensions.Options;
using Workflows.Host.Infrastructure;

namespace Workflows.Host.Definitions;

/// <summary>
/// Keeps this Host's <see cref="DepartmentDirectory"/> in step with edits made through other Hosts on the same
/// database: every Definitions:DepartmentRefreshInterval it compares a stamp of the table with the loaded one and
/// reloads when they differ (docs/scaling.md). Registered with the other background loops (Runtime:Background).
/// </summary>
internal sealed partial class DepartmentRefresh(
    DepartmentDirectory directory,
    IOptions<DefinitionsOptions> options,
    TimeProvider time,
    ILogger<DepartmentRefresh> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.DepartmentRefreshInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    if (await directory.RefreshIfChangedAsync(stoppingToken))
                    {
                        LogReloaded(logger);
                    }
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    return;
                }
#pragma warning disable CA1031 // A failed check (database briefly away) must not stop the next ones.
                catch (Exception exception)
#pragma warning restore CA1031
                {
                    LogFailed(logger, exception);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    [LoggerMessage(EventId = 2801, Level = LogLevel.Information, Message = "Departments changed on another Host: directory reloaded")]
    private static partial void LogReloaded(ILogger logger);

    [LoggerMessage(EventId = 2802, Level = LogLevel.Warning, Message = "Checking the departments for changes failed; trying again at the next interval")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
