using System.Linq.Expressions;
using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Workflows.Engine.Calendar;
using Workflows.Engine.Deadlines;
using Workflows.Engine.Definitions;
using Workflows.Host.Definitions;
using Workflows.Host.Persistence;

namespace Workflows.Host.Tasks;

internal enum TaskSort
{
    Due,
    DueDescending,
    Opened,
}

internal enum ClaimFilter
{
    Any,
    Me,
    Unclaimed,
}

/// <summary>A validated queue request: the departments to look in are already limited to the caller's.</summary>
internal sealed record TaskQueueQuery(
    IReadOnlyCollection<string> Departments,
    string State,
    ClaimFilter Claimed,
    string Caller,
    string? Procedure,
    DateTimeOffset? DueBefore,
    TaskSort Sort,
    int Page,
    int PageSize,
    QueueCursor? After = null);

/// <summary>A page of a queue: its tasks, the total of the list, and where the next page starts (null after the last).</summary>
internal sealed record TaskQueuePage(IReadOnlyList<TaskDto> Items, int Page, int Total, QueueCursor? Next);

/// <summary>
/// Reads tasks with what an officer needs beside them: the dossier code (when the dossier exists), the
/// procedure, the step's outcomes and forward departments (from the published definition) and the SLA state.
/// </summary>
internal sealed class TaskQueries(WorkflowsDbContext db, DefinitionCatalogue catalogue, WorkingCalendar calendar, TimeProvider time)
{
    private readonly Dictionary<(string Code, int Version), ProcedureDefinition?> definitions = [];

    /// <summary>
    /// A page of the queue. Without a cursor: page <see cref="TaskQueueQuery.Page"/>, counted off from the start, with
    /// the list's total counted. With one: the page after the cursor's task, read from the index at that point, and the
    /// total the cursor carries (counted once, for the first page): one query, however long the list.
    /// </summary>
    public async Task<TaskQueuePage> QueueAsync(TaskQueueQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var tasks = QueueTasks(query);
        if (query.After is { } after)
        {
            tasks = After(tasks, query.Sort, after);
        }

        var rows = Rows(tasks);
        if (query.Procedure is { } procedure)
        {
            rows = rows.Where(r => r.ProcedureCode == procedure);
        }

        var ordered = query.Sort switch
        {
            TaskSort.DueDescending => rows.OrderByDescending(r => r.Task.DueAt).ThenBy(r => r.Task.Id),
            TaskSort.Opened => rows.OrderBy(r => r.Task.OpenedAt).ThenBy(r => r.Task.Id),
            _ => rows.OrderBy(r => r.Task.DueAt).ThenBy(r => r.Task.Id),
        };
        int total;
        int pageNumber;
        List<TaskQueryRow> page;
        bool more;
        if (query.After is { } cursor)
        {
            // One row beyond the page tells whether there is a next one, without counting.
            page = await ordered.Take(query.PageSize + 1).ToListAsync(cancellationToken);
            more = page.Count > query.PageSize;
            if (more)
            {
                page.RemoveAt(page.Count - 1);
            }

            (total, pageNumber) = (cursor.Total, cursor.Page);
        }
        else
        {
            // Without a procedure filter the count needs no join: every task has its instance (foreign key).
            total = query.Procedure is null
                ? await tasks.CountAsync(cancellationToken)
                : await rows.CountAsync(cancellationToken);
            page = await ordered.Skip((query.Page - 1) * query.PageSize).Take(query.PageSize).ToListAsync(cancellationToken);
            pageNumber = query.Page;
            more = (long)query.Page * query.PageSize < total;
        }

        var items = new List<TaskDto>(page.Count);
        foreach (var row in page)
        {
            items.Add(await DtoAsync(row, cancellationToken));
        }

        var next = more && page.Count == query.PageSize && pageNumber < Infrastructure.InputLimits.MaxPage
            ? new QueueCursor(pageNumber + 1, total, SortKey(page[^1].Task, query.Sort), page[^1].Task.Id, QueueCursor.ListOf(query))
            : null;
        return new TaskQueuePage(items, pageNumber, total, next);
    }

