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
}
