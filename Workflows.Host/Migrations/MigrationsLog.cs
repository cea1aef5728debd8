namespace Workflows.Host.Migrations;

/// <summary>Log messages of the migration of running dossiers (event ids 2600-2699).</summary>
internal static partial class MigrationsLog
{
    [LoggerMessage(EventId = 2601, Level = LogLevel.Information, Message = "Migration {RunId} of {ProcedureCode} v{FromVersion} → v{ToVersion} started by {Actor}")]
    public static partial void MigrationStarted(this ILogger logger, Guid runId, string procedureCode, int fromVersion, int toVersion, string actor);

    [LoggerMessage(EventId = 2602, Level = LogLevel.Information, Message = "Migration {RunId} of {ProcedureCode} completed: {Moved} moved, {Skipped} skipped, {Failed} failed")]
    public static partial void MigrationCompleted(this ILogger logger, Guid runId, string procedureCode, int moved, int skipped, int failed);

    [LoggerMessage(EventId = 2603, Level = LogLevel.Information, Message = "Migration {RunId}: instance {InstanceId} stays on its version: {Reason}")]
    public static partial void DossierSkipped(this ILogger logger, Guid runId, Guid instanceId, string reason);

    [LoggerMessage(EventId = 2604, Level = LogLevel.Error, Message = "Migration {RunId}: instance {InstanceId} could not be moved")]
    public static partial void DossierFailed(this ILogger logger, Exception exception, Guid runId, Guid instanceId);
}
