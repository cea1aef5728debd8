using System.Text.Json.Nodes;
using Workflows.Engine.Definitions;
using Workflows.Engine.Expressions;

namespace Workflows.Engine.Runtime;

/// <summary>
/// One engine call on one instance: moves tokens through the flowchart until each one waits on a bookmark,
/// sits at a join, or the instance ends or faults, writing everything it does into the changeset.
/// </summary>
internal sealed class ExecutionBurst
{
    private readonly WorkflowEngine engine;
    private readonly CompiledProcedure procedure;
    private readonly WorkflowInstance instance;
    private readonly Changeset changeset;
    private readonly DateTimeOffset now;
    private readonly string? actor;
    private readonly CancellationToken cancellation;

    // Tokens ready to move. A list, not a queue, because an XOR merge or an End cancels pending tokens.
    private readonly List<Token> ready = [];

    // A step reopened after a supplement: the due time its clock policy leaves it, by token, for OpenStep.
    private readonly Dictionary<Guid, DateTimeOffset> reopenedDue = [];
    private int executedNodes;

    private ExecutionBurst(WorkflowEngine engine, CompiledProcedure procedure, WorkflowInstance instance, Changeset changeset, DateTimeOffset now, string? actor, CancellationToken cancellation = default)
    {
        this.cancellation = cancellation;
        this.engine = engine;
        this.procedure = procedure;
        this.instance = instance;
        this.changeset = changeset;
        this.now = now;
        this.actor = actor;
    }

    public static WorkflowInstance StartInstance(WorkflowEngine engine, CompiledProcedure procedure, StartRequest request, Changeset changeset)
    {
        var now = request.StartedAt ?? engine.Time.GetUtcNow();
        var definition = procedure.Definition;
        var instance = new WorkflowInstance
        {
            Id = request.InstanceId ?? engine.Ids.NewId(),
            DefinitionCode = definition.Code,
            DefinitionVersion = definition.Version,
            Status = InstanceStatus.Running,
            Data = (JsonObject)request.Data.DeepClone(),
            ParentInstanceId = request.ParentInstanceId,
            ParentBookmarkId = request.ParentBookmarkId,
            Version = 1,
            CreatedAt = now,
            UpdatedAt = now,
        };
        changeset.Instances.Add(new InstanceChange(instance, 0));

        var burst = new ExecutionBurst(engine, procedure, instance, changeset, now, request.Actor, request.Cancellation);
        burst.Journal(JournalKind.InstanceStarted, procedure.StartNode!.Id, detail: $"{definition.Code} v{definition.Version}");
        burst.ready.Add(new Token(engine.Ids.NewId(), procedure.StartNode.Id, [], []));
        burst.Run();
        return instance;
    }

    public static ExecutionResult ResumeInstance(WorkflowEngine engine, CompiledProcedure procedure, WorkflowInstance original, Bookmark bookmark, ResumeRequest request)
    {
        var node = procedure.FindNode(bookmark.NodeId)
            ?? throw new InvalidOperationException($"Bookmark {bookmark.Id} points at node '{bookmark.NodeId}', which {procedure.Definition.Code} v{procedure.Definition.Version} does not have.");
        var now = engine.Time.GetUtcNow();
        var token = original.Tokens.Find(t => t.Id == bookmark.TokenId)
            ?? throw new InvalidOperationException($"Bookmark {bookmark.Id} has no token on instance {original.Id}.");

        var rejection = CheckResume(procedure, node, bookmark, token, request, now);
        if (rejection is not null)
        {
            return new ExecutionResult(null, rejection);
        }

        var instance = original.Clone();
        instance.Version = original.Version + 1;
        instance.UpdatedAt = now;
        var changeset = new Changeset();
        changeset.Instances.Add(new InstanceChange(instance, original.Version));

        var burst = new ExecutionBurst(engine, procedure, instance, changeset, now, request.Actor, request.Cancellation);
        if (request.Data is not null)
        {
            MergeData(instance.Data, request.Data);
        }

        instance.Tokens.Remove(token);
        burst.RemoveBookmark(bookmark);
        // A token may wait on more than one thing (a supplement and its deadline): the first to come wins.
        foreach (var sibling in instance.Bookmarks.Where(b => b.TokenId == token.Id).ToList())
        {
            burst.RemoveBookmark(sibling);
        }

        burst.Continue(node, bookmark, token, request);
        burst.Run();
        return new ExecutionResult(changeset, null);
    }

