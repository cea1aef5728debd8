using System.Text.Json;
using System.Text.Json.Nodes;
using Workflows.Engine.Definitions;
using Workflows.Engine.Runtime;

namespace Workflows.Host.Persistence;

/// <summary>Engine records to rows and back. Tokens, faults and data are JSON written with System.Text.Json.</summary>
internal static class RowMapping
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static string Name<TEnum>(TEnum value)
        where TEnum : struct, Enum => JsonNamingPolicy.CamelCase.ConvertName(value.ToString());

    public static TEnum Parse<TEnum>(string value)
        where TEnum : struct, Enum => Enum.Parse<TEnum>(value, ignoreCase: true);

    public static InstanceRow ToRow(WorkflowInstance instance)
    {
        var row = new InstanceRow { DefinitionCode = instance.DefinitionCode, Status = string.Empty, Data = string.Empty, Tokens = string.Empty };
        Copy(instance, row);
        return row;
    }

    /// <summary>Copies every mutable column; the id and creation time never change.</summary>
    public static void Copy(WorkflowInstance instance, InstanceRow row)
    {
        row.Id = instance.Id;
        row.DefinitionCode = instance.DefinitionCode;
        row.DefinitionVersion = instance.DefinitionVersion;
        row.Status = Name(instance.Status);
        row.Result = instance.Result is { } result ? Name(result) : null;
        row.Data = instance.Data.ToJsonString();
        row.Tokens = JsonSerializer.Serialize(instance.Tokens, Json);
        row.Fault = instance.Fault is null ? null : JsonSerializer.Serialize(instance.Fault, Json);
        row.ParentInstanceId = instance.ParentInstanceId;
        row.ParentBookmarkId = instance.ParentBookmarkId;
        row.ClockPausedAt = instance.ClockPausedAt;
        row.JournalSequence = instance.JournalSequence;
        row.CreatedAt = instance.CreatedAt;
        row.UpdatedAt = instance.UpdatedAt;
        row.Version = instance.Version;
    }

    public static WorkflowInstance ToInstance(InstanceRow row, IEnumerable<BookmarkRow> bookmarks) => new()
    {
        Id = row.Id,
        DefinitionCode = row.DefinitionCode,
        DefinitionVersion = row.DefinitionVersion,
        Status = Parse<InstanceStatus>(row.Status),
        Result = row.Result is null ? null : Parse<EndResult>(row.Result),
        Data = JsonNode.Parse(row.Data)?.AsObject() ?? [],
        Tokens = JsonSerializer.Deserialize<List<Token>>(row.Tokens, Json) ?? [],
        Bookmarks = [.. bookmarks.OrderBy(b => b.CreatedAt).ThenBy(b => b.Id).Select(ToBookmark)],
        ParentInstanceId = row.ParentInstanceId,
        ParentBookmarkId = row.ParentBookmarkId,
        Fault = Fault(row.Fault),
        Version = row.Version,
        JournalSequence = row.JournalSequence,
        ClockPausedAt = row.ClockPausedAt,
        CreatedAt = row.CreatedAt,
        UpdatedAt = row.UpdatedAt,
    };

    /// <summary>An instance's stored fault (<c>instances.fault</c>), as <see cref="ToRow(WorkflowInstance)"/> writes it.</summary>
    public static InstanceFault? Fault(string? json) => json is null ? null : JsonSerializer.Deserialize<InstanceFault>(json, Json);

    public static BookmarkRow ToRow(Bookmark bookmark) => new()
    {
        Id = bookmark.Id,
        InstanceId = bookmark.InstanceId,
        TokenId = bookmark.TokenId,
        NodeId = bookmark.NodeId,
        Kind = Name(bookmark.Kind),
        Key = bookmark.Key,
        DueAt = bookmark.DueAt,
        CreatedAt = bookmark.CreatedAt,
    };

    public static Bookmark ToBookmark(BookmarkRow row) =>
        new(row.Id, row.InstanceId, row.TokenId, row.NodeId, Parse<BookmarkKind>(row.Kind), row.Key, row.CreatedAt, row.DueAt);

    public static TaskRow ToRow(OpenedTask task) => new()
    {
        Id = task.TaskId,
        InstanceId = task.InstanceId,
        NodeId = task.NodeId,
        StepName = task.StepName,
        Department = task.Department,
        Role = task.Role,
        State = TaskStates.Open,
        OpenedAt = task.OpenedAt,
        DueAt = task.DueAt,
        PreviousNodeId = task.PreviousNodeId,
    };

    public static JournalRow ToRow(JournalEntry entry) => new()
    {
        InstanceId = entry.InstanceId,
        Sequence = entry.Sequence,
        At = entry.At,
        Kind = Name(entry.Kind),
        NodeId = entry.NodeId,
        Outcome = entry.Outcome,
        Actor = entry.Actor,
        Note = entry.Note,
        Detail = entry.Detail,
    };

    public static OutboxRow ToRow(OutboxMessage message) => new()
    {
        Id = message.Id,
        InstanceId = message.InstanceId,
        Kind = message.Kind,
        Payload = message.Payload.ToJsonString(),
        CreatedAt = message.CreatedAt,
        NextAttemptAt = message.CreatedAt,
    };
}
