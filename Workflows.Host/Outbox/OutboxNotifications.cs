using System.Text.Json.Nodes;
using MediatR;

namespace Workflows.Host.Outbox;

/// <summary>Outbox kinds written by the Host itself (the engine's are in <see cref="Engine.Runtime.OutboxKinds"/>).</summary>
internal static class HostOutboxKinds
{
    /// <summary>
    /// A dossier's status changed: pushed to the intake system's webhook. Payload: dossierCode, externalCode,
    /// intakeClient, status, statusName, result, dueAt, originalDueAt, changedAt.
    /// </summary>
    public const string StatusChanged = "statusChanged";
}

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

/// <summary>A failure that retrying cannot fix (no address, unknown kind, ...): the message goes dead at once.</summary>
internal sealed class PermanentDeliveryException(string message) : Exception(message);

/// <summary>The receiver refused or failed (non-2xx); retried with backoff.</summary>
internal sealed class DeliveryFailedException(string message) : Exception(message);
