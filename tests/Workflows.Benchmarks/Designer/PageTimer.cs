using System.Diagnostics;
using System.Globalization;
using Microsoft.Playwright;

namespace Workflows.Benchmarks.Designer;

/// <summary>
/// Times pages of the Designer in one signed-in Chromium tab, inside the Blazor circuit: the browser's clock starts
/// when <c>Blazor.navigateTo</c> is called (no HTTP page load, no circuit start: only what the server does for the page,
/// its Host calls and render, the diff over the WebSocket on loopback, and the browser applying it) and stops when the
/// page's ready condition holds (checked on every DOM mutation). Between repetitions the tab goes back to the home
/// page, which calls nothing on the Host.
/// </summary>
internal sealed class PageTimer(IPage page)
{
    private const string AwayFromPages =
        "location.pathname === '/' && !document.querySelector('[data-testid=catalogue-grid],[data-testid=editor],[data-testid=versions],[data-testid=diff-nodes]')";

    // Navigates inside the circuit and resolves with the milliseconds until `ready` (a JS expression) holds.
    private const string NavigateAndWait = """
        async ([path, ready, timeout]) => {
          const isReady = new Function('return (' + ready + ');');
          window.__benchStart = performance.now();
          window.Blazor.navigateTo(path);
          return await new Promise((resolve, reject) => {
            let observer;
            const timer = setTimeout(() => { observer.disconnect(); reject(new Error('not ready within ' + timeout + ' ms: ' + path)); }, timeout);
            const check = () => {
              if (isReady()) {
                observer.disconnect();
                clearTimeout(timer);
                resolve(performance.now() - window.__benchStart);
              }
            };
            observer = new MutationObserver(check);
            observer.observe(document.body, { childList: true, subtree: true, attributes: true, characterData: true });
            check();
          });
        }
        """;

    // Records, for one opening of the diagram, when things happen in the tab (performance.now()): the canvas module's
    // marks (wf-canvas:*), the last DOM change of the graph and of the minimap before the click, the click's mousedown,
    // the selection box, and the frames and long tasks in between. Read back by DiagramProfile.
    private const string InstallProbe = """
        () => {
          performance.clearMarks();
          const probe = window.__diagramProbe = { frames: 0, maxFrameGap: 0, longTasks: 0, longTaskMs: 0 };
          const at = (key) => { if (probe[key] === undefined) probe[key] = performance.now(); };
          let lastFrame = performance.now();
          const frame = (t) => {
            if (probe.mousedown !== undefined) return;
            probe.frames++;
            probe.maxFrameGap = Math.max(probe.maxFrameGap, t - lastFrame);
            lastFrame = t;
            requestAnimationFrame(frame);
          };
          requestAnimationFrame(frame);
          const tasks = new PerformanceObserver((list) => {
            for (const task of list.getEntries()) {
              if (probe.mousedown === undefined || task.startTime < probe.mousedown) {
                probe.longTasks++;
                probe.longTaskMs += task.duration;
              }
            }
          });
          tasks.observe({ type: 'longtask' });
          const observer = new MutationObserver((records) => {
            const now = performance.now();
            for (const record of records) {
              const target = record.target instanceof Element ? record.target : record.target.parentElement;
              if (!target) continue;
              if (target.closest('.wf-canvas-minimap')) {
                if (probe.mousedown === undefined) probe.minimapChanged = now;
              } else if (target.closest('.wf-canvas-graph')) {
                if (target.closest('.x6-widget-selection')) at('selectionBox');
                else if (probe.mousedown === undefined) probe.graphChanged = now;
              }
            }
          });
          observer.observe(document.body, { childList: true, subtree: true, attributes: true });
          window.addEventListener('mousedown', () => at('mousedown'), { capture: true, once: true });
          probe.stop = () => { observer.disconnect(); tasks.disconnect(); };
        }
        """;

    private const string ReadProbe = """
        () => {
          const probe = window.__diagramProbe;
          probe.stop();
          const start = window.__benchStart;
          const result = {};
          for (const mark of performance.getEntriesByType('mark')) {
            if (mark.name.startsWith('wf-canvas:') && result[mark.name] === undefined) result[mark.name] = mark.startTime - start;
          }
          for (const key of ['graphChanged', 'minimapChanged', 'mousedown', 'selectionBox']) {
            if (probe[key] !== undefined) result[key] = probe[key] - start;
          }
          result.frames = probe.frames;
          result.maxFrameGap = probe.maxFrameGap;
          result.longTasks = probe.longTasks;
          result.longTaskMs = probe.longTaskMs;
          return result;
        }
        """;

