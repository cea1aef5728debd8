namespace Workflows.Host.Infrastructure;

/// <summary>Source-generated log messages shared by the features.</summary>
internal static partial class HostLog
{
    [LoggerMessage(EventId = 1001, Level = LogLevel.Error, Message = "Unhandled exception for {Method} {Path}")]
    public static partial void UnhandledException(this ILogger logger, Exception exception, string method, string path);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Warning, Message = "Database unavailable for {Method} {Path}, answered 503: {Failure}")]
    public static partial void DatabaseUnavailable(this ILogger logger, string method, string path, string failure);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Error, Message = "Could not read {File}; references to its ids are not checked")]
    public static partial void UnreadableReferenceFile(this ILogger logger, Exception exception, string file);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Information, Message = "Dossier {DossierCode} received for {ProcedureCode} v{ProcedureVersion} as instance {InstanceId} from {IntakeClient} ({ExternalCode})")]
    public static partial void DossierReceived(this ILogger logger, string dossierCode, Guid instanceId, string procedureCode, int procedureVersion, string intakeClient, string externalCode);
}
