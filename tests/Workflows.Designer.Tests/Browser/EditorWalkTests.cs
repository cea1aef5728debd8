using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Playwright;
using Workflows.Designer.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace Workflows.Designer.Tests.Browser;

/// <summary>
/// The editor walks of issue 12's "Done when", on procedures no other browser test touches (the VD-* samples), so a
/// published version or a left draft changes nothing another test expects.
/// </summary>
[Collection(PlatformTests.Name)]
public sealed class EditorWalkTests(RunningPlatform platform)
{
    [Fact]
    public async Task A_step_added_in_the_table_is_drawn_in_its_lane_and_connecting_its_outcome_on_the_diagram_clears_its_problem()
    {
        const string Code = "VD-CT-001";
        await using var tab = await platform.OpenPageAsync(nameof(A_step_added_in_the_table_is_drawn_in_its_lane_and_connecting_its_outcome_on_the_diagram_clears_its_problem));
        await tab.SignInAsync("thiet.ke");
        using var host = platform.HostClient(RunningPlatform.DesignerKey);
        try
        {
            await tab.OpenAsync($"/thu-tuc/{Code}");
            var page = tab.Page;
            var rows = page.GetByTestId("step-row");
            await Expect(rows).ToHaveCountAsync(3);
            await Expect(page.GetByTestId("problem-count")).ToHaveTextAsync("0");

            // A step after the police chief's approval, by the Department of Justice, which may also refuse.
            await page.Locator("[data-node-id=approval]").GetByTestId("step-add-after").ClickAsync();
            await Expect(rows).ToHaveCountAsync(4);
            var added = rows.Nth(3);
            var stepId = await added.GetAttributeAsync("data-node-id");
            Assert.False(string.IsNullOrEmpty(stepId));
            await added.GetByTestId("step-name").FillAsync("Sở Tư pháp cho ý kiến");
            await added.GetByTestId("step-name").BlurAsync();
            await added.GetByTestId("step-department").SelectOptionAsync("justice");
            await added.GetByTestId("step-outcomes").FillAsync("approved, rejected");
            await added.GetByTestId("step-outcomes").BlurAsync();

            // The new step is drawn inside the lane of its department, a lane the procedure did not have before.
            var graph = page.GetByTestId("diagram").Locator(".wf-canvas-graph");
            var node = graph.Locator($"[data-cell-id='{stepId}']");
            var lane = graph.Locator("[data-cell-id='lane:justice']");
            await node.ScrollIntoViewIfNeededAsync();
            await Expect(node).ToBeVisibleAsync();
            await Expect(lane).ToBeVisibleAsync();
            var nodeBox = (await node.BoundingBoxAsync())!;
            var laneBox = (await lane.BoundingBoxAsync())!;
            Assert.True(nodeBox.Y >= laneBox.Y && nodeBox.Y + nodeBox.Height <= laneBox.Y + laneBox.Height,
                $"the new step ({nodeBox.Y}+{nodeBox.Height}) lies inside the justice lane ({laneBox.Y}+{laneBox.Height})");

            // Its refusal leads nowhere yet: the list says so and the canvas marks the node.
            var unconnected = page.Locator("[data-testid=problem-item][data-code=outcomeNotConnected]");
            await Expect(unconnected).ToHaveCountAsync(1);
            await Expect(unconnected).ToContainTextAsync("Sở Tư pháp cho ý kiến");
            await Expect(node.Locator("[data-problems]").First).ToBeAttachedAsync();

            // Drag from the step's "rejected" port onto the refusal message.
            var port = node.Locator("[port='rejected']");
            var target = graph.Locator("[data-cell-id='notifyRefused']");
            await page.GetByTestId("diagram-fit").ClickAsync();
            await ZoomOutUntilVisibleAsync(page, graph, node);
            await ZoomOutUntilVisibleAsync(page, graph, target);
            await DragAsync(page, port, target);

            // The table's next-step column follows, and the problem is gone from the list and the node.
            await Expect(added.GetByTestId("step-next")).ToContainTextAsync("Nhắn tin báo từ chối");
            await Expect(unconnected).ToHaveCountAsync(0);
            await Expect(node.Locator("[data-problems]")).ToHaveCountAsync(0);
            await page.EvaluateAsync("window.scrollTo(0, 0)");
            await tab.ScreenshotAsync("11-editor-noi");

            tab.Passed();
        }
        finally
        {
            await host.DeleteAsync($"api/definitions/{Code}/draft");
        }
    }

    // The new step is drawn right of the others, maybe past the canvas's edge: zoom out as a user would until it shows.
    private static async Task ZoomOutUntilVisibleAsync(IPage page, ILocator graph, ILocator node)
    {
        for (var i = 0; i < 8; i++)
        {
            var view = (await graph.BoundingBoxAsync())!;
            var box = (await node.BoundingBoxAsync())!;
            if (box.X >= view.X && box.X + box.Width + 20 <= view.X + view.Width && box.Y >= view.Y && box.Y + box.Height <= view.Y + view.Height)
            {
                return;
            }

            await page.GetByTestId("diagram-zoom-out").ClickAsync();
        }

        Assert.Fail("the node never came into the canvas's view");
    }

    private static async Task DragAsync(IPage page, ILocator from, ILocator to)
    {
        var start = (await from.BoundingBoxAsync())!;
        var end = (await to.BoundingBoxAsync())!;
        await page.Mouse.MoveAsync(start.X + start.Width / 2, start.Y + start.Height / 2);
        await page.Mouse.DownAsync();
        await page.Mouse.MoveAsync(end.X + end.Width / 2, end.Y + end.Height / 2, new() { Steps = 12 });
        await page.Mouse.UpAsync();
    }
}
