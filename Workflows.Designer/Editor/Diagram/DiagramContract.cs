using Workflows.Engine.Definitions;

namespace Workflows.Designer.Editor.Diagram;

// The boundary between the editor (C#, the one model every view renders from) and the flow canvas (one JS module).
// C# sends view models; the canvas sends back intents (what the user did), never a whole graph. Ids are stable:
// a node is its flowchart node id, an edge is EdgeIds.Of(connection), a port is the outcome it stands for.

/// <summary>How a node or an edge differs from the version it is compared with (the visual diff).</summary>
public enum DiffState
{
    None,
    Added,
    Removed,
    Changed,
}

/// <summary>Everything the canvas draws: department swimlanes, nodes and edges, in canvas units (pixels at zoom 1).</summary>
public sealed record DiagramView(IReadOnlyList<LaneView> Lanes, IReadOnlyList<NodeView> Nodes, IReadOnlyList<EdgeView> Edges)
{
    public static DiagramView Empty { get; } = new([], [], []);
}

/// <summary>One horizontal band per department (<see cref="Id"/> = department id; "" for nodes without one).</summary>
public sealed record LaneView(string Id, string Title, double Y, double Height, double Width);

/// <summary>
/// A node: <see cref="Kind"/> is the engine's logical type (Start, Step, Decision, Fork, Join, Wait, Timer, Notify,
/// SubProcess, End); <see cref="Detail"/> a short second line (e.g. "2 ngày làm việc"); <see cref="Problems"/> the
/// validation messages about it (drawn as a red mark with the messages as tooltip).
/// </summary>
public sealed record NodeView(
    string Id,
    string Kind,
    string Label,
    string Lane,
    double X,
    double Y,
    double Width,
    double Height,
    IReadOnlyList<PortView> Ports,
    IReadOnlyList<string> Problems,
    DiffState Diff = DiffState.None,
    string? Detail = null);

/// <summary>
/// An outgoing port: <see cref="Id"/> is the outcome (e.g. "approved") or <see cref="EdgeIds.DefaultPort"/>;
/// <see cref="Tooltip"/> explains it when the label alone does not (a decision's condition).
/// </summary>
public sealed record PortView(string Id, string Label, string? Tooltip = null);

public sealed record EdgeView(string Id, string Source, string SourcePort, string Target, string? Label, DiffState Diff = DiffState.None);

/// <summary>Stable edge ids: a connection is identified by where it leaves from (node and port) and where it goes.</summary>
public static class EdgeIds
{
    /// <summary>The port of a connection without an outcome.</summary>
    public const string DefaultPort = "default";

    public static string Of(Connection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        return $"{connection.From}:{connection.Outcome ?? DefaultPort}->{connection.To}";
    }

    public static string PortOf(Connection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        return connection.Outcome ?? DefaultPort;
    }

    /// <summary>The connection an edge id stands for, or null when <paramref name="id"/> is not an edge id.</summary>
    public static Connection? Parse(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        var arrow = id.LastIndexOf("->", StringComparison.Ordinal);
        var colon = arrow < 0 ? -1 : id.LastIndexOf(':', arrow);
        if (colon <= 0 || arrow + 2 >= id.Length)
        {
            return null;
        }

        var port = id[(colon + 1)..arrow];
        return new Connection(id[..colon], id[(arrow + 2)..], port == DefaultPort ? null : port);
    }
}

/// <summary>What the user did on the canvas; the editor turns each into a command on its model.</summary>
public abstract record DiagramIntent;

/// <summary>A node was dropped at a new position (sent once at the end of a drag, never while moving).</summary>
public sealed record NodeMoved(string Id, double X, double Y) : DiagramIntent;

/// <summary>The user dragged from <paramref name="SourcePort"/> of <paramref name="Source"/> to <paramref name="Target"/>.</summary>
public sealed record NodesConnected(string Source, string SourcePort, string Target) : DiagramIntent;

/// <summary>Delete pressed on a selection.</summary>
public sealed record ElementsRemoved(IReadOnlyList<string> NodeIds, IReadOnlyList<string> EdgeIds) : DiagramIntent;

/// <summary>A node kind dragged from the palette and dropped at a point, in the lane under it ("" outside every lane).</summary>
public sealed record NodeDropped(string Kind, double X, double Y, string Lane) : DiagramIntent;

public sealed record SelectionChanged(IReadOnlyList<string> NodeIds) : DiagramIntent;

/// <summary>Ctrl+V after Ctrl+C: copies of these nodes (and the connections among them), offset by the given distance.</summary>
public sealed record PasteRequested(IReadOnlyList<string> NodeIds, double OffsetX, double OffsetY) : DiagramIntent;

/// <summary>Ctrl+Z / Ctrl+Y (or Ctrl+Shift+Z) inside the canvas: undo and redo live in the editor's command stack.</summary>
public sealed record UndoRequested : DiagramIntent;

public sealed record RedoRequested : DiagramIntent;
