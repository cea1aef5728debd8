using System.Globalization;
using System.Security.Claims;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Workflows.Engine.Calendar;
using Workflows.Engine.Definitions;
using Workflows.Engine.Runtime;
using Workflows.Host.Access;
using Workflows.Host.Definitions;
using Workflows.Host.Infrastructure;
using Workflows.Host.Observability;
using Workflows.Host.Persistence;
using Workflows.Host.Runtime;

namespace Workflows.Host.Tasks;

/// <summary>What every task endpoint needs, bound from the request's services.</summary>
internal sealed record TaskRequestContext(
    HttpContext Http,
    WorkflowsDbContext Db,
    DefinitionCatalogue Catalogue,
    WorkingCalendar Calendar,
    TimeProvider Time,
    HostTelemetry Telemetry,
    CancellationToken CancellationToken)
{
    public ClaimsPrincipal User => Http.User;

    public string Caller => User.Name();

    public IReadOnlySet<string> Departments => User.Departments();

    public TaskQueries Queries => field ??= new TaskQueries(Db, Catalogue, Calendar, Time);

    public TaskCommands Commands => field ??= new TaskCommands(Db, Time);
}

/// <summary>
/// /api/tasks: officers work their departments' queues. A task of a department the caller does not work for
/// is not found (404), never forbidden, so its existence is not revealed.
/// </summary>
internal static class TasksApi
{
    public const int MaxPageSize = 200;
    public const int MaxNoteLength = ColumnSizes.Note;

    /// <summary>How many times a completion is read and committed when other writes keep advancing its instance.</summary>
    public const int MaxCompletionAttempts = 3;

    private static readonly string[] States = [TaskStates.Open, TaskStates.Completed, TaskStates.Cancelled];

