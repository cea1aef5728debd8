using System.Globalization;
using System.Text.Json.Nodes;
using MediatR;
using Microsoft.EntityFrameworkCore;
using Workflows.Host.Infrastructure;
using Workflows.Host.Notifications;
using Workflows.Host.Persistence;
using Workflows.Host.Runtime;

namespace Workflows.Host.Outbox;

/// <summary>
/// notify: renders the message's template with the dossier's data, plus the dossier's code, procedure,
/// applicant, reception point and dates when the dossier exists, and sends it through the first
/// <see cref="INotificationSender"/> that takes the channel.
/// </summary>
internal sealed class NotifyHandler(
    WorkflowsDbContext db,
    TemplateRenderer templates,
    IEnumerable<INotificationSender> senders,
    ILogger<NotifyHandler> logger) : INotificationHandler<NotifyRequested>
{
    /// <summary>Dates in messages are the centre's local dates (Vietnam, UTC+7, no daylight saving).</summary>
    private static readonly TimeSpan Vietnam = TimeSpan.FromHours(7);

    public async Task Handle(NotifyRequested notification, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(notification);
        var message = notification.Message;
        var template = (string?)message.Payload["template"] ?? throw new PermanentDeliveryException("The message names no template.");
        var channel = (string?)message.Payload["channel"] ?? "sms";
        var recipient = (string?)message.Payload["recipient"] ?? "applicant";

        var found = await (
            from i in db.Instances.AsNoTracking()
            where i.Id == message.InstanceId
            join d in db.Dossiers.AsNoTracking() on i.Id equals d.Id into dossiers
            from d in dossiers.DefaultIfEmpty()
            select new { i.Data, i.DefinitionCode, Dossier = d }).SingleOrDefaultAsync(cancellationToken);

        var data = found is null ? [] : (Dictionary<string, object?>)TemplateRenderer.ToPlain(JsonNode.Parse(found.Data) as JsonObject ?? [])!;
        data["procedure"] = (string?)message.Payload["procedure"] ?? found?.DefinitionCode;
        data.TryAdd("procedureCode", data["procedure"]);
        var dossier = found?.Dossier;
        if (dossier is not null)
        {
            data["dossierCode"] = dossier.Code;
            data["externalCode"] = dossier.ExternalCode;
            data["procedureCode"] = dossier.ProcedureCode;
            data["procedureName"] = dossier.ProcedureName;
            data["applicantName"] = dossier.ApplicantName;
            data["applicantPhone"] = dossier.ApplicantPhone;
            data["applicantEmail"] = dossier.ApplicantEmail;
            data["applicantAddress"] = dossier.ApplicantAddress;
            data["receptionPoint"] = dossier.ReceptionPoint;
            data["channel"] = dossier.Channel;
            data["receivedDate"] = Date(dossier.ReceivedAt);
            data["dueDate"] = Date(dossier.DueAt);
            data["originalDueDate"] = Date(dossier.OriginalDueAt);
        }

        var body = templates.Render(template, data);
        var address = recipient == "applicant"
            ? (channel == "email" ? Text(data, "applicantEmail") : Text(data, "applicantPhone"))
            : null;
        var dossierCode = Text(data, "dossierCode");
        var subject = dossierCode is null ? $"Thông báo ({template})" : $"Thông báo về hồ sơ {dossierCode}";
        var sender = senders.FirstOrDefault(s => s.CanSend(channel))
            ?? throw new PermanentDeliveryException($"No sender handles the channel '{channel}'.");
        await sender.SendAsync(new NotificationMessage(message.Id, message.InstanceId, channel, template, recipient, address, dossierCode, subject, body), cancellationToken);
        logger.NotificationSent(message.Id, message.InstanceId, channel, recipient, template);
    }

    private static string Date(DateTimeOffset instant) => instant.ToOffset(Vietnam).ToString("dd/MM/yyyy", CultureInfo.InvariantCulture);

    private static string? Text(Dictionary<string, object?> data, string key) =>
        data.TryGetValue(key, out var value) && value is string s && !string.IsNullOrWhiteSpace(s) ? s : null;
}
