using MediatR;
using Workflows.Engine.Runtime;
using Workflows.Host.Infrastructure;
using Workflows.Host.Runtime;

namespace Workflows.Host.Outbox;

/// <summary>instanceEnded: nothing leaves the Host (the status push is a statusChanged message); logged.</summary>
internal sealed class InstanceEndedHandler(ILogger<InstanceEndedHandler> logger) : INotificationHandler<InstanceEnded>
{
    public Task Handle(InstanceEnded notification, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(notification);
        var message = notification.Message;
        logger.InstanceEnded(message.InstanceId, (string?)message.Payload["result"] ?? "", message.Id);
        return Task.CompletedTask;
    }
}

/// <summary>
/// resumeParent: WorkflowRunner resumes the parent inline right after the child's commit; this delivers the
/// ones it did not (a crash between the commit and the resume, or a conflict). A stale bookmark means the
/// parent was already resumed.
/// </summary>
internal sealed class ResumeParentHandler(WorkflowRunner runner, ILogger<ResumeParentHandler> logger) : INotificationHandler<ResumeParentRequested>
{
    public async Task Handle(ResumeParentRequested notification, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(notification);
        var message = notification.Message;
        if (!Guid.TryParse((string?)message.Payload["parentInstanceId"], out var parentId)
            || !Guid.TryParse((string?)message.Payload["bookmarkId"], out var bookmarkId))
        {
            throw new PermanentDeliveryException("The message names no parent instance or bookmark.");
        }

        // A conflict (ConcurrencyConflictException) propagates: the attempt fails and is retried.
        var result = await runner.ResumeAsync(parentId, new ResumeRequest { BookmarkId = bookmarkId, Outcome = (string?)message.Payload["result"] }, cancellationToken);
        if (result.Accepted)
        {
            return;
        }

        var rejection = result.Rejection!;
        if (rejection.Code is RejectionCode.StaleBookmark or RejectionCode.InstanceNotRunning)
        {
            logger.ParentAlreadyResumed(parentId, message.InstanceId, message.Id, rejection.Message);
            return;
        }

        throw new PermanentDeliveryException($"The parent refused the resume: {rejection.Code}: {rejection.Message}");
    }
}

