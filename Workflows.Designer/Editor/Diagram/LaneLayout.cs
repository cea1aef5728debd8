using Microsoft.Msagl.Core.Geometry;
using Microsoft.Msagl.Core.Geometry.Curves;
using Microsoft.Msagl.Core.Layout;
using Microsoft.Msagl.Core.Routing;
using Microsoft.Msagl.Layout.Layered;
using Workflows.Engine.Definitions;
using EngineNode = Workflows.Engine.Definitions.Node;
using MsaglNode = Microsoft.Msagl.Core.Layout.Node;

namespace Workflows.Designer.Editor.Diagram;

/// <summary>One department's horizontal band (<see cref="Id"/> "" holds nodes when the flowchart has no step).</summary>
public sealed record LaneBand(string Id, double Y, double Height);

/// <summary>Where a node is drawn: its lane and its box (top-left corner and size, canvas units).</summary>
public sealed record PlacedNode(string Id, string Lane, double X, double Y, double Width, double Height);

/// <summary>Bands from top to bottom, every node placed in its band, and the width every band spans.</summary>
public sealed record LanePlacement(IReadOnlyList<LaneBand> Lanes, IReadOnlyDictionary<string, PlacedNode> Nodes, double Width);

/// <summary>
/// The lane-aware layout of a flowchart: one band per department, ordered as the process table first uses them (or as
/// the definition's <c>layout.lanes</c> says), columns from a layered (Sugiyama) layout of the flowchart computed by MSAGL,
/// read left to right, then each node put in its department's band. Positions saved in <c>layout.nodes</c> win over the
/// computed ones but are kept inside their lane. A pure function: the same definition always gives the same placement.
/// </summary>
public static class LaneLayout
{
    /// <summary>Width of the band's title column on the left; nodes start right of it.</summary>
    public const double HeaderWidth = 170;

    public const double MinLaneHeight = 130;
    public const double MinWidth = 900;

    private const double LanePadding = 24;
    private const double ColumnGap = 80;
    private const double RowGap = 36;
    private const double FirstColumn = HeaderWidth + 40;

    /// <summary>
    /// Nodes in flowchart order: breadth first from the start along the connections (in file order), then the nodes no
    /// path reaches, in file order. The process table lists steps in this order, so lanes follow it too.
    /// </summary>
    public static IReadOnlyList<EngineNode> FlowOrder(Flowchart flowchart)
    {
        ArgumentNullException.ThrowIfNull(flowchart);
        var byId = new Dictionary<string, EngineNode>(StringComparer.Ordinal);
        foreach (var node in flowchart.Nodes)
        {
            byId.TryAdd(node.Id, node);
        }

        var next = flowchart.Connections.ToLookup(c => c.From, c => c.To, StringComparer.Ordinal);
        var order = new List<EngineNode>(flowchart.Nodes.Count);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var queue = new Queue<EngineNode>();
        foreach (var root in flowchart.Nodes.OfType<StartNode>().Concat(flowchart.Nodes))
        {
            if (!seen.Add(root.Id))
            {
                continue;
            }

            queue.Enqueue(root);
            while (queue.TryDequeue(out var node))
            {
                order.Add(node);
                foreach (var to in next[node.Id])
                {
                    if (byId.TryGetValue(to, out var target) && seen.Add(to))
                    {
                        queue.Enqueue(target);
                    }
                }
            }
        }

        return order;
    }

    /// <summary>The size a node is drawn at, by kind (a step grows with its outcomes, one port each).</summary>
    public static (double Width, double Height) SizeOf(EngineNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        return node switch
        {
            StepNode step => (210, Math.Max(96, 30 + (18 * step.Outcomes.Count))),
            DecisionNode decision => (150, Math.Max(96, 24 * decision.Outcomes.Count)),
            ForkNode or JoinNode => (14, 80),
            WaitNode or TimerNode => (52, 52),
            StartNode or EndNode => (40, 40),
            SubProcessNode => (200, 64),
            _ => (180, 56),
        };
    }

    /// <summary>Room under a node for a label drawn below it (circles and bars carry their name underneath).</summary>
    private static double LabelBelow(EngineNode node) =>
        node is StartNode or EndNode or WaitNode or TimerNode or ForkNode or JoinNode ? 34 : 0;

