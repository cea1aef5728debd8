using Microsoft.Playwright;
using Workflows.Designer.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace Workflows.Designer.Tests.Browser;

[Collection(PlatformTests.Name)]
public sealed class EditorTests(RunningPlatform platform)
{
    [Fact]
    public async Task A_step_added_in_the_table_counts_on_the_longest_path_shows_its_problem_and_survives_saving()
    {
        await using var tab = await platform.OpenPageAsync(nameof(A_step_added_in_the_table_counts_on_the_longest_path_shows_its_problem_and_survives_saving));
        await tab.SignInAsync("thiet.ke");
        using var host = platform.HostClient(RunningPlatform.DesignerKey);
        try
        {
            await tab.OpenAsync("/thu-tuc/1.009994");
            var page = tab.Page;
            var rows = page.GetByTestId("step-row");
            await Expect(rows).ToHaveCountAsync(6);
            await Expect(page.GetByTestId("longest-path-days")).ToHaveTextAsync("15");
            await Expect(page.GetByTestId("problem-count")).ToHaveTextAsync("0");

            // A step after the director's signature, by the Department of Construction, taking 2 working days.
            await page.Locator("[data-node-id=signing]").GetByTestId("step-add-after").ClickAsync();
            await Expect(rows).ToHaveCountAsync(7);
            var added = rows.Nth(5);
            await Expect(added.GetByTestId("step-number")).ToHaveTextAsync("6");
            await added.GetByTestId("step-name").FillAsync("Sở Tư pháp cho ý kiến");
            await added.GetByTestId("step-department").SelectOptionAsync("justice");
            await added.GetByTestId("step-time-value").FillAsync("2");
            await added.GetByTestId("step-time-value").BlurAsync();

            // 15 + 2 days: over the committed limit, which the bar, the list and the form's field say.
            await Expect(page.GetByTestId("longest-path-days")).ToHaveTextAsync("17");
            await Expect(page.GetByTestId("time-bar")).ToHaveAttributeAsync("data-over", "true");
            await Expect(page.Locator("[data-testid=problem-item][data-code=stepTimesExceedCommittedLimit]")).ToBeVisibleAsync();
            await Expect(page.GetByTestId("publish")).ToBeDisabledAsync();
            await tab.ScreenshotAsync("10-editor");

            await page.GetByTestId("save").ClickAsync();
            await Expect(page.GetByTestId("editor-state")).ToContainTextAsync("Bản nháp phiên bản 2");
            await Expect(page.GetByTestId("editor-state")).Not.ToContainTextAsync("chưa lưu");

            await tab.OpenAsync("/thu-tuc/1.009994");
            await Expect(rows).ToHaveCountAsync(7);
            await Expect(rows.Nth(5).GetByTestId("step-name")).ToHaveValueAsync("Sở Tư pháp cho ý kiến");
            await Expect(rows.Nth(5).GetByTestId("step-department")).ToHaveValueAsync("justice");
            await Expect(page.GetByTestId("longest-path-days")).ToHaveTextAsync("17");

            tab.Passed();
        }
        finally
        {
            // Other tests find the procedure as the repository has it.
            await host.DeleteAsync("api/definitions/1.009994/draft");
        }
    }
}