    public static IEndpointRouteBuilder MapTasksApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/tasks").WithTags("Tasks").RequireAuthorization(Policies.Officer);
        api.MapGet("/", Queue).WithSummary("The work queue of the caller's departments, most urgent first; 'next' reads the following page without counting again");
        api.MapGet("/{id:guid}", Get).WithSummary("One task with the dossier's data");
        api.MapPost("/{id:guid}/claim", Claim).WithSummary("Take an open task (409 when another officer holds it)");
        api.MapPost("/{id:guid}/release", Release).WithSummary("Give up the caller's claim");
        api.MapPost("/{id:guid}/complete", Complete).WithSummary("Complete the task with one of the step's outcomes");
        api.MapPost("/{id:guid}/return", Return).WithSummary("Send the dossier back to the previous step (outcome returnToPrevious)");
        api.MapPost("/{id:guid}/forward", Forward).WithSummary("Move the open task to a department the step may be forwarded to");
        return app;
    }

    private static async Task<Results<Ok<TaskPageDto>, ValidationProblem, ProblemHttpResult>> Queue(
        [AsParameters] TaskRequestContext request,
        string? department = null,
        string? state = null,
        string? claimed = null,
        string? procedure = null,
        string? dueBefore = null,
        string? sort = null,
        string? page = null,
        string? pageSize = null,
        string? after = null)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var stateValue = Blank(state) ? TaskStates.Open : state!.Trim();
        if (!States.Contains(stateValue, StringComparer.Ordinal))
        {
            errors["state"] = [$"State is one of: {string.Join(", ", States)}."];
        }

        ClaimFilter claimFilter = ClaimFilter.Any;
        switch (Blank(claimed) ? "any" : claimed!.Trim())
        {
            case "any": break;
            case "me": claimFilter = ClaimFilter.Me; break;
            case "unclaimed": claimFilter = ClaimFilter.Unclaimed; break;
            default: errors["claimed"] = ["Claimed is one of: me, unclaimed, any."]; break;
        }

        TaskSort sortValue = TaskSort.Due;
        switch (Blank(sort) ? "due" : sort!.Trim())
        {
            case "due": break;
            case "-due": sortValue = TaskSort.DueDescending; break;
            case "opened": sortValue = TaskSort.Opened; break;
            default: errors["sort"] = ["Sort is one of: due, -due, opened."]; break;
        }

        var pageValue = 1;
        if (!Blank(page) && (!int.TryParse(page, NumberStyles.None, CultureInfo.InvariantCulture, out pageValue) || pageValue is < 1 or > InputLimits.MaxPage))
        {
            errors["page"] = [InputLimits.PageMessage];
        }

        var pageSizeValue = 20;
        if (!Blank(pageSize) && (!int.TryParse(pageSize, NumberStyles.None, CultureInfo.InvariantCulture, out pageSizeValue) || pageSizeValue is < 1 or > MaxPageSize))
        {
            errors["pageSize"] = [$"Page size is a whole number between 1 and {MaxPageSize}."];
        }

        DateTimeOffset? dueBeforeValue = null;
        if (!Blank(dueBefore))
        {
            if (ParseInstant(dueBefore!, request.Calendar.UtcOffset) is { } parsed && InputLimits.IsInRange(parsed))
            {
                dueBeforeValue = parsed;
            }
            else
            {
                errors["dueBefore"] = [$"An ISO 8601 date or date and time, e.g. 2026-03-02 or 2026-03-02T17:00:00+07:00 ({InputLimits.DayRangeMessage})"];
            }
        }

        if (!Blank(procedure) && procedure!.Trim().Length > 64)
        {
            errors["procedure"] = ["A procedure code has at most 64 characters."];
        }

        QueueCursor? cursor = null;
        if (!Blank(after))
        {
            cursor = QueueCursor.Decode(after!.Trim());
            if (cursor is null)
            {
                errors["after"] = ["Not a cursor of this queue: give the 'next' value of the page before, as it was returned."];
            }
            else if (!Blank(page))
            {
                errors["after"] = ["Give either 'page' or 'after', not both: 'after' already names the page that follows."];
            }
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, title: "The query has invalid values");
        }

        var mine = request.Departments;
        IReadOnlyCollection<string> departments = mine;
        if (!Blank(department))
        {
            var wanted = department!.Trim();
            if (!mine.Contains(wanted))
            {
                return TypedResults.Problem(
                    detail: $"You do not work for department '{wanted}'; your departments are: {string.Join(", ", mine.Order(StringComparer.Ordinal))}.",
                    statusCode: StatusCodes.Status403Forbidden,
                    title: "Not your department");
            }

            departments = [wanted];
        }

        var query = new TaskQueueQuery(
            departments,
            stateValue,
            claimFilter,
            request.Caller,
            Blank(procedure) ? null : procedure!.Trim(),
            dueBeforeValue,
            sortValue,
            pageValue,
            pageSizeValue,
            cursor);
        if (cursor is not null && cursor.List != QueueCursor.ListOf(query))
        {
            return TypedResults.ValidationProblem(
                new Dictionary<string, string[]> { ["after"] = ["This cursor belongs to another list (other filters, sort or page size): read the first page of this one."] },
                title: "The query has invalid values");
        }

        var result = await request.Queries.QueueAsync(query, request.CancellationToken);
        return TypedResults.Ok(new TaskPageDto(result.Items, result.Page, pageSizeValue, result.Total) { Next = result.Next?.Encode() });
    }

    private static async Task<Results<Ok<TaskDto>, ProblemHttpResult>> Get(Guid id, [AsParameters] TaskRequestContext request) =>
        await request.Queries.FindAsync(id, request.Departments, withData: true, request.CancellationToken) is { } task
            ? TypedResults.Ok(task)
            : NotFound(id);

    private static async Task<Results<Ok<TaskDto>, ProblemHttpResult>> Claim(Guid id, [AsParameters] TaskRequestContext request)
    {
        var result = await request.Commands.ClaimAsync(id, request.Caller, request.Departments, request.CancellationToken);
        return result switch
        {
            TaskWrite.Done or TaskWrite.Unchanged => await Current(id, request),
            TaskWrite.NotFound => NotFound(id),
            TaskWrite.NotOpen => await Conflict(id, request, "The task is not open", "The task was closed; it cannot be claimed."),
            TaskWrite.ClaimedByOther => await Conflict(id, request, "The task is claimed by another officer", null),
            _ => await Conflict(id, request, "The task changed", "The task changed while it was being claimed; read it again."),
        };
    }

    private static async Task<Results<Ok<TaskDto>, ProblemHttpResult>> Release(Guid id, [AsParameters] TaskRequestContext request)
    {
        var result = await request.Commands.ReleaseAsync(id, request.Caller, request.Departments, request.CancellationToken);
        return result switch
        {
            TaskWrite.Done or TaskWrite.Unchanged => await Current(id, request),
            TaskWrite.NotFound => NotFound(id),
            TaskWrite.NotOpen => await Conflict(id, request, "The task is not open", "The task was closed; there is no claim to release."),
            TaskWrite.ClaimedByOther => await Conflict(id, request, "The task is claimed by another officer", "Only the officer who claimed the task may release it."),
            _ => await Conflict(id, request, "The task changed", "The task changed while it was being released; read it again."),
        };
    }

    private static Task<Results<Ok<CompletedTaskDto>, ValidationProblem, ProblemHttpResult>> Complete(
        Guid id, CompleteTaskRequest? body, [AsParameters] TaskRequestContext request, WorkflowRunner runner) =>
        CompleteAsync(id, body?.Outcome, body?.Note, body?.Data, request, runner);

    private static Task<Results<Ok<CompletedTaskDto>, ValidationProblem, ProblemHttpResult>> Return(
        Guid id, ReturnTaskRequest? body, [AsParameters] TaskRequestContext request, WorkflowRunner runner) =>
        CompleteAsync(id, Outcomes.ReturnToPrevious, body?.Note, data: null, request, runner);

    /// <summary>
    /// Completes the task; a commit that finds the instance or dossier changed since the read is read, decided and
    /// committed again. Background writes (the deadline sweep's warnings, a calendar edit moving due times) advance
    /// the instance without changing what the officer decides on, so they must not fail the officer's completion; a
    /// write that does change it (the task closed, claimed or forwarded by someone else, the dossier stopped) is found
    /// by the new read, which answers 404 or 409 as it would have.
    /// </summary>
    private static async Task<Results<Ok<CompletedTaskDto>, ValidationProblem, ProblemHttpResult>> CompleteAsync(
        Guid id, string? outcome, string? note, JsonObject? data, TaskRequestContext request, WorkflowRunner runner)
    {
        for (var attempt = 1; ; attempt++)
        {
            if (await CompleteOnceAsync(id, outcome, note, data, request, runner, retryOnConflict: attempt < MaxCompletionAttempts) is { } answer)
            {
                return answer;
            }
        }
    }

    /// <summary>One read, decision and commit; null when the instance changed meanwhile and <paramref name="retryOnConflict"/>.</summary>
    private static async Task<Results<Ok<CompletedTaskDto>, ValidationProblem, ProblemHttpResult>?> CompleteOnceAsync(
        Guid id, string? outcome, string? note, JsonObject? data, TaskRequestContext request, WorkflowRunner runner, bool retryOnConflict)
    {
        var departments = request.Departments;
        var caller = request.Caller;
        // One pooled connection for the whole request (closed when the scope's context is disposed): every reopen
        // would rent it again and make Npgsql reset its session state, one more statement for PostgreSQL.
        await request.Db.Database.OpenConnectionAsync(request.CancellationToken);
        // The task, its instance (with bookmarks) and its dossier in one read; the commit checks all three versions.
        var loaded = await request.Queries.FindForCompletionAsync(id, departments, request.CancellationToken);
        if (loaded is null)
        {
            return NotFound(id);
        }

        var task = loaded.Task;
        if (Blank(outcome) || !task.Outcomes.Contains(outcome!, StringComparer.Ordinal))
        {
            return Invalid("outcome", $"Step '{task.StepId}' offers the outcomes: {string.Join(", ", task.Outcomes)}; '{outcome}' is not one of them.");
        }

        if (note is { Length: > MaxNoteLength })
        {
            return Invalid("note", $"A note has at most {MaxNoteLength} characters.");
        }

        if (task.State != TaskStates.Open)
        {
            return await Conflict(id, request, "The task is not open", $"The task is {task.State}; it cannot be completed again.");
        }

        if (task.ClaimedBy is { } claimant && claimant != caller)
        {
            return await Conflict(id, request, "The task is claimed by another officer", "Only the officer who claimed the task may complete it.");
        }

        // The claim is checked again where it counts: the UPDATE that closes the task, in the commit's batch, requires
        // the row version read above (open, in the caller's departments, unclaimed or the caller's) and leaves the caller
        // as claimant, so a claim or forward by someone else and this completion cannot both win.
        var resume = new ResumeRequest { BookmarkId = id, Outcome = outcome, Note = note, Data = data, Actor = caller };
        ExecutionResult result;
        IReadOnlyList<ParentResume> parents;
        try
        {
            (result, parents) = await runner.CompleteTaskAsync(loaded.Instance, resume, new TaskClaim(id, caller, loaded.RowVersion, task.OpenedAt, task.DueAt), loaded.Dossier, request.CancellationToken);
        }
        catch (TaskClaimLostException)
        {
            var now = await request.Queries.RowAsync(id, CancellationToken.None);
            if (now is null || !departments.Contains(now.Department))
            {
                // Forwarded out of the caller's departments meanwhile: as if it had been read after the forward.
                return NotFound(id);
            }

            return now is { State: TaskStates.Open, ClaimedBy: { } other } && other != caller
                ? await Conflict(id, request, "The task is claimed by another officer", "Only the officer who claimed the task may complete it.")
                : now is not null && now.State != TaskStates.Open
                    ? await Conflict(id, request, "The task is not open", "The task was closed by someone else; it cannot be completed again.")
                    : await Conflict(id, request, "The task changed", "The task changed while it was being completed; read it again.");
        }
        catch (ConcurrencyConflictException conflict) when (conflict.InstanceId == task.InstanceId)
        {
            if (retryOnConflict)
            {
                return null;
            }

            return await Conflict(id, request, "The dossier changed since it was read", "Someone else acted on the dossier at the same time; the task was not completed by this request.");
        }
        catch (Exception e) when (DatabaseErrors.IsTransientConflict(e))
        {
            // The database broke a tie between this completion and a concurrent write (deadlock, busy file): nothing was
            // written, so read and decide again, as after a version conflict with a background write.
            if (retryOnConflict)
            {
                return null;
            }

            return await Conflict(id, request, "The dossier changed since it was read", "Someone else acted on the dossier at the same time; the task was not completed by this request.");
        }

        if (!result.Accepted)
        {
            var rejection = result.Rejection!;
            return rejection.Code == RejectionCode.InvalidOutcome
                ? Invalid("outcome", rejection.Message)
                : await Conflict(id, request, "The task can no longer be completed", rejection.Message, rejection.Code);
        }

        // The response comes from what was just committed: the task as read before plus its closing, and the tasks
        // the changeset opened; only a task of another instance (a sub-process) is read.
        var changeset = result.Changeset!;
        var next = new List<TaskDto>();
        var handedOver = new List<HandedOverDto>();
        foreach (var opened in changeset.TasksOpened)
        {
            if (!departments.Contains(opened.Department))
            {
                handedOver.Add(new HandedOverDto(opened.NodeId, opened.StepName, opened.Department));
            }
            else if (opened.InstanceId == task.InstanceId)
            {
                next.Add(await request.Queries.OpenedAsync(task, opened, request.CancellationToken));
            }
            else if (await request.Queries.FindAsync(opened.TaskId, departments, withData: false, request.CancellationToken) is { } visible)
            {
                next.Add(visible);
            }
            else
            {
                handedOver.Add(new HandedOverDto(opened.NodeId, opened.StepName, opened.Department));
            }
        }

        var closed = changeset.TasksClosed.FirstOrDefault(t => t.TaskId == id);
        var final = closed is null ? await FinalAsync(id, task, request) : request.Queries.Closed(task, closed, caller);
        request.Telemetry.StepCompleted(final.Department, final.ProcedureCode, final.Sla);
        return TypedResults.Ok(new CompletedTaskDto(final, next, handedOver) { ParentProcesses = ParentProcesses(parents) });
    }

    // What became of the processes this completion handed back to (the task ended a sub-process): the completion
    // stands either way; a queued parent is resumed by the background runner.
    private static List<ParentProcessDto>? ParentProcesses(IReadOnlyList<ParentResume> parents) => parents.Count == 0
        ? null
        : [.. parents.Select(p => new ParentProcessDto(p.InstanceId, p.State, p.State == ParentResume.Resumed
            ? "The parent process was resumed."
            : "The task was completed; resuming the parent process failed for now and is left to the background runner, which retries it."))];

    private static async Task<Results<Ok<TaskDto>, ValidationProblem, ProblemHttpResult>> Forward(
        Guid id, ForwardTaskRequest? body, [AsParameters] TaskRequestContext request)
    {
        var task = await request.Queries.FindAsync(id, request.Departments, withData: false, request.CancellationToken);
        if (task is null)
        {
            return NotFound(id);
        }

        var to = body?.Department?.Trim();
        if (string.IsNullOrEmpty(to) || !task.ForwardTo.Contains(to, StringComparer.Ordinal) || to == task.Department)
        {
            var allowed = task.ForwardTo.Where(d => d != task.Department).ToList();
            return Invalid("department", allowed.Count == 0
                ? $"Step '{task.StepId}' cannot be forwarded."
                : $"Step '{task.StepId}' may be forwarded to: {string.Join(", ", allowed)}; '{to}' is not one of them.");
        }

        if (body!.Note is { Length: > MaxNoteLength })
        {
            return Invalid("note", $"A note has at most {MaxNoteLength} characters.");
        }

        var row = await request.Queries.RowAsync(id, request.CancellationToken);
        if (row is null || row.State != TaskStates.Open)
        {
            return await Conflict(id, request, "The task is not open", "The task was closed; it cannot be forwarded.");
        }

        if (row.ClaimedBy is { } claimant && claimant != request.Caller)
        {
            return await Conflict(id, request, "The task is claimed by another officer", "Only the officer who claimed the task, or anyone while it is unclaimed, may forward it.");
        }

        var result = await request.Commands.ForwardAsync(row, to, request.Caller, body.Note, request.CancellationToken);
        if (result != TaskWrite.Done)
        {
            return await Conflict(id, request, "The task changed", "The task or its dossier changed while it was being forwarded; read it again.");
        }

        // The caller may not see the task any more; answer with what it is now, from the new department's side.
        var forwarded = await request.Queries.FindAsync(id, new HashSet<string>(StringComparer.Ordinal) { to }, withData: false, request.CancellationToken);
        return forwarded is null ? NotFound(id) : TypedResults.Ok(forwarded);
    }

    private static async Task<TaskDto> FinalAsync(Guid id, TaskDto before, TaskRequestContext request) =>
        await request.Queries.FindAsync(id, request.Departments, withData: false, request.CancellationToken) ?? before;

    private static async Task<Results<Ok<TaskDto>, ProblemHttpResult>> Current(Guid id, TaskRequestContext request) =>
        await request.Queries.FindAsync(id, request.Departments, withData: false, request.CancellationToken) is { } task
            ? TypedResults.Ok(task)
            : NotFound(id);

    /// <summary>409 with where the task stands now: state, claimant, outcome, who completed it and when.</summary>
    private static async Task<ProblemHttpResult> Conflict(Guid id, TaskRequestContext request, string title, string? detail, RejectionCode? reason = null)
    {
        var row = await request.Queries.RowAsync(id, CancellationToken.None);
        if (row is null || !request.Departments.Contains(row.Department))
        {
            // It moved out of the caller's departments meanwhile: say so without telling where it went.
            return TypedResults.Problem(
                detail: "The task is no longer in your departments.",
                statusCode: StatusCodes.Status409Conflict,
                title: title,
                extensions: new Dictionary<string, object?> { ["task"] = new { id, state = "moved" } });
        }

        var extensions = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["task"] = TaskQueries.State(row),
            ["claimedBy"] = row.ClaimedBy,
        };
        if (reason is { } code)
        {
            extensions["reason"] = RowMapping.Name(code);
        }

        return TypedResults.Problem(
            detail: detail ?? $"The task is claimed by {row.ClaimedBy}.",
            statusCode: StatusCodes.Status409Conflict,
            title: title,
            extensions: extensions);
    }

    private static ProblemHttpResult NotFound(Guid id) =>
        TypedResults.Problem(detail: $"Task {id} was not found in your departments.", statusCode: StatusCodes.Status404NotFound, title: "Not found");

    private static ValidationProblem Invalid(string field, string message) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] }, title: "The request has invalid values");

    private static bool Blank(string? value) => string.IsNullOrWhiteSpace(value);

    /// <summary>An ISO 8601 instant; a date or time without an offset is read in the centre's time zone.</summary>
    private static DateTimeOffset? ParseInstant(string value, TimeSpan centreOffset)
    {
        if (!DateTime.TryParse(value.Trim(), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var parsed)
            || !InputLimits.IsInRange(DateOnly.FromDateTime(parsed)))
        {
            // Out of range, 0001-01-01 at the centre's offset would be before the first instant there is.
            return null;
        }

        return parsed.Kind switch
        {
            DateTimeKind.Unspecified => new DateTimeOffset(parsed, centreOffset),
            _ => new DateTimeOffset(parsed),
        };
    }
}
