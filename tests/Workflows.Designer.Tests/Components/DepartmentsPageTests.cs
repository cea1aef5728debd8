using System.Net;
using System.Text;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using MudBlazor;
using MudBlazor.Services;
using Workflows.Designer.Access;
using Workflows.Designer.Components.Administration;
using Workflows.Designer.HostApi;

namespace Workflows.Designer.Tests.Components;

public sealed class DepartmentsPageTests : IAsyncLifetime, IDisposable
{
    // Disposed asynchronously: MudBlazor's services only implement IAsyncDisposable.
    private readonly BunitContext bunit = new();

    private const string Departments = """
        [{"id":"one-stop-desk","name":"Bộ phận Một cửa","nameEn":"One-stop desk","kind":"desk","parent":null,"level":1,"active":true,"revision":1},
         {"id":"construction","name":"Sở Xây dựng","nameEn":"Department of Construction","kind":"department","parent":null,"level":1,"active":true,"revision":3},
         {"id":"phong-cu","name":"Phòng cũ","nameEn":null,"kind":"agency","parent":"construction","level":null,"active":false,"revision":2}]
        """;

    private readonly FakeHost host = new();

    public DepartmentsPageTests()
    {
        bunit.Services.AddMudServices();
        bunit.Services.AddLocalization();
        bunit.JSInterop.Mode = JSRuntimeMode.Loose;
        bunit.Services.AddSingleton(new HostClient(new HttpClient(host) { BaseAddress = new Uri("http://host.test/") }, new NoCredentials(), NullLogger<HostClient>.Instance));
        host.On("GET api/departments", HttpStatusCode.OK, Departments);
    }

    [Fact]
    public void Every_department_is_listed_with_its_kind_parent_and_state_in_Vietnamese()
    {
        var page = RenderPage();

        var table = page.Find("[data-testid=departments]").TextContent;
        Assert.Contains("Bộ phận một cửa", table);
        Assert.Contains("Sở Xây dựng", table);
        Assert.Contains("Ngừng hoạt động", table);
        Assert.Contains("all=true", host.Queries["GET api/departments"]);
        Assert.NotNull(page.Find("[data-testid=activate-phong-cu]"));
    }

    [Fact]
    public void A_problem_naming_a_field_is_shown_next_to_that_field_and_what_was_typed_is_kept()
    {
        host.On("POST api/departments", HttpStatusCode.BadRequest, """
            {"type":"https://tools.ietf.org/html/rfc9110#section-15.5.1","title":"One or more validation errors occurred.","status":400,
             "errors":{"id":["An id of 1 to 128 lowercase letters, digits and hyphens (e.g. 'land-registry') is required."],"name":["A name of 1 to 256 characters is required."]}}
            """);
        var page = RenderPage();

        page.Find("[data-testid=open-create]").Click();
        page.Find("[data-testid=field-id] input").Change("Sở Y tế");
        page.Find("[data-testid=save]").Click();

        page.WaitForAssertion(() => Assert.Contains("lowercase letters", page.Find("[data-testid=field-id]").TextContent));
        Assert.Contains("A name of 1 to 256", page.Find("[data-testid=field-name]").TextContent);
        Assert.DoesNotContain("lowercase letters", page.Find("[data-testid=field-name]").TextContent);
        Assert.Equal("Sở Y tế", page.Find("[data-testid=field-id] input").GetAttribute("value"));
        Assert.Contains("\"kind\":\"department\"", host.Bodies["POST api/departments"]);
    }

    [Fact]
    public void Deactivating_a_department_in_use_shows_which_procedures_and_tasks_hold_it()
    {
        host.On("PUT api/departments/construction", HttpStatusCode.Conflict, """
            {"title":"The department is in use","status":409,"detail":"Department 'construction' cannot be deactivated.",
             "procedures":["1.009994","2.000488"],"openTasks":3,"errors":{"active":["Still used."]}}
            """);
        var page = RenderPage();

        page.Find("[data-testid=deactivate-construction]").Click();
        page.Find("[data-testid=confirm-deactivate-construction]").Click();

        page.WaitForAssertion(() => Assert.Contains("Không thể ngừng hoạt động Sở Xây dựng", page.Find("[data-testid=refusal]").TextContent));
        var refusal = page.Find("[data-testid=refusal]").TextContent;
        Assert.Contains("2 thủ tục đang áp dụng", refusal);
        Assert.Contains("1.009994, 2.000488", refusal);
        Assert.Contains("còn 3 công việc đang mở", refusal);
        Assert.Equal("\"3\"", host.IfMatch["PUT api/departments/construction"]);
        Assert.Contains("\"active\":false", host.Bodies["PUT api/departments/construction"]);
    }

    private IRenderedComponent<IComponent> RenderPage() => bunit.Render(builder =>
    {
        builder.OpenComponent<MudPopoverProvider>(0);
        builder.CloseComponent();
        builder.OpenComponent<DepartmentsPage>(1);
        builder.CloseComponent();
    });

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await bunit.DisposeAsync();

    public void Dispose() => host.Dispose();

    private sealed class NoCredentials : IHostCredentials
    {
        public ValueTask<(string Name, string Value)?> GetHeaderAsync(CancellationToken cancellationToken) => ValueTask.FromResult<(string, string)?>(null);
    }

    /// <summary>The Host's answers this test expects; any other call fails the test.</summary>
    private sealed class FakeHost : HttpMessageHandler
    {
        private readonly Dictionary<string, (HttpStatusCode Status, string Body)> answers = [];

        public Dictionary<string, string> Bodies { get; } = [];

        public Dictionary<string, string> Queries { get; } = [];

        public Dictionary<string, string> IfMatch { get; } = [];

        public void On(string call, HttpStatusCode status, string body) => answers[call] = (status, body);

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var call = $"{request.Method} {request.RequestUri!.AbsolutePath.TrimStart('/')}";
            if (!answers.TryGetValue(call, out var answer))
            {
                throw new InvalidOperationException($"Unexpected call to the Host: {call}");
            }

            Queries[call] = request.RequestUri.Query;
            IfMatch[call] = request.Headers.IfMatch.ToString();
            if (request.Content is not null)
            {
                Bodies[call] = await request.Content.ReadAsStringAsync(cancellationToken);
            }

            var type = (int)answer.Status >= 400 ? "application/problem+json" : "application/json";
            return new HttpResponseMessage(answer.Status) { Content = new StringContent(answer.Body, Encoding.UTF8, type) };
        }
    }
}