    public static ExecutionResult RetryInstance(WorkflowEngine engine, CompiledProcedure procedure, WorkflowInstance original, RetryRequest request)
    {
        var now = engine.Time.GetUtcNow();
        var instance = original.Clone();
        instance.Version = original.Version + 1;
        instance.UpdatedAt = now;
        instance.Status = InstanceStatus.Running;
        instance.Fault = null;
        instance.DefinitionVersion = procedure.Definition.Version;
        var changeset = new Changeset();
        changeset.Instances.Add(new InstanceChange(instance, original.Version));
        var burst = new ExecutionBurst(engine, procedure, instance, changeset, now, request.Actor, request.Cancellation);
        burst.Journal(JournalKind.Retried, original.Fault?.NodeId,
            detail: $"{original.DefinitionCode} v{original.DefinitionVersion} -> v{procedure.Definition.Version}");

        // Tokens on a bookmark keep waiting and tokens parked at a join keep their place (the join counts
        // them); every other token is where the fault stopped it and runs again.
        var waiting = instance.Bookmarks.Select(b => b.TokenId).ToHashSet();
        foreach (var token in instance.Tokens.Where(t => !waiting.Contains(t.Id) && procedure.FindNode(t.NodeId) is not JoinNode).ToList())
        {
            instance.Tokens.Remove(token);
            burst.ready.Add(token);
        }

        burst.Run();
        return new ExecutionResult(changeset, null);
    }

    public static ExecutionResult TerminateInstance(WorkflowEngine engine, CompiledProcedure procedure, WorkflowInstance original, TerminateRequest request)
    {
        var now = engine.Time.GetUtcNow();
        var instance = original.Clone();
        instance.Version = original.Version + 1;
        instance.UpdatedAt = now;
        instance.Fault = null;
        var changeset = new Changeset();
        changeset.Instances.Add(new InstanceChange(instance, original.Version));
        var burst = new ExecutionBurst(engine, procedure, instance, changeset, now, request.Actor);
        burst.Finish(null, request.Result, request.Reason);
        return new ExecutionResult(changeset, null);
    }

    private static Rejection? CheckResume(CompiledProcedure procedure, Node node, Bookmark bookmark, Token token, ResumeRequest request, DateTimeOffset now)
    {
        switch (bookmark.Kind)
        {
            case BookmarkKind.Task when node is StepNode step:
                if (request.Outcome is null || !step.Outcomes.Contains(request.Outcome))
                {
                    return new Rejection(RejectionCode.InvalidOutcome,
                        $"Step '{step.Id}' offers the outcomes {string.Join(", ", step.Outcomes)}; '{request.Outcome}' is not one of them.");
                }

                if (request.Outcome == Outcomes.ReturnToPrevious && !procedure.HasConnection(step.Id, Outcomes.ReturnToPrevious) && token.StepTrail.Count < 2)
                {
                    return new Rejection(RejectionCode.InvalidOutcome, $"Step '{step.Id}' is the first step; there is no previous step to return to.");
                }

                return null;
            case BookmarkKind.Timer when bookmark.DueAt > now:
                return new Rejection(RejectionCode.NotDue, $"The timer at '{node.Id}' is due at {bookmark.DueAt:O}, not yet.");
            default:
                return null;
        }
    }

    /// <summary>Handles the resumed bookmark: the token leaves the node it waited at.</summary>
    private void Continue(Node node, Bookmark bookmark, Token token, ResumeRequest request)
    {
        switch (bookmark.Kind)
        {
            case BookmarkKind.Task:
                CompleteStep((StepNode)node, bookmark, token, request);
                break;
            case BookmarkKind.Supplement:
                ResumeClock(node.Id);
                Journal(JournalKind.SupplementReceived, node.Id, note: request.Note);
                if (ReopenedDue(bookmark) is { } due)
                {
                    reopenedDue[token.Id] = due;
                }

                // The same step opens again with the completed dossier.
                ready.Add(token with { StepTrail = token.StepTrail.Count > 0 ? token.StepTrail.Take(token.StepTrail.Count - 1).ToArray() : [] });
                break;
            case BookmarkKind.Signal:
                Journal(JournalKind.SignalReceived, node.Id, outcome: bookmark.Key, note: request.Note);
                if (node is WaitNode { PausesClock: true })
                {
                    ResumeClock(node.Id);
                }

                Route(token, node, null);
                break;
            case BookmarkKind.Timer when bookmark.Key == Bookmark.SupplementDeadlineKey:
                Journal(JournalKind.TimerFired, node.Id, outcome: Bookmark.SupplementDeadlineKey);
                Finish(node.Id, EndResult.Stopped, "Quá hạn bổ sung hồ sơ: người nộp không bổ sung trong thời hạn.");
                break;
            case BookmarkKind.Timer:
                Journal(JournalKind.TimerFired, node.Id);
                Route(token, node, null);
                break;
            case BookmarkKind.SubProcess:
                Journal(JournalKind.SubProcessEnded, node.Id, outcome: request.Outcome, detail: bookmark.Key);
                Route(token, node, request.Outcome is not null && procedure.HasConnection(node.Id, request.Outcome) ? request.Outcome : null);
                break;
        }
    }

