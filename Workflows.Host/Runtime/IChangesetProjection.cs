using Workflows.Engine.Runtime;
using Workflows.Host.Persistence;

namespace Workflows.Host.Runtime;

/// <summary>
/// Updates a read model from a changeset inside the commit's transaction (the dossier's status and due time), so
/// what callers read never lags what the engine decided. The runner knows only this interface: the dossier
/// projection lives with the dossiers and registers itself (<c>AddDossiers</c>).
/// </summary>
internal interface IChangesetProjection
{
    /// <summary>Stages the read model's changes on <paramref name="db"/>; the commit saves them with the changeset.</summary>
    Task ApplyAsync(WorkflowsDbContext db, Changeset changeset, CancellationToken cancellationToken);

    /// <summary>
    /// Stages the changes of several changesets committed together (a sweep's due timers); an implementation reads
    /// what it needs for all of them at once rather than once per changeset.
    /// </summary>
    Task ApplyAsync(WorkflowsDbContext db, IReadOnlyList<Changeset> changesets, CancellationToken cancellationToken);
}