    public IPage Page => page;

    /// <summary>Milliseconds from navigation to <paramref name="ready"/>, after going home first.</summary>
    public async Task<double> TimeAsync(string path, string ready)
    {
        await GoHomeAsync();
        try
        {
            return await page.EvaluateAsync<double>(NavigateAndWait, new object[] { path, ready, 30_000 });
        }
        catch (PlaywrightException)
        {
            // What the page showed instead, for the one reading the failure.
            var shot = Path.Combine(Path.GetTempPath(), "designer-benchmark-not-ready.png");
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = shot, FullPage = true });
            Console.Error.WriteLine($"not ready: {path}; screenshot {shot}");
            throw;
        }
    }

    /// <summary>
    /// Time to first usable diagram: navigation to every node drawn (<c>data-nodes</c>, which the canvas sets after
    /// each patch) and then to a real click on <paramref name="nodeId"/> having selected it (X6's selection box appears
    /// in the page, by the browser's clock; Playwright clicks as soon as the node is visible, stable and hit first).
    /// </summary>
    public async Task<(double Drawn, double Usable, IReadOnlyDictionary<string, double> Profile)> TimeDiagramAsync(string path, int nodes, string nodeId)
    {
        await GoHomeAsync();
        await page.EvaluateAsync(InstallProbe);
        var ready = string.Create(CultureInfo.InvariantCulture, $"document.querySelector('[data-testid=diagram]')?.dataset.nodes === '{nodes}'");
        var drawn = await page.EvaluateAsync<double>(NavigateAndWait, new object[] { path, ready, 30_000 });
        var node = page.Locator($".wf-canvas-graph [data-cell-id='{nodeId}']");
        await node.ClickAsync(new LocatorClickOptions { Timeout = 30_000 });
        await page.Locator(".wf-canvas-graph .x6-widget-selection-box").First.WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Attached, Timeout = 30_000 });
        var seen = await page.EvaluateAsync<double>("() => performance.now() - window.__benchStart");
        var profile = await page.EvaluateAsync<Dictionary<string, double>>(ReadProbe);
        // Usable when the browser shows the selection (its own clock, MutationObserver), not when the benchmark hears of
        // it: Playwright's round trips after the fact (waitFor, evaluate) are the benchmark's, not the user's.
        profile["benchmarkSawSelection"] = seen;
        return (drawn, profile.TryGetValue("selectionBox", out var selected) ? selected : seen, profile);
    }

    private async Task GoHomeAsync()
    {
        await page.EvaluateAsync("() => window.Blazor.navigateTo('/')");
        try
        {
            await page.WaitForFunctionAsync(AwayFromPages, null, new PageWaitForFunctionOptions { Timeout = 30_000 });
        }
        catch (TimeoutException)
        {
            var shot = Path.Combine(Path.GetTempPath(), "designer-benchmark-not-home.png");
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = shot, FullPage = true });
            Console.Error.WriteLine($"not home: {page.Url}; screenshot {shot}");
            throw;
        }
    }

    /// <summary>The same Host calls a page makes, one after the other, timed with a stopwatch (the page's floor).</summary>
    public static async Task<double> TimeCallsAsync(HttpClient host, IReadOnlyList<string> paths)
    {
        var clock = Stopwatch.StartNew();
        foreach (var path in paths)
        {
            using var response = await host.GetAsync(new Uri(path, UriKind.Relative));
            response.EnsureSuccessStatusCode();
            await response.Content.ReadAsByteArrayAsync();
        }

        return clock.Elapsed.TotalMilliseconds;
    }
}

/// <summary>Median and 95th percentile (nearest rank) of repeated timings, in milliseconds.</summary>
internal sealed record Timings(IReadOnlyList<double> Samples)
{
    public double Median => Percentile(0.5);

    public double P95 => Percentile(0.95);

    public double Percentile(double p)
    {
        var sorted = Samples.Order().ToArray();
        return sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"median {Median:F0} ms, p95 {P95:F0} ms");
}
