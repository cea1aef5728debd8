using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Playwright;
using Workflows.Designer.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace Workflows.Designer.Tests.Browser;

/// <summary>The administration pages against the real Host: migration of a running dossier, calendars, departments.</summary>
[Collection(PlatformTests.Name)]
public sealed class AdministrationPagesTests(RunningPlatform platform)
{
    [Fact]
    public async Task An_administrator_dry_runs_and_applies_the_migration_of_a_running_dossier_and_it_continues_on_the_new_version()
    {
        // A procedure of its own (a copy of the building permit), a dossier started through the intake API, then version 2
        // with a completeness check after the intake step.
        var code = $"M.{Random.Shared.Next(1000, 9999)}";
        var procedure = JsonNode.Parse(File.ReadAllText(Path.Combine(Repository.Root, "definitions", "procedures", "1.009994-cap-giay-phep-xay-dung-nha-o-rieng-le.json")))!.AsObject();
        procedure["code"] = code;
        procedure["name"] = "Cấp giấy phép xây dựng (thử di chuyển hồ sơ)";
        await PublishAsync(procedure);
        var dossier = await ReceiveAsync(code);
        var flowchart = procedure["flowchart"]!;
        flowchart["nodes"]!.AsArray().Insert(2, JsonNode.Parse("""
            { "type": "Step", "id": "completenessCheck", "name": "Kiểm tra tính đầy đủ của hồ sơ", "department": "one-stop-desk", "allottedTime": { "value": 0.5, "unit": "workingDays" } }
            """));
        var connections = flowchart["connections"]!.AsArray();
        connections.RemoveAt(1);
        connections.Insert(1, JsonNode.Parse("""{ "from": "intake", "to": "completenessCheck", "outcome": "approved" }"""));
        connections.Insert(2, JsonNode.Parse("""{ "from": "completenessCheck", "to": "notifyReceived", "outcome": "approved" }"""));
        // The added half day needs a longer promise (the validator checks the longest path against it).
        procedure["legalTimeLimit"] = JsonNode.Parse("""{ "value": 16, "unit": "workingDays" }""");
        procedure["committedTimeLimit"] = JsonNode.Parse("""{ "value": 16, "unit": "workingDays" }""");
        await PublishAsync(procedure);

        await using var tab = await platform.OpenPageAsync(nameof(An_administrator_dry_runs_and_applies_the_migration_of_a_running_dossier_and_it_continues_on_the_new_version));
        await tab.SignInAsync("quan.tri");
        await tab.OpenAsync("/quan-tri/di-chuyen-ho-so");
        await Expect(tab.Page.GetByRole(AriaRole.Heading, new() { Name = "Di chuyển hồ sơ sang phiên bản mới" })).ToBeVisibleAsync();
        await tab.Page.GetByTestId("procedure").ClickAsync();
        await tab.Page.GetByText($"{code} – ", new() { Exact = false }).First.ClickAsync();
        await Expect(tab.Page.GetByTestId("dry-run")).ToBeEnabledAsync();
        await Expect(tab.Page.GetByText("Phiên bản mới còn đủ các bước của phiên bản cũ.")).ToBeVisibleAsync();

        await tab.Page.GetByTestId("dry-run").ClickAsync();
        var moves = tab.Page.GetByTestId("moves");
        await Expect(moves).ToContainTextAsync(dossier);
        // Where it stands and lands, by the step's name (not its id "intake").
        await Expect(moves.Locator("tr", new() { HasText = dossier })).ToContainTextAsync("Tiếp nhận, kiểm tra thành phần hồ sơ, chuyển Sở Xây dựng");
        await tab.ScreenshotAsync("40-di-chuyen-ho-so-chay-thu");

        await tab.Page.GetByTestId("apply").ClickAsync();
        await Expect(tab.Page.GetByTestId("migration-state")).ToHaveTextAsync("Đã hoàn tất", new() { Timeout = 30_000 });
        await Expect(tab.Page.GetByTestId("outcomes").Locator("tr", new() { HasText = dossier })).ToContainTextAsync("Đã di chuyển");
        await Expect(tab.Page.GetByTestId("outcomes").Locator("tr", new() { HasText = dossier })).ToContainTextAsync("Tiếp nhận, kiểm tra thành phần hồ sơ, chuyển Sở Xây dựng");
        await tab.ScreenshotAsync("41-di-chuyen-ho-so-hoan-tat");

        // The desk completes the intake step, and the dossier goes on along version 2: to the new completeness check.
        using var desk = platform.HostClient("dev-officer-desk-key");
        var tasks = (await desk.GetFromJsonAsync<JsonObject>("/api/tasks?pageSize=200"))!["items"]!.AsArray();
        var task = tasks.Single(t => (string?)t!["dossierCode"] == dossier)!;
        Assert.Equal(2, (int?)task["procedureVersion"]);
        await RunningPlatform.EnsureSuccessAsync(await desk.PostAsJsonAsync($"/api/tasks/{(string)task["id"]!}/complete", new { outcome = "approved" }));
        using var admin = platform.HostClient(RunningPlatform.AdministratorKey);
        var after = (await admin.GetFromJsonAsync<JsonObject>($"/api/dossiers/{dossier}"))!;
        Assert.Contains(after["currentSteps"]!.AsArray(), s => (string?)s!["nodeId"] == "completenessCheck");
        tab.Passed();
    }

