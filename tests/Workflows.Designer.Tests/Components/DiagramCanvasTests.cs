using System.Text.Json;
using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.JSInterop;
using MudBlazor.Services;
using Workflows.Designer.Editor.Diagram;

namespace Workflows.Designer.Tests.Components;

/// <summary>The canvas facade against a strict fake of the canvas module: only the calls set up here may happen.</summary>
public sealed class DiagramCanvasTests : BunitContext, IAsyncLifetime
{
    private readonly BunitJSModuleInterop graph;

    public DiagramCanvasTests()
    {
        Services.AddMudServices();
        Services.AddLocalization();
        JSInterop.Mode = JSRuntimeMode.Strict;
        // MudBlazor's own calls (tooltips' popovers) are not what these tests are about.
        JSInterop.SetupVoid(i => i.Identifier.StartsWith("mud", StringComparison.Ordinal)).SetVoidResult();
        var module = JSInterop.SetupModule(CanvasInterop.ModulePath);
        graph = module.SetupModule("create", _ => true);
        graph.SetupVoid("render", _ => true).SetVoidResult();
        graph.SetupVoid("fit", _ => true).SetVoidResult();
        graph.SetupVoid("zoom", _ => true).SetVoidResult();
        graph.SetupVoid("focusNode", _ => true).SetVoidResult();
        graph.SetupVoid("revealNode", _ => true).SetVoidResult();
        graph.SetupVoid("dispose", _ => true).SetVoidResult();
    }

    private static NodeView Node(string id, double x = 200, string lane = "desk", params string[] problems) =>
        new(id, "Step", "Bước " + id, lane, x, 20, 210, 84, [new PortView("approved", "Đồng ý")], problems, Detail: "1 ngày làm việc");

    private static readonly LaneView Desk = new("desk", "Bộ phận Một cửa", 0, 130, 900);

    private static DiagramView View(params NodeView[] nodes) =>
        new([Desk], nodes, nodes.Length > 1 ? [new EdgeView("a:approved->b", "a", "approved", "b", "Đồng ý")] : []);

    [Fact]
    public void The_first_render_creates_the_graph_draws_the_whole_view_and_fits_it_in_the_same_call()
    {
        var canvas = Render<DiagramCanvas>(p => p.Add(c => c.View, View(Node("a"), Node("b", 500))).Add(c => c.ReadOnly, true));

        var create = Assert.Single(JSInterop.Invocations, i => i.Identifier == "create");
        Assert.Equal("""{"readOnly":true}""", create.Arguments[2]);
        var patch = Patches().Single();
        Assert.Equal(["desk"], patch.GetProperty("lanes").EnumerateArray().Select(l => l.GetProperty("id").GetString()));
        Assert.Equal(["a", "b"], Ids(patch, "nodes"));
        Assert.Equal(["a:approved->b"], Ids(patch, "edges"));
        // Fitted by the canvas in the same call as the drawing: no second round trip that would move what is drawn.
        Assert.Equal(true, Assert.Single(graph.Invocations["render"]).Arguments[1]);
        Assert.Empty(graph.Invocations["fit"]);
        Assert.Empty(canvas.FindAll("[data-palette-kind]"));
    }

    [Fact]
    public void A_new_view_sends_only_the_ids_that_changed()
    {
        var canvas = Render<DiagramCanvas>(p => p.Add(c => c.View, View(Node("a"), Node("b", 500))));

        canvas.Render(p => p.Add(c => c.View, new DiagramView([Desk], [Node("a"), Node("b", 640), Node("c", 900)], [])));

        var patch = Patches().Last();
        Assert.False(patch.TryGetProperty("lanes", out _), "unchanged lanes are not sent again");
        Assert.Equal(["b", "c"], Ids(patch, "nodes"));
        Assert.Equal(false, graph.Invocations["render"][^1].Arguments[1]);
        Assert.Equal(["a:approved->b"], patch.GetProperty("removedEdges").EnumerateArray().Select(e => e.GetString()!));
        Assert.Empty(patch.GetProperty("removedNodes").EnumerateArray());

        // An equal view (new instances, same values) sends nothing.
        canvas.Render(p => p.Add(c => c.View, new DiagramView([Desk with { }], [Node("a"), Node("b", 640), Node("c", 900)], [])));
        Assert.Equal(2, graph.Invocations["render"].Count);

        // A problem on one node sends that node only.
        canvas.Render(p => p.Add(c => c.View, new DiagramView([Desk], [Node("a", problems: "Thiếu đơn vị"), Node("b", 640), Node("c", 900)], [])));
        Assert.Equal(["a"], Ids(Patches().Last(), "nodes"));
    }

    [Fact]
    public void A_node_the_view_gains_is_brought_into_view_and_nothing_moves_the_view_otherwise()
    {
        var canvas = Render<DiagramCanvas>(p => p.Add(c => c.View, View(Node("a"), Node("b", 500))));
        Assert.Empty(graph.Invocations["revealNode"]);

        canvas.Render(p => p.Add(c => c.View, new DiagramView([Desk], [Node("a"), Node("b", 500), Node("c", 2400)], [])));
        Assert.Equal("c", Assert.Single(graph.Invocations["revealNode"]).Arguments[0]);

        // A change to nodes it already has (a problem, a move) does not pan the view.
        canvas.Render(p => p.Add(c => c.View, new DiagramView([Desk], [Node("a", problems: "Thiếu đơn vị"), Node("b", 640), Node("c", 2400)], [])));
        Assert.Single(graph.Invocations["revealNode"]);
    }

