using System.Text.Json.Nodes;
using Workflows.Engine.Definitions;
using Workflows.Engine.Runtime;
using Workflows.Engine.Versions;

namespace Workflows.Engine.InMemory;

/// <summary>
/// Runs the engine against the in-memory store the way the Host runs it against a database: load, call the
/// engine, commit the changeset, then deliver outbox messages (resuming parents of ended sub-processes).
/// </summary>
public sealed class InMemoryWorkflowHost(WorkflowEngine engine, DefinitionRegistry definitions, InMemoryWorkflowStore store)
{
    private readonly List<OutboxMessage> delivered = [];

    public InMemoryWorkflowStore Store => store;

    /// <summary>Notifications and status messages delivered so far, in order.</summary>
    public IReadOnlyList<OutboxMessage> Delivered => delivered;

    public WorkflowInstance Start(string code, int version, JsonObject data, DateTimeOffset? startedAt = null)
    {
        var definition = definitions.Get(code, version) ?? throw new InvalidOperationException($"Procedure {code} v{version} is not published.");
        var result = engine.Start(definition, new StartRequest { Data = data, StartedAt = startedAt });
        store.Commit(result.Changeset!);
        DeliverOutbox();
        return store.Instance(result.Changeset!.Instance.Id)!;
    }

    /// <summary>Resumes a bookmark; returns the engine's rejection when it refused.</summary>
    public Rejection? Resume(Guid instanceId, ResumeRequest request)
    {
        var instance = store.Instance(instanceId) ?? throw new InvalidOperationException($"Instance {instanceId} does not exist.");
        var definition = definitions.Get(instance.DefinitionCode, instance.DefinitionVersion)!;
        var result = engine.Resume(definition, instance, request);
        if (!result.Accepted)
        {
            return result.Rejection;
        }

        store.Commit(result.Changeset!);
        DeliverOutbox();
        return null;
    }

    public Rejection? CompleteTask(Guid taskId, string outcome, JsonObject? data = null, string? actor = null)
    {
        var bookmark = store.Bookmark(taskId);
        return bookmark is null
            ? new Rejection(RejectionCode.StaleBookmark, $"Task {taskId} is not open.")
            : Resume(bookmark.InstanceId, new ResumeRequest { BookmarkId = taskId, Outcome = outcome, Data = data, Actor = actor });
    }

    /// <summary>Sends an external signal (e.g. taxPaid, supplementReceived) to what waits for it.</summary>
    public Rejection? Signal(Guid instanceId, string signal, JsonObject? data = null)
    {
        var bookmark = store.Bookmarks(instanceId).FirstOrDefault(b => b.Kind is BookmarkKind.Signal or BookmarkKind.Supplement && b.Key == signal);
        return bookmark is null
            ? new Rejection(RejectionCode.StaleBookmark, $"Instance {instanceId} does not wait for '{signal}'.")
            : Resume(instanceId, new ResumeRequest { BookmarkId = bookmark.Id, Data = data });
    }

    /// <summary>Fires every timer due at <paramref name="now"/>; returns how many fired.</summary>
    public int FireDueTimers(DateTimeOffset now)
    {
        var fired = 0;
        foreach (var timer in store.DueTimers(now))
        {
            if (Resume(timer.InstanceId, new ResumeRequest { BookmarkId = timer.Id }) is null)
            {
                fired++;
            }
        }

        return fired;
    }

    private void DeliverOutbox()
    {
        while (store.TryDequeueOutbox(out var message))
        {
            if (message.Kind == OutboxKinds.ResumeParent)
            {
                var parentId = Guid.Parse((string)message.Payload["parentInstanceId"]!);
                var bookmarkId = Guid.Parse((string)message.Payload["bookmarkId"]!);
                Resume(parentId, new ResumeRequest { BookmarkId = bookmarkId, Outcome = (string?)message.Payload["result"] });
            }

            delivered.Add(message);
        }
    }
}