    /// <summary>
    /// The due time of a step reopened when its supplement arrives: pause (or a supplement excluded from the time
    /// counted) leaves it the working time it had left when the supplement was requested; restart gives it its full
    /// time again (null: OpenStep counts it); a policy that counts the supplement keeps the first due time.
    /// </summary>
    private DateTimeOffset? ReopenedDue(Bookmark supplement)
    {
        if (supplement.DueAt is not { } stepDue)
        {
            return null; // requested before due times were kept on the bookmark
        }

        var policy = procedure.Definition.Supplement;
        switch (policy.Clock)
        {
            case SupplementClockPolicy.Restart:
                return null;
            case SupplementClockPolicy.ExcludedPeriods when !policy.ExcludedSignals.Contains(engine.Options.SupplementSignal):
                return stepDue;
            default:
                return engine.Deadlines.WorkingMinutesBetween(supplement.CreatedAt, stepDue) is { } left
                    ? engine.Deadlines.AddWorkingMinutes(now, left)
                    : null;
        }
    }

    private void CompleteStep(StepNode step, Bookmark bookmark, Token token, ResumeRequest request)
    {
        var outcome = request.Outcome!;
        changeset.TasksClosed.Add(new ClosedTask(bookmark.Id, instance.Id, step.Id, TaskCloseReason.Completed, outcome, now, request.Actor, request.Note));
        Journal(JournalKind.StepCompleted, step.Id, outcome: outcome, note: request.Note);

        if (procedure.HasConnection(step.Id, outcome))
        {
            Route(token, step, outcome);
            return;
        }

        switch (outcome)
        {
            case Outcomes.ReturnToPrevious:
                // Back to the step the dossier came from; entering it appends it to the trail again.
                var trail = token.StepTrail;
                var previous = trail[^2];
                Journal(JournalKind.StepReturned, step.Id, outcome: previous);
                Enqueue(token with { NodeId = previous, StepTrail = trail.Take(trail.Count - 2).ToArray() });
                break;
            case Outcomes.NeedsSupplement:
                Journal(JournalKind.SupplementRequested, step.Id, note: request.Note);
                PauseClock(step.Id);
                // The supplement bookmark keeps the step's due time as its clock stopped (it is not a timer), so the
                // step reopened with the completed dossier gets what the supplement policy leaves it.
                Park(token, BookmarkKind.Supplement, engine.Options.SupplementSignal, dueAt: bookmark.DueAt);
                if (procedure.Definition.Supplement.Deadline is { } deadline)
                {
                    // The applicant's time to supplement: a second bookmark on the same token; whichever comes
                    // first removes the other.
                    var lapse = new Bookmark(engine.Ids.NewId(), instance.Id, token.Id, step.Id, BookmarkKind.Timer, Bookmark.SupplementDeadlineKey, now, engine.Deadlines.Add(now, deadline));
                    instance.Bookmarks.Add(lapse);
                    changeset.BookmarksCreated.Add(lapse);
                    changeset.TimersSet.Add(lapse);
                    Journal(JournalKind.TimerSet, step.Id, outcome: Bookmark.SupplementDeadlineKey, detail: lapse.DueAt!.Value.ToString("O"));
                }

                break;
            default:
                Route(token, step, outcome);
                break;
        }
    }

    private void Run()
    {
        while (ready.Count > 0 && instance.Status == InstanceStatus.Running)
        {
            var token = ready[0];
            ready.RemoveAt(0);
            if (++executedNodes > engine.Options.MaxNodesPerCall)
            {
                Fault(token, $"More than {engine.Options.MaxNodesPerCall} nodes ran without waiting; the flowchart loops without a step or wait.");
                return;
            }

            var node = procedure.FindNode(token.NodeId);
            if (node is null)
            {
                Fault(token, $"Node '{token.NodeId}' does not exist in this version.");
                return;
            }

            Execute(node, token);
        }

        if (instance.Status == InstanceStatus.Faulted)
        {
            // Tokens that had not moved yet keep their place, so nothing is lost when the fault is fixed.
            instance.Tokens.AddRange(ready);
            ready.Clear();
        }
    }