    [Fact]
    public void A_diff_opens_on_its_first_added_or_changed_node()
    {
        Render<DiagramCanvas>(p => p.Add(c => c.ReadOnly, true).Add(c => c.View, new DiagramView([Desk],
            [Node("a"), Node("b", 500), Node("late", 3000) with { Diff = DiffState.Changed }, Node("new", 2600) with { Diff = DiffState.Added }], [])));

        Assert.Equal(true, Assert.Single(graph.Invocations["render"]).Arguments[1]);
        Assert.Equal("new", Assert.Single(graph.Invocations["revealNode"]).Arguments[0]);
    }

    [Fact]
    public async Task An_intent_from_the_canvas_becomes_its_record()
    {
        var received = new List<DiagramIntent>();
        var canvas = Render<DiagramCanvas>(p => p.Add(c => c.View, View(Node("a"), Node("b", 500))).Add(c => c.OnIntent, (DiagramIntent i) => received.Add(i)));
        var callback = (DotNetObjectReference<DiagramCanvas>)JSInterop.Invocations.Single(i => i.Identifier == "create").Arguments[1]!;

        await canvas.InvokeAsync(() => callback.Value.ReceiveIntentAsync("""{"type":"NodesConnected","source":"a","sourcePort":"approved","target":"b"}"""));
        await canvas.InvokeAsync(() => callback.Value.ReceiveIntentAsync("""{"type":"ElementsRemoved","nodeIds":["b"],"edgeIds":["a:approved->b"]}"""));
        await canvas.InvokeAsync(() => callback.Value.ReceiveIntentAsync("""{"type":"NodeDropped","kind":"Decision","x":310,"y":40,"lane":"desk"}"""));
        await canvas.InvokeAsync(() => callback.Value.ReceiveIntentAsync("""{"type":"PasteRequested","nodeIds":["a"],"offsetX":30,"offsetY":30}"""));
        await canvas.InvokeAsync(() => callback.Value.ReceiveIntentAsync("""{"type":"UndoRequested"}"""));

        Assert.Equal(new NodesConnected("a", "approved", "b"), received[0]);
        var removed = Assert.IsType<ElementsRemoved>(received[1]);
        Assert.Equal(["b"], removed.NodeIds);
        Assert.Equal(["a:approved->b"], removed.EdgeIds);
        Assert.Equal(new NodeDropped("Decision", 310, 40, "desk"), received[2]);
        Assert.Equal(["a"], Assert.IsType<PasteRequested>(received[3]).NodeIds);
        Assert.IsType<UndoRequested>(received[4]);
        await Assert.ThrowsAsync<JsonException>(() => canvas.InvokeAsync(() => callback.Value.ReceiveIntentAsync("""{"type":"Teleported"}""")));
    }

    [Fact]
    public async Task A_move_the_editor_does_not_take_is_drawn_back_where_the_model_keeps_the_node()
    {
        var canvas = Render<DiagramCanvas>(p => p.Add(c => c.View, View(Node("a"), Node("b", 500))).Add(c => c.OnIntent, (DiagramIntent _) => { }));
        var callback = (DotNetObjectReference<DiagramCanvas>)JSInterop.Invocations.Single(i => i.Identifier == "create").Arguments[1]!;

        await canvas.InvokeAsync(() => callback.Value.ReceiveIntentAsync("""{"type":"NodeMoved","id":"a","x":260,"y":35}"""));
        canvas.Render(p => p.Add(c => c.View, View(Node("a"), Node("b", 500))));

        var node = Assert.Single(Patches().Last().GetProperty("nodes").EnumerateArray());
        Assert.Equal(("a", 200d), (node.GetProperty("id").GetString(), node.GetProperty("x").GetDouble()));
    }

    [Fact]
    public async Task View_commands_reach_the_graph_and_the_palette_offers_every_kind_when_editable()
    {
        var canvas = Render<DiagramCanvas>(p => p.Add(c => c.View, View(Node("a"))));

        await canvas.InvokeAsync(() => canvas.Instance.ZoomAsync(1.2));
        await canvas.InvokeAsync(() => canvas.Instance.FocusNodeAsync("a"));

        Assert.Equal(1.2, graph.Invocations["zoom"].Single().Arguments[0]);
        Assert.Equal("a", graph.Invocations["focusNode"].Single().Arguments[0]);
        Assert.Equal(DiagramCanvas.PaletteKinds, canvas.FindAll("[data-palette-kind]").Select(b => b.GetAttribute("data-palette-kind")));
    }

    [Fact]
    public async Task Disposing_disposes_the_graph()
    {
        Render<DiagramCanvas>(p => p.Add(c => c.View, View(Node("a"))));

        await DisposeComponentsAsync();

        Assert.Single(graph.Invocations["dispose"]);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    // MudBlazor's popover service only disposes asynchronously.
    Task IAsyncLifetime.DisposeAsync() => base.DisposeAsync().AsTask();

    private List<JsonElement> Patches() =>
        [.. graph.Invocations["render"].Select(i => JsonDocument.Parse((string)i.Arguments[0]!).RootElement)];

    private static string[] Ids(JsonElement patch, string member) =>
        [.. patch.GetProperty(member).EnumerateArray().Select(n => n.GetProperty("id").GetString()!)];
}
