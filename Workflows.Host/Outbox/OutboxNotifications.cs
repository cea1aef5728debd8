using System.Text.Json.Nodes;
using MediatR;

namespace Workflows.Host.Outbox;

/// <summary>An outbox row being delivered: what every handler receives.</summary>
/// <param name="Attempts">Failed attempts before this one.</param>
internal sealed record OutboxEnvelope(Guid Id, Guid InstanceId, string Kind, JsonObject Payload, int Attempts, DateTimeOffset CreatedAt);

/// <summary>Base of the in-process notifications the dispatcher publishes, one type per outbox kind.</summary>
internal abstract record OutboxMessagePublished(OutboxEnvelope Message) : INotification;

/// <summary>notify: render a template and send it (SMS, e-mail, ...).</summary>
internal sealed record NotifyRequested(OutboxEnvelope Message) : OutboxMessagePublished(Message);

/// <summary>statusChanged: push the dossier status to the intake system.</summary>
internal sealed record StatusChanged(OutboxEnvelope Message) : OutboxMessagePublished(Message);

/// <summary>instanceEnded: nothing external; handlers may log or project.</summary>
internal sealed record InstanceEnded(OutboxEnvelope Message) : OutboxMessagePublished(Message);

/// <summary>resumeParent: a child ended; resume the parent's SubProcess bookmark (when the inline delivery did not).</summary>
internal sealed record ResumeParentRequested(OutboxEnvelope Message) : OutboxMessagePublished(Message);