    private void Execute(Node node, Token token)
    {
        switch (node)
        {
            case StartNode:
                Route(token, node, null);
                break;
            case StepNode step:
                OpenStep(step, token);
                break;
            case DecisionNode decision:
                Decide(decision, token);
                break;
            case ForkNode:
                Fork(node, token);
                break;
            case JoinNode join:
                Join(join, token);
                break;
            case WaitNode wait:
                Journal(JournalKind.WaitStarted, wait.Id, outcome: wait.Signal);
                if (wait.PausesClock)
                {
                    PauseClock(wait.Id);
                }

                Park(token, BookmarkKind.Signal, wait.Signal, dueAt: null);
                break;
            case TimerNode timer:
                var due = engine.Deadlines.Add(now, timer.Delay);
                var bookmark = Park(token, BookmarkKind.Timer, null, due);
                changeset.TimersSet.Add(bookmark);
                Journal(JournalKind.TimerSet, timer.Id, detail: due.ToString("O"));
                break;
            case NotifyNode notify:
                Notify(notify);
                Route(token, node, null);
                break;
            case SubProcessNode subProcess:
                StartSubProcess(subProcess, token);
                break;
            case EndNode end:
                End(end);
                break;
            default:
                Fault(token, $"Node kind '{node.Kind}' is not supported.");
                break;
        }
    }

    private void OpenStep(StepNode step, Token token)
    {
        var previous = token.StepTrail.Count > 0 ? token.StepTrail[^1] : null;
        var entered = token with { StepTrail = [.. token.StepTrail, step.Id] };
        var due = reopenedDue.Remove(token.Id, out var left) ? left : engine.Deadlines.StepDue(now, step.AllottedTime);
        var bookmark = Park(entered, BookmarkKind.Task, null, due);
        changeset.TasksOpened.Add(new OpenedTask(bookmark.Id, instance.Id, step.Id, step.Name, step.Department, step.Role, step.AllottedTime, now, due, previous));
        Journal(JournalKind.StepOpened, step.Id, detail: step.Department);
    }

    private void Decide(DecisionNode decision, Token token)
    {
        var expression = procedure.Expression(decision.Id, out var compileError);
        if (expression is null)
        {
            Fault(token, compileError!);
            return;
        }

        string outcome;
        try
        {
            outcome = expression.Evaluate(instance.Data, cancellation);
        }
        catch (ExpressionException ex)
        {
            Fault(token, $"Decision '{decision.Id}': {ex.Message}");
            return;
        }

        if (!decision.Outcomes.Contains(outcome))
        {
            // The value itself is not kept: an expression may return a field of the dossier's personal data.
            Fault(token, $"Decision '{decision.Id}' gave an outcome that is not one of its outcomes ({string.Join(", ", decision.Outcomes)}).");
            return;
        }

        Journal(JournalKind.DecisionTaken, decision.Id, outcome: outcome);
        Route(token, decision, outcome);
    }

    private void Fork(Node fork, Token token)
    {
        var frame = new ForkFrame(engine.Ids.NewId(), fork.Id);
        var branches = procedure.Outgoing(fork.Id);
        Journal(JournalKind.Forked, fork.Id, detail: string.Join(",", branches.Select(b => b.To)));
        ForkFrame[] scopes = [.. token.Scopes, frame];
        for (var i = 0; i < branches.Count; i++)
        {
            Enqueue(new Token(i == 0 ? token.Id : engine.Ids.NewId(), branches[i].To, scopes, token.StepTrail));
        }
    }

