using System.Text.Json.Nodes;
using Workflows.Engine.Definitions;

namespace Workflows.Engine.Runtime;

public enum InstanceStatus
{
    /// <summary>Tokens are waiting on bookmarks.</summary>
    Running,
    /// <summary>An End node was reached; <see cref="WorkflowInstance.Result"/> is set.</summary>
    Completed,
    /// <summary>A node failed (e.g. a decision expression); the fault says where and why.</summary>
    Faulted,
}

/// <summary>
/// The durable state of one running procedure for one dossier. The engine never mutates an instance it was
/// given: it works on a copy and returns the new state in a <see cref="Changeset"/>.
/// </summary>
public sealed class WorkflowInstance
{
    public required Guid Id { get; init; }

    public required string DefinitionCode { get; init; }

    /// <summary>The version the instance is pinned to; only a migration changes it.</summary>
    public required int DefinitionVersion { get; set; }

    public InstanceStatus Status { get; set; }

    public EndResult? Result { get; set; }

    /// <summary>Dossier data: the form fields, merged with data given when steps complete.</summary>
    public required JsonObject Data { get; set; }

    public List<Token> Tokens { get; init; } = [];

    /// <summary>Everything the instance waits on. Each bookmark is also a row in a store.</summary>
    public List<Bookmark> Bookmarks { get; init; } = [];

    public Guid? ParentInstanceId { get; init; }

    /// <summary>The parent's SubProcess bookmark to resume when this instance ends.</summary>
    public Guid? ParentBookmarkId { get; init; }

    public InstanceFault? Fault { get; set; }

    /// <summary>Optimistic concurrency: incremented by every changeset; 1 after start.</summary>
    public int Version { get; set; }

    /// <summary>Next journal sequence number, so journal entries order without clock ties.</summary>
    public long JournalSequence { get; set; }

    /// <summary>Set while a wait that pauses the dossier's clock is open.</summary>
    public DateTimeOffset? ClockPausedAt { get; set; }

    public required DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; set; }

    public bool IsFinished => Status != InstanceStatus.Running;

    public WorkflowInstance Clone() => new()
    {
        Id = Id,
        DefinitionCode = DefinitionCode,
        DefinitionVersion = DefinitionVersion,
        Status = Status,
        Result = Result,
        Data = (JsonObject)Data.DeepClone(),
        Tokens = [.. Tokens],
        Bookmarks = [.. Bookmarks],
        ParentInstanceId = ParentInstanceId,
        ParentBookmarkId = ParentBookmarkId,
        Fault = Fault,
        Version = Version,
        JournalSequence = JournalSequence,
        ClockPausedAt = ClockPausedAt,
        CreatedAt = CreatedAt,
        UpdatedAt = UpdatedAt,
    };
}

/// <summary>Where and why an instance stopped with an error.</summary>
public sealed record InstanceFault(string NodeId, string Message, DateTimeOffset At);

/// <summary>
/// A position in the flowchart. <see cref="Scopes"/> holds the fork activations the token is inside
/// (innermost last), which is what lets a join know which branches belong together.
/// <see cref="StepTrail"/> lists the steps the token passed, for "return to previous".
/// </summary>
public sealed record Token(Guid Id, string NodeId, IReadOnlyList<ForkFrame> Scopes, IReadOnlyList<string> StepTrail)
{
    public ForkFrame? InnermostScope => Scopes.Count == 0 ? null : Scopes[^1];
}

/// <summary>One activation of a Fork node.</summary>
public sealed record ForkFrame(Guid ActivationId, string ForkNodeId);

public enum BookmarkKind
{
    /// <summary>Human work: an open task for a department.</summary>
    Task,
    /// <summary>An external signal such as "taxPaid".</summary>
    Signal,
    /// <summary>A point in time.</summary>
    Timer,
    /// <summary>A child instance (liên thông) that has to end.</summary>
    SubProcess,
    /// <summary>The applicant's supplement ("supplementReceived").</summary>
    Supplement,
}

/// <summary>
/// Something an instance waits on, with explicit columns so a store can index them: never a hash of a payload.
/// <see cref="Key"/> is the signal name for signals and supplements, the child instance id for sub-processes, and
/// <see cref="SupplementDeadlineKey"/> for the timer of an applicant's deadline to supplement (on the step's node).
/// </summary>
public sealed record Bookmark(
    Guid Id,
    Guid InstanceId,
    Guid TokenId,
    string NodeId,
    BookmarkKind Kind,
    string? Key,
    DateTimeOffset CreatedAt,
    DateTimeOffset? DueAt)
{
    /// <summary>Key of the timer that lapses a supplement request when the procedure's deadline to supplement passes.</summary>
    public const string SupplementDeadlineKey = "supplementDeadline";
}