    [Fact]
    public async Task The_calendar_page_shows_the_year_and_the_departments_page_lists_the_departments()
    {
        await using var tab = await platform.OpenPageAsync(nameof(The_calendar_page_shows_the_year_and_the_departments_page_lists_the_departments));
        await tab.SignInAsync("quan.tri");
        await tab.OpenAsync("/quan-tri/lich");
        await Expect(tab.Page.GetByRole(AriaRole.Heading, new() { Name = "Lịch làm việc" })).ToBeVisibleAsync();
        var newYear = tab.Page.Locator($"button[data-date='{DateTime.UtcNow.Year}-01-01']");
        await Expect(newYear).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("dayoff"));
        await newYear.ClickAsync();
        await Expect(tab.Page.GetByTestId("clear-day")).ToBeVisibleAsync();
        await tab.ScreenshotAsync("42-lich-lam-viec");

        await tab.OpenAsync("/quan-tri/phong-ban");
        await Expect(tab.Page.GetByTestId("departments")).ToContainTextAsync("Bộ phận Một cửa");
        await tab.ScreenshotAsync("43-phong-ban");
        tab.Passed();
    }

    [Fact]
    public async Task An_administrator_adds_a_department_that_the_catalogue_offers_renames_it_and_cannot_deactivate_one_in_use()
    {
        var id = $"phong-thu-{Random.Shared.Next(1000, 9999)}";
        await using var tab = await platform.OpenPageAsync(nameof(An_administrator_adds_a_department_that_the_catalogue_offers_renames_it_and_cannot_deactivate_one_in_use));
        await tab.SignInAsync("quan.tri");
        await tab.OpenAsync("/quan-tri/phong-ban");
        await Expect(tab.Page.GetByRole(AriaRole.Heading, new() { Name = "Phòng ban" })).ToBeVisibleAsync();

        await tab.Page.GetByTestId("open-create").ClickAsync();
        await tab.Page.GetByTestId("field-id").Locator("input").FillAsync(id);
        await tab.Page.GetByTestId("field-name").Locator("input").FillAsync("Phòng Thử nghiệm dịch vụ công");
        await tab.Page.GetByTestId("save").ClickAsync();
        await Expect(tab.Page.GetByTestId("notice")).ToContainTextAsync("Đã thêm phòng ban Phòng Thử nghiệm dịch vụ công");
        await Expect(tab.Page.GetByTestId("departments")).ToContainTextAsync(id);

        // The catalogue's department filter offers it at once.
        await tab.OpenAsync("/thu-tuc");
        await tab.Page.GetByTestId("filter-department").ClickAsync();
        await Expect(tab.Page.Locator(".mud-popover-open").GetByText("Phòng Thử nghiệm dịch vụ công")).ToBeVisibleAsync();
        await tab.Page.Keyboard.PressAsync("Escape");

        await tab.OpenAsync("/quan-tri/phong-ban");
        await tab.Page.GetByTestId($"edit-{id}").ClickAsync();
        await tab.Page.GetByTestId("field-name").Locator("input").FillAsync("Phòng Kiểm thử quy trình");
        await tab.Page.GetByTestId("save").ClickAsync();
        await Expect(tab.Page.GetByTestId("notice")).ToContainTextAsync("Đã lưu phòng ban Phòng Kiểm thử quy trình");
        await Expect(tab.Page.GetByTestId("departments").Locator("tr", new() { HasText = id })).ToContainTextAsync("Phòng Kiểm thử quy trình");

        // The one-stop desk has steps in every procedure in force: the Host refuses, and the page says why.
        await tab.Page.GetByTestId("deactivate-one-stop-desk").ClickAsync();
        await tab.Page.GetByTestId("confirm-deactivate-one-stop-desk").ClickAsync();
        await Expect(tab.Page.GetByTestId("refusal")).ToContainTextAsync("Không thể ngừng hoạt động");
        await Expect(tab.Page.GetByTestId("refusal")).ToContainTextAsync("thủ tục đang áp dụng");
        await Expect(tab.Page.GetByTestId("departments").Locator("tr", new() { HasText = "one-stop-desk" })).ToContainTextAsync("Đang hoạt động");
        await tab.ScreenshotAsync("44-phong-ban-khong-the-ngung");
        tab.Passed();
    }

    [Fact]
    public async Task A_dossier_on_a_step_the_new_version_removed_cannot_move_and_the_page_says_why_in_vietnamese_with_the_steps_name()
    {
        // A copy of the building permit with a dossier at its intake step, then version 2 where that step has another id.
        var code = $"M.{Random.Shared.Next(1000, 9999)}";
        var procedure = JsonNode.Parse(File.ReadAllText(Path.Combine(Repository.Root, "definitions", "procedures", "1.009994-cap-giay-phep-xay-dung-nha-o-rieng-le.json")))!.AsObject();
        procedure["code"] = code;
        procedure["name"] = "Cấp giấy phép xây dựng (thử hồ sơ không di chuyển được)";
        await PublishAsync(procedure);
        var dossier = await ReceiveAsync(code);
        await PublishAsync(JsonNode.Parse(procedure.ToJsonString().Replace("\"intake\"", "\"reception\"", StringComparison.Ordinal))!.AsObject());

        await using var tab = await platform.OpenPageAsync(nameof(A_dossier_on_a_step_the_new_version_removed_cannot_move_and_the_page_says_why_in_vietnamese_with_the_steps_name));
        await tab.SignInAsync("quan.tri");
        await tab.OpenAsync("/quan-tri/di-chuyen-ho-so");
        await tab.Page.GetByTestId("procedure").ClickAsync();
        await tab.Page.GetByText($"{code} – ", new() { Exact = false }).First.ClickAsync();
        await Expect(tab.Page.GetByTestId("dry-run")).ToBeEnabledAsync();
        await tab.Page.GetByTestId("dry-run").ClickAsync();

        var blocked = tab.Page.GetByTestId("cannot-move");
        await Expect(blocked).ToContainTextAsync(dossier);
        await Expect(blocked.Locator(".blocker")).ToHaveTextAsync(
            "Hồ sơ đang ở bước “Tiếp nhận, kiểm tra thành phần hồ sơ, chuyển Sở Xây dựng”, bước này không còn trong phiên bản 2; hãy chọn bước mới cho nó trong bảng ánh xạ.");
        await Expect(blocked).Not.ToContainTextAsync("removed");
        await tab.ScreenshotAsync("42-di-chuyen-ho-so-khong-di-chuyen-duoc");
        tab.Passed();
    }

    private async Task PublishAsync(JsonObject procedure)
    {
        using var designer = platform.HostClient(RunningPlatform.DesignerKey);
        await RunningPlatform.EnsureSuccessAsync(await designer.PostAsync(new Uri("/api/definitions", UriKind.Relative),
            new StringContent(procedure.ToJsonString(), Encoding.UTF8, "application/json")));
        await RunningPlatform.EnsureSuccessAsync(await designer.PostAsync(new Uri($"/api/definitions/{(string)procedure["code"]!}/draft/publish", UriKind.Relative), null));
    }

    private async Task<string> ReceiveAsync(string procedure)
    {
        using var intake = platform.HostClient(RunningPlatform.IntakeKey);
        var response = await intake.PostAsJsonAsync("/api/intake/dossiers", new JsonObject
        {
            ["procedureCode"] = procedure,
            ["externalCode"] = $"MC-{Guid.NewGuid():N}",
            ["applicant"] = new JsonObject { ["name"] = "Nguyễn Văn An", ["idNumber"] = "001085012345", ["phone"] = "0912345678", ["address"] = "Số 12 Trần Phú, Hà Nội" },
            ["channel"] = "inPerson",
            ["receptionPoint"] = "ttpvhcc-tinh",
            ["receivedAt"] = DateTimeOffset.UtcNow.ToOffset(TimeSpan.FromHours(7)).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture),
            ["formData"] = new JsonObject { ["floorArea"] = 120, ["floors"] = 3 },
            ["documents"] = new JsonArray(new JsonObject { ["name"] = "Đơn đề nghị cấp giấy phép xây dựng", ["originals"] = 1 }),
        });
        await RunningPlatform.EnsureSuccessAsync(response);
        return (string)(await response.Content.ReadFromJsonAsync<JsonObject>())!["dossierCode"]!;
    }
}
