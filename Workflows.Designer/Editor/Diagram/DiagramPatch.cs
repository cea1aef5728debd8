namespace Workflows.Designer.Editor.Diagram;

/// <summary>
/// What the canvas must change to go from one view to the next, by id: nodes and edges added or changed, ids removed,
/// and the whole (short) lane list when any lane changed. Only the changed ids travel, so an edit of one step sends
/// one node, whatever the size of the procedure.
/// </summary>
public sealed record DiagramPatch(
    IReadOnlyList<LaneView>? Lanes,
    IReadOnlyList<NodeView> Nodes,
    IReadOnlyList<string> RemovedNodes,
    IReadOnlyList<EdgeView> Edges,
    IReadOnlyList<string> RemovedEdges)
{
    public bool IsEmpty => Lanes is null && Nodes.Count == 0 && RemovedNodes.Count == 0 && Edges.Count == 0 && RemovedEdges.Count == 0;

    public static DiagramPatch Between(DiagramView before, DiagramView after)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);

        var lanes = before.Lanes.SequenceEqual(after.Lanes) ? null : after.Lanes;

        var oldNodes = before.Nodes.ToDictionary(n => n.Id, StringComparer.Ordinal);
        var nodes = after.Nodes.Where(n => !oldNodes.TryGetValue(n.Id, out var old) || !SameNode(old, n)).ToList();
        var newNodeIds = after.Nodes.Select(n => n.Id).ToHashSet(StringComparer.Ordinal);
        var removedNodes = before.Nodes.Where(n => !newNodeIds.Contains(n.Id)).Select(n => n.Id).ToList();

        var oldEdges = before.Edges.ToDictionary(e => e.Id, StringComparer.Ordinal);
        var edges = after.Edges.Where(e => !oldEdges.TryGetValue(e.Id, out var old) || old != e).ToList();
        var newEdgeIds = after.Edges.Select(e => e.Id).ToHashSet(StringComparer.Ordinal);
        var removedEdges = before.Edges.Where(e => !newEdgeIds.Contains(e.Id)).Select(e => e.Id).ToList();

        return new DiagramPatch(lanes, nodes, removedNodes, edges, removedEdges);
    }

    private static readonly PortView[] NoPorts = [];
    private static readonly string[] NoProblems = [];

    // Records compare lists by reference; a node view is the same when its values and its lists' items are.
    internal static bool SameNode(NodeView a, NodeView b) =>
        a with { Ports = NoPorts, Problems = NoProblems } == b with { Ports = NoPorts, Problems = NoProblems }
        && a.Ports.SequenceEqual(b.Ports)
        && a.Problems.SequenceEqual(b.Problems, StringComparer.Ordinal);
}
