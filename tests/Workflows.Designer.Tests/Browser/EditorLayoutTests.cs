using System.Text.Json;
using Microsoft.Playwright;
using Workflows.Designer.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace Workflows.Designer.Tests.Browser;

/// <summary>The editor at 1366×768: the table shows its texts whole, the canvas shows what was just added.</summary>
[Collection(PlatformTests.Name)]
public sealed class EditorLayoutTests(RunningPlatform platform)
{
    // Whether an element lies wholly inside the visible box of the canvas (both in viewport coordinates, so scrolling the
    // page does not matter). Evaluated in the page and retried by WaitForFunction until it holds or times out.
    private const string InsideCanvas = """
        ([nodeSelector, canvasSelector]) => {
          const node = document.querySelector(nodeSelector);
          const canvas = document.querySelector(canvasSelector);
          if (!node || !canvas) return false;
          const n = node.getBoundingClientRect();
          const c = canvas.getBoundingClientRect();
          return n.width > 0 && n.left >= c.left && n.right <= c.right && n.top >= c.top && n.bottom <= c.bottom;
        }
        """;

    // Where the canvas and the step table's toggle lie in the window, read without scrolling anything.
    private const string OpeningView = """
        () => {
          const box = (e) => { const r = e.getBoundingClientRect(); return { top: r.top, bottom: r.bottom, left: r.left, right: r.right }; };
          const canvas = document.querySelector('[data-testid=diagram] .wf-canvas-graph');
          const bar = document.querySelector('.mud-appbar');
          const toggle = document.querySelector('[data-testid=steps-toggle]');
          const cells = [...canvas.querySelectorAll('[data-cell-id]')].map((e) => e.getBoundingClientRect()).filter((r) => r.width > 0);
          const c = canvas.getBoundingClientRect();
          return JSON.stringify({
            scrollY: window.scrollY,
            windowHeight: window.innerHeight,
            windowWidth: window.innerWidth,
            pageWidth: document.documentElement.scrollWidth,
            barBottom: bar.getBoundingClientRect().bottom,
            canvas: box(canvas),
            toggle: toggle ? box(toggle) : null,
            cellsInView: cells.filter((r) => r.left >= c.left && r.right <= c.right && r.top >= c.top && r.bottom <= c.bottom).length,
          });
        }
        """;

    private sealed record Box(double Top, double Bottom, double Left, double Right)
    {
        public double Height => Bottom - Top;

        public double Width => Right - Left;
    }

    private sealed record Opening(double ScrollY, double WindowHeight, double WindowWidth, double PageWidth, double BarBottom, Box Canvas, Box? Toggle, int CellsInView);

    [Theory]
    [InlineData(1366, 768, 360)]
    [InlineData(1280, 720, 300)]
    [InlineData(1920, 1080, 640)]
    public async Task Opening_a_procedure_shows_its_diagram_whole_in_the_window_with_the_step_table_below_it(int width, int height, int minimumCanvasHeight)
    {
        await using var tab = await platform.OpenPageAsync($"{nameof(Opening_a_procedure_shows_its_diagram_whole_in_the_window_with_the_step_table_below_it)}-{width}");
        var page = tab.Page;
        await page.SetViewportSizeAsync(width, height);
        await tab.SignInAsync("thiet.ke");
        // The longest sample: eleven steps, a name on two lines.
        await tab.OpenAsync("/thu-tuc/1.012758");
        var graph = page.GetByTestId("diagram").Locator(".wf-canvas-graph");
        // The first editor a fresh platform opens loads the canvas module too.
        await Expect(graph.Locator("[data-cell-id]").First).ToBeAttachedAsync(new() { Timeout = 15_000 });
        await Expect(page.GetByTestId("step-row")).ToHaveCountAsync(10);

        // What the designer sees on opening, before touching anything: the canvas whole between the app bar and the
        // window's bottom edge, tall enough to work in, with the drawn flow in it, and nothing wider than the window.
        var opening = JsonSerializer.Deserialize<Opening>(await page.EvaluateAsync<string>(OpeningView), JsonSerializerOptions.Web)!;
        Assert.Equal(0, opening.ScrollY);
        Assert.True(opening.Canvas.Top >= opening.BarBottom && opening.Canvas.Bottom <= opening.WindowHeight,
            $"The canvas lies at {opening.Canvas} in a {width}×{height} window under an app bar ending at {opening.BarBottom}.");
        Assert.True(opening.Canvas.Height >= minimumCanvasHeight, $"The canvas is {opening.Canvas.Height:F0} px high.");
        Assert.True(opening.Canvas.Width >= 540, $"The canvas is {opening.Canvas.Width:F0} px wide.");
        Assert.True(opening.CellsInView >= 5, $"{opening.CellsInView} drawn cells are in the canvas's view.");
        Assert.True(opening.PageWidth <= opening.WindowWidth, $"The page is {opening.PageWidth} px wide in a {opening.WindowWidth} px window.");

        // The step table is announced right under the diagram, and folds away and back.
        Assert.NotNull(opening.Toggle);
        Assert.True(opening.Toggle.Bottom <= opening.WindowHeight, $"The step table's toggle lies at {opening.Toggle} in a {height} px window.");
        var toggle = page.GetByTestId("steps-toggle");
        await Expect(toggle).ToContainTextAsync("Bảng quy trình nội bộ (10 bước)");
        await Expect(toggle).ToHaveAttributeAsync("aria-expanded", "true");
        await tab.ScreenshotAsync($"34-editor-mo-thu-tuc-{width}x{height}");

        await toggle.ClickAsync();
        await Expect(toggle).ToHaveAttributeAsync("aria-expanded", "false");
        await Expect(page.GetByTestId("step-row").First).ToBeHiddenAsync();
        await toggle.ClickAsync();
        await Expect(page.GetByTestId("step-row").First).ToBeVisibleAsync();

        tab.Passed();
    }

