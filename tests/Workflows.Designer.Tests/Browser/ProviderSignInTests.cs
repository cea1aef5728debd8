using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Workflows.Designer.Tests.Support;
using Workflows.TestSupport;
using static Microsoft.Playwright.Assertions;

namespace Workflows.Designer.Tests.Browser;

/// <summary>Signing in with the province's identity provider (OpenID Connect; issue 12, item 2).</summary>
[Collection(ProviderPlatformTests.Name)]
public sealed class ProviderSignInTests(ProviderPlatform platform)
{
    private const string SessionCookie = ".Workflows.Designer.Session";

    [Fact]
    public async Task A_designer_signs_in_at_the_provider_lands_on_the_catalogue_and_signs_out()
    {
        await using var tab = await platform.OpenPageAsync(nameof(A_designer_signs_in_at_the_provider_lands_on_the_catalogue_and_signs_out));
        var page = tab.Page;

        await page.GotoAsync("/thu-tuc");
        await Expect(page).ToHaveURLAsync(new Regex("/dang-nhap\\?returnUrl="));
        var button = page.GetByTestId("sign-in-provider");
        await Expect(button).ToHaveTextAsync("Đăng nhập bằng tài khoản Cổng dịch vụ công tỉnh");
        await Expect(page.Locator("#userName")).ToBeVisibleAsync();
        await tab.ScreenshotAsync("01-dang-nhap-nha-cung-cap");

        // At the provider: its own page asks who you are, then sends the browser back with a code.
        await button.ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("^" + Regex.Escape(platform.Provider.Issuer) + "/authorize\\?"));
        Assert.Contains("code_challenge_method=S256", page.Url, StringComparison.Ordinal);
        await page.Locator("#username").FillAsync("thiet.ke");
        await page.Locator("#continue").ClickAsync();

        await Expect(page).ToHaveURLAsync(new Regex("/thu-tuc$"));
        await tab.WaitInteractiveAsync();
        await Expect(page.GetByTestId("signed-in-user")).ToHaveTextAsync("Chuyên viên thiết kế quy trình");
        await Expect(page.GetByTestId("new-procedure")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("catalogue-search")).ToBeVisibleAsync();
        // What the designer came for: the catalogue's rows (the screenshot shows them, not the loading grid).
        await Expect(page.GetByTestId("procedure-code").First).ToBeVisibleAsync();
        await Expect(page.GetByTestId("catalogue-loading")).ToHaveCountAsync(0);
        Assert.Contains("thiet.ke", platform.Provider.SignedIn);
        await tab.ScreenshotAsync("02-nha-cung-cap-da-dang-nhap");

        // The same cookie as a password sign-in; nothing of the provider's tokens is left in the browser.
        var cookies = await page.Context.CookiesAsync();
        var session = cookies.Single(c => c.Name == SessionCookie);
        Assert.True(session.HttpOnly);
        Assert.Equal(SameSiteAttribute.Lax, session.SameSite);
        Assert.DoesNotContain(cookies, c => c.Value.StartsWith("eyJ", StringComparison.Ordinal));
        Assert.DoesNotContain(cookies, c => c.Name.StartsWith(".AspNetCore.OpenIdConnect", StringComparison.Ordinal) || c.Name.StartsWith(".AspNetCore.Correlation", StringComparison.Ordinal));

        await page.GetByTestId("sign-out").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/dang-nhap\\?daDangXuat=1"));
        await Expect(page.GetByText("Bạn đã đăng xuất.")).ToBeVisibleAsync();
        Assert.DoesNotContain(await page.Context.CookiesAsync(), c => c.Name == SessionCookie);
        await page.GotoAsync("/thu-tuc");
        await Expect(page).ToHaveURLAsync(new Regex("/dang-nhap"));

