using System.Net.Http.Json;
using Microsoft.Playwright;

namespace Workflows.Designer.Tests.Support;

/// <summary>
/// The platform as its users meet it: the real Host on a fresh PostgreSQL database with the sample definitions, the
/// real Designer pointed at it, and Debian's Chromium driven by Playwright. One stack for every browser test class
/// (the collection <see cref="PlatformTests"/>); each test opens its own browser context.
/// </summary>
public class RunningPlatform : IAsyncLifetime
{
    /// <summary>Development keys the Host seeds in Development, for calls a test makes as a machine (intake) or to arrange data.</summary>
    public const string IntakeKey = "dev-intake-key";
    public const string DesignerKey = "dev-designer-key";
    public const string AdministratorKey = "dev-admin-key";

    private readonly string workFolder = Directory.CreateTempSubdirectory("workflows-designer-tests-").FullName;
    private TestDatabase? database;
    private IPlaywright? playwright;

    public AppProcess Host { get; private set; } = null!;

    public AppProcess Designer { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        database = await TestDatabase.CreateAsync();
        var definitions = Path.Combine(workFolder, "definitions");
        CopyFolder(Path.Combine(Repository.Root, "definitions"), definitions);

        var hostSettings = new Dictionary<string, string>
        {
            ["Database__Provider"] = "Postgres",
            ["ConnectionStrings__Postgres"] = database.ConnectionString,
            ["Definitions__Path"] = definitions,
            ["Notifications__Folder"] = Path.Combine(workFolder, "notifications"),
        };
        Host = await AppProcess.StartAsync("Workflows.Host", await AddSettingsAsync(hostSettings, "Workflows.Host"), "/health");

        var designerSettings = new Dictionary<string, string>
        {
            ["Host__BaseUrl"] = Host.Address.ToString(),
            ["DataProtection__KeysPath"] = Path.Combine(workFolder, "designer-keys"),
        };
        Designer = await AppProcess.StartAsync("Workflows.Designer", await AddSettingsAsync(designerSettings, "Workflows.Designer"), "/");

        playwright = await Playwright.CreateAsync();
        Browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            // Debian's Chromium: no browser download here.
            ExecutablePath = Environment.GetEnvironmentVariable("WORKFLOWS_CHROMIUM") ?? "/usr/bin/chromium",
            Headless = true,
        });
    }

    public virtual async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        playwright?.Dispose();
        if (Designer is not null)
        {
            await Designer.DisposeAsync();
        }

        if (Host is not null)
        {
            await Host.DisposeAsync();
        }

        if (database is not null)
        {
            await database.DisposeAsync();
        }

        try
        {
            Directory.Delete(workFolder, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }

    /// <summary>
    /// A variant of the platform adds settings of <paramref name="project"/> (environment variables) here; the shared
    /// platform adds none.
    /// </summary>
    protected virtual Task<Dictionary<string, string>> AddSettingsAsync(Dictionary<string, string> settings, string project) =>
        Task.FromResult(settings);

    /// <summary>A client for the Host's API with a development key, to arrange what a test needs (e.g. start a dossier).</summary>
    public HttpClient HostClient(string apiKey)
    {
        var client = new HttpClient { BaseAddress = Host.Address };
        client.DefaultRequestHeaders.Add("X-Api-Key", apiKey);
        return client;
    }

    /// <summary>A new browser tab at 1366×768 in Vietnamese, recording console errors (see <see cref="DesignerPage"/>).</summary>
    public async Task<DesignerPage> OpenPageAsync(string testName)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = Designer.Address.ToString(),
            ViewportSize = new ViewportSize { Width = 1366, Height = 768 },
            Locale = "vi-VN",
        });
        await context.Tracing.StartAsync(new TracingStartOptions { Screenshots = true, Snapshots = true });
        return new DesignerPage(context, await context.NewPageAsync(), testName);
    }

    internal static async Task EnsureSuccessAsync(HttpResponseMessage response)
    {
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
    }

    internal static Task<T?> ReadAsync<T>(HttpResponseMessage response) => response.Content.ReadFromJsonAsync<T>();

    private static void CopyFolder(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}

[CollectionDefinition(Name)]
public sealed class PlatformTests : ICollectionFixture<RunningPlatform>
{
    public const string Name = "running-platform";
}
