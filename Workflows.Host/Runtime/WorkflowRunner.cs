using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Workflows.Engine.Runtime;
using Workflows.Host.Definitions;
using Workflows.Host.Infrastructure;
using Workflows.Host.Persistence;

namespace Workflows.Host.Runtime;

/// <summary>
/// Drives the engine over the database the way InMemoryWorkflowHost drives it in memory: load the instance,
/// call the engine, commit the changeset in one transaction, then resume parents of ended sub-processes.
/// Notifications and status messages stay in the outbox for the OutboxDispatcher.
/// </summary>
internal sealed class WorkflowRunner(
    WorkflowEngine engine,
    DefinitionCatalogue definitions,
    ChangesetStore store,
    WorkflowsDbContext db,
    TimeProvider time)
{
    /// <summary>Starts a dossier on a published version; the result holds the committed changeset.</summary>
    public async Task<ExecutionResult> StartAsync(string code, int version, JsonObject data, string? actor = null, CancellationToken cancellationToken = default)
    {
        var definition = await definitions.GetPublishedAsync(code, version, cancellationToken)
            ?? throw new NotFoundException($"Procedure {code} v{version} is not published.");
        var result = engine.Start(definition, new StartRequest { Data = data, Actor = actor });
        await store.CommitAsync(result.Changeset!, cancellationToken);
        await ResumeParentsAsync(result.Changeset!, cancellationToken);
        return result;
    }

    /// <summary>
    /// Resumes a bookmark. A refusal (stale bookmark, wrong outcome, ...) is returned, not thrown; a commit
    /// that lost a race throws <see cref="Engine.InMemory.ConcurrencyConflictException"/>.
    /// </summary>
    public async Task<ExecutionResult> ResumeAsync(Guid instanceId, ResumeRequest request, CancellationToken cancellationToken = default)
    {
        var instance = await store.LoadInstanceAsync(instanceId, cancellationToken)
            ?? throw new NotFoundException($"Instance {instanceId} does not exist.");
        return await ResumeAsync(instance, request, cancellationToken);
    }

    /// <summary>Resumes from an instance state read earlier; if it is stale the commit conflicts.</summary>
    public async Task<ExecutionResult> ResumeAsync(WorkflowInstance instance, ResumeRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(instance);
        var definition = await definitions.GetPublishedAsync(instance.DefinitionCode, instance.DefinitionVersion, cancellationToken)
            ?? throw new InvalidOperationException($"Instance {instance.Id} runs {instance.DefinitionCode} v{instance.DefinitionVersion}, which is not published.");
        var result = engine.Resume(definition, instance, request);
        if (!result.Accepted)
        {
            return result;
        }

        await store.CommitAsync(result.Changeset!, cancellationToken);
        await ResumeParentsAsync(result.Changeset!, cancellationToken);
        return result;
    }

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
            catch (Engine.InMemory.ConcurrencyConflictException)
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
