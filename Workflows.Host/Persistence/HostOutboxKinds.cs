namespace Workflows.Host.Persistence;

/// <summary>Outbox kinds written by the Host itself (the engine's are in <see cref="Engine.Runtime.OutboxKinds"/>).</summary>
internal static class HostOutboxKinds
{
    /// <summary>
    /// A dossier's status changed: pushed to the intake system's webhook. Payload: dossierCode, externalCode,
    /// intakeClient, status, statusName, result, dueAt, originalDueAt, changedAt.
    /// </summary>
    public const string StatusChanged = "statusChanged";
}
