using System.Diagnostics;
using Microsoft.Playwright;
using Workflows.Designer.Tests.Support;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Workflows.Designer.Tests.Browser;

[Collection(PlatformTests.Name)]
public sealed class ProcedureDiagramTests(RunningPlatform platform, ITestOutputHelper output)
{
    [Fact]
    public async Task Read_only_diagram_shows_one_lane_per_department_with_its_steps_inside()
    {
        await using var tab = await platform.OpenPageAsync(nameof(Read_only_diagram_shows_one_lane_per_department_with_its_steps_inside));
        await tab.SignInAsync("thiet.ke");
        var clock = Stopwatch.StartNew();
        await tab.OpenAsync("/thu-tuc/1.009994/so-do");

        // Usable: every node of the procedure drawn (13 in the sample).
        await Expect(tab.Page.GetByTestId("diagram")).ToHaveAttributeAsync("data-nodes", "13", new() { Timeout = 15_000 });
        // The drawing itself (the minimap draws a copy of every cell too).
        var diagram = tab.Page.GetByTestId("diagram").Locator(".wf-canvas-graph");
        output.WriteLine($"Time to first usable diagram of 1.009994 (navigation to every node drawn): {clock.ElapsedMilliseconds} ms");

        await Expect(tab.Page.GetByRole(AriaRole.Heading, new() { Name = "Cấp giấy phép xây dựng mới đối với nhà ở riêng lẻ" })).ToBeVisibleAsync();

        // One lane per department the steps use, in the order the table first uses them, titled in Vietnamese.
        string[] departments = ["one-stop-desk", "urban-management", "leadership"];
        var lanes = diagram.Locator("[data-cell-id^='lane:']");
        await Expect(lanes).ToHaveCountAsync(departments.Length);
        string[] titles =
        [
            "Bộ phận Một cửa (Trung tâm Phục vụ hành chính công tỉnh)",
            "Phòng Quản lý đô thị và hạ tầng kỹ thuật (Sở Xây dựng)",
            "Lãnh đạo (Ủy ban nhân dân tỉnh, lãnh đạo Sở)",
        ];
        var bands = new List<LayoutBox>();
        for (var i = 0; i < departments.Length; i++)
        {
            var lane = diagram.Locator($"[data-cell-id='lane:{departments[i]}']");
            await Expect(lane.Locator("title")).ToHaveTextAsync(titles[i]);
            await Expect(lane.Locator("text").First).ToBeVisibleAsync();
            bands.Add(await BoxAsync(lane));
        }

        Assert.True(bands[0].Y < bands[1].Y && bands[1].Y < bands[2].Y, "lanes are drawn top to bottom in the table's order");

        // Each step lies inside its department's band.
        (string Step, int Lane)[] steps = [("intake", 0), ("siteInspection", 1), ("review", 1), ("officeApproval", 1), ("signing", 2), ("returnResult", 0)];
        foreach (var (step, lane) in steps)
        {
            var node = diagram.Locator($"[data-cell-id='{step}']");
            await Expect(node).ToBeVisibleAsync();
            var box = await BoxAsync(node);
            Assert.True(box.Y >= bands[lane].Y && box.Y + box.Height <= bands[lane].Y + bands[lane].Height,
                $"{step} ({box}) lies inside the band of {departments[lane]} ({bands[lane]})");
        }

        await Expect(diagram.Locator("[data-cell-id='review'] text").First).ToContainTextAsync("Thẩm định");
        // The decision's branches read as the process designer named them, not by their ids ("inspection").
        await Expect(diagram.Locator("[data-cell-id='needsInspection:inspection->siteInspection']")).ToContainTextAsync("Trên 250 m²: kiểm tra hiện trạng");
        await Expect(diagram.Locator("[data-cell-id='needsInspection']")).ToContainTextAsync("Từ 250 m² trở xuống: không kiểm tra");
        await Expect(tab.Page.GetByTestId("diagram-minimap")).ToBeVisibleAsync();
        await Expect(tab.Page.GetByTestId("diagram-palette")).ToHaveCountAsync(0);
        await tab.ScreenshotAsync("20-so-do");

        // Zoom in from the toolbar: the drawing gets bigger; fit brings it back.
        var before = await BoxAsync(diagram.Locator("[data-cell-id='review']"));
        await tab.Page.GetByTestId("diagram-zoom-in").ClickAsync();
        await tab.Page.WaitForFunctionAsync($"w => {WidthOfReview} > w * 1.1", before.Width);
        await tab.Page.GetByTestId("diagram-fit").ClickAsync();
        await tab.Page.WaitForFunctionAsync($"w => Math.abs({WidthOfReview} - w) < 2", before.Width);

        tab.Passed();
    }

    [Fact]
    public async Task An_unknown_procedure_says_so_instead_of_a_diagram()
    {
        await using var tab = await platform.OpenPageAsync(nameof(An_unknown_procedure_says_so_instead_of_a_diagram));
        await tab.SignInAsync("thiet.ke");
        await tab.OpenAsync("/thu-tuc/9.999999/so-do");

        await Expect(tab.Page.GetByTestId("problem")).ToContainTextAsync("9.999999");
        await Expect(tab.Page.GetByTestId("diagram")).ToHaveCountAsync(0);
        tab.Passed();
    }

    // The review step's drawn width, in the page (Playwright re-evaluates the condition until it holds).
    private const string WidthOfReview = "document.querySelector(\".wf-canvas-graph [data-cell-id='review']\").getBoundingClientRect().width";

    private sealed record LayoutBox(double X, double Y, double Width, double Height);

    private static async Task<LayoutBox> BoxAsync(ILocator locator)
    {
        var box = await locator.BoundingBoxAsync() ?? throw new InvalidOperationException("not drawn");
        return new LayoutBox(box.X, box.Y, box.Width, box.Height);
    }
}
