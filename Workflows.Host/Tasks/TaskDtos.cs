using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Workflows.Host.Tasks;

/// <summary>A task as an officer sees it in the queue; <see cref="Data"/> only when one task is read.</summary>
internal sealed record TaskDto(
    Guid Id,
    Guid InstanceId,
    string? DossierCode,
    string ProcedureCode,
    int ProcedureVersion,
    string? ProcedureName,
    string StepId,
    string? StepName,
    string Department,
    string? Role,
    string State,
    DateTimeOffset OpenedAt,
    DateTimeOffset DueAt,
    string Sla,
    string? ClaimedBy,
    IReadOnlyList<string> Outcomes,
    IReadOnlyList<string> ForwardTo,
    string? PreviousStepId,
    DateTimeOffset? ClosedAt,
    string? Outcome,
    string? CompletedBy,
    string? Note)
{
    /// <summary>The dossier's data (the instance data), for the officer working on the task.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public JsonNode? Data { get; init; }
}

/// <summary>
/// A page of a queue, as every paged list of the API (items, page, pageSize, total), with <see cref="Next"/>: the
/// cursor of the following page (<c>?after=</c>), null after the last. A page read with it is not counted again: its
/// total is the one counted for the list's first page.
/// </summary>
internal sealed record TaskPageDto(IReadOnlyList<TaskDto> Items, int Page, int PageSize, int Total)
{
    public string? Next { get; init; }
}

/// <summary>Where a task stands, as told in a 409 when another action got there first.</summary>
internal sealed record TaskStateDto(
    Guid Id,
    string State,
    string Department,
    string? ClaimedBy,
    string? Outcome,
    string? CompletedBy,
    DateTimeOffset? ClosedAt);

/// <summary>A task opened by a completion in a department the caller does not work for.</summary>
internal sealed record HandedOverDto(string StepId, string? StepName, string Department);

internal sealed record CompletedTaskDto(TaskDto Task, IReadOnlyList<TaskDto> Next, IReadOnlyList<HandedOverDto> HandedOver)
{
    /// <summary>When the task ended a sub-process: its parent, <c>resumed</c> now or <c>queued</c> for the background runner.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<ParentProcessDto>? ParentProcesses { get; init; }
}

/// <summary>A parent process a completion handed back to, and what became of it.</summary>
internal sealed record ParentProcessDto(Guid InstanceId, string State, string Detail);

internal sealed record CompleteTaskRequest(string? Outcome, string? Note, JsonObject? Data);

internal sealed record ReturnTaskRequest(string? Note);

internal sealed record ForwardTaskRequest(string? Department, string? Note);
