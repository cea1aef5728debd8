namespace Workflows.Host.Infrastructure;

/// <summary>Source-generated log messages shared by the features.</summary>
internal static partial class HostLog
{
    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled exception for {Method} {Path}")]
    public static partial void UnhandledException(this ILogger logger, Exception exception, string method, string path);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not read {File}; references to its ids are not checked")]
    public static partial void UnreadableReferenceFile(this ILogger logger, Exception exception, string file);
}
