using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Playwright;
using Workflows.Designer.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace Workflows.Designer.Tests.Browser;

[Collection(PlatformTests.Name)]
public sealed class CatalogueTests(RunningPlatform platform)
{
    [Fact]
    public async Task A_designer_finds_a_procedure_typed_without_diacritics_and_opens_its_versions()
    {
        await using var tab = await platform.OpenPageAsync(nameof(A_designer_finds_a_procedure_typed_without_diacritics_and_opens_its_versions));
        await tab.SignInAsync("thiet.ke");
        await tab.OpenAsync("/thu-tuc");
        var names = tab.Page.GetByTestId("procedure-name");
        await Expect(names.First).ToBeVisibleAsync();

        await tab.Page.Locator("#catalogue-search").FillAsync("giay phep xay dung");

        // Every procedure whose name folds to the words, and only those (the catalogue also has one for works).
        await Expect(names).ToHaveTextAsync(["Cấp giấy phép xây dựng mới đối với nhà ở riêng lẻ", "Cấp giấy phép xây dựng mới đối với công trình không theo tuyến"]);
        await Expect(tab.Page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex(@"q=giay(%20|\+)phep(%20|\+)xay(%20|\+)dung"));
        await Expect(tab.Page.GetByTestId("catalogue-grid")).ToContainTextAsync("Hoạt động xây dựng");
        await tab.ScreenshotAsync("30-danh-muc");

        await tab.Page.GetByTestId("open-versions").First.ClickAsync();
        await Expect(tab.Page.GetByRole(AriaRole.Heading, new() { Name = "Các phiên bản của thủ tục 1.009994" })).ToBeVisibleAsync();
        await Expect(tab.Page.GetByTestId("version-1")).ToContainTextAsync("Đã ban hành");
        await Expect(tab.Page.GetByTestId("export-1")).ToHaveAttributeAsync("href", "/thu-tuc/1.009994/phien-ban/1/tai-ve");
        var download = await tab.Page.RunAndWaitForDownloadAsync(() => tab.Page.GetByTestId("export-1").ClickAsync());
        Assert.Equal("1.009994-v1.json", download.SuggestedFilename);
        await tab.ScreenshotAsync("31-phien-ban");

        tab.Passed();
    }

    [Fact]
    public async Task The_catalogue_as_first_sent_says_it_is_loading_and_never_that_nothing_matches()
    {
        await using var tab = await platform.OpenPageAsync(nameof(The_catalogue_as_first_sent_says_it_is_loading_and_never_that_nothing_matches));
        await tab.SignInAsync("thiet.ke");

        // The page as the server first sends it, before the browser's circuit has asked the Host for the rows: what a
        // user reads during the first moments (longer on a slow line).
        var first = await tab.Page.Context.APIRequest.GetAsync("/thu-tuc");
        Assert.Equal(200, first.Status);
        // Decoded: the server writes Vietnamese letters as character references.
        var html = System.Net.WebUtility.HtmlDecode(await first.TextAsync());
        Assert.Contains("Đang tải danh mục thủ tục…", html, StringComparison.Ordinal);
        Assert.DoesNotContain("Không có thủ tục nào", html, StringComparison.Ordinal);

        await tab.OpenAsync("/thu-tuc");
        await Expect(tab.Page.GetByTestId("procedure-code").First).ToBeVisibleAsync();
        await Expect(tab.Page.GetByTestId("catalogue-loading")).ToHaveCountAsync(0);

        tab.Passed();
    }

