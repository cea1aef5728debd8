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
