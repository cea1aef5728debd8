using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using Npgsql;
using Workflows.Benchmarks.Common;
using Workflows.Benchmarks.Durable;
using static Workflows.Benchmarks.Common.Sql;

namespace Workflows.Benchmarks.Designer;

/// <summary>
/// <c>designer [--procedures 2000] [--repetitions 20] [--warmup 5] [--parallel 4] [--label name] [--keep] [--diagram-only] [--connection "..."]</c>:
/// the Release Host on PostgreSQL with a city-sized catalogue loaded through its API, the Release Designer in front
/// of it and Debian's Chromium; page times of the catalogue search, the editor, the diff and the versions page, the
/// time to a usable 60-node diagram, each beside the Host calls it makes timed alone. On demand only (not a test).
/// </summary>
internal static class DesignerHarness
{
    private const string DesignerKey = "dev-designer-key";
    private const double PageTargetMs = 300;
    private const double DiagramTargetMs = 1000;

    public static async Task<int> RunAsync(string[] args)
    {
        var options = Options.Parse(args);
        var server = options?.Connection ?? Environment.GetEnvironmentVariable("WORKFLOWS_TEST_POSTGRES");
        if (options is null || string.IsNullOrWhiteSpace(server))
        {
            await Console.Error.WriteLineAsync("usage: designer [--procedures 2000] [--repetitions 20] [--warmup 5] [--parallel 4] [--label name] [--keep] [--diagram-only] [--connection <Npgsql connection string>]");
            await Console.Error.WriteLineAsync("PostgreSQL: run  eval \"$(bash scripts/start-postgres.sh --export)\"  (sets WORKFLOWS_TEST_POSTGRES) or pass --connection.");
            return 2;
        }

        var started = DateTimeOffset.Now;
        var database = "workflows_designer_" + started.ToString("yyyyMMdd_HHmmss", CultureInfo.InvariantCulture);
        var connectionString = new NpgsqlConnectionStringBuilder(server) { Database = database, SslMode = SslMode.Disable }.ConnectionString;
        var work = Path.Combine(Path.GetTempPath(), database);
        Directory.CreateDirectory(work);
        await ExecuteAsync(server, $"CREATE DATABASE {database}");
        var rows = new List<Row>();
        try
        {
            var loadAtStart = MarkdownReport.LoadAverage();
            var definitions = Path.Combine(ServiceProcess.SolutionFolder, "definitions");
            using var host = await HostRunner.StartAsync(work, new Dictionary<string, string>
            {
                ["ASPNETCORE_ENVIRONMENT"] = "Development",
                ["Database__Provider"] = "Postgres",
                ["ConnectionStrings__Postgres"] = connectionString,
                ["Definitions__Path"] = definitions,
                ["Notifications__Folder"] = Path.Combine(work, "notifications"),
                ["Logging__LogLevel__Default"] = "Warning",
            }, TimeSpan.FromSeconds(90));
            using var api = ProcedureSeeder.Client(host.BaseAddress, DesignerKey);

            Log($"loading {options.Procedures} procedures through the Host's API ({options.Parallel} at a time)");
            var seeded = await ProcedureSeeder.SeedAsync(api, definitions, options.Procedures, options.Parallel, Log);
            var catalogueSize = (await api.GetFromJsonAsync<JsonElement>(new Uri("api/definitions?pageSize=1", UriKind.Relative))).GetProperty("total").GetInt32();
            Log($"  {catalogueSize} procedures in the catalogue, {seeded.Versions} versions stored by the benchmark, {seeded.Took.TotalSeconds:F0} s");

            using var designer = await DesignerProcess.StartAsync(host.BaseAddress, work, TimeSpan.FromSeconds(90));
            using var playwright = await Playwright.CreateAsync();
            await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = Environment.GetEnvironmentVariable("WORKFLOWS_CHROMIUM") ?? "/usr/bin/chromium",
                Headless = true,
            });
            await using var context = await browser.NewContextAsync(new BrowserNewContextOptions
            {
                BaseURL = designer.BaseAddress.ToString(),
                ViewportSize = new ViewportSize { Width = 1366, Height = 768 },
                Locale = "vi-VN",
            });
            var page = await context.NewPageAsync();
            var errors = new List<string>();
            page.Console += (_, message) =>
            {
                if (message.Type == "error")
                {
                    errors.Add(message.Text);
                }
            };
            await SignInAsync(page);
            var timer = new PageTimer(page);

