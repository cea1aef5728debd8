using Workflows.Engine.Runtime;

namespace Workflows.Engine.InMemory;

/// <summary>A task row as a store keeps it: opened by a step, closed by an outcome or a cancellation.</summary>
public sealed record TaskRecord(OpenedTask Opened, ClosedTask? Closed)
{
    public bool IsOpen => Closed is null;
}

/// <summary>
/// The engine's in-memory store: commits changesets atomically under a lock with the same version checks a
/// database store makes. For engine tests, benchmarks and embedding; not durable.
/// </summary>
public sealed class InMemoryWorkflowStore
{
    private readonly Lock gate = new();
    private readonly Dictionary<Guid, WorkflowInstance> instances = [];
    private readonly Dictionary<Guid, TaskRecord> tasks = [];
    private readonly Dictionary<Guid, Bookmark> bookmarks = [];
    private readonly List<JournalEntry> journal = [];
    private readonly Queue<OutboxMessage> outbox = new();

    public void Commit(Changeset changeset)
    {
        ArgumentNullException.ThrowIfNull(changeset);
        lock (gate)
        {
            foreach (var change in changeset.Instances)
            {
                var actual = instances.TryGetValue(change.State.Id, out var current) ? current.Version : 0;
                if (actual != change.ExpectedVersion)
                {
                    throw new ConcurrencyConflictException(change.State.Id, change.ExpectedVersion, actual);
                }
            }

            foreach (var change in changeset.Instances)
            {
                instances[change.State.Id] = change.State;
            }

            foreach (var id in changeset.BookmarksRemoved)
            {
                bookmarks.Remove(id);
            }

            foreach (var bookmark in changeset.BookmarksCreated)
            {
                bookmarks.Add(bookmark.Id, bookmark);
            }

            foreach (var opened in changeset.TasksOpened)
            {
                tasks.Add(opened.TaskId, new TaskRecord(opened, null));
            }

            foreach (var closed in changeset.TasksClosed)
            {
                tasks[closed.TaskId] = tasks[closed.TaskId] with { Closed = closed };
            }

            journal.AddRange(changeset.Journal);
            foreach (var message in changeset.Outbox)
            {
                outbox.Enqueue(message);
            }
        }
    }

    public WorkflowInstance? Instance(Guid id)
    {
        lock (gate)
        {
            return instances.GetValueOrDefault(id);
        }
    }

    public IReadOnlyList<WorkflowInstance> Instances()
    {
        lock (gate)
        {
            return [.. instances.Values];
        }
    }

    public Bookmark? Bookmark(Guid id)
    {
        lock (gate)
        {
            return bookmarks.GetValueOrDefault(id);
        }
    }

    public IReadOnlyList<Bookmark> Bookmarks(Guid instanceId)
    {
        lock (gate)
        {
            return [.. bookmarks.Values.Where(b => b.InstanceId == instanceId)];
        }
    }

    public IReadOnlyList<Bookmark> DueTimers(DateTimeOffset now)
    {
        lock (gate)
        {
            return [.. bookmarks.Values.Where(b => b.Kind == BookmarkKind.Timer && b.DueAt <= now).OrderBy(b => b.DueAt)];
        }
    }

    public IReadOnlyList<TaskRecord> Tasks(Guid instanceId)
    {
        lock (gate)
        {
            return [.. tasks.Values.Where(t => t.Opened.InstanceId == instanceId).OrderBy(t => t.Opened.OpenedAt)];
        }
    }

    public IReadOnlyList<TaskRecord> OpenTasks(Guid instanceId) => [.. Tasks(instanceId).Where(t => t.IsOpen)];

    public IReadOnlyList<JournalEntry> Journal(Guid instanceId)
    {
        lock (gate)
        {
            return [.. journal.Where(j => j.InstanceId == instanceId)];
        }
    }

    public bool TryDequeueOutbox(out OutboxMessage message)
    {
        lock (gate)
        {
            return outbox.TryDequeue(out message!);
        }
    }
}
