using System.Net.Http.Headers;
using System.Text;
using MediatR;
using Microsoft.EntityFrameworkCore;
using Workflows.Host.Infrastructure;
using Workflows.Host.Persistence;
using Workflows.Host.Runtime;

namespace Workflows.Host.Outbox;

/// <summary>
/// Pushes a status change to the intake system that sent the dossier: POST of the payload as JSON to the
/// <c>webhook_url</c> of the principal named by <c>intakeClient</c>, with <c>X-Message-Id</c> (the outbox id,
/// so the receiver can drop duplicates) and <c>X-Workflows-Event</c>. No principal or no webhook: nothing to do.
/// Anything but a 2xx answer is a failed attempt.
/// </summary>
internal sealed class StatusChangedHandler(WorkflowsDbContext db, IHttpClientFactory clients, ILogger<StatusChangedHandler> logger)
    : INotificationHandler<StatusChanged>
{
    public const string ClientName = "webhooks";
    public const string MessageIdHeader = "X-Message-Id";
    public const string EventHeader = "X-Workflows-Event";

    public async Task Handle(StatusChanged notification, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(notification);
        var message = notification.Message;
        var client = (string?)message.Payload["intakeClient"];
        var url = string.IsNullOrEmpty(client)
            ? null
            : await db.Principals.AsNoTracking()
                .Where(p => p.Name == client && p.Active)
                .Select(p => p.WebhookUrl)
                .FirstOrDefaultAsync(cancellationToken);
        if (string.IsNullOrWhiteSpace(url))
        {
            logger.NoWebhook(message.Id, message.InstanceId, client ?? "(none)");
            return;
        }

        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri))
        {
            throw new PermanentDeliveryException($"The webhook URL of {client} is not an absolute URL.");
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, uri)
        {
            Content = new StringContent(message.Payload.ToJsonString(), Encoding.UTF8, new MediaTypeHeaderValue("application/json")),
        };
        request.Headers.Add(MessageIdHeader, message.Id.ToString());
        request.Headers.Add(EventHeader, HostOutboxKinds.StatusChanged);
        using var response = await clients.CreateClient(ClientName).SendAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new DeliveryFailedException($"The webhook of {client} answered {(int)response.StatusCode} {response.ReasonPhrase}.");
        }

        logger.StatusPushed(message.Id, message.InstanceId, client!);
    }
}
