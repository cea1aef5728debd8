using Workflows.Engine.Definitions;
using Workflows.Engine.Versions;
using Workflows.Host.Definitions;

namespace Workflows.Host.Migrations;

/// <summary>The body of a dry run and of a migration: from which published version to which, and where removed nodes go.</summary>
internal sealed record MigrationRequest(int? FromVersion, int? ToVersion, Dictionary<string, string>? NodeMap);

/// <summary>A request turned into the engine's plan, or the problems that stop it (by field), or an unknown procedure.</summary>
internal sealed record ResolvedPlan(MigrationPlan? Plan, Dictionary<string, string[]>? Errors, bool UnknownProcedure);

/// <summary>
/// Checks a migration request against the procedure's published versions: both versions published, the target later,
/// every map entry from a node of the old version to a node of the new one of the same kind. What depends on where each
/// dossier stands (a removed node nobody mapped) is decided per dossier by <see cref="MigrationPlanner"/>.
/// </summary>
internal static class MigrationPlans
{
    public static async Task<ResolvedPlan> ResolveAsync(string code, MigrationRequest? request, DefinitionCatalogue catalogue, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        if (request?.FromVersion is not { } fromVersion)
        {
            errors["fromVersion"] = ["The version the dossiers run now is required."];
        }

        if (request?.ToVersion is not { } toVersion)
        {
            errors["toVersion"] = ["The published version to move the dossiers to is required."];
        }

        if (errors.Count > 0)
        {
            return new ResolvedPlan(null, errors, false);
        }

        if (await catalogue.LatestPublishedAsync(code, cancellationToken) is null)
        {
            return new ResolvedPlan(null, null, true);
        }

        var from = await catalogue.GetPublishedAsync(code, request!.FromVersion!.Value, cancellationToken);
        var to = await catalogue.GetPublishedAsync(code, request.ToVersion!.Value, cancellationToken);
        if (from is null)
        {
            errors["fromVersion"] = [$"Procedure {code} has no published version {request.FromVersion}."];
        }

        if (to is null)
        {
            errors["toVersion"] = [$"Procedure {code} has no published version {request.ToVersion}; publish it first."];
        }
        else if (from is not null && to.Version <= from.Version)
        {
            errors["toVersion"] = [$"Dossiers move to a later version than {from.Version}."];
        }

        if (errors.Count > 0)
        {
            return new ResolvedPlan(null, errors, false);
        }

        var map = request.NodeMap ?? [];
        var fromNodes = from!.Flowchart.Nodes.ToDictionary(n => n.Id, StringComparer.Ordinal);
        var toNodes = to!.Flowchart.Nodes.ToDictionary(n => n.Id, StringComparer.Ordinal);
        foreach (var (old, target) in map)
        {
            if (!fromNodes.TryGetValue(old, out var oldNode))
            {
                errors[$"nodeMap.{old}"] = [$"Version {from.Version} has no node '{old}'."];
            }
            else if (!toNodes.TryGetValue(target ?? "", out var newNode))
            {
                errors[$"nodeMap.{old}"] = [$"Version {to.Version} has no node '{target}'."];
            }
            else if (newNode.Kind != oldNode.Kind)
            {
                errors[$"nodeMap.{old}"] = [$"'{old}' is a {oldNode.Kind} but '{target}' is a {newNode.Kind}; a waiting dossier lands only on a node of the same kind."];
            }
        }

        return errors.Count > 0
            ? new ResolvedPlan(null, errors, false)
            : new ResolvedPlan(new MigrationPlan(from, to, new Dictionary<string, string>(map, StringComparer.Ordinal)), null, false);
    }

    /// <summary>"receive → receive; review → appraise": where each waiting token stands and where it lands.</summary>
    public static string Describe(IEnumerable<NodeMove> moves) => string.Join("; ", moves.Select(m => $"{m.From} → {m.To}"));

    /// <summary>Which nodes a dossier's tokens stand on.</summary>
    public static IReadOnlyList<string> CurrentNodes(Engine.Runtime.WorkflowInstance instance) =>
        [.. instance.Tokens.Select(t => t.NodeId).Distinct(StringComparer.Ordinal)];

    /// <summary>
    /// Whether one instance can move by the plan: where each waiting token lands, or why it cannot (a node the new version
    /// removed and the map does not cover, a node of another kind). A faulted instance does not move: an administrator
    /// retries it on the new version (/api/runtime/faulted), which runs its failed node again.
    /// </summary>
    public static InstanceVerdict Judge(MigrationPlan plan, Engine.Runtime.WorkflowInstance instance)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(instance);
        if (instance.Status == Engine.Runtime.InstanceStatus.Faulted)
        {
            var node = instance.Fault?.NodeId ?? "";
            return new InstanceVerdict([], [new MigrationBlocker(instance.Id, node,
                $"The dossier is faulted at '{node}'; retry it on version {plan.To.Version} instead (POST /api/runtime/faulted/{instance.Id}/retry).")
            {
                Code = MigrationBlockerCodes.Faulted,
                Args = new Dictionary<string, string>(StringComparer.Ordinal)
                {
                    ["node"] = node,
                    ["toVersion"] = plan.To.Version.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    ["instance"] = instance.Id.ToString(),
                },
            }]);
        }

        var dryRun = MigrationPlanner.DryRun(plan, [instance]);
        var blockers = dryRun.Blockers.Where(b => b.InstanceId == instance.Id).ToList();
        return new InstanceVerdict(blockers.Count == 0 ? dryRun.Affected.SingleOrDefault()?.Moves ?? [] : [], blockers);
    }
}

/// <summary>Where an instance's tokens land, or what stops it from moving.</summary>
internal sealed record InstanceVerdict(IReadOnlyList<NodeMove> Moves, IReadOnlyList<MigrationBlocker> Blockers)
{
    public bool CanMove => Blockers.Count == 0;
}