    [Fact]
    public async Task A_step_added_at_the_end_of_a_long_procedure_is_brought_into_view_on_the_canvas()
    {
        const string Code = "1.012758";
        await using var tab = await platform.OpenPageAsync(nameof(A_step_added_at_the_end_of_a_long_procedure_is_brought_into_view_on_the_canvas));
        await tab.SignInAsync("thiet.ke");
        using var host = platform.HostClient(RunningPlatform.DesignerKey);
        try
        {
            await tab.OpenAsync($"/thu-tuc/{Code}");
            var page = tab.Page;
            var rows = page.GetByTestId("step-row");
            const int before = 10;
            await Expect(rows).ToHaveCountAsync(before);
            var graph = page.GetByTestId("diagram").Locator(".wf-canvas-graph");
            await Expect(graph.Locator("[data-cell-id]").First).ToBeAttachedAsync();

            await page.GetByTestId("add-step").ClickAsync();
            await Expect(rows).ToHaveCountAsync(before + 1);
            var stepId = await rows.Last.GetAttributeAsync("data-node-id");
            Assert.Equal($"buoc-{before + 1}", stepId);

            // The new step is drawn at the end of the flow, past what the canvas first showed; the canvas pans to it.
            var node = graph.Locator($"[data-cell-id='{stepId}']");
            await Expect(node).ToBeAttachedAsync();
            await page.WaitForFunctionAsync(InsideCanvas, new[] { $"[data-testid=diagram] .wf-canvas-graph [data-cell-id='{stepId}']", "[data-testid=diagram] .wf-canvas-graph" },
                new PageWaitForFunctionOptions { Timeout = 10_000 });
            await page.GetByTestId("diagram").ScrollIntoViewIfNeededAsync();
            await tab.ScreenshotAsync("30-editor-buoc-moi-trong-so-do");

            tab.Passed();
        }
        finally
        {
            await host.DeleteAsync($"api/definitions/{Code}/draft");
        }
    }

    [Fact]
    public async Task Fit_after_zooming_out_gives_back_a_readable_diagram_centred_in_the_canvas()
    {
        await using var tab = await platform.OpenPageAsync(nameof(Fit_after_zooming_out_gives_back_a_readable_diagram_centred_in_the_canvas));
        await tab.SignInAsync("thiet.ke");
        await tab.OpenAsync("/thu-tuc/VD-CT-001");
        var page = tab.Page;
        var graph = page.GetByTestId("diagram").Locator(".wf-canvas-graph");
        await Expect(graph.Locator("[data-cell-id]").First).ToBeAttachedAsync();
        for (var i = 0; i < 6; i++)
        {
            await page.GetByTestId("diagram-zoom-out").ClickAsync();
        }

        await page.GetByTestId("diagram-fit").ClickAsync();

        // The lanes' band (all the content's height fits) sits in the middle of the canvas, and its left end is in view.
        await page.WaitForFunctionAsync("""
            () => {
              const canvas = document.querySelector('[data-testid=diagram] .wf-canvas-graph').getBoundingClientRect();
              const cells = [...document.querySelectorAll('[data-testid=diagram] .wf-canvas-graph [data-cell-id]')].map((e) => e.getBoundingClientRect());
              const top = Math.min(...cells.map((r) => r.top)), bottom = Math.max(...cells.map((r) => r.bottom));
              const left = Math.min(...cells.map((r) => r.left));
              return Math.abs((top + bottom) / 2 - (canvas.top + canvas.bottom) / 2) < 24 && left >= canvas.left && left < canvas.right;
            }
            """, null, new PageWaitForFunctionOptions { Timeout = 10_000 });
        await page.GetByTestId("diagram").ScrollIntoViewIfNeededAsync();
        await tab.ScreenshotAsync("32-editor-vua-khung");

        tab.Passed();
    }