            // --diagram-only: just the 60-node diagram (while working on the canvas).
            var scenarios = options.DiagramOnly ? [] : await ScenariosAsync(api, seeded);
            var diagramProfile = "";
            try
            {
                await MeasureAsync();
            }
            catch (Exception e) when (e is PlaywrightException or TimeoutException)
            {
                await Console.Error.WriteLineAsync($"Designer output:\n{designer.Tail}\nBrowser console errors:\n{string.Join('\n', errors)}");
                throw;
            }

            async Task MeasureAsync()
            {
                foreach (var scenario in scenarios)
                {
                    Log($"{scenario.Name}: {scenario.Path}");
                    var pageTimes = new List<double>();
                    var calls = new List<double>();
                    for (var i = 0; i < options.WarmUp + options.Repetitions; i++)
                    {
                        var pageTime = await timer.TimeAsync(scenario.Path, scenario.Ready);
                        var callTime = await PageTimer.TimeCallsAsync(api, scenario.HostCalls);
                        if (i >= options.WarmUp)
                        {
                            pageTimes.Add(pageTime);
                            calls.Add(callTime);
                        }
                    }

                    var row = new Row(scenario.Name, scenario.Path, scenario.HostCalls, new Timings(pageTimes), new Timings(calls), null, PageTargetMs);
                    rows.Add(row);
                    Log($"  page {row.Page}; Host calls alone {row.Baseline}");
                }

                var large = $"/thu-tuc/{Uri.EscapeDataString(seeded.LargeCode)}";
                var editorCalls = EditorCalls(seeded.LargeCode, seeded.LargeTo);
                Log($"60-node diagram: {large}");
                var drawnTimes = new List<double>();
                var usableTimes = new List<double>();
                var largeCalls = new List<double>();
                var profiles = new List<IReadOnlyDictionary<string, double>>();
                for (var i = 0; i < options.WarmUp + options.Repetitions; i++)
                {
                    var (drawn, usable, profile) = await timer.TimeDiagramAsync(large, seeded.LargeNodes, "intake");
                    var callTime = await PageTimer.TimeCallsAsync(api, editorCalls);
                    if (i >= options.WarmUp)
                    {
                        drawnTimes.Add(drawn);
                        usableTimes.Add(usable);
                        largeCalls.Add(callTime);
                        profiles.Add(profile);
                    }
                }

                diagramProfile = DiagramProfile(profiles);
                Log($"  where the time goes (medians, ms after navigation): {diagramProfile}");

                var diagram = new Row($"Editor, first usable diagram ({seeded.LargeNodes} nodes drawn, a click selects a node)", large, editorCalls,
                    new Timings(usableTimes), new Timings(largeCalls), new Timings(drawnTimes), DiagramTargetMs);
                rows.Add(diagram);
                Log($"  usable {diagram.Page}; every node drawn {diagram.Drawn}; Host calls alone {diagram.Baseline}");
                await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(MarkdownReport.ResultsFolder, "designer-60-nodes.png") });
            }

            var report = Report(options, started, seeded, catalogueSize, rows, diagramProfile, loadAtStart, errors);
            var file = await report.WriteAsync($"designer-{started:yyyy-MM-dd}{(options.Label is null ? "" : "-" + options.Label)}.md");
            Log($"report written to {file}");
            return 0;
        }
        finally
        {
            await EndRunAsync(server, database, work, options.Keep, Log);
        }
    }

    private sealed record Scenario(string Name, string Path, string Ready, IReadOnlyList<string> HostCalls);

    private sealed record Row(string Name, string Path, IReadOnlyList<string> HostCalls, Timings Page, Timings Baseline, Timings? Drawn, double TargetMs)
    {
        public double Ratio => Page.Median / Baseline.Median;
    }

    private static string Year => DateTime.Today.Year.ToString(CultureInfo.InvariantCulture);

    // What EditorPage.LoadAsync asks the Host, in its order.
    private static string[] EditorCalls(string code, int version) =>
    [
        "api/departments",
        $"api/calendars/{Year}",
        $"api/definitions/{Uri.EscapeDataString(code)}/versions",
        string.Create(CultureInfo.InvariantCulture, $"api/definitions/{Uri.EscapeDataString(code)}/versions/{version}"),
    ];

    private static async Task<IReadOnlyList<Scenario>> ScenariosAsync(HttpClient api, SeededCatalogue seeded)
    {
        // The catalogue: a query typed without diacritics, a field filter, page 2 (checked against what the Host answers).
        const string query = "cap giay phep";
        const string field = "Hoạt động xây dựng";
        var search = $"api/definitions?search={Uri.EscapeDataString(query)}&field={Uri.EscapeDataString(field)}&page=2&pageSize=20";
        var found = await api.GetFromJsonAsync<JsonElement>(new Uri(search, UriKind.Relative));
        var total = found.GetProperty("total").GetInt32();
        if (total <= 20)
        {
            throw new InvalidOperationException($"The catalogue search finds {total} procedures: no page 2 to measure.");
        }

        var firstOnPage2 = found.GetProperty("items")[0].GetProperty("code").GetString()!;
        var catalogue = new Scenario(
            $"Catalogue: \"{query}\" + field \"{field}\", page 2 ({total} found)",
            $"/thu-tuc?q={Uri.EscapeDataString(query)}&linh-vuc={Uri.EscapeDataString(field)}&trang=2",
            $"document.querySelector('[data-testid=procedure-code]')?.textContent === '{firstOnPage2}'",
            ["api/departments", search]);

        var typical = Uri.EscapeDataString(seeded.TypicalCode);
        var versions = await api.GetFromJsonAsync<JsonElement>(new Uri($"api/definitions/{typical}/versions", UriKind.Relative));
        var last = versions.EnumerateArray().Last();
        var lastVersion = last.GetProperty("version").GetInt32();
        var editor = new Scenario(
            $"Editor open ({seeded.TypicalCode}: its draft v{lastVersion}, {seeded.TypicalNodes} nodes; until the title and the process table are rendered)",
            $"/thu-tuc/{typical}",
            "document.querySelector('[data-testid=editor-title]')?.textContent.length > 0 && document.querySelector('[data-testid=diagram]') !== null",
            EditorCalls(seeded.TypicalCode, lastVersion));

        var code = Uri.EscapeDataString(seeded.LargeCode);
        var diff = new Scenario(
            $"Diff ({seeded.LargeCode} v{seeded.LargeFrom} → v{seeded.LargeTo}, {seeded.LargeNodes} nodes; until the time summary and the node table are rendered)",
            string.Create(CultureInfo.InvariantCulture, $"/thu-tuc/{code}/so-sanh?tu={seeded.LargeFrom}&den={seeded.LargeTo}"),
            "document.querySelector('[data-testid=diff-nodes]') !== null && document.querySelector('[data-testid=time-after]') !== null",
            [
                string.Create(CultureInfo.InvariantCulture, $"api/definitions/{code}/versions/{seeded.LargeFrom}"),
                string.Create(CultureInfo.InvariantCulture, $"api/definitions/{code}/versions/{seeded.LargeTo}"),
                string.Create(CultureInfo.InvariantCulture, $"api/definitions/{code}/diff?from={seeded.LargeFrom}&to={seeded.LargeTo}"),
                "api/departments",
            ]);

        var history = new Scenario(
            $"Versions ({seeded.TypicalCode}, {versions.GetArrayLength()} versions)",
            $"/thu-tuc/{typical}/phien-ban",
            string.Create(CultureInfo.InvariantCulture, $"document.querySelector('[data-testid=version-{lastVersion}]') !== null"),
            [$"api/definitions/{typical}/versions"]);

        return [catalogue, editor, diff, history];
    }

    private static async Task SignInAsync(IPage page)
    {
        await page.GotoAsync("/dang-nhap");
        await page.Locator("#userName").FillAsync("thiet.ke");
        await page.Locator("#password").FillAsync("dev-password");
        await page.GetByTestId("sign-in").ClickAsync();
        await page.GetByTestId("interactive").WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Attached, Timeout = 60_000 });
    }

    /// <summary>
    /// Medians of the diagram's milestones over the repetitions, in the order they happen: the canvas module's marks
    /// (module created, patch sent and applied, fit), the last change of the graph's and the minimap's DOM before the
    /// click (X6 draws in animation frames after the patch returns), Playwright's mousedown, the selection box; then the
    /// frames, the longest gap between two frames and the long tasks (over 50 ms) before the click.
    /// </summary>
    private static string DiagramProfile(List<IReadOnlyDictionary<string, double>> profiles)
    {
        var inv = CultureInfo.InvariantCulture;
        var keys = profiles.SelectMany(p => p.Keys).Distinct().ToList();
        string[] counts = ["frames", "maxFrameGap", "longTasks", "longTaskMs"];
        var milestones = keys.Except(counts)
            .Select(k => (Key: k, Median: new Timings([.. profiles.Where(p => p.ContainsKey(k)).Select(p => p[k])]).Median))
            .OrderBy(m => m.Median)
            .Select(m => string.Create(inv, $"{m.Key} {m.Median:F0}"));
        var totals = counts.Where(keys.Contains)
            .Select(k => string.Create(inv, $"{k} {new Timings([.. profiles.Select(p => p.TryGetValue(k, out var v) ? v : 0)]).Median:F0}"));
        return string.Join("; ", milestones) + " | " + string.Join("; ", totals);
    }

    private static MarkdownReport Report(Options options, DateTimeOffset started, SeededCatalogue seeded, int catalogueSize, List<Row> rows, string diagramProfile, string loadAtStart, List<string> errors)
    {
        var inv = CultureInfo.InvariantCulture;
        var report = new MarkdownReport(
            $"Designer benchmark, {started:yyyy-MM-dd HH:mm zzz}",
            $"dotnet run -c Release --project tests/Workflows.Benchmarks -- {string.Join(' ', ["designer", .. options.Arguments])}",
            loadAtStart);
        report.Machine($"Catalogue: {catalogueSize} procedures ({seeded.Procedures} loaded by the benchmark through the Host's API in {seeded.Took.TotalSeconds:F0} s, {seeded.Versions} versions, {seeded.Drafts} with a draft), Host and Designer Release builds in Development (for the development users), PostgreSQL.")
            .Machine($"Each figure: {options.Repetitions} repetitions after {options.WarmUp} of warm-up; median and p95 (nearest rank), milliseconds.")
            .Machine("Page: from `Blazor.navigateTo` in the signed-in tab (inside the circuit: no page load) to the page's ready condition in the DOM: the server's routing, Host calls and render, the render diff over the WebSocket on loopback and the browser applying it. An upper bound of the server time. Host calls: the same GET requests the page makes, one after the other, timed alone from the benchmark with the designer's key (the floor the page cannot go below).")
            .Machine("Diagram: navigation to every node drawn (`data-nodes` on the canvas) and to a real click on a node having selected it (X6 selection box): includes the browser's work (X6 drawing), as the target means.");
        report.Heading("Results").Table(
            ["Page", ">Page median", ">Page p95", ">Host calls median", ">Host calls p95", ">Page / calls", ">Target", "Met (p95)"],
            rows.Select(row => (IReadOnlyList<string>)[row.Name, row.Page.Median.ToString("F0", inv), row.Page.P95.ToString("F0", inv), row.Baseline.Median.ToString("F0", inv), row.Baseline.P95.ToString("F0", inv), string.Create(inv, $"{row.Ratio:F1}×"), row.TargetMs.ToString("F0", inv), row.Page.P95 < row.TargetMs ? "yes" : string.Create(inv, $"no (+{row.Page.P95 - row.TargetMs:F0} ms)")]));
        foreach (var row in rows.Where(r => r.Drawn is not null))
        {
            report.Line(string.Create(inv, $"Every node of the {seeded.LargeNodes}-node diagram drawn: {row.Drawn}; usable (click selects): {row.Page}."));
            report.Line(string.Create(inv, $"Where the time goes (medians, ms after navigation; `wf-canvas:*` are the canvas module's marks, `graphChanged`/`minimapChanged` the last DOM change of the graph/minimap before the click, `mousedown` Playwright's click arriving, `selectionBox` X6's answer; then frames, longest frame gap and long tasks before the click): {diagramProfile}"));
        }

        report.Line("Paths and Host calls:");
        foreach (var row in rows)
        {
            report.Line($"- `{row.Path}`: {string.Join(", ", row.HostCalls.Select(c => $"`GET /{c}`"))}", tight: true);
        }

        if (errors.Count > 0)
        {
            report.Line(string.Empty, tight: true).Line($"Browser console errors during the run: {string.Join("; ", errors.Distinct().Take(5))}");
        }

        return report;
    }

    private static void Log(string message) => Console.WriteLine($"[{DateTime.Now:HH:mm:ss}] {message}");

    private sealed record Options(int Procedures, int Repetitions, int WarmUp, int Parallel, string? Label, bool Keep, bool DiagramOnly, string? Connection, string[] Arguments)
    {
        public static Options? Parse(string[] args)
        {
            int procedures = 2000, repetitions = 20, warmUp = 5, parallel = 4;
            string? label = null, connection = null;
            bool keep = false, diagramOnly = false;
            for (var i = 0; i < args.Length; i++)
            {
                string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
                switch (args[i])
                {
                    case "--procedures": procedures = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                    case "--repetitions": repetitions = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                    case "--warmup": warmUp = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                    case "--parallel": parallel = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                    case "--label": label = Next(); break;
                    case "--connection": connection = Next(); break;
                    case "--keep": keep = true; break;
                    case "--diagram-only": diagramOnly = true; break;
                    default: return null;
                }
            }

            return procedures < 1 || repetitions < 1 || warmUp < 0 || parallel < 1
                ? null
                : new Options(procedures, repetitions, warmUp, parallel, label, keep, diagramOnly, connection, [.. args.Where((a, i) => a != "--connection" && (i == 0 || args[i - 1] != "--connection"))]);
        }
    }
}
