using System.Globalization;
using System.Text.Json.Nodes;
using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;
using Workflows.Designer.Components.Shared;
using Workflows.Designer.HostApi;

namespace Workflows.Designer.Tests.Components;

public sealed class ProblemAlertTests : BunitContext
{
    public ProblemAlertTests()
    {
        Services.AddMudServices();
        Services.AddLocalization();
        JSInterop.Mode = JSRuntimeMode.Loose;
    }

    [Fact]
    public void Shows_the_hosts_title_detail_and_each_fields_message_as_text()
    {
        var problem = HostProblem.Read(System.Net.HttpStatusCode.BadRequest, """
            {"type":"https://tools.ietf.org/html/rfc9110#section-15.5.1","title":"One or more validation errors occurred.",
             "status":400,"detail":"Mã thủ tục không hợp lệ.","errors":{"procedureCode":["The code is required."]},"traceId":"00-abc"}
            """);

        var alert = Render<ProblemAlert>(p => p.Add(a => a.Problem, problem));

        Assert.Contains("One or more validation errors occurred.", alert.Markup);
        Assert.Contains("Mã thủ tục không hợp lệ.", alert.Markup);
        Assert.Equal("procedureCode", alert.Find(".problem-field").TextContent);
        Assert.Contains("The code is required.", alert.Find("li").TextContent);
        Assert.DoesNotContain("traceId", alert.Markup);
        Assert.DoesNotContain("{", alert.Find("[data-testid=problem]").TextContent);
    }

    [Fact]
    public void A_body_that_is_not_a_problem_becomes_a_plain_message_with_the_status()
    {
        var problem = HostProblem.Read(System.Net.HttpStatusCode.BadGateway, "<html>proxy error</html>");

        Assert.Equal(502, problem.Status);
        Assert.Contains("502", problem.Title);
        Assert.Empty(problem.Errors);
    }

    [Fact]
    public void A_problem_the_host_names_by_code_is_said_in_vietnamese_and_in_english_under_the_en_culture()
    {
        var problem = HostProblem.Read(System.Net.HttpStatusCode.NotFound, """
            {"type":"https://tools.ietf.org/html/rfc9110#section-15.5.5","title":"Not found","status":404,
             "detail":"Procedure 1.009994 has no version 7.","code":"versionNotFound","args":{"procedure":"1.009994","version":7}}
            """);

        var vietnamese = InCulture("vi-VN", () => Render<ProblemAlert>(p => p.Add(a => a.Problem, problem)).Find("[data-testid=problem]").TextContent);
        var english = InCulture("en", () => Render<ProblemAlert>(p => p.Add(a => a.Problem, problem)).Find("[data-testid=problem]").TextContent);

        Assert.Contains("Không tìm thấy phiên bản", vietnamese, StringComparison.Ordinal);
        Assert.Contains("Thủ tục 1.009994 không có phiên bản 7.", vietnamese, StringComparison.Ordinal);
        Assert.DoesNotContain("Not found", vietnamese, StringComparison.Ordinal);
        Assert.DoesNotContain("has no version", vietnamese, StringComparison.Ordinal);
        Assert.Contains("Version not found", english, StringComparison.Ordinal);
        Assert.Contains("Procedure 1.009994 has no version 7.", english, StringComparison.Ordinal);
    }

    [Fact]
    public void A_problem_named_only_by_its_status_keeps_the_hosts_reason_instead_of_general_advice()
    {
        var problem = HostProblem.Read(System.Net.HttpStatusCode.Conflict, """
            {"title":"Conflict","status":409,"detail":"The instance is not faulted.","code":"conflict"}
            """);

        var text = InCulture("vi-VN", () => Render<ProblemAlert>(p => p.Add(a => a.Problem, problem)).Find("[data-testid=problem]").TextContent);

        Assert.Contains("The instance is not faulted.", text, StringComparison.Ordinal);
        Assert.DoesNotContain("tải lại trang", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Conflict", text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_code_the_designer_does_not_know_or_a_text_missing_its_argument_shows_the_hosts_own_words()
    {
        var unknown = HostProblem.Read(System.Net.HttpStatusCode.Conflict, """{"title":"Something new","detail":"A new kind of conflict.","status":409,"code":"somethingNew"}""");
        var withoutArgs = HostProblem.Read(System.Net.HttpStatusCode.NotFound, """{"title":"Not found","detail":"Procedure X has no draft.","status":404,"code":"draftNotFound"}""");

        var first = InCulture("vi-VN", () => Render<ProblemAlert>(p => p.Add(a => a.Problem, unknown)).Find("[data-testid=problem]").TextContent);
        var second = InCulture("vi-VN", () => Render<ProblemAlert>(p => p.Add(a => a.Problem, withoutArgs)).Find("[data-testid=problem]").TextContent);

        Assert.Contains("Something new", first, StringComparison.Ordinal);
        Assert.Contains("A new kind of conflict.", first, StringComparison.Ordinal);
        Assert.Contains("Không có bản nháp", second, StringComparison.Ordinal);
        Assert.Contains("Procedure X has no draft.", second, StringComparison.Ordinal);
    }

    [Fact]
    public void The_problems_of_a_refused_procedure_file_are_said_by_their_engine_code_with_the_files_own_value()
    {
        var problem = HostProblem.Read(System.Net.HttpStatusCode.BadRequest, """
            {"title":"The procedure JSON could not be read","status":400,"code":"definitionUnreadable",
             "errors":{"$.code":["The code 'abc def' is not a procedure code."]},
             "problems":[{"path":"$.code","code":"invalidValue","message":"The code 'abc def' is not a procedure code."}]}
            """);
        var file = JsonNode.Parse("""{ "code": "abc def", "name": "Thủ tục thử" }""");

        var text = InCulture("vi-VN", () => Render<ProblemAlert>(p => p.Add(a => a.Problem, problem).Add(a => a.Source, file)).Find("[data-testid=problem]").TextContent);

        Assert.Contains("Không đọc được tệp thủ tục", text, StringComparison.Ordinal);
        Assert.Contains("$.code", text, StringComparison.Ordinal);
        Assert.Contains("“abc def” không phải mã thủ tục (ví dụ 1.001193).", text, StringComparison.Ordinal);
        Assert.DoesNotContain("is not a procedure code", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_problem_text_has_its_english_one_and_the_vietnamese_ones_are_vietnamese()
    {
        var localizer = Services.GetRequiredService<Microsoft.Extensions.Localization.IStringLocalizer<HostProblemText>>();
        var vietnamese = InCulture("vi-VN", () => localizer.GetAllStrings(includeParentCultures: true).ToDictionary(s => s.Name, s => s.Value));
        var english = InCulture("en", () => localizer.GetAllStrings(includeParentCultures: false).ToDictionary(s => s.Name, s => s.Value));

        Assert.Equal(vietnamese.Keys.Order(), english.Keys.Order());
        Assert.All(vietnamese.Where(t => t.Key.EndsWith(".title", StringComparison.Ordinal)),
            t => Assert.Matches(@"[ăâđêôơưàáảãạèéẻẽẹìíỉĩịòóỏõọùúủũụỳýỷỹỵ]", t.Value.ToLowerInvariant()));
    }

    private static T InCulture<T>(string culture, Func<T> render)
    {
        var before = CultureInfo.CurrentUICulture;
        CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo(culture);
        try
        {
            return render();
        }
        finally
        {
            CultureInfo.CurrentUICulture = before;
        }
    }
}
