using Workflows.Engine.Definitions;
using Workflows.Engine.Runtime;

namespace Workflows.Engine.Versions;

/// <summary>
/// Moving running dossiers from one published version to another. Instances stay pinned to their version
/// unless an administrator migrates them with an explicit old-node → new-node map; a node id the new version
/// still has maps to itself.
/// </summary>
public sealed record MigrationPlan(ProcedureDefinition From, ProcedureDefinition To, IReadOnlyDictionary<string, string> NodeMap);

public sealed record NodeMove(string From, string To);

public sealed record AffectedInstance(Guid InstanceId, IReadOnlyList<NodeMove> Moves);

/// <summary>
/// Why a migration cannot be applied: an instance sits where the new version has no place for it. <see cref="Message"/>
/// says it in English; <see cref="Code"/> (<see cref="MigrationBlockerCodes"/>) and <see cref="Args"/> let a client say
/// it in its user's language (node ids in <c>node</c> and <c>target</c>, versions, node kinds).
/// </summary>
public sealed record MigrationBlocker(Guid? InstanceId, string NodeId, string Message)
{
    public string Code { get; init; } = "";

    public IReadOnlyDictionary<string, string> Args { get; init; } = new Dictionary<string, string>();
}

/// <summary>The stable codes of <see cref="MigrationBlocker"/>s.</summary>
public static class MigrationBlockerCodes
{
    /// <summary>The plan moves dossiers between two procedures; args: <c>procedure</c>, <c>targetProcedure</c>.</summary>
    public const string OtherProcedure = "migrationOtherProcedure";

    /// <summary>The map names a node the old version does not have; args: <c>node</c>, <c>fromVersion</c>.</summary>
    public const string UnknownNode = "migrationUnknownNode";

    /// <summary>The map sends a node to one the new version does not have; args: <c>node</c>, <c>target</c>, <c>toVersion</c>.</summary>
    public const string UnknownTarget = "migrationUnknownTarget";

    /// <summary>A dossier waits at a node the new version removed and the map does not cover; args: <c>node</c>, <c>toVersion</c>.</summary>
    public const string NodeRemoved = "migrationNodeRemoved";

    /// <summary>A dossier would land on a node of another kind; args: <c>node</c>, <c>kind</c>, <c>target</c>, <c>targetKind</c>.</summary>
    public const string KindChanged = "migrationKindChanged";

    /// <summary>A faulted dossier is retried, not migrated; args: <c>node</c>, <c>toVersion</c>, <c>instance</c>.</summary>
    public const string Faulted = "migrationFaulted";
}

public sealed record MigrationDryRun(IReadOnlyList<AffectedInstance> Affected, IReadOnlyList<MigrationBlocker> Blockers)
{
    public bool CanApply => Blockers.Count == 0;
}

public static class MigrationPlanner
{
    /// <summary>
    /// Lists the live instances the plan moves, and refuses (blockers) when a live instance sits on a node the
    /// new version removed and the map does not cover, or when the map points somewhere that cannot hold it.
    /// </summary>
    public static MigrationDryRun DryRun(MigrationPlan plan, IEnumerable<WorkflowInstance> instances)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(instances);
        var blockers = new List<MigrationBlocker>();
        if (plan.From.Code != plan.To.Code)
        {
            blockers.Add(new MigrationBlocker(null, "", $"Cannot migrate between procedures {plan.From.Code} and {plan.To.Code}.")
            {
                Code = MigrationBlockerCodes.OtherProcedure, Args = Args(("procedure", plan.From.Code), ("targetProcedure", plan.To.Code)),
            });
        }

        var fromNodes = plan.From.Flowchart.Nodes.ToDictionary(n => n.Id, StringComparer.Ordinal);
        var toNodes = plan.To.Flowchart.Nodes.ToDictionary(n => n.Id, StringComparer.Ordinal);
        foreach (var (from, to) in plan.NodeMap)
        {
            if (!fromNodes.ContainsKey(from))
            {
                blockers.Add(new MigrationBlocker(null, from, $"The map names '{from}', which version {plan.From.Version} does not have.")
                {
                    Code = MigrationBlockerCodes.UnknownNode, Args = Args(("node", from), ("fromVersion", Number(plan.From.Version))),
                });
            }

            if (!toNodes.ContainsKey(to))
            {
                blockers.Add(new MigrationBlocker(null, to, $"The map sends '{from}' to '{to}', which version {plan.To.Version} does not have.")
                {
                    Code = MigrationBlockerCodes.UnknownTarget, Args = Args(("node", from), ("target", to), ("toVersion", Number(plan.To.Version))),
                });
            }
        }

