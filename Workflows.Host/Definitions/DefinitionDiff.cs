using System.Text.Json;
using Workflows.Engine.Definitions;
using Workflows.Engine.Validation;

namespace Workflows.Host.Definitions;

internal sealed record NodeChange(string Id, string Kind, string? Name);

internal sealed record DefinitionDiffDto(
    string Code,
    int From,
    int To,
    IReadOnlyList<NodeChange> NodesAdded,
    IReadOnlyList<NodeChange> NodesRemoved,
    IReadOnlyList<NodeChange> NodesChanged,
    IReadOnlyList<Connection> ConnectionsAdded,
    IReadOnlyList<Connection> ConnectionsRemoved,
    decimal LongestPathHoursBefore,
    decimal LongestPathHoursAfter);

/// <summary>What changed between two versions of a procedure's flowchart, by node id.</summary>
internal static class DefinitionDiff
{
    /// <param name="hoursPerWorkingDay">The calendar's working day: steps given in days count that many hours on the longest path.</param>
    public static DefinitionDiffDto Compare(ProcedureDefinition from, ProcedureDefinition to, decimal hoursPerWorkingDay)
    {
        ArgumentNullException.ThrowIfNull(from);
        ArgumentNullException.ThrowIfNull(to);
        var before = from.Flowchart.Nodes.ToDictionary(n => n.Id, StringComparer.Ordinal);
        var after = to.Flowchart.Nodes.ToDictionary(n => n.Id, StringComparer.Ordinal);

        // Records holding lists compare lists by reference, so nodes are compared by their JSON.
        var changed = after.Values
            .Where(n => before.TryGetValue(n.Id, out var old) && Json(old) != Json(n))
            .Select(Change).ToList();
        var connectionsBefore = from.Flowchart.Connections.ToHashSet();
        var connectionsAfter = to.Flowchart.Connections.ToHashSet();

        return new DefinitionDiffDto(
            to.Code,
            from.Version,
            to.Version,
            [.. after.Values.Where(n => !before.ContainsKey(n.Id)).Select(Change)],
            [.. before.Values.Where(n => !after.ContainsKey(n.Id)).Select(Change)],
            changed,
            [.. to.Flowchart.Connections.Where(c => !connectionsBefore.Contains(c))],
            [.. from.Flowchart.Connections.Where(c => !connectionsAfter.Contains(c))],
            FlowchartAnalysis.LongestPathWorkingHours(from, hoursPerWorkingDay),
            FlowchartAnalysis.LongestPathWorkingHours(to, hoursPerWorkingDay));
    }

    private static NodeChange Change(Node node) => new(node.Id, node.Kind, node.Name);

    private static string Json(Node node) => JsonSerializer.Serialize(node, DefinitionJson.Options);
}