    [Fact]
    public async Task The_process_table_shows_departments_time_units_and_outcomes_whole_at_1366_pixels()
    {
        await using var tab = await platform.OpenPageAsync(nameof(The_process_table_shows_departments_time_units_and_outcomes_whole_at_1366_pixels));
        await tab.SignInAsync("thiet.ke");
        await tab.OpenAsync("/thu-tuc/VD-CT-001");
        var page = tab.Page;
        var rows = page.GetByTestId("step-row");
        await Expect(rows).ToHaveCountAsync(3);

        // The chosen department's full name and the time unit are shown, not cut at the column's edge.
        var first = rows.First;
        var department = await first.GetByTestId("step-department").EvaluateAsync<string>("s => s.selectedOptions[0].text");
        Assert.StartsWith("Công an xã, phường", department);
        await Expect(first.GetByTestId("step-department-text")).ToHaveTextAsync(department);
        await Expect(first.GetByTestId("step-time-unit-text")).ToHaveTextAsync("ngày làm việc");
        var cut = await page.EvaluateAsync<string[]>("""
            () => [...document.querySelectorAll('[data-testid=step-department-text], [data-testid=step-time-unit-text], [data-testid=step-outcomes]')]
                .filter((e) => e.scrollWidth > e.clientWidth + 1 || e.scrollHeight > e.clientHeight + 1)
                .map((e) => `${e.dataset.testid}: ${e.value ?? e.textContent}`)
            """);
        Assert.Empty(cut);
        await tab.ScreenshotAsync("31-editor-bang-1366");

        tab.Passed();
    }
    // The minimap's box and the part of the drawn nodes' bounding box the canvas shows, in the window's coordinates
    // (a closed minimap has no box). Nodes are the flow's cells, not the lanes' bands behind them.
    private const string MinimapView = """
        () => {
          const graph = document.querySelector('[data-testid=diagram] .wf-canvas-graph');
          const minimap = document.querySelector('[data-testid=diagram-minimap]');
          const c = graph.getBoundingClientRect();
          const nodes = [...graph.querySelectorAll('.x6-node[data-cell-id]')].filter((n) => !n.dataset.cellId.startsWith('lane:')).map((n) => n.getBoundingClientRect());
          const m = minimap.getBoundingClientRect();
          return JSON.stringify({
            minimap: m.width > 0 ? { top: m.top, bottom: m.bottom, left: m.left, right: m.right } : null,
            nodes: {
              top: Math.max(c.top, Math.min(...nodes.map((r) => r.top))), bottom: Math.min(c.bottom, Math.max(...nodes.map((r) => r.bottom))),
              left: Math.max(c.left, Math.min(...nodes.map((r) => r.left))), right: Math.min(c.right, Math.max(...nodes.map((r) => r.right))),
            },
            pressed: document.querySelector('[data-testid=diagram-minimap-toggle]')?.getAttribute('aria-pressed') ?? null,
          });
        }
        """;

    private sealed record MinimapLayout(Box? Minimap, Box Nodes, string? Pressed)
    {
        public bool Covers => Minimap is { } m && m.Left < Nodes.Right && m.Right > Nodes.Left && m.Top < Nodes.Bottom && m.Bottom > Nodes.Top;
    }

