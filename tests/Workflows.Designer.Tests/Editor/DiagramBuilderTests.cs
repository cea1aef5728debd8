using System.Globalization;
using Workflows.Designer.Editor.Diagram;
using Workflows.Engine.Definitions;

namespace Workflows.Designer.Tests.Editor;

public sealed class DiagramBuilderTests : IDisposable
{
    private readonly CultureInfo culture = CultureInfo.CurrentUICulture;

    private static readonly Dictionary<string, string> Names = new()
    {
        ["one-stop-desk"] = "Bộ phận Một cửa",
        ["justice"] = "Sở Tư pháp",
    };

    public DiagramBuilderTests() => CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo("vi-VN");

    public void Dispose() => CultureInfo.CurrentUICulture = culture;

    private static readonly Flowchart EveryKind = new()
    {
        Nodes =
        [
            new StartNode { Id = "start", Name = "Nộp hồ sơ" },
            new StepNode { Id = "intake", Name = "Tiếp nhận", Department = "one-stop-desk", AllottedTime = TimeLimit.Days(0.5m), Outcomes = ["approved", "needsSupplement"] },
            new DecisionNode { Id = "big", Name = "Diện tích lớn?", Expression = "data.floorArea > 250" },
            new ForkNode { Id = "fork" },
            new StepNode { Id = "appraise", Name = "Thẩm định", Department = "justice", AllottedTime = TimeLimit.Hours(4), Outcomes = ["approved", "rejected", "returnToPrevious"] },
            new SubProcessNode { Id = "birth", Name = "Đăng ký khai sinh", Procedure = "1.001193" },
            new JoinNode { Id = "join", Mode = JoinMode.All },
            new WaitNode { Id = "tax", Name = "Chờ nộp thuế", Signal = "taxPaid", PausesClock = true },
            new TimerNode { Id = "cool", Delay = TimeLimit.Days(2) },
            new NotifyNode { Id = "sms", Name = "Nhắn tin", Template = "sms-tra-ket-qua", Channel = "sms" },
            new EndNode { Id = "issued", Name = "Đã cấp", Result = EndResult.Issued },
        ],
        Connections =
        [
            new Connection("start", "intake"),
            new Connection("intake", "big", "approved"),
            new Connection("big", "fork", "true"),
            new Connection("big", "tax", "false"),
            new Connection("fork", "appraise"),
            new Connection("fork", "birth"),
            new Connection("appraise", "join", "approved"),
            new Connection("birth", "join"),
            new Connection("join", "tax"),
            new Connection("tax", "cool"),
            new Connection("cool", "sms"),
            new Connection("sms", "issued"),
        ],
    };

