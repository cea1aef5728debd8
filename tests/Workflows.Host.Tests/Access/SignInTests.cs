using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Workflows.Host.Tests.Support;

namespace Workflows.Host.Tests.Access;

/// <summary>Users sign in with a user name and password and call the API with the session token (issue 12, item 2).</summary>
public abstract class SignInTests(DatabaseFixture database)
{
    private const string Password = "mat-khau-2026";

    [Fact]
    public async Task A_user_signs_in_with_a_password_and_the_token_works_like_a_key()
    {
        await using var app = new WorkflowsApp(database);
        using var admin = app.ClientWithKey(WorkflowsApp.AdministratorKey);
        var name = await CreateUserAsync(admin, "designer");

        using var client = app.CreateClient();
        var response = await SignInAsync(client, name, Password);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal(name, (string?)body["principal"]!["name"]);
        Assert.Equal("Người dùng thử", (string?)body["principal"]!["displayName"]);
        Assert.Equal(["designer"], body["principal"]!["roles"]!.AsArray().Select(r => (string)r!));
        Assert.True(DateTimeOffset.Parse((string)body["expiresAt"]!, System.Globalization.CultureInfo.InvariantCulture) > DateTimeOffset.UtcNow.AddHours(9));
        using var user = WithToken(app, (string)body["token"]!);
        Assert.Equal(HttpStatusCode.OK, (await user.GetAsync(new Uri("/api/definitions", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await user.GetAsync(new Uri("/api/principals", UriKind.Relative))).StatusCode);
        Assert.Equal(name, (string?)(await user.GetFromJsonAsync<JsonObject>("/api/me"))!["name"]);
    }

    [Fact]
    public async Task A_wrong_password_and_an_unknown_user_get_the_same_401()
    {
        await using var app = new WorkflowsApp(database);
        using var admin = app.ClientWithKey(WorkflowsApp.AdministratorKey);
        var name = await CreateUserAsync(admin, "designer");
        using var client = app.CreateClient();

        var wrongPassword = await SignInAsync(client, name, "not-the-password");
        var unknownUser = await SignInAsync(client, "khong.ton.tai", Password);

        Assert.Equal(HttpStatusCode.Unauthorized, wrongPassword.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, unknownUser.StatusCode);
        Assert.Equal("application/problem+json", wrongPassword.Content.Headers.ContentType?.MediaType);
        var first = (await wrongPassword.Content.ReadFromJsonAsync<JsonObject>())!;
        var second = (await unknownUser.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal((string?)first["detail"], (string?)second["detail"]);
        Assert.Equal((string?)first["title"], (string?)second["title"]);
    }

    [Fact]
    public async Task A_sign_in_without_user_name_or_password_is_400_naming_the_fields()
    {
        await using var app = new WorkflowsApp(database);
        using var client = app.CreateClient();

        var response = await client.PostAsJsonAsync("/api/auth/sign-in", new { userName = "" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!;
        Assert.NotNull(errors["userName"]);
        Assert.NotNull(errors["password"]);
    }

    [Fact]
    public async Task Repeated_failures_lock_the_account_until_the_lockout_ends()
    {
        var clock = new ManualClock(new DateTimeOffset(2026, 12, 7, 8, 0, 0, TimeSpan.FromHours(7)));
        await using var app = new WorkflowsApp(database, clock: clock,
            settings: new Dictionary<string, string> { ["Access:MaxFailedSignIns"] = "3", ["Access:LockoutMinutes"] = "20" });
        using var admin = app.ClientWithKey(WorkflowsApp.AdministratorKey);
        var name = await CreateUserAsync(admin, "designer");
        using var client = app.CreateClient();

        Assert.Equal(HttpStatusCode.Unauthorized, (await SignInAsync(client, name, "sai-1")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await SignInAsync(client, name, "sai-2")).StatusCode);
        var third = await SignInAsync(client, name, "sai-3");

        Assert.Equal(HttpStatusCode.Locked, third.StatusCode);
        var problem = (await third.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Contains("2026-12-07T01:20:00Z", (string?)problem["detail"], StringComparison.Ordinal);
        Assert.Equal(clock.Now.AddMinutes(20), DateTimeOffset.Parse((string)problem["lockedUntil"]!, System.Globalization.CultureInfo.InvariantCulture));
        // Locked: even the right password is refused.
        Assert.Equal(HttpStatusCode.Locked, (await SignInAsync(client, name, Password)).StatusCode);
        var listed = await PrincipalAsync(admin, name);
        Assert.True((bool)listed["locked"]!);

        clock.Now = clock.Now.AddMinutes(20);
        Assert.Equal(HttpStatusCode.OK, (await SignInAsync(client, name, Password)).StatusCode);
        Assert.False((bool)(await PrincipalAsync(admin, name))["locked"]!);
    }

    [Fact]
    public async Task A_success_resets_the_failure_count()
    {
        await using var app = new WorkflowsApp(database, settings: new Dictionary<string, string> { ["Access:MaxFailedSignIns"] = "3" });
        using var admin = app.ClientWithKey(WorkflowsApp.AdministratorKey);
        var name = await CreateUserAsync(admin, "designer");
        using var client = app.CreateClient();

        await SignInAsync(client, name, "sai-1");
        await SignInAsync(client, name, "sai-2");
        Assert.Equal(HttpStatusCode.OK, (await SignInAsync(client, name, Password)).StatusCode);
        await SignInAsync(client, name, "sai-3");
        await SignInAsync(client, name, "sai-4");

        Assert.Equal(HttpStatusCode.OK, (await SignInAsync(client, name, Password)).StatusCode);
    }

    [Fact]
    public async Task An_administrator_unlocks_a_locked_account()
    {
        await using var app = new WorkflowsApp(database, settings: new Dictionary<string, string> { ["Access:MaxFailedSignIns"] = "2" });
        using var admin = app.ClientWithKey(WorkflowsApp.AdministratorKey);
        var name = await CreateUserAsync(admin, "designer");
        using var client = app.CreateClient();
        await SignInAsync(client, name, "sai-1");
        Assert.Equal(HttpStatusCode.Locked, (await SignInAsync(client, name, "sai-2")).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await admin.PostAsync(new Uri($"/api/principals/{name}/unlock", UriKind.Relative), null)).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await SignInAsync(client, name, Password)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.PostAsync(new Uri("/api/principals/khong-co/unlock", UriKind.Relative), null)).StatusCode);
    }

    [Fact]
    public async Task Signing_out_ends_the_session()
    {
        await using var app = new WorkflowsApp(database);
        using var admin = app.ClientWithKey(WorkflowsApp.AdministratorKey);
        var name = await CreateUserAsync(admin, "officer", "one-stop-desk");
        using var user = WithToken(app, await TokenAsync(app, name, Password));
        Assert.Equal(HttpStatusCode.OK, (await user.GetAsync(new Uri("/api/me", UriKind.Relative))).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await user.PostAsync(new Uri("/api/auth/sign-out", UriKind.Relative), null)).StatusCode);

        var after = await user.GetAsync(new Uri("/api/me", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
        Assert.Equal("application/problem+json", after.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task A_session_ends_after_the_configured_hours()
    {
        var clock = new ManualClock(new DateTimeOffset(2026, 12, 7, 8, 0, 0, TimeSpan.FromHours(7)));
        await using var app = new WorkflowsApp(database, clock: clock, settings: new Dictionary<string, string> { ["Access:SessionHours"] = "2" });
        using var admin = app.ClientWithKey(WorkflowsApp.AdministratorKey);
        var name = await CreateUserAsync(admin, "designer");
        using var user = WithToken(app, await TokenAsync(app, name, Password));

        clock.Now = clock.Now.AddHours(2).AddSeconds(-1);
        Assert.Equal(HttpStatusCode.OK, (await user.GetAsync(new Uri("/api/me", UriKind.Relative))).StatusCode);
        clock.Now = clock.Now.AddSeconds(1);
        Assert.Equal(HttpStatusCode.Unauthorized, (await user.GetAsync(new Uri("/api/me", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task Deactivating_a_user_ends_its_sessions_and_refuses_its_sign_in()
    {
        await using var app = new WorkflowsApp(database);
        using var admin = app.ClientWithKey(WorkflowsApp.AdministratorKey);
        var name = await CreateUserAsync(admin, "designer");
        using var user = WithToken(app, await TokenAsync(app, name, Password));

        Assert.Equal(HttpStatusCode.NoContent, (await admin.PostAsync(new Uri($"/api/principals/{name}/deactivate", UriKind.Relative), null)).StatusCode);

        Assert.Equal(HttpStatusCode.Unauthorized, (await user.GetAsync(new Uri("/api/me", UriKind.Relative))).StatusCode);
        using var client = app.CreateClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await SignInAsync(client, name, Password)).StatusCode);
    }

    [Fact]
    public async Task Intake_systems_have_no_password()
    {
        await using var app = new WorkflowsApp(database);
        using var admin = app.ClientWithKey(WorkflowsApp.AdministratorKey);

        var created = await admin.PostAsJsonAsync("/api/principals", new { name = $"cong-{Guid.NewGuid():N}", kind = "intakeSystem", roles = new[] { "intake" }, password = Password });
        Assert.Equal(HttpStatusCode.BadRequest, created.StatusCode);
        Assert.NotNull((await created.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!["password"]);

        var reset = await admin.PutAsJsonAsync("/api/principals/motcua-tinh/password", new { password = Password });
        Assert.Equal(HttpStatusCode.BadRequest, reset.StatusCode);
        Assert.NotNull((await reset.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!["password"]);

        using var client = app.CreateClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await SignInAsync(client, "motcua-tinh", "dev-password")).StatusCode);
    }

    [Fact]
    public async Task Resetting_a_password_ends_the_sessions_and_lifts_the_lockout()
    {
        await using var app = new WorkflowsApp(database, settings: new Dictionary<string, string> { ["Access:MaxFailedSignIns"] = "2" });
        using var admin = app.ClientWithKey(WorkflowsApp.AdministratorKey);
        var name = await CreateUserAsync(admin, "designer");
        using var user = WithToken(app, await TokenAsync(app, name, Password));
        using var client = app.CreateClient();
        await SignInAsync(client, name, "sai-1");
        Assert.Equal(HttpStatusCode.Locked, (await SignInAsync(client, name, "sai-2")).StatusCode);

        var tooShort = await admin.PutAsJsonAsync($"/api/principals/{name}/password", new { password = "ngan" });
        Assert.Equal(HttpStatusCode.BadRequest, tooShort.StatusCode);
        Assert.NotNull((await tooShort.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!["password"]);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.PutAsJsonAsync($"/api/principals/{name}/password", new { password = "mat-khau-moi-2026" })).StatusCode);

        Assert.Equal(HttpStatusCode.Unauthorized, (await user.GetAsync(new Uri("/api/me", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await SignInAsync(client, name, Password)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await SignInAsync(client, name, "mat-khau-moi-2026")).StatusCode);
    }

    [Fact]
    public async Task A_user_created_without_a_password_gets_one_from_an_administrator()
    {
        await using var app = new WorkflowsApp(database);
        using var admin = app.ClientWithKey(WorkflowsApp.AdministratorKey);
        var name = $"nguoidung-{Guid.NewGuid():N}";
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsJsonAsync("/api/principals", new { name, roles = new[] { "designer" } })).StatusCode);
        Assert.False((bool)(await PrincipalAsync(admin, name))["hasPassword"]!);
        using var client = app.CreateClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await SignInAsync(client, name, Password)).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await admin.PutAsJsonAsync($"/api/principals/{name}/password", new { password = Password })).StatusCode);

        Assert.True((bool)(await PrincipalAsync(admin, name))["hasPassword"]!);
        Assert.Equal(HttpStatusCode.OK, (await SignInAsync(client, name, Password)).StatusCode);
    }

    [Fact]
    public async Task An_administrator_edits_roles_and_departments_and_a_signed_in_user_has_them_at_once()
    {
        await using var app = new WorkflowsApp(database);
        using var admin = app.ClientWithKey(WorkflowsApp.AdministratorKey);
        var name = await CreateUserAsync(admin, "officer", "one-stop-desk");
        using var user = WithToken(app, await TokenAsync(app, name, Password));

        var edited = await admin.PutAsJsonAsync($"/api/principals/{name}", new
        {
            displayName = "Chuyên viên Sở Xây dựng",
            roles = new[] { "officer", "designer" },
            departments = new[] { "construction", "one-stop-desk" },
        });

        Assert.Equal(HttpStatusCode.OK, edited.StatusCode);
        var body = (await edited.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal("Chuyên viên Sở Xây dựng", (string?)body["displayName"]);
        var me = (await user.GetFromJsonAsync<JsonObject>("/api/me"))!;
        Assert.Equal(["designer", "officer"], me["roles"]!.AsArray().Select(r => (string)r!).Order());
        Assert.Equal(["construction", "one-stop-desk"], me["departments"]!.AsArray().Select(r => (string)r!).Order());
        Assert.Equal(HttpStatusCode.OK, (await user.GetAsync(new Uri("/api/definitions", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task Editing_a_principal_refuses_unknown_departments_and_roles_naming_the_field()
    {
        await using var app = new WorkflowsApp(database);
        using var admin = app.ClientWithKey(WorkflowsApp.AdministratorKey);
        var name = await CreateUserAsync(admin, "officer", "one-stop-desk");

        var unknownDepartment = await admin.PutAsJsonAsync($"/api/principals/{name}", new { roles = new[] { "officer" }, departments = new[] { "phong-khong-co" } });
        var unknownRole = await admin.PutAsJsonAsync($"/api/principals/{name}", new { roles = new[] { "superuser" }, departments = new[] { "construction" } });
        var unknownPrincipal = await admin.PutAsJsonAsync("/api/principals/khong-co", new { roles = new[] { "officer" } });

        Assert.Equal(HttpStatusCode.BadRequest, unknownDepartment.StatusCode);
        Assert.Contains("phong-khong-co", (string?)(await unknownDepartment.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!["departments"]![0], StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, unknownRole.StatusCode);
        Assert.NotNull((await unknownRole.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!["roles"]);
        Assert.Equal(HttpStatusCode.NotFound, unknownPrincipal.StatusCode);
        var unchanged = await PrincipalAsync(admin, name);
        Assert.Equal(["one-stop-desk"], unchanged["departments"]!.AsArray().Select(d => (string)d!));
    }

    [Fact]
    public async Task Creating_a_user_with_an_unknown_department_names_the_field()
    {
        await using var app = new WorkflowsApp(database);
        using var admin = app.ClientWithKey(WorkflowsApp.AdministratorKey);

        var response = await admin.PostAsJsonAsync("/api/principals", new { name = $"x-{Guid.NewGuid():N}", roles = new[] { "officer" }, departments = new[] { "phong-khong-co" } });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.NotNull((await response.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!["departments"]);
    }

    [Fact]
    public async Task Development_users_sign_in_with_the_development_password_and_are_listed_for_one_click_sign_in()
    {
        await using var app = new WorkflowsApp(database);
        using var client = app.CreateClient();

        var users = (await client.GetFromJsonAsync<JsonArray>("/api/auth/development-users"))!;
        var response = await SignInAsync(client, "quan.tri", "dev-password");

        var names = users.Select(u => (string)u!["name"]!).ToList();
        Assert.Contains("thiet.ke", names);
        Assert.Contains("quan.tri", names);
        Assert.Contains("canbo.motcua", names);
        Assert.DoesNotContain("motcua-tinh", names);
        Assert.Equal(["administrator"], users.Single(u => (string)u!["name"]! == "quan.tri")!["roles"]!.AsArray().Select(r => (string)r!));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["administrator"], (await response.Content.ReadFromJsonAsync<JsonObject>())!["principal"]!["roles"]!.AsArray().Select(r => (string)r!));
    }

    [Fact]
    public async Task The_development_users_list_does_not_exist_outside_development()
    {
        await using var app = new WorkflowsApp(database, environment: "Production");
        using var client = app.CreateClient();

        var response = await client.GetAsync(new Uri("/api/auth/development-users", UriKind.Relative));
        var openApi = await client.GetStringAsync(new Uri("/openapi/v1.json", UriKind.Relative));

        // Not mapped: an anonymous caller meets the fallback policy (401), and the API document does not name it.
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.DoesNotContain("development-users", openApi, StringComparison.Ordinal);
        Assert.Contains("/api/auth/sign-in", openApi, StringComparison.Ordinal);
    }

    private static Task<HttpResponseMessage> SignInAsync(HttpClient client, string userName, string password) =>
        client.PostAsJsonAsync("/api/auth/sign-in", new { userName, password });

    private static async Task<string> TokenAsync(WorkflowsApp app, string userName, string password)
    {
        using var client = app.CreateClient();
        var response = await SignInAsync(client, userName, password);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (string)(await response.Content.ReadFromJsonAsync<JsonObject>())!["token"]!;
    }

    private static HttpClient WithToken(WorkflowsApp app, string token)
    {
        var client = app.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    private static async Task<string> CreateUserAsync(HttpClient admin, string role, params string[] departments)
    {
        var name = $"nguoidung-{Guid.NewGuid():N}";
        var created = await admin.PostAsJsonAsync("/api/principals", new { name, displayName = "Người dùng thử", roles = new[] { role }, departments, password = Password });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return name;
    }

    private static async Task<JsonObject> PrincipalAsync(HttpClient admin, string name) =>
        (await admin.GetFromJsonAsync<JsonArray>("/api/principals"))!.Single(p => (string)p!["name"]! == name)!.AsObject();
}

public sealed class SqliteSignInTests(SqliteDatabase database) : SignInTests(database), IClassFixture<SqliteDatabase>;

public sealed class PostgresSignInTests(PostgresDatabase database) : SignInTests(database), IClassFixture<PostgresDatabase>;