    [Theory]
    [InlineData(1280, 720, "1.012758")]
    [InlineData(1280, 720, "VD-CT-001")]
    [InlineData(1366, 768, "1.009994")]
    [InlineData(1920, 1080, "VD-CT-001")]
    public async Task The_minimap_never_opens_over_the_diagram_and_its_button_shows_and_hides_it(int width, int height, string code)
    {
        await using var tab = await platform.OpenPageAsync($"{nameof(The_minimap_never_opens_over_the_diagram_and_its_button_shows_and_hides_it)}-{width}-{code}");
        var page = tab.Page;
        await page.SetViewportSizeAsync(width, height);
        await tab.SignInAsync("thiet.ke");
        await tab.OpenAsync($"/thu-tuc/{code}");
        var diagram = page.GetByTestId("diagram");
        await Expect(diagram).ToHaveAttributeAsync("data-nodes", new System.Text.RegularExpressions.Regex("^[1-9]"), new() { Timeout = 15_000 });
        var expected = (await diagram.GetAttributeAsync("data-nodes"))!;
        // Every node drawn and the view settled (two measures in a row agree).
        await page.WaitForFunctionAsync($$"""
            () => {
              const graph = document.querySelector('[data-testid=diagram] .wf-canvas-graph');
              const count = [...graph.querySelectorAll('.x6-node[data-cell-id]')].filter((n) => !n.dataset.cellId.startsWith('lane:')).length;
              const viewport = graph.querySelector('.x6-graph-svg-viewport').getAttribute('transform');
              const settled = String(count) === '{{expected}}' && window.__minimapProbe === viewport;
              window.__minimapProbe = viewport;
              return settled;
            }
            """, null, new() { PollingInterval = 100, Timeout = 15_000 });

        var opened = JsonSerializer.Deserialize<MinimapLayout>(await page.EvaluateAsync<string>(MinimapView), JsonSerializerOptions.Web)!;
        await tab.ScreenshotAsync($"36-editor-ban-do-thu-nho-{width}x{height}-{code}");
        Assert.False(opened.Covers, $"The minimap ({opened.Minimap}) covers drawn nodes ({opened.Nodes}).");
        Assert.Equal(opened.Minimap is null ? "false" : "true", opened.Pressed);
        if (width >= 1920)
        {
            // A small procedure in a large window leaves a corner free: the minimap is there on opening.
            Assert.NotNull(opened.Minimap);
        }

        // Its button shows it (to find one's way in a large diagram) and hides it again, whatever the opening chose.
        var toggle = page.GetByTestId("diagram-minimap-toggle");
        var minimap = page.GetByTestId("diagram-minimap");
        await toggle.ClickAsync();
        if (opened.Minimap is null)
        {
            await Expect(minimap).ToBeVisibleAsync();
            await Expect(toggle).ToHaveAttributeAsync("aria-pressed", "true");
            await toggle.ClickAsync();
        }

        await Expect(minimap).ToBeHiddenAsync();
        await Expect(toggle).ToHaveAttributeAsync("aria-pressed", "false");

        tab.Passed();
    }

    [Fact]
    public async Task The_step_tables_headings_stay_in_view_while_its_rows_scroll()
    {
        await using var tab = await platform.OpenPageAsync(nameof(The_step_tables_headings_stay_in_view_while_its_rows_scroll));
        var page = tab.Page;
        await tab.SignInAsync("thiet.ke");
        // The longest sample: ten steps, a table taller than the panel it scrolls in.
        await tab.OpenAsync("/thu-tuc/1.012758");
        await Expect(page.GetByTestId("step-row")).ToHaveCountAsync(10);

        // The designer scrolls the panel down to the last steps, as with the mouse wheel.
        await page.GetByTestId("step-row").Last.ScrollIntoViewIfNeededAsync();
        var view = await page.EvaluateAsync<JsonElement>("""
            () => {
              const heading = document.querySelector('[data-testid=process-table] thead th:nth-child(3)');
              const panel = heading.closest('.editor-panels');
              const h = heading.getBoundingClientRect();
              const p = panel.getBoundingClientRect();
              const first = document.querySelector('[data-testid=step-row]').getBoundingClientRect();
              // What the user sees at the heading's middle: the heading itself, not a row drawn over it.
              const seen = document.elementFromPoint(h.left + h.width / 2, h.top + h.height / 2);
              return { scrolled: panel.scrollTop, panelTop: p.top, headingTop: h.top, headingBottom: h.bottom, firstRowTop: first.top, seen: heading.contains(seen) };
            }
            """);
        await tab.ScreenshotAsync("37-editor-bang-tieu-de-co-dinh");

        var panelTop = view.GetProperty("panelTop").GetDouble();
        var headingTop = view.GetProperty("headingTop").GetDouble();
        Assert.True(view.GetProperty("scrolled").GetDouble() > 0, "The panel did not scroll.");
        Assert.True(view.GetProperty("firstRowTop").GetDouble() < panelTop, "The first step's row is still in view: the table was not scrolled past its top.");
        Assert.True(headingTop >= panelTop - 1 && headingTop <= panelTop + 2, $"The headings lie at {headingTop:F0}, the panel's top at {panelTop:F0}.");
        Assert.True(view.GetProperty("seen").GetBoolean(), "Something is drawn over the headings.");

        tab.Passed();
    }
}
