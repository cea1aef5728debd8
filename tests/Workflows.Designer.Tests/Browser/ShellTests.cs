using Microsoft.Playwright;
using Workflows.Designer.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace Workflows.Designer.Tests.Browser;

[Collection(PlatformTests.Name)]
public sealed class ShellTests(RunningPlatform platform)
{
    [Fact]
    public async Task Home_page_speaks_Vietnamese_and_switches_to_English()
    {
        await using var tab = await platform.OpenPageAsync(nameof(Home_page_speaks_Vietnamese_and_switches_to_English));
        await tab.SignInAsync("thiet.ke");

        await Expect(tab.Page.GetByRole(AriaRole.Heading, new() { Name = "Thiết kế quy trình nội bộ" })).ToBeVisibleAsync();
        await Expect(tab.Page.Locator("html")).ToHaveAttributeAsync("lang", "vi");
        await tab.ScreenshotAsync("00-trang-chu");

        await tab.Page.GetByTestId("language-switch").ClickAsync();
        await tab.WaitInteractiveAsync();
        await Expect(tab.Page.GetByRole(AriaRole.Heading, new() { Name = "Internal process design" })).ToBeVisibleAsync();
        await Expect(tab.Page.Locator("html")).ToHaveAttributeAsync("lang", "en");

        tab.Passed();
    }
}
