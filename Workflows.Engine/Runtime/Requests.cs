using System.Text.Json.Nodes;
using Workflows.Engine.Definitions;

namespace Workflows.Engine.Runtime;

/// <summary>Starts an instance of a procedure version for one dossier.</summary>
public sealed record StartRequest
{
    /// <summary>Id for the new instance; generated when null. Lets a store make starts idempotent.</summary>
    public Guid? InstanceId { get; init; }

    public JsonObject Data { get; init; } = [];

    /// <summary>When the clock starts (the dossier's receipt time after cut-off); "now" when null.</summary>
    public DateTimeOffset? StartedAt { get; init; }

    public string? Actor { get; init; }

    public Guid? ParentInstanceId { get; init; }

    public Guid? ParentBookmarkId { get; init; }

    /// <summary>Stops a decision expression that is running (the Host shutting down, the request aborted).</summary>
    public CancellationToken Cancellation { get; init; }
}

/// <summary>
/// Resumes one bookmark. <see cref="Outcome"/> is the step outcome chosen by the officer (or the child's
/// result for a sub-process); <see cref="Data"/> is merged into the dossier data.
/// </summary>
public sealed record ResumeRequest
{
    public required Guid BookmarkId { get; init; }

    public string? Outcome { get; init; }

    public JsonObject? Data { get; init; }

    public string? Actor { get; init; }

    public string? Note { get; init; }

    /// <summary>Stops a decision expression that is running (the Host shutting down, the request aborted).</summary>
    public CancellationToken Cancellation { get; init; }
}

/// <summary>
/// Runs a faulted instance again from where it stopped: the token that faulted (and those that had not moved
/// yet) go through their nodes again, on the version the engine is given (the instance's own, or a later one
/// that still has every node the instance stands on).
/// </summary>
public sealed record RetryRequest
{
    public string? Actor { get; init; }

    public CancellationToken Cancellation { get; init; }
}

/// <summary>Ends an instance from outside: withdrawal by the applicant or a decision to stop processing.</summary>
public sealed record TerminateRequest
{
    public required EndResult Result { get; init; }

    public string? Actor { get; init; }

    /// <summary>Why, as shown in the timeline and on forms 05 (stop) or the withdrawal record.</summary>
    public string? Reason { get; init; }
}

public enum RejectionCode
{
    /// <summary>The bookmark does not exist (any more): a stale or duplicate resume.</summary>
    StaleBookmark,
    /// <summary>The instance has ended or faulted.</summary>
    InstanceNotRunning,
    /// <summary>The outcome is not one the step offers.</summary>
    InvalidOutcome,
    /// <summary>A timer was resumed before it is due.</summary>
    NotDue,
    /// <summary>The definition given is not the version the instance is pinned to.</summary>
    DefinitionMismatch,
}

public sealed record Rejection(RejectionCode Code, string Message);

/// <summary>The outcome of an engine call: a changeset to commit, or why nothing was done.</summary>
public sealed record ExecutionResult(Changeset? Changeset, Rejection? Rejection)
{
    public bool Accepted => Changeset is not null;

    public static ExecutionResult Reject(RejectionCode code, string message) => new(null, new Rejection(code, message));
}
