using System.Globalization;
using System.Text.Json;
using Microsoft.Playwright;
using Workflows.Designer.Tests.Support;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Workflows.Designer.Tests.Browser;

/// <summary>
/// How a diagram opens at 1366×768: a procedure of definitions/ shows every node, centred, at a readable zoom (never
/// enlarged past 100 %), in the read-only diagram and in the editor.
/// </summary>
[Collection(PlatformTests.Name)]
public sealed class DiagramFitTests(RunningPlatform platform, ITestOutputHelper output)
{
    /// <summary>The smallest scale the canvas opens at: below it a step's name is no longer readable.</summary>
    private const double MinReadableZoom = 0.5;

    // What the page shows of the canvas: the graph's box, the zoom of its stage and every node's box in the page.
    private const string Measure = """
        () => {
          const graph = document.querySelector('[data-testid=diagram] .wf-canvas-graph');
          const box = (e) => { const r = e.getBoundingClientRect(); return { x: r.x, y: r.y, width: r.width, height: r.height }; };
          const viewport = graph.querySelector('.x6-graph-svg-viewport');
          const nodes = [...graph.querySelectorAll('.x6-node[data-cell-id]')]
            .filter((n) => !n.dataset.cellId.startsWith('lane:'))
            .map((n) => ({ id: n.dataset.cellId, ...box(n) }));
          const drawing = [...graph.querySelectorAll('.x6-node[data-cell-id]')].map(box);
          return { canvas: box(graph), zoom: viewport.transform.baseVal.consolidate()?.matrix.a ?? 1, nodes, drawing };
        }
        """;

    [Theory]
    [InlineData("VD-CT-003", "so-do")]
    [InlineData("1.004873", "so-do")]
    [InlineData("VD-YT-001", "so-do")]
    [InlineData("VD-CT-003", "")]
    public async Task A_small_procedure_opens_with_every_node_in_view_centred_at_a_readable_zoom(string code, string page)
    {
        var name = $"{nameof(A_small_procedure_opens_with_every_node_in_view_centred_at_a_readable_zoom)}-{code}-{(page.Length == 0 ? "editor" : page)}";
        await using var tab = await platform.OpenPageAsync(name);
        await tab.SignInAsync("thiet.ke");
        await tab.OpenAsync(page.Length == 0 ? $"/thu-tuc/{code}" : $"/thu-tuc/{code}/{page}");

        var diagram = tab.Page.GetByTestId("diagram");
        await Expect(diagram).ToHaveAttributeAsync("data-nodes", new System.Text.RegularExpressions.Regex("^[1-9]"), new() { Timeout = 15_000 });
        var expected = int.Parse((await diagram.GetAttributeAsync("data-nodes"))!, CultureInfo.InvariantCulture);
        // Every node drawn, and the view settled (the fit is done when two measures in a row agree).
        await tab.Page.WaitForFunctionAsync($$"""
            () => {
              const graph = document.querySelector('[data-testid=diagram] .wf-canvas-graph');
              const count = [...graph.querySelectorAll('.x6-node[data-cell-id]')].filter((n) => !n.dataset.cellId.startsWith('lane:')).length;
              const viewport = graph.querySelector('.x6-graph-svg-viewport').getAttribute('transform');
              const settled = count === {{expected}} && window.__fitProbe === viewport;
              window.__fitProbe = viewport;
              return settled;
            }
            """, null, new() { PollingInterval = 100, Timeout = 15_000 });

        await diagram.ScrollIntoViewIfNeededAsync();
        var view = await tab.Page.EvaluateAsync<JsonElement>(Measure);
        var canvas = Box(view.GetProperty("canvas"));
        var zoom = view.GetProperty("zoom").GetDouble();
        var nodes = view.GetProperty("nodes").EnumerateArray().Select(n => (Id: n.GetProperty("id").GetString()!, Box: Box(n))).ToList();
        output.WriteLine($"{code} {page}: zoom {zoom:F2}, canvas {canvas}, {nodes.Count} nodes");
        await tab.ScreenshotAsync($"30-khop-{code}-{(page.Length == 0 ? "sua" : page)}");

        Assert.Equal(expected, nodes.Count);
        Assert.InRange(zoom, MinReadableZoom, 1.0);
        foreach (var (id, box) in nodes)
        {
            Assert.True(box.X >= canvas.X && box.Y >= canvas.Y && box.Right <= canvas.Right && box.Bottom <= canvas.Bottom,
                $"{id} ({box}) lies inside the visible canvas ({canvas}) at zoom {zoom:F2}");
        }

        // Centred: the room left of the drawing (lanes and nodes) and right of it differ by little (the same above and below).
        var drawing = view.GetProperty("drawing").EnumerateArray().Select(Box).ToList();
        var left = drawing.Min(b => b.X) - canvas.X;
        var right = canvas.Right - drawing.Max(b => b.Right);
        var top = drawing.Min(b => b.Y) - canvas.Y;
        var bottom = canvas.Bottom - drawing.Max(b => b.Bottom);
        Assert.True(Math.Abs(left - right) <= 40, $"the drawing is centred across the canvas (room left {left:F0}, right {right:F0})");
        Assert.True(Math.Abs(top - bottom) <= 40, $"the drawing is centred down the canvas (room above {top:F0}, below {bottom:F0})");
        tab.Passed();
    }

