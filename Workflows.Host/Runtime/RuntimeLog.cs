namespace Workflows.Host.Runtime;

/// <summary>Source-generated logs of the timer runner, the outbox dispatcher and its handlers.</summary>
internal static partial class RuntimeLog
{
    [LoggerMessage(EventId = 1702, Level = LogLevel.Information, Message = "Timer {BookmarkId} of instance {InstanceId} fired")]
    public static partial void TimerFired(this ILogger logger, Guid instanceId, Guid bookmarkId);

    [LoggerMessage(EventId = 1703, Level = LogLevel.Debug, Message = "Timer {BookmarkId} of instance {InstanceId} not fired here: {Reason}")]
    public static partial void TimerSkipped(this ILogger logger, Guid instanceId, Guid bookmarkId, string reason);

    [LoggerMessage(EventId = 1704, Level = LogLevel.Warning, Message = "Timer {BookmarkId} of instance {InstanceId} could not fire: {Reason}")]
    public static partial void TimerRefused(this ILogger logger, Guid instanceId, Guid bookmarkId, string reason);

    [LoggerMessage(EventId = 1705, Level = LogLevel.Error, Message = "Timer {BookmarkId} of instance {InstanceId} failed")]
    public static partial void TimerFailed(this ILogger logger, Exception exception, Guid instanceId, Guid bookmarkId);

    [LoggerMessage(EventId = 1718, Level = LogLevel.Warning, Message = "The {Count} due timers of a sweep could not be committed together ({Reason}); firing them one at a time")]
    public static partial void TimerBatchFellBack(this ILogger logger, int count, string reason);

    [LoggerMessage(EventId = 1706, Level = LogLevel.Error, Message = "The {Worker} pass failed; trying again after the poll interval")]
    public static partial void PassFailed(this ILogger logger, Exception exception, string worker);

    [LoggerMessage(EventId = 1710, Level = LogLevel.Debug, Message = "Outbox message {MessageId} ({Kind}) of instance {InstanceId} delivered")]
    public static partial void MessageDelivered(this ILogger logger, Guid messageId, string kind, Guid instanceId);

    [LoggerMessage(EventId = 1711, Level = LogLevel.Warning, Message = "Outbox message {MessageId} ({Kind}) of instance {InstanceId} failed (attempt {Attempts}); next attempt at {NextAttemptAt}: {Error}")]
    public static partial void MessageFailed(this ILogger logger, Guid messageId, string kind, Guid instanceId, int attempts, DateTimeOffset nextAttemptAt, string error);

    [LoggerMessage(EventId = 1712, Level = LogLevel.Error, Message = "Outbox message {MessageId} ({Kind}) of instance {InstanceId} is dead after {Attempts} attempts: {Error}")]
    public static partial void MessageDead(this ILogger logger, Guid messageId, string kind, Guid instanceId, int attempts, string error);

    [LoggerMessage(EventId = 1707, Level = LogLevel.Information, Message = "Outbox message {MessageId} put back for delivery by {Actor}")]
    public static partial void MessageRetried(this ILogger logger, Guid messageId, string actor);

    [LoggerMessage(EventId = 1708, Level = LogLevel.Debug, Message = "Status change {MessageId} of instance {InstanceId}: {Client} has no webhook; nothing to push")]
    public static partial void NoWebhook(this ILogger logger, Guid messageId, Guid instanceId, string client);

    [LoggerMessage(EventId = 1709, Level = LogLevel.Information, Message = "Status change {MessageId} of instance {InstanceId} pushed to {Client}")]
    public static partial void StatusPushed(this ILogger logger, Guid messageId, Guid instanceId, string client);

    [LoggerMessage(EventId = 1713, Level = LogLevel.Information, Message = "Instance {InstanceId} ended ({Result}); message {MessageId}")]
    public static partial void InstanceEnded(this ILogger logger, Guid instanceId, string result, Guid messageId);

    [LoggerMessage(EventId = 1714, Level = LogLevel.Debug, Message = "Parent {ParentInstanceId} of instance {InstanceId} already resumed (message {MessageId}): {Reason}")]
    public static partial void ParentAlreadyResumed(this ILogger logger, Guid parentInstanceId, Guid instanceId, Guid messageId, string reason);

    [LoggerMessage(EventId = 1715, Level = LogLevel.Debug, Message = "Parent {ParentInstanceId} of instance {InstanceId} not resumed inline ({Reason}); the dispatcher delivers message {MessageId}")]
    public static partial void ParentResumeDeferred(this ILogger logger, Guid parentInstanceId, Guid instanceId, Guid messageId, string reason);

    [LoggerMessage(EventId = 1716, Level = LogLevel.Information, Message = "Notification {MessageId} of instance {InstanceId} sent by {Channel} to {Recipient} ({Template})")]
    public static partial void NotificationSent(this ILogger logger, Guid messageId, Guid instanceId, string channel, string recipient, string template);

    [LoggerMessage(EventId = 1717, Level = LogLevel.Information, Message = "Faulted instance {InstanceId} (version {FromVersion}) retried on version {ToVersion} by {Actor}")]
    public static partial void InstanceRetried(this ILogger logger, Guid instanceId, int fromVersion, int toVersion, string actor);
}
