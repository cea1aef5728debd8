using Microsoft.Playwright;

namespace Workflows.Designer.Tests.Support;

/// <summary>
/// One browser tab of a test: opens pages and waits for the interactivity marker (never for "network idle"),
/// collects console errors and failed requests so a test can assert there were none, saves screenshots under
/// TestResults/screenshots, and keeps a Playwright trace when the test did not finish (see <see cref="DisposeAsync"/>).
/// </summary>
public sealed class DesignerPage : IAsyncDisposable
{
    private readonly IBrowserContext context;
    private readonly string testName;
    private readonly List<string> errors = [];
    private bool passed;

    internal DesignerPage(IBrowserContext context, IPage page, string testName)
    {
        this.context = context;
        this.testName = testName;
        Page = page;
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                lock (errors)
                {
                    errors.Add(message.Text);
                }
            }
        };
        // The console says only "Failed to load resource"; the address makes the failure readable.
        page.Response += (_, response) =>
        {
            if (response.Status >= 400)
            {
                lock (errors)
                {
                    errors.Add($"{response.Status} {response.Request.Method} {response.Url}");
                }
            }
        };
        page.PageError += (_, error) =>
        {
            lock (errors)
            {
                errors.Add(error);
            }
        };
    }

    public IPage Page { get; }

    /// <summary>Console errors and uncaught exceptions seen so far.</summary>
    public IReadOnlyList<string> ConsoleErrors
    {
        get
        {
            lock (errors)
            {
                return [.. errors];
            }
        }
    }

    /// <summary>Goes to <paramref name="path"/> and waits until the page is interactive (the circuit is up).</summary>
    public async Task OpenAsync(string path)
    {
        await Page.GotoAsync(path);
        await WaitInteractiveAsync();
    }

    /// <summary>Signs in on the sign-in page with a user name and password (development users: <c>dev-password</c>) and waits for the home page.</summary>
    public async Task SignInAsync(string userName, string password = DevelopmentPassword)
    {
        await Page.GotoAsync("/dang-nhap");
        await Page.Locator("#userName").FillAsync(userName);
        await Page.Locator("#password").FillAsync(password);
        await Page.GetByTestId("sign-in").ClickAsync();
        await WaitInteractiveAsync();
    }

    /// <summary>The password the Host gives every development user in Development.</summary>
    public const string DevelopmentPassword = "dev-password";

    public Task WaitInteractiveAsync() =>
        Assertions.Expect(Page.GetByTestId("interactive")).ToBeAttachedAsync(new() { Timeout = 30_000 });

    /// <summary>
    /// Saves what the user sees in the window (1366×768 unless the test resized it) as
    /// TestResults/screenshots/<paramref name="name"/>.png. Not a full-page capture: that stitches the page past the window
    /// and draws the fixed app bar (and the drawer) where the window's edge was, in the middle of the page. A test shows
    /// something lower on the page by scrolling it into view first, as the user would.
    /// </summary>
    public Task ScreenshotAsync(string name) =>
        Page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Repository.Screenshots, name + ".png"), FullPage = false });

    /// <summary>Call at the end of a test that went through: no trace is kept then.</summary>
    public void Passed()
    {
        Assert.Empty(ConsoleErrors);
        passed = true;
    }

    public async ValueTask DisposeAsync()
    {
        await context.Tracing.StopAsync(new TracingStopOptions
        {
            Path = passed ? null : Path.Combine(Repository.Screenshots, testName + ".trace.zip"),
        });
        await context.DisposeAsync();
    }
}
