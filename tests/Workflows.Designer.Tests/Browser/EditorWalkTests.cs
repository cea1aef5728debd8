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

    [Fact]
    public async Task A_step_added_and_published_in_the_editor_shows_as_added_with_the_time_difference_in_the_diff_of_that_version()
    {
        const string Code = "VD-CT-002";
        using var host = platform.HostClient(RunningPlatform.DesignerKey);
        var latest = await RunningPlatform.ReadAsync<JsonObject>(await host.GetAsync($"/api/definitions/{Code}"));
        var previous = (int)latest!["version"]!;
        var next = previous + 1;
        await using var tab = await platform.OpenPageAsync(nameof(A_step_added_and_published_in_the_editor_shows_as_added_with_the_time_difference_in_the_diff_of_that_version));
        await tab.SignInAsync("thiet.ke");
        try
        {
            await tab.OpenAsync($"/thu-tuc/{Code}");
            var page = tab.Page;
            var rows = page.GetByTestId("step-row");
            await Expect(rows).ToHaveCountAsync(4);
            await Expect(page.GetByTestId("longest-path-days")).ToHaveTextAsync("5");

            // The police verify in one day instead of two, and check the population database for half a day after the
            // update: 5 days become 4.5.
            var verify = page.Locator("[data-testid=step-row][data-node-id=verify]");
            await verify.GetByTestId("step-time-value").FillAsync("1");
            await verify.GetByTestId("step-time-value").BlurAsync();
            await page.Locator("[data-testid=step-row][data-node-id=update]").GetByTestId("step-add-after").ClickAsync();
            await Expect(rows).ToHaveCountAsync(5);
            var added = rows.Nth(3);
            var stepId = await added.GetAttributeAsync("data-node-id");
            Assert.False(string.IsNullOrEmpty(stepId));
            const string Name = "Đối chiếu Cơ sở dữ liệu quốc gia về dân cư";
            await added.GetByTestId("step-name").FillAsync(Name);
            await added.GetByTestId("step-name").BlurAsync();
            await added.GetByTestId("step-time-value").FillAsync("0.5");
            await added.GetByTestId("step-time-value").BlurAsync();
            await Expect(page.GetByTestId("longest-path-days")).ToHaveTextAsync("4,5");
            await Expect(page.GetByTestId("problem-count")).ToHaveTextAsync("0");

            await page.GetByTestId("save").ClickAsync();
            await Expect(page.GetByTestId("editor-state")).ToContainTextAsync($"Bản nháp phiên bản {next}");
            await Expect(page.GetByTestId("editor-state")).Not.ToContainTextAsync("chưa lưu");

            // The confirmation names the added step and the dossiers left on the version in force before anything is published.
            await page.GetByTestId("publish").ClickAsync();
            await Expect(page.GetByTestId("publish-changes")).ToContainTextAsync(Name);
            await Expect(page.GetByTestId("publish-in-flight")).ToContainTextAsync($"0 hồ sơ đang giải quyết theo phiên bản {previous}");
            await page.EvaluateAsync("window.scrollTo(0, 0)");
            await tab.ScreenshotAsync("12-editor-cong-bo");
            await page.GetByTestId("publish-confirm").ClickAsync();
            await Expect(page.GetByTestId("publish-dialog")).ToHaveCountAsync(0);

            // The versions page: the new version is in force; pick it and the one before, and compare them.
            await tab.OpenAsync($"/thu-tuc/{Code}/phien-ban");
            await Expect(page.GetByTestId($"version-{next}")).ToContainTextAsync("Đã ban hành");
            // MudCheckBox puts the test id on its input.
            var pickPrevious = page.Locator($"input[data-testid=pick-{previous}]");
            var pickNext = page.Locator($"input[data-testid=pick-{next}]");
            await pickPrevious.UncheckAsync();
            await pickNext.UncheckAsync();
            await Expect(page.GetByTestId("compare")).ToBeDisabledAsync();
            await pickPrevious.CheckAsync();
            await pickNext.CheckAsync();
            await page.GetByTestId("compare").ClickAsync();

            await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex($@"/thu-tuc/{Code}/so-sanh\?tu={previous}&den={next}$"));
            var row = page.GetByTestId($"diff-node-{stepId}");
            await Expect(row).ToContainTextAsync("Thêm mới");
            await Expect(row).ToContainTextAsync(Name);
            await Expect(page.GetByTestId("diff-field-verify-allottedTime")).ToBeVisibleAsync();
            await Expect(page.GetByTestId("time-before")).ToHaveTextAsync("5 ngày làm việc");
            await Expect(page.GetByTestId("time-after")).ToHaveTextAsync("4,5 ngày làm việc");
            await Expect(page.GetByTestId("time-difference")).ToContainTextAsync("-0,5 ngày làm việc (-10 %)");
            var diagram = page.GetByTestId("diff-diagram").Locator(".wf-canvas-graph");
            await Expect(diagram.Locator($"[data-cell-id='{stepId}'] [data-diff='Added']")).ToHaveCountAsync(1);
            await Expect(diagram.Locator("[data-cell-id='verify'] [data-diff='Changed']")).ToHaveCountAsync(1);
            await tab.ScreenshotAsync("33-so-sanh-ban-vua-cong-bo");

            var published = await RunningPlatform.ReadAsync<JsonObject>(await host.GetAsync($"/api/definitions/{Code}"));
            Assert.Equal(next, (int)published!["version"]!);
            Assert.Contains(published["definition"]!["flowchart"]!["nodes"]!.AsArray(), n => (string?)n!["id"] == stepId && (string?)n["name"] == Name);

            tab.Passed();
        }
        finally
        {
            // Nothing is left as a draft when the walk stops half-way.
            await host.DeleteAsync($"api/definitions/{Code}/draft");
        }
    }

    [Fact]
    public async Task Saving_over_a_draft_another_user_saved_meanwhile_names_them_and_keeping_mine_overwrites_it()
    {
        const string Code = "VD-CT-003";
        using var designer = platform.HostClient(RunningPlatform.DesignerKey);
        using var administrator = platform.HostClient(RunningPlatform.AdministratorKey);
        await using var tab = await platform.OpenPageAsync(nameof(Saving_over_a_draft_another_user_saved_meanwhile_names_them_and_keeping_mine_overwrites_it));
        await tab.SignInAsync("thiet.ke");
        try
        {
            await tab.OpenAsync($"/thu-tuc/{Code}");
            var page = tab.Page;
            var first = page.GetByTestId("step-row").First;
            var stepId = await first.GetAttributeAsync("data-node-id");
            await first.GetByTestId("step-name").FillAsync("Bản của thiết kế viên");
            await first.GetByTestId("step-name").BlurAsync();
            await page.GetByTestId("save").ClickAsync();
            await Expect(page.GetByTestId("editor-state")).Not.ToContainTextAsync("chưa lưu");

            // Meanwhile the administrator saves the same draft through the API, as another Designer tab would.
            var versions = await RunningPlatform.ReadAsync<JsonArray>(await designer.GetAsync($"/api/definitions/{Code}/versions"));
            var draft = (int)versions!.Single(v => string.Equals((string?)v!["status"], "draft", StringComparison.OrdinalIgnoreCase))!["version"]!;
            var read = await administrator.GetAsync($"/api/definitions/{Code}/versions/{draft}");
            var etag = read.Headers.ETag!.ToString();
            var theirs = (await RunningPlatform.ReadAsync<JsonObject>(read))!["definition"]!.AsObject();
            theirs["flowchart"]!["nodes"]!.AsArray().Single(n => (string?)n!["id"] == stepId)!["name"] = "Bản của quản trị viên";
            using (var put = new HttpRequestMessage(HttpMethod.Put, $"/api/definitions/{Code}/draft") { Content = JsonContent.Create(theirs) })
            {
                put.Headers.TryAddWithoutValidation("If-Match", etag);
                await RunningPlatform.EnsureSuccessAsync(await administrator.SendAsync(put));
            }

            // Saving again in the page: the dialog says who saved in between.
            await first.GetByTestId("step-name").FillAsync("Bản cuối của thiết kế viên");
            await first.GetByTestId("step-name").BlurAsync();
            await page.GetByTestId("save").ClickAsync();
            await Expect(page.GetByTestId("conflict-text")).ToContainTextAsync("quan.tri");
            await page.GetByTestId("conflict-keep").ClickAsync();
            await Expect(page.GetByTestId("editor-state")).Not.ToContainTextAsync("chưa lưu");

            var saved = await RunningPlatform.ReadAsync<JsonObject>(await designer.GetAsync($"/api/definitions/{Code}/versions/{draft}"));
            Assert.Contains(saved!["definition"]!["flowchart"]!["nodes"]!.AsArray(), n => (string?)n!["id"] == stepId && (string?)n["name"] == "Bản cuối của thiết kế viên");

            tab.Passed();
        }
        finally
        {
            await designer.DeleteAsync($"api/definitions/{Code}/draft");
        }
    }

    [Fact]
    public async Task A_draft_saved_by_someone_else_after_the_publish_confirmation_opened_is_not_published_unseen()
    {
        const string Code = "VD-DN-003";
        using var designer = platform.HostClient(RunningPlatform.DesignerKey);
        using var administrator = platform.HostClient(RunningPlatform.AdministratorKey);
        await using var tab = await platform.OpenPageAsync(nameof(A_draft_saved_by_someone_else_after_the_publish_confirmation_opened_is_not_published_unseen));
        await tab.SignInAsync("thiet.ke");
        try
        {
            var before = (int)(await RunningPlatform.ReadAsync<JsonObject>(await designer.GetAsync($"/api/definitions/{Code}")))!["version"]!;
            await tab.OpenAsync($"/thu-tuc/{Code}");
            var page = tab.Page;
            var first = page.GetByTestId("step-row").First;
            var stepId = await first.GetAttributeAsync("data-node-id");
            await first.GetByTestId("step-name").FillAsync("Bản của thiết kế viên");
            await first.GetByTestId("step-name").BlurAsync();
            await page.GetByTestId("publish").ClickAsync();
            await Expect(page.GetByTestId("publish-dialog")).ToBeVisibleAsync();

            // While the confirmation is open, the administrator saves the draft through the API.
            var versions = await RunningPlatform.ReadAsync<JsonArray>(await designer.GetAsync($"/api/definitions/{Code}/versions"));
            var draft = (int)versions!.Single(v => string.Equals((string?)v!["status"], "draft", StringComparison.OrdinalIgnoreCase))!["version"]!;
            var read = await administrator.GetAsync($"/api/definitions/{Code}/versions/{draft}");
            var theirs = (await RunningPlatform.ReadAsync<JsonObject>(read))!["definition"]!.AsObject();
            theirs["flowchart"]!["nodes"]!.AsArray().Single(n => (string?)n!["id"] == stepId)!["name"] = "Bản của quản trị viên";
            using (var put = new HttpRequestMessage(HttpMethod.Put, $"/api/definitions/{Code}/draft") { Content = JsonContent.Create(theirs) })
            {
                put.Headers.TryAddWithoutValidation("If-Match", read.Headers.ETag!.ToString());
                await RunningPlatform.EnsureSuccessAsync(await administrator.SendAsync(put));
            }

            await page.GetByTestId("publish-confirm").ClickAsync();

            // Nothing is published: the page says the draft changed, naming who saved it.
            await Expect(page.GetByTestId("problem")).ToContainTextAsync("quan.tri");
            var after = (int)(await RunningPlatform.ReadAsync<JsonObject>(await designer.GetAsync($"/api/definitions/{Code}")))!["version"]!;
            Assert.Equal(before, after);

            tab.Passed();
        }
        finally
        {
            await designer.DeleteAsync($"api/definitions/{Code}/draft");
        }
    }

    [Fact]
    public async Task An_exported_version_imported_unchanged_becomes_a_draft_with_the_same_content_and_a_malformed_file_loses_nothing()
    {
        const string Code = "VD-DN-004";
        using var host = platform.HostClient(RunningPlatform.DesignerKey);
        await using var tab = await platform.OpenPageAsync(nameof(An_exported_version_imported_unchanged_becomes_a_draft_with_the_same_content_and_a_malformed_file_loses_nothing));
        await tab.SignInAsync("thiet.ke");
        var folder = Directory.CreateTempSubdirectory("editor-walk-");
        try
        {
            await tab.OpenAsync($"/thu-tuc/{Code}");
            var page = tab.Page;
            await Expect(page.GetByTestId("step-row").First).ToBeVisibleAsync();
            var latest = await RunningPlatform.ReadAsync<JsonObject>(await host.GetAsync($"/api/definitions/{Code}"));
            var published = (int)latest!["version"]!;

            var download = await page.RunAndWaitForDownloadAsync(() => page.GetByTestId("export").ClickAsync());
            Assert.Equal($"{Code}-v{published}.json", download.SuggestedFilename);
            var file = Path.Combine(folder.FullName, download.SuggestedFilename);
            await download.SaveAsAsync(file);

            var upload = page.GetByTestId("import").Locator("input[type=file]");
            await upload.SetInputFilesAsync(file);
            await Expect(page.GetByTestId("editor-state")).ToContainTextAsync($"Bản nháp phiên bản {published + 1}");

            // The Host stores what was exported: the draft equals the published version but for its number.
            var exported = JsonNode.Parse(await File.ReadAllTextAsync(file))!.AsObject();
            var draft = (await RunningPlatform.ReadAsync<JsonObject>(await host.GetAsync($"/api/definitions/{Code}/versions/{published + 1}")))!["definition"]!.AsObject();
            exported.Remove("version");
            draft.Remove("version");
            Assert.True(JsonNode.DeepEquals(exported, draft), $"imported draft differs from the exported file:\n{draft}\n{exported}");

            // A broken file: a readable message by the Import button, and the unsaved edit is still there.
            var first = page.GetByTestId("step-row").First;
            await first.GetByTestId("step-name").FillAsync("Tiếp nhận hồ sơ (chưa lưu)");
            await first.GetByTestId("step-name").BlurAsync();
            await upload.SetInputFilesAsync(new FilePayload { Name = "hong.json", MimeType = "application/json", Buffer = "{ \"code\": "u8.ToArray() });
            await Expect(page.GetByTestId("problem")).ToBeVisibleAsync();
            await Expect(page.GetByTestId("problem")).ToContainTextAsync("Không nhập được tệp hong.json");
            await Expect(page.GetByTestId("problem")).Not.ToContainTextAsync("Exception");
            // Why, in Vietnamese by the Host's codes (the file's problem by the engine's), not in the Host's English.
            await Expect(page.GetByTestId("problem")).ToContainTextAsync("Tệp chưa đúng định dạng thủ tục");
            await Expect(page.GetByTestId("problem")).ToContainTextAsync("Tệp không phải JSON hợp lệ của một thủ tục; kiểm tra lại nội dung tệp.");
            await Expect(page.GetByTestId("problem")).Not.ToContainTextAsync("could not be read");
            await Expect(first.GetByTestId("step-name")).ToHaveValueAsync("Tiếp nhận hồ sơ (chưa lưu)");
            await Expect(page.GetByTestId("editor-state")).ToContainTextAsync("chưa lưu");
            await page.EvaluateAsync("window.scrollTo(0, 0)");
            await tab.ScreenshotAsync("13-editor-nhap-loi");

            tab.Passed();
        }
        finally
        {
            await host.DeleteAsync($"api/definitions/{Code}/draft");
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task A_five_megabyte_file_is_refused_in_vietnamese_by_the_import_button_and_the_unsaved_edit_stays()
    {
        const string Code = "VD-DN-002";
        using var host = platform.HostClient(RunningPlatform.DesignerKey);
        await using var tab = await platform.OpenPageAsync(nameof(A_five_megabyte_file_is_refused_in_vietnamese_by_the_import_button_and_the_unsaved_edit_stays));
        await tab.SignInAsync("thiet.ke");
        try
        {
            var versionsBefore = (await RunningPlatform.ReadAsync<JsonArray>(await host.GetAsync($"/api/definitions/{Code}/versions")))!.Count;
            await tab.OpenAsync($"/thu-tuc/{Code}");
            var page = tab.Page;
            var first = page.GetByTestId("step-row").First;
            await first.GetByTestId("step-name").FillAsync("Tiếp nhận hồ sơ (chưa lưu)");
            await first.GetByTestId("step-name").BlurAsync();

            // The procedure's own export padded to 5 MB with a description: well-formed, only too big.
            var exported = JsonNode.Parse(await (await host.GetAsync($"/api/definitions/{Code}/versions/1/export")).Content.ReadAsStringAsync())!.AsObject();
            exported["description"] = new string('x', 5 * 1024 * 1024);
            var upload = page.GetByTestId("import").Locator("input[type=file]");
            await upload.SetInputFilesAsync(new FilePayload { Name = "lon.json", MimeType = "application/json", Buffer = System.Text.Encoding.UTF8.GetBytes(exported.ToJsonString()) });

            var problem = page.GetByTestId("problem");
            await Expect(problem).ToContainTextAsync("Tệp quá lớn", new() { Timeout = 60_000 });
            await Expect(problem).ToContainTextAsync("lon.json");
            await Expect(problem).ToContainTextAsync("5 MB");
            await Expect(problem).ToContainTextAsync("máy chủ chỉ nhận tệp thủ tục đến 1 MB");
            await Expect(problem).Not.ToContainTextAsync("bytes");
            await Expect(first.GetByTestId("step-name")).ToHaveValueAsync("Tiếp nhận hồ sơ (chưa lưu)");
            await Expect(page.GetByTestId("editor-state")).ToContainTextAsync("chưa lưu");
            await page.EvaluateAsync("window.scrollTo(0, 0)");
            await tab.ScreenshotAsync("14-editor-nhap-tep-lon");

            // The Host stored nothing: no new draft.
            Assert.Equal(versionsBefore, (await RunningPlatform.ReadAsync<JsonArray>(await host.GetAsync($"/api/definitions/{Code}/versions")))!.Count);

            tab.Passed();
        }
        finally
        {
            await host.DeleteAsync($"api/definitions/{Code}/draft");
        }
    }

    [Fact]
    public async Task A_decision_that_loops_forever_is_marked_on_its_node_cannot_be_published_and_the_host_keeps_whole_drafts()
    {
        const string Code = "VD-HT-001";
        // A decision is one expression (a bare `while(true){}` does not even compile): a function called in place loops.
        const string Looping = "(() => { while (true) {} })()";
        using var host = platform.HostClient(RunningPlatform.DesignerKey);
        try
        {
            // A draft whose decision loops forever, saved through the API as another tool would: the Host stores it
            // (problems are for publishing) and refuses to publish it, naming the script limit on the decision's field.
            var latest = await RunningPlatform.ReadAsync<JsonObject>(await host.GetAsync($"/api/definitions/{Code}"));
            var published = (int)latest!["version"]!;
            var definition = latest["definition"]!.AsObject();
            var decision = definition["flowchart"]!["nodes"]!.AsArray().Single(n => (string?)n!["id"] == "needsVerification")!;
            decision["expression"] = Looping;
            await RunningPlatform.EnsureSuccessAsync(await host.PostAsJsonAsync("/api/definitions", definition));
            var refused = await host.PostAsync($"/api/definitions/{Code}/draft/publish", null);
            Assert.Equal(System.Net.HttpStatusCode.Conflict, refused.StatusCode);
            var errors = (await refused.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!.AsObject();
            var field = Assert.Single(errors, e => e.Key.EndsWith(".expression", StringComparison.Ordinal));
            Assert.Contains("limits", field.Value!.ToJsonString(), StringComparison.Ordinal);

            await using var tab = await platform.OpenPageAsync(nameof(A_decision_that_loops_forever_is_marked_on_its_node_cannot_be_published_and_the_host_keeps_whole_drafts));
            await tab.SignInAsync("thiet.ke");
            await tab.OpenAsync($"/thu-tuc/{Code}");
            var page = tab.Page;
            await Expect(page.GetByTestId("editor-state")).ToContainTextAsync($"Bản nháp phiên bản {published + 1}");

            // The editor says it on the decision: in the problem list and on its node; publishing is not offered.
            var limit = page.Locator("[data-testid=problem-item][data-code=expressionExceedsLimits]");
            await Expect(limit).ToHaveCountAsync(1);
            await Expect(limit).ToContainTextAsync("Biểu thức điều kiện vượt giới hạn");
            var node = page.GetByTestId("diagram").Locator(".wf-canvas-graph [data-cell-id='needsVerification']");
            await Expect(node.Locator("[data-problems]").First).ToBeAttachedAsync();
            await Expect(page.GetByTestId("publish")).ToBeDisabledAsync();
            await Expect(page.GetByTestId("publish-blocked")).ToBeVisibleAsync();

            // What the designer types meanwhile is kept and saved whole with the decision as it is.
            var first = page.GetByTestId("step-row").First;
            var stepId = await first.GetAttributeAsync("data-node-id");
            await first.GetByTestId("step-name").FillAsync("Tiếp nhận hồ sơ đăng ký kết hôn (đã sửa)");
            await first.GetByTestId("step-name").BlurAsync();
            await page.GetByTestId("save").ClickAsync();
            await Expect(page.GetByTestId("editor-state")).Not.ToContainTextAsync("chưa lưu");
            await Expect(limit).ToHaveCountAsync(1);
            await page.EvaluateAsync("window.scrollTo(0, 0)");
            await tab.ScreenshotAsync("15-editor-dieu-kien-lap-vo-han");

            var draft = (await RunningPlatform.ReadAsync<JsonObject>(await host.GetAsync($"/api/definitions/{Code}/versions/{published + 1}")))!["definition"]!;
            var nodes = draft["flowchart"]!["nodes"]!.AsArray();
            Assert.Equal("Tiếp nhận hồ sơ đăng ký kết hôn (đã sửa)", (string?)nodes.Single(n => (string?)n!["id"] == stepId)!["name"]);
            Assert.Equal(Looping, (string?)nodes.Single(n => (string?)n!["id"] == "needsVerification")!["expression"]);
            var after = await RunningPlatform.ReadAsync<JsonObject>(await host.GetAsync($"/api/definitions/{Code}"));
            Assert.Equal(published, (int)after!["version"]!);

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