        var affected = new List<AffectedInstance>();
        foreach (var instance in instances)
        {
            if (instance.DefinitionCode != plan.From.Code || instance.DefinitionVersion != plan.From.Version || instance.Status == InstanceStatus.Completed)
            {
                continue;
            }

            var moves = new List<NodeMove>();
            foreach (var nodeId in instance.Tokens.Select(t => t.NodeId).Distinct())
            {
                var target = Target(plan, nodeId, toNodes);
                if (target is null)
                {
                    blockers.Add(new MigrationBlocker(instance.Id, nodeId,
                        $"Instance {instance.Id} is at '{nodeId}', which version {plan.To.Version} removed; map it to a node of the new version.")
                    {
                        Code = MigrationBlockerCodes.NodeRemoved, Args = Args(("node", nodeId), ("toVersion", Number(plan.To.Version))),
                    });
                    continue;
                }

                if (fromNodes.TryGetValue(nodeId, out var oldNode) && toNodes[target].Kind != oldNode.Kind)
                {
                    blockers.Add(new MigrationBlocker(instance.Id, nodeId,
                        $"Instance {instance.Id} waits at the {oldNode.Kind} '{nodeId}', but '{target}' is a {toNodes[target].Kind}.")
                    {
                        Code = MigrationBlockerCodes.KindChanged,
                        Args = Args(("node", nodeId), ("kind", oldNode.Kind), ("target", target), ("targetKind", toNodes[target].Kind)),
                    });
                    continue;
                }

                moves.Add(new NodeMove(nodeId, target));
            }

            affected.Add(new AffectedInstance(instance.Id, moves));
        }

        return new MigrationDryRun(affected, blockers);
    }

    /// <summary>
    /// Moves one instance to the new version. Open tasks are closed and reopened at their new step with the
    /// same due time, so projections follow. Throws when the dry run for this instance has blockers.
    /// </summary>
    public static Changeset Apply(MigrationPlan plan, WorkflowInstance original, DateTimeOffset now, IIdGenerator ids, string? actor = null)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(original);
        ArgumentNullException.ThrowIfNull(ids);
        var dryRun = DryRun(plan, [original]);
        if (!dryRun.CanApply)
        {
            throw new InvalidOperationException(string.Join(" ", dryRun.Blockers.Select(b => b.Message)));
        }

        var toNodes = plan.To.Flowchart.Nodes.ToDictionary(n => n.Id, StringComparer.Ordinal);
        var instance = original.Clone();
        instance.DefinitionVersion = plan.To.Version;
        instance.Version = original.Version + 1;
        instance.UpdatedAt = now;
        var changeset = new Changeset();
        changeset.Instances.Add(new InstanceChange(instance, original.Version));

        instance.Tokens.Clear();
        foreach (var token in original.Tokens)
        {
            instance.Tokens.Add(token with
            {
                NodeId = Target(plan, token.NodeId, toNodes)!,
                StepTrail = [.. token.StepTrail.Where(toNodes.ContainsKey)],
            });
        }

        instance.Bookmarks.Clear();
        foreach (var bookmark in original.Bookmarks)
        {
            var target = Target(plan, bookmark.NodeId, toNodes)!;
            if (target == bookmark.NodeId)
            {
                instance.Bookmarks.Add(bookmark);
                continue;
            }

            // A moved bookmark is a new row (and a new task): its old id stays in the history of the old node.
            var moved = bookmark with { Id = ids.NewId(), NodeId = target };
            instance.Bookmarks.Add(moved);

            changeset.BookmarksRemoved.Add(bookmark.Id);
            changeset.BookmarksCreated.Add(moved);
            if (bookmark.Kind == BookmarkKind.Timer)
            {
                changeset.TimersCancelled.Add(bookmark.Id);
                changeset.TimersSet.Add(moved);
            }
            if (bookmark.Kind == BookmarkKind.Task && toNodes[moved.NodeId] is StepNode step)
            {
                changeset.TasksClosed.Add(new ClosedTask(bookmark.Id, instance.Id, bookmark.NodeId, TaskCloseReason.Cancelled, null, now, actor, $"migrated to version {plan.To.Version}"));
                changeset.TasksOpened.Add(new OpenedTask(moved.Id, instance.Id, step.Id, step.Name, step.Department, step.Role, step.AllottedTime, now, moved.DueAt ?? now, bookmark.NodeId));
            }
        }

        changeset.Journal.Add(new JournalEntry(instance.Id, ++instance.JournalSequence, now, JournalKind.Migrated, null, Actor: actor,
            Detail: $"v{plan.From.Version} → v{plan.To.Version}"));
        return changeset;
    }

    private static Dictionary<string, string> Args(params (string Name, string Value)[] args) =>
        args.ToDictionary(a => a.Name, a => a.Value, StringComparer.Ordinal);

    private static string Number(int value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static string? Target(MigrationPlan plan, string nodeId, Dictionary<string, Node> toNodes) =>
        plan.NodeMap.TryGetValue(nodeId, out var mapped) ? mapped : toNodes.ContainsKey(nodeId) ? nodeId : null;
}
