using Microsoft.Playwright;
using Workflows.Designer.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace Workflows.Designer.Tests.Browser;

/// <summary>Signing in and out, and what each role sees (issue 12, item 2).</summary>
[Collection(PlatformTests.Name)]
public sealed class SignInTests(RunningPlatform platform)
{
    private const string SessionCookie = ".Workflows.Designer.Session";

    [Fact]
    public async Task A_designer_signs_in_with_a_password_sees_only_the_designer_menu_and_signs_out()
    {
        await using var tab = await platform.OpenPageAsync(nameof(A_designer_signs_in_with_a_password_sees_only_the_designer_menu_and_signs_out));
        var page = tab.Page;

        // Nobody signed in: the home page sends the visitor to the sign-in page.
        await page.GotoAsync("/");
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/dang-nhap\\?returnUrl="));
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Đăng nhập", Exact = true })).ToBeVisibleAsync();
        await tab.ScreenshotAsync("01-dang-nhap");

        await page.Locator("#userName").FillAsync("thiet.ke");
        await page.Locator("#password").FillAsync("sai-mat-khau");
        await page.GetByTestId("sign-in").ClickAsync();
        await Expect(page.GetByTestId("sign-in-error")).ToHaveTextAsync("Tên đăng nhập hoặc mật khẩu không đúng.");
        await Expect(page.Locator("#userName")).ToHaveValueAsync("thiet.ke");

        await page.Locator("#password").FillAsync(DesignerPage.DevelopmentPassword);
        await page.GetByTestId("sign-in").ClickAsync();
        await tab.WaitInteractiveAsync();

        await Expect(page.GetByTestId("signed-in-user")).ToHaveTextAsync("Chuyên viên thiết kế quy trình");
        var menu = page.GetByRole(AriaRole.Navigation);
        await Expect(menu.GetByRole(AriaRole.Link, new() { Name = "Danh mục thủ tục" })).ToBeVisibleAsync();
        await Expect(menu.GetByText("Quản trị")).ToHaveCountAsync(0);
        await Expect(menu.GetByRole(AriaRole.Link, new() { Name = "Người dùng và khoá API" })).ToHaveCountAsync(0);
        await tab.ScreenshotAsync("02-thiet-ke-da-dang-nhap");

        // The session lives in an HTTP-only cookie: the page's JavaScript cannot read it.
        var cookie = (await tab.Page.Context.CookiesAsync()).Single(c => c.Name == SessionCookie);
        Assert.True(cookie.HttpOnly);
        Assert.Equal(SameSiteAttribute.Lax, cookie.SameSite);
        Assert.DoesNotContain(SessionCookie, await page.EvaluateAsync<string>("document.cookie"), StringComparison.Ordinal);

        // An administrator's page: a readable refusal.
        await page.GotoAsync("/quan-tri/nguoi-dung");
        await Expect(page.GetByTestId("not-allowed")).ToContainTextAsync("Không được phép");

        await page.GetByTestId("sign-out").ClickAsync();
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/dang-nhap\\?daDangXuat=1"));
        await Expect(page.GetByText("Bạn đã đăng xuất.")).ToBeVisibleAsync();
        Assert.DoesNotContain(await tab.Page.Context.CookiesAsync(), c => c.Name == SessionCookie);
        await page.GotoAsync("/");
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/dang-nhap"));

        tab.Passed();
    }

    [Fact]
    public async Task The_development_administrator_signs_in_with_one_click_and_manages_users()
    {
        await using var tab = await platform.OpenPageAsync(nameof(The_development_administrator_signs_in_with_one_click_and_manages_users));
        var page = tab.Page;

        await page.GotoAsync("/dang-nhap");
        await page.GetByTestId("quick-quan.tri").ClickAsync();
        await tab.WaitInteractiveAsync();

        await Expect(page.GetByTestId("signed-in-user")).ToHaveTextAsync("Quản trị hệ thống");
        await page.GetByRole(AriaRole.Navigation).GetByRole(AriaRole.Link, new() { Name = "Người dùng và khoá API" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Người dùng và khoá API" })).ToBeVisibleAsync();
        await Expect(page.GetByTestId("principals").GetByText("thiet.ke", new() { Exact = true })).ToBeVisibleAsync();
        await tab.ScreenshotAsync("03-quan-tri-nguoi-dung");

        // A new intake system: its key is shown once, in a dialog.
        var name = $"cong-thu-nghiem-{Guid.NewGuid():N}"[..24];
        await page.GetByTestId("open-create").ClickAsync();
        await page.GetByRole(AriaRole.Radio, new() { Name = "Hệ thống tiếp nhận" }).CheckAsync();
        await page.GetByTestId("field-name").Locator("input").FillAsync(name);
        await page.GetByTestId("role-intake").CheckAsync();
        await page.GetByTestId("create").ClickAsync();
        var key = page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Textbox, new() { Name = "Khoá API" });
        await Expect(key).ToHaveValueAsync(new System.Text.RegularExpressions.Regex("^wf_"));
        await tab.ScreenshotAsync("04-khoa-api-mot-lan");
        await page.GetByTestId("close-key").ClickAsync();
        await Expect(page.GetByRole(AriaRole.Dialog)).ToHaveCountAsync(0);
        await Expect(page.GetByTestId("principals").GetByText(name, new() { Exact = true })).ToBeVisibleAsync();

        tab.Passed();
    }
}
