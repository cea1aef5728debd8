using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Workflows.Engine.Runtime;
using Workflows.Engine.Definitions;
using Workflows.Engine.Versions;
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
    IHostApplicationLifetime lifetime,
    ILogger<WorkflowRunner> logger)
{
    // Inline attempts at a parent's resume before it is left to the outbox dispatcher.
    private const int ParentResumeAttempts = 3;

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
    /// Moves a running instance to a later published version by the plan's node map (the engine's
    /// <see cref="MigrationPlanner.Apply"/>: open tasks move with their due time, a <c>migrated</c> journal entry) and
    /// commits it like every other changeset, with the dossier projection and what <paramref name="alsoInTransaction"/>
    /// stages (the migration run's outcome row), so the move and its record are one transaction. A stale
    /// <paramref name="instance"/> conflicts (<see cref="ConcurrencyConflictException"/>).
    /// </summary>
    public async Task<Changeset> MigrateAsync(
        MigrationPlan plan, WorkflowInstance instance, string actor, Func<WorkflowsDbContext, CancellationToken, Task>? alsoInTransaction, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(instance);
        var changeset = MigrationPlanner.Apply(plan, instance, time.GetUtcNow(), new SequentialIdGenerator(time), actor);
        await CommitAsync(changeset, alsoInTransaction, null, cancellationToken);
        return changeset;
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
    /// Resumes one bookmark on each of several instances (a sweep's due timers) and commits every accepted changeset in
    /// one transaction: the instances are read in one query, resumed in memory one after another, and written with one
    /// batched SaveChanges (<see cref="ChangesetStore.CommitManyAsync"/>), the dossier projection reading their dossiers
    /// in one query. A refusal or a failure before the commit (a definition no longer published, a script error the
    /// engine throws) is that item's outcome and leaves the others alone. A failed commit writes nothing and throws:
    /// the caller resumes them one at a time, where a conflict or a bad row concerns only its own instance.
    /// </summary>
    /// <exception cref="ArgumentException">An instance appears twice (its second resume needs the first's result).</exception>
    public async Task<IReadOnlyList<ResumeOutcome>> ResumeManyAsync(IReadOnlyList<(Guid InstanceId, ResumeRequest Request)> resumes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(resumes);
        var ids = resumes.Select(r => r.InstanceId).Distinct().ToList();
        if (ids.Count != resumes.Count)
        {
            throw new ArgumentException("Each instance may be resumed once per batch.", nameof(resumes));
        }

        var instances = await store.LoadInstancesAsync(ids, cancellationToken);
        var outcomes = new List<ResumeOutcome>(resumes.Count);
        var accepted = new List<Changeset>();
        foreach (var (instanceId, request) in resumes)
        {
            if (!instances.TryGetValue(instanceId, out var instance))
            {
                outcomes.Add(new ResumeOutcome(instanceId, null, new NotFoundException($"Instance {instanceId} does not exist.")));
                continue;
            }

            try
            {
                var result = await RunResumeAsync(instance, request, cancellationToken);
                outcomes.Add(new ResumeOutcome(instanceId, result, null));
                if (result.Accepted)
                {
                    accepted.Add(result.Changeset!);
                }
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                // This instance only; the others of the batch go on.
                outcomes.Add(new ResumeOutcome(instanceId, null, exception));
            }
        }

        await store.CommitManyAsync(accepted, projection.ApplyAsync, cancellationToken);
        foreach (var changeset in accepted)
        {
            await ResumeParentsAsync(changeset, cancellationToken);
        }

        return outcomes;
    }

    /// <summary>
    /// Resumes from an instance and its dossier row read together with the task (one round trip); the commit checks
    /// both versions, so a stale read conflicts (<see cref="ConcurrencyConflictException"/>), and
    /// closes the task only at the version in <paramref name="claim"/> (<see cref="TaskClaimLostException"/> otherwise).
    /// </summary>
    /// <remarks>
    /// Once the task's changeset committed, nothing that follows can undo it: a parent process the instance hands back to
    /// (its sub-process ended) is resumed inline, and if that keeps failing it is left to the outbox dispatcher, which
    /// delivers the resumeParent message committed with the child. <see cref="TaskCompletion.Parents"/> says which.
    /// </remarks>
    public async Task<TaskCompletion> CompleteTaskAsync(WorkflowInstance instance, ResumeRequest request, TaskClaim claim, DossierRow? dossier, CancellationToken cancellationToken = default)
    {
        var parents = new List<ParentResume>();
        var result = await ResumeCoreAsync(instance, request, claim, dossier, cancellationToken, parents);
        return new TaskCompletion(result, parents);
    }

    /// <summary>The engine's resume of <paramref name="instance"/> on its published definition, in memory (nothing written).</summary>
    private async Task<ExecutionResult> RunResumeAsync(WorkflowInstance instance, ResumeRequest request, CancellationToken cancellationToken)
    {
        var definition = await definitions.GetPublishedAsync(instance.DefinitionCode, instance.DefinitionVersion, cancellationToken)
            ?? throw new InvalidOperationException($"Instance {instance.Id} runs {instance.DefinitionCode} v{instance.DefinitionVersion}, which is not published.");
        using var cancellation = ScriptCancellation(cancellationToken);
        return engine.Resume(definition, instance, request with { Cancellation = cancellation.Token });
    }

    private async Task<ExecutionResult> ResumeCoreAsync(
        WorkflowInstance instance, ResumeRequest request, TaskClaim? claim, DossierRow? dossier, CancellationToken cancellationToken, List<ParentResume>? parents = null)
    {
        ArgumentNullException.ThrowIfNull(instance);
        var result = await RunResumeAsync(instance, request, cancellationToken);
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
        var resumed = await ResumeParentsAsync(result.Changeset!, cancellationToken);
        parents?.AddRange(resumed);
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

    // The in-process part of outbox delivery: a child that ended resumes its parent's SubProcess bookmark. The child has
    // committed by now (with its resumeParent message), so no failure here may reach the caller as the child's: a conflict
    // or a transient database error is retried a few times, then the message is left pending for the outbox dispatcher,
    // which delivers it on its next pass (also after a restart, had this process died before getting here).
    private async Task<IReadOnlyList<ParentResume>> ResumeParentsAsync(Changeset changeset, CancellationToken cancellationToken)
    {
        var outcomes = new List<ParentResume>();
        foreach (var message in changeset.Outbox.Where(m => m.Kind == OutboxKinds.ResumeParent))
        {
            var parentId = Guid.Parse((string)message.Payload["parentInstanceId"]!);
            var bookmarkId = Guid.Parse((string)message.Payload["bookmarkId"]!);
            var outcome = await ResumeParentAsync(message, parentId, bookmarkId, cancellationToken);
            outcomes.Add(outcome);
            if (outcome.State == ParentResume.Queued)
            {
                continue;
            }

            try
            {
                var now = time.GetUtcNow();
                await db.Outbox.Where(o => o.Id == message.Id)
                    .ExecuteUpdateAsync(s => s.SetProperty(o => o.DeliveredAt, now).SetProperty(o => o.Attempts, o => o.Attempts + 1), cancellationToken);
            }
            catch (Exception e)
            {
                // Still pending (also when the request or the Host is stopping): the dispatcher delivers it again and
                // finds the bookmark already resumed. The child's commit stands; nothing here may fail it.
                logger.ParentResumeDeferred(parentId, message.InstanceId, message.Id, e.Message);
            }
        }

        return outcomes;
    }

    private async Task<ParentResume> ResumeParentAsync(OutboxMessage message, Guid parentId, Guid bookmarkId, CancellationToken cancellationToken)
    {
        var request = new ResumeRequest { BookmarkId = bookmarkId, Outcome = (string?)message.Payload["result"] };
        string reason = "";
        for (var attempt = 1; attempt <= ParentResumeAttempts; attempt++)
        {
            try
            {
                var result = await ResumeAsync(parentId, request, cancellationToken);
                if (result.Accepted)
                {
                    return new ParentResume(parentId, ParentResume.Resumed);
                }

                if (result.Rejection!.Code is RejectionCode.StaleBookmark or RejectionCode.InstanceNotRunning)
                {
                    // The dispatcher (or another node) resumed it first.
                    return new ParentResume(parentId, ParentResume.Resumed);
                }

                // Refused for good: the dispatcher's attempts put it on the dead-letter list for an administrator.
                reason = $"{result.Rejection.Code}: {result.Rejection.Message}";
                break;
            }
            catch (ConcurrencyConflictException e)
            {
                // The parent changed meanwhile (or the dispatcher is resuming it): read it again.
                reason = e.Message;
            }
            catch (Exception e) when (DatabaseErrors.IsTransientConflict(e))
            {
                // A deadlock or a busy database file: the same write succeeds when tried again.
                reason = e.Message;
            }
            catch (Exception e)
            {
                // Anything else (the connection dropped, the Host is stopping and cancelled the parent's decision, ...):
                // not worth retrying here; the child committed, and the dispatcher delivers the parent's resume.
                reason = e.Message;
                break;
            }
        }

        logger.ParentResumeDeferred(parentId, message.InstanceId, message.Id, reason);
        return new ParentResume(parentId, ParentResume.Queued);
    }
}

/// <summary>
/// What became of one instance of <see cref="WorkflowRunner.ResumeManyAsync"/>: the engine's result (accepted and
/// committed, or refused) or the <see cref="Failure"/> that kept it out of the batch.
/// </summary>
internal sealed record ResumeOutcome(Guid InstanceId, ExecutionResult? Result, Exception? Failure);

/// <summary>A task's completion as committed, and what became of the parent processes it handed back to.</summary>
internal sealed record TaskCompletion(ExecutionResult Result, IReadOnlyList<ParentResume> Parents);

/// <summary>
/// A parent process resumed because its sub-process ended: <see cref="Resumed"/> in the same request, or
/// <see cref="Queued"/> for the outbox dispatcher (its resumeParent message committed with the child).
/// </summary>
internal sealed record ParentResume(Guid InstanceId, string State)
{
    public const string Resumed = "resumed";
    public const string Queued = "queued";
}
