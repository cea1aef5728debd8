using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Workflows.Engine.Calendar;
using Workflows.Host.Persistence;

namespace Workflows.Host.Reports;

/// <summary>
/// Fills the report facts of rows written without them (<see cref="ReportFacts"/>: history from before the columns,
/// imports, generated data) once at start-up, in the background, so the first report after an upgrade does not pay for
/// the history. Filling a dossier's facts also counts it in the monthly roll-up (the triggers of dossier_month_counts).
/// </summary>
/// <remarks>
/// Batched and resumable: the rows still to fill are those whose facts are null, so a Host stopped half-way resumes
/// where it stopped. With several Hosts on PostgreSQL one fills and the others leave it (a session advisory lock,
/// released when its connection ends, so a Host that dies hands the work back at its next start). Reports stay exact
/// while it runs: each report fills what is still left first, as before (a batch both touch is written once, the other
/// is read again on its row version).
/// </remarks>
internal sealed partial class ReportFactsFill(IServiceScopeFactory scopes, ILogger<ReportFactsFill> logger) : BackgroundService
{
    /// <summary>The advisory lock key of the fill ("reports" in ASCII).</summary>
    private const long LockKey = 0x7265706F727473;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<WorkflowsDbContext>();
            var calendar = scope.ServiceProvider.GetRequiredService<WorkingCalendar>();
            await db.Database.OpenConnectionAsync(stoppingToken);
            try
            {
                if (db.Database.IsNpgsql() && !await TryLockAsync(db, stoppingToken))
                {
                    LogSkipped(logger);
                    return;
                }

                var watch = Stopwatch.StartNew();
                var filled = await new ReportFacts(db, calendar).FillAsync(stoppingToken);
                if (filled > 0)
                {
                    LogFilled(logger, filled, watch.Elapsed.TotalSeconds);
                }
            }
            finally
            {
                // Closing the connection ends the session and with it the advisory lock.
                await db.Database.CloseConnectionAsync();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception exception) when (exception is DbUpdateException or InvalidOperationException or System.Data.Common.DbException)
        {
            LogFailed(logger, exception);
        }
    }

    private static async Task<bool> TryLockAsync(WorkflowsDbContext db, CancellationToken cancellationToken) =>
        await db.Database.SqlQuery<bool>($"SELECT pg_try_advisory_lock({LockKey}) AS \"Value\"").SingleAsync(cancellationToken);

    [LoggerMessage(EventId = 3301, Level = LogLevel.Information, Message = "Report facts filled at start-up: {Rows} rows in {Seconds:F1} s")]
    private static partial void LogFilled(ILogger logger, int rows, double seconds);

    [LoggerMessage(EventId = 3302, Level = LogLevel.Information, Message = "Report facts: another Host is filling them")]
    private static partial void LogSkipped(ILogger logger);

    [LoggerMessage(EventId = 3303, Level = LogLevel.Warning, Message = "Report facts fill at start-up failed; reports fill what is left")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
