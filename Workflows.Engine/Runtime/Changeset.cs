using System.Text.Json.Nodes;
using Workflows.Engine.Definitions;

namespace Workflows.Engine.Runtime;

/// <summary>
/// Everything one engine call changed, for a store to commit in one transaction: instance states (with the
/// version each was read at), journal entries, tasks, bookmarks, timers and outbox messages. Usually one
/// instance; a sub-process start adds the child.
/// </summary>
public sealed class Changeset
{
    public List<InstanceChange> Instances { get; } = [];

    public List<JournalEntry> Journal { get; } = [];

    public List<OpenedTask> TasksOpened { get; } = [];

    public List<ClosedTask> TasksClosed { get; } = [];

    public List<Bookmark> BookmarksCreated { get; } = [];

    public List<Guid> BookmarksRemoved { get; } = [];

    /// <summary>Timer bookmarks created by this call (also in <see cref="BookmarksCreated"/>).</summary>
    public List<Bookmark> TimersSet { get; } = [];

    /// <summary>Timer bookmarks removed without firing (also in <see cref="BookmarksRemoved"/>).</summary>
    public List<Guid> TimersCancelled { get; } = [];

    public List<OutboxMessage> Outbox { get; } = [];

    /// <summary>The instance the call was made for.</summary>
    public WorkflowInstance Instance => Instances[0].State;
}

/// <summary>New state of an instance; <see cref="ExpectedVersion"/> 0 means the instance is new.</summary>
public sealed record InstanceChange(WorkflowInstance State, int ExpectedVersion)
{
    public bool IsNew => ExpectedVersion == 0;
}

public enum JournalKind
{
    InstanceStarted,
    StepOpened,
    StepCompleted,
    StepCancelled,
    StepReturned,
    DecisionTaken,
    Forked,
    Joined,
    BranchCancelled,
    WaitStarted,
    SignalReceived,
    TimerSet,
    TimerFired,
    Notified,
    SubProcessStarted,
    SubProcessEnded,
    SupplementRequested,
    SupplementReceived,
    ClockPaused,
    ClockResumed,
    Ended,
    Faulted,
    Migrated,
    /// <summary>An administrator ran a faulted instance again from where it faulted.</summary>
    Retried,
}

/// <summary>One line of an instance's history: the raw material of the timeline and the control slip.</summary>
public sealed record JournalEntry(
    Guid InstanceId,
    long Sequence,
    DateTimeOffset At,
    JournalKind Kind,
    string? NodeId,
    string? Outcome = null,
    string? Actor = null,
    string? Note = null,
    string? Detail = null);

/// <summary>A task opened for a department when a step starts. Its id is the step's bookmark id.</summary>
public sealed record OpenedTask(
    Guid TaskId,
    Guid InstanceId,
    string NodeId,
    string? StepName,
    string Department,
    string? Role,
    TimeLimit AllottedTime,
    DateTimeOffset OpenedAt,
    DateTimeOffset DueAt,
    string? PreviousNodeId);

public enum TaskCloseReason
{
    Completed,
    /// <summary>Closed without an outcome: another branch won, the dossier ended, or a migration removed it.</summary>
    Cancelled,
}

public sealed record ClosedTask(
    Guid TaskId,
    Guid InstanceId,
    string NodeId,
    TaskCloseReason Reason,
    string? Outcome,
    DateTimeOffset ClosedAt,
    string? Actor,
    string? Note);

/// <summary>Kinds of outbox messages the engine emits.</summary>
public static class OutboxKinds
{
    /// <summary>A notification to send (template + channel + recipient).</summary>
    public const string Notify = "notify";

    /// <summary>A child instance ended: resume the parent's SubProcess bookmark with the child's result.</summary>
    public const string ResumeParent = "resumeParent";

    /// <summary>An instance ended (any result); the Host turns this into a status push.</summary>
    public const string InstanceEnded = "instanceEnded";
}

/// <summary>
/// A message to deliver after the changeset commits (at least once; receivers use <see cref="Id"/> to
/// drop duplicates).
/// </summary>
public sealed record OutboxMessage(Guid Id, Guid InstanceId, string Kind, JsonObject Payload, DateTimeOffset CreatedAt);
