using Workflows.Designer.Editor.Diagram;
using Workflows.Designer.Editor.Diff;
using Workflows.Engine.Definitions;

namespace Workflows.Designer.Tests.Editor;

public sealed class DiffDiagramTests
{
    private readonly ProcedureDefinition published = SampleProcedures.ByCode();

    [Fact]
    public void Every_removed_node_and_edge_is_drawn_as_removed_and_the_rest_as_in_the_newer_version()
    {
        // v2 drops the site inspection (its arrows go) and adds a legal check after the review.
        var check = new StepNode { Id = "legalCheck", Name = "Kiểm tra pháp lý", Department = "urban-management", AllottedTime = TimeLimit.Days(2) };
        var connections = published.Flowchart.Connections
            .Where(c => c.From != "siteInspection" && c.To != "siteInspection")
            .Append(new Connection("review", "legalCheck", "approved"));
        var newer = published with
        {
            Version = 2,
            Flowchart = new Flowchart { Nodes = [.. published.Flowchart.Nodes.Where(n => n.Id != "siteInspection"), check], Connections = [.. connections] },
        };
        var comparison = DefinitionComparison.Compare(published, newer);

        var (drawn, nodeDiff, edgeDiff) = DiffDiagram.Overlay(published, newer, comparison);
        var view = DiagramBuilder.Build(drawn, new Dictionary<string, string>(), nodeDiff: nodeDiff, edgeDiff: edgeDiff);

        var removedEdges = published.Flowchart.Connections.Where(c => c.From == "siteInspection" || c.To == "siteInspection").Select(EdgeIds.Of).ToList();
        Assert.NotEmpty(removedEdges);
        Assert.Equal(DiffState.Removed, view.Nodes.Single(n => n.Id == "siteInspection").Diff);
        Assert.All(removedEdges, id => Assert.Equal(DiffState.Removed, view.Edges.Single(e => e.Id == id).Diff));
        Assert.Equal(DiffState.Added, view.Nodes.Single(n => n.Id == "legalCheck").Diff);
        Assert.Equal(DiffState.Added, view.Edges.Single(e => e.Id == "review:approved->legalCheck").Diff);

        // Everything else is the newer version, unchanged: its nodes and edges, and its metadata.
        Assert.Equal(newer.Flowchart.Nodes.Select(n => n.Id).Append("siteInspection").Order(), view.Nodes.Select(n => n.Id).Order());
        Assert.Equal(newer.Flowchart.Connections.Select(EdgeIds.Of).Concat(removedEdges).Distinct().Order(), view.Edges.Select(e => e.Id).Order());
        Assert.All(view.Nodes.Where(n => n.Id is not ("siteInspection" or "legalCheck")), n => Assert.Equal(DiffState.None, n.Diff));
        Assert.Equal(newer with { Flowchart = drawn.Flowchart, Layout = drawn.Layout }, drawn);
    }

    [Fact]
    public void A_removed_node_keeps_the_place_the_older_version_saved_for_it()
    {
        var older = published with
        {
            Layout = new DefinitionLayout { Lanes = ["reception"], Nodes = new Dictionary<string, NodePosition> { ["siteInspection"] = new(700, 300), ["review"] = new(400, 300) } },
        };
        var newer = published with
        {
            Version = 2,
            Flowchart = published.Flowchart with { Nodes = [.. published.Flowchart.Nodes.Where(n => n.Id != "siteInspection")] },
            Layout = new DefinitionLayout { Lanes = [], Nodes = new Dictionary<string, NodePosition> { ["review"] = new(500, 300) } },
        };

        var (drawn, _, _) = DiffDiagram.Overlay(older, newer, DefinitionComparison.Compare(older, newer));

        Assert.Equal(new NodePosition(700, 300), drawn.Layout!.Nodes["siteInspection"]);
        Assert.Equal(new NodePosition(500, 300), drawn.Layout.Nodes["review"]);
        Assert.Equal(["reception"], drawn.Layout.Lanes);
    }

    [Fact]
    public void The_canvas_is_as_tall_as_the_lanes_within_its_bounds()
    {
        var oneLane = new DiagramView([new LaneView("reception", "Bộ phận Một cửa", 0, 150, 900)], [], []);
        var manyLanes = new DiagramView([new LaneView("a", "A", 0, 300, 900), new LaneView("b", "B", 300, 300, 900)], [], []);

        Assert.Equal("220px", DiffDiagram.CanvasHeight(DiagramView.Empty, 420));
        Assert.Equal("220px", DiffDiagram.CanvasHeight(oneLane, 420));
        Assert.Equal("420px", DiffDiagram.CanvasHeight(manyLanes, 420));
        Assert.Equal("340px", DiffDiagram.CanvasHeight(new DiagramView([new LaneView("a", "A", 0, 300, 900)], [], []), 420));
    }
}
