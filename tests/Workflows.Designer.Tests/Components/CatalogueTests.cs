using System.Text.Json;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using MudBlazor.Services;
using Workflows.Designer.Components.Pages.Catalogue;
using Workflows.Designer.Tests.Support;

namespace Workflows.Designer.Tests.Components;

public sealed class CatalogueTests : BunitContext, IAsyncLifetime
{
    private readonly FakeHost host = new();

    public CatalogueTests()
    {
        Services.AddMudServices();
        Services.AddLocalization();
        JSInterop.Mode = JSRuntimeMode.Loose;
        host.On("api/departments", """[{"id":"one-stop-desk","name":"Bộ phận Một cửa","nameEn":"One-stop desk","kind":"desk"},{"id":"justice","name":"Phòng Tư pháp"}]""");
        host.On("api/definitions", request => Page(request.RequestUri!.Query));
        host.AddTo(Services);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    // MudBlazor's popover service is only asynchronously disposable.
    Task IAsyncLifetime.DisposeAsync() => DisposeAsync().AsTask();

    [Fact]
    public void Rows_show_the_procedures_the_host_lists()
    {
        var page = RenderCatalogue("/thu-tuc");

        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("[data-testid=procedure-name]").Count));
        Assert.Equal(["Đăng ký thường trú", "Cấp giấy phép xây dựng"], page.FindAll("[data-testid=procedure-name]").Select(e => e.TextContent));
        var first = page.FindAll("tbody tr")[0].TextContent;
        Assert.Contains("Công an", first);
        Assert.Contains("Bộ phận Một cửa, Phòng Tư pháp", first);
        // Both limits in working days: the unit once, so the column stays narrow.
        Assert.Contains("7 / 10 ngày", first);
        Assert.Contains("Cả hai", first);
        Assert.Contains("v1 (nháp v2)", first);
        Assert.Equal("/thu-tuc/1.004194", page.Find("[data-testid=procedure-code]").GetAttribute("href"));
        // Limits in different units each keep theirs.
        Assert.Contains("15 ngày / 20 ngày (lịch)", page.FindAll("tbody tr")[1].TextContent);
    }

    [Fact]
    public void Typing_without_diacritics_sends_the_search_to_the_host_and_keeps_it_in_the_url()
    {
        var page = RenderCatalogue("/thu-tuc");
        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll("[data-testid=procedure-name]")));

        page.Find("input#catalogue-search").Input("dang ky");

        // The search field is debounced: one call with the whole text, after typing stops.
        page.WaitForAssertion(() => Assert.True(host.Requests.Any(r => r.AbsolutePath == "/api/definitions" && Query(r).GetValueOrDefault("search") == "dang ky"),
            string.Join("\n", host.Requests)), TimeSpan.FromSeconds(5));
        page.WaitForAssertion(() => Assert.Equal(["Đăng ký thường trú"], page.FindAll("[data-testid=procedure-name]").Select(e => e.TextContent)));
        Assert.DoesNotContain(host.Requests, r => Query(r).TryGetValue("search", out var s) && s is "d" or "da" or "dan");
        Assert.Contains("q=dang%20ky", Services.GetRequiredService<NavigationManager>().Uri);
    }

    [Fact]
    public void A_link_with_a_search_filter_and_page_reproduces_the_view()
    {
        var page = RenderCatalogue("/thu-tuc?q=giay%20phep&trang-thai=published&phong-ban=justice&linh-vuc=X%C3%A2y%20d%E1%BB%B1ng&sap-xep=-name&trang=2&so-dong=10");

        page.WaitForAssertion(() => Assert.Contains(host.Requests, r => r.AbsolutePath == "/api/definitions"));
        var query = Query(host.Requests.First(r => r.AbsolutePath == "/api/definitions"));
        Assert.Equal("giay phep", query["search"]);
        Assert.Equal("published", query["status"]);
        Assert.Equal("justice", query["department"]);
        Assert.Equal("Xây dựng", query["field"]);
        Assert.Equal("-name", query["sort"]);
        Assert.Equal("2", query["page"]);
        Assert.Equal("10", query["pageSize"]);
    }

    [Fact]
    public void Until_the_host_answers_the_catalogue_says_it_is_loading_not_that_nothing_matches()
    {
        var answer = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        host.On("api/definitions", _ => answer.Task);
        var page = RenderCatalogue("/thu-tuc");

        page.WaitForAssertion(() => Assert.Contains(host.Requests, r => r.AbsolutePath == "/api/definitions"));
        page.WaitForAssertion(() => Assert.Equal("Đang tải danh mục thủ tục…", page.Find("[data-testid=catalogue-loading]").TextContent.Trim()));
        Assert.Empty(page.FindAll("[data-testid=catalogue-empty]"));

        answer.SetResult(Page(""));
        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("[data-testid=procedure-name]").Count));
        Assert.Empty(page.FindAll("[data-testid=catalogue-loading]"));
    }

    [Fact]
    public void An_empty_catalogue_says_how_procedures_get_there_and_a_search_finding_nothing_says_so()
    {
        host.On("api/definitions", """{"items":[],"page":1,"pageSize":20,"total":0}""");
        var page = RenderCatalogue("/thu-tuc");

        page.WaitForAssertion(() => Assert.Equal(
            "Danh mục chưa có thủ tục nào. Chuyên viên thiết kế quy trình thêm thủ tục bằng nút “Thủ tục mới”.",
            page.Find("[data-testid=catalogue-empty]").TextContent.Trim()));

        page.Find("input#catalogue-search").Input("cap phep khai thac cat");
        page.WaitForAssertion(() => Assert.Equal(
            "Không có thủ tục nào phù hợp với tìm kiếm hoặc bộ lọc đã chọn.",
            page.Find("[data-testid=catalogue-empty]").TextContent.Trim()), TimeSpan.FromSeconds(5));
    }

    [Fact]
    public void A_host_that_cannot_be_reached_is_not_shown_as_an_empty_catalogue()
    {
        host.On("api/definitions", _ => Task.FromException<string>(new HttpRequestException("Connection refused")));
        var page = RenderCatalogue("/thu-tuc");

        page.WaitForAssertion(() => Assert.Equal(
            "Không đọc được danh mục thủ tục từ máy chủ. Hãy thử lại sau ít phút hoặc báo quản trị hệ thống.",
            page.Find("[data-testid=catalogue-failed]").TextContent.Trim()));
        Assert.Empty(page.FindAll("[data-testid=catalogue-empty]"));
        Assert.Empty(page.FindAll("[data-testid=catalogue-loading]"));
    }

    private IRenderedComponent<ProcedureCatalogue> RenderCatalogue(string address)
    {
        Services.GetRequiredService<NavigationManager>().NavigateTo(address);
        Render<MudPopoverProvider>();
        // The page reads its [SupplyParameterFromQuery] parameters from the address, as under the router.
        return Render<ProcedureCatalogue>();
    }

    private static Dictionary<string, string> Query(Uri uri) =>
        Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(uri.Query).ToDictionary(q => q.Key, q => q.Value.ToString());

    private static readonly object[] Procedures =
    [
        new
        {
            code = "1.004194", name = "Đăng ký thường trú", field = "Đăng ký, quản lý cư trú", competentBody = "Công an", departments = new[] { "one-stop-desk", "justice" },
            committedTimeLimit = new { value = 7, unit = "workingDays" }, legalTimeLimit = new { value = 10, unit = "workingDays" },
            status = "both", version = 2, publishedVersion = 1, draftVersion = 2, updatedAt = "2026-12-01T08:00:00+07:00",
        },
        new
        {
            code = "1.009994", name = "Cấp giấy phép xây dựng", field = "Hoạt động xây dựng", competentBody = "Sở Xây dựng", departments = new[] { "one-stop-desk" },
            committedTimeLimit = new { value = 15, unit = "workingDays" }, legalTimeLimit = new { value = 20, unit = "calendarDays" },
            status = "published", version = 1, publishedVersion = 1, draftVersion = (int?)null, updatedAt = "2026-11-01T08:00:00+07:00",
        },
    ];

    // The Host folds diacritics; the fake knows only the one search the test types.
    private static string Page(string query)
    {
        var search = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(query).TryGetValue("search", out var s) ? s.ToString() : "";
        var items = search == "dang ky" ? Procedures[..1] : Procedures;
        return JsonSerializer.Serialize(new { items, page = 1, pageSize = 20, total = items.Length });
    }
}