    [Fact]
    public async Task A_published_v2_with_an_added_step_shows_the_step_and_the_time_difference()
    {
        const string Code = "1.004194";
        using var host = platform.HostClient(RunningPlatform.DesignerKey);
        var latest = await RunningPlatform.ReadAsync<JsonObject>(await host.GetAsync($"/api/definitions/{Code}"));
        var definition = latest!["definition"]!.AsObject();
        var flowchart = definition["flowchart"]!.AsObject();
        flowchart["nodes"]!.AsArray().Add(JsonNode.Parse("""
            { "type": "Step", "id": "legalCheck", "name": "Kiểm tra pháp lý hồ sơ", "department": "police",
              "allottedTime": { "value": 1.5, "unit": "workingDays" }, "outcomes": ["approved"] }
            """));
        var connections = flowchart["connections"]!.AsArray();
        var toApproval = connections.Single(c => (string?)c!["from"] == "review" && (string?)c["to"] == "approval")!;
        toApproval["to"] = "legalCheck";
        connections.Add(JsonNode.Parse("""{ "from": "legalCheck", "to": "approval", "outcome": "approved" }"""));
        // One more step lengthens the process past its limits: both grow to 10 days.
        definition["legalTimeLimit"] = JsonNode.Parse("""{ "value": 10, "unit": "workingDays" }""");
        definition["committedTimeLimit"] = JsonNode.Parse("""{ "value": 10, "unit": "workingDays" }""");
        await RunningPlatform.EnsureSuccessAsync(await host.PostAsJsonAsync("/api/definitions", definition));
        await RunningPlatform.EnsureSuccessAsync(await host.PostAsync($"/api/definitions/{Code}/draft/publish", null));

        await using var tab = await platform.OpenPageAsync(nameof(A_published_v2_with_an_added_step_shows_the_step_and_the_time_difference));
        await tab.SignInAsync("thiet.ke");
        await tab.OpenAsync($"/thu-tuc/{Code}/phien-ban");
        await Expect(tab.Page.GetByTestId("version-2")).ToContainTextAsync("Đã ban hành");
        await tab.Page.GetByTestId("compare").ClickAsync();

        await Expect(tab.Page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex(@"/thu-tuc/1\.004194/so-sanh\?tu=1&den=2$"));
        var added = tab.Page.GetByTestId("diff-node-legalCheck");
        await Expect(added).ToContainTextAsync("Thêm mới");
        await Expect(added).ToContainTextAsync("Kiểm tra pháp lý hồ sơ");
        await Expect(tab.Page.GetByTestId("diff-node-review")).ToHaveCountAsync(0);
        await Expect(tab.Page.GetByTestId("time-before")).ToHaveTextAsync("7 ngày làm việc");
        await Expect(tab.Page.GetByTestId("time-after")).ToHaveTextAsync("8,5 ngày làm việc");
        await Expect(tab.Page.GetByTestId("time-difference")).ToContainTextAsync("+1,5 ngày làm việc");
        await Expect(tab.Page.GetByTestId("diff-metadata-committedTimeLimit")).ToContainTextAsync("10 ngày làm việc");

        // The diagram draws the added step as added, and the arrow from the review straight to the approval, which v2
        // no longer has, as removed (red, dashed) where it was.
        var diagram = tab.Page.GetByTestId("diff-diagram").Locator(".wf-canvas-graph");
        await Expect(diagram.Locator("[data-cell-id='legalCheck'] [data-diff='Added']")).ToHaveCountAsync(1);
        await Expect(diagram.Locator("[data-cell-id^='review:'][data-cell-id$='->approval'] [data-diff='Removed']")).ToHaveCountAsync(1);
        await Expect(diagram.Locator("[data-cell-id^='legalCheck:'][data-cell-id$='->approval'] [data-diff='Added']")).ToHaveCountAsync(1);
        await Expect(diagram.Locator("[data-cell-id='review'] [data-diff]")).ToHaveCountAsync(0);
        await tab.ScreenshotAsync("32-so-sanh");

        tab.Passed();
    }

    [Fact]
    public async Task An_administrator_cuts_a_step_and_sees_the_saving_against_the_target()
    {
        await using var tab = await platform.OpenPageAsync(nameof(An_administrator_cuts_a_step_and_sees_the_saving_against_the_target));
        await tab.SignInAsync("quan.tri");
        await tab.OpenAsync("/thu-tuc/1.009994/cat-giam");
        await Expect(tab.Page.GetByTestId("cut-before")).ToHaveTextAsync("15 ngày làm việc");
        await Expect(tab.Page.GetByTestId("cut-target")).ToHaveAttributeAsync("data-met", "false");

        await tab.Page.GetByTestId("cut-Remove-siteInspection").ClickAsync();

        await Expect(tab.Page.GetByTestId("cut-after")).ToHaveTextAsync("12 ngày làm việc");
        await Expect(tab.Page.GetByTestId("cut-saving")).ToHaveTextAsync("3 ngày (20 %)");
        await Expect(tab.Page.GetByTestId("cut-target")).ToContainTextAsync("Chưa đạt mục tiêu giảm 30 %");
        // The result's diagram still draws the removed step, as removed, with its arrows.
        var diagram = tab.Page.GetByTestId("cut-diagram").Locator(".wf-canvas-graph");
        await Expect(diagram.Locator("[data-cell-id='siteInspection'] [data-diff='Removed']")).ToHaveCountAsync(1);
        await Expect(diagram.Locator("[data-cell-id$='->siteInspection'] [data-diff='Removed']").First).ToBeAttachedAsync();
        await Expect(diagram.Locator("[data-cell-id='review'] [data-diff]")).ToHaveCountAsync(0);

        await tab.Page.GetByTestId("cut-Shorten-review").ClickAsync();
        var time = tab.Page.Locator("input[data-testid=cut-time-review], [data-testid=cut-time-review] input");
        await time.FillAsync("4");
        await time.BlurAsync();

        await Expect(tab.Page.GetByTestId("cut-saving")).ToHaveTextAsync("6 ngày (40 %)");
        await Expect(tab.Page.GetByTestId("cut-target")).ToHaveAttributeAsync("data-met", "true");
        await Expect(tab.Page.GetByTestId("cut-target")).ToContainTextAsync("Đạt mục tiêu giảm 30 %");
        // A shortened step is drawn as changed, on the same diagram, as soon as its new time is typed.
        await Expect(diagram.Locator("[data-cell-id='review'] [data-diff='Changed']")).ToHaveCountAsync(1);
        await Expect(diagram.Locator("[data-cell-id='siteInspection'] [data-diff='Removed']")).ToHaveCountAsync(1);
        // Typing the time scrolled the table; the full-page screenshot reads best from the top (the app bar is fixed).
        await tab.Page.EvaluateAsync("() => window.scrollTo(0, 0)");
        await tab.ScreenshotAsync("33-cat-giam");

        tab.Passed();
    }
}
