using Workflows.Designer.Editor.Diagram;
using Workflows.Engine.Definitions;

namespace Workflows.Designer.Editor.Diff;

/// <summary>
/// The diagram of a visual diff: the newer version as it is, plus the nodes and connections only the older one has, so
/// a reader sees what went away where it used to be (drawn red and dashed), with added nodes and edges green and changed
/// ones amber. Used by the versions diff and by the cut-steps result (published → result).
/// </summary>
public static class DiffDiagram
{
    /// <summary>The newer version plus the removed nodes and connections of the older one, with each one's diff state.</summary>
    public static (ProcedureDefinition Definition, IReadOnlyDictionary<string, DiffState> NodeDiff, IReadOnlyDictionary<string, DiffState> EdgeDiff) Overlay(
        ProcedureDefinition older, ProcedureDefinition newer, DefinitionComparison comparison)
    {
        ArgumentNullException.ThrowIfNull(older);
        ArgumentNullException.ThrowIfNull(newer);
        ArgumentNullException.ThrowIfNull(comparison);

        var newIds = newer.Flowchart.Nodes.Select(n => n.Id).ToHashSet(StringComparer.Ordinal);
        var removedNodes = older.Flowchart.Nodes.Where(n => !newIds.Contains(n.Id)).ToList();
        var newEdges = newer.Flowchart.Connections.Select(EdgeIds.Of).ToHashSet(StringComparer.Ordinal);
        var removedConnections = older.Flowchart.Connections.Where(c => !newEdges.Contains(EdgeIds.Of(c))).ToList();

        var definition = newer with
        {
            Flowchart = new Flowchart
            {
                Nodes = [.. newer.Flowchart.Nodes, .. removedNodes],
                Connections = [.. newer.Flowchart.Connections, .. removedConnections],
            },
            Layout = MergedLayout(older.Layout, newer.Layout, removedNodes),
        };
        return (definition, comparison.NodeDiff, comparison.EdgeDiff);
    }

    /// <summary>
    /// A canvas height for a diff diagram: its lanes at full scale plus the fit's padding, between 220 px and
    /// <paramref name="max"/>, so a one-lane procedure leaves no empty band and the page's table stays close.
    /// </summary>
    public static string CanvasHeight(DiagramView view, double max)
    {
        ArgumentNullException.ThrowIfNull(view);
        var bottom = view.Lanes.Select(l => l.Y + l.Height).DefaultIfEmpty(0).Max();
        return FormattableString.Invariant($"{Math.Clamp(Math.Ceiling(bottom + 40), 220, max)}px");
    }

    // A removed node keeps the place the older version saved for it; lanes the newer one no longer uses follow its own.
    private static DefinitionLayout? MergedLayout(DefinitionLayout? older, DefinitionLayout? newer, IReadOnlyList<Node> removed)
    {
        if (older is null || newer is null)
        {
            return newer;
        }

        var nodes = new Dictionary<string, NodePosition>(newer.Nodes, StringComparer.Ordinal);
        foreach (var node in removed)
        {
            if (older.Nodes.TryGetValue(node.Id, out var position))
            {
                nodes.TryAdd(node.Id, position);
            }
        }

        return newer with { Lanes = [.. newer.Lanes.Concat(older.Lanes).Distinct(StringComparer.Ordinal)], Nodes = nodes };
    }
}