    [Fact]
    public void Every_node_kind_maps_to_a_node_view_with_its_ports_lane_and_detail()
    {
        var view = DiagramBuilder.Build(LaneLayoutTests.Definition(EveryKind), Names);

        var nodes = view.Nodes.ToDictionary(n => n.Id);
        Assert.Equal(EveryKind.Nodes.Select(n => n.Kind).Order(), view.Nodes.Select(n => n.Kind).Order());
        Assert.Equal(EveryKind.Nodes.Select(n => n.Kind).Distinct().Order(), DiagramCanvas.PaletteKinds.Order());

        Assert.Equal([("approved", "Đồng ý"), ("needsSupplement", "Yêu cầu bổ sung")], nodes["intake"].Ports.Select(p => (p.Id, p.Label)));
        Assert.Equal("0,5 ngày làm việc", nodes["intake"].Detail);
        Assert.Equal("4 giờ làm việc", nodes["appraise"].Detail);
        Assert.Equal(["approved", "rejected", "returnToPrevious"], nodes["appraise"].Ports.Select(p => p.Id));
        Assert.Equal("Trả lại bước trước", nodes["appraise"].Ports[2].Label);

        Assert.Equal(["true", "false"], nodes["big"].Ports.Select(p => p.Id));
        Assert.All(nodes["big"].Ports, p => Assert.Contains("data.floorArea > 250", p.Tooltip));

        Assert.Equal([EdgeIds.DefaultPort], nodes["start"].Ports.Select(p => p.Id));
        Assert.Equal([EdgeIds.DefaultPort], nodes["fork"].Ports.Select(p => p.Id));
        Assert.Empty(nodes["issued"].Ports);

        Assert.Equal("Chờ: taxPaid (dừng tính thời gian)", nodes["tax"].Detail);
        Assert.Equal("Sau 2 ngày làm việc", nodes["cool"].Detail);
        Assert.Equal("SMS → người nộp hồ sơ", nodes["sms"].Detail);
        Assert.Equal("Thủ tục 1.001193", nodes["birth"].Detail);
        Assert.Equal("Chờ đủ các nhánh", nodes["join"].Detail);
        Assert.Equal("Hẹn giờ", nodes["cool"].Label);
        Assert.Equal("Song song", nodes["fork"].Label);

        // Lanes: the departments in the table's order, titled by name; nodes without one follow the step before them.
        Assert.Equal([("one-stop-desk", "Bộ phận Một cửa"), ("justice", "Sở Tư pháp")], view.Lanes.Select(l => (l.Id, l.Title)));
        Assert.Equal("one-stop-desk", nodes["start"].Lane);
        Assert.Equal("one-stop-desk", nodes["big"].Lane);
        Assert.Equal("justice", nodes["appraise"].Lane);
        Assert.Equal("justice", nodes["join"].Lane);
    }

    [Fact]
    public void Edges_have_stable_ids_ports_and_outcome_labels()
    {
        var view = DiagramBuilder.Build(LaneLayoutTests.Definition(EveryKind), Names);

        Assert.Equal(EveryKind.Connections.Select(EdgeIds.Of), view.Edges.Select(e => e.Id));
        var approved = view.Edges.Single(e => e.Id == "intake:approved->big");
        Assert.Equal(("intake", "approved", "big", "Đồng ý"), (approved.Source, approved.SourcePort, approved.Target, approved.Label));
        var plain = view.Edges.Single(e => e.Id == "start:default->intake");
        Assert.Equal((EdgeIds.DefaultPort, (string?)null), (plain.SourcePort, plain.Label));
    }

    [Fact]
    public void Problems_and_diff_states_are_marked_on_their_nodes_and_edges()
    {
        var view = DiagramBuilder.Build(
            LaneLayoutTests.Definition(EveryKind),
            Names,
            new Dictionary<string, IReadOnlyList<string>> { ["appraise"] = ["Bước chưa có đơn vị thực hiện."] },
            new Dictionary<string, DiffState> { ["tax"] = DiffState.Added, ["intake"] = DiffState.Changed },
            new Dictionary<string, DiffState> { ["join:default->tax"] = DiffState.Added });

        var nodes = view.Nodes.ToDictionary(n => n.Id);
        Assert.Equal(["Bước chưa có đơn vị thực hiện."], nodes["appraise"].Problems);
        Assert.Empty(nodes["intake"].Problems);
        Assert.Equal(DiffState.Added, nodes["tax"].Diff);
        Assert.Equal(DiffState.Changed, nodes["intake"].Diff);
        Assert.Equal(DiffState.None, nodes["start"].Diff);
        Assert.Equal(DiffState.Added, view.Edges.Single(e => e.Id == "join:default->tax").Diff);
    }

    [Fact]
    public void A_department_without_a_name_keeps_its_id_and_English_labels_follow_the_switch()
    {
        CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo("en");

        var view = DiagramBuilder.Build(LaneLayoutTests.Definition(EveryKind), new Dictionary<string, string>());

        Assert.Equal(["one-stop-desk", "justice"], view.Lanes.Select(l => l.Title));
        var intake = view.Nodes.Single(n => n.Id == "intake");
        Assert.Equal("0.5 working days", intake.Detail);
        Assert.Equal("Approved", intake.Ports[0].Label);
    }