    /// <summary>One task if it belongs to one of <paramref name="departments"/>; null otherwise (not revealed).</summary>
    public async Task<TaskDto?> FindAsync(Guid id, IReadOnlySet<string> departments, bool withData, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(departments);
        var row = await Rows().Where(r => r.Task.Id == id).SingleOrDefaultAsync(cancellationToken);
        if (row is null || !departments.Contains(row.Task.Department))
        {
            return null;
        }

        var dto = await DtoAsync(row, cancellationToken);
        if (!withData)
        {
            return dto;
        }

        var data = await db.Instances.AsNoTracking().Where(i => i.Id == row.Task.InstanceId).Select(i => i.Data).SingleAsync(cancellationToken);
        return dto with { Data = JsonNode.Parse(data) ?? new JsonObject() };
    }

    /// <summary>
    /// What completing a task needs, in one round trip: the task as an officer reads it, its row version (the
    /// commit closes it only at that version), and its instance with bookmarks and dossier row for the engine and
    /// the status projection. Null when the task is not in one of <paramref name="departments"/>.
    /// </summary>
    public async Task<TaskForCompletion?> FindForCompletionAsync(Guid id, IReadOnlySet<string> departments, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(departments);
        var loaded = await ForCompletion.GetValue(db.Model, _ => EF.CompileAsyncQuery(ForCompletionQuery))(db, id, cancellationToken);
        if (loaded is null || !departments.Contains(loaded.Task.Department))
        {
            return null;
        }

        var row = new TaskQueryRow
        {
            Task = loaded.Task,
            DossierCode = loaded.Dossier?.Code,
            ProcedureCode = loaded.Instance.DefinitionCode,
            ProcedureVersion = loaded.Instance.DefinitionVersion,
            ProcedureName = loaded.ProcedureName,
        };
        return new TaskForCompletion(
            await DtoAsync(row, cancellationToken),
            loaded.Task.RowVersion,
            RowMapping.ToInstance(loaded.Instance, loaded.Bookmarks),
            loaded.Dossier);
    }

    /// <summary>The task row as it is now, whatever its department (for conflict answers after a visibility check).</summary>
    public Task<TaskRow?> RowAsync(Guid id, CancellationToken cancellationToken) =>
        db.Tasks.AsNoTracking().SingleOrDefaultAsync(t => t.Id == id, cancellationToken);

    /// <summary>The step a task was opened for, from the published version its instance runs.</summary>
    public async Task<StepNode?> StepAsync(string procedureCode, int procedureVersion, string stepId, CancellationToken cancellationToken)
    {
        if (!definitions.TryGetValue((procedureCode, procedureVersion), out var definition))
        {
            definition = await catalogue.GetPublishedAsync(procedureCode, procedureVersion, cancellationToken);
            definitions[(procedureCode, procedureVersion)] = definition;
        }

        return definition?.Flowchart.Nodes.OfType<StepNode>().FirstOrDefault(n => n.Id == stepId);
    }

