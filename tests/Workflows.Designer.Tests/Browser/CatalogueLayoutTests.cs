using System.Text.Json;
using Microsoft.Playwright;
using Workflows.Designer.Tests.Support;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Workflows.Designer.Tests.Browser;

/// <summary>The procedure catalogue at the window sizes officers use: readable headings and columns, nothing wider than the window.</summary>
[Collection(PlatformTests.Name)]
public sealed class CatalogueLayoutTests(RunningPlatform platform, ITestOutputHelper output)
{
    // How the catalogue's table is laid out, read in the page. A text's lines are counted from the boxes the browser
    // gives each line of its text nodes (distinct tops), so the count does not depend on paddings or line heights.
    private const string Measure = """
        () => {
          const lines = (element) => {
            const tops = new Set();
            const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
            for (let node = walker.nextNode(); node; node = walker.nextNode()) {
              if (!node.textContent.trim()) continue;
              const range = document.createRange();
              range.selectNodeContents(node);
              for (const r of range.getClientRects()) if (r.width > 0) tops.add(Math.round(r.top));
            }
            return tops.size;
          };
          const grid = document.querySelector('[data-testid=catalogue-grid]');
          const container = grid.querySelector('.mud-table-container');
          const headers = [...grid.querySelectorAll('thead th')].map((th) => ({
            text: th.textContent.trim(), lines: lines(th), width: th.getBoundingClientRect().width,
            title: th.querySelector('abbr[title]')?.getAttribute('title') ?? null,
          }));
          const oneLine = (selector) => [...grid.querySelectorAll(selector)].filter((e) => lines(e) > 1).map((e) => e.textContent.trim());
          const names = [...grid.querySelectorAll('[data-testid=procedure-name]')];
          return JSON.stringify({
            windowWidth: window.innerWidth,
            pageWidth: document.documentElement.scrollWidth,
            tableOverflow: container.scrollWidth - container.clientWidth,
            headers,
            wrappedNumbers: [...oneLine('td.catalogue-code'), ...oneLine('td.catalogue-time'), ...oneLine('.catalogue-version'), ...oneLine('td.catalogue-changed')],
            nameWidth: Math.min(...names.map((n) => n.closest('td').getBoundingClientRect().width)),
            nameLines: Math.max(...names.map(lines)),
            overflowingCells: [...grid.querySelectorAll('tbody td')].filter((td) => td.scrollWidth > td.clientWidth + 1).map((td) => td.textContent.trim()),
          });
        }
        """;

    private sealed record Header(string Text, int Lines, double Width, string? Title);

    private sealed record Layout(
        double WindowWidth, double PageWidth, double TableOverflow, List<Header> Headers, List<string> WrappedNumbers,
        double NameWidth, int NameLines, List<string> OverflowingCells);

    [Theory]
    [InlineData(1366, 768)]
    [InlineData(1280, 720)]
    [InlineData(1920, 1080)]
    public async Task The_catalogue_reads_without_crushed_columns_or_sideways_scrolling(int width, int height)
    {
        await using var tab = await platform.OpenPageAsync($"{nameof(The_catalogue_reads_without_crushed_columns_or_sideways_scrolling)}-{width}");
        await tab.Page.SetViewportSizeAsync(width, height);
        await tab.SignInAsync("thiet.ke");
        await tab.OpenAsync("/thu-tuc");
        // The sample catalogue's first page (20 procedures), long names included.
        await Expect(tab.Page.GetByTestId("procedure-name")).ToHaveCountAsync(20);
        await tab.ScreenshotAsync($"35-danh-muc-{width}x{height}");

        var measured = await tab.Page.EvaluateAsync<string>(Measure);
        output.WriteLine(measured);
        var layout = JsonSerializer.Deserialize<Layout>(measured, JsonSerializerOptions.Web)!;

        Assert.True(layout.PageWidth <= layout.WindowWidth, $"The page is {layout.PageWidth} px wide in a {layout.WindowWidth} px window.");
        Assert.True(layout.TableOverflow <= 1, $"The table scrolls sideways by {layout.TableOverflow} px.");
        Assert.All(layout.Headers, h => Assert.True(h.Lines <= 2, $"The heading \"{h.Text}\" takes {h.Lines} lines ({h.Width:F0} px wide)."));
        Assert.Empty(layout.WrappedNumbers);
        Assert.Empty(layout.OverflowingCells);
        // The procedure's name has the widest column and wraps in it: the longest sample name (about 150 letters) on a
        // few lines, not a narrow ribbon.
        Assert.True(layout.NameWidth >= 220, $"The name column is {layout.NameWidth:F0} px wide.");
        Assert.All(layout.Headers.Where(h => h.Text != "Tên thủ tục"), h => Assert.True(h.Width < layout.NameWidth, $"\"{h.Text}\" ({h.Width:F0} px) is wider than the name ({layout.NameWidth:F0} px)."));
        Assert.True(layout.NameLines <= 6, $"A procedure's name takes {layout.NameLines} lines.");
        // A heading shortened to fit says its full text on hover (and to screen readers).
        var time = Assert.Single(layout.Headers, h => h.Title is not null && h.Title.StartsWith("Thời hạn cam kết", StringComparison.Ordinal));
        Assert.Equal("Thời hạn cam kết / luật định", time.Title);

        tab.Passed();
    }
}