    [Theory]
    [MemberData(nameof(LaneLayoutTests.Samples), MemberType = typeof(LaneLayoutTests))]
    public void Every_sample_maps_every_node_and_connection_inside_its_lane(string file)
    {
        var definition = SampleProcedures.Load(file);

        var view = DiagramBuilder.Build(definition, Names);

        Assert.Equal(definition.Flowchart.Nodes.Select(n => n.Id).Order(), view.Nodes.Select(n => n.Id).Order());
        Assert.Equal(definition.Flowchart.Connections.Count, view.Edges.Count);
        foreach (var node in view.Nodes)
        {
            var lane = view.Lanes.Single(l => l.Id == node.Lane);
            Assert.InRange(node.Y, lane.Y, lane.Y + lane.Height - node.Height);
            Assert.All(view.Edges.Where(e => e.Source == node.Id), e => Assert.Contains(node.Ports, p => p.Id == e.SourcePort));
        }
    }

    [Theory]
    [InlineData("a", "b", null, "a:default->b")]
    [InlineData("review", "officeApproval", "approved", "review:approved->officeApproval")]
    [InlineData("step:1", "step->2", "needsSupplement", "step:1:needsSupplement->step->2")]
    public void Edge_ids_round_trip(string from, string to, string? outcome, string id)
    {
        var connection = new Connection(from, to, outcome);

        Assert.Equal(id, EdgeIds.Of(connection));
        if (!to.Contains("->", StringComparison.Ordinal))
        {
            Assert.Equal(connection, EdgeIds.Parse(id));
        }
    }

    [Fact]
    public void Edge_ids_of_every_sample_connection_round_trip()
    {
        foreach (var file in SampleProcedures.Files())
        {
            foreach (var connection in SampleProcedures.Load(file).Flowchart.Connections)
            {
                Assert.Equal(connection, EdgeIds.Parse(EdgeIds.Of(connection)));
            }
        }
    }

    [Fact]
    public void A_decision_branch_reads_as_the_designer_named_it_in_the_page_language_and_by_its_id_only_without_a_name()
    {
        var definition = SampleProcedures.ByCode("1.009994");

        var view = DiagramBuilder.Build(definition, Names);

        Assert.Equal("Trên 250 m²: kiểm tra hiện trạng", view.Edges.Single(e => e.Source == "needsInspection" && e.SourcePort == "inspection").Label);
        Assert.Equal(["Trên 250 m²: kiểm tra hiện trạng", "Từ 250 m² trở xuống: không kiểm tra"],
            view.Nodes.Single(n => n.Id == "needsInspection").Ports.Select(p => p.Label));
        Assert.DoesNotContain(view.Edges, e => e.Label == "inspection");

        CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo("en");
        var english = DiagramBuilder.Build(definition, Names);
        Assert.Equal("Above 250 m²: site inspection", english.Edges.Single(e => e.Source == "needsInspection" && e.SourcePort == "inspection").Label);

        // Without an English name the Vietnamese one is shown; without any name, the id; a well-known outcome is translated.
        var decision = definition.Flowchart.Nodes.OfType<DecisionNode>().Single(d => d.Id == "needsInspection");
        var vietnameseOnly = With(definition, decision with { OutcomeNamesEn = null });
        Assert.Equal("Trên 250 m²: kiểm tra hiện trạng", DiagramBuilder.Build(vietnameseOnly, Names).Edges.Single(e => e.SourcePort == "inspection").Label);
        CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo("vi-VN");
        var unnamed = DiagramBuilder.Build(With(definition, decision with { OutcomeNames = null, OutcomeNamesEn = null }), Names);
        Assert.Equal("inspection", unnamed.Edges.Single(e => e.SourcePort == "inspection").Label);
        Assert.Contains(unnamed.Edges, e => e.Label == "Đồng ý");
    }

    private static ProcedureDefinition With(ProcedureDefinition definition, Node node) => definition with
    {
        Flowchart = definition.Flowchart with { Nodes = [.. definition.Flowchart.Nodes.Select(n => n.Id == node.Id ? node : n)] },
    };
}