    /// <summary>A task read before as the commit that completed it left it (the caller keeps the claim).</summary>
    public TaskDto Closed(TaskDto before, Engine.Runtime.ClosedTask closed, string claimant)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(closed);
        var closedAt = Stored(closed.ClosedAt);
        return before with
        {
            State = closed.Reason == Engine.Runtime.TaskCloseReason.Completed ? TaskStates.Completed : TaskStates.Cancelled,
            Sla = RowMapping.Name(Sla.Classify(calendar, before.DueAt, closedAt, time.GetUtcNow())),
            ClaimedBy = claimant,
            ClosedAt = Local(closedAt),
            Outcome = closed.Outcome,
            CompletedBy = closed.Actor,
            Note = closed.Note,
        };
    }

    /// <summary>A task just opened on the instance of <paramref name="sibling"/>, as reading it would return it.</summary>
    public async Task<TaskDto> OpenedAsync(TaskDto sibling, Engine.Runtime.OpenedTask opened, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sibling);
        ArgumentNullException.ThrowIfNull(opened);
        var step = await StepAsync(sibling.ProcedureCode, sibling.ProcedureVersion, opened.NodeId, cancellationToken);
        var dueAt = Stored(opened.DueAt);
        return new TaskDto(
            opened.TaskId,
            opened.InstanceId,
            sibling.DossierCode,
            sibling.ProcedureCode,
            sibling.ProcedureVersion,
            sibling.ProcedureName,
            opened.NodeId,
            opened.StepName ?? step?.Name,
            opened.Department,
            opened.Role,
            TaskStates.Open,
            Local(Stored(opened.OpenedAt)),
            Local(dueAt),
            RowMapping.Name(Sla.Classify(calendar, dueAt, null, time.GetUtcNow())),
            null,
            step?.Outcomes ?? [],
            step?.ForwardTo ?? [],
            opened.PreviousNodeId,
            null,
            null,
            null,
            null);
    }

    public static TaskStateDto State(TaskRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        return new(row.Id, row.State, row.Department, row.ClaimedBy, row.Outcome, row.Actor, row.ClosedAt);
    }

    // FindForCompletionAsync's read, compiled: every completion runs it, and building, funcletizing and hashing its
    // expression tree on each request cost about a tenth of the Host's CPU per completion. The joins are Joined()'s
    // (a compiled query cannot call it), plus the instance's bookmarks. EF runs a compiled query only with the model it
    // was compiled for: one per model (one in production; the tests run SQLite and PostgreSQL in one process).
    private static readonly ConditionalWeakTable<IModel, Func<WorkflowsDbContext, Guid, CancellationToken, Task<TaskWithInstance?>>> ForCompletion = new();

    private static readonly Expression<Func<WorkflowsDbContext, Guid, CancellationToken, TaskWithInstance?>> ForCompletionQuery =
        (db, id, cancellationToken) =>
            (from t in db.Tasks.AsNoTracking()
             where t.Id == id
             join i in db.Instances.AsNoTracking() on t.InstanceId equals i.Id
             join d in db.Dossiers.AsNoTracking() on t.InstanceId equals d.Id into dossiers
             from d in dossiers.DefaultIfEmpty()
             join p in db.ProcedureVersions.AsNoTracking()
                 on new { Code = i.DefinitionCode, Version = i.DefinitionVersion } equals new { p.Code, p.Version } into procedures
             from p in procedures.DefaultIfEmpty()
             select new TaskWithInstance
             {
                 Task = t,
                 Instance = i,
                 Dossier = d,
                 ProcedureName = p != null ? p.Name : null,
                 Bookmarks = db.Bookmarks.AsNoTracking().Where(b => b.InstanceId == i.Id).ToList(),
             }).SingleOrDefault();

    // The queue's filters on the task alone. One department is compared with '=' rather than IN: PostgreSQL then walks
    // ix_tasks_department_state_due_at in due order and stops at the page instead of sorting the department's tasks.
    private IQueryable<TaskRow> QueueTasks(TaskQueueQuery query)
    {
        var tasks = db.Tasks.AsNoTracking().Where(t => t.State == query.State);
        if (query.Departments.Count == 1)
        {
            var department = query.Departments.First();
            tasks = tasks.Where(t => t.Department == department);
        }
        else
        {
            var departments = query.Departments.ToList();
            tasks = tasks.Where(t => departments.Contains(t.Department));
        }

        tasks = query.Claimed switch
        {
            ClaimFilter.Me => tasks.Where(t => t.ClaimedBy == query.Caller),
            ClaimFilter.Unclaimed => tasks.Where(t => t.ClaimedBy == null),
            _ => tasks,
        };
        if (query.DueBefore is { } dueBefore)
        {
            tasks = tasks.Where(t => t.DueAt < dueBefore);
        }

        return tasks;
    }

    private static DateTimeOffset SortKey(TaskRow task, TaskSort sort) => sort == TaskSort.Opened ? task.OpenedAt : task.DueAt;

    // The tasks after the cursor's task in the list's order (sort key, then id). The key's own bound (>= or <=) comes
    // first so PostgreSQL starts its walk of ix_tasks_department_state_due_at at the cursor instead of filtering from
    // the start of the department's tasks; the OR only breaks ties between tasks due at the same instant.
    private static IQueryable<TaskRow> After(IQueryable<TaskRow> tasks, TaskSort sort, QueueCursor cursor)
    {
        var key = cursor.Key;
        var id = cursor.Id;
        return sort switch
        {
            TaskSort.DueDescending => tasks.Where(t => t.DueAt <= key && (t.DueAt < key || t.Id.CompareTo(id) > 0)),
            TaskSort.Opened => tasks.Where(t => t.OpenedAt >= key && (t.OpenedAt > key || t.Id.CompareTo(id) > 0)),
            _ => tasks.Where(t => t.DueAt >= key && (t.DueAt > key || t.Id.CompareTo(id) > 0)),
        };
    }

    // A task with its instance, its dossier (none for a sub-process) and its procedure version's name.
    private IQueryable<JoinedTask> Joined(IQueryable<TaskRow>? tasks = null) =>
        from t in tasks ?? db.Tasks.AsNoTracking()
        join i in db.Instances.AsNoTracking() on t.InstanceId equals i.Id
        join d in db.Dossiers.AsNoTracking() on t.InstanceId equals d.Id into dossiers
        from d in dossiers.DefaultIfEmpty()
        join p in db.ProcedureVersions.AsNoTracking()
            on new { Code = i.DefinitionCode, Version = i.DefinitionVersion } equals new { p.Code, p.Version } into procedures
        from p in procedures.DefaultIfEmpty()
        select new JoinedTask { Task = t, Instance = i, Dossier = d, ProcedureName = p != null ? p.Name : null };

    private IQueryable<TaskQueryRow> Rows(IQueryable<TaskRow>? tasks = null) =>
        Joined(tasks).Select(j => new TaskQueryRow
        {
            Task = j.Task,
            DossierCode = j.Dossier != null ? j.Dossier.Code : null,
            ProcedureCode = j.Instance.DefinitionCode,
            ProcedureVersion = j.Instance.DefinitionVersion,
            ProcedureName = j.ProcedureName,
        });

    private async Task<TaskDto> DtoAsync(TaskQueryRow row, CancellationToken cancellationToken)
    {
        var task = row.Task;
        // The join found no stored version of the procedure (rows brought from another system, or generated): there is
        // no definition to read, and asking the catalogue would cost a query per such procedure on every page.
        var step = row.ProcedureName is null ? null : await StepAsync(row.ProcedureCode, row.ProcedureVersion, task.NodeId, cancellationToken);
        var closed = task.State == TaskStates.Open ? null : task.ClosedAt;
        var sla = Sla.Classify(calendar, task.DueAt, closed, time.GetUtcNow());
        return new TaskDto(
            task.Id,
            task.InstanceId,
            row.DossierCode,
            row.ProcedureCode,
            row.ProcedureVersion,
            row.ProcedureName,
            task.NodeId,
            task.StepName ?? step?.Name,
            task.Department,
            task.Role,
            task.State,
            Local(task.OpenedAt),
            Local(task.DueAt),
            RowMapping.Name(sla),
            task.ClaimedBy,
            step?.Outcomes ?? [],
            step?.ForwardTo ?? [],
            task.PreviousNodeId,
            task.ClosedAt is { } closedAt ? Local(closedAt) : null,
            task.Outcome,
            task.Actor,
            task.Note);
    }

    private static DateTimeOffset Stored(DateTimeOffset instant) => StoredValues.Instant(instant);

    // Officers read times as the centre's local time (+07:00), like the Dossier API.
    private DateTimeOffset Local(DateTimeOffset instant) => instant.ToOffset(calendar.UtcOffset);

    private sealed class TaskWithInstance
    {
        public required TaskRow Task { get; init; }

        public required InstanceRow Instance { get; init; }

        public DossierRow? Dossier { get; init; }

        public string? ProcedureName { get; init; }

        public required List<BookmarkRow> Bookmarks { get; init; }
    }

    private sealed class JoinedTask
    {
        public required TaskRow Task { get; init; }

        public required InstanceRow Instance { get; init; }

        public DossierRow? Dossier { get; init; }

        public string? ProcedureName { get; init; }
    }

    private sealed class TaskQueryRow
    {
        public required TaskRow Task { get; init; }

        public string? DossierCode { get; init; }

        public required string ProcedureCode { get; init; }

        public int ProcedureVersion { get; init; }

        public string? ProcedureName { get; init; }
    }
}

/// <summary>A task read for completion: the officer's view, its row version, and its instance and dossier as read.</summary>
internal sealed record TaskForCompletion(TaskDto Task, int RowVersion, Engine.Runtime.WorkflowInstance Instance, DossierRow? Dossier);
