namespace Workflows.Engine.Runtime;

/// <summary>
/// Thrown by a store (in memory or the Host's database) when a changeset was computed from a state that has changed
/// since (optimistic concurrency): nothing of it was written.
/// </summary>
public sealed class ConcurrencyConflictException(Guid instanceId, int expected, int actual)
    : InvalidOperationException($"Instance {instanceId} is at version {actual}, not {expected}: it changed since it was read.")
{
    public Guid InstanceId { get; } = instanceId;
}
