using Workflows.Designer.Editor.Diagram;
using Workflows.Engine.Definitions;

namespace Workflows.Designer.Tests.Editor;

public sealed class LaneLayoutTests
{
    public static TheoryData<string> Samples() => SampleProcedures.Files();

    [Theory]
    [MemberData(nameof(Samples))]
    public void Lanes_never_overlap_and_every_node_lies_inside_its_lanes_band(string file)
    {
        var definition = SampleProcedures.Load(file);

        var placement = LaneLayout.Compute(definition);

        AssertLanesStackWithoutOverlap(placement);
        AssertEveryNodeInsideItsBand(placement);
        var (_, laneOf) = LaneLayout.Lanes(definition);
        foreach (var step in definition.Flowchart.Nodes.OfType<StepNode>())
        {
            Assert.Equal(step.Department, placement.Nodes[step.Id].Lane);
        }

        Assert.Equal(definition.Flowchart.Nodes.Count, placement.Nodes.Count);
        Assert.All(placement.Nodes.Values, n => Assert.Equal(laneOf[n.Id], n.Lane));
    }

    [Theory]
    [MemberData(nameof(Samples))]
    public void Nodes_of_one_lane_never_overlap(string file)
    {
        var placement = LaneLayout.Compute(SampleProcedures.Load(file));

        var boxes = placement.Nodes.Values.OrderBy(n => n.Id, StringComparer.Ordinal).ToList();
        for (var i = 0; i < boxes.Count; i++)
        {
            for (var j = i + 1; j < boxes.Count; j++)
            {
                var (a, b) = (boxes[i], boxes[j]);
                var apart = a.X + a.Width <= b.X || b.X + b.Width <= a.X || a.Y + a.Height <= b.Y || b.Y + b.Height <= a.Y;
                Assert.True(apart, $"{a} overlaps {b}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Samples))]
    public void The_layout_is_deterministic(string file)
    {
        var first = LaneLayout.Compute(SampleProcedures.Load(file));
        var second = LaneLayout.Compute(SampleProcedures.Load(file));

        Assert.Equal(first.Lanes, second.Lanes);
        Assert.Equal(first.Width, second.Width);
        Assert.Equal(first.Nodes.OrderBy(n => n.Key, StringComparer.Ordinal), second.Nodes.OrderBy(n => n.Key, StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Samples))]
    public void Saved_positions_are_kept_and_the_auto_layout_round_trips(string file)
    {
        var definition = SampleProcedures.Load(file);
        var auto = LaneLayout.AutoLayout(definition);
        var moved = definition.Flowchart.Nodes.OfType<StepNode>().First();
        var band = LaneLayout.Compute(definition).Lanes.Single(l => l.Id == moved.Department);
        var saved = auto with
        {
            Nodes = new Dictionary<string, NodePosition>(auto.Nodes) { [moved.Id] = new NodePosition(1234, band.Y + 9) },
        };

        var placement = LaneLayout.Compute(definition with { Layout = saved });

        Assert.Equal((1234d, band.Y + 9), (placement.Nodes[moved.Id].X, placement.Nodes[moved.Id].Y));
        foreach (var (id, position) in auto.Nodes.Where(n => n.Key != moved.Id))
        {
            Assert.Equal((position.X, position.Y), (Math.Round(placement.Nodes[id].X), Math.Round(placement.Nodes[id].Y)));
        }

        AssertEveryNodeInsideItsBand(placement);
    }

    [Fact]
    public void A_saved_position_outside_its_lane_is_clamped_into_it()
    {
        var definition = SampleProcedures.Load("1.009994-cap-giay-phep-xay-dung-nha-o-rieng-le.json");
        var placement = LaneLayout.Compute(definition with
        {
            Layout = new DefinitionLayout { Nodes = new Dictionary<string, NodePosition> { ["intake"] = new(400, 5000), ["signing"] = new(-50, -300) } },
        });

        AssertEveryNodeInsideItsBand(placement);
        Assert.Equal("one-stop-desk", placement.Nodes["intake"].Lane);
        Assert.Equal(400, placement.Nodes["intake"].X);
        Assert.True(placement.Nodes["signing"].X >= LaneLayout.HeaderWidth);
    }

    [Fact]
    public void Lanes_follow_the_order_the_table_first_uses_departments_unless_the_layout_orders_them()
    {
        var definition = SampleProcedures.Load("1.009994-cap-giay-phep-xay-dung-nha-o-rieng-le.json");

        Assert.Equal(["one-stop-desk", "urban-management", "leadership"], LaneLayout.Lanes(definition).Lanes);

        var ordered = definition with { Layout = new DefinitionLayout { Lanes = ["leadership", "one-stop-desk"] } };
        Assert.Equal(["leadership", "one-stop-desk", "urban-management"], LaneLayout.Lanes(ordered).Lanes);
        Assert.Equal(["leadership", "one-stop-desk", "urban-management"], LaneLayout.Compute(ordered).Lanes.Select(l => l.Id));
    }

    [Fact]
    public void Nodes_without_a_department_take_the_lane_of_the_step_before_them()
    {
        var (_, laneOf) = LaneLayout.Lanes(SampleProcedures.Load("1.009994-cap-giay-phep-xay-dung-nha-o-rieng-le.json"));

        Assert.Equal("one-stop-desk", laneOf["start"]);
        Assert.Equal("one-stop-desk", laneOf["notifyReceived"]);
        Assert.Equal("one-stop-desk", laneOf["needsInspection"]);
        Assert.Equal("leadership", laneOf["notifyResult"]);
        Assert.Equal("one-stop-desk", laneOf["issued"]);
        Assert.Equal("urban-management", laneOf["notifyRefused"]);
    }

    [Fact]
    public void Columns_run_left_to_right_along_the_flow()
    {
        var placement = LaneLayout.Compute(SampleProcedures.Load("1.009994-cap-giay-phep-xay-dung-nha-o-rieng-le.json"));

        string[] path = ["start", "intake", "notifyReceived", "needsInspection", "siteInspection", "review", "officeApproval", "signing", "notifyResult", "returnResult", "issued"];
        for (var i = 1; i < path.Length; i++)
        {
            Assert.True(placement.Nodes[path[i - 1]].X < placement.Nodes[path[i]].X, $"{path[i - 1]} is left of {path[i]}");
        }
    }

    [Fact]
    public void A_band_grows_with_the_nodes_it_holds()
    {
        var flowchart = new Flowchart
        {
            Nodes =
            [
                new StartNode { Id = "start" },
                new ForkNode { Id = "fork" },
                .. Enumerable.Range(1, 4).Select(i => (Node)new StepNode { Id = $"s{i}", Department = "justice", AllottedTime = TimeLimit.Days(1) }),
                new JoinNode { Id = "join" },
                new EndNode { Id = "end" },
            ],
            Connections =
            [
                new Connection("start", "fork"),
                .. Enumerable.Range(1, 4).SelectMany(i => new[] { new Connection("fork", $"s{i}"), new Connection($"s{i}", "join", "approved") }),
                new Connection("join", "end"),
            ],
        };

        var placement = LaneLayout.Compute(Definition(flowchart));

        var band = Assert.Single(placement.Lanes);
        Assert.True(band.Height >= 4 * LaneLayout.SizeOf(flowchart.Nodes[2]).Height, $"band of {band.Height} holds four parallel steps");
        AssertEveryNodeInsideItsBand(placement);
    }

    internal static ProcedureDefinition Definition(Flowchart flowchart) => new()
    {
        Code = "9.000001",
        Name = "Thủ tục thử",
        LegalTimeLimit = TimeLimit.Days(10),
        CommittedTimeLimit = TimeLimit.Days(10),
        Flowchart = flowchart,
    };

    private static void AssertLanesStackWithoutOverlap(LanePlacement placement)
    {
        for (var i = 1; i < placement.Lanes.Count; i++)
        {
            Assert.True(placement.Lanes[i - 1].Y + placement.Lanes[i - 1].Height <= placement.Lanes[i].Y, $"{placement.Lanes[i - 1]} overlaps {placement.Lanes[i]}");
        }

        Assert.Equal(placement.Lanes.Count, placement.Lanes.Select(l => l.Id).Distinct().Count());
    }

    private static void AssertEveryNodeInsideItsBand(LanePlacement placement)
    {
        foreach (var node in placement.Nodes.Values)
        {
            var band = placement.Lanes.Single(l => l.Id == node.Lane);
            Assert.True(node.Y >= band.Y && node.Y + node.Height <= band.Y + band.Height, $"{node} inside {band}");
            Assert.True(node.X >= LaneLayout.HeaderWidth && node.X + node.Width <= placement.Width, $"{node} inside the width {placement.Width}");
        }
    }
}
