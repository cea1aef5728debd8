using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Workflows.Host.Tests.Support;
using Workflows.TestSupport;

namespace Workflows.Host.Tests.Access;

/// <summary>
/// Sign-in with the province's identity provider (issue 12, item 2): the Host exchanges the provider's id_token, checked
/// against the provider's discovery document and keys, for a session of an existing, active user.
/// </summary>
public abstract class ProviderSignInTests(DatabaseFixture database) : IAsyncLifetime
{
    private TestIdentityProvider provider = null!;

    public async Task InitializeAsync() => provider = await TestIdentityProvider.StartAsync();

    public async Task DisposeAsync() => await provider.DisposeAsync();

    [Fact]
    public async Task A_valid_provider_token_for_a_known_user_gives_a_session_that_calls_the_api_with_the_hosts_roles()
    {
        await using var app = ConfiguredApp();
        using var admin = app.ClientWithKey(WorkflowsApp.AdministratorKey);
        var name = await CreateUserAsync(admin, "designer");
        using var client = app.CreateClient();

        var response = await SignInAsync(client, provider.IssueIdToken(name));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal(name, (string?)body["principal"]!["name"]);
        Assert.Equal("Người dùng thử", (string?)body["principal"]!["displayName"]);
        Assert.Equal(["designer"], body["principal"]!["roles"]!.AsArray().Select(r => (string)r!));
        using var user = WithToken(app, (string)body["token"]!);
        Assert.Equal(HttpStatusCode.OK, (await user.GetAsync(new Uri("/api/definitions", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await user.GetAsync(new Uri("/api/principals", UriKind.Relative))).StatusCode);
        Assert.Equal(name, (string?)(await user.GetFromJsonAsync<JsonObject>("/api/me"))!["name"]);
        Assert.Equal(HttpStatusCode.NoContent, (await user.PostAsync(new Uri("/api/auth/sign-out", UriKind.Relative), null)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await user.GetAsync(new Uri("/api/definitions", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task Tokens_of_another_issuer_or_audience_expired_or_signed_with_another_key_are_401_problems()
    {
        await using var app = ConfiguredApp();
        using var admin = app.ClientWithKey(WorkflowsApp.AdministratorKey);
        var name = await CreateUserAsync(admin, "designer");
        using var client = app.CreateClient();
        using var otherKey = RSA.Create(2048);

        var refused = new Dictionary<string, string>
        {
            ["issuer"] = provider.IssueIdToken(name, issuer: "https://gia-mao.example"),
            ["audience"] = provider.IssueIdToken(name, audience: "ung-dung-khac"),
            ["expired"] = provider.IssueIdToken(name, expiresIn: TimeSpan.FromMinutes(-10)),
            ["signature"] = provider.IssueIdToken(name, signingKey: otherKey),
            ["garbage"] = "khong-phai-jwt",
        };

        foreach (var (what, token) in refused)
        {
            var response = await SignInAsync(client, token);
            Assert.True(HttpStatusCode.Unauthorized == response.StatusCode, $"{what}: {response.StatusCode}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            var problem = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
            Assert.Equal("Sign-in failed", (string?)problem["title"]);
            Assert.StartsWith("The identity provider's token is not valid", (string?)problem["detail"], StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task An_unknown_user_is_403_and_nobody_is_created()
    {
        await using var app = ConfiguredApp();
        using var admin = app.ClientWithKey(WorkflowsApp.AdministratorKey);
        using var client = app.CreateClient();
        var before = (await admin.GetFromJsonAsync<JsonArray>("/api/principals"))!.Count;

        var response = await SignInAsync(client, provider.IssueIdToken("chua.co.tai.khoan"));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var problem = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal("Not a user of Workflows", (string?)problem["title"]);
        Assert.Equal("unknown", (string?)problem["reason"]);
        Assert.Equal("chua.co.tai.khoan", (string?)problem["userName"]);
        Assert.Equal(before, (await admin.GetFromJsonAsync<JsonArray>("/api/principals"))!.Count);
    }

    [Fact]
    public async Task A_deactivated_user_is_403()
    {
        await using var app = ConfiguredApp();
        using var admin = app.ClientWithKey(WorkflowsApp.AdministratorKey);
        var name = await CreateUserAsync(admin, "designer");
        Assert.Equal(HttpStatusCode.NoContent, (await admin.PostAsync(new Uri($"/api/principals/{name}/deactivate", UriKind.Relative), null)).StatusCode);
        using var client = app.CreateClient();

        var response = await SignInAsync(client, provider.IssueIdToken(name));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("deactivated", (string?)(await response.Content.ReadFromJsonAsync<JsonObject>())!["reason"]);
    }

    [Fact]
    public async Task A_token_without_the_configured_user_name_claim_is_403_naming_the_claim()
    {
        await using var app = ConfiguredApp(new() { ["Access:OpenIdConnect:UserNameClaim"] = "ma_can_bo" });
        using var admin = app.ClientWithKey(WorkflowsApp.AdministratorKey);
        var name = await CreateUserAsync(admin, "designer");
        using var client = app.CreateClient();

        var missing = await SignInAsync(client, provider.IssueIdToken(name));
        var mapped = await SignInAsync(client, provider.IssueIdToken(name, userNameClaim: "ma_can_bo"));

        Assert.Equal(HttpStatusCode.Forbidden, missing.StatusCode);
        Assert.Contains("'ma_can_bo'", (string?)(await missing.Content.ReadFromJsonAsync<JsonObject>())!["detail"], StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, mapped.StatusCode);
    }

    [Fact]
    public async Task Without_a_configured_provider_the_exchange_is_a_clear_501_and_a_missing_token_is_400()
    {
        await using var unconfigured = new WorkflowsApp(database);
        using var client = unconfigured.CreateClient();
        var response = await SignInAsync(client, provider.IssueIdToken("thiet.ke"));
        Assert.Equal(HttpStatusCode.NotImplemented, response.StatusCode);
        Assert.Contains("Access:OpenIdConnect:Authority", (string?)(await response.Content.ReadFromJsonAsync<JsonObject>())!["detail"], StringComparison.Ordinal);

        await using var app = ConfiguredApp();
        using var configured = app.CreateClient();
        var empty = await configured.PostAsJsonAsync("/api/auth/sign-in/oidc", new { idToken = "" });
        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
        Assert.NotNull((await empty.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!["idToken"]);
    }

    [Fact]
    public async Task A_provider_without_an_audience_stops_the_host_at_start_naming_the_setting()
    {
        await using var app = new WorkflowsApp(database, settings: new Dictionary<string, string>
        {
            ["Access:OpenIdConnect:Authority"] = provider.Issuer,
            ["Access:OpenIdConnect:RequireHttpsMetadata"] = "false",
        });

        var failure = Assert.ThrowsAny<Exception>(() => app.CreateClient());

        Assert.Contains("Access:OpenIdConnect:Audience", failure.ToString(), StringComparison.Ordinal);
    }

    private WorkflowsApp ConfiguredApp(Dictionary<string, string>? extra = null)
    {
        var settings = new Dictionary<string, string>
        {
            ["Access:OpenIdConnect:Authority"] = provider.Issuer,
            ["Access:OpenIdConnect:Audience"] = TestIdentityProvider.ClientId,
            ["Access:OpenIdConnect:RequireHttpsMetadata"] = "false",
        };
        foreach (var (key, value) in extra ?? [])
        {
            settings[key] = value;
        }

        return new WorkflowsApp(database, settings: settings);
    }

    private static Task<HttpResponseMessage> SignInAsync(HttpClient client, string idToken) =>
        client.PostAsJsonAsync("/api/auth/sign-in/oidc", new { idToken });

    private static HttpClient WithToken(WorkflowsApp app, string token)
    {
        var client = app.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    private static async Task<string> CreateUserAsync(HttpClient admin, string role)
    {
        var name = $"nguoidung-{Guid.NewGuid():N}";
        var created = await admin.PostAsJsonAsync("/api/principals", new { name, displayName = "Người dùng thử", roles = new[] { role }, departments = Array.Empty<string>(), password = "mat-khau-2026" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return name;
    }
}

public sealed class SqliteProviderSignInTests(SqliteDatabase database) : ProviderSignInTests(database), IClassFixture<SqliteDatabase>;

public sealed class PostgresProviderSignInTests(PostgresDatabase database) : ProviderSignInTests(database), IClassFixture<PostgresDatabase>;
