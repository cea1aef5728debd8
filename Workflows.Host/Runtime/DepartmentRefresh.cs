using Microsoft.Extensions.Options;
using Workflows.Host.Definitions;
using Workflows.Host.Infrastructure;

namespace Workflows.Host.Runtime;

/// <summary>
/// Keeps this Host's <see cref="DepartmentDirectory"/> in step with edits made through other Hosts on the same
/// database: every Definitions:DepartmentRefreshInterval it compares a stamp of the table with the loaded one and
/// reloads when they differ (docs/scaling.md). One of the background loops (Runtime:Background), on
/// <see cref="PollingLoop"/> like the others.
/// </summary>
internal sealed partial class DepartmentRefresh(
    DepartmentDirectory directory,
    IOptions<DefinitionsOptions> options,
    ILogger<DepartmentRefresh> logger) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        PollingLoop.RunAsync(
            async token =>
            {
                if (await directory.RefreshIfChangedAsync(token))
                {
                    LogReloaded(logger);
                }

                return false;
            },
            options.Value.DepartmentRefreshInterval,
            exception => LogFailed(logger, exception),
            stoppingToken);

    [LoggerMessage(EventId = 2801, Level = LogLevel.Information, Message = "Departments changed on another Host: directory reloaded")]
    private static partial void LogReloaded(ILogger logger);

    [LoggerMessage(EventId = 2802, Level = LogLevel.Warning, Message = "Checking the departments for changes failed; trying again at the next interval")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
