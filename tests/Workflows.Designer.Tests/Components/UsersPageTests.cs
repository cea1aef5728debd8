using System.Net;
using System.Text;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using MudBlazor;
using MudBlazor.Services;
using Workflows.Designer.Access;
using Workflows.Designer.HostApi;

namespace Workflows.Designer.Tests.Components;

public sealed class UsersPageTests : IAsyncLifetime, IDisposable
{
    // Disposed asynchronously: MudBlazor's services only implement IAsyncDisposable.
    private readonly BunitContext bunit = new();

    private const string Departments = """[{"id":"one-stop-desk","name":"Bộ phận Một cửa","nameEn":"One-stop desk","kind":"desk"}]""";

    private const string Principals = """
        [{"id":"0193a4b2-0000-7000-8000-000000000001","name":"thiet.ke","displayName":"Chuyên viên thiết kế quy trình","kind":"user",
          "roles":["designer"],"departments":[],"webhookUrl":null,"active":true,"hasPassword":true,"locked":false,"lockedUntil":null}]
        """;

    private readonly FakeHost host = new();

    public UsersPageTests()
    {
        bunit.Services.AddMudServices();
        bunit.Services.AddLocalization();
        bunit.JSInterop.Mode = JSRuntimeMode.Loose;
        bunit.Services.AddSingleton(new HostClient(new HttpClient(host) { BaseAddress = new Uri("http://host.test/") }, new NoCredentials(), NullLogger<HostClient>.Instance));
        host.On("GET api/departments", HttpStatusCode.OK, Departments);
        host.On("GET api/principals", HttpStatusCode.OK, Principals);
    }

    [Fact]
    public void A_new_intake_systems_key_is_shown_once_and_forgotten_when_the_dialog_closes()
    {
        host.On("POST api/principals", HttpStatusCode.Created, """
            {"principal":{"id":"0193a4b2-0000-7000-8000-000000000002","name":"cong-dvc","displayName":null,"kind":"intakeSystem","roles":["intake"],
             "departments":[],"webhookUrl":null,"active":true,"hasPassword":false,"locked":false,"lockedUntil":null},"apiKey":"wf_khoa-bi-mat-mot-lan"}
            """);
        var page = RenderPage();

        page.Find("[data-testid=open-create]").Click();
        page.Find("[data-testid=field-name] input").Change("cong-dvc");
        page.Find("[data-testid=role-intake]").Change(true);
        page.Find("[data-testid=create]").Click();

        page.WaitForAssertion(() => Assert.Contains("wf_khoa-bi-mat-mot-lan", page.Markup));
        Assert.Contains("chỉ hiển thị một lần", page.Markup);
        Assert.Contains("\"roles\":[\"intake\"]", host.Bodies["POST api/principals"]);
        Assert.Contains("\"name\":\"cong-dvc\"", host.Bodies["POST api/principals"]);

        page.Find("[data-testid=close-key]").Click();

        page.WaitForAssertion(() => Assert.DoesNotContain("wf_khoa-bi-mat-mot-lan", page.Markup));
    }

    [Fact]
    public void A_problem_naming_a_field_is_shown_next_to_that_field_and_what_was_typed_is_kept()
    {
        host.On("POST api/principals", HttpStatusCode.BadRequest, """
            {"type":"https://tools.ietf.org/html/rfc9110#section-15.5.1","title":"One or more validation errors occurred.","status":400,
             "errors":{"departments":["Not in the department directory (GET /api/departments): phong-cu."],"password":["A password of 8 to 256 characters is required."]}}
            """);
        var page = RenderPage();

        page.Find("[data-testid=open-create]").Click();
        page.Find("[data-testid=field-name] input").Change("nguoi.moi");
        page.Find("[data-testid=role-officer]").Change(true);
        page.Find("[data-testid=field-password] input").Change("ngan");
        page.Find("[data-testid=create]").Click();

        page.WaitForAssertion(() => Assert.Contains("A password of 8 to 256 characters is required.", page.Find("[data-testid=field-password]").TextContent));
        Assert.Contains("phong-cu", page.Find("[data-testid=field-departments]").TextContent);
        Assert.DoesNotContain("A password of 8", page.Find("[data-testid=field-name]").TextContent);
        Assert.Equal("nguoi.moi", page.Find("[data-testid=field-name] input").GetAttribute("value"));
        Assert.DoesNotContain("{", page.Find("[data-testid=create-form]").TextContent);
    }

    private IRenderedComponent<IComponent> RenderPage() => bunit.Render(builder =>
    {
        builder.OpenComponent<MudPopoverProvider>(0);
        builder.CloseComponent();
        builder.OpenComponent<MudDialogProvider>(1);
        builder.CloseComponent();
        builder.OpenComponent<UsersPage>(2);
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

        public void On(string call, HttpStatusCode status, string body) => answers[call] = (status, body);

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var call = $"{request.Method} {request.RequestUri!.AbsolutePath.TrimStart('/')}";
            if (!answers.TryGetValue(call, out var answer))
            {
                throw new InvalidOperationException($"Unexpected call to the Host: {call}");
            }

            if (request.Content is not null)
            {
                Bodies[call] = await request.Content.ReadAsStringAsync(cancellationToken);
            }

            var type = (int)answer.Status >= 400 ? "application/problem+json" : "application/json";
            return new HttpResponseMessage(answer.Status) { Content = new StringContent(answer.Body, Encoding.UTF8, type) };
        }
    }
}
