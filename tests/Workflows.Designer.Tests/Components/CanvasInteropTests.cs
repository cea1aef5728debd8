using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.JSInterop;
using MudBlazor.Services;
using Workflows.Designer.Editor.Diagram;

namespace Workflows.Designer.Tests.Components;

/// <summary>
/// The canvas interop when the user leaves a page before the canvas module has loaded (the designer benchmark found
/// it: leaving the editor quickly ended the circuit, and every later click of the tab went unanswered).
/// </summary>
public sealed class CanvasInteropTests : BunitContext, IAsyncLifetime
{
    public Task InitializeAsync() => Task.CompletedTask;

    // MudBlazor's popover service only disposes asynchronously.
    Task IAsyncLifetime.DisposeAsync() => base.DisposeAsync().AsTask();

    [Fact]
    public async Task Leaving_the_page_while_the_first_drawing_travels_fails_nothing()
    {
        Services.AddMudServices();
        Services.AddLocalization();
        JSInterop.Mode = JSRuntimeMode.Strict;
        JSInterop.SetupVoid(i => i.Identifier.StartsWith("mud", StringComparison.Ordinal)).SetVoidResult();
        var graph = JSInterop.SetupModule(CanvasInterop.ModulePath).SetupModule("create", _ => true);
        var drawing = graph.SetupVoid("render", _ => true);
        graph.SetupVoid("fit", _ => true).SetVoidResult();
        graph.SetupVoid("dispose", _ => true).SetVoidResult();
        var node = new NodeView("a", "Step", "Bước a", "desk", 200, 20, 210, 84, [new PortView("approved", "Đồng ý")], []);
        Render<DiagramCanvas>(p => p.Add(c => c.View, new DiagramView([new LaneView("desk", "Bộ phận Một cửa", 0, 130, 900)], [node], [])));

        // The user navigates away while the first patch is on its way; then the browser answers it.
        await DisposeComponentsAsync();
        drawing.SetVoidResult();
        for (var i = 0; i < 5; i++)
        {
            await Renderer.Dispatcher.InvokeAsync(() => { });
        }

        Assert.False(Renderer.UnhandledException.IsCompleted, "the renderer met an unhandled exception");
        Assert.Empty(graph.Invocations["fit"]);
    }

    [Fact]
    public async Task Leaving_a_diff_while_its_first_fit_travels_reveals_nothing_and_fails_nothing()
    {
        Services.AddMudServices();
        Services.AddLocalization();
        JSInterop.Mode = JSRuntimeMode.Strict;
        JSInterop.SetupVoid(i => i.Identifier.StartsWith("mud", StringComparison.Ordinal)).SetVoidResult();
        var graph = JSInterop.SetupModule(CanvasInterop.ModulePath).SetupModule("create", _ => true);
        // The first drawing carries the fit (see CanvasInterop.RenderAsync).
        var fitting = graph.SetupVoid("render", _ => true);
        graph.SetupVoid("revealNode", _ => true).SetVoidResult();
        graph.SetupVoid("dispose", _ => true).SetVoidResult();
        var added = new NodeView("a", "Step", "Bước a", "desk", 200, 20, 210, 84, [new PortView("approved", "Đồng ý")], [], DiffState.Added);
        Render<DiagramCanvas>(p => p.Add(c => c.View, new DiagramView([new LaneView("desk", "Bộ phận Một cửa", 0, 130, 900)], [added], [])));

        // The diff page is left while the first fit is on its way; then the browser answers it.
        await DisposeComponentsAsync();
        fitting.SetVoidResult();
        for (var i = 0; i < 5; i++)
        {
            await Renderer.Dispatcher.InvokeAsync(() => { });
        }

        Assert.False(Renderer.UnhandledException.IsCompleted, "the renderer met an unhandled exception");
        Assert.Empty(graph.Invocations["revealNode"]);
    }

    [Fact]
    public async Task Leaving_the_page_while_the_canvas_module_loads_creates_no_graph_and_does_not_fail()
    {
        var js = new SlowModuleRuntime();
        var canvas = new CanvasInterop(js);
        using var component = DotNetObjectReference.Create(new DiagramCanvas());
        var creating = canvas.CreateAsync(new object(), component, readOnly: true);

        // The user navigates away: the component disposes its canvas, then its callback; the module arrives after.
        await canvas.DisposeAsync();
        component.Dispose();
        js.Import.SetResult(js.Module);

        Assert.False(await creating);
        Assert.DoesNotContain("create", js.Module.Calls);
        Assert.True(js.Module.Disposed);
    }

    [Fact]
    public async Task A_canvas_whose_module_loaded_creates_its_graph_and_runs_what_was_queued()
    {
        var js = new SlowModuleRuntime();
        var canvas = new CanvasInterop(js);
        using var component = DotNetObjectReference.Create(new DiagramCanvas());
        var creating = canvas.CreateAsync(new object(), component, readOnly: false);
        await canvas.FitAsync();

        js.Import.SetResult(js.Module);

        Assert.True(await creating);
        Assert.Equal(["create"], js.Module.Calls);
        Assert.Equal(["fit"], js.Module.Graph.Calls);
    }

    /// <summary>A JS runtime whose module import completes when the test says so.</summary>
    private sealed class SlowModuleRuntime : IJSRuntime
    {
        public TaskCompletionSource<IJSObjectReference> Import { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public FakeModule Module { get; } = new();

        public async ValueTask<TValue> InvokeAsync<TValue>(string identifier, object?[]? args)
        {
            Assert.Equal("import", identifier);
            return (TValue)await Import.Task;
        }

        public ValueTask<TValue> InvokeAsync<TValue>(string identifier, CancellationToken cancellationToken, object?[]? args) => InvokeAsync<TValue>(identifier, args);
    }

    /// <summary>The module (and the graph it creates): records calls; reads callbacks as the real serializer does (a disposed one throws).</summary>
    private sealed class FakeModule : IJSObjectReference
    {
        private FakeModule? graph;

        public List<string> Calls { get; } = [];

        public bool Disposed { get; private set; }

        public FakeModule Graph => graph ?? throw new InvalidOperationException("No graph was created.");

        public ValueTask<TValue> InvokeAsync<TValue>(string identifier, object?[]? args)
        {
            foreach (var callback in (args ?? []).OfType<DotNetObjectReference<DiagramCanvas>>())
            {
                _ = callback.Value;
            }

            Calls.Add(identifier);
            if (identifier == "create")
            {
                graph = new FakeModule();
                return ValueTask.FromResult((TValue)(object)graph);
            }

            return ValueTask.FromResult(default(TValue)!);
        }

        public ValueTask<TValue> InvokeAsync<TValue>(string identifier, CancellationToken cancellationToken, object?[]? args) => InvokeAsync<TValue>(identifier, args);

        public ValueTask DisposeAsync()
        {
            Disposed = true;
            return ValueTask.CompletedTask;
        }
    }
}
