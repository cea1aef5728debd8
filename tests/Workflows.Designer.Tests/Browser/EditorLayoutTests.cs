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
}