    /// <summary>The lanes top to bottom and the lane of every node (see <see cref="Compute"/>).</summary>
    public static (IReadOnlyList<string> Lanes, IReadOnlyDictionary<string, string> LaneOf) Lanes(ProcedureDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        var flowchart = definition.Flowchart;
        var order = FlowOrder(flowchart);

        var used = new List<string>();
        foreach (var step in order.OfType<StepNode>())
        {
            if (!used.Contains(step.Department, StringComparer.Ordinal))
            {
                used.Add(step.Department);
            }
        }

        // The saved lane order first, then departments it does not name, as the table first uses them.
        var lanes = new List<string>();
        foreach (var lane in (definition.Layout?.Lanes ?? []).Concat(used))
        {
            if (!lanes.Contains(lane, StringComparer.Ordinal))
            {
                lanes.Add(lane);
            }
        }

        if (lanes.Count == 0)
        {
            lanes.Add("");
        }

        // A node without a department goes in the lane of the node it is reached from (so, of the step before it).
        var previous = new Dictionary<string, string>(StringComparer.Ordinal);
        var reached = new HashSet<string>(StringComparer.Ordinal);
        foreach (var node in order)
        {
            reached.Add(node.Id);
            foreach (var connection in flowchart.Connections)
            {
                if (connection.From == node.Id && !reached.Contains(connection.To))
                {
                    previous.TryAdd(connection.To, node.Id);
                }
            }
        }

        var laneOf = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var node in order)
        {
            laneOf[node.Id] = node switch
            {
                StepNode step => step.Department,
                _ when previous.TryGetValue(node.Id, out var before) && laneOf.TryGetValue(before, out var lane) => lane,
                _ => lanes[0],
            };
        }