    /// <summary>
    /// The join rule. A token arriving belongs to the innermost fork activation it is in (or to no fork).
    /// AND-join: it waits while any other live token of that activation can still reach the join, so a
    /// branch that was never activated (a decision went elsewhere) never blocks it. XOR merge: the first
    /// token passes and the activation's other tokens that could reach the join are cancelled.
    /// The merged token leaves the fork activation once no other token of it is alive.
    /// </summary>
    private void Join(JoinNode join, Token token)
    {
        var scope = token.InnermostScope;
        if (join.Mode == JoinMode.Any)
        {
            if (scope is not null)
            {
                foreach (var other in LiveTokens().Where(t => t.Id != token.Id && InScope(t, scope) && (t.NodeId == join.Id || procedure.CanReach(t.NodeId, join.Id))).ToList())
                {
                    CancelToken(other, $"'{join.Id}' was reached by another branch");
                }
            }

            Journal(JournalKind.Joined, join.Id, detail: "any");
            Route(LeaveScopeIfLast(token, scope), join, null);
            return;
        }

        var stillComing = LiveTokens().Any(t => t.Id != token.Id && t.NodeId != join.Id && InScope(t, scope) && procedure.CanReach(t.NodeId, join.Id));
        if (stillComing)
        {
            instance.Tokens.Add(token);
            return;
        }

        var arrived = instance.Tokens.Where(t => t.NodeId == join.Id && t.InnermostScope == scope).ToList();
        foreach (var parked in arrived)
        {
            instance.Tokens.Remove(parked);
        }

        Journal(JournalKind.Joined, join.Id, detail: $"{arrived.Count + 1} branches");
        Route(LeaveScopeIfLast(token, scope), join, null);
    }

    private Token LeaveScopeIfLast(Token token, ForkFrame? scope)
    {
        if (scope is null || LiveTokens().Any(t => t.Id != token.Id && InScope(t, scope)))
        {
            return token;
        }

        return token with { Scopes = token.Scopes.Take(token.Scopes.Count - 1).ToArray() };
    }

    private static bool InScope(Token token, ForkFrame? scope) => scope is null || token.Scopes.Contains(scope);

    private IEnumerable<Token> LiveTokens() => instance.Tokens.Concat(ready);

    private void Notify(NotifyNode notify)
    {
        var payload = new JsonObject
        {
            ["nodeId"] = notify.Id,
            ["template"] = notify.Template,
            ["channel"] = notify.Channel,
            ["recipient"] = notify.Recipient,
            ["procedure"] = instance.DefinitionCode,
        };
        changeset.Outbox.Add(new OutboxMessage(engine.Ids.NewId(), instance.Id, OutboxKinds.Notify, payload, now));
        Journal(JournalKind.Notified, notify.Id, outcome: notify.Channel, detail: notify.Template);
    }

    private void StartSubProcess(SubProcessNode node, Token token)
    {
        var child = engine.Procedures?.Resolve(node.Procedure, DateOnly.FromDateTime(now.DateTime));
        if (child is null)
        {
            Fault(token, $"Sub-process '{node.Id}': no published version of procedure {node.Procedure} is in force.");
            return;
        }

        var childId = engine.Ids.NewId();
        var bookmark = Park(token, BookmarkKind.SubProcess, childId.ToString(), dueAt: null);
        Journal(JournalKind.SubProcessStarted, node.Id, detail: $"{child.Code} v{child.Version} {childId}");
        StartInstance(engine, engine.Compile(child), new StartRequest
        {
            InstanceId = childId,
            Data = instance.Data,
            StartedAt = now,
            Actor = actor,
            ParentInstanceId = instance.Id,
            ParentBookmarkId = bookmark.Id,
        }, changeset);
    }

    private void End(EndNode end) => Finish(end.Id, end.Result, note: null);

    /// <summary>Ends the instance with a result: every other branch is cancelled and the end is announced.</summary>
    private void Finish(string? nodeId, EndResult endResult, string? note)
    {
        var reason = nodeId is null ? $"the dossier was {endResult.ToString().ToLowerInvariant()}" : $"the dossier ended at '{nodeId}'";
        foreach (var other in LiveTokens().ToList())
        {
            CancelToken(other, reason);
        }

        ResumeClock(nodeId ?? "");
        instance.Status = InstanceStatus.Completed;
        instance.Result = endResult;
        var result = endResult.ToString().ToLowerInvariant();
        Journal(JournalKind.Ended, nodeId, outcome: result, note: note);
        changeset.Outbox.Add(new OutboxMessage(engine.Ids.NewId(), instance.Id, OutboxKinds.InstanceEnded,
            new JsonObject { ["result"] = result, ["procedure"] = instance.DefinitionCode }, now));
        if (instance.ParentInstanceId is { } parent)
        {
            changeset.Outbox.Add(new OutboxMessage(engine.Ids.NewId(), instance.Id, OutboxKinds.ResumeParent, new JsonObject
            {
                ["parentInstanceId"] = parent.ToString(),
                ["bookmarkId"] = instance.ParentBookmarkId?.ToString(),
                ["result"] = result,
            }, now));
        }
    }

