using System.Text.Json.Nodes;
using Workflows.Designer.Editor.Diagram;
using Workflows.Engine.Definitions;
using Workflows.Engine.Validation;

namespace Workflows.Designer.Editor.Diff;

/// <summary>How one node (or edge) of the newer version differs from the older one.</summary>
public enum ChangeKind
{
    Unchanged,
    Added,
    Removed,
    /// <summary>Its content changed (name, department, time, outcomes, ...).</summary>
    Changed,
    /// <summary>Only its place on the diagram moved: nothing a dossier would notice.</summary>
    LayoutOnly,
}

/// <summary>One property that differs: its JSON name and its value before and after (null when absent).</summary>
public sealed record FieldChange(string Field, JsonNode? Before, JsonNode? After);

public sealed record NodeComparison(string Id, string Kind, string? Name, ChangeKind Change, IReadOnlyList<FieldChange> Fields);

/// <summary>
/// Two versions of a procedure compared by stable id (node id; edge = <see cref="EdgeIds"/>), in the way bpmn-js-differ
/// does: added, removed, changed with the fields that changed (old → new), or moved only. The diff table and the
/// diagram's colours both read this one result.
/// </summary>
public sealed record DefinitionComparison(
    IReadOnlyList<NodeComparison> Nodes,
    IReadOnlyDictionary<string, ChangeKind> Edges,
    IReadOnlyList<FieldChange> Metadata,
    decimal LongestPathDaysBefore,
    decimal LongestPathDaysAfter)
{
    // Properties of the definition that are not metadata: the flowchart is compared node by node, the layout is drawing,
    // and the version number and schema always differ or never matter.
    private static readonly HashSet<string> NotMetadata = ["flowchart", "layout", "version", "$schema", "schemaVersion"];

    /// <summary>Nodes that differ in content or existence (layout-only moves are left out: the table lists what changed).</summary>
    public IEnumerable<NodeComparison> Differences => Nodes.Where(n => n.Change is ChangeKind.Added or ChangeKind.Removed or ChangeKind.Changed);

    public decimal DifferenceDays => LongestPathDaysAfter - LongestPathDaysBefore;

    /// <summary>The change of the longest path in % of the older one (negative is shorter); null when the older one is 0.</summary>
    public decimal? DifferencePercent => LongestPathDaysBefore == 0 ? null : Math.Round(DifferenceDays / LongestPathDaysBefore * 100m, 1, MidpointRounding.AwayFromZero);

    /// <summary>Node id → what the diagram draws (layout-only is not a change there).</summary>
    public IReadOnlyDictionary<string, DiffState> NodeDiff =>
        Nodes.ToDictionary(n => n.Id, n => ToDiffState(n.Change), StringComparer.Ordinal);

    public IReadOnlyDictionary<string, DiffState> EdgeDiff =>
        Edges.ToDictionary(e => e.Key, e => ToDiffState(e.Value), StringComparer.Ordinal);

    /// <param name="hoursPerWorkingDay">
    /// The calendar's working day, as the editor's time bar counts it (steps given in hours are divided by it); without
    /// it, <see cref="TimeLimit.HoursPerWorkingDay"/>.
    /// </param>
    public static DefinitionComparison Compare(ProcedureDefinition before, ProcedureDefinition after, decimal hoursPerWorkingDay = TimeLimit.HoursPerWorkingDay)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        var oldNodes = before.Flowchart.Nodes.ToDictionary(n => n.Id, StringComparer.Ordinal);
        var newIds = after.Flowchart.Nodes.Select(n => n.Id).ToHashSet(StringComparer.Ordinal);

        var nodes = new List<NodeComparison>();
        foreach (var node in after.Flowchart.Nodes)
        {
            if (!oldNodes.TryGetValue(node.Id, out var old))
            {
                nodes.Add(new NodeComparison(node.Id, node.Kind, node.Name, ChangeKind.Added, []));
                continue;
            }

            var fields = Fields(Json(old), Json(node), []);
            var change = fields.Count > 0 ? ChangeKind.Changed
                : Moved(before.Layout, after.Layout, node.Id) ? ChangeKind.LayoutOnly
                : ChangeKind.Unchanged;
            nodes.Add(new NodeComparison(node.Id, node.Kind, node.Name, change, fields));
        }

        // Removed nodes last, in the older version's order: the table reads "what is new, then what is gone".
        nodes.AddRange(before.Flowchart.Nodes.Where(n => !newIds.Contains(n.Id)).Select(n => new NodeComparison(n.Id, n.Kind, n.Name, ChangeKind.Removed, [])));

        var oldEdges = before.Flowchart.Connections.Select(EdgeIds.Of).ToHashSet(StringComparer.Ordinal);
        var newEdges = after.Flowchart.Connections.Select(EdgeIds.Of).ToHashSet(StringComparer.Ordinal);
        var edges = new Dictionary<string, ChangeKind>(StringComparer.Ordinal);
        foreach (var edge in newEdges)
        {
            edges[edge] = oldEdges.Contains(edge) ? ChangeKind.Unchanged : ChangeKind.Added;
        }

        foreach (var edge in oldEdges.Where(e => !newEdges.Contains(e)))
        {
            edges[edge] = ChangeKind.Removed;
        }

        var metadata = Fields(JsonSerializerNode(before), JsonSerializerNode(after), NotMetadata);
        return new DefinitionComparison(nodes, edges, metadata, LongestPath.WorkingDays(before, hoursPerWorkingDay), LongestPath.WorkingDays(after, hoursPerWorkingDay));
    }

    private static DiffState ToDiffState(ChangeKind change) => change switch
    {
        ChangeKind.Added => DiffState.Added,
        ChangeKind.Removed => DiffState.Removed,
        ChangeKind.Changed => DiffState.Changed,
        _ => DiffState.None,
    };

    private static bool Moved(DefinitionLayout? before, DefinitionLayout? after, string id)
    {
        NodePosition? old = null, now = null;
        before?.Nodes.TryGetValue(id, out old);
        after?.Nodes.TryGetValue(id, out now);
        return old != now;
    }

    /// <summary>Top-level properties whose JSON differs, in the newer object's order, then those only the older has.</summary>
    private static List<FieldChange> Fields(JsonObject before, JsonObject after, HashSet<string> ignored)
    {
        var changes = new List<FieldChange>();
        foreach (var (name, value) in after)
        {
            if (!ignored.Contains(name) && !JsonNode.DeepEquals(before[name], value))
            {
                changes.Add(new FieldChange(name, before[name]?.DeepClone(), value?.DeepClone()));
            }
        }

        foreach (var (name, value) in before)
        {
            if (!ignored.Contains(name) && !after.ContainsKey(name))
            {
                changes.Add(new FieldChange(name, value?.DeepClone(), null));
            }
        }

        return changes;
    }

    private static JsonObject Json(Node node) =>
        System.Text.Json.JsonSerializer.SerializeToNode(node, DefinitionJson.Options)!.AsObject();

    private static JsonObject JsonSerializerNode(ProcedureDefinition definition) =>
        System.Text.Json.JsonSerializer.SerializeToNode(definition, DefinitionJson.Options)!.AsObject();
}

/// <summary>The time on the longest Start→End path in working days, as the validator's analysis counts it.</summary>
public static class LongestPath
{
    /// <summary>
    /// Steps given in hours count <paramref name="hoursPerWorkingDay"/> hours a day (the calendar's day, as the editor's
    /// time bar counts them); steps given in days, the usual case, count exactly their days.
    /// </summary>
    public static decimal WorkingDays(ProcedureDefinition definition, decimal hoursPerWorkingDay)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(hoursPerWorkingDay);
        return FlowchartAnalysis.LongestPathWorkingHours(definition, hoursPerWorkingDay) / hoursPerWorkingDay;
    }
}