        // The provider's session ended with the Designer's (its end-session endpoint got the id_token as hint):
        // signing in with the provider again asks for the provider's credentials instead of signing straight in.
        Assert.Contains("thiet.ke", platform.Provider.SignedOut);
        await page.GetByTestId("sign-in-provider").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("^" + Regex.Escape(platform.Provider.Issuer) + "/authorize\\?"));
        await Expect(page.Locator("#username")).ToBeVisibleAsync();

        tab.Passed();
    }

    [Fact]
    public async Task While_signed_in_at_the_provider_signing_in_again_asks_nothing_and_a_password_sign_out_leaves_the_provider_alone()
    {
        await using var tab = await platform.OpenPageAsync(nameof(While_signed_in_at_the_provider_signing_in_again_asks_nothing_and_a_password_sign_out_leaves_the_provider_alone));
        var page = tab.Page;
        var signedInBefore = platform.Provider.SignedIn.Count(n => n == "thiet.ke");
        await page.GotoAsync("/dang-nhap");
        await page.GetByTestId("sign-in-provider").ClickAsync();
        await page.Locator("#username").FillAsync("thiet.ke");
        await page.Locator("#continue").ClickAsync();
        await tab.WaitInteractiveAsync();
        await Expect(page.GetByTestId("signed-in-user")).ToHaveTextAsync("Chuyên viên thiết kế quy trình");

        // Only the Designer's cookie is cleared (as a session that ends on the Designer's side alone would be): the
        // provider still knows the browser and signs it in without asking. This is what sign-out must not leave behind.
        await page.Context.ClearCookiesAsync(new BrowserContextClearCookiesOptions { Name = SessionCookie });
        await page.GotoAsync("/dang-nhap");
        await page.GetByTestId("sign-in-provider").ClickAsync();
        await tab.WaitInteractiveAsync();
        await Expect(page.GetByTestId("signed-in-user")).ToHaveTextAsync("Chuyên viên thiết kế quy trình");
        Assert.Equal(2, platform.Provider.SignedIn.Count(n => n == "thiet.ke") - signedInBefore);

        // A password sign-in's sign-out does not visit the provider.
        var endedBefore = platform.Provider.SignedOut.Count;
        await page.Context.ClearCookiesAsync(new BrowserContextClearCookiesOptions { Name = SessionCookie });
        await tab.SignInAsync("thiet.ke");
        await page.GotoAsync("/thu-tuc");
        await tab.WaitInteractiveAsync();
        await page.GetByTestId("sign-out").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/dang-nhap\\?daDangXuat=1"));
        Assert.Equal(endedBefore, platform.Provider.SignedOut.Count);

        tab.Passed();
    }

    [Fact]
    public async Task A_person_the_host_does_not_know_is_told_so_on_the_sign_in_page_in_vietnamese()
    {
        await using var tab = await platform.OpenPageAsync(nameof(A_person_the_host_does_not_know_is_told_so_on_the_sign_in_page_in_vietnamese));
        var page = tab.Page;

        await page.GotoAsync("/dang-nhap");
        await page.GetByTestId("sign-in-provider").ClickAsync();
        await page.Locator("#username").FillAsync("nguoi.la");
        await page.Locator("#continue").ClickAsync();

        await Expect(page).ToHaveURLAsync(new Regex("/dang-nhap\\?loiNhaCungCap=unknown"));
        await Expect(page.GetByTestId("provider-sign-in-error")).ToHaveTextAsync(
            "Tài khoản nguoi.la đã đăng nhập tại Cổng dịch vụ công tỉnh nhưng chưa được cấp quyền sử dụng hệ thống. Hãy liên hệ quản trị viên để được thêm vào.");
        Assert.DoesNotContain(await page.Context.CookiesAsync(), c => c.Name == SessionCookie);
        await tab.ScreenshotAsync("03-nha-cung-cap-chua-co-tai-khoan");

        tab.Passed();
    }

    [Fact]
    public async Task A_designer_configured_for_a_provider_the_host_does_not_accept_says_so_in_vietnamese()
    {
        // A Host on its own SQLite database without Access:OpenIdConnect, and a Designer configured for the provider.
        var folder = Directory.CreateTempSubdirectory("workflows-provider-").FullName;
        try
        {
            await SignInThroughADesignerWhoseHostHasNoProviderAsync(folder);
        }
        finally
        {
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (IOException)
            {
                // A leftover temp folder is harmless.
            }
        }
    }

    private async Task SignInThroughADesignerWhoseHostHasNoProviderAsync(string folder)
    {
        await using var host = await AppProcess.StartAsync("Workflows.Host", new Dictionary<string, string>
        {
            ["Database__Provider"] = "Sqlite",
            ["ConnectionStrings__Sqlite"] = $"Data Source={Path.Combine(folder, "workflows.db")}",
            ["Definitions__Path"] = Path.Combine(Repository.Root, "definitions"),
            ["Notifications__Folder"] = Path.Combine(folder, "notifications"),
            ["Runtime__Background"] = "false",
        }, "/health");
        await using var designer = await AppProcess.StartAsync("Workflows.Designer", new Dictionary<string, string>
        {
            ["Host__BaseUrl"] = host.Address.ToString(),
            ["DataProtection__KeysPath"] = Path.Combine(folder, "designer-keys"),
            ["Authentication__OpenIdConnect__Authority"] = platform.Provider.Issuer,
            ["Authentication__OpenIdConnect__ClientId"] = TestIdentityProvider.ClientId,
            ["Authentication__OpenIdConnect__ClientSecret"] = TestIdentityProvider.ClientSecret,
            ["Authentication__OpenIdConnect__DisplayName"] = ProviderPlatform.ProviderName,
            ["Authentication__OpenIdConnect__RequireHttpsMetadata"] = "false",
        }, "/");
        await using var tab = await platform.OpenPageAsync(nameof(A_designer_configured_for_a_provider_the_host_does_not_accept_says_so_in_vietnamese));
        var page = tab.Page;

        await page.GotoAsync(new Uri(designer.Address, "/dang-nhap").ToString());
        await page.GetByTestId("sign-in-provider").ClickAsync();
        await page.Locator("#username").FillAsync("thiet.ke");
        await page.Locator("#continue").ClickAsync();

        await Expect(page).ToHaveURLAsync(new Regex("/dang-nhap\\?loiNhaCungCap=notConfigured"));
        await Expect(page.GetByTestId("provider-sign-in-error")).ToHaveTextAsync(
            "Máy chủ nghiệp vụ chưa được cấu hình để nhận đăng nhập từ Cổng dịch vụ công tỉnh. Hãy báo quản trị viên.");
        Assert.DoesNotContain(await page.Context.CookiesAsync(), c => c.Name == SessionCookie);
        tab.Passed();
    }

    [Fact]
    public async Task A_designer_with_a_provider_but_no_client_id_stops_at_start_naming_the_setting()
    {
        var failure = await Assert.ThrowsAsync<InvalidOperationException>(async () =>
        {
            await using var designer = await AppProcess.StartAsync("Workflows.Designer", new Dictionary<string, string>
            {
                ["Host__BaseUrl"] = platform.Host.Address.ToString(),
                ["DataProtection__KeysPath"] = Path.Combine(Path.GetTempPath(), "workflows-provider-keys-" + Guid.NewGuid().ToString("N")),
                ["Authentication__OpenIdConnect__Authority"] = platform.Provider.Issuer,
                ["Authentication__OpenIdConnect__RequireHttpsMetadata"] = "false",
            }, "/");
        });

        Assert.Contains("exited", failure.Message, StringComparison.Ordinal);
        Assert.Contains("Authentication:OpenIdConnect:ClientId", failure.Message, StringComparison.Ordinal);
    }
}