    private void Fault(Token token, string message)
    {
        instance.Status = InstanceStatus.Faulted;
        instance.Fault = new InstanceFault(token.NodeId, message, now);
        // The token stays where it failed, so the fault is visible on the diagram and a fix can retry it.
        instance.Tokens.Add(token);
        Journal(JournalKind.Faulted, token.NodeId, detail: message);
    }

    /// <summary>Moves a token along the connections leaving <paramref name="node"/> from <paramref name="port"/>.</summary>
    private void Route(Token token, Node node, string? port)
    {
        var first = true;
        foreach (var connection in procedure.Outgoing(node.Id))
        {
            if (connection.Outcome != port)
            {
                continue;
            }

            Enqueue(token with { Id = first ? token.Id : engine.Ids.NewId(), NodeId = connection.To });
            first = false;
        }

        if (first)
        {
            Fault(token, port is null
                ? $"'{node.Id}' has no outgoing connection."
                : $"'{node.Id}' has no connection for the outcome '{port}'.");
        }
    }

    private void Enqueue(Token token) => ready.Add(token);

    private Bookmark Park(Token token, BookmarkKind kind, string? key, DateTimeOffset? dueAt)
    {
        var bookmark = new Bookmark(engine.Ids.NewId(), instance.Id, token.Id, token.NodeId, kind, key, now, dueAt);
        instance.Tokens.Add(token);
        instance.Bookmarks.Add(bookmark);
        changeset.BookmarksCreated.Add(bookmark);
        return bookmark;
    }

    private void RemoveBookmark(Bookmark bookmark)
    {
        instance.Bookmarks.Remove(bookmark);
        // A bookmark made and dropped in the same call never reaches the store.
        if (!changeset.BookmarksCreated.Remove(bookmark))
        {
            changeset.BookmarksRemoved.Add(bookmark.Id);
        }

        if (bookmark.Kind == BookmarkKind.Timer && !changeset.TimersSet.Remove(bookmark))
        {
            changeset.TimersCancelled.Add(bookmark.Id);
        }
    }

    /// <summary>Removes a token that will not go on, closing whatever it waited on.</summary>
    private void CancelToken(Token token, string reason)
    {
        if (!ready.Remove(token))
        {
            instance.Tokens.Remove(token);
        }

        foreach (var bookmark in instance.Bookmarks.Where(b => b.TokenId == token.Id).ToList())
        {
            RemoveBookmark(bookmark);
            if (bookmark.Kind == BookmarkKind.Task)
            {
                changeset.TasksClosed.Add(new ClosedTask(bookmark.Id, instance.Id, bookmark.NodeId, TaskCloseReason.Cancelled, null, now, actor, reason));
                Journal(JournalKind.StepCancelled, bookmark.NodeId, note: reason);
            }
            else if (bookmark.Kind is BookmarkKind.Signal or BookmarkKind.Supplement)
            {
                ResumeClock(bookmark.NodeId);
            }
        }

        Journal(JournalKind.BranchCancelled, token.NodeId, note: reason);
    }

    private void PauseClock(string nodeId)
    {
        if (instance.ClockPausedAt is null)
        {
            instance.ClockPausedAt = now;
            Journal(JournalKind.ClockPaused, nodeId);
        }
    }

    private void ResumeClock(string nodeId)
    {
        // Another wait that pauses the clock may still be open in a parallel branch.
        if (instance.ClockPausedAt is null || instance.Bookmarks.Any(IsClockPausing))
        {
            return;
        }

        Journal(JournalKind.ClockResumed, nodeId, detail: instance.ClockPausedAt.Value.ToString("O"));
        instance.ClockPausedAt = null;
    }

    private bool IsClockPausing(Bookmark bookmark) =>
        bookmark.Kind == BookmarkKind.Supplement
        || (bookmark.Kind == BookmarkKind.Signal && procedure.FindNode(bookmark.NodeId) is WaitNode { PausesClock: true });

    private void Journal(JournalKind kind, string? nodeId, string? outcome = null, string? note = null, string? detail = null) =>
        changeset.Journal.Add(new JournalEntry(instance.Id, ++instance.JournalSequence, now, kind, nodeId, outcome, actor, note, detail));

    /// <summary>Top-level fields given when a step completes replace the dossier's fields of the same name.</summary>
    private static void MergeData(JsonObject target, JsonObject source)
    {
        foreach (var (key, value) in source)
        {
            target[key] = value?.DeepClone();
        }
    }
}
