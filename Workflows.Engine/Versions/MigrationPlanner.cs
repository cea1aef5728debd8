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

/// <summary>Why a migration cannot be applied: an instance sits where the new version has no place for it.</summary>
public sealed record MigrationBlocker(Guid? InstanceId, string NodeId, string Message);

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
            blockers.Add(new MigrationBlocker(null, "", $"Cannot migrate between procedures {plan.From.Code} and {plan.To.Code}."));
        }

        var fromNodes = plan.From.Flowchart.Nodes.ToDictionary(n => n.Id, StringComparer.Ordinal);
        var toNodes = plan.To.Flowchart.Nodes.ToDictionary(n => n.Id, StringComparer.Ordinal);
        foreach (var (from, to) in plan.NodeMap)
        {
            if (!fromNodes.ContainsKey(from))
            {
                blockers.Add(new MigrationBlocker(null, from, $"The map names '{from}', which version {plan.From.Version} does not have."));
            }

            if (!toNodes.ContainsKey(to))
            {
                blockers.Add(new MigrationBlocker(null, to, $"The map sends '{from}' to '{to}', which version {plan.To.Version} does not have."));
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
                        $"Instance {instance.Id} is at '{nodeId}', which version {plan.To.Version} removed; map it to a node of the new version."));
                    continue;
                }

                if (fromNodes.TryGetValue(nodeId, out var oldNode) && toNodes[target].Kind != oldNode.Kind)
                {
                    blockers.Add(new MigrationBlocker(instance.Id, nodeId,
                        $"Instance {instance.Id} waits at the {oldNode.Kind} '{nodeId}', but '{target}' is a {toNodes[target].Kind}."));
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

    private static string? Target(MigrationPlan plan, string nodeId, Dictionary<string, Node> toNodes) =>
        plan.NodeMap.TryGetValue(nodeId, out var mapped) ? mapped : toNodes.ContainsKey(nodeId) ? nodeId : null;
}
