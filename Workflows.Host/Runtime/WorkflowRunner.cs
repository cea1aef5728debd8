using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Workflows.Engine.Runtime;
using Workflows.Engine.Definitions;
using Workflows.Host.Definitions;
using Workflows.Host.Infrastructure;
using Workflows.Host.Persistence;

namespace Workflows.Host.Runtime;

/// <summary>
/// Drives the engine over the database the way InMemoryWorkflowHost drives it in memory: load the instance,
/// call the engine, commit the changeset in one transaction, then resume parents of ended sub-processes.
/// Notifications and status messages stay in the outbox for the OutboxDispatcher. Every commit also updates the
/// dossier's status (the <see cref="IChangesetProjection"/>) in the same transaction.
/// </summary>
internal sealed class WorkflowRunner(
    WorkflowEngine engine,
    DefinitionCatalogue definitions,
    ChangesetStore store,
    WorkflowsDbContext db,
    TimeProvider time,
    IChangesetProjection projection,
    IHostApplicationLifetime lifetime)
{
    /// <summary>Starts a dossier on a published version; the result holds the committed changeset.</summary>
    public async Task<ExecutionResult> StartAsync(string code, int version, JsonObject data, string? actor = null, CancellationToken cancellationToken = default)
    {
        var definition = await definitions.GetPublishedAsync(code, version, cancellationToken)
            ?? throw new NotFoundException($"Procedure {code} v{version} is not published.");
        return await StartAsync(definition, new StartRequest { Data = data, Actor = actor }, alsoInTransaction: null, hook: null, cancellationToken);
    }

    /// <summary>
    /// Starts <paramref name="definition"/> (already resolved, e.g. the version in force on the day received) and
    /// commits the start together with what <paramref name="alsoInTransaction"/> stages (the dossier row) and what
    /// <paramref name="hook"/> writes last (its number) in one transaction (on PostgreSQL, one round trip).
    /// </summary>
    public async Task<ExecutionResult> StartAsync(
        ProcedureDefinition definition,
        StartRequest request,
        Func<WorkflowsDbContext, CancellationToken, Task>? alsoInTransaction,
        CommitHook? hook,
        CancellationToken cancellationToken = default)
    {
        using var cancellation = ScriptCancellation(cancellationToken);
        var result = engine.Start(definition, request with { Cancellation = cancellation.Token });
        await CommitAsync(result.Changeset!, alsoInTransaction, null, cancellationToken, hook);
        await ResumeParentsAsync(result.Changeset!, cancellationToken);
        return result;
    }

    /// <summary>Ends a running dossier from outside (withdrawn, stopped); a refusal is returned, not thrown.</summary>
    public async Task<ExecutionResult> TerminateAsync(WorkflowInstance instance, TerminateRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(instance);
        var definition = await definitions.GetPublishedAsync(instance.DefinitionCode, instance.DefinitionVersion, cancellationToken)
            ?? throw new InvalidOperationException($"Instance {instance.Id} runs {instance.DefinitionCode} v{instance.DefinitionVersion}, which is not published.");
        var result = engine.Terminate(definition, instance, request);
        if (!result.Accepted)
        {
            return result;
        }

        await CommitAsync(result.Changeset!, null, null, cancellationToken);
        await ResumeParentsAsync(result.Changeset!, cancellationToken);
        return result;
    }

    /// <summary>
    /// Runs a faulted instance again from where it faulted, on <paramref name="definition"/> (its own version or a
    /// later one with every node it stands on); a refusal is returned, not thrown.
    /// </summary>
    public async Task<ExecutionResult> RetryAsync(WorkflowInstance instance, ProcedureDefinition definition, string? actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(instance);
        using var cancellation = ScriptCancellation(cancellationToken);
        var result = engine.Retry(definition, instance, new RetryRequest { Actor = actor, Cancellation = cancellation.Token });
        if (!result.Accepted)
        {
            return result;
        }

        await CommitAsync(result.Changeset!, null, null, cancellationToken);
        await ResumeParentsAsync(result.Changeset!, cancellationToken);
        return result;
    }

    /// <summary>
    /// Resumes a bookmark. A refusal (stale bookmark, wrong outcome, ...) is returned, not thrown; a commit
    /// that lost a race throws <see cref="ConcurrencyConflictException"/>.
    /// </summary>
    public async Task<ExecutionResult> ResumeAsync(Guid instanceId, ResumeRequest request, CancellationToken cancellationToken = default)
    {
        var instance = await store.LoadInstanceAsync(instanceId, cancellationToken)
            ?? throw new NotFoundException($"Instance {instanceId} does not exist.");
        return await ResumeCoreAsync(instance, request, claim: null, dossier: null, cancellationToken);
    }

    /// <summary>Resumes from an instance state read earlier; if it is stale the commit conflicts.</summary>
    public Task<ExecutionResult> ResumeAsync(WorkflowInstance instance, ResumeRequest request, CancellationToken cancellationToken = default) =>
        ResumeCoreAsync(instance, request, claim: null, dossier: null, cancellationToken);

    /// <summary>
    /// Resumes from an instance and its dossier row read together with the task (one round trip); the commit checks
    /// both versions, so a stale read conflicts (<see cref="ConcurrencyConflictException"/>), and
    /// closes the task only at the version in <paramref name="claim"/> (<see cref="TaskClaimLostException"/> otherwise).
    /// </summary>
    public Task<ExecutionResult> ResumeAsync(WorkflowInstance instance, ResumeRequest request, TaskClaim claim, DossierRow? dossier, CancellationToken cancellationToken = default) =>
        ResumeCoreAsync(instance, request, claim, dossier, cancellationToken);

    private async Task<ExecutionResult> ResumeCoreAsync(WorkflowInstance instance, ResumeRequest request, TaskClaim? claim, DossierRow? dossier, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(instance);
        var definition = await definitions.GetPublishedAsync(instance.DefinitionCode, instance.DefinitionVersion, cancellationToken)
            ?? throw new InvalidOperationException($"Instance {instance.Id} runs {instance.DefinitionCode} v{instance.DefinitionVersion}, which is not published.");
        using var cancellation = ScriptCancellation(cancellationToken);
        var result = engine.Resume(definition, instance, request with { Cancellation = cancellation.Token });
        if (!result.Accepted)
        {
            return result;
        }

        // A dossier read beforehand is tracked as read, so the projection updates it without reading it again.
        Func<WorkflowsDbContext, CancellationToken, Task>? attachDossier = dossier is null
            ? null
            : (context, _) =>
            {
                context.Dossiers.Attach(dossier);
                return Task.CompletedTask;
            };
        await CommitAsync(result.Changeset!, attachDossier, claim, cancellationToken);
        await ResumeParentsAsync(result.Changeset!, cancellationToken);
        return result;
    }

    // A decision script stops when the request is aborted or the Host is stopping: Kestrel would otherwise wait
    // for the request to finish before it shuts down.
    private CancellationTokenSource ScriptCancellation(CancellationToken cancellationToken) =>
        CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, lifetime.ApplicationStopping);

    // The changeset, the caller's extra rows and the dossier status projection: one transaction.
    private Task CommitAsync(
        Changeset changeset,
        Func<WorkflowsDbContext, CancellationToken, Task>? alsoInTransaction,
        TaskClaim? claim,
        CancellationToken cancellationToken,
        CommitHook? hook = null) =>
        store.CommitAsync(changeset, new CommitOptions(
            async (context, ct) =>
            {
                if (alsoInTransaction is not null)
                {
                    await alsoInTransaction(context, ct);
                }

                await projection.ApplyAsync(context, changeset, ct);
            },
            claim,
            hook), cancellationToken);

    // The in-process part of outbox delivery: a child that ended resumes its parent's SubProcess bookmark.
    private async Task ResumeParentsAsync(Changeset changeset, CancellationToken cancellationToken)
    {
        foreach (var message in changeset.Outbox.Where(m => m.Kind == OutboxKinds.ResumeParent))
        {
            var parentId = Guid.Parse((string)message.Payload["parentInstanceId"]!);
            var bookmarkId = Guid.Parse((string)message.Payload["bookmarkId"]!);
            try
            {
                await ResumeAsync(parentId, new ResumeRequest { BookmarkId = bookmarkId, Outcome = (string?)message.Payload["result"] }, cancellationToken);
            }
            catch (ConcurrencyConflictException)
            {
                // The parent changed meanwhile (or the outbox dispatcher is resuming it): the child's commit stands,
                // and the message stays pending for the dispatcher, which retries it.
                continue;
            }

            var now = time.GetUtcNow();
            await db.Outbox.Where(o => o.Id == message.Id)
                .ExecuteUpdateAsync(s => s.SetProperty(o => o.DeliveredAt, now).SetProperty(o => o.Attempts, o => o.Attempts + 1), cancellationToken);
        }
    }
}
