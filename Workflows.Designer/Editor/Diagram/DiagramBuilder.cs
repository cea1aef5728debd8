using System.Globalization;
using System.Resources;
using Workflows.Designer.Editor.Model;
using Workflows.Engine.Definitions;
using EngineNode = Workflows.Engine.Definitions.Node;

namespace Workflows.Designer.Editor.Diagram;

/// <summary>
/// Definition → diagram: the view model the canvas draws for a procedure (lanes, nodes by kind with their outcome ports,
/// edges with outcome labels), placed by <see cref="LaneLayout"/>, with validation problems and diff states marked.
/// Labels follow the current UI culture (Vietnamese unless English is chosen).
/// </summary>
public static class DiagramBuilder
{
    private static readonly ResourceManager Labels = new("Workflows.Designer.Editor.Diagram.DiagramLabels", typeof(DiagramBuilder).Assembly);

    public static DiagramView Build(
        ProcedureDefinition definition,
        IReadOnlyDictionary<string, string> departmentNames,
        IReadOnlyDictionary<string, IReadOnlyList<string>>? problemsByNode = null,
        IReadOnlyDictionary<string, DiffState>? nodeDiff = null,
        IReadOnlyDictionary<string, DiffState>? edgeDiff = null)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(departmentNames);
        var placement = LaneLayout.Compute(definition);

        var lanes = placement.Lanes
            .Select(l => new LaneView(l.Id, LaneTitle(l.Id, departmentNames), l.Y, l.Height, placement.Width))
            .ToList();

        var nodes = new List<NodeView>(definition.Flowchart.Nodes.Count);
        foreach (var node in LaneLayout.FlowOrder(definition.Flowchart))
        {
            var box = placement.Nodes[node.Id];
            nodes.Add(new NodeView(
                node.Id,
                node.Kind,
                LabelOf(node),
                box.Lane,
                box.X,
                box.Y,
                box.Width,
                box.Height,
                PortsOf(node, definition.Flowchart),
                problemsByNode?.GetValueOrDefault(node.Id) ?? [],
                nodeDiff?.GetValueOrDefault(node.Id) ?? DiffState.None,
                DetailOf(node)));
        }

        var byId = definition.Flowchart.Nodes.GroupBy(n => n.Id, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var edges = definition.Flowchart.Connections
            .Select(c => (Connection: c, Id: EdgeIds.Of(c)))
            .DistinctBy(e => e.Id, StringComparer.Ordinal)
            .Select(e => new EdgeView(
                e.Id,
                e.Connection.From,
                EdgeIds.PortOf(e.Connection),
                e.Connection.To,
                e.Connection.Outcome is { } outcome ? OutcomeLabel(byId.GetValueOrDefault(e.Connection.From), outcome) : null,
                edgeDiff?.GetValueOrDefault(e.Id) ?? DiffState.None))
            .ToList();

        return new DiagramView(lanes, nodes, edges);
    }

    /// <summary>The positions and lane order the "Sắp xếp tự động" button saves in the definition's <c>layout</c>.</summary>
    public static DefinitionLayout AutoLayout(ProcedureDefinition definition) => LaneLayout.AutoLayout(definition);

    /// <summary>The name of a node kind ("Step" → "Bước xử lý"), for the palette.</summary>
    public static string KindLabel(string kind) => Text("Kind." + kind) ?? kind;

    /// <summary>How an outcome reads on a port or an arrow: the well-known ones translated, others as named.</summary>
    public static string OutcomeLabel(string outcome) => Text("Outcome." + outcome) ?? outcome;

    /// <summary>
    /// How a node's outcome reads wherever a branch is shown (port, arrow, process table, problems): the name the
    /// designer gave it in the page's language, else the well-known outcome's translation ("approved" → "Đồng ý"),
    /// else its name in the other language, else the id.
    /// </summary>
    public static string OutcomeLabel(EngineNode? node, string outcome) =>
        OutcomeNames.InPageLanguage(node, outcome) ?? Text("Outcome." + outcome) ?? OutcomeNames.Any(node, outcome) ?? outcome;

    /// <summary>A time limit as the process table writes it: "3 ngày làm việc", "4 giờ làm việc", "30 ngày".</summary>
    public static string TimeText(TimeLimit limit)
    {
        ArgumentNullException.ThrowIfNull(limit);
        var value = limit.Value.ToString("0.##", NumberCulture);
        return Format("Time." + limit.Unit, value);
    }

    private static string LaneTitle(string id, IReadOnlyDictionary<string, string> names) =>
        id.Length == 0 ? Text("Lane.None") ?? "" : names.GetValueOrDefault(id) ?? id;

    private static string LabelOf(EngineNode node)
    {
        var english = CultureInfo.CurrentUICulture.TwoLetterISOLanguageName == "en";
        var name = english && !string.IsNullOrWhiteSpace(node.NameEn) ? node.NameEn : node.Name;
        return string.IsNullOrWhiteSpace(name) ? Text("Kind." + node.Kind) ?? node.Kind : name;
    }

    private static string? DetailOf(EngineNode node) => node switch
    {
        StepNode step => TimeText(step.AllottedTime),
        WaitNode wait => Format(wait.PausesClock ? "Detail.WaitPausesClock" : "Detail.Wait", wait.Signal),
        TimerNode timer => Format("Detail.Timer", TimeText(timer.Delay)),
        NotifyNode notify => Format("Detail.Notify", notify.Channel.ToUpperInvariant(), Text("Recipient." + notify.Recipient) ?? notify.Recipient),
        SubProcessNode sub => Format("Detail.SubProcess", sub.Procedure),
        JoinNode join => Text(join.Mode == JoinMode.All ? "Detail.JoinAll" : "Detail.JoinAny"),
        EndNode end => Text("End." + end.Result),
        _ => null,
    };

    private static List<PortView> PortsOf(EngineNode node, Flowchart flowchart) => node switch
    {
        DecisionNode decision => [.. decision.Outcomes.Select(o =>
            new PortView(o, OutcomeLabel(decision, o), Format("Detail.DecisionPort", OutcomeLabel(decision, o), o, decision.Expression)))],
        // A sub-process continues by default, or by the child's result (issued, refused...) when a connection names
        // one: a port for each result its connections use, so those edges have somewhere to leave from.
        SubProcessNode => [new PortView(EdgeIds.DefaultPort, ""), .. flowchart.Connections
            .Where(c => c.From == node.Id && c.Outcome is not null).Select(c => c.Outcome!).Distinct(StringComparer.Ordinal)
            .Select(o => new PortView(o, OutcomeLabel(o)))],
        _ => [.. node.Ports.Select(p => p is null ? new PortView(EdgeIds.DefaultPort, "") : new PortView(p, OutcomeLabel(node, p)))],
    };

    // Numbers as the reader writes them: "0,5 ngày" in Vietnamese, "0.5 days" in English.
    private static CultureInfo NumberCulture =>
        CultureInfo.CurrentUICulture.TwoLetterISOLanguageName == "en" ? CultureInfo.GetCultureInfo("en") : CultureInfo.GetCultureInfo("vi-VN");

    private static string? Text(string key) => Labels.GetString(key, CultureInfo.CurrentUICulture);

    private static string Format(string key, params object[] values) =>
        string.Format(NumberCulture, Text(key) ?? key, values);
}