        return (lanes, laneOf);
    }

    /// <summary>Computes the placement; <paramref name="useSavedPositions"/> false ignores <c>layout.nodes</c> (auto layout).</summary>
    public static LanePlacement Compute(ProcedureDefinition definition, bool useSavedPositions = true)
    {
        ArgumentNullException.ThrowIfNull(definition);
        var order = FlowOrder(definition.Flowchart);
        var (lanes, laneOf) = Lanes(definition);
        var (columnOf, rankInColumn) = Columns(order, definition.Flowchart);

        // Column widths: the widest node in each column, for every lane alike so columns line up across lanes.
        var columnCount = order.Count == 0 ? 0 : columnOf.Values.Max() + 1;
        var columnWidth = new double[columnCount];
        foreach (var node in order)
        {
            columnWidth[columnOf[node.Id]] = Math.Max(columnWidth[columnOf[node.Id]], SizeOf(node).Width);
        }

        var columnX = new double[columnCount];
        for (var c = 0; c < columnCount; c++)
        {
            columnX[c] = c == 0 ? FirstColumn : columnX[c - 1] + columnWidth[c - 1] + ColumnGap;
        }

        // Nodes sharing a lane and a column are stacked in the MSAGL order of their layer; the band grows to hold them.
        var cells = order
            .GroupBy(n => (Lane: laneOf[n.Id], Column: columnOf[n.Id]))
            .ToDictionary(g => g.Key, g => g.OrderBy(n => rankInColumn[n.Id]).ThenBy(n => n.Id, StringComparer.Ordinal).ToList());
        static double StackHeight(List<EngineNode> nodes) =>
            nodes.Sum(n => SizeOf(n).Height + LabelBelow(n)) + (RowGap * (nodes.Count - 1));

        var bands = new List<LaneBand>(lanes.Count);
        var y = 0d;
        foreach (var lane in lanes)
        {
            var tallest = cells.Where(c => c.Key.Lane == lane).Select(c => StackHeight(c.Value)).DefaultIfEmpty(0).Max();
            var height = Math.Max(MinLaneHeight, tallest + (2 * LanePadding));
            bands.Add(new LaneBand(lane, y, height));
            y += height;
        }

        var bandOf = bands.ToDictionary(b => b.Id, StringComparer.Ordinal);
        var placed = new Dictionary<string, PlacedNode>(StringComparer.Ordinal);
        foreach (var ((lane, column), nodes) in cells)
        {
            var band = bandOf[lane];
            var top = band.Y + ((band.Height - StackHeight(nodes)) / 2);
            foreach (var node in nodes)
            {
                var (width, height) = SizeOf(node);
                placed[node.Id] = new PlacedNode(node.Id, lane, columnX[column] + ((columnWidth[column] - width) / 2), top, width, height);
                top += height + LabelBelow(node) + RowGap;
            }
        }

        // Saved positions win, kept inside their own band (a band moves when the one above grows).
        var saved = useSavedPositions ? definition.Layout?.Nodes : null;
        if (saved is { Count: > 0 })
        {
            foreach (var node in order)
            {
                if (saved.TryGetValue(node.Id, out var position))
                {
                    var box = placed[node.Id];
                    var band = bandOf[box.Lane];
                    var lowest = band.Y + band.Height - box.Height - LabelBelow(node) - 8;
                    placed[node.Id] = box with
                    {
                        X = Math.Max(HeaderWidth + 10, position.X),
                        Y = Math.Clamp(position.Y, band.Y + 8, Math.Max(band.Y + 8, lowest)),
                    };
                }
            }
        }

        var laneWidth = Math.Max(MinWidth, placed.Values.Select(n => n.X + n.Width + 60).DefaultIfEmpty(0).Max());
        return new LanePlacement(bands, placed, Math.Ceiling(laneWidth));
    }

    /// <summary>The layout the "Sắp xếp tự động" button applies: computed lanes and positions, saved positions ignored.</summary>
    public static DefinitionLayout AutoLayout(ProcedureDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        var placement = Compute(definition, useSavedPositions: false);
        return new DefinitionLayout
        {
            Lanes = [.. placement.Lanes.Select(l => l.Id).Where(id => id.Length > 0)],
            Nodes = placement.Nodes.Values.ToDictionary(n => n.Id, n => new NodePosition(Math.Round(n.X), Math.Round(n.Y)), StringComparer.Ordinal),
        };
    }

    /// <summary>
    /// Column of each node (its layer in MSAGL's layered layout, the start's layer first) and its rank within the
    /// layer. Nodes no connection reaches hang from the first node, so the graph is one piece and layers line up.
    /// </summary>
    private static (Dictionary<string, int> Column, Dictionary<string, double> Rank) Columns(IReadOnlyList<EngineNode> order, Flowchart flowchart)
    {
        var column = new Dictionary<string, int>(StringComparer.Ordinal);
        var rank = new Dictionary<string, double>(StringComparer.Ordinal);
        if (order.Count == 0)
        {
            return (column, rank);
        }

        var graph = new GeometryGraph();
        var nodes = new Dictionary<string, MsaglNode>(StringComparer.Ordinal);
        foreach (var node in order)
        {
            // Laid out top-down with widths and heights swapped: MSAGL's layers become our columns.
            var (width, height) = SizeOf(node);
            var msagl = new MsaglNode(CurveFactory.CreateRectangle(height + LabelBelow(node), width, new Point()), node.Id);
            nodes[node.Id] = msagl;
            graph.Nodes.Add(msagl);
        }

        var hasIncoming = new HashSet<string>(StringComparer.Ordinal);
        var edges = new HashSet<(string, string)>();
        foreach (var connection in flowchart.Connections)
        {
            if (connection.From != connection.To && nodes.TryGetValue(connection.From, out var from)
                && nodes.TryGetValue(connection.To, out var to) && edges.Add((connection.From, connection.To)))
            {
                graph.Edges.Add(new Edge(from, to));
                hasIncoming.Add(connection.To);
            }
        }

        var root = nodes[order[0].Id];
        foreach (var node in order.Skip(1).Where(n => !hasIncoming.Contains(n.Id)))
        {
            graph.Edges.Add(new Edge(root, nodes[node.Id]));
        }

        var settings = new SugiyamaLayoutSettings { LayerSeparation = 40, NodeSeparation = 20 };
        settings.EdgeRoutingSettings.EdgeRoutingMode = EdgeRoutingMode.StraightLine;
        new LayeredLayout(graph, settings).Run();

        // One layer = one Y; the start's layer is at the top (MSAGL's Y grows upwards).
        var layerKeys = nodes.Values.Select(LayerKey).Distinct().OrderDescending().ToList();
        foreach (var (id, msagl) in nodes)
        {
            column[id] = layerKeys.IndexOf(LayerKey(msagl));
            rank[id] = msagl.Center.X;
        }

        return (column, rank);
    }

    // Layers share a centre Y up to rounding.
    private static long LayerKey(MsaglNode node) => (long)Math.Round(node.Center.Y, MidpointRounding.AwayFromZero);
}