    [Fact]
    public async Task A_procedure_wider_than_the_editor_canvas_opens_at_a_readable_zoom_on_its_first_step()
    {
        await using var tab = await platform.OpenPageAsync(nameof(A_procedure_wider_than_the_editor_canvas_opens_at_a_readable_zoom_on_its_first_step));
        await tab.SignInAsync("thiet.ke");
        await tab.OpenAsync("/thu-tuc/1.009994");

        var diagram = tab.Page.GetByTestId("diagram");
        await Expect(diagram).ToHaveAttributeAsync("data-nodes", "13", new() { Timeout = 15_000 });
        var first = diagram.Locator(".wf-canvas-graph [data-cell-id='intake']");
        await Expect(first).ToBeVisibleAsync();
        await diagram.ScrollIntoViewIfNeededAsync();
        var view = await tab.Page.EvaluateAsync<JsonElement>(Measure);
        var canvas = Box(view.GetProperty("canvas"));
        var zoom = view.GetProperty("zoom").GetDouble();
        var nodes = view.GetProperty("nodes").EnumerateArray().ToDictionary(n => n.GetProperty("id").GetString()!, Box);
        await tab.ScreenshotAsync("31-khop-1.009994-sua");

        // 13 nodes do not fit the editor's canvas at a readable size: it opens at the smallest readable zoom, at the start.
        Assert.Equal(MinReadableZoom, zoom, 2);
        Assert.Contains(nodes.Values, n => n.Right > canvas.Right);
        foreach (var id in new[] { "start", "intake" }.Where(nodes.ContainsKey))
        {
            var box = nodes[id];
            Assert.True(box.X >= canvas.X && box.Y >= canvas.Y && box.Right <= canvas.Right && box.Bottom <= canvas.Bottom,
                $"{id} ({box}) lies inside the visible canvas ({canvas})");
        }

        Assert.True(nodes.ContainsKey("intake"), "the first step is drawn");
        tab.Passed();
    }

    private static Rect Box(JsonElement e) =>
        new(e.GetProperty("x").GetDouble(), e.GetProperty("y").GetDouble(), e.GetProperty("width").GetDouble(), e.GetProperty("height").GetDouble());

    private sealed record Rect(double X, double Y, double Width, double Height)
    {
        public double Right => X + Width;

        public double Bottom => Y + Height;

        public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{X:F0},{Y:F0} {Width:F0}×{Height:F0}");
    }
}
