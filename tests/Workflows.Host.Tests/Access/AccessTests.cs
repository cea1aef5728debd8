using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Workflows.Host.Tests.Support;

namespace Workflows.Host.Tests.Access;

public abstract class AccessTests(DatabaseFixture database)
{
    [Fact]
    public async Task A_call_without_a_key_is_401_problem_details()
    {
        await using var app = new WorkflowsApp(database);
        using var client = app.CreateClient();

        var response = await client.GetAsync(new Uri("/api/definitions", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task A_wrong_key_is_401()
    {
        await using var app = new WorkflowsApp(database);
        using var client = app.ClientWithKey("not-a-key");

        var response = await client.GetAsync(new Uri("/api/definitions", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Theory]
    [InlineData(WorkflowsApp.IntakeKey, "/api/definitions")]
    [InlineData(WorkflowsApp.DeskOfficerKey, "/api/definitions/T.0001/versions")]
    [InlineData(WorkflowsApp.IntakeKey, "/api/principals")]
    [InlineData(WorkflowsApp.DesignerKey, "/api/principals")]
    public async Task A_key_without_the_role_is_403(string key, string path)
    {
        await using var app = new WorkflowsApp(database);
        using var client = app.ClientWithKey(key);

        var response = await client.GetAsync(new Uri(path, UriKind.Relative));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task An_officer_reads_the_catalogue_and_the_procedure_in_force_but_not_its_versions_or_drafts()
    {
        await using var app = new WorkflowsApp(database);
        using var officer = app.ClientWithKey(WorkflowsApp.DeskOfficerKey);

        var catalogue = await officer.GetAsync(new Uri("/api/definitions?search=T.0001", UriKind.Relative));
        var inForce = await officer.GetAsync(new Uri("/api/definitions/T.0001", UriKind.Relative));
        var draft = await officer.PutAsJsonAsync("/api/definitions/T.0001/draft", new JsonObject());

        Assert.Equal(HttpStatusCode.OK, catalogue.StatusCode);
        Assert.Contains("T.0001", await catalogue.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, inForce.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, draft.StatusCode);
    }

    [Fact]
    public async Task An_administrator_creates_a_principal_whose_key_works_until_it_is_deactivated()
    {
        await using var app = new WorkflowsApp(database);
        using var admin = app.ClientWithKey(WorkflowsApp.AdministratorKey);

        var created = await admin.PostAsJsonAsync("/api/principals", new { name = $"designer-{Guid.NewGuid():N}", roles = new[] { "designer" } });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var body = (await created.Content.ReadFromJsonAsync<JsonObject>())!;
        var key = (string)body["apiKey"]!;
        var name = (string)body["principal"]!["name"]!;

        using var designer = app.ClientWithKey(key);
        Assert.Equal(HttpStatusCode.OK, (await designer.GetAsync(new Uri("/api/definitions", UriKind.Relative))).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await admin.PostAsync(new Uri($"/api/principals/{name}/deactivate", UriKind.Relative), null)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await designer.GetAsync(new Uri("/api/definitions", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task Creating_a_principal_with_an_unknown_role_names_the_field()
    {
        await using var app = new WorkflowsApp(database);
        using var admin = app.ClientWithKey(WorkflowsApp.AdministratorKey);

        var response = await admin.PostAsJsonAsync("/api/principals", new { name = "x", roles = new[] { "superuser" } });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.NotNull(problem["errors"]!["roles"]);
    }

    [Fact]
    public async Task Development_keys_are_not_seeded_outside_development()
    {
        // A database of its own: the class's database has been started in Development already.
        var fresh = (DatabaseFixture)Activator.CreateInstance(database.GetType())!;
        await fresh.InitializeAsync();
        try
        {
            await using var app = new WorkflowsApp(fresh, environment: "Production");
            using var client = app.ClientWithKey("dev-officer-land-key");

            var response = await client.GetAsync(new Uri("/api/me", UriKind.Relative));

            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }
        finally
        {
            await fresh.DisposeAsync();
        }
    }

    [Fact]
    public async Task Me_tells_the_roles_and_departments_of_a_key()
    {
        await using var app = new WorkflowsApp(database);
        using var client = app.ClientWithKey(WorkflowsApp.UrbanOfficerKey);

        var me = (await client.GetFromJsonAsync<JsonObject>("/api/me"))!;

        Assert.Equal("canbo.xaydung", (string?)me["name"]);
        Assert.Equal(["officer"], me["roles"]!.AsArray().Select(r => (string)r!));
        Assert.Contains("urban-management", me["departments"]!.AsArray().Select(r => (string)r!));
    }
}

public sealed class SqliteAccessTests(SqliteDatabase database) : AccessTests(database), IClassFixture<SqliteDatabase>;

public sealed class PostgresAccessTests(PostgresDatabase database) : AccessTests(database), IClassFixture<PostgresDatabase>;
